"""The trade documents portal: boxes with unread counts, the document page and its
actions, derive, the draft editor and its refusals (nothing changed, a clear message),
folder and tags, forward, downloads, and "Send inquiry" from a product page."""

from __future__ import annotations

import html
import io
import re

import pytest
from docx import Document as WordDocument

from marketplace.extensions import db
from marketplace.workflow.models import Document
from tests.content.conftest import (  # noqa: F401 - fixtures
    make_product,
    make_product_media,
)
from tests.factories import csrf_token, portal_login
from tests.trading.support import Trade, sent_purchase_order


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def flashes(response, category: str = r"\w+") -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(
        rf'<div class="alert alert-{category} alert-dismissible[^>]*>(.*?)<button',
        text_of(response), re.S)]


@pytest.fixture
def trade(make, api) -> Trade:
    return Trade.start(make, api)


@pytest.fixture
def browser(app):
    """A logged-in portal client per member: ``browser(member)``."""

    def login(member):
        client = app.test_client()
        response = portal_login(client, member.email)
        assert response.status_code == 302
        return client

    return login


def stored(app, document_id: int) -> Document:
    with app.app_context():
        document = db.session.get(Document, document_id)
        document.lines  # noqa: B018 - loaded before the session closes
        db.session.expunge_all()
        return document


def post_form(client, page: str, action: str, **data):
    return client.post(action, data={"csrf_token": csrf_token(client, page), **data})


def editor_data(client, document_id: int, **changes) -> dict:
    """The editor's form as the browser would post it, with ``changes``."""
    page = text_of(client.get(f"/trading/documents/{document_id}/edit"))
    data = {}
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page,
                                 re.S):
        data[name] = body.strip("\n")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page,
                                    re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                           options)
        data[name] = next(g for g in chosen.groups() if g is not None) if chosen else ""
    data.update(changes)
    return data


# ----- boxes --------------------------------------------------------------------------------------


def test_a_received_document_is_unread_in_the_inbox_until_opened(trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", subject="Bolts for Hamburg"),
                        "send")
    supplier = browser(trade.supplier)
    inbox = supplier.get("/trading/documents?box=inbox")
    page = text_of(inbox)
    assert inbox.status_code == 200
    assert re.search(r'id="inbox-unread"[^>]*>1<', page)
    assert re.search(r'id="documents-unread"[^>]*>1<', page)  # the navbar badge
    row = re.search(rf'<tr class="document-row ([^"]*)" data-number="{inquiry["number"]}"',
                    page)
    assert row and "unread" in row.group(1)
    assert "Bolts for Hamburg" in page and "Hamburg Hardware GmbH" in page

    opened = supplier.get(f"/trading/documents/{inquiry['id']}")
    assert opened.status_code == 200
    page = text_of(supplier.get("/trading/documents?box=inbox"))
    assert 'id="inbox-unread"' not in page and 'id="documents-unread"' not in page
    row = re.search(rf'<tr class="document-row ([^"]*)" data-number="{inquiry["number"]}"',
                    page)
    assert row and "unread" not in row.group(1)


def test_boxes_filter_by_type_status_and_text(trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", subject="Bolts"), "send")
    draft = trade.create("buyer", "inquiry", subject="Washers later")
    order = trade.create("buyer", "purchase_order", subject="Nuts order")
    buyer = browser(trade.buyer)

    def numbers(query: str) -> set[str]:
        page = text_of(buyer.get(f"/trading/documents?{query}"))
        return set(re.findall(r'class="document-row[^"]*" data-number="([^"]+)"', page))

    assert numbers("box=outbox") == {inquiry["number"]}
    assert numbers("box=drafts") == {draft["number"], order["number"]}
    assert numbers("box=drafts&type=purchase_order") == {order["number"]}
    assert numbers("box=drafts&q=washers") == {draft["number"]}
    assert numbers("box=outbox&status=accepted") == set()
    assert numbers("box=inbox") == set()
    assert numbers("box=nonsense") == set()  # an unknown box is the inbox


def test_the_boxes_page_through_their_documents(trade, browser):
    for n in range(27):
        trade.create("buyer", "inquiry", subject=f"Draft {n}")
    buyer = browser(trade.buyer)
    first = text_of(buyer.get("/trading/documents?box=drafts"))
    second = text_of(buyer.get("/trading/documents?box=drafts&page=2"))
    assert len(re.findall(r'class="document-row', first)) == 25
    assert len(re.findall(r'class="document-row', second)) == 2
    assert "page=2" in first


# ----- the document page and its actions ---------------------------------------------------------


def test_the_document_page_shows_lines_totals_thread_history_and_actions(trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send",
                        comment="Urgent, please")
    quotation = trade.quotation_for(inquiry)
    buyer = browser(trade.buyer)
    page = text_of(buyer.get(f"/trading/documents/{quotation['id']}"))
    assert quotation["number"] in page and "Taiwan Precision Fasteners" in page
    assert "Stainless steel hex bolt M8×30" in page and "HB-M8-30" in page
    assert re.search(r'id="document-total">1,680.00 USD<', page)  # 20000×0.072 + 20000×0.012
    thread = re.search(r'<ol class="list-unstyled mb-0" id="thread">(.*?)</ol>', page, re.S)
    assert thread.group(1).index(inquiry["number"]) < thread.group(1).index(quotation["number"])
    assert 'id="action-accept"' in page and 'id="action-decline"' in page
    assert 'id="action-send"' not in page and 'id="edit-document"' not in page
    history = text_of(buyer.get(f"/trading/documents/{inquiry['id']}"))
    assert "“Urgent, please”" in history


def test_accepting_with_a_comment_through_the_buttons(app, trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.quotation_for(inquiry)
    buyer = browser(trade.buyer)
    page = f"/trading/documents/{quotation['id']}"
    done = post_form(buyer, page, f"{page}/actions/accept", comment="Agreed, thank you")
    assert done.status_code == 303
    after = buyer.get(done.headers["Location"])
    assert f"{quotation['number']} is accepted." in flashes(after)
    assert stored(app, quotation["id"]).status == "accepted"
    assert "“Agreed, thank you”" in text_of(after)


def test_an_order_confirmation_is_offered_once_the_order_is_accepted(
        make, api, trade, browser):
    order = sent_purchase_order(make, api, trade)
    supplier = browser(trade.supplier)
    page = f"/trading/documents/{order['id']}"

    def offered() -> list[str]:
        select = re.search(r'<select[^>]*id="derive-type".*?</select>',
                           text_of(supplier.get(page)), re.S)
        return re.findall(r'<option[^>]*value="([^"]+)"', select.group(0)) if select else []

    assert "order_confirmation" not in offered() and "change_request" in offered()
    refused = post_form(supplier, page, f"{page}/derive", type="order_confirmation")
    assert flashes(supplier.get(refused.headers["Location"]), "danger")
    assert api.get("/documents?box=drafts", trade.supplier_token).get_json()["total"] == 0
    trade.act("supplier", order, "accept")
    assert offered()[0] == "order_confirmation"


def test_an_action_not_allowed_now_is_refused_with_the_reason(app, trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    supplier = browser(trade.supplier)
    page = f"/trading/documents/{inquiry['id']}"
    refused = post_form(supplier, page, f"{page}/actions/send")
    assert refused.status_code == 303
    after = supplier.get(refused.headers["Location"])
    assert flashes(after, "danger") and not flashes(after, "success")
    assert stored(app, inquiry["id"]).status == "sent"
    unknown = post_form(supplier, page, f"{page}/actions/explode")
    assert unknown.status_code == 303 and stored(app, inquiry["id"]).status == "sent"
    quotation = trade.quotation_for(inquiry)
    buyer = browser(trade.buyer)
    page = f"/trading/documents/{quotation['id']}"
    wordy = post_form(buyer, page, f"{page}/actions/accept", comment="x" * 2001)
    assert wordy.status_code == 303
    assert "2000" in " ".join(flashes(buyer.get(wordy.headers["Location"])))
    assert stored(app, quotation["id"]).status == "sent"


def test_derive_a_quotation_price_it_and_send_it(app, trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    supplier = browser(trade.supplier)
    page = f"/trading/documents/{inquiry['id']}"
    assert re.search(r'<option[^>]*value="quotation"', text_of(supplier.get(page)))
    derived = post_form(supplier, page, f"{page}/derive", type="quotation")
    assert derived.status_code == 303
    edit_url = derived.headers["Location"]
    quotation_id = int(re.search(r"/documents/(\d+)/edit", edit_url).group(1))
    draft = stored(app, quotation_id)
    assert draft.type == "quotation" and draft.parent_id == inquiry["id"]
    assert [line.description for line in draft.lines] == [
        "Stainless steel hex bolt M8×30", "Hex nut M8, zinc plated"]
    data = editor_data(supplier, quotation_id, **{
        "lines-0-unit_price": "0.072", "lines-1-unit_price": "0.012", "incoterm": "FOB",
        "incoterm_place": "Kaohsiung", "save_and_send": "Save and send"})
    sent = supplier.post(edit_url, data=data)
    assert sent.status_code == 303, flashes(sent)
    quotation = stored(app, quotation_id)
    assert quotation.status == "sent" and str(quotation.total_amount) == "1680.0000"
    assert quotation.incoterm == "FOB" and quotation.thread_id == stored(
        app, inquiry["id"]).thread_id


def test_forward_to_a_colleague(app, make, trade, browser):
    colleague = make.member(trade.supplier.company_id, "sales", full_name="Mei Lin")
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    supplier = browser(trade.supplier)
    page = f"/trading/documents/{inquiry['id']}"
    assert "Mei Lin" in text_of(supplier.get(page))
    done = post_form(supplier, page, f"{page}/actions/forward",
                     to_user_id=str(colleague.user_id), comment="Yours")
    assert done.status_code == 303
    assert stored(app, inquiry["id"]).assigned_to_id == colleague.user_id
    mine = browser(colleague)
    assert f'data-number="{inquiry["number"]}"' in text_of(
        mine.get("/trading/documents?box=inbox&mine=1"))
    assert f'data-number="{inquiry["number"]}"' not in text_of(
        supplier.get("/trading/documents?box=inbox&mine=1"))
    missing = post_form(supplier, page, f"{page}/actions/forward", to_user_id="")
    assert "Choose the colleague" in " ".join(flashes(supplier.get(missing.headers["Location"])))


def test_folder_and_tags_are_the_companys_own(trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    supplier, buyer = browser(trade.supplier), browser(trade.buyer)
    page = f"/trading/documents/{inquiry['id']}"
    saved = post_form(supplier, page, f"{page}/state", folder="Germany",
                      tags="urgent, bolts, urgent")
    assert saved.status_code == 303
    mine = text_of(supplier.get(page))
    assert 'value="Germany"' in mine and 'value="urgent, bolts"' in mine
    assert "Germany" not in text_of(buyer.get(page))
    by_tag = text_of(supplier.get("/trading/documents?box=inbox&tag=bolts"))
    assert f'data-number="{inquiry["number"]}"' in by_tag
    assert 'data-number=' not in text_of(supplier.get("/trading/documents?box=inbox&tag=nuts"))
    by_folder = text_of(supplier.get("/trading/documents?box=inbox&folder=Germany"))
    assert f'data-number="{inquiry["number"]}"' in by_folder
    # The boxes list the company's folders, to browse them; the other side sees none.
    folders = re.search(r'<nav[^>]*id="folders".*?</nav>', text_of(supplier.get(
        "/trading/documents?box=inbox")), re.S).group(0)
    assert '/trading/documents?box=inbox&folder=Germany">Germany</a>' in folders
    assert 'id="folders"' not in text_of(buyer.get("/trading/documents?box=outbox"))
    too_long = post_form(supplier, page, f"{page}/state", folder="x" * 61)
    assert too_long.status_code == 303
    assert 'value="Germany"' in text_of(supplier.get(page))


def test_downloads_from_the_document_page(trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    supplier = browser(trade.supplier)
    response = supplier.get(f"/trading/documents/{inquiry['id']}/export/docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename={inquiry['number']}.docx"
    text = "\n".join(p.text for t in WordDocument(io.BytesIO(response.data)).tables
                     for row in t.rows for cell in row.cells for p in cell.paragraphs)
    assert "HB-M8-30" in text
    assert supplier.get(f"/trading/documents/{inquiry['id']}/export/odt").status_code == 404


# ----- the draft editor and its refusals ---------------------------------------------------------


def test_a_new_document_from_the_form(app, trade, browser):
    buyer = browser(trade.buyer)
    response = post_form(buyer, "/trading/documents/new", "/trading/documents/new", **{
        "type": "inquiry", "recipient": str(trade.supplier.company_id), "subject": "Nuts",
        "currency": "EUR", "incoterm": "", "payment_terms": "", "lines-0-description": "Nut M10",
        "lines-0-quantity": "5000", "lines-0-unit": "pcs", "lines-1-description": "",
        "save": "Save draft"})
    assert response.status_code == 303, flashes(response)
    document_id = int(re.search(r"/documents/(\d+)/edit", response.headers["Location"]).group(1))
    document = stored(app, document_id)
    assert (document.type, document.status, document.currency) == ("inquiry", "draft", "EUR")
    assert document.recipient_company_id == trade.supplier.company_id
    assert [(line.description, str(line.quantity)) for line in document.lines] == [
        ("Nut M10", "5000.0000")]


def test_a_new_document_starts_as_the_companys_usual_first_type(trade, browser):
    def chosen(member) -> str:
        page = text_of(browser(member).get("/trading/documents/new"))
        select = re.search(r'<select[^>]*name="type".*?</select>', page, re.S).group(0)
        return re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected',
                         select).group(0)

    assert 'value="inquiry"' in chosen(trade.buyer)
    assert 'value="quotation"' in chosen(trade.supplier)


def test_a_new_document_starts_in_the_companys_usual_currency(trade, browser, make_product):
    def chosen(member) -> str:
        page = text_of(browser(member).get("/trading/documents/new"))
        select = re.search(r'<select[^>]*name="currency".*?</select>', page, re.S).group(0)
        return re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected',
                         select).group(0)

    assert 'value="USD"' in chosen(trade.supplier)  # nothing used yet: the common default
    for _ in range(2):
        make_product(trade.supplier.company_id, currency="EUR", price_tiers=[
            {"min_qty": "1", "unit_price": "0.10"}])
    assert 'value="EUR"' in chosen(trade.supplier)


def test_a_new_document_without_recipient_or_with_a_bad_line_saves_nothing(app, trade, browser):
    buyer = browser(trade.buyer)
    base = {"type": "inquiry", "recipient": str(trade.supplier.company_id), "currency": "USD",
            "lines-0-description": "Nut M10", "lines-0-quantity": "5000"}
    for changes, message in (({"recipient": ""}, "Say which company it goes to."),
                             ({"lines-0-quantity": "0"}, "Must be greater than zero."),
                             ({"lines-0-quantity": "lots"}, "A number is required.")):
        response = post_form(buyer, "/trading/documents/new", "/trading/documents/new",
                             **{**base, **changes})
        assert response.status_code == 422, changes
        assert message in text_of(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_zero_quantity_is_refused_and_the_draft_kept_as_it_was(app, trade, browser):
    draft = trade.create("buyer", "inquiry")
    buyer = browser(trade.buyer)
    url = f"/trading/documents/{draft['id']}/edit"
    response = buyer.post(url, data=editor_data(buyer, draft["id"], **{
        "lines-0-quantity": "0", "subject": "Changed subject"}))
    assert response.status_code == 422
    page = text_of(response)
    # The field as the editor labels it, never the engine's path (lines.0.quantity).
    assert flashes(response) == ["Nothing was saved: Line 1 · Quantity: Must be greater than "
                                 "zero."]
    assert re.search(r'is-invalid[^>]*name="lines-0-quantity"|name="lines-0-quantity"[^>]*'
                     r'is-invalid', page)
    assert "Must be greater than zero." in page
    kept = stored(app, draft["id"])
    assert kept.subject == "M8 fasteners for spring" and kept.version == draft["version"]
    assert str(kept.lines[0].quantity) == "20000.0000"


def test_editing_a_sent_document_is_refused_and_changes_nothing(app, trade, browser):
    draft = trade.create("buyer", "inquiry")
    buyer = browser(trade.buyer)
    data = editor_data(buyer, draft["id"], subject="Sneaky change")
    trade.act("buyer", draft, "send")
    response = buyer.post(f"/trading/documents/{draft['id']}/edit", data=data)
    assert response.status_code == 409
    assert flashes(response)
    assert stored(app, draft["id"]).subject == "M8 fasteners for spring"
    reopened = buyer.get(f"/trading/documents/{draft['id']}/edit")
    assert reopened.status_code == 302
    assert "no longer a draft" in " ".join(flashes(buyer.get(reopened.headers["Location"])))


def test_a_stale_edit_is_refused_and_keeps_the_other_change(app, trade, browser):
    draft = trade.create("buyer", "inquiry")
    buyer = browser(trade.buyer)
    mine = editor_data(buyer, draft["id"], subject="My subject")
    trade.patch("buyer", draft, subject="Colleague's subject")
    response = buyer.post(f"/trading/documents/{draft['id']}/edit", data=mine)
    assert response.status_code == 412
    assert flashes(response)
    assert stored(app, draft["id"]).subject == "Colleague's subject"


def test_removing_a_line_row_and_saving(app, trade, browser):
    draft = trade.create("buyer", "inquiry")
    buyer = browser(trade.buyer)
    data = editor_data(buyer, draft["id"])
    for field in ("sku", "description", "quantity", "unit", "unit_price", "product_id"):
        data[f"lines-1-{field}"] = ""
    response = buyer.post(f"/trading/documents/{draft['id']}/edit", data=data)
    assert response.status_code == 303
    assert [line.sku for line in stored(app, draft["id"]).lines] == ["HB-M8-30"]


def test_the_other_company_cannot_edit_or_see_a_draft(trade, browser):
    draft = trade.create("buyer", "inquiry")
    supplier = browser(trade.supplier)
    assert supplier.get(f"/trading/documents/{draft['id']}").status_code == 404
    assert supplier.get(f"/trading/documents/{draft['id']}/edit").status_code == 404


# ----- the product picker and "Send inquiry" -----------------------------------------------------


@pytest.fixture
def bolt(trade, make_product):
    return make_product(trade.supplier.company_id, sku="HB-M8", name="Hex bolt M8",
                        name_zh="六角螺栓 M8", moq="1000", currency="USD", port="Kaohsiung",
                        price_tiers=[{"min_qty": "1000", "unit_price": "0.10"},
                                     {"min_qty": "10000", "unit_price": "0.08"}])


def test_the_picker_offers_the_suppliers_published_products_with_tiers(
        trade, browser, bolt, make_product):
    make_product(trade.supplier.company_id, sku="SECRET", name="Hex bolt prototype",
                 status="draft")
    buyer = browser(trade.buyer)
    found = buyer.get(f"/trading/picker/products?supplier={trade.supplier.company_id}&q=hex")
    items = found.get_json()["items"]
    assert [item["sku"] for item in items] == ["HB-M8"]
    assert items[0]["unit_price"] == "0.10" and items[0]["quantity"] == "1000"
    assert items[0]["price_tiers"][1] == {"min_qty": "10000", "unit_price": "0.08"}
    assert items[0]["label"] == "Hex bolt M8"
    with buyer.session_transaction() as session:  # the member speaks Chinese: so does the list
        session["language"] = "zh_Hant"
    chinese = buyer.get(f"/trading/picker/products?supplier={trade.supplier.company_id}&q=hex")
    assert chinese.get_json()["items"][0]["label"] == "六角螺栓 M8"
    own = browser(trade.supplier).get(
        f"/trading/picker/products?supplier={trade.supplier.company_id}&q=hex")
    assert {item["sku"] for item in own.get_json()["items"]} == {"HB-M8", "SECRET"}


def test_send_inquiry_from_the_product_page_opens_a_real_draft(app, trade, browser, bolt):
    buyer = browser(trade.buyer)
    product_page = f"/products/{bolt}"
    assert 'id="send-inquiry-form"' in text_of(buyer.get(product_page))
    response = post_form(buyer, product_page, f"/trading/inquiries/product/{bolt}")
    assert response.status_code == 303
    document_id = int(re.search(r"/documents/(\d+)/edit", response.headers["Location"]).group(1))
    inquiry = stored(app, document_id)
    assert (inquiry.type, inquiry.status) == ("inquiry", "draft")
    assert inquiry.recipient_company_id == trade.supplier.company_id
    assert [(line.product_id, line.sku, str(line.quantity)) for line in inquiry.lines] == [
        (bolt, "HB-M8", "1000.0000")]
    assert "Hex bolt M8" in inquiry.lines[0].description
    editor = buyer.get(response.headers["Location"])
    assert "is a draft: check it, then send it." in " ".join(flashes(editor))
    again = post_form(buyer, product_page, f"/trading/inquiries/product/{bolt}")
    assert again.headers["Location"] == response.headers["Location"]  # the same draft reused


def test_the_prepared_inquiry_becomes_the_draft(app, trade, browser, bolt):
    buyer = browser(trade.buyer)
    page = f"/products/{bolt}/inquiry"
    response = post_form(buyer, page, f"/trading/inquiries/product/{bolt}",
                         subject="Bolts for Hamburg", quantity="25000", unit="pcs",
                         message="CIF Hamburg please")
    document_id = int(re.search(r"/documents/(\d+)/edit", response.headers["Location"]).group(1))
    inquiry = stored(app, document_id)
    assert inquiry.subject == "Bolts for Hamburg" and inquiry.notes == "CIF Hamburg please"
    assert str(inquiry.lines[0].quantity) == "25000.0000"


def test_send_inquiry_for_a_supplier_or_a_visitor(app, make, trade, browser, bolt, client):
    visitor = text_of(client.get(f"/products/{bolt}"))
    assert re.search(r'<a[^>]*href="/login\?next=/products/\d+"[^>]*id="send-inquiry"', visitor)
    anonymous = client.post(f"/trading/inquiries/product/{bolt}")
    assert anonymous.status_code in (302, 400)
    other_supplier = make.company_with_admin("Other Fasteners", roles=("supplier",))
    seller = browser(other_supplier)
    refused = post_form(seller, f"/products/{bolt}", f"/trading/inquiries/product/{bolt}")
    assert refused.status_code == 303
    assert "Inquiries are sent by buyers" in " ".join(flashes(seller.get(
        refused.headers["Location"])))
    owner = browser(trade.supplier)
    own = post_form(owner, f"/products/{bolt}/inquiry", f"/trading/inquiries/product/{bolt}")
    assert "your own product" in " ".join(flashes(owner.get(own.headers["Location"])))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_a_bad_date_is_marked_and_saves_nothing(app, trade, browser):
    draft = trade.create("buyer", "inquiry")
    buyer = browser(trade.buyer)
    response = buyer.post(f"/trading/documents/{draft['id']}/edit", data=editor_data(
        buyer, draft["id"], valid_until="2026-13-45", subject="Changed"))
    assert response.status_code == 422
    assert "check the marked fields" in " ".join(flashes(response))
    assert stored(app, draft["id"]).subject == "M8 fasteners for spring"


def test_the_operator_gets_no_send_inquiry_button(make, app, bolt):
    operator = make.operator()
    client = app.test_client()
    portal_login(client, operator.email)
    assert 'id="send-inquiry"' not in text_of(client.get(f"/products/{bolt}"))


def test_an_rfq_to_several_suppliers_and_also_to_refused_elsewhere(app, make, trade, browser):
    second = make.company_with_admin("Anatolia Hardware", roles=("supplier",), country="TR")
    buyer = browser(trade.buyer)
    base = {"type": "rfq", "recipient": str(trade.supplier.company_id), "currency": "USD",
            "also_to": [str(second.company_id)], "lines-0-description": "Nut M10",
            "lines-0-quantity": "5000", "lines-0-unit": "pcs", "save": "Save draft"}
    refused = post_form(buyer, "/trading/documents/new", "/trading/documents/new",
                        **{**base, "type": "inquiry"})
    assert refused.status_code == 422
    assert "Only an rfq goes to several companies." in text_of(refused)
    made = post_form(buyer, "/trading/documents/new", "/trading/documents/new", **base)
    assert made.status_code == 303, flashes(made)
    rfq_id = int(re.search(r"/documents/(\d+)/edit", made.headers["Location"]).group(1))
    assert stored(app, rfq_id).extras["recipient_company_ids"] == [
        trade.supplier.company_id, second.company_id]


def test_a_send_held_for_approval_shows_the_chain_and_the_approver_approves(
        app, make, trade, browser, api):
    rule = api.post("/document-settings/approval-rules", trade.buyer_token, json={
        "type": "inquiry", "direction": "send", "steps": [{"role": "approver"}]})
    assert rule.status_code == 201
    approver = make.member(trade.buyer.company_id, "approver", full_name="Anna Approver")
    draft = trade.create("buyer", "inquiry")
    buyer = browser(trade.buyer)
    page = f"/trading/documents/{draft['id']}"
    held = post_form(buyer, page, f"{page}/actions/send")
    assert "waits for your company's approval" in " ".join(flashes(
        buyer.get(held.headers["Location"])))
    assert stored(app, draft["id"]).status == "pending_approval"
    boss = browser(approver)
    shown = text_of(boss.get(page))
    assert re.search(r'id="approval-steps">\s*<li data-status="pending">Approver', shown)
    assert 'id="action-approve"' in shown
    refused = post_form(boss, page, f"{page}/actions/reject")  # no reason given
    assert flashes(boss.get(refused.headers["Location"]), "danger") == [
        "Say why you reject it."]
    assert stored(app, draft["id"]).status == "pending_approval"
    post_form(boss, page, f"{page}/actions/approve", comment="OK")
    assert stored(app, draft["id"]).status == "sent"


def test_the_document_page_speaks_chinese(trade, browser):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    supplier = browser(trade.supplier)
    supplier.post("/language/zh_Hant", data={"csrf_token": csrf_token(supplier, "/")})
    page = text_of(supplier.get(f"/trading/documents/{inquiry['id']}"))
    assert '<html lang="zh-Hant">' in page
    assert "數量" in page and "單價" in page  # Quantity, Unit price
