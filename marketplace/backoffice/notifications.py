"""What the back office tells people: the operator of a new report (the bell), a
company of its hidden or restored product or bulletin, of its suspension and of its
reinstatement, each with the operator's reason (bell and e-mail to its admins).

The suspension and the reinstatement are told on infrastructure's signals, so they
reach the company however the operator acted (the back office's moderation page, the
companies page, or the API)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.signals import company_approved, company_suspended
from marketplace.infrastructure.models import Company, MemberRole
from marketplace.infrastructure.notifications import N_, notify, register_event

CONTENT_REPORTED = register_event("content.reported", label=_l(
    "A member reported a product or a bulletin"), email=False, webhook=False)
CONTENT_HIDDEN = register_event("content.hidden", label=_l(
    "The operator hid one of your products or bulletins"), roles=[MemberRole.ADMIN])
CONTENT_RESTORED = register_event("content.restored", label=_l(
    "The operator showed one of your products or bulletins again"), roles=[MemberRole.ADMIN])
COMPANY_SUSPENDED = register_event("company.suspended", label=_l(
    "The operator suspended your company"), roles=[MemberRole.ADMIN], webhook=False)
COMPANY_REINSTATED = register_event("company.reinstated", label=_l(
    "The operator reinstated your company"), roles=[MemberRole.ADMIN], webhook=False)

KIND_WORDS = {"product": N_("product"), "bulletin": N_("bulletin")}


@company_suspended.connect
def tell_suspended(company: Company, **_) -> None:
    notify("company.suspended", company_id=company.id, user_ids=_admin_ids(company),
           message=N_("The operator suspended %(company)s: %(reason)s"),
           params={"company": company.name, "reason": company.status_reason or "-"})


@company_approved.connect
def tell_reinstated(company: Company, reinstated: bool = False, **_) -> None:
    if not reinstated:
        return
    notify("company.reinstated", company_id=company.id, user_ids=_admin_ids(company),
           message=N_("The operator reinstated %(company)s: %(reason)s"),
           params={"company": company.name, "reason": company.status_reason or "-"},
           link="/")


def _admin_ids(company: Company) -> list[int]:
    """Every admin, the acting operator being none of them."""
    return [user.id for user in company.admins]
