"""Recomputing a supplier's customer figures from the trade records.

The facts are read by ``crm/queries/customer_facts.py`` (aggregate SQL grouped by buyer,
one query per family of figures); here they become figures (lifetime value, fifths,
segments, the at-risk rule) and are written. The methods and their parameters are
described in ``docs/ANALYTICS.md``; the parameters live in ``config/crm.py``.

Entry points:
- ``recompute_supplier(supplier_id, as_of=None)``: every customer's row, fifths,
  segments, and this month's segment snapshot.
- ``recompute_customer(supplier_id, buyer_id)``: one customer's row after an order,
  invoice or payment changed; its fifth is placed among the others' stored values.
- ``backfill_segment_history(supplier_id, months=18)``: segment snapshots of past
  month ends, each computed as of that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from statistics import median

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, insert, or_, select

from marketplace.core.errors import ValidationFailed
from marketplace.core.types import utcnow
from marketplace.crm.models.customers import (
    BZ,
    MGC,
    MVC,
    OTHER,
    OVERDUE_ORDER,
    UNANSWERED_QUOTATIONS,
    AnalyticsSettings,
    CustomerFigures,
    CustomerSegmentSnapshot,
)
from marketplace.crm.queries.customer_facts import (
    CENT,
    RATIO,
    ZERO,
    Converter,
    Raw,
    Reader,
    Windows,
    decimal_setting,
    observed_retention,
    setting,
)

# The periodic run's list of suppliers, for the callers that recompute everyone.
from marketplace.crm.queries.customer_facts import suppliers_with_orders as suppliers_with_orders
from marketplace.extensions import db

# ----- from facts to figures -------------------------------------------------------------


def lifetime_value(yearly_margin: Decimal, retention: Decimal) -> Decimal:
    """Yearly margin × r / (1 + d − r): the margin of each coming year, kept with
    probability r per year and discounted at d (docs/ANALYTICS.md)."""
    discount = decimal_setting("CRM_DISCOUNT_RATE")
    return (yearly_margin * retention / (1 + discount - retention)).quantize(CENT)


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATIO) if whole else None


def _cost_to_serve(raw: Raw, money: Converter) -> Decimal:
    weights = {name: money.from_platform(Decimal(str(value)))
               for name, value in setting("CRM_COST_TO_SERVE_WEIGHTS").items()}
    counts = {"small_order": raw.small_orders_12m, "claim": raw.claims_12m,
              "return": raw.returns_12m, "discrepancy": raw.discrepancies_12m,
              "late_payment": raw.late_payments_12m,
              "lost_quotation": raw.quotations_lost_12m}
    return sum((weights.get(name, ZERO) * count for name, count in counts.items()), ZERO)


def figures_of(raw: Raw, as_of: date, money: Converter, retention: Decimal) -> dict:
    """One buyer's figures (before fifths and segments), as CustomerFigures columns."""
    margin_12m = (raw.covered_12m - raw.cost_12m) if raw.covered_12m or raw.cost_12m else None
    margin_life = (raw.covered_lifetime - raw.cost_lifetime) \
        if raw.covered_lifetime or raw.cost_lifetime else None
    uncovered = raw.revenue_12m - raw.covered_12m
    margin_basis = (margin_12m or ZERO) + uncovered * decimal_setting("CRM_DEFAULT_MARGIN_RATE")
    days = sorted(raw.order_days)
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    enough = raw.orders_lifetime >= int(setting("CRM_AT_RISK_MIN_ORDERS"))
    usual = Decimal(str(median(gaps))) if enough and gaps else None
    last_day = raw.last_order_at.date() if raw.last_order_at else None
    first_day = raw.first_order_at.date() if raw.first_order_at else None
    recency = (as_of - last_day).days if last_day else None
    growth = ((raw.revenue_12m - raw.revenue_prev) / raw.revenue_prev * 100).quantize(CENT) \
        if raw.revenue_prev else None
    cost_to_serve = _cost_to_serve(raw, money)
    share = _ratio(raw.own_in_categories, raw.all_in_categories)
    return {
        "buyer_company_id": raw.buyer_id, "as_of": as_of, "currency": money.currency,
        "first_order_on": first_day, "last_order_on": last_day, "recency_days": recency,
        "orders_12m": raw.orders_12m, "orders_lifetime": raw.orders_lifetime,
        "revenue_12m": raw.revenue_12m.quantize(CENT),
        "revenue_prev_12m": raw.revenue_prev.quantize(CENT),
        "revenue_lifetime": raw.revenue_lifetime.quantize(CENT),
        "average_order_value": (raw.revenue_12m / raw.orders_12m).quantize(CENT)
        if raw.orders_12m else None,
        "growth_pct": growth,
        "margin_12m": margin_12m.quantize(CENT) if margin_12m is not None else None,
        "margin_lifetime": margin_life.quantize(CENT) if margin_life is not None else None,
        "margin_coverage": _ratio(raw.covered_12m, raw.revenue_12m),
        "invoices_paid": len(raw.payment_days),
        "payment_days_median": Decimal(str(median(raw.payment_days))).quantize(Decimal("0.1"))
        if raw.payment_days else None,
        "late_payment_share": _ratio(raw.invoices_late, raw.invoices_due),
        "claims_12m": raw.claims_12m, "returns_12m": raw.returns_12m,
        "discrepancies_12m": raw.discrepancies_12m,
        "small_orders_12m": raw.small_orders_12m,
        "late_payments_12m": raw.late_payments_12m,
        "claims_rate": _ratio(raw.claims_12m, raw.orders_12m),
        "returns_rate": _ratio(raw.returns_12m, raw.orders_12m),
        "quotations_12m": raw.quotations_12m,
        "quotations_won_12m": raw.quotations_won_12m,
        "quotations_lost_12m": raw.quotations_lost_12m,
        "quotation_win_rate": _ratio(raw.quotations_won_12m,
                                     raw.quotations_won_12m + raw.quotations_lost_12m),
        "share_of_wallet": share,
        "suppliers_in_categories": raw.suppliers_in_categories,
        "margin_basis_12m": margin_basis.quantize(CENT),
        "cost_to_serve_12m": cost_to_serve.quantize(CENT),
        "lifetime_value": lifetime_value(margin_basis, retention),
        "usual_interval_days": usual.quantize(Decimal("0.1")) if usual is not None else None,
        **_risk(raw, recency, usual, first_day, as_of),
    }


def _risk(raw: Raw, recency: int | None, usual: Decimal | None, first_day: date | None,
          as_of: date) -> dict:
    """At risk, and why; switchers and poor payers are left off the list."""
    overdue = usual is not None and recency is not None \
        and recency > decimal_setting("CRM_AT_RISK_FACTOR") * usual
    needed = int(setting("CRM_AT_RISK_UNANSWERED_QUOTATIONS"))
    latest = raw.latest_quotations_unanswered[-needed:] if needed else []
    silent = needed > 0 and len(latest) == needed and all(latest)
    switches = raw.suppliers_in_categories >= int(setting("CRM_SWITCHER_MIN_SUPPLIERS"))
    late_share = decimal_setting("CRM_POOR_PAYER_LATE_SHARE")
    poor = raw.invoices_due >= int(setting("CRM_POOR_PAYER_MIN_INVOICES")) and \
        Decimal(raw.invoices_late) / raw.invoices_due >= late_share
    at_risk = (overdue or silent) and not switches and not poor
    value = None
    if at_risk and first_day is not None:
        # What the customer bought a year on average since its first order.
        days = max(365, (as_of - first_day).days)
        value = (raw.revenue_lifetime * 365 / days).quantize(CENT)
    return {"at_risk": at_risk,
            "at_risk_reason": (OVERDUE_ORDER if overdue else UNANSWERED_QUOTATIONS)
            if at_risk else None,
            "value_at_risk": value, "switches_often": switches, "pays_poorly": poor}


def quintile_of(rank: int, count: int) -> int:
    """Fifth of the customer ranked ``rank`` (1 = highest value) among ``count``."""
    return (rank - 1) * 5 // count + 1


def _value_key(row: dict) -> tuple:
    return (-row["lifetime_value"], -row["revenue_lifetime"], row["buyer_company_id"])


def segment_of(row: dict) -> str:
    """MVC, then BZ, then MGC, else other (docs/ANALYTICS.md)."""
    if row["quintile"] == 1 and row["lifetime_value"] > 0:
        return MVC
    if row["cost_to_serve_12m"] > 0 and row["cost_to_serve_12m"] > row["margin_basis_12m"]:
        return BZ
    if row["orders_12m"] > 0:
        growth, share = row["growth_pct"], row["share_of_wallet"]
        if growth is not None and growth >= decimal_setting("CRM_MGC_GROWTH_PCT"):
            return MGC
        if share is not None and share < decimal_setting("CRM_MGC_WALLET_SHARE"):
            return MGC
    return OTHER


def rank_and_segment(rows: list[dict]) -> list[dict]:
    rows.sort(key=_value_key)
    for rank, row in enumerate(rows, start=1):
        row["quintile"] = quintile_of(rank, len(rows))
        row["segment"] = segment_of(row)
    return rows


def compute_supplier(supplier_id: int, as_of: date, buyer_id: int | None = None, *,
                     segments_only: bool = False) -> list[dict]:
    """Every customer's figures as of ``as_of`` (or one buyer's, unranked)."""
    windows, money = Windows(as_of), Converter.for_supplier(supplier_id)
    raw = Reader(supplier_id, windows, money, buyer_id).read(segments_only=segments_only)
    retention = observed_retention(supplier_id, windows)
    return [figures_of(facts, as_of, money, retention) for facts in raw.values()]


# ----- writing -----------------------------------------------------------------------------


def _month(day: date) -> date:
    return day.replace(day=1)


def _write_snapshots(supplier_id: int, month: date, rows: Iterable[dict]) -> None:
    db.session.execute(delete(CustomerSegmentSnapshot).where(
        CustomerSegmentSnapshot.supplier_company_id == supplier_id,
        CustomerSegmentSnapshot.month == month))
    values = [{"supplier_company_id": supplier_id, "buyer_company_id": row["buyer_company_id"],
               "month": month, "segment": row["segment"], "quintile": row["quintile"],
               "lifetime_value": row["lifetime_value"], "revenue_12m": row["revenue_12m"],
               "currency": row["currency"]} for row in rows]
    if values:
        db.session.execute(insert(CustomerSegmentSnapshot), values)


def recompute_supplier(supplier_id: int, as_of: date | None = None) -> int:
    """Recompute every customer row of a supplier (and this month's segment snapshot)
    from the trade records; flushes, the caller commits. Returns the customer count."""
    as_of = as_of or utcnow().date()
    rows = rank_and_segment(compute_supplier(supplier_id, as_of))
    db.session.execute(delete(CustomerFigures).where(
        CustomerFigures.supplier_company_id == supplier_id))
    now = utcnow()
    if rows:
        db.session.execute(insert(CustomerFigures), [
            {**row, "supplier_company_id": supplier_id, "computed_at": now} for row in rows])
    _write_snapshots(supplier_id, _month(as_of), rows)
    db.session.flush()
    return len(rows)


def recompute_customer(supplier_id: int, buyer_id: int) -> CustomerFigures | None:
    """Recompute one customer's row after its trade changed. Its fifth is placed among
    the other customers' stored lifetime values (theirs stay until the periodic run,
    which ranks everyone again); its segment follows from it."""
    as_of = utcnow().date()
    computed = compute_supplier(supplier_id, as_of, buyer_id)
    existing = db.session.scalar(select(CustomerFigures).where(
        CustomerFigures.supplier_company_id == supplier_id,
        CustomerFigures.buyer_company_id == buyer_id))
    if not computed:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
        return None
    row = computed[0]
    others = (CustomerFigures.supplier_company_id == supplier_id,
              CustomerFigures.buyer_company_id != buyer_id)
    count = db.session.scalar(select(func.count()).where(*others))
    higher = db.session.scalar(select(func.count()).where(
        *others, or_(CustomerFigures.lifetime_value > row["lifetime_value"],
                     and_(CustomerFigures.lifetime_value == row["lifetime_value"],
                          CustomerFigures.revenue_lifetime > row["revenue_lifetime"]))))
    row["quintile"] = quintile_of(higher + 1, count + 1)
    row["segment"] = segment_of(row)
    if existing is None:
        existing = CustomerFigures(supplier_company_id=supplier_id)
        db.session.add(existing)
    for name, value in row.items():
        setattr(existing, name, value)
    existing.computed_at = utcnow()
    _write_snapshots_for_one(supplier_id, _month(as_of), row)
    db.session.flush()
    return existing


def _write_snapshots_for_one(supplier_id: int, month: date, row: dict) -> None:
    db.session.execute(delete(CustomerSegmentSnapshot).where(
        CustomerSegmentSnapshot.supplier_company_id == supplier_id,
        CustomerSegmentSnapshot.buyer_company_id == row["buyer_company_id"],
        CustomerSegmentSnapshot.month == month))
    db.session.execute(insert(CustomerSegmentSnapshot), [{
        "supplier_company_id": supplier_id, "buyer_company_id": row["buyer_company_id"],
        "month": month, "segment": row["segment"], "quintile": row["quintile"],
        "lifetime_value": row["lifetime_value"], "revenue_12m": row["revenue_12m"],
        "currency": row["currency"]}])


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the ``months`` months before today's, oldest first."""
    ends, first = [], today.replace(day=1)
    for _ in range(months):
        end = first - timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return list(reversed(ends))


def backfill_segment_history(supplier_id: int, months: int = 18,
                             today: date | None = None) -> int:
    """Write the segment snapshot of each past month's end (computed as of that day),
    for the ``months`` months before the current one. Returns the rows written."""
    written = 0
    for end in month_ends(today or utcnow().date(), months):
        rows = rank_and_segment(compute_supplier(supplier_id, end, segments_only=True))
        _write_snapshots(supplier_id, _month(end), rows)
        written += len(rows)
    db.session.flush()
    return written


def set_reporting_currency(supplier_id: int, currency: str) -> AnalyticsSettings:
    """A supplier's reporting currency: one with an exchange rate in the settings. The
    figures follow at the recomputation the caller queues."""
    if currency not in setting("CRM_EXCHANGE_RATES"):
        known = ", ".join(sorted(setting("CRM_EXCHANGE_RATES")))
        raise ValidationFailed(errors={"reporting_currency": [str(_l(
            "Choose a currency the platform has a rate for: %(known)s.", known=known))]})
    chosen = db.session.scalar(select(AnalyticsSettings).where(
        AnalyticsSettings.company_id == supplier_id))
    if chosen is None:
        chosen = AnalyticsSettings(company_id=supplier_id, reporting_currency=currency)
        db.session.add(chosen)
    chosen.reporting_currency = currency
    db.session.flush()
    return chosen
