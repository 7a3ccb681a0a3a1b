"""The reads of favourites and saved searches: always of the acting member in its
company (another member's, even a colleague's, is 404), plus what the alerts read of
the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from marketplace.content.models import Product
from marketplace.core.errors import Forbidden, NotFound
from marketplace.core.guards import company_actor
from marketplace.extensions import db
from marketplace.favourites.models import Favourite, SavedSearch, SavedSearchHit
from marketplace.infrastructure.models import Company, CompanyStatus


@dataclass(frozen=True)
class Member:
    """Who the favourites belong to: one person acting for one company."""

    user_id: int
    company_id: int


def acting_member() -> Member:
    """The acting member; Forbidden for the operator and for an API key (a partner
    system is nobody's favourites)."""
    actor = company_actor(_l("Favourites and saved searches belong to a company's members."))
    if actor.user is None or actor.via == "api_key":
        raise Forbidden(str(_l("Favourites and saved searches belong to a member: sign in "
                               "or use a member's token, not an API key.")))
    return Member(actor.user.id, actor.company.id)


def _own(model, member: Member):
    return (model.user_id == member.user_id) & (model.company_id == member.company_id)


def favourites(member: Member, kind: str | None = None) -> Select:
    """The member's favourites, newest first (``kind``: product or supplier)."""
    stmt = select(Favourite).where(_own(Favourite, member)).options(
        joinedload(Favourite.product).joinedload(Product.company),
        joinedload(Favourite.supplier))
    if kind == "product":
        stmt = stmt.where(Favourite.product_id.is_not(None))
    elif kind == "supplier":
        stmt = stmt.where(Favourite.supplier_id.is_not(None))
    return stmt.order_by(Favourite.created_at.desc(), Favourite.id.desc())


def favourite(member: Member, favourite_id: int) -> Favourite:
    found = db.session.get(Favourite, favourite_id) if 0 < favourite_id < 2**31 else None
    if found is None or found.user_id != member.user_id \
            or found.company_id != member.company_id:
        raise NotFound(str(_l("Favourite %(id)s was not found.", id=favourite_id)))
    return found


def favourite_of(member: Member, *, product_id: int | None = None,
                 supplier_id: int | None = None) -> Favourite | None:
    stmt = select(Favourite).where(_own(Favourite, member))
    if product_id is not None:
        stmt = stmt.where(Favourite.product_id == product_id)
    else:
        stmt = stmt.where(Favourite.supplier_id == supplier_id)
    return db.session.scalar(stmt)


def starred_ids(member: Member, kind: str) -> set[int]:
    """The ids of the member's starred products (or suppliers), read once per request:
    a page of search results asks for each of its products."""
    key = f"_favourite_{kind}_ids"
    if has_request_context() and key in g:
        return g.get(key)
    column = Favourite.product_id if kind == "product" else Favourite.supplier_id
    ids = set(db.session.scalars(select(column).where(_own(Favourite, member),
                                                      column.is_not(None))))
    if has_request_context():
        setattr(g, key, ids)
    return ids


def public_product(product_id: int) -> Product | None:
    """A product anyone may see (published, of an active company), else None."""
    if not 0 < product_id < 2**31:
        return None
    return db.session.scalar(select(Product).where(Product.id == product_id,
                                                   Product.publicly_visible()))


def active_supplier(company_id: int) -> Company | None:
    if not 0 < company_id < 2**31:
        return None
    company = db.session.get(Company, company_id)
    return company if company is not None and company.is_supplier \
        and company.status == CompanyStatus.ACTIVE else None


def saved_searches(member: Member) -> Select:
    return select(SavedSearch).where(_own(SavedSearch, member)).order_by(
        SavedSearch.name, SavedSearch.id)


def saved_search(member: Member, search_id: int) -> SavedSearch:
    found = db.session.get(SavedSearch, search_id) if 0 < search_id < 2**31 else None
    if found is None or found.user_id != member.user_id \
            or found.company_id != member.company_id:
        raise NotFound(str(_l("Saved search %(id)s was not found.", id=search_id)))
    return found


def recent_matches(search: SavedSearch, limit: int = 10) -> list[SavedSearchHit]:
    """The latest products reported to a saved search that are still public."""
    return list(db.session.scalars(
        select(SavedSearchHit).join(Product, Product.id == SavedSearchHit.product_id)
        .where(SavedSearchHit.saved_search_id == search.id, Product.publicly_visible())
        .options(joinedload(SavedSearchHit.product))
        .order_by(SavedSearchHit.found_at.desc(), SavedSearchHit.id.desc()).limit(limit)))


# ----- what the alerts read ---------------------------------------------------------------


def searches_with_alerts(after_id: int = 0, limit: int = 200) -> list[SavedSearch]:
    return list(db.session.scalars(
        select(SavedSearch).where(SavedSearch.alerts.is_(True), SavedSearch.id > after_id)
        .order_by(SavedSearch.id).limit(limit)))


def reported_product_ids(search: SavedSearch) -> set[int]:
    return set(db.session.scalars(select(SavedSearchHit.product_id).where(
        SavedSearchHit.saved_search_id == search.id)))


def undigested_hits() -> list[SavedSearchHit]:
    """Matches not mailed yet, of searches whose alerts are on, with their products
    still public (a product withdrawn meanwhile is left out of the digest)."""
    return list(db.session.scalars(
        select(SavedSearchHit).join(SavedSearch)
        .join(Product, Product.id == SavedSearchHit.product_id)
        .where(SavedSearchHit.digested_at.is_(None), SavedSearch.alerts.is_(True),
               Product.publicly_visible())
        .options(joinedload(SavedSearchHit.saved_search).joinedload(SavedSearch.user),
                 joinedload(SavedSearchHit.product).joinedload(Product.company))
        .order_by(SavedSearchHit.saved_search_id, SavedSearchHit.id)))


def last_digest_at(user_id: int):
    """When the member was last mailed a digest (the latest digested match)."""
    from sqlalchemy import func

    return db.session.scalar(
        select(func.max(SavedSearchHit.digested_at)).join(SavedSearch)
        .where(SavedSearch.user_id == user_id))
