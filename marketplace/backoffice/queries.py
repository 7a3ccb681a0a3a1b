"""The back office's reads: the dashboard's figures, the audit trail with its filters,
the moderation queue.

At the top of the layering, the back office reads the other modules' tables here only
(read-only joins in the queries room, tests/test_architecture.py); its views, API and
exports call these functions. Every day, week and month is a UTC one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select

from marketplace.backoffice.models import ContentReport, ReportKind, ReportStatus
from marketplace.content.models import Bulletin, Product, ProductStatus
from marketplace.core.audit import AuditEvent
from marketplace.core.errors import NotFound, ValidationFailed
from marketplace.core.scoping import acting_as_operator, acting_company_id
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import Order, OrderStatus
from marketplace.infrastructure.models import Company, CompanyStatus, Membership, User
from marketplace.workflow.models import Document

ACTIVE_MEMBER_DAYS = 30
LONGEST_PERIOD_DAYS = 3 * 366
EXPORT_ROW_LIMIT = 50_000
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)  # the days a period may name


# ----- periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included (UTC)."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, UTC)

    @property
    def until(self) -> datetime:  # exclusive
        return datetime.combine(self.end + timedelta(days=1), time.min, UTC)

    def days(self) -> list[str]:
        count = (self.end - self.start).days + 1
        return [(self.start + timedelta(days=i)).isoformat() for i in range(count)]

    def weeks(self) -> list[str]:
        monday = self.start - timedelta(days=self.start.weekday())
        found = []
        while monday <= self.end:
            found.append(monday.isoformat())
            monday += timedelta(days=7)
        return found

    def months(self) -> list[str]:
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def default_period(today: date | None = None) -> Period:
    """This month and the five before it, to today."""
    today = today or utcnow().date()
    year, month = today.year, today.month - 5
    while month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), today)


def period_of(start: date | None, end: date | None, today: date | None = None) -> Period:
    """The period asked for (either end may be left out); refused when it runs
    backwards or is longer than three years."""
    fallback = default_period(today)
    for name, day in (("from", start), ("to", end)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationFailed(errors={name: [str(_l(
                "Choose a day between %(earliest)s and %(latest)s.",
                earliest=EARLIEST.isoformat(), latest=LATEST.isoformat()))]})
    start, end = start or fallback.start, end or fallback.end
    if start > end:
        raise ValidationFailed(errors={"from": [str(_l("The start is after the end."))]})
    if (end - start).days > LONGEST_PERIOD_DAYS:
        raise ValidationFailed(errors={"from": [str(_l(
            "Choose at most three years at a time."))]})
    return Period(start, end)


# ----- days, weeks and months in SQL, the same on both databases ---------------------------


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _bucket(column, kind: str) -> ColumnElement:
    """The UTC day (YYYY-MM-DD), week (its Monday, YYYY-MM-DD) or month (YYYY-MM) of a
    timestamp column, as text."""
    if _postgres():
        utc = func.timezone("UTC", column)
        if kind == "week":
            return func.to_char(func.date_trunc("week", utc), "YYYY-MM-DD")
        return func.to_char(utc, "YYYY-MM" if kind == "month" else "YYYY-MM-DD")
    if kind == "week":  # SQLite: the next Sunday (or the day itself), six days back
        return func.date(column, "weekday 0", "-6 days")
    return func.strftime("%Y-%m" if kind == "month" else "%Y-%m-%d", column)


def _series(keys: list[str], counts: dict[str, Any], zero: Any = 0) -> list[tuple[str, Any]]:
    return [(key, counts.get(key, zero)) for key in keys]


def _counts(stmt: Select) -> dict[str, int]:
    return {key: count for key, count in db.session.execute(stmt).all()}


# ----- the dashboard ---------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    companies_by_status: dict[str, int]
    companies_by_country: list[tuple[str, int]]
    registrations_per_week: list[tuple[str, int]]
    registrations_per_month: list[tuple[str, int]]
    members: int
    active_members: int
    documents_per_day: list[tuple[str, int]]
    orders_per_day: list[tuple[str, int]]
    # {currency: [(month, value)]}: no conversion, one series per currency
    trade_value_per_month: dict[str, list[tuple[str, Decimal]]]
    plans: PlanFigures | None = None

    @property
    def companies(self) -> int:
        return sum(self.companies_by_status.values())

    @property
    def registrations(self) -> int:
        return sum(count for _, count in self.registrations_per_month)

    @property
    def documents(self) -> int:
        return sum(count for _, count in self.documents_per_day)

    @property
    def orders(self) -> int:
        return sum(count for _, count in self.orders_per_day)

    def trade_value_totals(self) -> dict[str, Decimal]:
        return {currency: sum((value for _, value in points), Decimal(0))
                for currency, points in self.trade_value_per_month.items()}


@dataclass
class PlanFigures:
    """From billing: companies per plan now, and per month and plan the companies
    invoiced and the revenue (per currency)."""

    companies_per_plan: dict[str, int]
    months: list[dict[str, Any]] = field(default_factory=list)

    def revenue_per_currency(self) -> dict[str, list[tuple[str, Decimal]]]:
        found: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in self.months:
            found[row["currency"]][row["month"]] += row["revenue"]
        return {currency: sorted(by_month.items()) for currency, by_month in found.items()}


def companies_by_status() -> dict[str, int]:
    counts = {status.value: 0 for status in CompanyStatus}
    for status, count in db.session.execute(
            select(Company.status, func.count()).group_by(Company.status)):
        counts[CompanyStatus(status).value] = count
    return counts


def companies_by_country() -> list[tuple[str, int]]:
    """Countries by their number of companies, most first (every status)."""
    rows = db.session.execute(select(Company.country, func.count()).group_by(Company.country))
    return sorted(((country, count) for country, count in rows), key=lambda r: (-r[1], r[0]))


def registrations(period: Period, kind: str) -> list[tuple[str, int]]:
    """New companies per week (its Monday) or month, registered within the period."""
    bucket = _bucket(Company.created_at, kind)
    counts = _counts(select(bucket, func.count()).where(
        Company.created_at >= period.since, Company.created_at < period.until).group_by(bucket))
    return _series(period.weeks() if kind == "week" else period.months(), counts)


def member_counts(now: datetime | None = None) -> tuple[int, int]:
    """Members of companies, and those of them who logged in (portal or token) in the
    last 30 days (``users.last_login_at``)."""
    since = (now or utcnow()) - timedelta(days=ACTIVE_MEMBER_DAYS)
    members = select(func.count()).select_from(Membership)
    active = members.join(User, User.id == Membership.user_id).where(
        User.last_login_at >= since)
    return db.session.scalar(members) or 0, db.session.scalar(active) or 0


def documents_per_day(period: Period) -> list[tuple[str, int]]:
    """Trade documents made per day, drafts never sent left out."""
    bucket = _bucket(Document.created_at, "day")
    return _series(period.days(), _counts(select(bucket, func.count()).where(
        Document.created_at >= period.since, Document.created_at < period.until,
        Document.status != "draft").group_by(bucket)))


def _opened_orders(period: Period) -> Select:
    """Orders opened by an accepted purchase order (merges and splits only regroup
    them), not cancelled, within the period."""
    return select(Order).where(
        Order.purchase_order_id.is_not(None), Order.status != OrderStatus.CANCELLED,
        Order.created_at >= period.since, Order.created_at < period.until)


def orders_per_day(period: Period) -> list[tuple[str, int]]:
    opened = _opened_orders(period).subquery()
    bucket = _bucket(opened.c.created_at, "day")
    return _series(period.days(), _counts(select(bucket, func.count()).group_by(bucket)))


def trade_value_per_month(period: Period) -> dict[str, list[tuple[str, Decimal]]]:
    """GMV: the total of each accepted purchase order whose order is not cancelled, by
    the month the order opened, per currency (never converted: no rate is assumed)."""
    opened = _opened_orders(period).subquery()
    month = _bucket(opened.c.created_at, "month")
    rows = db.session.execute(
        select(month, Document.currency, func.sum(Document.total_amount))
        .select_from(opened).join(Document, Document.id == opened.c.purchase_order_id)
        .group_by(month, Document.currency)).all()
    found: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for key, currency, total in rows:
        found[currency][key] = Decimal(total or 0)
    return {currency: _series(period.months(), values, Decimal(0))
            for currency, values in sorted(found.items())}


def plan_figures(period: Period) -> PlanFigures | None:
    """Plans and revenue from billing; None while billing has no plans to tell."""
    try:
        from marketplace.billing import queries as billing
        per_plan = billing.companies_per_plan
        per_month = billing.subscriptions_and_revenue_per_month
    except (ImportError, AttributeError):
        return None
    if not billing.plans(offered_only=False):
        return None
    today = utcnow().date()
    months = (today.year - period.start.year) * 12 + today.month - period.start.month + 1
    wanted = set(period.months())
    rows = [{"month": row.month, "plan": row.plan_code, "plan_name": row.plan_name,
             "currency": row.currency, "subscriptions": row.subscriptions,
             "revenue": row.revenue}
            for row in per_month(months=max(months, 1)) if row.month in wanted]
    return PlanFigures(companies_per_plan=dict(per_plan()), months=rows)


def dashboard(period: Period) -> Dashboard:
    members, active = member_counts()
    return Dashboard(
        period=period, companies_by_status=companies_by_status(),
        companies_by_country=companies_by_country(),
        registrations_per_week=registrations(period, "week"),
        registrations_per_month=registrations(period, "month"),
        members=members, active_members=active,
        documents_per_day=documents_per_day(period), orders_per_day=orders_per_day(period),
        trade_value_per_month=trade_value_per_month(period), plans=plan_figures(period))


# ----- the audit trail -------------------------------------------------------------------------


@dataclass
class AuditFilters:
    company: str | None = None  # a company's id, or words of its name
    member: str | None = None  # a member's id, or words of its e-mail or name
    action: str | None = None  # an action, or its start ("product.")
    object_type: str | None = None
    object_id: int | None = None
    start: date | None = None
    end: date | None = None

    def as_args(self) -> dict[str, Any]:
        return {key: value for key, value in (
            ("company", self.company), ("member", self.member), ("action", self.action),
            ("object_type", self.object_type), ("object_id", self.object_id),
            ("start", self.start.isoformat() if self.start else None),
            ("end", self.end.isoformat() if self.end else None)) if value not in (None, "")}


def _number(text: str) -> int | None:
    """A record's number as typed (ASCII digits, within an id's range), else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _words(text: str) -> str:
    return "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def audit_trail(filters: AuditFilters) -> Select:
    """Audit events, newest first: every company's for the operator, the acting
    company's own for its admins (as ``GET /audit-events``)."""
    stmt = (select(AuditEvent)
            .outerjoin(Company, Company.id == AuditEvent.company_id)
            .outerjoin(User, User.id == AuditEvent.actor_user_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if not acting_as_operator():
        stmt = stmt.where(AuditEvent.company_id == acting_company_id())
    if filters.company:
        text = filters.company.strip()
        number = _number(text)
        stmt = stmt.where(AuditEvent.company_id == number if number is not None
                          else Company.name.ilike(_words(text), escape="\\"))
    if filters.member:
        text = filters.member.strip()
        number = _number(text)
        stmt = stmt.where(AuditEvent.actor_user_id == number if number is not None else or_(
            User.email.ilike(_words(text), escape="\\"),
            User.full_name.ilike(_words(text), escape="\\")))
    if filters.action:
        action = filters.action.strip()
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True)
                          if action.endswith(".") else AuditEvent.action == action)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type.strip())
    if filters.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    if filters.start:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(filters.start, time.min, UTC))
    if filters.end and filters.end < date.max:
        stmt = stmt.where(AuditEvent.at < datetime.combine(filters.end + timedelta(days=1),
                                                           time.min, UTC))
    return stmt


@dataclass
class AuditNames:
    companies: dict[int, str]
    members: dict[int, tuple[str, str]]  # id: (name, e-mail)


def audit_names(events: list[AuditEvent]) -> AuditNames:
    """The companies' and members' names of a page of events, in two queries."""
    company_ids = {e.company_id for e in events if e.company_id}
    user_ids = {e.actor_user_id for e in events if e.actor_user_id}
    companies = dict(db.session.execute(select(Company.id, Company.name).where(
        Company.id.in_(company_ids))).all()) if company_ids else {}
    members = {row.id: (row.full_name, row.email) for row in db.session.execute(
        select(User.id, User.full_name, User.email).where(User.id.in_(user_ids)))
    } if user_ids else {}
    return AuditNames(companies, members)


def audit_choices() -> tuple[list[str], list[str]]:
    """The actions and object types the trail holds (for the filters' lists)."""
    scope = [] if acting_as_operator() else [AuditEvent.company_id == acting_company_id()]
    actions = db.session.scalars(select(AuditEvent.action).where(*scope).distinct()
                                 .order_by(AuditEvent.action)).all()
    types = db.session.scalars(select(AuditEvent.object_type).where(*scope).distinct()
                               .order_by(AuditEvent.object_type)).all()
    return list(actions), list(types)


@dataclass
class Change:
    field: str
    before: Any
    after: Any
    has_before: bool


def changes_of(event: AuditEvent) -> list[Change]:
    """An event's changes as rows: ``[old, new]`` pairs as before/after, a lone value
    as what was set."""
    found = []
    for name, value in sorted((event.changes or {}).items()):
        if isinstance(value, list) and len(value) == 2:
            found.append(Change(name, value[0], value[1], True))
        else:
            found.append(Change(name, None, value, False))
    return found


# ----- moderation --------------------------------------------------------------------------------


@dataclass
class Reported:
    """One reported object with its open reports (the queue's row)."""

    kind: ReportKind
    object_id: int
    title: str
    owner: Company | None
    reports: list[ContentReport]
    hidden_reason: str | None = None
    hidden: bool = False

    @property
    def link(self) -> str:
        return self.reports[0].link


def open_reports() -> list[Reported]:
    """The queue: each reported object once, the longest waiting first."""
    reports = db.session.scalars(select(ContentReport).where(
        ContentReport.status == ReportStatus.OPEN).order_by(
        ContentReport.created_at, ContentReport.id)).all()
    grouped: dict[tuple[ReportKind, int], Reported] = {}
    for report in reports:
        key = (ReportKind(report.kind), report.object_id)
        if key not in grouped:
            grouped[key] = Reported(key[0], key[1], report.title, report.owner, [])
        grouped[key].reports.append(report)
    for item in grouped.values():
        target = reported_object(item.kind, item.object_id, missing_ok=True)
        if target is not None:
            item.title = getattr(target, "name", None) or getattr(target, "title", item.title)
            item.hidden, item.hidden_reason = target.hidden_at is not None, target.hidden_reason
    return list(grouped.values())


def open_report_count() -> int:
    """How many objects wait in the queue."""
    waiting = select(ContentReport.kind, ContentReport.object_id).where(
        ContentReport.status == ReportStatus.OPEN).distinct().subquery()
    return db.session.scalar(select(func.count()).select_from(waiting)) or 0


def decided_reports(limit: int = 20) -> list[ContentReport]:
    return list(db.session.scalars(select(ContentReport).where(
        ContentReport.status != ReportStatus.OPEN).order_by(
        ContentReport.decided_at.desc(), ContentReport.id.desc()).limit(limit)))


def hidden_products() -> list[Product]:
    return list(db.session.scalars(select(Product).where(Product.hidden_at.is_not(None))
                                   .order_by(Product.hidden_at.desc())))


def hidden_bulletins() -> list[Bulletin]:
    return list(db.session.scalars(select(Bulletin).where(Bulletin.hidden_at.is_not(None))
                                   .order_by(Bulletin.hidden_at.desc())))


def suspended_companies() -> list[Company]:
    return list(db.session.scalars(select(Company).where(
        Company.status == CompanyStatus.SUSPENDED).order_by(Company.name)))


def reported_object(kind: ReportKind | str, object_id: int, *, missing_ok: bool = False
                    ) -> Product | Bulletin | None:
    """The product or bulletin a report names, whatever its state (the operator's)."""
    model = Product if ReportKind(kind) == ReportKind.PRODUCT else Bulletin
    found = db.session.get(model, object_id)
    if found is None and not missing_ok:
        raise NotFound(str(_l("Nothing to moderate here: %(kind)s %(id)s was not found.",
                              kind=kind, id=object_id)))
    return found


def open_report_of(kind: ReportKind, object_id: int, user_id: int) -> ContentReport | None:
    return db.session.scalar(select(ContentReport).where(
        ContentReport.kind == kind, ContentReport.object_id == object_id,
        ContentReport.reporter_user_id == user_id, ContentReport.status == ReportStatus.OPEN))


def open_reports_of(kind: ReportKind, object_id: int) -> list[ContentReport]:
    return list(db.session.scalars(select(ContentReport).where(
        ContentReport.kind == kind, ContentReport.object_id == object_id,
        ContentReport.status == ReportStatus.OPEN)))


def report(report_id: int) -> ContentReport:
    found = db.session.get(ContentReport, report_id)
    if found is None:
        raise NotFound(str(_l("Report %(id)s was not found.", id=report_id)))
    return found


def reports(status: ReportStatus | None = None) -> Select:
    stmt = select(ContentReport).order_by(ContentReport.created_at.desc(),
                                          ContentReport.id.desc())
    return stmt if status is None else stmt.where(ContentReport.status == status)


def company(company_id: int) -> Company:
    found = db.session.get(Company, company_id)
    if found is None:
        raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))
    return found


def reinstatement(company_: Company, within_days: int = 30) -> AuditEvent | None:
    """The company's reinstatement in the last ``within_days`` days, if it is active
    still (what the company's office tells it)."""
    if company_.status != CompanyStatus.ACTIVE:
        return None
    return db.session.scalar(select(AuditEvent).where(
        AuditEvent.company_id == company_.id, AuditEvent.object_type == "Company",
        AuditEvent.action == "company.reinstated",
        AuditEvent.at >= utcnow() - timedelta(days=within_days))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))


def demo_report_target(kind: str, sku: str | None) -> Product | Bulletin | None:
    """What the demo reports: a published product by its SKU, or the first bulletin
    still shown."""
    if kind == "product":
        return db.session.scalar(select(Product).where(
            Product.sku == sku, Product.status == ProductStatus.PUBLISHED).limit(1))
    return db.session.scalar(select(Bulletin).where(Bulletin.hidden_at.is_(None))
                             .order_by(Bulletin.id).limit(1))
