"""Approval chains on both sides of one document: the buyer's before its order goes
out, the supplier's before it accepts a large one."""

from __future__ import annotations

import pytest

from tests.trading.support import Trade, sent_purchase_order


def _rule(api, token, **body):
    response = api.post("/document-settings/approval-rules", token, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _refused(response, status=409):
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def trade(make, api):
    trade = Trade.start(make, api)
    trade.buyer_clerk = make.member(trade.buyer.company_id, "purchasing")
    trade.buyer_manager = make.member(trade.buyer.company_id, "approver")
    trade.supplier_manager = make.member(trade.supplier.company_id, "approver")
    return trade


def _order_by_clerk(trade, api):
    """A priced purchase order drafted by the buyer's purchasing clerk."""
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.quotation_for(inquiry)
    clerk = api.token(trade.buyer_clerk)
    response = api.post(f"/documents/{quotation['id']}/derive", clerk,
                        json={"type": "purchase_order"})
    assert response.status_code == 201
    return response.get_json(), clerk


def test_the_senders_chain_holds_the_order_until_every_step_approves(trade, api):
    _rule(api, trade.buyer_token, type="purchase_order", direction="send", min_total="1000",
          currency="USD", steps=[{"role": "approver"}, {"role": "admin"}])
    order, clerk = _order_by_clerk(trade, api)
    sent = api.post(f"/documents/{order['id']}/actions/send", clerk).get_json()
    assert sent["status"] == "pending_approval"
    assert [(s["role"], s["status"]) for s in sent["approvals"]] == [
        ("approver", "pending"), ("admin", "pending")]
    assert api.get(f"/documents/{order['id']}", trade.supplier_token).status_code == 404

    # Nobody approves their own document, nor a role's step without that role.
    body = _refused(api.post(f"/documents/{order['id']}/actions/approve", clerk), 409)
    assert "approve" not in body["allowed_actions"]
    manager = api.token(trade.buyer_manager)
    step_one = api.post(f"/documents/{order['id']}/actions/approve", manager, json={
        "comment": "Within budget"}).get_json()
    assert step_one["status"] == "pending_approval"
    body = _refused(api.post(f"/documents/{order['id']}/actions/approve", manager), 409)
    assert body["detail"] == "This step waits for a member with the role admin."
    assert api.get(f"/documents/{order['id']}", trade.supplier_token).status_code == 404
    done = trade.act("buyer", order, "approve")  # the admin, second step
    assert done["status"] == "sent"
    assert trade.get("supplier", order)["status"] == "sent"
    history = api.get(f"/documents/{order['id']}/history", trade.buyer_token).get_json()
    assert [(e["action"], e["to_status"]) for e in history] == [
        ("create", "draft"), ("send", "pending_approval"), ("approve", "pending_approval"),
        ("approve", "sent")]


def test_a_rejection_returns_the_draft_with_the_reason(trade, api):
    _rule(api, trade.buyer_token, type="purchase_order", direction="send",
          steps=[{"role": "approver"}])
    order, clerk = _order_by_clerk(trade, api)
    api.post(f"/documents/{order['id']}/actions/send", clerk)
    manager = api.token(trade.buyer_manager)
    _refused(api.post(f"/documents/{order['id']}/actions/reject", manager), 422)
    rejected = api.post(f"/documents/{order['id']}/actions/reject", manager,
                        json={"comment": "Ask for a better price first"}).get_json()
    assert rejected["status"] == "draft"
    history = api.get(f"/documents/{order['id']}/history", clerk).get_json()
    assert (history[-1]["action"], history[-1]["comment"]) == (
        "reject", "Ask for a better price first")
    # Edited and sent again: a new round.
    again = api.post(f"/documents/{order['id']}/actions/send", clerk).get_json()
    assert again["status"] == "pending_approval"
    assert [s["status"] for s in again["approvals"]] == ["rejected", "pending"]


def test_a_rule_whose_condition_does_not_hold_lets_the_document_go(trade, api):
    _rule(api, trade.buyer_token, type="purchase_order", direction="send",
          min_total="1000000", steps=[{"role": "approver"}])
    _rule(api, trade.buyer_token, type="purchase_order", direction="send", currency="EUR",
          steps=[{"role": "approver"}])
    order, clerk = _order_by_clerk(trade, api)
    assert api.post(f"/documents/{order['id']}/actions/send", clerk).get_json()[
        "status"] == "sent"


def test_the_recipients_chain_holds_the_acceptance(make, api, trade):
    _rule(api, trade.supplier_token, type="purchase_order", direction="accept",
          min_total="100", steps=[{"role": "approver"}])
    order = sent_purchase_order(make, api, trade)
    waiting = trade.act("supplier", order, "accept")
    assert waiting["status"] == "sent" and waiting["acceptance_pending"] is True
    assert trade.get("buyer", order)["approvals"] == []  # the supplier's chain is its own
    assert "accept" not in waiting["allowed_actions"]
    _refused(api.post(f"/documents/{order['id']}/actions/approve", trade.supplier_token))
    manager = api.token(trade.supplier_manager)
    accepted = api.post(f"/documents/{order['id']}/actions/approve", manager).get_json()
    assert accepted["status"] == "accepted" and accepted["acceptance_pending"] is False
    assert trade.get("buyer", order)["status"] == "accepted"


def test_both_companies_chains_on_one_document(make, api, trade):
    _rule(api, trade.buyer_token, type="purchase_order", direction="send",
          steps=[{"role": "approver"}])
    _rule(api, trade.supplier_token, type="purchase_order", direction="accept",
          steps=[{"role": "approver"}])
    order, clerk = _order_by_clerk(trade, api)
    api.post(f"/documents/{order['id']}/actions/send", clerk)
    api.post(f"/documents/{order['id']}/actions/approve", api.token(trade.buyer_manager))
    trade.act("supplier", order, "accept")
    rejected = api.post(f"/documents/{order['id']}/actions/reject",
                        api.token(trade.supplier_manager), json={"comment": "Capacity"})
    assert rejected.get_json()["status"] == "sent"  # the supplier may decline or try again
    assert rejected.get_json()["acceptance_pending"] is False
    trade.act("supplier", order, "accept")
    final = api.post(f"/documents/{order['id']}/actions/approve",
                     api.token(trade.supplier_manager)).get_json()
    assert final["status"] == "accepted"
    buyer_view = trade.get("buyer", order)
    assert [(s["direction"], s["status"]) for s in buyer_view["approvals"]] == [
        ("send", "approved")]


def test_each_company_sees_only_its_own_approvals_in_the_history(make, api, trade):
    _rule(api, trade.buyer_token, type="purchase_order", direction="send",
          steps=[{"role": "approver"}])
    _rule(api, trade.supplier_token, type="purchase_order", direction="accept",
          steps=[{"role": "approver"}])
    order, clerk = _order_by_clerk(trade, api)
    api.post(f"/documents/{order['id']}/actions/send", clerk)
    api.post(f"/documents/{order['id']}/actions/approve", api.token(trade.buyer_manager),
             json={"comment": "Within budget, they were cheapest"})
    trade.act("supplier", order, "accept", comment="Please approve")
    api.post(f"/documents/{order['id']}/actions/reject", api.token(trade.supplier_manager),
             json={"comment": "Price too low, push them"})
    trade.act("supplier", order, "accept")
    api.post(f"/documents/{order['id']}/actions/approve", api.token(trade.supplier_manager),
             json={"comment": "Fine this once"})

    def history(token):
        events = api.get(f"/documents/{order['id']}/history", token).get_json()
        return [(e["action"], e["from_status"], e["to_status"], e["comment"]) for e in events]

    supplier_sees = history(trade.supplier_token)
    assert ("reject", "sent", "sent", "Price too low, push them") in supplier_sees
    assert ("approve", "sent", "accepted", "Fine this once") in supplier_sees
    assert ("send", "draft", "sent", None) in supplier_sees  # not the approver's comment
    assert not any("pending_approval" in (e[1], e[2]) for e in supplier_sees)
    assert not any("budget" in (comment or "") for *_, comment in supplier_sees)
    buyer_sees = history(trade.buyer_token)
    assert ("approve", "pending_approval", "sent", "Within budget, they were cheapest") \
        in buyer_sees
    assert buyer_sees[-1] == ("accept", "sent", "accepted", None)
    assert not any(action in ("request_approval", "reject") or "push" in (comment or "")
                   for action, _, _, comment in buyer_sees)
    assert len([e for e in buyer_sees if e[0] == "accept"]) == 1


def test_approval_rules_refuse_bad_input_and_belong_to_their_company(trade, api):
    for body in ({"type": "memo", "direction": "send", "steps": [{"role": "approver"}]},
                 {"type": "purchase_order", "direction": "sideways",
                  "steps": [{"role": "approver"}]},
                 {"type": "purchase_order", "direction": "send", "steps": []},
                 {"type": "purchase_order", "direction": "send", "min_total": "-1",
                  "steps": [{"role": "approver"}]},
                 {"type": "purchase_order", "direction": "send", "company_id": 1,
                  "steps": [{"role": "approver"}]}):
        assert api.post("/document-settings/approval-rules", trade.buyer_token,
                        json=body).status_code == 422, body
    rule = _rule(api, trade.buyer_token, type="quotation", direction="accept",
                 steps=[{"role": "approver"}])
    assert api.get("/document-settings/approval-rules", trade.supplier_token).get_json() == []
    assert api.delete(f"/document-settings/approval-rules/{rule['id']}",
                      trade.supplier_token).status_code == 404
    assert api.delete(f"/document-settings/approval-rules/{rule['id']}",
                      trade.buyer_token).status_code == 204


def test_one_member_decides_one_step_of_a_round(trade, api):
    _rule(api, trade.buyer_token, type="purchase_order", direction="send",
          steps=[{"role": "approver"}, {"role": "admin"}])
    order, clerk = _order_by_clerk(trade, api)
    api.post(f"/documents/{order['id']}/actions/send", clerk)
    trade.act("buyer", order, "approve")  # the admin stands in for the approver
    body = _refused(api.post(f"/documents/{order['id']}/actions/approve", trade.buyer_token))
    assert body["detail"] == "You approved an earlier step: each step needs another member."
    assert trade.get("buyer", order)["status"] == "pending_approval"


def test_a_partner_systems_key_does_not_approve(make, trade, api):
    _rule(api, trade.buyer_token, type="purchase_order", direction="send",
          steps=[{"role": "approver"}])
    order, clerk = _order_by_clerk(trade, api)
    api.post(f"/documents/{order['id']}/actions/send", clerk)
    key = make.api_key(trade.buyer)
    body = _refused(api.post(f"/documents/{order['id']}/actions/approve", key))
    assert body["detail"] == ("Approvals are given by a person, not by a partner system's "
                              "key.")
    assert trade.get("buyer", order)["status"] == "pending_approval"


def test_a_rule_made_after_the_document_was_read_still_holds_its_send(app, trade, api):
    # Reading a document notes that its company has no approval rule for its type (no
    # read of the rules on send); a rule written later in the same transaction undoes it.
    from marketplace.core.boundary import commit
    from marketplace.extensions import db
    from marketplace.infrastructure.auth import ensure_may_act
    from marketplace.infrastructure.models import User
    from marketplace.trading.operations import documents as operations
    from marketplace.trading.operations import settings
    from marketplace.trading.queries import documents as queries

    order, _ = _order_by_clerk(trade, api)
    with app.test_request_context():
        actor = ensure_may_act(db.session.get(User, trade.buyer.user_id))
        document = queries.visible_document(order["id"], actor)
        settings.create_approval_rule(actor, {"type": "purchase_order", "direction": "send",
                                              "steps": [{"role": "approver"}]})
        operations.perform_action(document, "send", actor, {})
        assert document.status == "pending_approval"
        commit()
    assert api.get(f"/documents/{order['id']}", trade.buyer_token).get_json()["status"] \
        == "pending_approval"
