"""The back office's writes: a member reports a product or a bulletin; the operator
hides what was reported (content's flag, through content's operations), dismisses the
reports, restores what was hidden; suspends and reinstates a company with a reason
(infrastructure's operations; the company is told on their signals).

Checks, changes, flushes; never commits (core/boundary.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.backoffice import queries
from marketplace.backoffice.models import ContentReport, ReportKind, ReportReason, ReportStatus
from marketplace.backoffice.notifications import KIND_WORDS
from marketplace.content.operations import bulletins as bulletin_operations
from marketplace.content.operations import products as product_operations
from marketplace.content.queries import bulletins as bulletin_queries
from marketplace.content.queries import products as product_queries
from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure import operations as accounts
from marketplace.infrastructure.models import Company, CompanyStatus, User
from marketplace.infrastructure.notifications import N_, notify, notify_operators

LONGEST_TEXT = 2000
LONGEST_REASON = 300


def _reason_text(text: str | None, field: str = "reason", longest: int = LONGEST_REASON
                 ) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(errors={field: [str(_l("Give a reason."))]})
    if len(text) > longest:
        raise ValidationFailed(errors={field: [str(_l(
            "At most %(count)d characters.", count=longest))]})
    return text


def visible_target(kind: ReportKind | str, object_id: int):
    """What a member may report: a product or bulletin it can see (else 404)."""
    if ReportKind(kind) == ReportKind.PRODUCT:
        return product_queries.visible_product(object_id)
    return bulletin_queries.bulletin(object_id)


def report_content(user: User, company: Company, kind: ReportKind | str, object_id: int,
                   reason: str, text: str | None) -> ContentReport:
    """A member asks the operator to look at a product or bulletin of another company."""
    try:
        kind = ReportKind(kind)
    except ValueError:
        raise ValidationFailed(errors={"kind": [str(_l("Report a product or a bulletin."))]}
                               ) from None
    target = visible_target(kind, object_id)
    errors: dict[str, list[str]] = {}
    try:
        reason = ReportReason(reason)
    except ValueError:
        errors["reason"] = [str(_l("Choose a reason."))]
    text = (text or "").strip() or None
    if reason == ReportReason.OTHER and not text:
        errors["text"] = [str(_l("Say what is wrong."))]
    if text and len(text) > LONGEST_TEXT:
        errors["text"] = [str(_l("At most %(count)d characters.", count=LONGEST_TEXT))]
    if target.company_id == company.id:
        errors["object_id"] = [str(_l("This is your own company's; change it instead."))]
    if errors:
        raise ValidationFailed(errors=errors)
    if queries.open_report_of(kind, object_id, user.id) is not None:
        raise Conflict(str(_l("You reported this already; the operator will look at it.")))
    title = getattr(target, "name", None) or getattr(target, "title", "")
    report = ContentReport(kind=kind, object_id=object_id, owner_company_id=target.company_id,
                           title=title[:300], reason=reason, text=text,
                           reporter_user_id=user.id, reporter_company_id=company.id)
    db.session.add(report)
    db.session.flush()
    record_audit("report.created", report, company_id=company.id,
                 changes={"kind": kind, "object_id": object_id, "reason": reason})
    notify_operators("content.reported", company_id=target.company_id,
                     message=N_("%(company)s reported the %(kind)s %(title)s."),
                     params={"company": company.name, "kind": KIND_WORDS[kind.value],
                             "title": title}, link="/admin/moderation", email=False)
    return report


def _decide(kind: ReportKind, object_id: int, status: ReportStatus, operator: User,
            note: str | None) -> list[ContentReport]:
    decided = queries.open_reports_of(kind, object_id)
    for report in decided:
        report.status, report.decided_at = status, utcnow()
        report.decided_by_id, report.decision_note = operator.id, note
    db.session.flush()
    for report in decided:
        record_audit(f"report.{status.value}", report, company_id=report.owner_company_id,
                     changes={"status": ["open", status.value], "note": note})
    return decided


def hide(kind: ReportKind | str, object_id: int, reason: str, operator: User):
    """Hide a product or bulletin (reported or not): out of search, lists and its page
    for everyone but its owner, who is told why; its open reports are decided."""
    kind = ReportKind(kind)
    reason = _reason_text(reason)
    target = queries.reported_object(kind, object_id)
    if target.hidden_at is None:
        if kind == ReportKind.PRODUCT:
            product_operations.hide_product(target, reason)
        else:
            bulletin_operations.hide_bulletin(target, reason)
    elif not queries.open_reports_of(kind, object_id):
        raise Conflict(str(_l("This is hidden already.")), allowed_actions=["restore"])
    _decide(kind, object_id, ReportStatus.HIDDEN, operator, reason)
    title = getattr(target, "name", None) or getattr(target, "title", "")
    notify("content.hidden", company_id=target.company_id,
           message=N_("The operator hid your %(kind)s %(title)s: %(reason)s"),
           params={"kind": KIND_WORDS[kind.value], "title": title,
                   "reason": target.hidden_reason or reason},
           link=f"/{kind.value}s/{object_id}",
           payload={"kind": kind.value, "id": object_id, "reason": target.hidden_reason})
    return target


def dismiss(kind: ReportKind | str, object_id: int, operator: User,
            note: str | None = None) -> list[ContentReport]:
    """Nothing wrong: the open reports of the object are closed, it stays as it is."""
    kind = ReportKind(kind)
    queries.reported_object(kind, object_id, missing_ok=True)
    decided = _decide(kind, object_id, ReportStatus.DISMISSED, operator,
                      (note or "").strip()[:LONGEST_REASON] or None)
    if not decided:
        raise Conflict(str(_l("No report of this waits for a decision.")))
    return decided


def restore(kind: ReportKind | str, object_id: int):
    """Show a hidden product or bulletin again; its owner is told."""
    kind = ReportKind(kind)
    target = queries.reported_object(kind, object_id)
    if kind == ReportKind.PRODUCT:
        product_operations.restore_product(target)
    else:
        bulletin_operations.unhide_bulletin(target)
    title = getattr(target, "name", None) or getattr(target, "title", "")
    notify("content.restored", company_id=target.company_id,
           message=N_("The operator shows your %(kind)s %(title)s again."),
           params={"kind": KIND_WORDS[kind.value], "title": title},
           link=f"/{kind.value}s/{object_id}", payload={"kind": kind.value, "id": object_id})
    return target


def suspend_company(company: Company, reason: str) -> Company:
    return accounts.suspend_company(company, _reason_text(reason, longest=500))


def reinstate_company(company: Company, reason: str) -> Company:
    if company.status != CompanyStatus.SUSPENDED:
        raise Conflict(str(_l("The company is not suspended.")), allowed_actions=["suspend"])
    return accounts.approve_company(company, _reason_text(reason, longest=500))
