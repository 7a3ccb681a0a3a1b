"""The back office's files: the dashboard's figures and the audit trail as CSV or
Excel, written by crm's one export writer (formula-looking text made inert, numbers as
numbers in Excel, UTF-8 with a byte-order mark for CSV)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Response
from sqlalchemy import Select

from marketplace.backoffice import queries
from marketplace.crm.exports import export_response
from marketplace.extensions import db

DASHBOARD_COLUMNS = ("figure", "period", "currency", "value")
AUDIT_COLUMNS = ("at", "company_id", "company", "member_id", "member", "member_email",
                 "action", "object_type", "object_id", "changes", "ip_address")


def dashboard_rows(figures: queries.Dashboard) -> Iterator[dict[str, Any]]:
    """One row a figure and period (a day, a week's Monday, a month), money per
    currency; the same figures as the page and ``GET /admin/stats``."""
    def row(figure, period, value, currency=""):
        return {"figure": figure, "period": period, "currency": currency, "value": str(value)}

    for status, count in figures.companies_by_status.items():
        yield row("companies_by_status", status, count)
    for country, count in figures.companies_by_country:
        yield row("companies_by_country", country, count)
    for week, count in figures.registrations_per_week:
        yield row("registrations_per_week", week, count)
    for month, count in figures.registrations_per_month:
        yield row("registrations_per_month", month, count)
    yield row("members", "", figures.members)
    yield row("active_members_30_days", "", figures.active_members)
    for day, count in figures.documents_per_day:
        yield row("documents_per_day", day, count)
    for day, count in figures.orders_per_day:
        yield row("orders_per_day", day, count)
    for currency, points in figures.trade_value_per_month.items():
        for month, value in points:
            yield row("trade_value_per_month", month, value, currency)
    if figures.plans is not None:
        for plan, count in figures.plans.companies_per_plan.items():
            yield row(f"companies_on_plan:{plan}", "", count)
        for item in figures.plans.months:
            yield row(f"revenue:{item['plan']}", item["month"], item["revenue"],
                      item["currency"])


def dashboard_file(figures: queries.Dashboard, fmt: str) -> Response:
    name = f"dashboard-{figures.period.start:%Y%m%d}-{figures.period.end:%Y%m%d}"
    return export_response(dashboard_rows(figures), DASHBOARD_COLUMNS, fmt, name)


def audit_rows(stmt: Select) -> Iterator[dict[str, Any]]:
    """Every event the filters keep (at most EXPORT_ROW_LIMIT), newest first, read in
    batches with their names."""
    events = db.session.scalars(stmt.limit(queries.EXPORT_ROW_LIMIT)).all()
    for start in range(0, len(events), 500):
        yield from _audit_batch(events[start:start + 500])


def _audit_batch(events: list) -> Iterator[dict[str, Any]]:
    names = queries.audit_names(events)
    for event in events:
        name, email = names.members.get(event.actor_user_id, ("", ""))
        yield {"at": event.at.isoformat(), "company_id": event.company_id,
               "company": names.companies.get(event.company_id, ""),
               "member_id": event.actor_user_id, "member": name, "member_email": email,
               "action": event.action, "object_type": event.object_type,
               "object_id": event.object_id,
               "changes": json.dumps(event.changes or {}, ensure_ascii=False, sort_keys=True),
               "ip_address": event.ip_address}


def audit_file(stmt: Select, fmt: str) -> Response:
    return export_response(list(audit_rows(stmt)), AUDIT_COLUMNS, fmt, "audit-trail")
