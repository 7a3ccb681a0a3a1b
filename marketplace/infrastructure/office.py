"""The personal office's work list: what waits for this member, gathered from every module.

Modules stack one way (infrastructure → content → trading → fulfillment → supplier link
→ crm), yet the work a member must do lives mostly above infrastructure: inquiries to
answer, orders to ship, invoices overdue. So each module registers a *provider* here at
import time (``register_work_items(provider)``), built from its own queries; the office
asks every provider for the acting member's items. Infrastructure imports none of them.

A provider is ``provider(actor) -> iterable of WorkItem``; it answers only for the
actor's own company (and member), and returns nothing for what the actor's role may not
act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.core.pagination import Page
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

# The kinds of work, in the order the office lists its groups, with their headings.
KINDS = {
    "companies_to_approve": _l("Companies waiting for approval"),
    "inquiry_to_answer": _l("Inquiries waiting for an answer"),
    "purchase_order_to_accept": _l("Purchase orders to accept"),
    "approval_waiting": _l("Approvals waiting for you"),
    "order_to_ship": _l("Orders to ship"),
    "shipment_without_documents": _l("Shipments without documents"),
    "invoice_overdue": _l("Overdue invoices"),
    "discrepancy_open": _l("Open discrepancies"),
    "service_case_to_answer": _l("Service cases waiting for your answer"),
}


@dataclass
class WorkItem:
    kind: str  # one of KINDS
    title: str
    link: str  # the portal page where the member acts on it
    since: datetime  # when the work arrived (age_hours counts from here)
    document_id: int | None = None
    due_at: datetime | None = None  # a target or a due date; past it, the item is late
    detail: str | None = None  # a short second line: the partner, an amount

    @property
    def age_hours(self) -> Decimal:
        seconds = Decimal(max((utcnow() - self.since).total_seconds(), 0))
        return (seconds / 3600).quantize(Decimal("0.1"))

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < utcnow()

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


Provider = Callable[["Actor"], Iterable[WorkItem]]
_providers: list[Provider] = []


def register_work_items(provider: Provider) -> Provider:
    """Add a module's provider of work items (usable as a decorator)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def work_items(actor: Actor) -> list[WorkItem]:
    """Everything waiting for the actor: late items first, then the oldest first."""
    items = [item for provider in _providers for item in provider(actor)]
    order = list(KINDS)
    items.sort(key=lambda item: (not item.overdue, item.since,
                                 order.index(item.kind) if item.kind in order else len(order)))
    return items


def work_list(actor: Actor, *, page: int = 1, per_page: int = 20) -> Page:
    items = work_items(actor)
    return Page(items=items[(page - 1) * per_page: page * per_page], total=len(items),
                page=page, per_page=per_page)


def grouped(items: list[WorkItem]) -> list[tuple[str, str, list[WorkItem]]]:
    """The items by kind, in the office's order: (kind, heading, items)."""
    groups: dict[str, list[WorkItem]] = {}
    for item in items:
        groups.setdefault(item.kind, []).append(item)
    order = list(KINDS)
    return [(kind, str(KINDS.get(kind, kind)), groups[kind])
            for kind in sorted(groups, key=lambda k: order.index(k) if k in order else 99)]


# ----- infrastructure's own work: the operator approves companies ------------------------


@register_work_items
def _companies_to_approve(actor: Actor) -> Iterable[WorkItem]:
    if not actor.is_operator:
        return []
    from flask import url_for

    pending = db.session.scalars(select(Company).where(Company.status == CompanyStatus.PENDING)
                                 .order_by(Company.created_at).limit(100))
    return [WorkItem(kind="companies_to_approve", title=company.name,
                     link=url_for("infrastructure.operator_companies", status="pending"),
                     since=company.created_at, detail=company.country)
            for company in pending]


def platform_companies() -> dict[str, int]:
    """Companies on the platform by status, and members (the operator's totals)."""
    from marketplace.infrastructure.models import Membership

    by_status = dict(db.session.execute(
        select(Company.status, func.count()).group_by(Company.status)).all())
    return {"companies": sum(by_status.values()),
            "companies_active": by_status.get(CompanyStatus.ACTIVE, 0),
            "companies_pending": by_status.get(CompanyStatus.PENDING, 0),
            "members": db.session.scalar(select(func.count()).select_from(Membership)) or 0}
