"""The writes of favourites and saved searches (check, change, flush; never commit),
and the alert run: new products matching each saved search, told once (the bell), and
the daily digest by mail."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.errors import ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.favourites import queries
from marketplace.favourites.models import Favourite, SavedSearch, SavedSearchHit
from marketplace.favourites.queries import Member
from marketplace.infrastructure.links import absolute_url
from marketplace.infrastructure.mail import queue_mail
from marketplace.infrastructure.notifications import N_, notify
from marketplace.infrastructure.notifications.models import NotificationPreference

FILTERS = ("category", "country", "supplier", "min_price", "max_price", "currency")
MAX_SAVED_SEARCHES = 50  # per member: enough to follow a market, few enough to read
ALERT_BATCH = 100  # the newest matches looked at per search and run


# ----- favourites -------------------------------------------------------------------------


def add_favourite(member: Member, *, product_id: int | None = None,
                  supplier_id: int | None = None) -> tuple[Favourite, bool]:
    """Star a product anyone may see, or an active supplier; starring it again changes
    nothing. Answers the favourite and whether it is new."""
    if (product_id is None) == (supplier_id is None):
        message = str(_l("Name a product or a supplier (one of the two)."))
        raise ValidationFailed(message, errors={"product_id": [message]})
    if product_id is not None and queries.public_product(product_id) is None:
        raise ValidationFailed(errors={"product_id": [str(_l("No such product."))]})
    if supplier_id is not None and queries.active_supplier(supplier_id) is None:
        raise ValidationFailed(errors={"supplier_id": [str(_l("No such supplier."))]})
    existing = queries.favourite_of(member, product_id=product_id, supplier_id=supplier_id)
    if existing is not None:
        return existing, False
    favourite = Favourite(user_id=member.user_id, company_id=member.company_id,
                          product_id=product_id, supplier_id=supplier_id, created_at=utcnow())
    db.session.add(favourite)
    db.session.flush()
    return favourite, True


def remove_favourite(favourite: Favourite) -> None:
    db.session.delete(favourite)
    db.session.flush()


# ----- saved searches ---------------------------------------------------------------------


def _plain_filters(values: dict[str, Any]) -> dict[str, Any]:
    """The filters as JSON: prices as decimal strings, nothing empty."""
    kept = {}
    for name in FILTERS:
        value = values.get(name)
        if value in (None, ""):
            continue
        kept[name] = f"{value:f}" if isinstance(value, Decimal) else value
    return kept


def _check_name(member: Member, name: str | None, except_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(errors={"name": [str(_l("Give the search a name."))]})
    if len(name) > 120:
        raise ValidationFailed(errors={"name": [str(_l("At most 120 characters."))]})
    return name


def save_search(member: Member, values: dict[str, Any]) -> SavedSearch:
    """Save the words and filters of a product search (``values`` as the search's
    arguments load them) under a name; its alerts are on unless ``alerts`` is False.
    Products already there are not news: only those published from now on are alerted."""
    name = _check_name(member, values.get("name"))
    count = db.session.scalar(select(db.func.count(SavedSearch.id)).where(
        SavedSearch.user_id == member.user_id, SavedSearch.company_id == member.company_id))
    if count >= MAX_SAVED_SEARCHES:
        raise ValidationFailed(errors={"name": [str(_l(
            "You have %(n)d saved searches, the most there can be: delete one first.",
            n=MAX_SAVED_SEARCHES))]})
    search = SavedSearch(user_id=member.user_id, company_id=member.company_id, name=name,
                         query=(values.get("q") or "").strip(),
                         filters=_plain_filters(values), alerts=values.get("alerts", True),
                         last_run_at=utcnow())
    db.session.add(search)
    db.session.flush()
    return search


def update_saved_search(member: Member, search: SavedSearch, values: dict[str, Any]
                        ) -> SavedSearch:
    """Rename it, or turn its alerts on or off."""
    if "name" in values:
        search.name = _check_name(member, values["name"], except_id=search.id)
    if "alerts" in values and values["alerts"] is not None:
        search.alerts = bool(values["alerts"])
    db.session.flush()
    return search


def delete_saved_search(search: SavedSearch) -> None:
    db.session.delete(search)
    db.session.flush()


# ----- the alert run ----------------------------------------------------------------------


def _filters_of(search: SavedSearch):
    from marketplace.content.search import ProductFilters

    stored = search.filters or {}
    return ProductFilters(
        category=stored.get("category"), country=stored.get("country"),
        supplier=stored.get("supplier"),
        min_price=Decimal(stored["min_price"]) if stored.get("min_price") else None,
        max_price=Decimal(stored["max_price"]) if stored.get("max_price") else None,
        currency=stored.get("currency"))


def _new_products(search: SavedSearch) -> list:
    """Products matching the search now, published after it was saved and not reported
    to it before. The search answers only published products of active companies."""
    from marketplace.content.search import search_products

    try:
        results = search_products(search.query, _filters_of(search), per_page=ALERT_BATCH,
                                  sort="newest")
    except ValidationFailed:  # its category was removed since: nothing can match
        return []
    reported = queries.reported_product_ids(search)
    return [hit.product for hit in results.items
            if hit.product.id not in reported and hit.product.published_at is not None
            and hit.product.published_at >= search.created_at]


def run_saved_search_alerts(now: datetime | None = None) -> int:
    """One round over every saved search with alerts on: each new match is recorded
    once (the unique pair keeps a second run from telling it again) and the member is
    told in the bell. Answers the number of new matches."""
    now = now or utcnow()
    total, after = 0, 0
    while batch := queries.searches_with_alerts(after):
        for search in batch:
            found = _new_products(search)
            search.last_run_at = now
            if not found:
                continue
            db.session.add_all(SavedSearchHit(saved_search_id=search.id, product_id=p.id,
                                              found_at=now) for p in found)
            _tell(search, found)
            total += len(found)
        after = batch[-1].id
        db.session.flush()
    return total


def _tell(search: SavedSearch, found: list) -> None:
    if len(found) == 1:
        message = N_("New in your saved search “%(search)s”: %(product)s.")
        params = {"search": search.name, "product": found[0].name}
    else:
        message = N_("%(count)s new products match your saved search “%(search)s”.")
        params = {"search": search.name, "count": len(found)}
    notify("saved_search.matched", company_id=search.company_id, user_ids=[search.user_id],
           message=message, params=params, link=f"/saved-searches/{search.id}", email=False)


def send_saved_search_digests(now: datetime | None = None) -> int:
    """The daily mail: per member, the matches not mailed yet, grouped by saved search;
    at most one a day (``SAVED_SEARCH_DIGEST_HOURS``). A member who turned the digest off
    gets none, and its matches are not kept for later. Answers the mails queued."""
    now = now or utcnow()
    every = timedelta(hours=float(current_app.config.get("SAVED_SEARCH_DIGEST_HOURS", 24)))
    by_user: dict[int, list[SavedSearchHit]] = defaultdict(list)
    for hit in queries.undigested_hits():
        by_user[hit.saved_search.user_id].append(hit)
    if not by_user:
        return 0
    declined = set(db.session.scalars(select(NotificationPreference.user_id).where(
        NotificationPreference.event == "saved_search.digest",
        NotificationPreference.email.is_(False),
        NotificationPreference.user_id.in_(list(by_user)))))
    sent = 0
    for user_id, hits in by_user.items():
        last = queries.last_digest_at(user_id)
        if user_id not in declined and last is not None and now - last < every:
            continue  # mailed today already: these wait for tomorrow's
        if user_id not in declined:
            _mail_digest(hits)
            sent += 1
        for hit in hits:
            hit.digested_at = now
    db.session.flush()
    return sent


def _mail_digest(hits: list[SavedSearchHit]) -> None:
    user = hits[0].saved_search.user
    groups: dict[int, tuple[SavedSearch, list]] = {}
    for hit in hits:
        groups.setdefault(hit.saved_search_id, (hit.saved_search, []))[1].append(hit.product)
    from marketplace.infrastructure.notifications import events

    with force_locale(user.language):
        subject = str(_l("New products for your saved searches: %(count)s",
                         count=len(hits)))
    queue_mail(user.email, subject, "saved_search_digest", language=user.language,
               user=user, groups=list(groups.values()),
               product_link=lambda product: absolute_url(f"/products/{product.id}"),
               search_link=lambda search: absolute_url(f"/saved-searches/{search.id}"),
               event=events.get_event("saved_search.digest"),
               settings_link=absolute_url("/notifications#settings"))
