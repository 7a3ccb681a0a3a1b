"""Issue 13's rough edges, walked in Chromium as people meet them (items 6-9, 12, 13; the
layout's 10 and 11 are tests/browser/test_layout_edges.py):

- a member who reads Chinese is greeted in Chinese; the empty shipment form names the
  column to fill in the page's language, never ``order_ids.0`` (item 7), and a goods
  receipt names the line and the column (``Line 2 · Rejected quantity``), keeping what was
  typed;
- a product without a description says so, in both languages, never "None" (item 8);
- two bad price bounds at once explain each bound and keep the search (item 9);
- the operator's bell rings when a company registers and waits for approval (item 12);
- without card settings the buyer is told to pay by bank transfer, the operator is told
  which settings are missing (item 13)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure.models import User
from tests.browser.support import log_in, watch_for_breakage
from tests.content.conftest import make_product  # noqa: F401 - the fixture
from tests.factories import PASSWORD
from tests.fulfillment.support import trade_pair
from tests.fulfillment.test_payments import invoiced
from tests.pending_translations import load_pending_translations
from tests.supplier_link.support import Trade

pytestmark = pytest.mark.browser


@pytest.fixture
def pending_chinese(app, tmp_path):
    undo = load_pending_translations(app, tmp_path / "pending")
    yield
    undo()


def _reads_chinese(app, user_id: int) -> None:
    with app.app_context():
        db.session.get(User, user_id).language = "zh_Hant"
        commit()


def _alerts(page, kind: str = "danger") -> str:
    return " ".join(page.locator(f".alert-{kind}").all_inner_texts())


def test_refused_forms_name_the_fields_as_the_page_labels_them(app, make, api, new_page,
                                                               pending_chinese, artifacts):
    trade = Trade(make, api)
    received = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None),
                                              ("A-200", "50", "4.00", None)])
    trade.ship(trade.supplier_a, received, {received.line_ids[0]: "100",
                                            received.line_ids[1]: "50"})
    trade.order(trade.supplier_a, [("A-300", "20", "9.00", None)])  # still to ship
    supplier = trade.supplier_a.member
    _reads_chinese(app, supplier.user_id)

    desk = new_page()  # an English browser: the member's own language wins after login
    broken = watch_for_breakage(desk)
    log_in(desk, supplier.email)
    assert desk.locator("html").get_attribute("lang") == "zh-Hant"
    expect(desk.locator(".alert-success").first).to_contain_text("歡迎回來")
    desk.goto(f"/fulfillment/shipments/new?buyer={trade.buyer.company_id}")
    desk.fill("#carrier", "Evergreen")
    desk.click("#book-shipment")  # no quantity on any line
    desk.wait_for_load_state()
    said = _alerts(desk)
    assert "本次出貨：請至少在一行填入出貨數量。" in said, said
    for path in ("order_ids", "lines", "Length must be", "greater than"):
        assert path not in said, said
    desk.screenshot(path=artifacts / "rough-edges-shipment-zh.png")
    assert broken == []

    store = new_page()
    log_in(store, trade.buyer.member.email)
    store.goto(f"/supplier_link/orders/{received.id}/receipt")
    store.fill(f"input[name='rejected-{received.line_ids[1]}']", "-2")
    store.click("#save-receipt")
    store.wait_for_load_state()
    said = _alerts(store)
    assert "Line 2 · Rejected quantity: Must not be negative." in said, said
    assert "quantity_rejected" not in said and "lines." not in said
    expect(store.locator(f"input[name='rejected-{received.line_ids[1]}']")).to_have_value("-2")


def test_a_bare_product_and_two_bad_prices_read_well(make, make_product, new_page):
    supplier = make.company_with_admin("Formosa Fasteners", roles=("supplier",))
    bolt = make_product(supplier.company_id, sku="HB-M8", name="Hex bolt M8")
    page = new_page()
    broken = watch_for_breakage(page)
    log_in(page, make.company_with_admin("Hamburg Hardware", roles=("buyer",)).email)
    page.goto(f"/products/{bolt}")
    main = page.locator("main")
    expect(main).to_contain_text("No description yet.")
    assert not re.search(r"\bNone\b", main.inner_text())
    page.locator("#language-switch button[lang='zh-Hant']").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("尚無說明。")
    assert not re.search(r"\bNone\b", page.locator("main").inner_text())
    page.locator("#language-switch button[lang='en']").click()
    page.wait_for_load_state()

    page.goto("/search?q=bolt&min_price=-5&max_price=ten")
    said = _alerts(page, "warning") + " " + _alerts(page)
    assert "Lowest price: Must not be negative." in said, said
    assert "Highest price: Not a valid number." in said, said
    expect(page.locator("#search-q")).to_have_value("bolt")
    expect(page.get_by_role("textbox", name="Lowest price")).to_have_value("-5")
    expect(page.get_by_role("textbox", name="Highest price")).to_have_value("ten")
    expect(page.locator(f"#product-{bolt}")).to_be_visible()  # the words still search
    assert broken == []


def test_the_operators_bell_rings_for_a_company_waiting_for_approval(make, new_page):
    operator = make.operator()
    applicant = new_page()
    applicant.goto("/register")
    applicant.fill("#company_name", "Keelung Valve Works")
    applicant.select_option("#country", "TW")
    applicant.check("input[name=roles][value=supplier]")
    applicant.fill("#full_name", "Lin Mei-Hua")
    applicant.fill("#email", "mei@keelung-valves.example.com")
    applicant.fill("#password", PASSWORD)
    applicant.fill("#confirm", PASSWORD)
    applicant.click("#register-form #submit")
    applicant.wait_for_url("**/login")

    office = new_page()
    broken = watch_for_breakage(office)
    office.goto("/login")
    office.fill("#email", operator.email)
    office.fill("#password", PASSWORD)
    office.click("#login-form #submit")
    office.wait_for_url("**/admin/companies?status=pending")
    expect(office.locator("#notification-count")).to_contain_text("1")
    office.click("#notification-bell-toggle")
    item = office.locator("#notification-menu [data-notification]").first
    expect(item).to_contain_text("Keelung Valve Works (TW) registered and waits for your "
                                 "approval.")
    item.click()
    office.wait_for_url("**/admin/companies?status=pending")
    expect(office.locator('tr[data-company="Keelung Valve Works"]')).to_be_visible()
    expect(office.locator("#notification-count")).to_be_hidden()
    assert broken == []


def test_card_payments_off_tell_the_buyer_to_pay_by_bank_transfer(app, make, api, new_page,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", None)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", None)
    pair = trade_pair(make, api)
    invoice = invoiced(make, api, pair)
    buyer = new_page()
    log_in(buyer, pair.buyer.email)
    buyer.goto("/fulfillment/payables")
    row = buyer.locator("tr", has_text=invoice["number"])
    row.get_by_role("button", name="Pay by card").click()
    buyer.wait_for_load_state()
    expect(buyer.locator(".alert-danger, .alert-warning").first).to_contain_text(
        "Card payments are not available on this marketplace: please pay by bank transfer.")
    assert "STRIPE" not in buyer.content()

    operator = new_page()
    operator.goto("/login")
    operator.fill("#email", make.operator().email)
    operator.fill("#password", PASSWORD)
    operator.click("#login-form #submit")
    operator.wait_for_load_state()
    operator.goto("/")
    expect(operator.locator("#card-payments-off")).to_contain_text(
        "STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET")
