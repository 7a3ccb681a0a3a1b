"""A supplier builds its catalog in the portal (pictures and a video, with upload
progress) and by spreadsheet; a buyer finds the products in English and in Chinese and
narrows the results with the facets."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure.operations import install_default_categories
from tests.browser.support import log_in, watch_for_breakage
from tests.content.catalog_support import csv_file
from tests.content.conftest import jpeg_bytes, mp4_bytes

pytestmark = pytest.mark.browser


def _search(page, words: str) -> None:
    page.goto("/search")
    page.fill("#search-q", words)
    page.locator("#search-form").get_by_role("button", name="Search").click()


def _upload(page, name: str, mime: str, content: bytes, caption: str) -> None:
    form = page.locator("#media-upload-form")
    form.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content})
    form.locator("input[name=caption]").fill(caption)
    form.locator("[type=submit]").click()


@pytest.fixture
def categories(app):
    with app.test_request_context():
        install_default_categories()
        commit()


def test_a_supplier_builds_a_catalog_and_a_buyer_finds_it(
        new_page, make, categories, artifacts):
    supplier = make.company_with_admin("臺灣精密扣件 Formosa Precision Fasteners",
                                       roles=("supplier",), country="TW")
    rival = make.company_with_admin("Anatolia Hardware", roles=("supplier",), country="TR")
    buyer = make.company_with_admin("Northwind Retail", roles=("buyer",), country="US")

    # The supplier adds a product in the editor, with Chinese fields and a price tier.
    office = new_page()
    broken = watch_for_breakage(office)
    log_in(office, supplier.email)
    office.goto("/my/products/new")
    office.fill("#sku", "HB-M8-30")
    office.fill("#name", "Stainless steel hex bolt M8×30")
    office.fill("#name_zh", "不鏽鋼六角螺栓 M8×30")
    office.fill("#description", "DIN 933 hex bolts in A2 stainless steel, bright finish.")
    office.fill("#description_zh", "DIN 933 不鏽鋼六角螺栓，A2 材質。")
    office.select_option("#category", "hardware.fasteners")
    office.fill("#moq", "5000")
    office.fill("#price_tiers-0-min_qty", "5000")
    office.fill("#price_tiers-0-unit_price", "0.085")
    office.click("#product-form [name=save]")
    expect(office.locator("#media-upload-form")).to_be_visible()

    # A picture and a factory video, each with its progress bar, in the chosen order.
    _upload(office, "bolt.jpg", "image/jpeg", jpeg_bytes(), "Bolt, bright finish")
    expect(office.locator("#media-list .media-item")).to_have_count(1)
    _upload(office, "line.mp4", "video/mp4", mp4_bytes(), "Our heading line")
    items = office.locator("#media-list .media-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_attribute("data-kind", "image")
    expect(items.nth(1)).to_have_attribute("data-kind", "video")
    expect(items.nth(1).get_by_label("Caption")).to_have_value("Our heading line")
    office.locator("#status-actions").get_by_role("button", name="Publish").click()
    expect(office.locator("h1")).to_contain_text("Published")

    # More products by spreadsheet: the good rows are kept, the bad one is reported.
    office.goto("/my/catalog")
    sheet = csv_file([
        {"sku": "WN-M8", "name": "Stainless steel washer M8", "name_zh": "不鏽鋼華司 M8",
         "category": "hardware.fasteners", "tier1_min_qty": "1000",
         "tier1_unit_price": "0.012", "status": "published"},
        {"sku": "NUT-M8", "name": "Hex nut M8", "name_zh": "六角螺帽 M8",
         "category": "hardware.fasteners", "tier1_min_qty": "1000",
         "tier1_unit_price": "-1", "status": "published"},
        {"sku": "BOLT-M10", "name": "Stainless steel carriage bolt M10",
         "category": "hardware.fasteners", "tier1_min_qty": "500",
         "tier1_unit_price": "0.21", "status": "published"},
    ])
    office.locator("#catalog-upload-form input[name=file]").set_input_files(
        {"name": "catalog.csv", "mimeType": "text/csv", "buffer": sheet})
    office.click("#catalog-upload-form [type=submit]")
    expect(office.locator("#import-counts")).to_contain_text("2", timeout=30_000)
    bad_row = office.locator("#import-errors tr", has_text="tier1_unit_price")
    expect(bad_row).to_have_count(1)
    expect(bad_row).to_contain_text("3")  # the header is row 1: NUT-M8 is row 3
    expect(bad_row).to_contain_text("Must not be negative")
    office.screenshot(path=str(artifacts / "catalog-import.png"), full_page=True)
    assert broken == [], broken

    # A competitor's product in the same category, for the facets.
    with make.app.test_request_context():
        from marketplace.content.operations.products import save_product
        from marketplace.infrastructure.models import Company

        save_product(db.session.get(Company, rival.company_id), {
            "sku": "TR-BOLT", "name": "Zinc plated bolt M8", "category": "hardware.fasteners",
            "status": "published", "price_tiers": [{"min_qty": "100", "unit_price": "0.05"}]})
        commit()

    # The buyer searches in English: bolts of both suppliers, then only Taiwan's.
    shopper = new_page()
    broken = watch_for_breakage(shopper)
    log_in(shopper, buyer.email)
    results = shopper.locator("#results")
    _search(shopper, "bolts")
    expect(results).to_contain_text("Stainless steel hex bolt M8×30")
    expect(results).to_contain_text("Zinc plated bolt M8")
    expect(results).not_to_contain_text("Hex nut M8")  # the refused row made nothing
    expect(results.locator("mark").first).to_be_visible()  # the matched words, highlighted
    country = shopper.locator("#facet-country")
    expect(country).to_contain_text("Taiwan")
    expect(country).to_contain_text("Türkiye")
    country.get_by_role("link", name="Taiwan").click()
    expect(results).to_contain_text("Stainless steel carriage bolt M10")
    expect(results).not_to_contain_text("Zinc plated bolt M8")
    expect(results.locator(".search-hit")).to_have_count(2)

    # ... and in Chinese: the same bolt, by words of its Chinese name.
    _search(shopper, "不鏽鋼螺栓")
    hit = results.locator(".search-hit", has_text="不鏽鋼六角螺栓")
    expect(hit).to_have_count(1)
    expect(hit.locator("img")).to_have_count(1)  # its cover picture
    shopper.screenshot(path=str(artifacts / "search-chinese.png"), full_page=True)

    # The product page shows the picture and offers the video.
    hit.locator("h2 a").click()
    expect(shopper.locator("video")).to_have_count(1)
    expect(shopper.locator("main img").first).to_be_visible()

    # Not every word has to match: the products with all of them come first, then the
    # washer (two of the three words), then the rival's zinc bolt (one), the words marked.
    _search(shopper, "stainless steel bolt")
    hits = results.locator(".search-hit")
    expect(hits).to_have_count(4)
    for n in (0, 1):
        expect(hits.nth(n)).to_contain_text("Stainless steel")
        expect(hits.nth(n).locator("h2")).to_contain_text("bolt")
    expect(hits.nth(2)).to_contain_text("Stainless steel washer M8")
    expect(hits.nth(3)).to_contain_text("Zinc plated bolt M8")
    expect(hits.nth(2).locator("h2 mark")).to_have_text(["Stainless", "steel"])
    # An item code finds the products whose SKU starts with it, the typed part marked.
    _search(shopper, "hb-m8")
    expect(hits).to_have_count(1)
    expect(hits.first.locator(".sku mark")).to_have_text("HB-M8")
    expect(hits.first.locator(".sku")).to_have_text("HB-M8-30")
    assert broken == [], broken
