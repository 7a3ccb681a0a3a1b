"""A revised document's own PDF and Word file show what changed from the version it
revises (issue 14.7): a "Changes from <previous number>" table of the lines added and
removed, the quantities, prices and terms changed, computed as the document page's
changes are (``queries``' difference: the lines carried over, else the same product or
text). Trading prints it without knowing sourcing: its export leaves a place
(``trading.exports.register_section``) that this fills; registered on import
(``sourcing/__init__.py``).

Only a revision by the same issuer to the same recipient of a version that was sent
shows it: a draft's content, or a document of another party, never prints here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from marketplace.sourcing import queries
from marketplace.sourcing.exports import CHANGE_LABELS, field_label
from marketplace.trading.exports import (
    SheetSection,
    money,
    payment_terms_label,
    quantity,
    register_section,
)
from marketplace.workflow.models import Document

# The revisions whose own print says what changed (the document page's list).
PRINTED_TYPES = ("quotation", "proforma_invoice", "purchase_order", "change_request",
                 "order_confirmation")
MONEY_FIELDS = ("unit_price", "amount", "total", "freight")


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "quantity":
        return quantity(Decimal(str(value)))
    if name in MONEY_FIELDS:
        return money(Decimal(str(value)))
    if name == "payment_terms":
        return payment_terms_label(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _previous(document: Document) -> Document | None:
    parent = document.parent
    if parent is None or document.type not in PRINTED_TYPES or parent.status == "draft":
        return None
    if (parent.issuer_company_id, parent.recipient_company_id) != (
            document.issuer_company_id, document.recipient_company_id):
        return None  # an answer to another party's document (a quotation to an rfq)
    return parent


def difference_of(document: Document) -> queries.Difference | None:
    """What changed from the version the document revises, or None."""
    against = _previous(document)
    if against is None:
        return None
    return queries.Difference(
        document=document, against=against, header=queries._header_changes(document, against),
        lines=[queries._line_change(line, old) for line, old in queries._pairs(document,
                                                                             against)])


def _line_label(change: queries.LineChange) -> str:
    shown = change.line or change.against_line
    return f"{shown.position + 1}. {shown.description}"


def _rows(diff: queries.Difference) -> list[tuple[str, ...]]:
    changed = str(CHANGE_LABELS["changed"])
    rows = [("—", changed, field_label(name), _shown(name, before), _shown(name, after))
            for name, (before, after) in diff.header.items()]
    for change in diff.lines:
        if change.change == "same":
            continue
        if change.change == "changed":
            rows += [(_line_label(change), changed, field_label(name), _shown(name, before),
                      _shown(name, after)) for name, (before, after) in change.fields.items()]
            continue

        def amount(line) -> str:
            if line is None:
                return "—"
            return f"{_shown('quantity', line.quantity)} {line.unit} × " \
                   f"{_shown('unit_price', line.unit_price)}"

        rows.append((_line_label(change), str(CHANGE_LABELS[change.change]),
                     f"{field_label('quantity')} × {field_label('unit_price')}",
                     amount(change.against_line), amount(change.line)))
    return rows


@register_section
def changes_section(document: Document) -> SheetSection | None:
    diff = difference_of(document)
    if diff is None:
        return None
    title = _("Changes from %(number)s", number=diff.against.number)
    if not diff.changed:
        return SheetSection("changes", title, (), [], note=_(
            "Nothing changed: the lines and terms are as in %(number)s.",
            number=diff.against.number))
    counts = _("Lines: %(added)s added, %(removed)s removed, %(changed)s changed.",
               added=diff.count("added"), removed=diff.count("removed"),
               changed=diff.count("changed"))
    return SheetSection("changes", title, (_("Line"), _("Change"), _("Field"), _("Before"),
                                           _("After")), _rows(diff), note=counts)
