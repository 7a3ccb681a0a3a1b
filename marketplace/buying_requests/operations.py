"""Buying requests' writes: post (draft or published), publish, close (by the buyer, or
at the closing date), answer with a quotation, award through sourcing, subscribe to
categories. Each checks, changes and flushes; the request boundary (or the job) commits.

Under the hood a request owns one rfq to many, made when the first supplier answers:
every supplier that answers gets its own invitation of it (``engine.invite``) and its
quotation answers that invitation, so sourcing's comparison and award see the answers
as the bids of one rfq (one source of truth: the engine's documents)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.buying_requests import notifications, queries
from marketplace.buying_requests.models import (
    AWARDED,
    CLOSED,
    DRAFT,
    OPEN,
    BuyingRequest,
    CategorySubscription,
)
from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, Forbidden, ValidationFailed
from marketplace.core.limits import BUYING_REQUEST_ANSWERS, check_limit
from marketplace.core.locking import lock_for_update
from marketplace.core.schemas import MAX_ID
from marketplace.core.signals import document_transitioned
from marketplace.core.types import utcnow
from marketplace.core.validation import country_codes, currency_codes
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company
from marketplace.sourcing import operations as sourcing
from marketplace.workflow import engine, registry
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

MAX_QUANTITY = Decimal("1000000000")
MAX_PRICE = Decimal("1000000000")
TEXT_LIMITS = {"title": 200, "unit": 20, "description": 5000}


def _on_behalf_of(company: Company) -> SimpleNamespace:
    """The buyer's side of the rfq when a supplier's answer opens an invitation: the
    request already said "anyone of the category may answer", so no member acts."""
    return SimpleNamespace(user=None, company=company, role=None, via="buying_request",
                           token=None, is_operator=False, can=lambda permission: True)


def _company(actor: Actor) -> Company:
    if actor is None or actor.company is None:
        raise Forbidden(_("Buying requests belong to companies; the operator has none."))
    return actor.company


def _decimal(raw: Any, name: str, errors: dict, *, required: bool) -> Decimal | None:
    if raw in (None, ""):
        if required:
            errors[name] = [_("Required.")]
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors[name] = [_("Not a valid number.")]
        return None
    if not value.is_finite() or value <= 0:
        errors[name] = [_("Must be more than zero.")]
        return None
    if value >= (MAX_QUANTITY if name == "quantity" else MAX_PRICE):
        errors[name] = [_("Too large.")]
        return None
    if value != value.quantize(Decimal("0.0001")):
        errors[name] = [_("At most four decimal places.")]
        return None
    return value


def _aware(raw: Any) -> datetime | None:
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            value = datetime.fromisoformat(str(raw))
        except ValueError:
            return None
    return value.astimezone(UTC) if value.tzinfo else None


def _category(ident: Any) -> Category | None:
    """The category with this id; None for anything else (no id, out of any id's range)."""
    if not isinstance(ident, int) or isinstance(ident, bool) or not 0 < ident <= MAX_ID:
        return None
    return db.session.get(Category, ident)


def check_request(values: dict, *, partial: bool = False) -> dict:
    """Every field of a request checked at once (422 with a reason per field); the
    clean values. ``partial``: only the fields given (a draft's change)."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def given(name: str) -> bool:
        return not partial or name in values

    for name, limit in TEXT_LIMITS.items():
        if not given(name):
            continue
        text = (values.get(name) or "").strip()
        if not text and name != "description":
            errors[name] = [_("Required.")]
        elif len(text) > limit:
            errors[name] = [_("At most %(n)d characters.", n=limit)]
        else:
            clean[name] = text or None
    if given("category_id"):
        category = _category(values.get("category_id"))
        if category is None:
            errors["category_id"] = [_("Unknown category: choose one of the category tree.")]
        else:
            clean["category_id"] = category.id
    if given("quantity"):
        clean["quantity"] = _decimal(values.get("quantity"), "quantity", errors, required=True)
    if given("target_price"):
        clean["target_price"] = _decimal(values.get("target_price"), "target_price", errors,
                                         required=False)
    if given("currency"):
        currency = (values.get("currency") or "").strip().upper()
        if currency not in currency_codes():
            errors["currency"] = [_("Not an ISO 4217 currency code.")]
        clean["currency"] = currency
    if given("destination_country"):
        country = (values.get("destination_country") or "").strip().upper()
        if country not in country_codes():
            errors["destination_country"] = [_("Not an ISO 3166-1 alpha-2 country code.")]
        clean["destination_country"] = country
    if given("closes_at"):
        closes_at = _aware(values.get("closes_at"))
        if closes_at is None:
            errors["closes_at"] = [_("A date and time with its offset (ISO 8601).")]
        elif closes_at <= utcnow():
            errors["closes_at"] = [_("The closing date has passed: choose a later one.")]
        clean["closes_at"] = closes_at
    if errors:
        raise ValidationFailed(errors=errors)
    return clean


def _ensure_buyer(actor: Actor) -> Company:
    company = _company(actor)
    if not company.is_buyer:
        raise Forbidden(_("Only buyers post buying requests; your company is registered as "
                          "a supplier."))
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))
    return company


def create_request(actor: Actor, values: dict, *, publish: bool = True) -> BuyingRequest:
    """A new request of the actor's buying company: published (suppliers of its category
    see it and hear of it) or kept as a draft."""
    company = _ensure_buyer(actor)
    clean = check_request(values)
    request = BuyingRequest(company_id=company.id, status=DRAFT,
                            created_by_id=actor.user.id if actor.user else None, **clean)
    db.session.add(request)
    db.session.flush()
    record_audit("buying_request.created", request, company_id=company.id)
    if publish:
        publish_request(request, actor)
    return request


def update_request(request: BuyingRequest, actor: Actor, values: dict) -> BuyingRequest:
    """Change a draft (a published request is what suppliers answered: it stays)."""
    _ensure_buyer(actor)
    if request.status != DRAFT:
        raise Conflict(_("Only a draft request can be changed; this one is %(status)s.",
                         status=request.status_label))
    for name, value in check_request(values, partial=True).items():
        setattr(request, name, value)
    db.session.flush()
    return request


def publish_request(request: BuyingRequest, actor: Actor) -> BuyingRequest:
    """Open a draft to the suppliers of its category: they see it, subscribers are told
    (bell and mail), partner systems hear ``buying_request.published``."""
    company = _ensure_buyer(actor)
    company.ensure_can_trade()
    if request.status != DRAFT:
        raise Conflict(_("This request is %(status)s already.", status=request.status_label))
    if request.closes_at <= utcnow():
        raise ValidationFailed(errors={"closes_at": [
            _("The closing date has passed: choose a later one.")]})
    request.status, request.published_at = OPEN, utcnow()
    db.session.flush()
    record_audit("buying_request.published", request, company_id=company.id)
    subscribed = queries.subscribed_company_ids(request)
    for supplier in queries.eligible_suppliers(request):
        notifications.tell_published(request, supplier.id, subscribed=supplier.id in subscribed)
    return request


def close_request(request: BuyingRequest, actor: Actor | None = None) -> BuyingRequest:
    """No more answers: by its buyer before the date, or at the closing date (the job).
    The buyer still compares and awards the answers it has."""
    if actor is not None:
        _ensure_buyer(actor)
    if request.status != OPEN:
        raise Conflict(_("Only an open request can be closed; this one is %(status)s.",
                         status=request.status_label))
    request.status, request.closed_at = CLOSED, utcnow()
    db.session.flush()
    if actor is None:
        notifications.tell_closed(request, queries.answer_count(request))
    return request


def close_due() -> list[int]:
    """Close every open request whose date has come (under a row lock, once each)."""
    closed = []
    for request_id in queries.due_requests(utcnow()):
        request = db.session.scalar(lock_for_update(select(BuyingRequest).where(
            BuyingRequest.id == request_id)))
        if request is not None and request.status == OPEN and request.closes_at <= utcnow():
            close_request(request)
            closed.append(request_id)
    return closed


# ----- answers ------------------------------------------------------------------------------

ANSWER_HEADER = ("incoterm", "incoterm_place", "payment_terms", "valid_until", "notes")


def _ensure_answers(request: BuyingRequest) -> None:
    if not request.accepts_answers():
        raise Conflict(_("Buying request %(title)s closed at %(time)s UTC: no quotation is "
                         "taken after closing.", title=request.title,
                         time=min(request.closes_at, request.closed_at or request.closes_at)
                         .strftime("%Y-%m-%d %H:%M")))


def _invitation(request: BuyingRequest, supplier: Company) -> Document:
    """The supplier's own invitation of the request's rfq, made at its first answer."""
    buyer = _on_behalf_of(request.company)
    if request.rfq_id is None:
        line = {"description": request.title, "quantity": request.quantity,
                "unit": request.unit, "unit_price": request.target_price}
        header = {"subject": request.title, "currency": request.currency,
                  "notes": request.description}
        rfq = engine.create_document("rfq", actor=buyer, recipient_company_id=None,
                                     header={k: v for k, v in header.items() if v},
                                     lines=[line])
        request.rfq_id = rfq.id
        db.session.flush()
    else:
        rfq = db.session.get(Document, request.rfq_id)
    return engine.invite(rfq, supplier.id, buyer)


def _answer_lines(parent: Document, unit_price: Decimal, quantity: Decimal | None) -> list:
    return [{"product_id": line.product_id, "sku": line.sku, "description": line.description,
             "quantity": quantity or line.quantity, "unit": line.unit, "unit_price": unit_price,
             "source_line_id": line.source_line_id, "extras": dict(line.extras or {})}
            for line in parent.lines]


def _field_errors(error: ValidationFailed) -> ValidationFailed:
    """The engine's line errors (``lines.0.unit_price``) named as the answer's fields."""
    return ValidationFailed(error.detail, errors={
        key.split(".")[-1] if key.startswith("lines.") else key: messages
        for key, messages in error.errors.items()})


def answer_request(request_id: int, actor: Actor, values: dict) -> Document:
    """A supplier of the request's category answers with a quotation to the buyer, sent
    at once (or waiting for its own approvals); answering again sends a revision of its
    quotation. Nothing of another supplier's answer is ever shown to it."""
    supplier = _company(actor)
    request = queries.visible_request(request_id, supplier, for_update=True)
    if request.company_id == supplier.id:
        raise Conflict(_("This is your own request: suppliers answer it."))
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))
    _ensure_answers(request)
    errors: dict = {}
    unit_price = _decimal(values.get("unit_price"), "unit_price", errors, required=True)
    quantity = _decimal(values.get("quantity"), "quantity", errors, required=False)
    lead_time = values.get("lead_time_days")
    if lead_time not in (None, "") and (not isinstance(lead_time, int) or isinstance(
            lead_time, bool) or not 0 <= lead_time <= 3650):
        errors["lead_time_days"] = [_("Days from 0 to 3650.")]
    valid_until = values.get("valid_until")
    if isinstance(valid_until, str) and valid_until:
        try:
            valid_until = date.fromisoformat(valid_until)
        except ValueError:
            errors["valid_until"] = [_("A date (YYYY-MM-DD).")]
    if errors:
        raise ValidationFailed(errors=errors)
    values = {**values, "valid_until": valid_until}
    supplier.ensure_can_trade()
    check_limit(BUYING_REQUEST_ANSWERS, supplier.id)  # the plan's answers a month (billing)
    invitation = _invitation(request, supplier)
    previous = next((answer for answer in reversed(queries.answers(request, supplier))
                     if answer.status not in ("cancelled",)), None)
    if previous is not None and previous.status in (engine.DRAFT, engine.PENDING_APPROVAL):
        raise Conflict(_("Your quotation %(number)s is not sent yet: send or cancel it "
                         "first.", number=previous.number))
    parent = previous or invitation
    quotation = engine.derive(parent, "quotation", actor=actor)
    header = {name: values[name] for name in ANSWER_HEADER if values.get(name) not in (None, "")}
    extras = dict(quotation.extras or {})
    if lead_time not in (None, ""):
        extras["lead_time_days"] = lead_time
    header["extras"] = extras
    try:
        engine.update_draft(quotation, actor=actor, header=header,
                            lines=_answer_lines(parent, unit_price, quantity),
                            expected_version=None)
    except ValidationFailed as error:
        raise _field_errors(error) from error
    engine.perform(quotation, "send", actor)
    record_audit("buying_request.answered", request, company_id=supplier.id,
                 changes={"quotation_id": quotation.id})
    return quotation


# ----- award --------------------------------------------------------------------------------


def award_request(request_id: int, actor: Actor, quotation_id: Any, *,
                  reason: str | None = None, disclose: bool = False) -> list[Document]:
    """Award the request to one answer through sourcing's award: a draft purchase order
    for the winner, a regret for the others; the request is then awarded."""
    request = queries.own_request(request_id, _company(actor), for_update=True)
    _ensure_buyer(actor)
    if request.status == AWARDED:
        raise Conflict(_("This request is awarded already."))
    if request.status == DRAFT:
        raise Conflict(_("A draft request has no answers to award."))
    if request.rfq_id is None:
        raise Conflict(_("No supplier has answered yet: nothing to award."))
    line_id = db.session.get(Document, request.rfq_id).lines[0].id
    try:
        orders = sourcing.award(request.rfq_id, actor,
                                [{"line_id": line_id, "quotation_id": quotation_id}],
                                reason=reason, disclose=disclose)
    except ValidationFailed as error:
        raise ValidationFailed(error.detail, errors={
            key.split(".")[-1]: [_("Not a current quotation answering this request.")]
            if key.endswith("quotation_id") else messages
            for key, messages in error.errors.items()}) from error
    _mark_awarded(request)
    return orders


def _mark_awarded(request: BuyingRequest) -> None:
    if request.status != AWARDED:
        request.status = AWARDED
        request.closed_at = request.closed_at or utcnow()
        db.session.flush()


@document_transitioned.connect
def _awarded_through_sourcing(document: Document, *, action: str, **extra) -> None:
    """An award made on sourcing's comparison page awards the request too."""
    if action != "award" or document.type != queries.RFQ:
        return
    request = queries.request_of_rfq(document.id)
    if request is not None:
        _mark_awarded(request)


# ----- no answer after closing (the engine asks) ----------------------------------------------


def _closed_text(request: BuyingRequest) -> str | None:
    if request.accepts_answers():
        return None
    return _("Buying request %(title)s is closed: no quotation is taken after closing.",
             title=request.title)


def _derive_refusal(parent: Any, doctype: str) -> str | None:
    if doctype != queries.QUOTATION or parent.type not in (queries.RFQ, queries.QUOTATION):
        return None
    request = queries.request_of_quotation(parent)
    return _closed_text(request) if request is not None else None


def _action_refusal(document: Any, action: str) -> str | None:
    if action != "send" or document.type != queries.QUOTATION:
        return None
    request = queries.request_of_quotation(document)
    return _closed_text(request) if request is not None else None


registry.register_derive_refusal(_derive_refusal)
registry.register_action_refusal(_action_refusal)


# ----- subscriptions ----------------------------------------------------------------------------


def set_subscriptions(actor: Actor, category_ids: Any) -> list[CategorySubscription]:
    """The supplier's categories to hear of new requests in (replacing the list). Only
    categories whose requests it sees: its own and those below them."""
    company = _company(actor)
    if not company.is_supplier:
        raise Forbidden(_("Only suppliers subscribe to buying requests."))
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))
    if not isinstance(category_ids, list) or len(category_ids) > 200:
        raise ValidationFailed(errors={"category_ids": [_("A list of at most 200 categories.")]})
    allowed = queries.supplier_categories(company)
    errors = {}
    for index, ident in enumerate(category_ids):
        if _category(ident) is None:
            errors[f"category_ids.{index}"] = [_("Unknown category.")]
        elif ident not in allowed:
            errors[f"category_ids.{index}"] = [_(
                "Not one of your company's categories: add it to your company profile "
                "first (you see the requests of your categories only).")]
    if errors:
        raise ValidationFailed(errors=errors)
    wanted = set(category_ids)
    current = {row.category_id: row for row in queries.subscriptions(company.id)}
    for ident, row in current.items():
        if ident not in wanted:
            db.session.delete(row)
    for ident in sorted(wanted - set(current)):
        db.session.add(CategorySubscription(company_id=company.id, category_id=ident))
    db.session.flush()
    record_audit("buying_request.subscriptions", company, company_id=company.id,
                 changes={"category_ids": sorted(wanted)})
    return queries.subscriptions(company.id)

