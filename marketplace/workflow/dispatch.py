"""Auto-dispatch: who at the receiving company takes an incoming document.

The company's rules in order (type, product line, category, sender country, keyword;
every condition set must hold), the first match giving a member or a round-robin
group; else the company's default group; else its first administrator (else its
first member)."""

from __future__ import annotations

import functools
from typing import NamedTuple

from sqlalchemy import bindparam, case, event, select, update
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.infrastructure.models import MemberRole, Membership
from marketplace.workflow import made, registry
from marketplace.workflow.models import DispatchGroup, DispatchRule, Document


def _products(document: Document) -> list[registry.LineProduct]:
    """The products the lines name (the catalog is a module's: found through the
    registry), whoever may see them now: the rules match what the sender chose."""
    return list(registry.products([line.product_id for line in document.lines], None).values())


def _text_of(document: Document) -> str:
    parts = [document.subject or "", document.notes or ""]
    parts += [f"{line.description} {line.sku or ''}" for line in document.lines]
    return " ".join(parts).casefold()


def rule_matches(rule: DispatchRule, document: Document) -> bool:
    if rule.type and rule.type != document.type:
        return False
    if rule.sender_country and rule.sender_country != document.issuer.country:
        return False
    if rule.keyword and rule.keyword.casefold() not in _text_of(document):
        return False
    products = _products(document)
    if rule.product_line_id and not any(
            p.product_line_id == rule.product_line_id for p in products):
        return False
    return not (rule.category_id and not any(p.category_id == rule.category_id
                                             for p in products))


def _rules_and_default(company) -> tuple:
    """Whether ``company`` (a bound value or a column) has dispatch rules, and a default
    group: asked with the members, as most companies have neither."""
    has_rules = select(DispatchRule.id).where(DispatchRule.company_id == company).exists()
    has_default = select(DispatchGroup.id).where(DispatchGroup.company_id == company,
                                                 DispatchGroup.is_default.is_(True)).exists()
    return has_rules, has_default


def _first_to_take() -> tuple:
    """The members' order when nothing else decides who takes a document: administrators
    first, then by id (the first administrator, else the first member)."""
    return case((Membership.role == MemberRole.ADMIN, 0), else_=1), Membership.user_id


@functools.cache
def _statements() -> tuple:
    """The members (with whether the company has any rule and a default group), the
    rules and the default group of the receiving company: read on every delivery, so
    built once with the company bound at each run."""
    company = bindparam("receiving_company")
    has_rules, has_default = _rules_and_default(company)
    return (select(Membership.user_id, Membership.role, has_rules.label("has_rules"),
                   has_default.label("has_default"))
            .where(Membership.company_id == company).order_by(*_first_to_take()),
            select(DispatchRule).where(DispatchRule.company_id == company)
            .order_by(DispatchRule.position, DispatchRule.id),
            select(DispatchGroup).where(DispatchGroup.company_id == company,
                                        DispatchGroup.is_default.is_(True))
            .order_by(DispatchGroup.id))


def _members(company_id: int) -> tuple[dict[int, MemberRole], bool, bool]:
    """The members by id (administrators first: ``_first_to_take``), and whether the
    company has rules and a default group (asked with the members: most companies have
    neither, and then neither is read). A company without members answers no row: both
    are read, as before."""
    rows = db.session.execute(_statements()[0], {"receiving_company": company_id}).all()
    if not rows:
        return {}, True, True
    return {row.user_id: row.role for row in rows}, rows[0].has_rules, rows[0].has_default


def _next_in_group(group: DispatchGroup, members: dict[int, MemberRole]) -> int | None:
    candidates = [user_id for user_id in group.member_ids or [] if user_id in members]
    if not candidates:
        return None
    # One UPDATE hands out the turn, so two documents arriving together get two turns.
    turn = db.session.scalar(
        update(DispatchGroup).where(DispatchGroup.id == group.id)
        .values(turns=DispatchGroup.turns + 1).returning(DispatchGroup.turns)
        .execution_options(synchronize_session=False))
    db.session.expire(group, ["turns"])
    return candidates[(turn - 1) % len(candidates)]


class _Ahead(NamedTuple):
    has_rules: bool
    has_default: bool
    first: int | None  # the first administrator, else the first member, else None


_AHEAD = "dispatch"


def read_ahead_columns() -> list:
    """Columns a read of a draft may carry (NULL for any other document), so that its
    delivery need not read the recipient again when it has neither rules nor a default
    group, as most companies have neither: whether it has each, and who takes the
    document then (``note_read_ahead`` records them)."""
    company = Document.recipient_company_id
    draft = Document.status == "draft"
    has_rules, has_default = _rules_and_default(company)
    first = (select(Membership.user_id).where(Membership.company_id == company)
             .order_by(*_first_to_take()).limit(1).scalar_subquery())
    return [case((draft, has_rules)).label("dispatch_rules"),
            case((draft, has_default)).label("dispatch_default"),
            case((draft, first)).label("dispatch_first")]


def note_read_ahead(company_id: int | None, has_rules, has_default, first) -> None:
    """Record ``read_ahead_columns``' answer for the recipient ``company_id``."""
    if company_id is not None and has_rules is not None:
        made.note_read_ahead(_AHEAD, company_id, _Ahead(bool(has_rules), bool(has_default),
                                                       first))


@event.listens_for(Session, "before_flush")
def _forget_read_ahead(session: Session, _context, _instances) -> None:
    """A member, rule or group written in this transaction: who would take a document may
    have changed, so the next delivery reads again."""
    made.forget_read_ahead(session, _AHEAD, (Membership, DispatchRule, DispatchGroup))


def choose_assignee(document: Document) -> int | None:
    """The member who takes the document. A first matching rule naming a department
    files it in that department's shared box (``document.department_id``) with nobody
    assigned: its members take it from there."""
    company_id = document.recipient_company_id
    document.department_id = None
    ahead = made.read_ahead(_AHEAD, company_id)
    if ahead is not None and not ahead.has_rules and not ahead.has_default:
        return ahead.first
    members, has_rules, has_default = _members(company_id)
    rules = db.session.scalars(_statements()[1], {"receiving_company": company_id}) \
        if has_rules else ()
    for rule in rules:
        if not rule_matches(rule, document):
            continue
        if rule.department_id is not None:
            document.department_id = rule.department_id
            return None
        if rule.assignee_id in members:
            return rule.assignee_id
        if rule.group is not None and (chosen := _next_in_group(rule.group, members)):
            return chosen
    default = db.session.scalar(_statements()[2], {"receiving_company": company_id}) \
        if has_default else None
    if default is not None and (chosen := _next_in_group(default, members)):
        return chosen
    return next(iter(members), None)  # in _first_to_take's order


SERVICE_CASE = "service_case"  # the type a dispatch rule names to route service cases


def department_for(company_id: int, *, text: str, sender_country: str | None,
                   kind: str = SERVICE_CASE) -> int | None:
    """The department a company's rules route an incoming item that is no document (a
    service case) to: the first rule of ``kind`` naming a department whose keyword (if
    any) is in ``text`` and whose sender country (if any) is the sender's."""
    rules = db.session.scalars(select(DispatchRule).where(
        DispatchRule.company_id == company_id, DispatchRule.type == kind,
        DispatchRule.department_id.is_not(None))
        .order_by(DispatchRule.position, DispatchRule.id))
    folded = text.casefold()
    for rule in rules:
        if rule.sender_country and rule.sender_country != sender_country:
            continue
        if rule.keyword and rule.keyword.casefold() not in folded:
            continue
        return rule.department_id
    return None
