"""Who is who in a supplier link: the acting company as a buyer, and the suppliers it
trades with. A supplier the buyer has no link with is not found, as anything else."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from marketplace.core.errors import Forbidden, NotFound
from marketplace.extensions import db
from marketplace.fulfillment.queries import trade_between
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.models import Company, CompanyStatus
from marketplace.supplier_link.models import SkuCrossReference


def acting_company() -> Company:
    """The company the caller acts for; the operator keeps no supplier link."""
    actor = current_actor()
    if actor is None or actor.company is None:
        raise Forbidden(str(_l("The supplier link is kept by companies; the platform "
                               "operator has none.")))
    return actor.company


def linked(buyer_id, supplier_id):
    """True in SQL when buyer and supplier trade: an order between them, or a SKU
    cross-reference the buyer keeps to one of the supplier's products. (A sharing
    setting alone links nothing: nobody becomes a supplier's buyer by choosing what
    to share.)"""
    return or_(
        trade_between(buyer_id, supplier_id),
        exists().where(SkuCrossReference.buyer_company_id == buyer_id,
                       SkuCrossReference.supplier_company_id == supplier_id))


def linked_company(company_id: int, *, of: Company, as_buyer: bool) -> Company:
    """The company ``company_id`` when it trades with ``of`` (``as_buyer``: it is the
    buyer and ``of`` the supplier); otherwise NotFound, never a hint it exists."""
    buyer_id, supplier_id = (company_id, of.id) if as_buyer else (of.id, company_id)
    company = db.session.scalar(select(Company).where(
        Company.id == company_id, Company.id != of.id,
        Company.status != CompanyStatus.PENDING, linked(buyer_id, supplier_id)))
    if company is None:
        what = _l("Buyer") if as_buyer else _l("Supplier")
        raise NotFound(str(_l("%(what)s %(id)s was not found among your trading partners.",
                              what=what, id=company_id)))
    return company


def supplier_for_sharing(supplier_id: int, buyer: Company) -> Company:
    """A supplier the buyer trades with (an order, or a mapped SKU); else 404."""
    return linked_company(supplier_id, of=buyer, as_buyer=False)


def active_suppliers(buyer: Company, limit: int = 200) -> list[Company]:
    """Every active supplier but the buyer itself, by name: whom a buyer without trading
    partners yet may map its first SKUs to."""
    return list(db.session.scalars(select(Company).where(
        Company.is_supplier, Company.status == CompanyStatus.ACTIVE,
        Company.id != buyer.id).order_by(Company.name).limit(limit)))
