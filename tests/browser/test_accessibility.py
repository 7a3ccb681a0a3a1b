"""Accessibility of the ten most used pages, in English and in Chinese (issue 13.14),
and of the first contact's pages (the contact page, Messages, a conversation).

axe-core (the copy bundled in the axe-playwright-python package, injected into the page;
never downloaded at run time) finds no critical or serious violation on: the login page,
the office, search results, a product page, a supplier profile, the document inbox, a
document page, the document editor, an order page and a shipment page. Every form field
has a label (axe's label rules are among those), and the main action of a page is reached
from the keyboard alone.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from marketplace.core.boundary import commit
from marketplace.extensions import db
from tests.browser.support import log_in
from tests.factories import PASSWORD
from tests.fulfillment.support import accepted_purchase_order

pytestmark = pytest.mark.browser

BLOCKING = ("critical", "serious")
SEA = {"carrier": "Evergreen", "mode": "sea", "vessel": "Ever Ace", "voyage": "0125W",
       "tracking_number": "EGLV123", "port_of_loading": "Kaohsiung",
       "port_of_discharge": "Gothenburg", "etd": "2026-12-10", "eta": "2027-01-05"}


def _speak(page, language: str) -> None:
    """The navbar's language switch, as a member clicks it."""
    page.locator(f"#language-switch button[lang='{language.replace('_', '-')}']").click()
    page.wait_for_load_state()


def _violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] if isinstance(node["target"][0], str)
                        else str(node["target"][0]) for node in v["nodes"][:3])
            for v in results.response["violations"] if v["impact"] in BLOCKING]


def _tab_to(page, selector: str, presses: int = 60) -> bool:
    """Press Tab from the top of the page until ``selector`` has the focus."""
    page.locator("body").focus()
    target = page.locator(selector)
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return True
    return False


@pytest.fixture
def world(make, api):
    supplier = make.member(make.company("Formosa Fasteners", roles=("supplier",)), "admin")
    buyer = make.member(make.company("Nordic Tools", roles=("buyer",), country="SE"), "admin")
    with make.app.test_request_context():
        from marketplace.content.operations.products import save_product
        from marketplace.infrastructure.models import Company

        product = save_product(db.session.get(Company, supplier.company_id), {
            "sku": "HB-M8", "name": "Stainless steel hex bolt M8", "unit": "pcs",
            "status": "published", "moq": "100",
            "price_tiers": [{"min_qty": "100", "unit_price": "0.12"}]})
        product_id = product.id
        commit()
    order_id = accepted_purchase_order(make, buyer, supplier)
    supplier_token = api.token(supplier)
    order = api.get(f"/orders/{order_id}", supplier_token).get_json()
    shipment = api.post("/shipments", supplier_token, json={
        **SEA, "order_ids": [order_id],
        "lines": [{"order_line_id": order["lines"][0]["id"], "quantity": "100"}]})
    assert shipment.status_code == 201, shipment.get_json()
    return {"supplier": supplier, "buyer": buyer, "product": product_id, "order": order_id,
            "shipment": shipment.get_json()["id"], "document": order["purchase_order_id"]}


def test_the_ten_main_pages_pass_axe_in_both_languages_and_work_from_the_keyboard(
        world, new_page):
    pages = {
        "office": "/",
        "search results": "/search?q=bolt",
        "product page": f"/products/{world['product']}",
        "supplier profile": f"/companies/{world['supplier'].company_id}",
        "document inbox": "/trading/documents?box=inbox",
        "document page": f"/trading/documents/{world['document']}",
        "document editor": f"/trading/documents/new?type=inquiry&recipient="
                           f"{world['supplier'].company_id}",
        "order page": f"/fulfillment/orders/{world['order']}",
        "shipment page": f"/fulfillment/shipments/{world['shipment']}",
    }
    found: dict[str, list[str]] = {}
    for language in ("en", "zh_Hant"):
        visitor = new_page()
        visitor.goto("/login")
        _speak(visitor, language)
        found[f"{language} login"] = _violations(visitor)
        member = new_page()
        log_in(member, world["buyer"].email)
        _speak(member, language)
        for name, path in pages.items():
            member.goto(path)
            assert member.locator("main").count() == 1, f"{language} {name}: no <main>"
            found[f"{language} {name}"] = _violations(member)
    failing = {page: problems for page, problems in found.items() if problems}
    assert not failing, "\n".join(f"{page}: {problem}" for page, problems in failing.items()
                                  for problem in problems)

    # The main actions without a mouse. Logging in: Tab to each field, type, Enter.
    page = new_page()
    page.goto("/login")
    assert _tab_to(page, "#email")
    page.keyboard.type(world["supplier"].email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    assert _tab_to(page, "#login-form #submit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    # The supplier's order page: its main action ("Ship") is in the tab order and opens.
    page.goto(f"/fulfillment/orders/{world['order']}")
    assert _tab_to(page, "#ship"), "the order's Ship action is not reached by Tab"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/fulfillment/(shipments/new|orders/\d+/ship).*"))
    # The buyer's search: from the navbar's search box to a result with the keyboard.
    buyer = new_page()
    buyer.goto("/login")
    buyer.fill("#email", world["buyer"].email)
    buyer.fill("#password", PASSWORD)
    buyer.keyboard.press("Enter")
    buyer.wait_for_url("**/")
    assert _tab_to(buyer, "nav input[name=q]")
    buyer.keyboard.type("bolt")
    buyer.keyboard.press("Enter")
    buyer.wait_for_url(re.compile(r".*/search\?.*q=bolt.*"))
    assert _tab_to(buyer, f"#results a[href$='/products/{world['product']}']:not([tabindex='-1'])",
                   presses=80)
    buyer.keyboard.press("Enter")
    buyer.wait_for_url(re.compile(rf".*/products/{world['product']}$"))


def test_the_first_contact_and_messages_pass_axe_and_work_from_the_keyboard(world, api,
                                                                            new_page):
    """Issue 13's new pages (the one box's contact page, Messages, a conversation) in both
    languages; and the first contact from the keyboard alone: from a product page, Tab to
    the box's fields, type, send; then answer in the conversation."""
    buyer = new_page()
    log_in(buyer, world["buyer"].email)
    # The box from the keyboard: Tab to each field, type; Enter on Send.
    buyer.goto(f"/products/{world['product']}")
    assert _tab_to(buyer, "#contact-box input[name=quantity]", presses=80)
    buyer.keyboard.press("Control+a")
    buyer.keyboard.type("2000")
    assert _tab_to(buyer, "#contact-box textarea[name=message]", presses=80)
    buyer.keyboard.type("Blue boxes of 500, please.")
    assert _tab_to(buyer, "#contact-send", presses=80)
    buyer.keyboard.press("Enter")
    buyer.wait_for_url(re.compile(r".*/trading/documents/\d+$"))
    conversation = api.get("/conversations", api.token(world["buyer"])).get_json()[
        "items"][0]["id"]

    pages = {"messages": "/messages", "conversation": f"/messages/{conversation}",
             "contact page": f"/messages/contact/company/{world['supplier'].company_id}"}
    found: dict[str, list[str]] = {}
    for language in ("en", "zh_Hant"):
        _speak(buyer, language)
        for name, path in pages.items():
            buyer.goto(path)
            found[f"{language} {name}"] = _violations(buyer)
        _speak(buyer, "en")
    failing = {page: problems for page, problems in found.items() if problems}
    assert not failing, "\n".join(f"{page}: {problem}" for page, problems in failing.items()
                                  for problem in problems)

    # The supplier answers from the keyboard: Messages, the conversation, the reply.
    office = new_page()
    log_in(office, world["supplier"].email)
    assert _tab_to(office, "#nav-messages", presses=80)
    office.keyboard.press("Enter")
    office.wait_for_url("**/messages")
    assert _tab_to(office, f"#conversation-{conversation}", presses=80)
    office.keyboard.press("Enter")
    office.wait_for_url(f"**/messages/{conversation}")
    assert _tab_to(office, "#reply-form textarea", presses=120)
    office.keyboard.type("Yes: MOQ 10,000 for blue.")
    assert _tab_to(office, "#send-message", presses=120)
    office.keyboard.press("Enter")
    office.wait_for_load_state()
    assert "MOQ 10,000 for blue" in office.locator(".message.ours").last.inner_text()
