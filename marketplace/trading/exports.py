"""Trade documents as files a party keeps or forwards: Word (.docx), PDF and Excel (.xlsx).

Every format is rendered from one ``Sheet``: the document's parties, terms, lines and
totals, plus for each line its product's picture (the first image shown with the
product) and links to the product page and its videos. Only files a party may show the
other are used: those of the two parties' own products, and public ones; a product of a
third company that is not public contributes no picture and no link.

Nothing here writes to the database: an export is a read.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.content.operations.media import read_media
from marketplace.content.queries.media import media_url
from marketplace.core.errors import ValidationFailed
from marketplace.core.spreadsheets import xlsx_row
from marketplace.infrastructure.links import absolute_url
from marketplace.trading import pay_to
from marketplace.trading.doctypes import PAYMENT_TERMS, PRINT_TEMPLATE
from marketplace.trading.queries.lines import ShownProduct, lines_for_print
from marketplace.workflow import doctypes
from marketplace.workflow.models import Document, DocumentLine

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAPERS = ("a4", "letter")
LANGUAGES = ("en", "zh_Hant")


def document_title(doctype: str) -> str:
    """A type's printed heading: its declared name (``DocType.title``) in the language
    of the file."""
    return doctypes.label(doctype)


def payment_terms_label(code: str | None) -> str:
    if not code:
        return ""
    label = PAYMENT_TERMS.get(code)
    return str(label) if label is not None else code


def money(value: Decimal | None) -> str:
    """1234.5 → "1,234.50", 0.082 → "0.082": two places at least, four at most."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = min(max(2, -exponent if isinstance(exponent, int) else 2), 4)
    return f"{value:,.{places}f}"


def quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text


# ----- the sheet: what every format shows -----------------------------------------------------


@dataclass
class Link:
    label: str
    url: str


@dataclass
class SheetLine:
    line: DocumentLine
    picture: bytes | None = None  # the stored thumbnail (or image) from the media store
    links: list[Link] = field(default_factory=list)


@dataclass
class SheetSection:
    """A table a module above trading adds to a printed document, after its totals:
    sourcing's "Changes from <previous revision>" (``register_section``). Cells are
    text, already in the file's language."""

    key: str  # the HTML id on the PDF
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    note: str = ""


@dataclass
class Sheet:
    document: Document
    title: str
    lines: list[SheetLine]
    sections: list[SheetSection] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.line.amount or Decimal(0) for line in self.lines), Decimal(0))

    def terms(self) -> list[tuple[str, str]]:
        """(label, value) pairs of the commercial terms the document states."""
        doc = self.document
        incoterm = " ".join(part for part in (doc.incoterm, doc.incoterm_place) if part)
        rows = [
            (_("Currency"), doc.currency),
            (_("Incoterm"), incoterm),
            (_("Payment terms"), payment_terms_label(doc.payment_terms)),
            (_("Valid until"), _date(doc.valid_until)),
            (_("Delivery date"), _date(doc.delivery_date)),
            (_("Port of loading"), doc.port_of_loading or ""),
            (_("Port of discharge"), doc.port_of_discharge or ""),
        ]
        return [(label, value) for label, value in rows if value]

    def dates(self) -> list[tuple[str, str]]:
        """The document's date: when it was sent, else when it was drafted."""
        when = self.document.sent_at or self.document.created_at
        return [(_("Date"), when.date().isoformat())] if when else []


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


# What modules above trading add to a printed document: provider(document) → a section
# or None. Trading knows none of them (sourcing registers its changes table at import).
SECTION_PROVIDERS: list[Callable[[Document], SheetSection | None]] = []


def register_section(provider: Callable[[Document], SheetSection | None]
                     ) -> Callable[[Document], SheetSection | None]:
    if provider not in SECTION_PROVIDERS:
        SECTION_PROVIDERS.append(provider)
    return provider


def build_sheet(document: Document, *, pictures: bool = True) -> Sheet:
    """``pictures``: find each line's picture file (the Excel file shows none: looking
    200 files up was a good part of its time)."""
    lines, shown = lines_for_print(document)
    sections = [section for provider in SECTION_PROVIDERS
                if (section := provider(document)) is not None]
    return Sheet(document=document, title=document_title(document.type),
                 lines=[_sheet_line(line, shown.get(line.id), pictures) for line in lines],
                 sections=sections)


def _sheet_line(line: DocumentLine, shown: ShownProduct | None,
                pictures: bool = True) -> SheetLine:
    if shown is None:
        return SheetLine(line)
    links = [Link(_("Product page"), absolute_url(
        url_for("content.product_page", product_id=shown.product_id)))]
    links += [Link(_("Video %(n)s", n=n), absolute_url(media_url(video)))
              for n, video in enumerate(shown.videos, start=1)]
    picture = _picture_of(shown.images[0]) if pictures and shown.images else None
    return SheetLine(line, picture=picture, links=links)


def _picture_of(image) -> bytes | None:
    """The thumbnail (a JPEG, small) when there is one, else the image itself."""
    for stored in (image.thumbnail_path, image.storage_path):
        if stored:
            picture = read_media(stored)
            if picture is not None:
                return picture
    return None


# ----- choosing a format ------------------------------------------------------------------------


@dataclass
class ExportedFile:
    content: bytes
    mimetype: str
    filename: str


def check_options(fmt: str | None, paper: str | None, language: str | None) -> None:
    """Refuse (422) an unknown format, paper size or language, naming the known ones."""
    errors = {}
    if fmt not in FORMATS:
        errors["format"] = [_("Choose one of: %(known)s.", known=", ".join(FORMATS))]
    if paper is not None and paper not in PAPERS:
        errors["paper"] = [_("Choose one of: %(known)s.", known=", ".join(PAPERS))]
    if language is not None and language not in LANGUAGES:
        errors["lang"] = [_("Choose one of: %(known)s.", known=", ".join(LANGUAGES))]
    if errors:
        raise ValidationFailed(_("This export is not available."), errors=errors)


# Papers another module prints on the one template of their kind (fulfillment's
# commercial invoice, packing list and shipping advice): type → printer(document, paper,
# language or None) → PDF bytes. The engine's document and the shipment's print alike.
PAPER_PRINTERS: dict[str, Callable[[Document, str, str | None], bytes]] = {}


def register_paper_printer(doctype: str,
                           printer: Callable[[Document, str, str | None], bytes]) -> None:
    PAPER_PRINTERS[doctype] = printer


def export_document(document: Document, fmt: str, *, paper: str | None = None,
                    language: str | None = None) -> ExportedFile:
    """The document as a ``docx``, ``pdf`` or ``xlsx`` file named after its number."""
    check_options(fmt, paper, language)
    printer = PAPER_PRINTERS.get(document.type) if fmt == "pdf" else None
    if printer is not None:  # in its document language unless one is asked for
        return ExportedFile(printer(document, paper or "a4", language), FORMATS[fmt],
                            f"{_safe_filename(document.number)}.{fmt}")
    with _language(language):
        sheet = build_sheet(document, pictures=fmt != "xlsx")
        render = {"docx": render_docx, "pdf": render_pdf, "xlsx": render_xlsx}[fmt]
        content = render(sheet, paper=paper or "a4")
    return ExportedFile(content, FORMATS[fmt], export_filename(document, fmt))


def export_filename(document: Document, fmt: str) -> str:
    return f"{_safe_filename(document.number)}.{fmt}"


@contextmanager
def _language(language: str | None) -> Iterator[None]:
    if language is None:
        yield
        return
    with force_locale(language):
        yield


def _safe_filename(number: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in number) or "document"


# ----- PDF -------------------------------------------------------------------------------------


def print_template(document: Document) -> str:
    """The type's own print template, else the one every trade document prints on."""
    declared = doctypes.get(document.type) if doctypes.is_known(document.type) else None
    return (declared and declared.print_template) or PRINT_TEMPLATE


def render_pdf(sheet: Sheet, *, paper: str) -> bytes:
    from marketplace.core.printing import render_pdf as print_pdf

    resources = {f"line-{item.line.id}": item.picture for item in sheet.lines if item.picture}
    kept, details = pay_to.pay_to_of(sheet.document)
    return print_pdf(print_template(sheet.document), resources=resources, paper=paper,
                     sheet=sheet, doc=sheet.document, money=money, quantity=quantity,
                     pay_to_kept=kept, pay_to=details)


# ----- Word -------------------------------------------------------------------------------------


def render_docx(sheet: Sheet, *, paper: str) -> bytes:
    from docx import Document as WordDocument

    word = WordDocument()
    # The number on every page, as on the printed PDF.
    _page_setup(word, paper).footer.paragraphs[0].text = sheet.document.number
    _docx_letterhead(word, sheet)
    _docx_parties(word, sheet)
    _docx_terms(word, sheet)
    _docx_lines(word, sheet)
    _docx_totals(word, sheet)
    _docx_sections(word, sheet)
    if sheet.document.notes:
        word.add_heading(_("Notes"), level=2)
        for paragraph in sheet.document.notes.splitlines() or [""]:
            word.add_paragraph(paragraph)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _page_setup(word, paper: str):
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    section = word.sections[0]
    section.page_width, section.page_height = (
        (Mm(215.9), Mm(279.4)) if paper == "letter" else (Mm(210), Mm(297)))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = word.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    # Chinese text takes an East Asian font, or Word falls back to one without the glyphs.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Microsoft JhengHei")
    return section


def _docx_letterhead(word, sheet: Sheet) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = sheet.document
    table = word.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    name = left.paragraphs[0].add_run(doc.issuer.name)
    name.bold, name.font.size = True, Pt(14)
    for text in _address_lines(doc.issuer):
        left.add_paragraph(text)
    heading = right.paragraphs[0]
    heading.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = heading.add_run(sheet.title)
    title.bold, title.font.size = True, Pt(16)
    for label, value in [(_("No."), doc.number), *sheet.dates()]:
        paragraph = right.add_paragraph(f"{label}: {value}")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if doc.subject:
        word.add_paragraph().add_run(doc.subject).bold = True


def _address_lines(company) -> list[str]:
    if company is None:
        return []
    city = " ".join(part for part in (company.postal_code, company.city) if part)
    return [text for text in (company.address, city, company.country, company.phone) if text]


def _docx_parties(word, sheet: Sheet) -> None:
    doc = sheet.document
    table = word.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    for cell, label, company in zip(table.rows[0].cells, (_("From"), _("To")),
                                    (doc.issuer, doc.recipient), strict=True):
        cell.paragraphs[0].add_run(label.upper()).bold = True
        cell.add_paragraph(company.name if company is not None else "")
        for text in _address_lines(company):
            cell.add_paragraph(text)


def _docx_terms(word, sheet: Sheet) -> None:
    terms = sheet.terms()
    if not terms:
        return
    word.add_heading(_("Terms"), level=2)
    for (label, value), (name, text) in zip(terms, _docx_table(word, len(terms), 2),
                                            strict=True):
        name.add_run(label).bold = True
        text.add_run(value)


def _docx_table(word, rows: int, cols: int, style: str | None = None):
    """A table of ``rows`` × ``cols`` made at once (python-docx's add_row looks every
    cell's width up again), and the first paragraph of each cell, row by row, found
    without an XPath query per cell: a long table's Word file took 1.7x its bare
    render (issue 17, speed)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    table = word.add_table(rows=rows, cols=cols)
    if style:
        table.style = style
    tag = qn("w:p")
    return [[Paragraph(cell._tc.find(tag), cell) for cell in row.cells] for row in table.rows]


LINE_COLUMNS = (_l("#"), _l("Picture"), _l("Item"), _l("Quantity"), _l("Unit"),
                _l("Unit price"), _l("Amount"))


def _docx_lines(word, sheet: Sheet) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    word.add_heading(_("Lines"), level=2)
    header, *rows = _docx_table(word, 1 + len(sheet.lines), len(LINE_COLUMNS), "Table Grid")
    for paragraph, label in zip(header, LINE_COLUMNS, strict=True):
        paragraph.add_run(str(label)).bold = True
    currency = sheet.document.currency
    width = Cm(2.2)
    for number, (item, cells) in enumerate(zip(sheet.lines, rows, strict=True), start=1):
        line = item.line
        cells[0].add_run(str(number))
        if item.picture is not None:
            cells[1].add_run().add_picture(io.BytesIO(item.picture), width=width)
        cells[2].add_run(line.description)
        item_cell = cells[2]._parent
        if line.sku:
            item_cell.add_paragraph(f"{_('SKU')} {line.sku}")
        if item.links:
            links = item_cell.add_paragraph()
            for index, link in enumerate(item.links):
                if index:
                    links.add_run(" · ")
                _add_hyperlink(links, link.url, link.label)
        cells[3].add_run(quantity(line.quantity))
        cells[4].add_run(line.unit)
        if line.unit_price is not None:
            cells[5].add_run(f"{money(line.unit_price)} {currency}")
        if line.amount is not None:
            cells[6].add_run(f"{money(line.amount)} {currency}")
        for paragraph in (cells[3], cells[5], cells[6]):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_totals(word, sheet: Sheet) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(f"{_('Total')}: {money(sheet.total)} {sheet.document.currency}").bold = True


def _docx_sections(word, sheet: Sheet) -> None:
    for section in sheet.sections:
        word.add_heading(section.title, level=2)
        if section.note:
            word.add_paragraph(section.note)
        if not section.rows:
            continue
        header, *rows = _docx_table(word, 1 + len(section.rows), len(section.columns),
                                    "Table Grid")
        for paragraph, label in zip(header, section.columns, strict=True):
            paragraph.add_run(label).bold = True
        for paragraphs, values in zip(rows, section.rows, strict=True):
            for paragraph, value in zip(paragraphs, values, strict=True):
                paragraph.add_run(value)


def _add_hyperlink(paragraph, url: str, text: str) -> None:
    """python-docx writes no hyperlinks; this is the element Word itself writes."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.extend([color, underline])
    words = OxmlElement("w:t")
    words.text = text
    words.set(qn("xml:space"), "preserve")
    run.extend([properties, words])
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


# ----- Excel ------------------------------------------------------------------------------------


def render_xlsx(sheet: Sheet, *, paper: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    doc = sheet.document
    book = Workbook()
    ws = book.active
    ws.title = _safe_filename(doc.number)[:31]
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER if paper == "letter" else ws.PAPERSIZE_A4
    bold = Font(bold=True)
    ws.append(xlsx_row(ws, [sheet.title, doc.number]))
    ws["A1"].font = Font(bold=True, size=14)
    header = [(_("From"), doc.issuer.name),
              (_("To"), doc.recipient.name if doc.recipient is not None else ""),
              (_("Subject"), doc.subject or ""), *sheet.dates(), *sheet.terms()]
    for label, value in header:
        ws.append(xlsx_row(ws, [label, value]))
        ws.cell(ws.max_row, 1).font = bold
    ws.append([])
    ws.append(xlsx_row(ws, [str(label) for label in (
        _l("#"), _l("SKU"), _l("Description"), _l("Quantity"), _l("Unit"), _l("Unit price"),
        _l("Amount"), _l("Product page"))]))
    for cell in ws[ws.max_row]:
        cell.font = bold
    money_format = f'#,##0.00##" {doc.currency}"'
    # Rows counted here: ws.max_row looks at every cell written so far, each time.
    row = ws.max_row
    for number, item in enumerate(sheet.lines, start=1):
        line = item.line
        ws.append(xlsx_row(ws, [number, line.sku or "", line.description, line.quantity,
                                line.unit, line.unit_price, line.amount,
                                item.links[0].url if item.links else ""]))
        row += 1
        ws.cell(row, 4).number_format = "#,##0.####"
        for column in (6, 7):
            ws.cell(row, column).number_format = money_format
        if item.links:
            ws.cell(row, 8).hyperlink = item.links[0].url
    ws.append([])
    ws.append(xlsx_row(ws, ["", "", "", "", "", _("Total"), sheet.total]))
    ws.cell(ws.max_row, 6).font = bold
    total = ws.cell(ws.max_row, 7)
    total.font, total.number_format = bold, money_format
    if doc.notes:
        ws.append([])
        ws.append(xlsx_row(ws, [_("Notes"), doc.notes]))
    for column, width in zip("ABCDEFGH", (16, 14, 44, 12, 8, 16, 18, 40), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
