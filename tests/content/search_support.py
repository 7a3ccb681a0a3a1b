"""Test data for the search tests: a small realistic catalog, built through the real
product operations, whose index updates run as in production (signals, after commit).

Import the fixtures into a test module: ``from tests.content.search_support import *``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.content import search
from marketplace.core.boundary import commit

__all__ = ["Catalog", "catalog", "fresh_index", "run", "search_in"]


@pytest.fixture(autouse=True)
def fresh_index(app):
    """Every search test starts with empty indexes (the test app's instance folder lives
    for the whole run; other tests' products are indexed there too)."""
    with app.app_context():
        search.clear()
    yield


def run(app, fn):
    """Run ``fn`` in a request context and commit, as a request would."""
    with app.test_request_context():
        result = fn()
        commit()
        return result


def search_in(app, text="", **kwargs):
    """``search.search_products`` in a request context: (skus in order, results)."""
    filters = kwargs.pop("filters", None)
    with app.test_request_context():
        results = search.search_products(text, filters, **kwargs)
        return [hit.product.sku for hit in results.items], results


@dataclass
class Catalog:
    fasteners: object  # a Member: the admin of a Taiwanese supplier
    textiles: object  # the admin of a Turkish supplier
    ids: dict  # sku -> product id

    @property
    def fasteners_id(self) -> int:
        return self.fasteners.company_id

    @property
    def textiles_id(self) -> int:
        return self.textiles.company_id


@pytest.fixture
def catalog(app, make, make_product):
    from marketplace.infrastructure.operations import install_default_categories

    run(app, install_default_categories)
    fasteners = make.company_with_admin("Taiwan Precision Fasteners Co.", roles=("supplier",),
                                        country="TW")
    textiles = make.company_with_admin("Anatolia Home Textiles", roles=("supplier",),
                                       country="TR")
    f, t = fasteners.company_id, textiles.company_id
    ids = {
        "HB-M8": make_product(
            f, sku="HB-M8", name="Stainless steel hex bolt M8", name_zh="不鏽鋼六角螺栓 M8",
            description="DIN 933 hex head bolt for outdoor furniture and marine fittings.",
            attributes={"Material": "Stainless steel A2-70", "Thread": "M8 x 1.25"},
            category="hardware.fasteners", moq="1000",
            price_tiers=[{"min_qty": "1000", "unit_price": "0.1200"},
                         {"min_qty": "10000", "unit_price": "0.0950"}]),
        "CB-M10": make_product(
            f, sku="CB-M10", name="Zinc plated carbon steel bolt M10", name_zh="鍍鋅碳鋼螺栓 M10",
            description="Grade 8.8 bolt for steel structures.",
            attributes={"Material": "Carbon steel", "Finish": "Zinc plated"},
            category="hardware.fasteners",
            price_tiers=[{"min_qty": "1000", "unit_price": "0.0800"}]),
        "HN-M8": make_product(
            f, sku="HN-M8", name="Hex nut M8", name_zh="六角螺帽 M8",
            description="Fits our stainless steel bolts.",
            attributes={"Material": "Stainless steel A2"}, category="hardware.fasteners",
            price_tiers=[{"min_qty": "1000", "unit_price": "0.0200"}]),
        "RW-12": make_product(
            f, sku="RW-12", name="Ratchet wrench set, 12 pieces", name_zh="棘輪扳手組 12件",
            description="Chrome vanadium steel.", category="hardware.hand_tools",
            price_tiers=[{"min_qty": "10", "unit_price": "18.5000"}]),
        "TW-500": make_product(
            t, sku="TW-500", name="Cotton bath towel 500 gsm", name_zh="純棉浴巾",
            description="Turkish cotton terry towel, hotel quality.",
            attributes={"Weight": "500 gsm", "Size": "70 x 140 cm"},
            category="apparel.fabrics", currency="EUR",
            price_tiers=[{"min_qty": "100", "unit_price": "3.5000"}]),
    }
    return Catalog(fasteners, textiles, ids)

