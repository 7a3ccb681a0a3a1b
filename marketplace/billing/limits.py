"""Billing answers core's plan limits (core/limits.py): one check a kind, registered
when billing is imported. A stock (published products, members) is counted where it
lives; a use per period (analytics views, API calls, buying-request answers) is counted
here: a read (an API call, an analytics view) apart from the request's transaction on
PostgreSQL, with the company's standing read in the same statement; the rest in it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.billing import queries
from marketplace.billing.operations import count_read_apart, count_use, uncount_read_apart
from marketplace.core.limits import (
    ANALYTICS_VIEWS,
    API_CALLS,
    BUYING_REQUEST_ANSWERS,
    KINDS,
    MEMBERS,
    PRODUCTS,
    LimitReached,
    register_limit,
    register_read_only,
)
from marketplace.extensions import db

# Reads counted per period, each request of a partner system or member: counted apart
# from the request's transaction (operations.count_read_apart).
READS = frozenset({API_CALLS, ANALYTICS_VIEWS})

# The words of each limit: its name (usage bars, the plans table) and the refusal.
LIMIT_NAMES = {PRODUCTS: _l("Published products"), MEMBERS: _l("Members"),
               BUYING_REQUEST_ANSWERS: _l("Answers to buying requests a month"),
               ANALYTICS_VIEWS: _l("Analytics views a month"),
               API_CALLS: _l("API calls a day")}


def refusal(kind: str, plan_name: str, allowed: int, used: int) -> str:
    words = {
        PRODUCTS: _("Your plan (%(plan)s) allows %(allowed)s products; %(used)s are "
                    "published. Upgrade your plan or unpublish a product first."),
        MEMBERS: _("Your plan (%(plan)s) allows %(allowed)s members; %(used)s are members "
                   "or invited. Upgrade your plan or remove a member first."),
        BUYING_REQUEST_ANSWERS: _("Your plan (%(plan)s) allows %(allowed)s answers to "
                                  "buying requests a month; %(used)s were sent this month. "
                                  "Upgrade your plan to answer more."),
        ANALYTICS_VIEWS: _("Your plan (%(plan)s) allows %(allowed)s analytics views a "
                           "month; %(used)s were viewed this month. Upgrade your plan to "
                           "see more."),
        API_CALLS: _("Your plan (%(plan)s) allows %(allowed)s API calls a day; %(used)s "
                     "were made today. Try again tomorrow (UTC) or upgrade your plan."),
    }[kind]
    return words % {"plan": plan_name, "allowed": allowed, "used": used}


def read_only_refusal(kind: str, plan_name: str, allowed: int, used: int) -> str:
    """Why a thing beyond the free plan cannot be changed, and what lifts it."""
    words = {
        PRODUCTS: _("Your plan (%(plan)s) allows %(allowed)s products; %(used)s are "
                    "published. This product is beyond what your plan allows, so it stays "
                    "published but read-only until your company's payment goes through or "
                    "no more than %(allowed)s products are published."),
        MEMBERS: _("Your plan (%(plan)s) allows %(allowed)s members; %(used)s are members. "
                   "Your membership is beyond what the plan allows, so you can read but not "
                   "change anything until your company's payment goes through or an admin "
                   "brings the members down to %(allowed)s."),
    }[kind]
    return words % {"plan": plan_name, "allowed": allowed, "used": used}


# What a refused read-only object still allows.
READ_ONLY_ACTIONS = {PRODUCTS: ["unpublish", "archive", "delete"], MEMBERS: []}


def _editable(kind: str):
    def check(company_id: int, object_id: int) -> None:
        refused = read_only_among(company_id, [object_id])
        if object_id in refused:
            raise refused[object_id]

    def read_only_among(company_id: int, object_ids: list[int]) -> dict[int, LimitReached]:
        """The refusal of each of these objects that lies beyond the plan (a catalog
        import's batch: asked once, not once a row)."""
        with db.session.no_autoflush:
            if not queries.lapsed(company_id):
                return {}
            standing = queries.standing(company_id)
            if not standing.read_only_beyond_free:
                return {}
            allowed = queries.allowed(standing, kind)
            if allowed is None:
                return {}
            beyond = queries.beyond_allowance(kind, company_id, allowed)
            refused = [object_id for object_id in object_ids if object_id in beyond]
            if not refused:
                return {}
            from flask_babel import get_locale

            plan = standing.limits_plan
            used = queries.used(kind, company_id, invited=False)
            return {object_id: LimitReached(
                read_only_refusal(kind, plan.label(str(get_locale())) if plan else "",
                                  allowed, used),
                limit=kind, allowed=allowed, used=used,
                allowed_actions=READ_ONLY_ACTIONS[kind]) for object_id in refused}

    return check, read_only_among


def _refuse(kind: str, standing, allowed: int, used: int, adding: int) -> None:
    from flask_babel import get_locale

    plan = standing.limits_plan
    name = plan.label(str(get_locale())) if plan else ""
    raise LimitReached(refusal(kind, name, allowed, used + max(adding, 1) - 1),
                       limit=kind, allowed=allowed, used=used,
                       status=429 if kind == API_CALLS else None)


def _counted_apart(kind: str, company_id: int) -> bool:
    """Count one read apart from the request's transaction, with the standing read in
    the same statement; a read refused, or one no plan applies to, is taken back.
    False where there is no transaction apart (the caller counts in its own)."""
    counted = count_read_apart(kind, company_id)
    if counted is None:
        return False
    used, standing = counted
    if used is None:
        return True  # no plans on this marketplace: nothing limited, nothing counted
    allowed = queries.allowed(standing, kind)
    if standing.limits_plan is None or (allowed is not None and used + 1 > allowed):
        uncount_read_apart(kind, company_id)
        if standing.limits_plan is not None:
            # The refusal names the plan: read whole (a refused read is the rare one).
            _refuse(kind, queries.standing(company_id), allowed, used, 1)
    return True


def _check(kind: str):
    def check(company_id: int, adding: int) -> None:
        # Asked in the middle of a caller's change (a product being published): reading
        # must not flush it early, or the caller's audit would miss what it changed.
        with db.session.no_autoflush:
            _checked(company_id, adding)

    def _checked(company_id: int, adding: int) -> None:
        if kind == MEMBERS:
            db.session.flush()  # invitations the caller just withdrew (a re-invitation)
        if kind in READS and adding == 1 and _counted_apart(kind, company_id):
            return
        standing = queries.standing(company_id)
        allowed = queries.allowed(standing, kind)
        if standing.limits_plan is None:
            return  # no plans on this marketplace: nothing limited, nothing to count
        counted = adding if kind in queries.MONTHLY | queries.DAILY else 0
        if counted:
            # Counted before compared: the count's write holds the company's counter (the
            # row's lock; SQLite's one writer) until this request ends, so two at once
            # cannot both take the last one. A refusal rolls the count back with the rest.
            count_use(kind, company_id, counted)
        if allowed is None:
            return
        used = queries.used(kind, company_id) - counted
        if used + adding > allowed:
            _refuse(kind, standing, allowed, used, adding)

    return check


for _kind in KINDS:
    register_limit(_kind, _check(_kind))
for _kind in (PRODUCTS, MEMBERS):
    register_read_only(_kind, *_editable(_kind))
