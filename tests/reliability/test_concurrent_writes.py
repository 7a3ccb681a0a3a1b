"""Writes at the same moment: every conflict is a 409 or 412 problem in the caller's
language, never a 500; writes that can all succeed do."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, Payment
from marketplace.infrastructure.models import User
from tests.content.conftest import make_category  # noqa: F401 - a fixture
from tests.content.test_products_api import BOLT
from tests.fulfillment.support import SEA, accepted_purchase_order, trade_pair
from tests.trading.support import Trade

PARALLEL = 10
PROBLEM = "application/problem+json"


def _statuses(answers) -> Counter:
    for answer in answers:
        if answer.status_code >= 400:
            assert answer.headers["Content-Type"] == PROBLEM, answer.text
    return Counter(answer.status_code for answer in answers)


def _speaks_chinese(app, *user_ids) -> None:
    with app.app_context():
        for user_id in user_ids:
            db.session.get(User, user_id).language = "zh_Hant"
        db.session.commit()


def _patch_race(live, path, token, etag, body):
    """Ten PATCHes with the same If-Match: one 200, nine 412; ten without: no 500."""
    answers = live.parallel(PARALLEL, "PATCH", path, token, json=body,
                            headers={"If-Match": etag})
    assert _statuses(answers) == {200: 1, 412: PARALLEL - 1}, [a.text for a in answers]
    stale = next(a for a in answers if a.status_code == 412)
    assert stale.json()["title"] == "已被其他人修改"
    blind = live.parallel(PARALLEL, "PATCH", path, token, json=body)
    statuses = _statuses(blind)
    assert set(statuses) <= {200, 409, 412} and statuses[200] >= 1, [a.text for a in blind]


def test_parallel_patches_of_an_address_book_entry(live, make, api, app):
    admin = make.company_with_admin()
    _speaks_chinese(app, admin.user_id)
    token = api.token(admin)
    created = api.post("/address-book", token, json={"name": "Osaka Trading", "country": "JP"})
    _patch_race(live, f"/address-book/{created.get_json()['id']}", token,
                created.headers["ETag"], {"notes": "Prefers sea freight"})


def test_parallel_patches_of_a_company(live, make, api, app):
    admin = make.company_with_admin()
    _speaks_chinese(app, admin.user_id)
    token = api.token(admin)
    etag = api.get(f"/companies/{admin.company_id}", token).headers["ETag"]
    _patch_race(live, f"/companies/{admin.company_id}", token, etag, {"city": "Tainan"})


def test_parallel_patches_of_a_document(live, make, api, app):
    trade = Trade.start(make, api)
    _speaks_chinese(app, trade.buyer.user_id)
    draft = trade.create("buyer", "inquiry")
    etag = api.get(f"/documents/{draft['id']}", trade.buyer_token).headers["ETag"]
    _patch_race(live, f"/documents/{draft['id']}", trade.buyer_token, etag,
                {"subject": "M8 fasteners for autumn"})


def test_parallel_patches_of_a_product(live, make, api, app, make_category):  # noqa: F811
    make_category("hardware", "Hardware & Tools", "五金與工具")
    make_category("hardware.fasteners", "Fasteners", "扣件", parent="hardware")
    supplier = make.company_with_admin("Formosa Fasteners", roles=("supplier",))
    _speaks_chinese(app, supplier.user_id)
    token = api.token(supplier)
    created = api.post("/products", token, json=BOLT)
    assert created.status_code == 201, created.get_json()
    _patch_race(live, f"/products/{created.get_json()['id']}", token,
                created.headers["ETag"], {"lead_time_days": 30})


def _invoice_of(make, api, pair, lines) -> dict:
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier, lines)
    order_lines = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"]
    shipment = api.post("/shipments", pair.supplier_token, json={
        **SEA, "order_ids": [order_id], "lines": [{"order_line_id": line["id"],
                                            "quantity": line["quantity"]}
                                           for line in order_lines]})
    assert shipment.status_code == 201, shipment.get_json()
    return shipment.get_json()


def test_parallel_payments_on_one_invoice_take_what_the_balance_allows(live, make, api, app):
    pair = trade_pair(make, api)
    _speaks_chinese(app, pair.supplier.user_id)
    shipment = _invoice_of(make, api, pair, [("BOLT-M8", "1000", "12.87")])
    issued = api.post(f"/shipments/{shipment['id']}/commercial-invoice", pair.supplier_token)
    invoice = issued.get_json()["invoice"]
    assert invoice["amount"] in ("12870.00", "12870.0000", "12870")
    answers = live.parallel(8, "POST", f"/invoices/{invoice['id']}/payments",
                            pair.supplier_token, json={"amount": "5148", "method": "tt"})
    statuses = _statuses(answers)
    assert statuses[201] == 2, [a.text for a in answers]
    assert set(statuses) <= {201, 409, 422}, [a.text for a in answers]
    for refused in (a for a in answers if a.status_code != 201):
        assert "2574" in refused.json()["detail"], refused.json()  # the balance left
    with app.app_context():
        assert db.session.get(Invoice, invoice["id"]).balance == Decimal("2574")
        assert db.session.scalar(select(func.count()).select_from(Payment).where(
            Payment.invoice_id == invoice["id"])) == 2


def test_parallel_commercial_invoices_of_one_shipment_make_one(live, make, api, app):
    pair = trade_pair(make, api)
    _speaks_chinese(app, pair.supplier.user_id)
    shipment = _invoice_of(make, api, pair, [("BOLT-M8", "1000", "0.12")])
    answers = live.parallel(PARALLEL, "POST", f"/shipments/{shipment['id']}/commercial-invoice",
                            pair.supplier_token)
    assert _statuses(answers) == {201: 1, 409: PARALLEL - 1}, [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert refused.json()["title"] == "目前的狀態不允許此操作"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.shipment_id == shipment["id"])) == 1
