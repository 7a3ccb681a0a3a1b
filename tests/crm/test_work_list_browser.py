"""In a browser: a supplier's sales member logs in, finds the purchase order waiting in
the office's work list, follows its link, accepts it, and the office no longer lists it;
the late inquiry is marked late. (Chromium through Playwright, tests/browser/conftest.py.)"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.workflow.models import Document, DocumentLine, DocumentThread
from tests.browser.conftest import artifacts, browser, live_server, new_page  # noqa: F401
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _sent(type_: str, buyer: int, supplier: int, number: str, hours_ago: float) -> None:
    sent = utcnow() - timedelta(hours=hours_ago)
    document = Document(type=type_, number=number, status="sent", issuer_company_id=buyer,
                        recipient_company_id=supplier, thread=DocumentThread(subject=number),
                        subject=f"Bolts {number}", currency="USD", sent_at=sent,
                        created_at=sent, payment_terms="tt", incoterm="FOB")
    document.lines.append(DocumentLine(position=1, sku="BOLT-M8", description="Bolt M8",
                                       quantity=Decimal(1000), unit="pcs",
                                       unit_price=Decimal("0.12"), amount=Decimal("120")))
    document.compute_total()
    db.session.add(document)


def test_a_member_follows_a_work_item_and_acts_on_it(new_page, make, app,  # noqa: F811
                                                      artifacts):  # noqa: F811
    supplier = make.company("Formosa Fasteners", roles=("supplier",))
    buyer = make.company("Nordic Tools", roles=("buyer",), country="SE")
    sales = make.member(supplier, "sales", full_name="Mei Lin")
    with app.test_request_context():
        _sent("purchase_order", buyer, supplier, "PO-2026-00077", hours_ago=3)
        _sent("inquiry", buyer, supplier, "INQ-2026-00012", hours_ago=30)
        commit()

    page = new_page()
    page.goto("/login")
    page.fill("#email", sales.email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/")

    work = page.locator("#work-list")
    expect(work.locator("#work-total")).to_have_text("2")
    inquiry = work.locator('#work-inquiry_to_answer tr.work-item')
    expect(inquiry).to_contain_text("INQ-2026-00012")
    expect(inquiry).to_contain_text("Nordic Tools")
    expect(inquiry).to_contain_text("late")  # 30 hours against the 24-hour target
    order = work.locator("#work-purchase_order_to_accept tr.work-item")
    expect(order).to_contain_text("PO-2026-00077")
    expect(page.locator('#office-month svg[role="img"]')).to_have_count(1)
    page.screenshot(path=str(artifacts / "office-work-list.png"), full_page=True)

    order.get_by_role("link", name="PO-2026-00077").click()
    page.wait_for_url("**/trading/documents/*")
    page.locator("#action-accept").click()
    expect(page.get_by_role("alert").first).to_contain_text("PO-2026-00077")

    page.goto("/")
    expect(page.locator("#work-purchase_order_to_accept")).to_have_count(0)
    # Accepting opened an order: the next work is to ship it; the inquiry still waits.
    expect(page.locator("#work-order_to_ship tr.work-item")).to_contain_text("Nordic Tools")
    expect(page.locator("#work-inquiry_to_answer")).to_contain_text("INQ-2026-00012")
    expect(page.locator("#work-total")).to_have_text("2")
    page.locator("#work-order_to_ship tr.work-item a").click()
    page.wait_for_url("**/fulfillment/orders/*")


def test_the_office_fits_a_phone(new_page, make, app):  # noqa: F811
    supplier = make.company("Formosa Fasteners", roles=("supplier",))
    buyer = make.company("Nordic Tools", roles=("buyer",), country="SE")
    admin = make.member(supplier, "admin")
    with app.test_request_context():
        for index in range(3):
            _sent("inquiry", buyer, supplier, f"INQ-2026-0010{index}", hours_ago=index * 20)
        commit()
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/login")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/")
    expect(page.locator("#work-list tr.work-item")).to_have_count(3)
    page.wait_for_load_state("load")  # its stylesheets applied
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
