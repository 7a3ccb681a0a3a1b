"""Letters of credit per order (issue 17.2, 17.5, 17.10): a credit is a record of its own
for orders of one buyer, read by both parties only; its data prints on the papers of
shipments of those orders and nowhere else; each of its warnings refuses the issue
until acknowledged, and the acknowledgement is recorded; POST /shipments issues the
whole set in one request, with the certificate of origin and the beneficiary's
certificate it requires; the PDFs are laid out in the background, once per revision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core.audit import AuditEvent
from marketplace.extensions import db
from marketplace.fulfillment import exports
from marketplace.fulfillment.models import (
    DocumentRender,
    LetterOfCreditAcknowledgement,
    Shipment,
)
from tests.factories import csrf_token, portal_login
from tests.fulfillment.support import SEA, Pair, accepted_purchase_order, trade_pair
from tests.fulfillment.test_flow import pdf_text
from tests.worlds import shared_world

TODAY = date.today()
CLAUSE = "All documents must show the L/C number and the buyer's order number."


@dataclass
class World:
    pair: Pair
    stranger_token: str


@shared_world
def world(make, api):
    pair = trade_pair(make, api)
    stranger = make.member(make.company("Stranger Trading", roles=("buyer", "supplier")))
    return World(pair, api.token(stranger))


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def credit_body(order_ids, number="LC-HH-2026-0042", **changes) -> dict:
    body = {"number": number, "issuing_bank": "Deutsche Handelsbank AG",
            "advising_bank": "Bank of Taiwan, Kaohsiung", "issue_date": day(-30),
            "expiry_date": day(90), "expiry_place": "Hamburg", "latest_shipment_date": day(60),
            "amount": "145.00", "currency": "USD", "tolerance_pct": "5",
            "partial_shipments": True, "transhipment": False, "presentation_days": 21,
            "required_documents": [
                {"kind": "commercial-invoice", "originals": 3, "copies": 2},
                {"kind": "packing-list", "originals": 1, "copies": 2},
                {"kind": "bill-of-lading", "originals": 3, "copies": 0},
                {"kind": "certificate-of-origin", "originals": 1, "copies": 1},
                {"kind": "beneficiary-certificate", "originals": 1, "copies": 0}],
            "clauses": [CLAUSE], "order_ids": order_ids}
    return {**body, **changes}


def order_lines(api, token, order_id) -> dict[str, dict]:
    return {line["sku"]: line for line in api.get(f"/orders/{order_id}", token)
            .get_json()["lines"]}


def shipment_body(api, pair, order_id, only=None, **changes) -> dict:
    lines = order_lines(api, pair.supplier_token, order_id)
    return {"order_ids": [order_id], **SEA, "port_of_loading": "Kaohsiung",
            "port_of_discharge": "Gothenburg", "etd": day(4), "eta": day(34),
            "issue_documents": True,
            "lines": [{"order_line_id": line["id"], "quantity": line["quantity"]}
                      for sku, line in lines.items() if only is None or sku in only],
            **changes}


def new_order(make, pair) -> int:
    return accepted_purchase_order(make, pair.buyer, pair.supplier)  # 145.00 USD


def record_credit(api, pair, order_ids, **changes) -> dict:
    response = api.post("/letters-of-credit", pair.supplier_token,
                        json=credit_body(order_ids, **changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def shipment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Shipment))


# ----- the record ---------------------------------------------------------------------------


def test_a_credit_is_recorded_for_orders_and_read_by_their_parties_only(make, api, world):
    pair = world.pair
    order_id = new_order(make, pair)
    credit = record_credit(api, pair, [order_id])
    assert (credit["number"], credit["amount"], credit["tolerance_pct"], credit["ceiling"],
            credit["order_ids"]) == ("LC-HH-2026-0042", "145.00", "5", "152.25", [order_id])
    assert credit["partial_shipments"] is True and credit["transhipment"] is False
    assert credit["required_documents"][3] == {"kind": "certificate-of-origin",
                                               "originals": 1, "copies": 1}
    path = f"/letters-of-credit/{credit['id']}"
    assert api.get(path, pair.buyer_token).get_json()["clauses"] == [CLAUSE]
    assert api.get(path, pair.supplier_token).status_code == 200
    stranger = api.get(path, world.stranger_token)
    assert stranger.status_code == 404 and stranger.mimetype == "application/problem+json"
    # Another company cannot put the supplier's order under a credit of its own.
    assert api.post("/letters-of-credit", world.stranger_token, json=credit_body(
        [order_id], number="LC-X")).status_code == 404
    # The buyer does not record the supplier's credit.
    assert api.post("/letters-of-credit", pair.buyer_token, json=credit_body(
        [order_id], number="LC-Y")).status_code == 403
    # One credit per order at a time.
    again = api.post("/letters-of-credit", pair.supplier_token,
                     json=credit_body([order_id], number="LC-HH-2026-0043"))
    assert again.status_code == 409 and "LC-HH-2026-0042" in again.get_json()["detail"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"expiry_date": day(-40)}, "expiry_date"),
    ({"latest_shipment_date": day(120)}, "latest_shipment_date"),
    ({"currency": "EUR"}, "currency"),
    ({"required_documents": [{"kind": "invoice-of-sorts"}]}, "required_documents.0.kind"),
    ({"issuing_bank": ""}, "issuing_bank"),
])
def test_a_credit_that_cannot_hold_is_refused_naming_the_field(make, api, world, changes, field):
    pair = world.pair
    order_id = new_order(make, pair)
    refused = api.post("/letters-of-credit", pair.supplier_token,
                       json=credit_body([order_id], **changes))
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["errors"]


# ----- printed only under the credit ---------------------------------------------------------


def test_one_request_issues_the_set_and_only_lc_shipments_print_the_credit(
        make, api, world, app):
    pair = world.pair
    under_credit, by_tt = new_order(make, pair), new_order(make, pair)
    credit = record_credit(api, pair, [under_credit])

    issued = api.post("/shipments", pair.supplier_token,
                      json=shipment_body(api, pair, under_credit))
    assert issued.status_code == 201, issued.get_json()
    body = issued.get_json()
    kinds = {doc["kind"]: doc for doc in body["documents"]}
    assert set(kinds) == {"commercial-invoice", "packing-list", "shipping-advice",
                          "certificate-of-origin", "beneficiary-certificate"}
    assert kinds["commercial-invoice"]["number"].startswith("CI-")
    assert kinds["commercial-invoice"]["document_id"] is not None
    assert kinds["certificate-of-origin"]["number"] == f"{body['number']}-CO"
    assert kinds["certificate-of-origin"]["document_id"] is None
    assert body["letter_of_credit_id"] == credit["id"] and body["invoice_id"] is not None
    plain = api.post("/shipments", pair.supplier_token, json=shipment_body(api, pair, by_tt))
    assert plain.status_code == 201, plain.get_json()
    plain = plain.get_json()
    assert sorted(doc["kind"] for doc in plain["documents"]) == [
        "commercial-invoice", "packing-list", "shipping-advice"]
    assert plain["letter_of_credit_id"] is None

    invoice_number = kinds["commercial-invoice"]["number"]
    for kind in ("commercial-invoice", "packing-list", "shipping-advice"):
        text = " ".join(pdf_text(api.get(f"/shipments/{body['id']}/documents/{kind}",
                                         pair.buyer_token)).split())
        assert "LC-HH-2026-0042" in text and "Deutsche Handelsbank AG" in text, kind
        assert CLAUSE in " ".join(text.split()), kind
        tt = pdf_text(api.get(f"/shipments/{plain['id']}/documents/{kind}", pair.buyer_token))
        assert "LC-HH-2026-0042" not in tt and "Letter of credit" not in tt, kind
        assert "Deutsche Handelsbank" not in tt, kind

    origin = " ".join(pdf_text(api.get(
        f"/shipments/{body['id']}/documents/certificate-of-origin", pair.buyer_token)).split())
    assert "CERTIFICATE OF ORIGIN" in origin and f"{body['number']}-CO" in origin
    assert "Declaration by the exporter" in origin and "produced in Taiwan" in origin
    assert "Nordic Tools" in origin and "Formosa Fasteners" in origin  # consignee, exporter
    assert invoice_number in origin and "7318.15" in origin and "Ever Ace" in origin
    assert "Certification by the chamber of commerce" in origin
    beneficiary = " ".join(pdf_text(api.get(
        f"/shipments/{body['id']}/documents/beneficiary-certificate", pair.buyer_token)).split())
    assert "BENEFICIARY'S CERTIFICATE" in beneficiary and "LC-HH-2026-0042" in beneficiary
    assert "Deutsche Handelsbank AG" in beneficiary and CLAUSE in beneficiary
    assert "sent to the applicant within 21 days" in beneficiary
    assert invoice_number in beneficiary and "of Taiwan origin" in beneficiary
    assert api.get(f"/shipments/{plain['id']}/documents/certificate-of-origin",
                   pair.buyer_token).status_code == 404
    assert shipment_count(app) == 2


def test_missing_fields_refuse_the_set_naming_each_and_write_nothing(make, api, world, app):
    pair = world.pair
    order_id = new_order(make, pair)
    body = shipment_body(api, pair, order_id)
    for field in ("vessel", "voyage", "bill_of_lading", "on_board_date", "port_of_loading"):
        body.pop(field)
    refused = api.post("/shipments", pair.supplier_token, json=body)
    assert refused.status_code == 422, refused.get_json()
    assert {"vessel", "voyage", "bill_of_lading", "on_board_date"} <= set(
        refused.get_json()["errors"])
    assert shipment_count(app) == 0
    assert order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["shipped_quantity"] == "0"


# ----- warnings ----------------------------------------------------------------------------


WARNING_CASES = {
    "lc_expired": ({"issue_date": day(-90), "expiry_date": day(-1),
                    "latest_shipment_date": None}, {}),
    "shipment_after_latest_date": ({"latest_shipment_date": day(2)}, {}),
    "amount_above_lc": ({"amount": "100.00", "tolerance_pct": "10"}, {}),
    "partial_shipment_forbidden": ({"partial_shipments": False}, {"only": {"BOLT-M8"}}),
}


@pytest.mark.parametrize("code", list(WARNING_CASES))
def test_each_warning_refuses_the_issue_until_acknowledged(make, api, world, app, code):
    pair = world.pair
    order_id = new_order(make, pair)
    credit_changes, shipment_changes = WARNING_CASES[code]
    record_credit(api, pair, [order_id], **credit_changes)
    refused = api.post("/shipments", pair.supplier_token,
                       json=shipment_body(api, pair, order_id, **shipment_changes))
    assert refused.status_code == 409, refused.get_json()
    problem = refused.get_json()
    assert refused.mimetype == "application/problem+json"
    assert problem["type"] == "/problems/lc-warnings"
    assert [w["code"] for w in problem["warnings"]] == [code]
    assert problem["acknowledge_with"] == {"acknowledge_warnings": [code]}
    assert "LC-HH-2026-0042" in problem["detail"]
    assert shipment_count(app) == 0  # nothing booked, nothing issued
    # Acknowledging another warning does not do.
    other = next(c for c in WARNING_CASES if c != code)
    still = api.post("/shipments", pair.supplier_token, json=shipment_body(
        api, pair, order_id, acknowledge_warnings=[other], **shipment_changes))
    assert still.status_code == 409


def test_acknowledged_warnings_issue_the_set_and_are_recorded(make, api, world, app, client):
    pair = world.pair
    order_id = new_order(make, pair)
    record_credit(api, pair, [order_id], issue_date=day(-90), expiry_date=day(-1),
                  latest_shipment_date=day(-2), amount="50.00", tolerance_pct="0",
                  partial_shipments=False, required_documents=[])
    body = shipment_body(api, pair, order_id, only={"BOLT-M8"})
    refused = api.post("/shipments", pair.supplier_token, json=body)
    codes = [w["code"] for w in refused.get_json()["warnings"]]
    assert codes == ["lc_expired", "shipment_after_latest_date", "amount_above_lc",
                     "partial_shipment_forbidden"]
    issued = api.post("/shipments", pair.supplier_token,
                      json={**body, "acknowledge_warnings": codes})
    assert issued.status_code == 201, issued.get_json()
    shipment_id = issued.get_json()["id"]
    with app.app_context():
        [row] = db.session.scalars(select(LetterOfCreditAcknowledgement)).all()
        assert (row.shipment_id, row.user_id) == (shipment_id, pair.supplier.user_id)
        assert [w["code"] for w in row.warnings] == codes
        audit = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "letter_of_credit.warnings_acknowledged")).one()
        assert audit.actor_user_id == pair.supplier.user_id and audit.object_id == shipment_id
        assert audit.changes["warnings"] == codes
    [event] = [e for e in api.get(f"/orders/{order_id}", pair.buyer_token).get_json()
               ["events"] if e["kind"] == "lc_warnings_acknowledged"]
    assert event["details"]["warnings"] == codes and event["actor_id"] == pair.supplier.user_id
    portal_login(client, pair.supplier.email)
    page = client.get(f"/fulfillment/shipments/{shipment_id}").get_data(as_text=True)
    assert 'id="lc-acknowledged"' in page and "acknowledged by Test Person" in page
    assert "expired on" in page


# ----- background rendering, once per revision -----------------------------------------------


def test_the_set_is_rendered_in_the_background_once_per_revision(
        make, api, world, app, client, monkeypatch):
    pair = world.pair
    order_id = new_order(make, pair)
    issued = api.post("/shipments", pair.supplier_token, json=shipment_body(api, pair, order_id))
    assert issued.status_code == 201, issued.get_json()
    body = issued.get_json()
    with app.app_context():
        render = db.session.get(DocumentRender, body["render_id"])
        assert (render.status, render.done, render.total) == ("done", 3, 3)

    portal_login(client, pair.supplier.email)
    base = f"/fulfillment/shipments/{body['id']}/papers/{body['render_id']}"
    progress = client.get(f"{base}/progress").get_json()
    assert (progress["finished"], progress["percent"], progress["done"]) == (True, 100, 3)
    assert all(item["ready"] for item in progress["documents"])
    page = client.get(base).get_data(as_text=True)
    assert 'id="render-progress"' in page and "3 of 3 papers ready" in page

    laid_out = []
    real = exports.shipping_document_pdf
    monkeypatch.setattr(exports, "shipping_document_pdf",
                        lambda *args, **kwargs: laid_out.append(args[0]["kind"]) or
                        real(*args, **kwargs))
    for kind in ("commercial-invoice", "packing-list", "shipping-advice"):
        response = api.get(f"/shipments/{body['id']}/documents/{kind}", pair.buyer_token)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert laid_out == []  # all three came from the background's prints

    again = api.post(f"/shipments/{body['id']}/documents/packing-list", pair.supplier_token)
    assert again.status_code == 201 and again.get_json()["revision"] == 2
    for _ in range(2):
        assert api.get(f"/shipments/{body['id']}/documents/packing-list",
                       pair.buyer_token).status_code == 200
    assert laid_out == ["packing-list"]  # the new revision: laid out once, then served

    # Another company's member finds neither the page nor its progress.
    stranger = make.member(make.company("Snooping Ltd", roles=("supplier",)))
    portal_login(client, stranger.email)
    assert client.get(f"{base}/progress").status_code == 404
    assert client.get(base).status_code == 404


def test_the_invoice_alone_is_held_by_the_credits_warnings_too(make, api, world, app, client):
    """Booked without its papers, then invoiced by itself (API) or from the shipment page:
    the same warnings, the same record when overridden."""
    pair = world.pair
    by_api, by_portal = new_order(make, pair), new_order(make, pair)
    record_credit(api, pair, [by_api, by_portal], amount="290.00", issue_date=day(-90),
                  expiry_date=day(-1), latest_shipment_date=None)
    shipments = []
    for order_id in (by_api, by_portal):
        booked = api.post("/shipments", pair.supplier_token,
                          json=shipment_body(api, pair, order_id, issue_documents=False))
        assert booked.status_code == 201 and booked.get_json()["documents"] == []
        shipments.append(booked.get_json()["id"])

    path = f"/shipments/{shipments[0]}/commercial-invoice"
    refused = api.post(path, pair.supplier_token)
    assert refused.status_code == 409
    assert [w["code"] for w in refused.get_json()["warnings"]] == ["lc_expired"]
    assert api.get(f"/shipments/{shipments[0]}", pair.supplier_token).get_json()[
        "invoice_id"] is None
    issued = api.post(f"{path}?acknowledge_warnings=lc_expired", pair.supplier_token)
    assert issued.status_code == 201, issued.get_json()

    portal_login(client, pair.supplier.email)
    page = f"/fulfillment/shipments/{shipments[1]}"
    token = csrf_token(client, page)
    held = client.post(f"{page}/documents/commercial-invoice", data={"csrf_token": token})
    assert held.status_code == 409
    html = held.get_data(as_text=True)
    assert 'name="acknowledge" value="lc_expired"' in html and "expired on" in html
    confirmed = client.post(f"{page}/document-set",
                            data={"csrf_token": token, "acknowledge": "lc_expired"})
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)
    assert "/papers/" in confirmed.headers["Location"]
    shown = api.get(f"/shipments/{shipments[1]}", pair.supplier_token).get_json()
    assert shown["invoice_id"] is not None and len(shown["documents"]) == 5
    with app.app_context():
        rows = db.session.scalars(select(LetterOfCreditAcknowledgement).order_by(
            LetterOfCreditAcknowledgement.id)).all()
        assert [(row.shipment_id, [w["code"] for w in row.warnings], row.user_id)
                for row in rows] == [(shipment_id, ["lc_expired"], pair.supplier.user_id)
                                     for shipment_id in shipments]
