"""Plan limits: where a lower module asks "may this company add one more?" without
knowing who answers.

A module that adds what a plan limits (content publishing a product, infrastructure
inviting a member, crm showing an analytics page, the API taking a partner's call,
buying requests sending an answer) calls ``check_limit(kind, company_id)`` right before
the change; the module that sells the plans (billing, near the top) registers one check
per kind at import time with ``register_limit``. Until something registers, nothing is
limited (a marketplace without billing, most tests).

A check refuses with ``LimitReached`` (409, or 429 for calls per day): the limit named,
what the plan allows and what is used, in the reader's language. A kind counted per
period (views per month, calls per day) also counts the use when it is allowed: the
count is written in the request's transaction, so a refused or failed request leaves
it as it was.

Kinds in use: ``products`` (published products), ``members`` (members and open
invitations), ``buying_request_answers`` (per month), ``analytics_views`` (per month),
``api_calls`` (per day, calls with a bearer token or API key).

Read-only beyond the plan: a company whose paid plan lapsed (billing: past due after the
grace period) may hold more than its plan now allows — nothing is deleted or withdrawn.
What lies beyond the allowance is kept and shown but cannot be changed: before changing
one such thing (a published product, a member acting) a module calls
``check_editable(kind, company_id, object_id)``; the seller of the plans registers the
answer with ``register_read_only`` and refuses with ``LimitReached`` naming the limit.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from marketplace.core.errors import Conflict

PRODUCTS = "products"
MEMBERS = "members"
BUYING_REQUEST_ANSWERS = "buying_request_answers"
ANALYTICS_VIEWS = "analytics_views"
API_CALLS = "api_calls"
KINDS = (PRODUCTS, MEMBERS, BUYING_REQUEST_ANSWERS, ANALYTICS_VIEWS, API_CALLS)

LimitCheck = Callable[[int, int], None]
"""``check(company_id, adding)``: returns when ``adding`` more fit the company's plan,
else raises ``LimitReached``."""

EditableCheck = Callable[[int, int], None]
"""``check(company_id, object_id)``: returns when the object may be changed, else raises
``LimitReached`` (the object lies beyond what the company's plan allows now)."""

EditableMany = Callable[[int, list[int]], dict[int, "LimitReached"]]
"""``check(company_id, object_ids)``: the refusal of each object that may not be changed."""

_checks: dict[str, LimitCheck] = {}
_editable: dict[str, EditableCheck] = {}
_editable_many: dict[str, EditableMany] = {}
_metered: dict[str, str] = {}  # blueprint name → the kind each of its reads counts


class LimitReached(Conflict):
    """The company's plan allows no more of ``limit``; nothing of the request is kept."""

    title, slug = _l("Plan limit reached"), "plan-limit"

    def __init__(self, detail: str, *, limit: str, allowed: int, used: int,
                 status: int | None = None, allowed_actions: list[str] | None = None,
                 **extra):
        super().__init__(detail, limit=limit, allowed=allowed, used=used,
                         allowed_actions=allowed_actions or [], **extra)
        if status is not None:
            self.status = status
        self.limit = limit


def register_limit(kind: str, check: LimitCheck) -> None:
    """Let ``check`` answer for ``kind`` (one check a kind: the last registered wins)."""
    _checks[kind] = check


def check_limit(kind: str, company_id: int | None, adding: int = 1) -> None:
    """Refuse (``LimitReached``) when ``adding`` more of ``kind`` would exceed the plan of
    ``company_id``; a kind counted per period also counts the use. ``adding=0`` asks
    whether what is there already fits (e.g. before an invitation becomes a member)."""
    check = _checks.get(kind)
    if check is not None and company_id is not None:
        check(company_id, adding)


def register_read_only(kind: str, check: EditableCheck, many: EditableMany | None = None
                       ) -> None:
    """Let ``check`` say whether an object of ``kind`` may be changed (one a kind);
    ``many``, if given, answers for many objects at once (``read_only_among``)."""
    _editable[kind] = check
    if many is not None:
        _editable_many[kind] = many


def check_editable(kind: str, company_id: int | None, object_id: int | None) -> None:
    """Refuse (``LimitReached``) changing ``object_id`` of ``kind`` (a published product's
    id, a member's user id) when it lies beyond what the company's plan allows now: kept
    and shown, read-only until the company pays or brings its use within the plan."""
    check = _editable.get(kind)
    if check is not None and company_id is not None and object_id is not None:
        check(company_id, object_id)


def read_only_among(kind: str, company_id: int | None, object_ids: list[int | None]
                    ) -> dict[int, LimitReached]:
    """``check_editable`` for many objects at once (a catalog import's batch): the
    refusal of each one that may not be changed, by id; asked once, not once an object."""
    ids = [object_id for object_id in object_ids if object_id is not None]
    if company_id is None or not ids:
        return {}
    many = _editable_many.get(kind)
    if many is not None:
        return many(company_id, ids)
    refused: dict[int, LimitReached] = {}
    for object_id in ids:
        try:
            check_editable(kind, company_id, object_id)
        except LimitReached as error:
            refused[object_id] = error
    return refused


def meter_blueprint(blueprint: str, kind: str) -> None:
    """Every read (GET) of ``blueprint``'s API routes counts one ``kind`` (crm's analytics
    API: one analytics view a call); ``api_auth`` asks ``check_metered`` once it knows
    the company."""
    _metered[blueprint] = kind


def check_metered(blueprint: str | None, company_id: int | None) -> None:
    kind = _metered.get(blueprint or "")
    if kind is not None:
        check_limit(kind, company_id)
