"""An rfq goes to several suppliers: each gets its own invitation and sees only its
own; a quotation answering one is seen by that supplier and the buyer only."""

from __future__ import annotations

from tests.trading.support import LINES, Trade


def test_each_supplier_sees_only_its_own_invitation_and_quotation(make, api):
    trade = Trade.start(make, api)
    rival = make.company_with_admin("Ningbo Bolts", roles=("supplier",), country="CN")
    rival_token = api.token(rival)
    created = api.post("/documents", trade.buyer_token, json={
        "type": "rfq", "subject": "M8 bolts, 2027 contract", "currency": "USD",
        "recipient_company_ids": [trade.supplier.company_id, rival.company_id],
        "lines": LINES})
    assert created.status_code == 201, created.get_json()
    rfq = created.get_json()
    assert rfq["recipient"] is None
    assert rfq["recipient_company_ids"] == [trade.supplier.company_id, rival.company_id]
    rfq = trade.act("buyer", rfq, "send")
    invitations = rfq["invitations"]
    assert [i["recipient"]["id"] for i in invitations] == [trade.supplier.company_id,
                                                           rival.company_id]
    # Numbered by each supplier's own company, never by its place in the list ("-02"
    # would tell the second supplier that another was invited).
    assert [i["number"] for i in invitations] == [
        f"{rfq['number']}-{trade.supplier.company_id}", f"{rfq['number']}-{rival.company_id}"]

    def inbox(token):
        return [d["id"] for d in api.get("/documents?box=inbox", token).get_json()["items"]]

    mine, theirs = invitations[0]["id"], invitations[1]["id"]
    assert inbox(trade.supplier_token) == [mine]
    assert inbox(rival_token) == [theirs]
    assert api.get(f"/documents/{rfq['id']}", trade.supplier_token).status_code == 404
    assert api.get(f"/documents/{mine}", rival_token).status_code == 404

    quotation = trade.quotation_for(trade.get("supplier", mine))
    assert quotation["thread_id"] == trade.get("supplier", mine)["thread_id"]
    assert quotation["thread_id"] != trade.get("buyer", theirs)["thread_id"]
    # The competitor cannot peek at the quotation, by id, box, search or thread.
    assert api.get(f"/documents/{quotation['id']}", rival_token).status_code == 404
    assert api.get(f"/documents/{quotation['id']}/history", rival_token).status_code == 404
    assert quotation["id"] not in inbox(rival_token)
    found = api.get(f"/documents?box=inbox&q={quotation['number']}", rival_token).get_json()
    assert found["total"] == 0
    thread = api.get(f"/documents/{theirs}/thread", rival_token).get_json()
    assert [d["id"] for d in thread] == [theirs]
    derive = api.post(f"/documents/{quotation['id']}/derive", rival_token,
                      json={"type": "quotation"})
    assert derive.status_code == 404
    assert trade.get("buyer", quotation)["status"] == "sent"


def test_an_rfq_needs_its_suppliers(make, api):
    trade = Trade.start(make, api)
    created = api.post("/documents", trade.buyer_token, json={"type": "rfq", "lines": LINES})
    assert created.status_code == 201
    refused = api.post(f"/documents/{created.get_json()['id']}/actions/send",
                       trade.buyer_token)
    assert refused.status_code == 409
    assert refused.get_json()["detail"] == "Say which company the document goes to."
    bad = api.post("/documents", trade.buyer_token, json={
        "type": "rfq", "recipient_company_ids": [trade.buyer.company_id, 99999],
        "lines": LINES})
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"recipient_company_ids.0",
                                             "recipient_company_ids.1"}


def test_cancelling_an_rfq_withdraws_the_invitations(make, api):
    trade = Trade.start(make, api)
    rfq = trade.act("buyer", api.post("/documents", trade.buyer_token, json={
        "type": "rfq", "recipient_company_ids": [trade.supplier.company_id],
        "lines": LINES}).get_json(), "send")
    trade.act("buyer", rfq, "cancel", comment="Project stopped")
    invitation = trade.get("supplier", rfq["invitations"][0]["id"])
    assert invitation["status"] == "cancelled"
