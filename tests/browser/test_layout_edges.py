"""The layout at the widths people use (issue 13, rough edges 10 and 11): the navbar's
search box keeps a usable width at 1366 px, logged in, in English and in Chinese; at
390 px (a phone) no page is wider than the screen — tables scroll inside their card —
and the header spans the page."""

from __future__ import annotations

import pytest

from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.fulfillment.models import Order
from marketplace.infrastructure.models import Company
from tests.factories import PASSWORD
from tests.fulfillment.support import accepted_purchase_order

pytestmark = pytest.mark.browser

LANGUAGES = {"en": "EN", "zh_Hant": "繁中"}


def _log_in(page, email: str, language: str = "en") -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/")
    if language != "en":
        page.locator("#language-switch").get_by_role(
            "button", name=LANGUAGES[language]).click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "zh-Hant"


@pytest.fixture
def trader(make):
    """A member of a company that buys and sells, so every menu is in the navbar; with a
    long name, as real people have."""
    company = make.company("Formosa Precision Fasteners International Trading Co., Ltd.",
                           roles=("buyer", "supplier"))
    return make.member(company, "admin", full_name="Wang Da-Ming Alexander")


@pytest.fixture
def make_products(app):
    from marketplace.content.operations.products import save_product

    def make(company_id: int, count: int) -> None:
        with app.test_request_context():
            company = db.session.get(Company, company_id)
            for number in range(count):
                save_product(company, {
                    "sku": f"HB-M8-{number:02d}-A2-DIN933-BRIGHT-ZINC-FLAKE",
                    "name": f"Stainless steel hex bolt M8×{30 + number} DIN 933 A2 bright",
                    "status": "published", "moq": "5000", "unit": "pcs",
                    "price_tiers": [{"min_qty": "5000", "unit_price": "0.0875"}]})
            commit()

    return make


def _document_of(app, order_id: int) -> int:
    with app.app_context():
        return db.session.get(Order, order_id).purchase_order_id


def _sized(page, width: int, height: int = 800):
    page.set_viewport_size({"width": width, "height": height})
    return page


@pytest.mark.parametrize("width", [1366, 1280, 1440])
@pytest.mark.parametrize("language", ["en", "zh_Hant"])
def test_the_navbar_search_box_keeps_its_width(new_page, make, trader, language, width,
                                               artifacts):
    # A purchase order received and not read yet: the Documents menu carries its badge.
    buyer = make.member(make.company("Nordic Tools", roles=("buyer",)), "admin")
    accepted_purchase_order(make, buyer, trader)
    page = new_page()
    _log_in(page, trader.email, language)
    _sized(page, width)
    for path in ("/", "/catalog", "/search?q=bolt"):
        page.goto(path)
        box = page.locator("nav form[role=search] input[name=q]")
        assert box.is_visible()
        box_width = box.bounding_box()["width"]
        assert box_width >= 160, f"{path} ({language}): the search box is {box_width} px"
        # Nothing in the navbar spills out of it.
        page.wait_for_load_state("load")  # its stylesheets applied
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width >= 1366:  # the menus, the search box and the account in one row
        assert page.locator("nav.navbar").bounding_box()["height"] < 70
    page.locator("nav.navbar").screenshot(
        path=str(artifacts / f"navbar-{width}-{language}.png"))


def _visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"


def _fits(page, width: int, what: str) -> None:
    page.wait_for_load_state("load")  # its stylesheets applied
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{what}: the page is {scroll} px wide at {width} px"
    header = page.locator("nav.navbar").bounding_box()
    assert header["x"] <= 0 and header["x"] + header["width"] >= width, \
        f"{what}: the header spans {header} of {width} px"


@pytest.mark.parametrize("language", ["en", "zh_Hant"])
def test_every_page_fits_a_phone(new_page, app, make, trader, make_products, language,
                                 artifacts):
    supplier = make.member(make.company("Anatolia Hardware", roles=("supplier",)), "admin")
    order_id = accepted_purchase_order(make, trader, supplier, lines=[
        ("HB-M8-30-A2-DIN933-BRIGHT", "125000", "0.0875"),
        ("NUT-M8-A2-DIN934-NYLON-INSERT", "250000", "0.0450"),
        ("WASHER-M8-A2-DIN125-FORM-A", "500000", "0.0125")])
    make_products(trader.company_id, 3)
    page = new_page()
    _log_in(page, trader.email, language)
    _sized(page, 390, 844)
    _visit(page, f"/fulfillment/orders/{order_id}")
    assert page.locator("#order-lines").is_visible()
    _fits(page, 390, "order page")
    _visit(page, f"/trading/documents/{_document_of(app, order_id)}")
    assert page.get_by_text("HB-M8-30-A2-DIN933-BRIGHT").first.is_visible()
    _fits(page, 390, "document page")
    page.screenshot(path=str(artifacts / f"document-390-{language}.png"), full_page=True)
    for path in ("/my/products", "/catalog", "/fulfillment/orders", "/",
                 "/trading/documents?box=outbox", "/search?q=bolt",
                 f"/companies/{trader.company_id}"):
        _visit(page, path)
        _fits(page, 390, path)
    # And every page the navbar leads to.
    menu = page.eval_on_selector_all(
        "nav a.dropdown-item[href^='/'], nav a.nav-link[href^='/']",
        "links => [...new Set(links.map(a => a.getAttribute('href')))]")
    assert len(menu) > 20
    for path in menu:
        _visit(page, path)
        _fits(page, 390, path)
