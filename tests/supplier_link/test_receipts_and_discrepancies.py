"""The full loop: shipment → receipt with a shortage and a rejected quantity →
discrepancy → claim → credit note → closed; and the bad receipts."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.fulfillment.models import OrderLine


def _order_and_shipment(trade):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None),
                                           ("A-200", "40", "1.00", None)])
    shipment = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100",
                                                    order.line_ids[1]: "40"})
    return order, shipment


def _receive(trade, order, lines, token=None, **extra):
    return trade.api.post("/supplier-link/receipts", token or trade.buyer.token,
                          json={"order_id": order.id, "lines": lines, **extra})


def _received(trade, line_id):
    with trade.app.app_context():
        return db.session.get(OrderLine, line_id).received_quantity


def test_shortage_and_rejection_are_claimed_credited_and_closed(trade):
    order, shipment = _order_and_shipment(trade)
    bolts, nuts = order.line_ids
    response = _receive(trade, order, [
        {"order_line_id": bolts, "quantity_received": "90", "quantity_rejected": "5",
         "reason": "damaged"},
        {"order_line_id": nuts, "quantity_received": "40"}])
    assert response.status_code == 201, response.get_json()
    receipt = response.get_json()
    assert receipt["shipment_id"] == shipment  # matched to the advance shipping notice
    assert [line["shipment_id"] for line in receipt["lines"]] == [shipment, shipment]
    assert _received(trade, bolts) == 85 and _received(trade, nuts) == 40

    [found] = receipt["discrepancies"]
    assert (found["shipped"], found["received"], found["rejected"], found["accepted"]) == (
        "100", "90", "5", "85")
    assert (found["short"], found["over"], found["kinds"]) == ("10", "0", ["short", "rejected"])
    assert found["claim_amount"] == "37.50" and found["status"] == "open"

    seen = trade.view(trade.supplier_a, "discrepancies").get_json()["items"]
    assert [(d["order_line_id"], d["short"]) for d in seen] == [(bolts, "10")]
    assert trade.view(trade.supplier_b, "discrepancies").status_code == 404

    case = f"/supplier-link/discrepancies/{found['id']}"
    assert trade.api.post(f"{case}/resolve", trade.supplier_a.token,
                          json={"resolution": "credit_note"}).status_code == 409  # no claim
    claimed = trade.api.post(f"{case}/claim", trade.buyer.token, json={"comment": "please"})
    assert claimed.status_code == 200, claimed.get_json()
    claimed = claimed.get_json()
    assert claimed["status"] == "claimed" and claimed["allowed_steps"] == ["debit_note"]
    claim = trade.api.get(f"/documents/{claimed['claim_document_id']}", trade.supplier_a.token)
    assert claim.status_code == 200
    claim = claim.get_json()
    assert claim["type"] == "claim" and claim["status"] == "sent"
    assert claim["lines"][0]["quantity"] in ("15", "15.0000")

    steps = trade.api.get(case, trade.supplier_a.token).get_json()["allowed_steps"]
    assert steps == ["credit_note", "replacement"]
    resolved = trade.api.post(f"{case}/resolve", trade.supplier_a.token,
                              json={"resolution": "credit_note"})
    assert resolved.status_code == 200, resolved.get_json()
    note_id = resolved.get_json()["resolution_document_id"]
    assert resolved.get_json()["status"] == "resolving"
    accepted = trade.api.post(f"/documents/{note_id}/actions/accept", trade.buyer.token,
                              json={})
    assert accepted.status_code == 200, accepted.get_json()

    closed = trade.api.get(case, trade.buyer.token).get_json()
    assert closed["status"] == "closed" and closed["resolution"] == "credit_note"
    assert closed["allowed_steps"] == []
    claim = trade.api.get(f"/documents/{claimed['claim_document_id']}", trade.buyer.token)
    assert claim.get_json()["status"] == "closed"
    open_only = trade.view(trade.supplier_a, "discrepancies", include_closed="false")
    assert open_only.get_json()["items"] == []


def test_a_debit_note_from_the_buyer_is_closed_when_the_supplier_accepts_it(trade):
    order, _ = _order_and_shipment(trade)
    found = _receive(trade, order, [{"order_line_id": order.line_ids[0],
                                     "quantity_received": "95"}]).get_json()["discrepancies"][0]
    case = f"/supplier-link/discrepancies/{found['id']}"
    trade.api.post(f"{case}/claim", trade.buyer.token, json={})
    resolved = trade.api.post(f"{case}/resolve", trade.buyer.token,
                              json={"resolution": "debit_note"}).get_json()
    assert resolved["allowed_steps"] == []  # the supplier accepts it
    assert trade.api.post(f"{case}/close", trade.buyer.token, json={}).status_code == 409
    closed = trade.api.post(f"{case}/close", trade.supplier_a.token, json={})
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["status"] == "closed"


def test_more_than_shipped_is_kept_and_flagged_never_capped(trade):
    order, _ = _order_and_shipment(trade)
    response = _receive(trade, order, [{"order_line_id": order.line_ids[0],
                                        "quantity_received": "110"}])
    assert response.status_code == 201
    assert _received(trade, order.line_ids[0]) == 110
    [found] = response.get_json()["discrepancies"]
    assert (found["over"], found["short"], found["kinds"]) == ("10", "0", ["over"])


def test_late_goods_close_an_unclaimed_shortage(trade):
    order, _ = _order_and_shipment(trade)
    line = order.line_ids[0]
    _receive(trade, order, [{"order_line_id": line, "quantity_received": "60"}])
    body = _receive(trade, order, [{"order_line_id": line, "quantity_received": "40"}]).get_json()
    assert body["discrepancies"] == []
    assert trade.api.get("/supplier-link/discrepancies", trade.buyer.token,
                         query_string={"include_closed": "false"}).get_json() == []


def test_goods_of_two_shipments_are_matched_in_order(trade):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    first = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "60"})
    second = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "40"})
    line = order.line_ids[0]
    one = _receive(trade, order, [{"order_line_id": line, "quantity_received": "60"}]).get_json()
    two = _receive(trade, order, [{"order_line_id": line, "quantity_received": "40"}]).get_json()
    assert (one["shipment_id"], two["shipment_id"]) == (first, second)
    named = _receive(trade, order, [{"order_line_id": line, "quantity_received": "1"}],
                     shipment_id=first).get_json()
    assert named["shipment_id"] == first and named["discrepancies"][0]["over"] == "1"


def test_bad_receipts_are_refused_and_change_nothing(trade):
    order, _ = _order_and_shipment(trade)
    other_buyer = trade._party("Other Buyer", ("buyer",))
    foreign = trade.order(trade.supplier_b, [("Z-1", "5", "1", None)], buyer=other_buyer)
    line = order.line_ids[0]
    cases = [
        ({"order_line_id": line, "quantity_received": "5", "quantity_rejected": "6",
          "reason": "quality"}, "lines.0.quantity_rejected"),
        ({"order_line_id": line, "quantity_received": "5", "quantity_rejected": "1"},
         "lines.0.reason"),
        ({"order_line_id": line, "quantity_received": "5", "reason": "quality"},
         "lines.0.reason"),
        ({"order_line_id": line, "quantity_received": "0"}, "lines.0.quantity_received"),
        ({"order_line_id": foreign.line_ids[0], "quantity_received": "1"},
         "lines.0.order_line_id"),
        ({"order_line_id": line, "quantity_received": "-1"}, "lines.0.quantity_received"),
        ({"order_line_id": line, "quantity_received": "1", "reason": "lost"}, "lines.0.reason"),
        ({"order_line_id": line, "quantity_received": "1", "price": "1"}, "lines.0.price"),
    ]
    for body, field in cases:
        response = _receive(trade, order, [body])
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], (body, response.get_json())
    assert _receive(trade, order, [{"order_line_id": line, "quantity_received": "1"}],
                    shipment_id=2**20).status_code == 422
    assert _receive(trade, foreign, [{"order_line_id": foreign.line_ids[0],
                                      "quantity_received": "1"}]).status_code == 404
    by_supplier = _receive(trade, order, [{"order_line_id": line, "quantity_received": "1"}],
                           token=trade.supplier_a.token)
    assert by_supplier.status_code == 403
    assert _received(trade, line) == 0
    assert trade.api.get("/supplier-link/receipts", trade.buyer.token).get_json()["total"] == 0


def test_the_supplier_is_told_of_a_receipt_when_the_buyer_shares_receipts(trade):
    from marketplace.infrastructure.notifications.models import Notification

    order, _ = _order_and_shipment(trade)
    _receive(trade, order, [{"order_line_id": order.line_ids[0], "quantity_received": "1"}])
    trade.api.patch(f"/supplier-link/sharing/{trade.supplier_a.company_id}", trade.buyer.token,
                    json={"share_receipts": False})
    _receive(trade, order, [{"order_line_id": order.line_ids[0], "quantity_received": "1"}])
    with trade.app.app_context():
        told = db.session.scalars(db.select(Notification).where(
            Notification.event == "goods_receipt.recorded")).all()
        assert [n.company_id for n in told] == [trade.supplier_a.company_id]


def _import(trade, order, text, **form):
    import io

    return trade.api.post("/supplier-link/receipts/import", trade.buyer.token, data={
        "order_id": str(order.id), "file": (io.BytesIO(text.encode()), "receipt.csv"), **form},
        content_type="multipart/form-data")


def test_a_receipt_from_a_csv_file(trade):
    order, shipment = _order_and_shipment(trade)
    response = _import(trade, order, "sku,quantity_received,quantity_rejected,reason\n"
                                     "A-100,100,3,quality\nA-200,38,,\n")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["source"] == "csv" and body["shipment_id"] == shipment
    assert [(d["sku"], d["kinds"]) for d in body["discrepancies"]] == [
        ("A-100", ["rejected"]), ("A-200", ["short"])]


def test_a_bad_csv_receipt_names_the_row_and_saves_nothing(trade):
    order, _ = _order_and_shipment(trade)
    refused = _import(trade, order, "sku,quantity_received,quantity_rejected,reason\n"
                                    "A-100,10,0,\nNOPE,1,0,\nA-200,5,6,damaged\n")
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"row 3.order_line_id",
                                                 "row 4.quantity_rejected"}
    assert _import(trade, order, "sku,colour\nA-100,red\n").status_code == 422
    assert _import(trade, order, "sku,quantity_received\nA-100,ten\n").status_code == 422
    big5 = trade.api.post("/supplier-link/receipts/import", trade.buyer.token, data={
        "order_id": str(order.id), "file": (__import__("io").BytesIO(
            "貨號,quantity_received\n".encode("big5")), "r.csv")},
        content_type="multipart/form-data")
    assert big5.status_code == 415
    assert trade.api.get("/supplier-link/receipts", trade.buyer.token).get_json()["total"] == 0


def test_a_credit_note_waiting_for_the_buyers_approver_closes_once_approved(trade, make):
    from marketplace.workflow.models import ApprovalRule, ApprovalStep

    approver = make.member(trade.buyer.company_id, "approver")
    trade.run(lambda: db.session.add(ApprovalRule(
        company_id=trade.buyer.company_id, type="credit_note", direction="accept",
        steps=[ApprovalStep(position=0, role="approver")])))
    order, _ = _order_and_shipment(trade)
    found = _receive(trade, order, [{"order_line_id": order.line_ids[0],
                                     "quantity_received": "90"}]).get_json()["discrepancies"][0]
    case = f"/supplier-link/discrepancies/{found['id']}"
    trade.api.post(f"{case}/claim", trade.buyer.token, json={})
    note = trade.api.post(f"{case}/resolve", trade.supplier_a.token,
                          json={"resolution": "credit_note"}).get_json()["resolution_document_id"]
    waiting = trade.api.post(f"{case}/close", trade.buyer.token, json={})
    assert waiting.status_code == 200 and waiting.get_json()["status"] == "resolving"
    approved = trade.api.post(f"/documents/{note}/actions/approve", trade.api.token(approver),
                              json={})
    assert approved.status_code == 200, approved.get_json()
    assert trade.api.get(case, trade.buyer.token).get_json()["status"] == "closed"


def test_goods_over_what_was_shipped_offer_no_claim_the_buyer_keeps_them_and_closes(trade):
    order, _ = _order_and_shipment(trade)
    bolts, nuts = order.line_ids
    response = _receive(trade, order, [{"order_line_id": bolts, "quantity_received": "110"},
                                       {"order_line_id": nuts, "quantity_received": "40"}])
    [found] = response.get_json()["discrepancies"]
    assert (found["over"], found["short"], found["claim_amount"]) == ("10", "0", "0.00")
    case = f"/supplier-link/discrepancies/{found['id']}"
    # Nothing short or rejected: "claim" is not offered (it was, and then refused).
    assert trade.api.get(case, trade.buyer.token).get_json()["allowed_steps"] == ["close"]
    assert trade.api.post(f"{case}/claim", trade.buyer.token, json={}).status_code == 409
    assert trade.api.post(f"{case}/close", trade.supplier_a.token, json={}).status_code == 409
    closed = trade.api.post(f"{case}/close", trade.buyer.token, json={})
    assert closed.status_code == 200, closed.get_json()
    closed = closed.get_json()
    assert (closed["status"], closed["resolution"], closed["allowed_steps"]) == (
        "closed", "kept", [])
    assert closed["claim_document_id"] is None
    assert _received(trade, bolts) == 110  # counted as received, never capped


def test_a_replacement_shipment_settles_a_shortage_once_the_buyer_confirms_it(trade):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    line = order.line_ids[0]
    first = trade.ship(trade.supplier_a, order, {line: "60"})
    [found] = _receive(trade, order, [{"order_line_id": line, "quantity_received": "50"}],
                       shipment_id=first).get_json()["discrepancies"]
    case = f"/supplier-link/discrepancies/{found['id']}"
    trade.api.post(f"{case}/claim", trade.buyer.token, json={})
    other_buyers = trade.order(trade.supplier_b, [("Z-1", "5", "1.00", None)])
    foreign = trade.ship(trade.supplier_b, other_buyers, {other_buyers.line_ids[0]: "5"})
    refused = trade.api.post(f"{case}/resolve", trade.supplier_a.token,
                             json={"resolution": "replacement", "shipment_id": foreign})
    assert refused.status_code == 422 and "shipment_id" in refused.get_json()["errors"]
    itself = trade.api.post(f"{case}/resolve", trade.supplier_a.token,
                            json={"resolution": "replacement", "shipment_id": first})
    assert itself.status_code == 422 and "shipment_id" in itself.get_json()["errors"]
    assert trade.api.get(case, trade.buyer.token).get_json()["status"] == "claimed"

    replacement = trade.ship(trade.supplier_a, order, {line: "10"})
    resolved = trade.api.post(f"{case}/resolve", trade.supplier_a.token,
                              json={"resolution": "replacement", "shipment_id": replacement})
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["status"] == "resolving"
    assert trade.api.get(case, trade.buyer.token).get_json()["allowed_steps"] == ["close"]
    assert trade.api.post(f"{case}/close", trade.supplier_a.token, json={}).status_code == 409
    _receive(trade, order, [{"order_line_id": line, "quantity_received": "10"}],
             shipment_id=replacement)
    closed = trade.api.post(f"{case}/close", trade.buyer.token, json={}).get_json()
    assert (closed["status"], closed["resolution"]) == ("closed", "replacement")
    assert _received(trade, line) == 60
