"""The stock reports a buyer sent: what its import page lists beside the upload form."""

from __future__ import annotations

from marketplace.core.scoping import visible
from marketplace.extensions import db
from marketplace.supplier_link.models import StockReport


def recent_stock_reports(limit: int = 20) -> list[StockReport]:
    """The acting company's latest stock reports, newest first (the operator keeps none,
    so sees none here)."""
    return list(db.session.scalars(visible(StockReport, operator_sees_all=False)
                                   .order_by(StockReport.id.desc()).limit(limit)))
