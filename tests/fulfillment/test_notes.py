"""Credit and debit notes change what the buyer owes (issue 17.6): the invoice a note
names, else the oldest open ones; a credit above what is open is refused with the
amount that fits, when issued and again when accepted; a replayed acceptance settles
once; receivables, payables, aging and the supplier link's payables view show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.core.signals import document_transitioned
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, NoteSettlement
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import User
from marketplace.workflow.models import Document
from tests.fulfillment.money_support import accept, backdate, invoice_of, note
from tests.fulfillment.support import Pair, trade_pair
from tests.worlds import shared_world

LINES = [("BOLT-M8", "1000", "0.12"), ("NUT-M8", "500", "0.05")]  # 145.00 USD


@dataclass
class World:
    pair: Pair
    older: dict  # 145.00, issued 40 days ago (10 days overdue)
    newer: dict  # 145.00, issued today


@shared_world
def world(make, api, app):
    pair = trade_pair(make, api)
    older = invoice_of(make, api, pair, LINES)
    newer = invoice_of(make, api, pair, LINES)
    backdate(app, older["id"], utcnow().date() - timedelta(days=40))
    return World(pair, older, newer)


def _invoice(api, world, invoice, side="supplier"):
    token = world.pair.supplier_token if side == "supplier" else world.pair.buyer_token
    response = api.get(f"/invoices/{invoice['id']}", token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _pay(api, world, invoice, amount):
    response = api.post(f"/invoices/{invoice['id']}/payments", world.pair.supplier_token,
                        json={"amount": amount, "method": "tt", "reference": "MT103"})
    assert response.status_code == 201, response.get_json()


def test_an_accepted_credit_note_takes_off_the_invoice_it_names(api, world):
    document, sent = note(api, world.pair, "credit_note", "32.00", invoice=world.newer)
    assert sent.status_code == 200, sent.get_json()
    assert _invoice(api, world, world.newer)["balance"] == "145.00"  # sent: not yet
    accepted = accept(api, world.pair, document)
    assert accepted.status_code == 200, accepted.get_json()

    for side in ("supplier", "buyer"):  # both parties read the same figures
        seen = _invoice(api, world, world.newer, side)
        assert (seen["amount"], seen["paid"], seen["credited"], seen["debited"],
                seen["balance"]) == ("145.00", "0.00", "32.00", "0.00", "113.00")
        assert [(n["number"], n["type"], n["effect"], n["amount"]) for n in seen["notes"]] == [
            (document["number"], "credit_note", "credit", "32.00")]
    assert _invoice(api, world, world.older)["balance"] == "145.00"  # the other untouched

    listed = {row["id"]: row for row in api.get("/receivables", world.pair.supplier_token)
              .get_json()["items"]}
    assert (listed[world.newer["id"]]["credited"], listed[world.newer["id"]]["balance"]) == (
        "32.00", "113.00")
    payables = {row["id"]: row["balance"] for row in api.get(
        "/payables", world.pair.buyer_token).get_json()["items"]}
    assert payables[world.newer["id"]] == "113.00"
    # The supplier link's payables view of this buyer.
    view = api.get(f"/supplier-link/buyers/{world.pair.buyer.company_id}/payables",
                   world.pair.supplier_token)
    assert view.status_code == 200, view.get_json()
    row = next(r for r in view.get_json()["items"] if r["invoice_id"] == world.newer["id"])
    assert (row["credited"], row["debited"], row["balance"]) == ("32.00", "0.00", "113.00")


def test_a_credit_above_the_balance_is_refused_with_what_fits_and_sends_nothing(api, world):
    _pay(api, world, world.newer, "100")
    document, sent = note(api, world.pair, "credit_note", "50.00", invoice=world.newer)
    assert sent.status_code == 422
    problem = sent.get_json()
    assert problem["fits"] == "45.00" and problem["errors"]["amount"] == ["At most 45.00."]
    assert "45.00 USD" in problem["detail"] and world.newer["number"] in problem["detail"]
    draft = api.get(f"/documents/{document['id']}", world.pair.supplier_token).get_json()
    assert draft["status"] == "draft"  # the send was refused as a whole


def test_a_credit_that_no_longer_fits_when_accepted_refuses_the_acceptance(api, world):
    document, sent = note(api, world.pair, "credit_note", "40.00", invoice=world.newer)
    assert sent.status_code == 200
    _pay(api, world, world.newer, "110")  # meanwhile: 35.00 left
    refused = accept(api, world.pair, document)
    assert refused.status_code == 422
    assert refused.get_json()["fits"] == "35.00"
    seen = _invoice(api, world, world.newer)
    assert (seen["credited"], seen["balance"], seen["notes"]) == ("0.00", "35.00", [])
    still = api.get(f"/documents/{document['id']}", world.pair.buyer_token).get_json()
    assert still["status"] == "sent"  # nothing half-done: not accepted either


def test_a_note_naming_no_invoice_goes_to_the_oldest_open_ones(api, world, app):
    _pay(api, world, world.older, "100")  # 45.00 left on the older one
    document, sent = note(api, world.pair, "credit_note", "60.00")
    assert sent.status_code == 200, sent.get_json()
    assert accept(api, world.pair, document).status_code == 200
    older, newer = _invoice(api, world, world.older), _invoice(api, world, world.newer)
    assert (older["credited"], older["balance"], older["status"]) == ("45.00", "0.00", "paid")
    assert (newer["credited"], newer["balance"]) == ("15.00", "130.00")
    # more than all that is open: the rest is held on account (no invoice is named)
    more, sent = note(api, world.pair, "credit_note", "200.00")
    assert sent.status_code == 200 and accept(api, world.pair, more).status_code == 200
    newer = _invoice(api, world, world.newer)
    assert (newer["credited"], newer["balance"], newer["status"]) == ("145.00", "0.00", "paid")
    with app.app_context():
        held = db.session.scalar(select(NoteSettlement).where(
            NoteSettlement.document_id == more["id"]))
        assert str(held.unallocated) == "70.0000"  # 200 - 130


def test_a_supplier_debit_note_adds_and_reopens_a_paid_invoice(api, world):
    _pay(api, world, world.older, "145")
    assert _invoice(api, world, world.older)["status"] == "paid"
    document, sent = note(api, world.pair, "debit_note", "20.00", invoice=world.older)
    assert sent.status_code == 200, sent.get_json()
    assert accept(api, world.pair, document).status_code == 200
    seen = _invoice(api, world, world.older, "buyer")
    assert (seen["debited"], seen["credited"], seen["balance"], seen["status"]) == (
        "20.00", "0.00", "20.00", "partially_paid")
    assert seen["notes"][0]["effect"] == "debit"
    # aging: the older invoice is 10 days past due, so its 20.00 is in 1-30 again
    aging = api.get("/receivables?aging_bucket=1-30", world.pair.supplier_token).get_json()
    assert [(row["id"], row["balance"]) for row in aging["items"]] == [
        (world.older["id"], "20.00")]


def test_a_buyers_debit_note_accepted_by_the_supplier_takes_off(api, world):
    document, sent = note(api, world.pair, "debit_note", "12.50", invoice=world.newer,
                          issuer="buyer")
    assert sent.status_code == 200, sent.get_json()
    assert accept(api, world.pair, document, by="supplier").status_code == 200
    seen = _invoice(api, world, world.newer)
    assert (seen["credited"], seen["debited"], seen["balance"]) == ("12.50", "0.00", "132.50")


def test_a_replayed_acceptance_settles_once(api, world, app):
    document, _ = note(api, world.pair, "credit_note", "10.00", invoice=world.newer)
    assert accept(api, world.pair, document).status_code == 200
    with app.app_context():
        stored = db.session.get(Document, document["id"])
        actor = ensure_may_act(db.session.get(User, world.pair.buyer.user_id))
        for _ in range(2):
            document_transitioned.send(stored, action="accept", from_status="sent",
                                       to_status="accepted", actor=actor)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(NoteSettlement).where(
            NoteSettlement.document_id == document["id"])) == 1
        assert str(db.session.get(Invoice, world.newer["id"]).credited_amount) == "10.0000"


def test_a_credit_with_nothing_invoiced_is_held_on_account_for_the_next_invoice(
        make, api, app):
    pair = trade_pair(make, api, supplier_name="Held Supplier", buyer_name="Held Buyer")
    from tests.fulfillment.support import accepted_purchase_order

    accepted_purchase_order(make, pair.buyer, pair.supplier, LINES)  # they trade
    document, sent = note(api, pair, "credit_note", "30.00")
    assert sent.status_code == 200, sent.get_json()
    assert accept(api, pair, document).status_code == 200
    with app.app_context():
        held = db.session.scalar(select(NoteSettlement).where(
            NoteSettlement.document_id == document["id"]))
        assert str(held.unallocated) == "30.0000" and held.allocations == []
    invoice = invoice_of(make, api, pair, LINES)
    seen = api.get(f"/invoices/{invoice['id']}", pair.buyer_token).get_json()
    assert (seen["credited"], seen["balance"]) == ("30.00", "115.00")
    assert seen["notes"][0]["number"] == document["number"]
