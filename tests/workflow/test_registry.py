"""The engine knows the trade's words, limits and products only through what trading
registered (workflow/registry.py): the engine's own refusals follow the registered
vocabulary, and a line's product is found through the registered resolver."""

from __future__ import annotations

import pytest

from marketplace.core.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import User
from marketplace.trading.doctypes import INCOTERMS_2020, MAX_LINES, PAYMENT_TERMS
from marketplace.workflow import engine, registry
from tests.trading.conftest import make_product  # noqa: F401 - the fixture
from tests.trading.support import LINES, Trade


def _actor(member):
    return ensure_may_act(db.session.get(User, member.user_id))


def _inquiry(trade, *, header=None, lines=LINES):
    return engine.create_document("inquiry", actor=_actor(trade.buyer),
                                  recipient_company_id=trade.supplier.company_id,
                                  header={"currency": "USD", **(header or {})}, lines=lines)


def test_trading_registers_its_vocabulary_and_limits():
    words = registry.vocabulary()
    assert words.incoterms == INCOTERMS_2020
    assert words.payment_terms == tuple(PAYMENT_TERMS)
    assert words.max_lines == MAX_LINES


def test_the_engine_refuses_by_the_registered_vocabulary(app, make, api):
    trade = Trade.start(make, api)
    with app.test_request_context():
        with pytest.raises(ValidationFailed) as refusal:
            _inquiry(trade, header={"incoterm": "XYZ", "payment_terms": "barter"})
        assert set(refusal.value.errors) == {"incoterm", "payment_terms"}
        assert "FOB" in refusal.value.errors["incoterm"][0]
        with pytest.raises(ValidationFailed) as refusal:
            _inquiry(trade, lines=[LINES[0]] * (MAX_LINES + 1))
        assert "lines" in refusal.value.errors
        document = _inquiry(trade, header={"incoterm": "FOB", "payment_terms": "lc_sight"})
        assert (document.incoterm, document.payment_terms) == ("FOB", "lc_sight")
        db.session.rollback()


def test_a_line_finds_its_product_through_the_registered_resolver(app, make, api,
                                                                  make_product):
    trade = Trade.start(make, api)
    product_id, _, _ = make_product(trade.supplier.company_id, name="Hex bolt M8",
                                    unit="kg")
    with app.test_request_context():
        document = _inquiry(trade, lines=[{"product_id": product_id, "quantity": "5"}])
        line = document.lines[0]
        assert (line.product_id, line.description, line.unit) == (product_id, "Hex bolt M8",
                                                                  "kg")
        found = registry.products([product_id], None)
        assert list(found) == [product_id] and found[product_id].name == "Hex bolt M8"
        db.session.rollback()
