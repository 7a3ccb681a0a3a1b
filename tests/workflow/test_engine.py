"""The engine called directly, as other modules do (fulfillment's shipping documents)."""

from __future__ import annotations

import pytest

from marketplace.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import User
from marketplace.workflow import engine
from tests.trading.support import LINES, Trade, accepted_purchase_order


def _actor(member):
    return ensure_may_act(db.session.get(User, member.user_id))


def test_a_module_keeps_its_own_extras_beside_the_types_fields(app, make, api):
    order = accepted_purchase_order(make, api)
    trade = order.trade
    with app.test_request_context():
        from marketplace.workflow.models import Document

        parent = db.session.get(Document, order["id"])
        actor = _actor(trade.supplier)
        invoice = engine.create_document(
            "commercial_invoice", actor=actor, recipient_company_id=trade.buyer.company_id,
            header={"currency": "USD", "extras": {"shipment_id": 7, "lc_number": "LC-88",
                                                  "due_date": "2027-02-01"}},
            lines=[{**LINES[0], "unit_price": "0.072"}], parent=parent)
        assert invoice.extras == {"shipment_id": 7, "lc_number": "LC-88",
                                  "due_date": "2027-02-01"}
        assert invoice.thread_id == parent.thread_id and invoice.parent_id == parent.id
        engine.perform(invoice, "send", actor)
        assert invoice.status == "sent" and invoice.assigned_to_id == trade.buyer.user_id
        with pytest.raises(ValidationFailed) as refusal:
            engine.create_document("commercial_invoice", actor=actor,
                                   recipient_company_id=trade.buyer.company_id,
                                   header={"currency": "EUR"}, lines=LINES, parent=parent)
        assert "currency" in refusal.value.errors
        with pytest.raises(Conflict) as conflict:
            engine.perform(invoice, "accept", actor)
        assert conflict.value.extra["allowed_actions"] == ["cancel", "archive"]
        assert engine.allowed_actions(invoice, _actor(trade.buyer)) == [
            "accept", "decline", "forward", "archive"]
        db.session.rollback()


def test_a_stranger_is_not_told_the_document_exists(app, make, api):
    trade = Trade.start(make, api)
    stranger = make.company_with_admin("Stranger", roles=("supplier",))
    draft = trade.create("buyer", "inquiry")
    with app.test_request_context():
        from marketplace.workflow.models import Document

        document = db.session.get(Document, draft["id"])
        with pytest.raises(NotFound):
            engine.perform(document, "send", _actor(stranger))
        with pytest.raises(NotFound):  # not sent yet: the recipient does not see it either
            engine.perform(document, "decline", _actor(trade.supplier))
        assert engine.allowed_actions(document, _actor(stranger)) == []
        with pytest.raises(NotFound):
            engine.derive(document, "quotation", actor=_actor(stranger))
