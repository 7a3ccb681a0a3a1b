"""Auto-dispatch: every incoming document is assigned to a member of the receiving
company by its rules, else in turn within its default group, else its first admin;
``forward`` hands it to a colleague."""

from __future__ import annotations

import pytest

from tests.trading.conftest import make_product  # noqa: F401 - the fixture
from tests.trading.support import Trade


@pytest.fixture
def trade(make, api):
    trade = Trade.start(make, api)
    trade.sales = [make.member(trade.supplier.company_id, "sales") for _ in range(3)]
    return trade


def _setting(api, token, path, body):
    response = api.post(f"/document-settings/{path}", token, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _assignee(trade, **fields):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", **fields), "send")
    return trade.get("supplier", inquiry)["assigned_to"]["id"]


def test_without_rules_the_first_admin_takes_everything(trade):
    assert _assignee(trade) == trade.supplier.user_id


def test_rules_by_type_country_keyword_product_line_and_category(trade, api, make_product):
    token = trade.supplier_token
    sales = [member.user_id for member in trade.sales]
    _, towels, _ = make_product(trade.supplier.company_id, name="Bath towel",
                                product_line="Towels")
    product, _, anchors = make_product(trade.supplier.company_id, name="Wedge anchor",
                                       category="anchors")
    _setting(api, token, "dispatch-rules", {"position": 1, "keyword": "URGENT",
                                            "assignee_id": sales[0]})
    _setting(api, token, "dispatch-rules", {"position": 2, "category_id": anchors,
                                            "assignee_id": sales[1]})
    _setting(api, token, "dispatch-rules", {"position": 3, "type": "inquiry",
                                            "sender_country": "FR", "assignee_id": sales[2]})
    _setting(api, token, "dispatch-rules", {"position": 4, "product_line_id": towels,
                                            "assignee_id": sales[2]})
    assert _assignee(trade, subject="Urgent: bolts for Monday") == sales[0]
    anchor_line = [{"product_id": product, "quantity": "100"}]
    assert _assignee(trade, subject="Anchors", lines=anchor_line) == sales[1]
    assert _assignee(trade, subject="Bolts") == trade.supplier.user_id  # sender is in DE
    towel_product, _, _ = make_product(trade.supplier.company_id, name="Hand towel",
                                       product_line="Towels")
    assert _assignee(trade, subject="Towels",
                     lines=[{"product_id": towel_product, "quantity": "50"}]) == sales[2]


def test_a_group_takes_documents_in_turn(trade, api):
    sales = [member.user_id for member in trade.sales]
    _setting(api, trade.supplier_token, "dispatch-groups",
             {"name": "Export desk", "member_ids": sales, "is_default": True})
    assert [_assignee(trade) for _ in range(4)] == [sales[0], sales[1], sales[2], sales[0]]


def test_forward_hands_a_document_to_a_colleague_only(trade, api, make):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    colleague = trade.sales[0]
    forwarded = trade.act("supplier", inquiry, "forward", to_user_id=colleague.user_id,
                          comment="Your customer")
    assert forwarded["assigned_to"]["id"] == colleague.user_id
    stranger = make.company_with_admin("Elsewhere")
    refused = api.post(f"/documents/{inquiry['id']}/actions/forward", trade.supplier_token,
                       json={"to_user_id": stranger.user_id})
    assert refused.status_code == 422 and "to_user_id" in refused.get_json()["errors"]
    # The buyer never learns who handles it at the supplier, nor sees the forward.
    assert trade.get("buyer", inquiry)["assigned_to"] is None
    history = api.get(f"/documents/{inquiry['id']}/history", trade.buyer_token).get_json()
    assert [e["action"] for e in history] == ["create", "send"]
    forwarded = api.post(f"/documents/{inquiry['id']}/actions/forward", trade.buyer_token,
                         json={"to_user_id": trade.buyer.user_id})
    assert forwarded.status_code == 409


def test_dispatch_settings_refuse_what_is_not_the_companys(trade, api, make):
    other = make.company_with_admin("Elsewhere", roles=("supplier",))
    token = trade.supplier_token
    for body in ({"keyword": "x"},  # no one to give it to
                 {"keyword": "x", "assignee_id": other.user_id},
                 {"keyword": "x", "assignee_id": trade.sales[0].user_id, "group_id": 1},
                 {"keyword": "x", "group_id": 99999},
                 {"product_line_id": 99999, "assignee_id": trade.sales[0].user_id}):
        response = api.post("/document-settings/dispatch-rules", token, json=body)
        assert response.status_code == 422, body
    response = api.post("/document-settings/dispatch-groups", token,
                        json={"name": "Desk", "member_ids": [other.user_id]})
    assert response.status_code == 422
    assert api.get("/document-settings/dispatch-rules", token).get_json() == []


def test_without_rules_an_admin_comes_before_an_earlier_member(trade, app, api):
    # The first administrator takes it even when a member who is not one joined first
    # (the send's read of its draft asks this ahead of the delivery).
    from marketplace.core.boundary import commit
    from marketplace.extensions import db
    from marketplace.infrastructure import operations
    from marketplace.infrastructure.models import MemberRole, Membership

    later_admin = trade.sales[1].user_id
    with app.test_request_context():
        memberships = {m.user_id: m for m in db.session.query(Membership).filter_by(
            company_id=trade.supplier.company_id)}
        operations.change_member_role(memberships[later_admin], MemberRole.ADMIN)
        operations.change_member_role(memberships[trade.supplier.user_id], MemberRole.SALES)
        commit()
    assert trade.supplier.user_id < trade.sales[0].user_id < later_admin
    assert _assignee(trade) == later_admin
    # With a rule that matches nothing, the members are read whole: the same order.
    _setting(api, api.token(trade.sales[1]), "dispatch-rules",
             {"position": 1, "keyword": "NEVER", "assignee_id": trade.sales[0].user_id})
    assert _assignee(trade) == later_admin


def test_a_rule_made_after_the_draft_was_read_decides_its_delivery(trade, app):
    # In one transaction: the draft read (with who would take it, ahead), then a rule
    # written, then the send: the rule decides, not what was read before it.
    from marketplace.core.boundary import commit
    from marketplace.extensions import db
    from marketplace.infrastructure.auth import ensure_may_act
    from marketplace.infrastructure.models import User
    from marketplace.trading.queries.documents import visible_document
    from marketplace.workflow import actions
    from marketplace.workflow.models import DispatchRule

    draft = trade.create("buyer", "inquiry")
    chosen = trade.sales[2].user_id
    with app.test_request_context():
        actor = ensure_may_act(db.session.get(User, trade.buyer.user_id))
        document = visible_document(draft["id"], actor)
        db.session.add(DispatchRule(company_id=trade.supplier.company_id, position=1,
                                    type="inquiry", assignee_id=chosen))
        db.session.flush()
        actions.perform(document, "send", actor)
        commit()
    assert trade.get("supplier", draft)["assigned_to"]["id"] == chosen
