"""The reads behind exports and the portal's download buttons (kept apart from the
engine's ``trading/queries.py``)."""

from __future__ import annotations

from marketplace.core.scoping import get_visible
from marketplace.workflow.models import Document


def document_for_export(document_id: int) -> Document:
    """The document if the acting company is one of its parties; NotFound otherwise.
    The operator is no party to a trade: its companies' terms stay between them."""
    document = get_visible(Document, document_id, operator_sees_all=False)
    return document
