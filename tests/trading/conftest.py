"""Fixtures of the trading tests: products to put on documents."""

from __future__ import annotations

import itertools

import pytest

from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company

_skus = itertools.count(1)


@pytest.fixture
def make_product(app):
    """A published product of ``company_id`` through the catalog's own operation;
    ``category`` (a code, created when new) and ``product_line`` (a name) optional.
    Returns ``(product_id, product_line_id, category_id)``."""
    from marketplace.content.operations.products import save_product

    def make(company_id: int, *, name: str = "Hex bolt M8", category: str | None = None,
             product_line: str | None = None, **values) -> tuple[int, int | None, int | None]:
        with app.test_request_context():
            if category and not db.session.scalar(db.select(Category).where(
                    Category.code == category)):
                db.session.add(Category(code=category, name=category.title()))
                db.session.flush()
            body = {"sku": f"T-{next(_skus):05d}", "name": name, "status": "published",
                    **({"category": category} if category else {}),
                    **({"product_line": product_line} if product_line else {}), **values}
            product = save_product(db.session.get(Company, company_id), body)
            commit()
            return product.id, product.product_line_id, product.category_id

    return make
