"""Test data for the portal and export tests: trade documents between two companies,
with lines that name products carrying pictures and videos.

    trade_document(app, issuer_id, recipient_id, type="quotation", lines=[...], **header)
        -> document id; a sent document (both parties see it), built row by row so the
        export tests need nothing but the shared models.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.workflow.models import Document, DocumentLine, DocumentThread

_numbers = itertools.count(1)


def trade_document(app, issuer_id: int, recipient_id: int, *, type: str = "quotation",  # noqa: A002
                   lines: list[dict] | None = None, status: str = "sent",
                   **header) -> int:
    with app.test_request_context():
        thread = DocumentThread(subject=header.get("subject"))
        document = Document(
            type=type, number=header.pop("number", f"QUO-2026-{next(_numbers):05d}"),
            status=status, issuer_company_id=issuer_id, recipient_company_id=recipient_id,
            thread=thread, sent_at=utcnow() if status != "draft" else None,
            currency=header.pop("currency", "USD"), **header)
        for position, values in enumerate(lines or [], start=1):
            line = DocumentLine(position=position, **{
                "unit": "pcs", **values,
                "quantity": Decimal(str(values["quantity"])),
                "unit_price": None if values.get("unit_price") is None
                else Decimal(str(values["unit_price"]))})
            line.compute_amount()
            document.lines.append(line)
        document.compute_total()
        db.session.add(document)
        db.session.flush()
        commit()
        return document.id
