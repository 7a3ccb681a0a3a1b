"""POST /api/v1/documents/inquiries: the API's twin of "Send inquiry" on a product page.
The same operation and the same trade rules as the portal: a real inquiry draft to the
product's supplier with the product as its line, an open draft reused, only buyers
inquire, never about their own product; a product the caller may not see is not
found."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.workflow.models import Document
from tests.content.conftest import make_product  # noqa: F401 - the fixture
from tests.factories import csrf_token, portal_login
from tests.trading.support import Trade

PATH = "/documents/inquiries"


@pytest.fixture
def trade(make, api) -> Trade:
    return Trade.start(make, api)


@pytest.fixture
def bolt(trade, make_product):
    return make_product(trade.supplier.company_id, sku="HB-M8", name="Hex bolt M8",
                        name_zh="六角螺栓 M8", moq="1000", currency="USD", port="Kaohsiung",
                        unit="pcs")


def _document_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Document.id)))


def test_an_inquiry_draft_about_the_product_goes_to_its_supplier(api, trade, bolt):
    response = api.post(PATH, trade.buyer_token, json={"product_id": bolt})
    assert response.status_code == 201, response.get_json()
    inquiry = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/documents/{inquiry['id']}")
    assert response.headers["ETag"] == f'"{inquiry["version"]}"'
    assert (inquiry["type"], inquiry["status"]) == ("inquiry", "draft")
    assert inquiry["recipient"]["id"] == trade.supplier.company_id
    assert inquiry["subject"] == "Inquiry: Hex bolt M8"
    assert (inquiry["currency"], inquiry["port_of_loading"]) == ("USD", "Kaohsiung")
    [line] = inquiry["lines"]
    assert (line["product_id"], line["sku"], line["quantity"], line["unit"]) == (
        bolt, "HB-M8", "1000", "pcs")
    assert line["description"] == "Hex bolt M8 / 六角螺栓 M8"
    assert "send" in inquiry["allowed_actions"]


def test_what_the_buyer_gives_goes_on_the_draft(api, trade, bolt):
    response = api.post(PATH, trade.buyer_token, json={
        "product_id": bolt, "subject": "Bolts for Hamburg", "quantity": "25000",
        "unit": "boxes", "notes": "CIF Hamburg please"})
    assert response.status_code == 201, response.get_json()
    inquiry = response.get_json()
    assert (inquiry["subject"], inquiry["notes"]) == ("Bolts for Hamburg", "CIF Hamburg please")
    assert (inquiry["lines"][0]["quantity"], inquiry["lines"][0]["unit"]) == ("25000", "boxes")


def test_an_open_draft_about_the_product_is_answered_again(app, api, trade, bolt):
    first = api.post(PATH, trade.buyer_token, json={"product_id": bolt}).get_json()
    again = api.post(PATH, trade.buyer_token, json={"product_id": bolt, "quantity": "5"})
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["id"] == first["id"]
    assert again.get_json()["lines"][0]["quantity"] == "1000"  # unchanged
    assert _document_count(app) == 1
    trade.act("buyer", first, "send")  # sent: no longer an open draft
    assert api.post(PATH, trade.buyer_token, json={"product_id": bolt}).status_code == 201


def test_the_portal_and_the_api_share_the_draft(app, api, trade, bolt):
    """The portal's "Send inquiry" reuses the draft the API made: one operation."""
    made = api.post(PATH, trade.buyer_token, json={"product_id": bolt}).get_json()
    client = app.test_client()
    assert portal_login(client, trade.buyer.email).status_code == 302
    response = client.post(f"/trading/inquiries/product/{bolt}", data={
        "csrf_token": csrf_token(client, f"/products/{bolt}")})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/trading/documents/{made['id']}/edit")
    assert _document_count(app) == 1


def test_an_unknown_product_or_another_companys_draft_is_not_found(
        app, api, make, trade, make_product):
    other = make.company_with_admin("Other Fasteners", roles=("supplier",))
    hidden = make_product(other.company_id, sku="PROTO", status="draft")
    for product_id in (hidden, 2**31 - 1):
        response = api.post(PATH, trade.buyer_token, json={"product_id": product_id})
        assert response.status_code == 404, response.get_json()
        assert response.mimetype == "application/problem+json"
    assert _document_count(app) == 0


BOLT = object()  # the bolt's id, filled in by the test


@pytest.mark.parametrize("body", [
    {},
    {"product_id": "bolt"},
    {"product_id": 0},
    {"quantity": "10"},
    {"product_id": BOLT, "quantity": "0"},
    {"product_id": BOLT, "quantity": "-5"},
    {"product_id": BOLT, "quantity": "ten"},
    {"product_id": BOLT, "subject": "x" * 301},
    {"product_id": BOLT, "unit": "u" * 21},
    {"product_id": BOLT, "notes": "n" * 5001},
    {"product_id": BOLT, "currency": "EUR"},  # not a field here: the product gives it
], ids=["empty", "text id", "zero id", "no product", "zero quantity", "negative quantity",
        "quantity in words", "long subject", "long unit", "long notes", "unknown field"])
def test_bad_input_is_refused_and_makes_nothing(app, api, trade, bolt, body):
    body = {name: bolt if value is BOLT else value for name, value in body.items()}
    response = api.post(PATH, trade.buyer_token, json=body)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]
    assert _document_count(app) == 0


def test_a_refused_quantity_is_named_as_given(api, trade, bolt):
    """The engine checks the line (``lines.0.quantity``); the caller sent ``quantity``."""
    for quantity in ("0", "-5", "1.00001", "1" + "0" * 15):
        response = api.post(PATH, trade.buyer_token, json={"product_id": bolt,
                                                           "quantity": quantity})
        assert response.status_code == 422, (quantity, response.get_json())
        assert list(response.get_json()["errors"]) == ["quantity"], quantity


def test_the_trade_rules_hold(app, api, make, trade, bolt):
    own = api.post(PATH, trade.supplier_token, json={"product_id": bolt})
    assert own.status_code == 422
    assert "your own product" in own.get_json()["errors"]["product_id"][0]
    seller = make.company_with_admin("Other Fasteners", roles=("supplier",))
    not_a_buyer = api.post(PATH, api.token(seller), json={"product_id": bolt})
    assert not_a_buyer.status_code == 403
    assert "Inquiries are sent by buyers" in not_a_buyer.get_json()["detail"]
    viewer = make.member(trade.buyer.company_id, "viewer")
    assert api.post(PATH, api.token(viewer), json={"product_id": bolt}).status_code == 403
    assert api.post(PATH, json={"product_id": bolt}).status_code == 401
    operator = make.operator()
    assert api.post(PATH, api.token(operator), json={"product_id": bolt}).status_code == 403
    assert _document_count(app) == 0
