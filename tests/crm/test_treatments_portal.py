"""Differentiated treatment in the portal: the settings page (bad input named by field in
both languages, nothing typed lost), and a quotation derived in the portal showing the
segment's terms to the supplier, changeable before sending."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest

from marketplace.crm.models.treatments import SegmentTreatment
from marketplace.extensions import db
from marketplace.workflow.models import Document
from tests.crm.treatment_support import (
    classify,
    set_terms,
    speaks_chinese,
)
from tests.factories import csrf_token, portal_login
from tests.trading.support import Trade

PRICED = [{"description": "Hex bolt M8×30", "sku": "HB-M8-30", "quantity": "20000",
           "unit": "pcs", "unit_price": "0.072"},
          {"description": "Hex nut M8", "sku": "HN-M8", "quantity": "20000", "unit": "pcs",
           "unit_price": "0.012"}]


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def trade(make, api):
    return Trade.start(make, api)


@pytest.fixture
def login(app):
    def open_as(member):
        client = app.test_client()
        assert portal_login(client, member.email).status_code == 302
        return client

    return open_as


def _form(client, **values) -> dict:
    data = {"csrf_token": csrf_token(client, "/crm/treatments")}
    for segment in ("MVC", "MGC", "BZ", "other"):
        for field in ("payment_terms", "discount_pct", "lead_time_days", "response_hours",
                      "min_order_value", "small_order_surcharge", "currency"):
            data[f"{segment}-{field}"] = "USD" if field == "currency" else ""
    data.update(values)
    return data


def _stored(app, supplier_id):
    with app.app_context():
        return {row.segment: (row.payment_terms, row.discount_pct, row.lead_time_days)
                for row in db.session.scalars(db.select(SegmentTreatment).where(
                    SegmentTreatment.supplier_company_id == supplier_id))}


def test_terms_are_saved_from_the_settings_page(app, trade, login):
    client = login(trade.supplier)
    saved = client.post("/crm/treatments", data=_form(
        client, **{"MVC-payment_terms": "tt", "MVC-discount_pct": "5",
                   "MVC-lead_time_days": "20", "BZ-min_order_value": "2000",
                   "BZ-small_order_surcharge": "35"}))
    assert saved.status_code == 302
    assert _stored(app, trade.supplier.company_id)["MVC"] == ("tt", Decimal("5.00"), 20)
    page = text_of(client.get("/crm/treatments"))
    assert re.search(r'id="t-MVC-discount_pct"[^>]*value="5"', page)
    assert re.search(r'<option value="tt" selected>', page)


def test_bad_terms_are_named_by_field_and_nothing_typed_is_lost(app, trade, login):
    set_terms(app, trade.supplier.company_id, "MVC", payment_terms="dp")
    client = login(trade.supplier)
    refused = client.post("/crm/treatments", data=_form(
        client, **{"MVC-payment_terms": "tt", "MVC-discount_pct": "-5",
                   "MGC-lead_time_days": "two weeks", "BZ-discount_pct": "3"}))
    assert refused.status_code == 422
    page = text_of(refused)
    assert "Discount % (MVC (most valuable)): must not be negative." in page
    assert "Lead time (days) (MGC (most growable)): a whole number from 0 to 3650." in page
    assert re.search(r'class="form-control form-control-sm is-invalid" id="t-MVC-discount_pct"',
                     page)
    # What the member typed is still in the form, the stored terms are unchanged.
    assert re.search(r'id="t-MVC-discount_pct"[^>]*value="-5"', page)
    assert re.search(r'id="t-MGC-lead_time_days"[^>]*value="two weeks"', page)
    assert re.search(r'id="t-BZ-discount_pct"[^>]*value="3"', page)
    assert _stored(app, trade.supplier.company_id) == {"MVC": ("dp", Decimal("0.00"), None)}


def test_the_settings_page_refuses_in_chinese(app, trade, login):
    speaks_chinese(app, trade.supplier.user_id)
    client = login(trade.supplier)
    refused = client.post("/crm/treatments", data=_form(client, **{"BZ-discount_pct": "150"}))
    assert refused.status_code == 422
    page = text_of(refused)
    assert "折扣 % (BZ（低於零）)：須介於 0 與 100 之間（不含 100）。" in page
    assert "請檢查下方標示的條件；尚未儲存任何變更。" in page


def test_a_member_without_settings_rights_reads_but_cannot_change(app, make, trade, login):
    sales = make.member(trade.supplier.company_id, "sales")
    client = login(sales)
    page = text_of(client.get("/crm/treatments"))
    assert "Only an administrator of your company changes these terms." in page
    assert client.post("/crm/treatments", data=_form(
        client, **{"MVC-discount_pct": "5"})).status_code == 403
    assert _stored(app, trade.supplier.company_id) == {}


def test_a_quotation_derived_in_the_portal_shows_the_terms_and_can_change_them(
        app, trade, login):
    classify(app, trade.supplier.company_id, trade.buyer.company_id, "MVC")
    set_terms(app, trade.supplier.company_id, "MVC", payment_terms="tt",
              discount_pct=Decimal("5"), lead_time_days=20)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", lines=PRICED,
                                              payment_terms="lc_sight"), "send")
    supplier = login(trade.supplier)
    page = f"/trading/documents/{inquiry['id']}"
    derived = supplier.post(f"{page}/derive", data={"csrf_token": csrf_token(supplier, page),
                                                    "type": "quotation"})
    assert derived.status_code == 303
    edit_url = derived.headers["Location"]
    quotation_id = int(re.search(r"/documents/(\d+)/edit", edit_url).group(1))

    editor = text_of(supplier.get(edit_url))
    notice = re.search(r'id="segment-terms".*?</div>\s*</div>', editor, re.S).group(0)
    assert "Defaults for MVC (most valuable) customers applied:" in notice
    assert "payment terms T/T (telegraphic transfer)" in notice
    assert "5 % off the list price on 2 line(s)" in notice and "lead time 20 days" in notice
    assert "before sending" in notice
    assert re.search(r'name="lines-0-unit_price"[^>]*value="0.0684"', editor)
    document_page = text_of(supplier.get(f"/trading/documents/{quotation_id}"))
    assert "Defaults for MVC (most valuable) customers applied:" in document_page

    # The member changes the terms and a price, then sends.
    from tests.trading.test_portal import editor_data

    assert re.search(r'name="lead_time_days"[^>]*value="20"|value="20"[^>]*name="lead_time_days"',
                     editor)
    data = editor_data(supplier, quotation_id, **{
        "payment_terms": "dp", "lead_time_days": "30", "lines-0-unit_price": "0.070",
        "save_and_send": "Save and send"})
    sent = supplier.post(edit_url, data=data)
    assert sent.status_code == 303
    with app.app_context():
        quotation = db.session.get(Document, quotation_id)
        assert quotation.status == "sent" and quotation.payment_terms == "dp"
        assert quotation.extras["lead_time_days"] == 30
        assert [line.unit_price for line in quotation.lines] == [Decimal("0.07"),
                                                                 Decimal("0.0114")]

    # The buyer reads the quotation without a word about its segment.
    buyer_page = text_of(login(trade.buyer).get(f"/trading/documents/{quotation_id}"))
    assert "segment-terms" not in buyer_page and "MVC" not in buyer_page
    assert re.search(r"Lead time \(days\)</dt><dd[^>]*>30<", buyer_page)


def test_a_segments_currency_is_picked_from_the_active_currencies(app, trade, login):
    client = login(trade.supplier)
    saved = client.post("/crm/treatments", data=_form(
        client, **{"BZ-min_order_value": "2000", "BZ-currency": "EUR"}))
    assert saved.status_code == 302
    page = text_of(client.get("/crm/treatments"))
    select = re.search(r'<select[^>]*name="BZ-currency"[^>]*>(.*?)</select>', page, re.S)[1]
    assert re.search(r'<option value="EUR" selected>EUR — Euro</option>', select)
    assert 'value="XAU"' not in select and 'value="XTS"' not in select
    assert not re.search(r'<input[^>]*name="BZ-currency"', page)
