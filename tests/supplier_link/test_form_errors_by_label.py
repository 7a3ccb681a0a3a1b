"""A refused portal form names each field as the form labels it, in the page's language,
never by its path in the schema (issue 13.7): the empty new-shipment form and a goods
receipt with a negative rejected quantity, in English and in Chinese."""

from __future__ import annotations

import pytest

from marketplace.core.field_errors import field_label, translated
from tests.factories import csrf_token, portal_login
from tests.pending_translations import load_pending_translations


@pytest.fixture
def pending_chinese(app, tmp_path):
    undo = load_pending_translations(app, tmp_path / "pending")
    yield
    undo()


def _speak(client, language: str) -> None:
    with client.session_transaction() as session:
        session["language"] = language


def _flash(html: str) -> str:
    start = html.index('class="alert alert-danger')
    return html[start:html.index("</div>", start)]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Line 2 · Rejected quantity: Must not be negative."),
    ("zh_Hant", "第 2 行 · 拒收數量：不可為負數。"),
])
def test_a_goods_receipt_names_the_line_and_the_column(trade, client, pending_chinese,
                                                       language, expected):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None),
                                           ("A-200", "50", "4.00", None)])
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100", order.line_ids[1]: "50"})
    first, second = order.line_ids
    portal_login(client, trade.buyer.member.email)
    _speak(client, language)
    path = f"/supplier_link/orders/{order.id}/receipt"
    refused = client.post(path, data={
        "csrf_token": csrf_token(client, path), f"received-{first}": "100",
        f"received-{second}": "50", f"rejected-{second}": "-2"})
    assert refused.status_code == 422
    said = _flash(refused.get_data(as_text=True))
    assert expected in said
    assert "lines." not in said and "quantity_rejected" not in said
    # the input stays on the page
    assert 'value="-2"' in refused.get_data(as_text=True)


@pytest.mark.parametrize(("language", "expected", "not_said"), [
    ("en", "Ship now: Fill in a quantity to ship on at least one line.", "order_ids"),
    ("zh_Hant", "本次出貨：請至少在一行填入出貨數量。", "Length must be"),
])
def test_an_empty_shipment_form_says_which_column_to_fill(trade, client, pending_chinese,
                                                          language, expected, not_said):
    trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    portal_login(client, trade.supplier_a.member.email)
    _speak(client, language)
    path = f"/fulfillment/shipments/new?buyer={trade.buyer.company_id}"
    refused = client.post(path, data={"csrf_token": csrf_token(client, path),
                                      "carrier": "Evergreen", "mode": "sea"})
    assert refused.status_code == 302
    said = _flash(client.get(refused.headers["Location"]).get_data(as_text=True))
    assert expected in said
    assert not_said not in said and "lines" not in said


def test_a_bad_line_of_the_shipment_form_is_named_by_its_column(trade, client,
                                                                pending_chinese):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    portal_login(client, trade.supplier_a.member.email)
    _speak(client, "zh_Hant")
    path = f"/fulfillment/shipments/new?buyer={trade.buyer.company_id}"
    line = order.line_ids[0]
    refused = client.post(path, data={"csrf_token": csrf_token(client, path),
                                      "carrier": "Evergreen", "mode": "sea",
                                      f"ship-{line}": "10", f"packages-{line}": "many",
                                      "etd": "tomorrow"})
    said = _flash(client.get(refused.headers["Location"]).get_data(as_text=True))
    assert "第 1 行 · 件數：不是有效的整數。" in said
    assert "預計離港日：日期格式不正確（YYYY-MM-DD）。" in said
    assert "packages" not in said and "etd" not in said


def test_labels_by_path_with_rows_and_lists_of_ids(ctx):
    labels = {"lines": "Lines", "lines.*": "Line %(n)s", "lines.*.quantity_rejected":
              "Rejected quantity", "order_ids": "Orders"}
    assert field_label("lines.1.quantity_rejected", labels) == "Line 2 · Rejected quantity"
    assert field_label("order_ids.0", labels) == "Orders"
    assert field_label("lines", labels) == "Lines"
    assert field_label("port_of_loading", labels) == "Port of loading"  # never a path
    assert field_label("lines.0.quantity_rejected", {**labels, "lines.*": lambda i: f"Row {i}"}
                       ) == "Row 0 · Rejected quantity"
    # English reads as marshmallow says it; another message is left as it is
    english = "Must be greater than or equal to 1 and less than or equal to 10."
    assert translated(english) == english
    assert translated("Say why goods were rejected.") == "Say why goods were rejected."


def test_marshmallows_messages_in_chinese(app, pending_chinese):
    with app.test_request_context():
        from flask import session

        session["language"] = "zh_Hant"
        assert translated("Must be greater than or equal to 1 and less than or equal to 10."
                          ) == "須介於 1 與 10 之間。"
        assert translated("Length must be between 1 and 1000.") == \
            "須有 1 至 1000 個（字元或項目）。"
        assert translated("Not a valid date.") == "日期格式不正確（YYYY-MM-DD）。"
