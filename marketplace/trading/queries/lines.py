"""The catalog's products a document line names: how the engine finds them (trading
registers ``line_products`` in ``workflow/registry.py``, so the engine itself never reads
the catalog), and what a printed line shows of them (``lines_for_print``, for exports)."""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from marketplace.content.models import MediaFile, MediaKind, Product, ProductMedia
from marketplace.content.queries.media import public_media_clause
from marketplace.core.scoping import visibility_clause
from marketplace.extensions import db
from marketplace.workflow.models import Document, DocumentLine


def line_products(product_ids: Collection[int], company_id: int | None) -> dict[int, Product]:
    """The products with these ids, by id: those ``company_id`` may see, or any when
    None (auto-dispatch matches the products already on a sent document)."""
    stmt = _line_products_statement(scoped=company_id is not None)
    rows = db.session.scalars(stmt, {"ids": list(product_ids), "company_id": company_id})
    return {product.id: product for product in rows}


@functools.cache
def _line_products_statement(scoped: bool):
    """Built once, the ids and the company bound at each run: the engine asks on every
    create, update and derivation, and building the visibility rule's clause cost more
    than running it."""
    stmt = select(Product).where(Product.id.in_(bindparam("ids", expanding=True)))
    if scoped:
        stmt = stmt.where(visibility_clause(Product, bindparam("company_id")))
    return stmt


@dataclass(frozen=True)
class ShownProduct:
    """What a printed line may show of its product: its images and videos, in the order
    the product shows them, of those files the document's parties may show each other."""

    product_id: int
    images: list[MediaFile] = field(default_factory=list)
    videos: list[MediaFile] = field(default_factory=list)


def lines_for_print(document: Document) -> tuple[list[DocumentLine], dict[int, ShownProduct]]:
    """The document's lines in order, and by line id the product each may show: only
    the two parties' own products and public ones, and of their files only the parties'
    own and public ones (a third company's private product shows nothing). The same
    few queries however many lines."""
    lines = list(db.session.scalars(
        select(DocumentLine).where(DocumentLine.document_id == document.id)
        .order_by(DocumentLine.position, DocumentLine.id)))
    parties = [cid for cid in (document.issuer_company_id, document.recipient_company_id) if cid]
    product_ids = {line.product_id for line in lines if line.product_id is not None}
    if not product_ids:
        return lines, {}
    # Only the parties' own products and public ones; the engine's line knows a product
    # by its id alone (workflow never maps content's Product).
    products = {product.id: product for product in db.session.scalars(
        select(Product).where(Product.id.in_(product_ids),
                              Product.company_id.in_(parties) | Product.publicly_visible())
        .options(selectinload(Product.media).selectinload(ProductMedia.file)))}
    media_ids = {item.media_id for product in products.values() for item in product.media}
    media = set(db.session.scalars(select(MediaFile.id).where(
        MediaFile.id.in_(media_ids), MediaFile.company_id.in_(parties) | public_media_clause()))
    ) if media_ids else set()
    shown = {}
    for line in lines:
        product = products.get(line.product_id)
        if product is None:
            continue
        files = [item.file for item in product.media if item.media_id in media]
        shown[line.id] = ShownProduct(
            product.id, images=[f for f in files if f.kind == MediaKind.IMAGE],
            videos=[f for f in files if f.kind == MediaKind.VIDEO])
    return lines, shown
