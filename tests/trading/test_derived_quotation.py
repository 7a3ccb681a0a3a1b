"""Issue 17.9: a quotation derived from an inquiry starts from the supplier's price
tiers for each line's quantity, and its subject names the inquiry it answers."""

from __future__ import annotations

from decimal import Decimal

from tests.trading.support import Trade
from tests.worlds import shared_world

TIERS = [{"min_qty": "1000", "unit_price": "0.10"}, {"min_qty": "5000", "unit_price": "0.08"},
         {"min_qty": "20000", "unit_price": "0.065"}]


@shared_world
def world(make, api, make_product):
    trade = Trade.start(make, api)
    tiered, _, _ = make_product(trade.supplier.company_id, name="Hex bolt M8",
                                currency="USD", price_tiers=TIERS)
    untiered, _, _ = make_product(trade.supplier.company_id, name="Custom bracket",
                                  currency="USD")
    in_euro, _, _ = make_product(trade.supplier.company_id, name="Washer M8", currency="EUR",
                                 price_tiers=[{"min_qty": "1", "unit_price": "0.01"}])
    other = make.company_with_admin("Another Supplier Ltd", roles=("supplier",), country="TW")
    theirs, _, _ = make_product(other.company_id, name="Their bolt", currency="USD",
                                price_tiers=[{"min_qty": "1", "unit_price": "9.99"}])
    return {"trade": trade, "tiered": tiered, "untiered": untiered, "in_euro": in_euro,
            "theirs": theirs}


def _line(product_id: int | None, quantity: str, **extra) -> dict:
    return {"product_id": product_id, "description": f"Item {quantity}", "quantity": quantity,
            "unit": "pcs", **extra}


def _quotation(world, lines: list[dict]) -> tuple[dict, dict]:
    trade = world["trade"]
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", lines=lines), "send")
    return inquiry, trade.derive("supplier", inquiry, "quotation")


def _prices(document: dict) -> list[Decimal | None]:
    return [None if line["unit_price"] is None else Decimal(line["unit_price"])
            for line in document["lines"]]


def test_each_line_takes_the_tier_for_its_quantity(world):
    tiered = world["tiered"]
    _, quotation = _quotation(world, [
        _line(tiered, "1000"),    # exactly the first tier
        _line(tiered, "7500"),    # between the second and the third
        _line(tiered, "20000"),   # exactly the last
        _line(tiered, "250000"),  # far above the last
    ])
    assert _prices(quotation) == [Decimal("0.10"), Decimal("0.08"), Decimal("0.065"),
                                  Decimal("0.065")]
    assert Decimal(quotation["totals"]["total"]) == (
        Decimal("100") + Decimal("600") + Decimal("1300") + Decimal("16250"))


def test_no_tier_leaves_the_price_empty_not_zero(world):
    _, quotation = _quotation(world, [
        _line(world["tiered"], "999"),     # below the first tier
        _line(world["untiered"], "5000"),  # a product without tiers
        _line(None, "10"),                 # no product at all
        _line(world["in_euro"], "5000"),   # priced in another currency than the document
        _line(world["theirs"], "5000"),    # another supplier's product
    ])
    assert _prices(quotation) == [None] * 5
    assert all(line["amount"] is None for line in quotation["lines"])


def test_a_price_the_inquiry_carries_is_kept(world):
    _, quotation = _quotation(world, [_line(world["tiered"], "7500", unit_price="0.07")])
    assert _prices(quotation) == [Decimal("0.07")]


def test_the_subject_names_the_inquiry_and_a_revision_keeps_it(world):
    trade = world["trade"]
    inquiry, quotation = _quotation(world, [_line(world["tiered"], "5000")])
    assert inquiry["subject"] == "M8 fasteners for spring"
    assert quotation["subject"] == f"Quotation for inquiry {inquiry['number']}"
    sent = trade.act("supplier", quotation, "send")
    revised = trade.derive("supplier", sent, "quotation")
    assert revised["subject"] == quotation["subject"]
    assert _prices(revised) == [Decimal("0.08")]  # the revision carries the quoted price
    trade.act("buyer", sent, "accept")
    order = trade.derive("buyer", sent, "purchase_order")
    assert order["subject"] == f"Purchase order for quotation {sent['number']}"

