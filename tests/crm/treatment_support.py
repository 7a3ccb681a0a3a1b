"""Test data for differentiated treatment and the portal pages: a buyer's segment as
the customer figures say it (a figures row, as helper H1's recomputation writes one),
and a supplier's terms per segment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from marketplace.core.boundary import commit
from marketplace.extensions import db


def classify(app, supplier_id: int, buyer_id: int, segment: str, **figures) -> None:
    """The supplier's figures row about the buyer, in ``segment``."""
    from marketplace.crm.models.customers import CustomerFigures

    with app.test_request_context():
        db.session.add(CustomerFigures(
            supplier_company_id=supplier_id, buyer_company_id=buyer_id, as_of=date.today(),
            currency="USD", segment=segment, **figures))
        commit()


def set_terms(app, supplier_id: int, segment: str, **terms) -> None:
    from marketplace.crm.models.treatments import SegmentTreatment

    with app.test_request_context():
        db.session.add(SegmentTreatment(
            supplier_company_id=supplier_id, segment=segment,
            **{"discount_pct": Decimal(0), "currency": "USD", **terms}))
        commit()


def speaks_chinese(app, user_id: int) -> None:
    from marketplace.infrastructure.models import User

    with app.test_request_context():
        db.session.get(User, user_id).language = "zh_Hant"
        commit()


def customers_of(app, supplier_id: int, rows: list[dict]) -> None:
    """Figures rows of the supplier about each buyer (``buyer_id`` and the figures),
    as the recomputation writes them; ``history`` adds monthly segment snapshots."""
    from marketplace.crm.models.customers import CustomerFigures, CustomerSegmentSnapshot

    with app.test_request_context():
        for values in rows:
            values = dict(values)
            buyer_id = values.pop("buyer_id")
            for month, segment in values.pop("history", []):
                db.session.add(CustomerSegmentSnapshot(
                    supplier_company_id=supplier_id, buyer_company_id=buyer_id, month=month,
                    segment=segment, quintile=values.get("quintile", 5), currency="USD"))
            db.session.add(CustomerFigures(supplier_company_id=supplier_id,
                                           buyer_company_id=buyer_id, as_of=date.today(),
                                           currency="USD", **values))
        commit()
