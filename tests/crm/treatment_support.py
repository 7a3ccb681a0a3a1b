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


def stand_in_for_customer_figures(monkeypatch) -> None:
    """TEMPORARY until helper H1 commits ``marketplace.crm.queries.customers``: its
    public functions, read straight from the figures and snapshot rows."""
    import sys
    import types

    try:
        from marketplace.crm.queries import customers  # noqa: F401
        return
    except ImportError:
        pass
    from sqlalchemy import func, select

    from marketplace.crm.models.customers import CustomerFigures, CustomerSegmentSnapshot

    def scoped(supplier_id):
        return select(CustomerFigures).where(CustomerFigures.supplier_company_id == supplier_id)

    def customer_figures(supplier_id, buyer_id):
        return db.session.scalar(scoped(supplier_id).where(
            CustomerFigures.buyer_company_id == buyer_id))

    def customer_rows(supplier_id, period, *, segment=None, quintile=None, at_risk=None,
                      sort="lifetime_value", page=1, per_page=20):
        stmt = scoped(supplier_id)
        if segment:
            stmt = stmt.where(CustomerFigures.segment == segment)
        if quintile:
            stmt = stmt.where(CustomerFigures.quintile == quintile)
        if at_risk is not None:
            stmt = stmt.where(CustomerFigures.at_risk.is_(at_risk))
        rows = list(db.session.scalars(stmt.order_by(CustomerFigures.lifetime_value.desc())))
        return rows[(page - 1) * per_page:page * per_page], len(rows)

    def quintile_rows(supplier_id, period):
        rows = list(db.session.scalars(scoped(supplier_id)))
        revenue = sum((r.revenue_12m for r in rows), Decimal(0)) or Decimal(1)
        margin = sum((r.margin_12m or 0 for r in rows), Decimal(0)) or Decimal(1)
        out = []
        for q in range(1, 6):
            mine = [r for r in rows if r.quintile == q]
            values = [r.lifetime_value for r in mine]
            out.append({"quintile": q, "customers": len(mine),
                        "revenue": sum((r.revenue_12m for r in mine), Decimal(0)),
                        "revenue_share": sum((r.revenue_12m for r in mine), Decimal(0)) / revenue,
                        "margin_share": sum((r.margin_12m or 0 for r in mine), Decimal(0)) / margin,
                        "min_value": min(values, default=None),
                        "max_value": max(values, default=None)})
        return out

    def segment_summary(supplier_id, period):
        current = [{"segment": s, "customers": n, "revenue": v} for s, n, v in db.session.execute(
            select(CustomerFigures.segment, func.count(), func.sum(CustomerFigures.revenue_12m))
            .where(CustomerFigures.supplier_company_id == supplier_id)
            .group_by(CustomerFigures.segment))]
        history = [{"month": m, "segment": s, "customers": n} for m, s, n in db.session.execute(
            select(CustomerSegmentSnapshot.month, CustomerSegmentSnapshot.segment, func.count())
            .where(CustomerSegmentSnapshot.supplier_company_id == supplier_id)
            .group_by(CustomerSegmentSnapshot.month, CustomerSegmentSnapshot.segment))]
        return current, history

    def at_risk_rows(supplier_id, period, page=1, per_page=20):
        rows = [{"buyer_id": r.buyer_company_id, "buyer_name": r.buyer_name,
                 "days_since_last_order": r.recency_days,
                 "usual_interval_days": r.usual_interval_days,
                 "value_at_risk": r.value_at_risk}
                for r in db.session.scalars(scoped(supplier_id).where(
                    CustomerFigures.at_risk.is_(True)))]
        return rows[(page - 1) * per_page:page * per_page], len(rows)

    stand_in = types.ModuleType("marketplace.crm.queries.customers")
    for function in (customer_figures, customer_rows, quintile_rows, segment_summary,
                     at_risk_rows):
        setattr(stand_in, function.__name__, function)
    monkeypatch.setitem(sys.modules, "marketplace.crm.queries.customers", stand_in)
    import marketplace.crm.queries as queries
    monkeypatch.setattr(queries, "customers", stand_in, raising=False)


def with_pending_chinese(app, tmp_path, monkeypatch) -> None:
    """Until the lead merges translations-pending/crm-portal.po into the catalog, load
    it beside the catalog (after the merge this adds nothing)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from flask_babel import get_babel

    pending = Path(__file__).resolve().parents[2] / "translations-pending" / "crm-portal.po"
    if not pending.exists():
        return
    with pending.open("rb") as source:
        catalog = read_po(source, locale="zh_Hant")
    target = tmp_path / "pending" / "zh_Hant" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as out:
        write_mo(out, catalog)
    with app.app_context():
        babel = get_babel()
        monkeypatch.setattr(babel, "translation_directories",
                            [*babel.translation_directories, str(tmp_path / "pending")])
        domain = babel.instance.domain_instance
        monkeypatch.setattr(domain, "cache", {})


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
