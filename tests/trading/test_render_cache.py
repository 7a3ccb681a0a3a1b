"""Issue 17 (speed): each revision of a trade document is rendered once per format,
paper and language and kept; a change to the document (a new version) renders anew."""

from __future__ import annotations

from marketplace.core import storage
from marketplace.trading import exports
from tests.trading.support import Trade


def test_a_revision_is_rendered_once_and_a_new_version_again(storage_backend, app, make, api,
                                                            monkeypatch):
    trade = Trade.start(make, api)
    draft = trade.create("supplier", "quotation", lines=[
        {"description": "Hex bolt M8", "quantity": "100", "unit": "pcs", "unit_price": "0.1"}])
    renders = []
    for name in ("render_pdf", "render_docx"):
        original = getattr(exports, name)
        monkeypatch.setattr(exports, name, lambda sheet, *, paper, _o=original, _n=name: (
            renders.append((_n, sheet.document.version, paper)) or _o(sheet, paper=paper)))

    def download(fmt, **query):
        response = api.get(f"/documents/{draft['id']}/export", trade.supplier_token,
                           query_string={"format": fmt, **query})
        assert response.status_code == 200
        return response.data

    first = download("pdf")
    assert download("pdf") == first and first.startswith(b"%PDF")
    download("pdf", paper="letter")
    download("docx")
    download("docx")
    assert renders == [("render_pdf", 1, "a4"), ("render_pdf", 1, "letter"),
                       ("render_docx", 1, "a4")]
    kept = storage.store_of(app, "trade-documents")
    assert len(kept.keys(f"{draft['id']}/")) == 3  # pdf on two papers, docx
    trade.patch("supplier", draft, notes="Lead time 30 days.")
    download("pdf")
    assert renders[-1] == ("render_pdf", 2, "a4")
    [newest] = kept.keys(f"{draft['id']}/")  # the older revision's files are gone
    assert newest.startswith(f"{draft['id']}/v2-") and newest.endswith(".pdf")
