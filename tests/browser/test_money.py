"""Money in the browser, as a phone user would do it (390 px): the supplier sets its
bank details (a mistyped IBAN comes back with its reason and the input kept), the buyer
pays by T/T from the invoice and sends the payment advice, the supplier confirms it,
and reads the customer's statement in Chinese; no page is wider than the phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_fulfillment import login, watch_for_errors
from tests.fulfillment.money_support import invoice_of
from tests.fulfillment.support import trade_pair
from tests.pending_translations import load_pending_translations

pytestmark = pytest.mark.browser


def _phone(page):
    page.set_viewport_size({"width": 390, "height": 844})


def _fits(page, what):
    # Measured once the page has loaded its stylesheets: in a full run the phone's pay
    # page was once measured 399 px wide with the notification menu laid out, which
    # Bootstrap's stylesheet hides (display: none) until the bell is opened.
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    # what sticks out, outside the tables that scroll within their own box
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e =>
        e.getBoundingClientRect().right > 391
        && !e.parentElement.closest('.table-responsive'))
        .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)""")
    assert width <= 390, f"{what} is {width} px wide: {wide}"


def test_bank_details_payment_advice_and_statement_on_a_phone(make, api, app, new_page,
                                                             tmp_path, live_server):
    pair = trade_pair(make, api, supplier_name="Formosa Fasteners", buyer_name="Nordic Tools")
    invoice = invoice_of(make, api, pair, [("BOLT-M8", "1000", "0.12")])  # 120.00
    broken: list[str] = []
    seller, customer = new_page(), new_page()
    for page in (seller, customer):
        _phone(page)
    watch_for_errors(customer, broken)
    login(seller, pair.supplier.email)
    login(customer, pair.buyer.email)

    seller.goto("/company/bank-details")
    _fits(seller, "bank details")
    seller.fill("#beneficiary_name", "Formosa Fasteners Co., Ltd.")
    seller.fill("#bank_name", "Deutsche Bank")
    seller.fill("#swift_bic", "DEUTDEFF")
    seller.fill("#iban", "DE89 3704 0044 0532 0130 01")
    seller.click("#submit")
    expect(seller.locator("#iban")).to_have_value("DE89 3704 0044 0532 0130 01")
    expect(seller.locator("#bank-details-form")).to_contain_text("check digits do not match")
    seller.fill("#iban", "DE89 3704 0044 0532 0130 00")
    seller.click("#submit")
    expect(seller.locator("#bank-details")).to_contain_text("DE89 3704 0044 0532 0130 00")

    customer.goto("/fulfillment/payables")
    _fits(customer, "payables")
    customer.click(f"tr[data-invoice='{invoice['id']}'] >> text=Pay by T/T")
    expect(customer.locator("#bank-details")).to_contain_text("DEUTDEFF")
    _fits(customer, "pay by T/T")
    customer.fill("#amount", "120")
    customer.fill("#reference", "MT103-555")
    customer.click("#payment-advice-form button")
    customer.wait_for_url(re.compile(r".*/fulfillment/payment-advices\?role=buyer.*"))
    expect(customer.locator("#payment-advices")).to_contain_text("MT103-555")

    seller.goto("/fulfillment/payment-advices")
    _fits(seller, "payment advices")
    seller.click("text=Confirm received")
    expect(seller.locator(".alert-success")).to_contain_text(invoice["number"])
    customer.goto("/fulfillment/payables")
    expect(customer.locator(f"tr[data-invoice='{invoice['id']}'] .balance")).to_have_text(
        "0.00")

    undo = load_pending_translations(app, tmp_path / "pending")
    try:
        chinese = seller.context.browser.new_context(
            base_url=live_server, locale="zh-TW", viewport={"width": 1280, "height": 800})
        page = chinese.new_page()
        login(page, pair.supplier.email)
        page.locator("#language-switch").get_by_role("button", name="繁中").click()
        page.wait_for_load_state()
        _phone(page)
        page.goto(f"/fulfillment/statement?buyer_id={pair.buyer.company_id}")
        expect(page.locator("#closing")).to_have_text("0.00")
        expect(page.locator("h1")).to_have_text("對帳單")
        expect(page.locator("#statement-lines")).to_contain_text("付款")
        _fits(page, "statement (zh)")
        chinese.close()
    finally:
        undo()
    assert broken == []
