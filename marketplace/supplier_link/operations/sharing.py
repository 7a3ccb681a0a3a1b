"""What a buyer shares with each supplier, and its SKU cross-references."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.audit import record_audit
from marketplace.core.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from marketplace.supplier_link.models import (
    VIEWS,
    SharingSetting,
    SkuCrossReference,
    view_flag,
)
from marketplace.supplier_link.queries.cross_references import product_for_buyer

SETTING_FIELDS = tuple(view_flag(view) for view in VIEWS) + ("target_cover_weeks",)


def sharing_of(buyer_id: int, supplier_id: int) -> SharingSetting:
    """The stored setting, or an unsaved one with the defaults (every view shared)."""
    setting = db.session.scalar(select(SharingSetting).where(
        SharingSetting.buyer_company_id == buyer_id,
        SharingSetting.supplier_company_id == supplier_id))
    if setting is None:
        setting = SharingSetting(buyer_company_id=buyer_id, supplier_company_id=supplier_id,
                                 **{flag: True for flag in SETTING_FIELDS[:-1]})
        setting.target_cover_weeks = SharingSetting.target_cover_weeks.default.arg
        setting.version = 0  # not stored yet
        setting.supplier = db.session.get(Company, supplier_id)
    return setting


def update_sharing(buyer: Company, supplier: Company, values: dict[str, Any]) -> SharingSetting:
    setting = sharing_of(buyer.id, supplier.id)
    if setting.id is None:
        setting.version = None
        db.session.add(setting)
    before = {name: getattr(setting, name) for name in SETTING_FIELDS}
    for name in SETTING_FIELDS:
        if name in values:
            setattr(setting, name, values[name])
    db.session.flush()
    changes = {name: [before[name], getattr(setting, name)] for name in SETTING_FIELDS
               if before[name] != getattr(setting, name)}
    record_audit("supplier_link.sharing_changed", setting, company_id=buyer.id, changes=changes)
    return setting


# ----- SKU cross-references -------------------------------------------------------------------


def add_cross_reference(buyer: Company, values: dict[str, Any]) -> SkuCrossReference:
    buyer_sku = values["buyer_sku"].strip()
    product = product_for_buyer(buyer, values.get("product_id"), values.get("supplier_id"),
                                values.get("supplier_sku"))
    taken = db.session.scalar(select(SkuCrossReference).where(
        SkuCrossReference.buyer_company_id == buyer.id,
        SkuCrossReference.buyer_sku == buyer_sku))
    if taken is not None:
        raise ValidationFailed(errors={"buyer_sku": [str(_l(
            "Your SKU %(sku)s is already mapped (to %(product)s); delete that mapping first.",
            sku=buyer_sku, product=taken.product.sku))]})
    xref = SkuCrossReference(buyer_company_id=buyer.id, supplier_company_id=product.company_id,
                             buyer_sku=buyer_sku, product=product)
    db.session.add(xref)
    db.session.flush()
    record_audit("supplier_link.sku_mapped", xref, company_id=buyer.id,
                 changes={"buyer_sku": [None, buyer_sku], "product": [None, product.id]})
    return xref


def delete_cross_reference(xref: SkuCrossReference) -> None:
    record_audit("supplier_link.sku_unmapped", xref, company_id=xref.buyer_company_id,
                 changes={"buyer_sku": [xref.buyer_sku, None]})
    db.session.delete(xref)
    db.session.flush()
