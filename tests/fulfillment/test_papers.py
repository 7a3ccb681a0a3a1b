"""Shipping papers fit for a bank and customs (issue 17 items 1, 3, 4): every field a
letter of credit or a customs broker checks is on each paper, in the document's
language (English by default, whatever the reader's interface language), Chinese or
both side by side on request or by the buyer's setting; the packing list works out
cartons, their numbers and weights from the products' packaging; a paper missing a
field is not issued (the checklist names each one); one template per kind prints the
shipment's document and the engine's alike."""

from __future__ import annotations

import html
from dataclasses import dataclass
from io import BytesIO

from flask_babel import force_locale, gettext
from pypdf import PdfReader

from marketplace.extensions import db
from marketplace.infrastructure.models import User
from tests.factories import Member
from tests.fulfillment.support import SEA, accepted_purchase_order, trade_pair
from tests.worlds import shared_world

CONSIGNEE = "TO ORDER OF FIRST COMMERCIAL BANK, TAIPEI"
NOTIFY = "Nordic Tools AB, Hamngatan 12, 411 06 Gothenburg, Sweden"
KINDS = ("commercial-invoice", "packing-list", "shipping-advice")


@dataclass
class Papers:
    supplier: Member
    buyer: Member
    supplier_token: str
    buyer_token: str
    shipment: dict
    order: dict
    documents: dict


def text_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert response.mimetype == "application/pdf"
    pages = PdfReader(BytesIO(response.data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@shared_world
def papers(make, api, app):
    pair = trade_pair(make, api)
    # The supplier's people read the portal in Chinese: the papers stay English.
    with app.app_context():
        db.session.get(User, pair.supplier.user_id).language = "zh_Hant"
        db.session.commit()
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    order = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()
    lines = {line["sku"]: line["id"] for line in order["lines"]}
    shipment = api.post("/shipments", pair.supplier_token, json={
        **SEA, "order_ids": [order_id], "consignee": CONSIGNEE, "notify_party": NOTIFY,
        "container_numbers": ["EGHU1234567"], "etd": "2026-12-10", "eta": "2027-01-08",
        "lines": [{"order_line_id": lines["BOLT-M8"], "quantity": "1000"},
                  {"order_line_id": lines["NUT-M8"], "quantity": "500"}]})
    assert shipment.status_code == 201, shipment.get_json()
    shipment = shipment.get_json()
    documents = {}
    issued = api.post(f"/shipments/{shipment['id']}/commercial-invoice", pair.supplier_token)
    assert issued.status_code == 201, issued.get_json()
    documents["commercial-invoice"] = issued.get_json()["document_id"]
    for kind in ("packing-list", "shipping-advice"):
        made = api.post(f"/shipments/{shipment['id']}/documents/{kind}", pair.supplier_token)
        assert made.status_code == 201, made.get_json()
        documents[kind] = made.get_json()["document_id"]
    return Papers(pair.supplier, pair.buyer, pair.supplier_token, pair.buyer_token, shipment,
                  order, documents)


def paper(api, papers, kind, query="", token=None):
    return text_of(api.get(f"/shipments/{papers.shipment['id']}/documents/{kind}{query}",
                           token or papers.supplier_token))


def number_of(api, papers, kind):
    return api.get(f"/documents/{papers.documents[kind]}", papers.buyer_token).get_json()[
        "number"]


def test_every_paper_holds_every_field_in_english_while_the_supplier_reads_chinese(
        api, papers):
    for kind in KINDS:
        text = paper(api, papers, kind)
        # Parties, with full addresses; consignee to the order of a bank; notify party.
        for words in ("Formosa Fasteners", "No. 88, Chenggong 2nd Rd., Qianzhen Dist.",
                      "806 Kaohsiung, Taiwan", "Nordic Tools", "Hamngatan 12",
                      "411 06 Gothenburg, Sweden", CONSIGNEE, "NOTIFY PARTY", NOTIFY):
            assert words in text, (kind, words)
        # The document's own number and date, the order and purchase order numbers.
        assert number_of(api, papers, kind) in text
        assert papers.order["number"] in text
        assert "PO-2026-" in text
        # Transport: vessel and voyage, B/L and on-board date, ports, container.
        for words in ("TRANSPORT By sea · Evergreen", "VESSEL / VOYAGE Ever Ace 0125W",
                      "B/L NO. EGLV140600123456 · on board 2026-12-10",
                      "PORT OF LOADING Kaohsiung", "PORT OF DISCHARGE Gothenburg",
                      "CONTAINERS EGHU1234567", "COUNTRY OF ORIGIN Taiwan",
                      "MARKS AND NUMBERS NORDIC TOOLS GOTHENBURG C/NO. 1-3 MADE IN TAIWAN"):
            assert words in text, (kind, words)
        # Words, never codes.
        assert "(sea)" not in text and " tt" not in text and "pcs" not in text
        assert "商業發票" not in text and "裝箱單" not in text
        assert "INCOTERM FOB Kaohsiung (Free On Board, Incoterms® 2020)" in text


def test_the_commercial_invoice_states_terms_customs_data_and_the_total_in_words(
        api, papers):
    text = paper(api, papers, "commercial-invoice")
    # 1,000 × 0.12 + 500 × 0.05
    assert "PAYMENT TERMS T/T (telegraphic transfer)" in text
    assert "7318.15" in text and "7318.16" in text
    assert "7318.15 Taiwan 1000 pieces 0.12 120.00" in text
    assert "7318.16 Taiwan 500 pieces 0.05 25.00" in text
    assert "C/No. 1–2 · Cartons 2 · N.W. 12 kg · G.W. 13 kg" in text
    assert "C/No. 3 · Cartons 1 · N.W. 2.5 kg · G.W. 2.9 kg" in text
    assert "145.00" in text and "SAY US DOLLARS ONE HUNDRED FORTY-FIVE ONLY" in text
    assert "Net weight (kg) 14.5" in text and "Gross weight (kg) 15.9" in text


def test_the_packing_list_numbers_cartons_and_works_out_weights_from_the_packaging(
        api, papers):
    # BOLT-M8: 1,000 pcs, 500 a carton → 2 cartons, 12 kg net, carton tare 6.5 − 6 = 0.5
    # → 13 kg gross, 2 × 40×30×20 cm = 0.048 m³. NUT-M8: 500 pcs in 1 carton of 1,000,
    # 2.5 kg net, tare 5.4 − 5 = 0.4 → 2.9 kg, 30×20×15 cm = 0.009 m³.
    shipment = api.get(f"/shipments/{papers.shipment['id']}", papers.buyer_token).get_json()
    assert [(line["packages"], line["net_weight"]) for line in shipment["lines"]] == [
        (None, None), (None, None)]  # nothing typed: worked out for the papers
    text = paper(api, papers, "packing-list", token=papers.buyer_token)
    assert "1–2 Item BOLT-M8 (BOLT-M8) 7318.15 1000 pieces 2 12 13 0.048" in text
    assert "3 Item NUT-M8 (NUT-M8) 7318.16 500 pieces 1 2.5 2.9 0.009" in text
    assert "Cartons 3" in text and "Net weight (kg) 14.5" in text
    assert "Gross weight (kg) 15.9" in text and "Volume (m³) 0.057" in text


def test_a_paper_prints_in_chinese_or_both_when_asked(api, papers):
    chinese = paper(api, papers, "commercial-invoice", "?lang=zh-Hant")
    assert "商業發票" in chinese and "COMMERCIAL INVOICE" not in chinese
    assert "裝運港 Kaohsiung" in chinese and "臺灣" in chinese
    # English words for the bank, and the Chinese banking numerals.
    assert "SAY US DOLLARS ONE HUNDRED FORTY-FIVE ONLY" in chinese
    assert "美元壹佰肆拾伍元整" in chinese
    both = paper(api, papers, "packing-list", "?lang=bilingual")
    assert "PACKING LIST 裝箱" in both and "Packing list 裝箱單" in both
    assert "PORT OF LOADING 裝運港 Kaohsiung" in both and "Taiwan 臺灣" in both
    refused = api.get(f"/shipments/{papers.shipment['id']}/documents/packing-list?lang=fr",
                      papers.supplier_token)
    assert refused.status_code == 422 and "lang" in refused.get_json()["errors"]


def test_the_buyers_document_language_is_the_default_of_the_next_revision(api, papers):
    setting = api.call("PUT", f"/buyers/{papers.buyer.company_id}/document-settings",
                       papers.supplier_token, json={"document_language": "bilingual"})
    assert setting.status_code == 200, setting.get_json()
    path = f"/shipments/{papers.shipment['id']}/documents/packing-list"
    # The revision made before prints as it did; the next one in both languages.
    assert "裝箱單" not in paper(api, papers, "packing-list")
    assert api.post(path, papers.supplier_token).get_json()["revision"] == 2
    assert "Packing list 裝箱單" in paper(api, papers, "packing-list", token=papers.buyer_token)
    assert "裝箱單" not in paper(api, papers, "packing-list", "?lang=en")
    # Another company's buyer is not the supplier's to set.
    stranger = api.call("PUT", f"/buyers/{papers.supplier.company_id}/document-settings",
                        papers.buyer_token, json={"document_language": "en"})
    assert stranger.status_code == 422


def test_one_template_prints_the_engines_document_and_the_shipments(api, papers):
    for kind in KINDS:
        engine = api.get(f"/documents/{papers.documents[kind]}/export?format=pdf",
                         papers.buyer_token)
        shipment = api.get(f"/shipments/{papers.shipment['id']}/documents/{kind}",
                           papers.buyer_token)
        assert text_of(engine) == text_of(shipment)


def test_a_paper_missing_fields_is_not_issued_and_the_checklist_names_each(
        make, api, app, client, papers):
    from tests.factories import csrf_token, portal_login

    order_id = accepted_purchase_order(make, papers.buyer, papers.supplier, lines=[
        ("BOLT-M8", "100", "0.12"), ("LOOSE-PART", "7", "1.00")])
    lines = api.get(f"/orders/{order_id}", papers.supplier_token).get_json()["lines"]
    bare = api.post("/shipments", papers.supplier_token, json={
        "order_ids": [order_id], "mode": "sea", "document_language": "bilingual",
        "lines": [{"order_line_id": line["id"], "quantity": line["quantity"]}
                  for line in lines]}).get_json()
    make._run(lambda: _forget_packaging("LOOSE-PART", papers.supplier.company_id))
    checklist = api.get(f"/shipments/{bare['id']}/checklist", papers.supplier_token)
    assert checklist.status_code == 200
    fields = {kind: {item["field"] for item in items}
              for kind, items in checklist.get_json()["kinds"].items()}
    assert fields["commercial-invoice"] == {
        "vessel", "voyage", "lines.1.hs_code", "lines.1.origin_country",
        "lines.1.packages", "lines.1.net_weight", "lines.1.gross_weight"}
    assert {"bill_of_lading", "on_board_date"} <= fields["shipping-advice"]
    refused = api.post(f"/shipments/{bare['id']}/commercial-invoice", papers.supplier_token)
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    # Named by their labels in the caller's language (the supplier reads Chinese).
    with app.test_request_context(), force_locale("zh_Hant"):
        assert errors["vessel"] == [gettext("%(field)s is missing.", field=gettext("Vessel"))]
        assert "船名" in errors["vessel"][0]
        assert errors["lines.1.hs_code"] == [gettext("%(field)s is missing.", field=gettext(
            "%(field)s, line %(position)s (%(item)s)", field=gettext("HS code"), position=2,
            item="LOOSE-PART"))]
    assert set(errors) == fields["commercial-invoice"]
    # From the portal too: refused with each missing field named.
    portal_login(client, papers.supplier.email)
    page = f"/fulfillment/shipments/{bare['id']}"
    refused_page = client.post(f"{page}/documents/commercial-invoice", data={
        "csrf_token": csrf_token(client, page)}, headers={"Referer": page},
        follow_redirects=True).get_data(as_text=True)
    with app.test_request_context(), force_locale("zh_Hant"):  # the supplier reads Chinese
        expected = gettext("The papers cannot be issued yet: %(count)s fields are missing.",
                           count=len(fields["commercial-invoice"]))
    assert html.escape(expected) in refused_page and "LOOSE-PART" in refused_page
    # Nothing issued: no invoice, no document, no revision.
    after = api.get(f"/shipments/{bare['id']}", papers.supplier_token).get_json()
    assert after["invoice_id"] is None and after["documents"] == []
    assert api.get("/receivables", papers.supplier_token).get_json()["total"] == 1
    # Completed on the shipment and its line, it issues.
    fixed = api.patch(f"/shipments/{bare['id']}/papers", papers.supplier_token, json={
        "vessel": "Ever Ace", "voyage": "0126W", "lines": [{
            "shipment_line_id": after["lines"][1]["id"], "hs_code": "8487.90",
            "origin_country": "TW", "packages": 1, "net_weight": "3.5",
            "gross_weight": "4"}]})
    assert fixed.status_code == 200, fixed.get_json()
    issued = api.post(f"/shipments/{bare['id']}/commercial-invoice", papers.supplier_token)
    assert issued.status_code == 201, issued.get_json()
    # This shipment's papers print in both languages (chosen when it was made).
    both = text_of(api.get(f"/shipments/{bare['id']}/documents/commercial-invoice",
                           papers.buyer_token))
    assert "COMMERCIAL INVOICE" in both and "商業發票" in both and "8487.90" in both


def _forget_packaging(sku: str, company_id: int) -> None:
    from sqlalchemy import select

    from marketplace.content.models import Product

    product = db.session.scalar(select(Product).where(Product.sku == sku,
                                                      Product.company_id == company_id))
    product.hs_code = product.origin_country = product.net_weight_kg = None
    product.units_per_carton = product.carton_gross_weight_kg = None


def test_the_papers_page_keeps_bad_input_and_names_each_field(client, api, app, papers):
    from tests.factories import csrf_token, portal_login

    portal_login(client, papers.supplier.email)
    shipment = api.get(f"/shipments/{papers.shipment['id']}", papers.supplier_token).get_json()
    page_path = f"/fulfillment/shipments/{shipment['id']}/papers"
    assert 'id="papers-link"' in client.get(
        f"/fulfillment/shipments/{shipment['id']}").get_data(as_text=True)
    page = client.get(page_path).get_data(as_text=True)
    assert 'id="paper-checklist"' in page and CONSIGNEE in page
    bolt = shipment["lines"][0]["id"]
    token = csrf_token(client, page_path)
    refused = client.post(page_path, data={
        "csrf_token": token, "consignee": "TO ORDER OF BANK SINOPAC", "vessel": "Ever Arm",
        f"origin_country-{bolt}": "Taiwan", f"packages-{bolt}": "many"})
    assert refused.status_code == 200
    text = refused.get_data(as_text=True)
    assert "TO ORDER OF BANK SINOPAC" in text and 'value="Taiwan"' in text  # kept
    assert 'id="origin_country-' in text and "is-invalid" in text
    import re
    flashed = html.unescape(" ".join(re.findall(r'alert-danger[^>]*>(.*?)</div>', text, re.S)))
    with app.test_request_context(), force_locale("zh_Hant"):  # the supplier reads Chinese
        labels = [gettext("Country of origin"), gettext("Cartons")]
    assert all(label in flashed for label in labels), flashed
    after = api.get(f"/shipments/{shipment['id']}", papers.supplier_token).get_json()
    assert after["consignee"] == CONSIGNEE and after["vessel"] == "Ever Ace"  # nothing kept
    saved = client.post(page_path, data={
        "csrf_token": token, "consignee": "TO ORDER OF BANK SINOPAC", "vessel": "Ever Arm",
        "voyage": "0125W", "port_of_loading": "Kaohsiung", "port_of_discharge": "Gothenburg",
        "document_language": "zh-Hant", "remember_language": "1",
        f"origin_country-{bolt}": "TW", f"packages-{bolt}": "3"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:300]
    after = api.get(f"/shipments/{shipment['id']}", papers.supplier_token).get_json()
    assert (after["consignee"], after["vessel"], after["document_language"]) == (
        "TO ORDER OF BANK SINOPAC", "Ever Arm", "zh-Hant")
    assert after["lines"][0]["packages"] == 3
    # The buyer reads the page, cannot change it.
    client.get("/logout")
    portal_login(client, papers.buyer.email)
    assert client.get(page_path).status_code == 200
    assert client.post(page_path, data={"csrf_token": csrf_token(client, page_path),
                                        "vessel": "X"}).status_code in (302, 403)
    assert api.get(f"/shipments/{shipment['id']}", papers.buyer_token).get_json()[
        "vessel"] == "Ever Arm"


def test_a_products_packaging_data_is_kept_and_checked(api, client, papers):
    from tests.factories import csrf_token, portal_login

    body = {"sku": "AB-M12", "name": "Wedge anchor M12", "unit": "pcs", "hs_code": "7318.15",
            "origin_country": "TW", "net_weight_kg": "0.118", "units_per_carton": 100,
            "carton_length_cm": "39", "carton_width_cm": "26", "carton_height_cm": "18",
            "carton_gross_weight_kg": "12.4"}
    made = api.post("/products", papers.supplier_token, json=body)
    assert made.status_code == 201, made.get_json()
    product = api.get(f"/products/{made.get_json()['id']}", papers.supplier_token).get_json()
    assert (product["origin_country"], product["net_weight_kg"], product["units_per_carton"],
            product["carton_gross_weight_kg"]) == ("TW", "0.118", 100, "12.4")
    bad = api.post("/products", papers.supplier_token, json={
        **body, "sku": "AB-M16", "origin_country": "XX", "carton_length_cm": "-1"})
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"origin_country", "carton_length_cm"}
    # The product form offers the same fields, labelled.
    portal_login(client, papers.supplier.email)
    path = f"/my/products/{product['id']}/edit"
    page = client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200, path
    for name in ("origin_country", "net_weight_kg", "units_per_carton", "carton_length_cm",
                 "carton_gross_weight_kg"):
        assert f'for="{name}"' in text and f'id="{name}"' in text
    assert 'value="0.118"' in text and csrf_token(client, path)


def test_an_invoice_made_without_a_shipment_prints_on_the_same_template(api, papers):
    """A commercial invoice derived straight from the purchase order (no shipment): the
    same paper, its customs and packing figures from the products."""
    derived = api.post(f"/documents/{papers.order['purchase_order_id']}/derive",
                       papers.supplier_token, json={"type": "commercial_invoice"})
    assert derived.status_code == 201, derived.get_json()
    document = derived.get_json()
    text = text_of(api.get(f"/documents/{document['id']}/export?format=pdf",
                           papers.supplier_token))
    assert "COMMERCIAL INVOICE" in text and document["number"] in text
    assert "Formosa Fasteners" in text and "Hamngatan 12" in text
    assert "7318.15 Taiwan" in text and "C/No. 1–2 · Cartons 2" in text
    assert "INCOTERM FOB Kaohsiung (Free On Board, Incoterms® 2020)" in text
    assert "SAY US DOLLARS" in text and "商業發票" not in text
    chinese = text_of(api.get(f"/documents/{document['id']}/export?format=pdf&lang=zh_Hant",
                              papers.supplier_token))
    assert "商業發票" in chinese
