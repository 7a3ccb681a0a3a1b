"""Document settings in the portal: numbering patterns, approval rules, dispatch groups
and rules; a bad setting is refused with the reason and saves nothing."""

from __future__ import annotations

import re

import pytest

from tests.factories import csrf_token, portal_login
from tests.trading.support import Trade
from tests.trading.test_portal import flashes, text_of


@pytest.fixture
def trade(make, api) -> Trade:
    return Trade.start(make, api)


@pytest.fixture
def admin(app, trade):
    client = app.test_client()
    portal_login(client, trade.supplier.email)
    return client


def _post(client, url, **data):
    response = client.post(url, data={"csrf_token": csrf_token(client, "/trading/settings"),
                                      **data})
    assert response.status_code == 303
    return " ".join(flashes(client.get(response.headers["Location"])))


def test_a_numbering_pattern_numbers_the_next_documents(trade, admin):
    said = _post(admin, "/trading/settings/numbering/quotation", pattern="TPF-Q{yy}-{seq:04}")
    assert "saved" in said
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.derive("supplier", inquiry, "quotation")
    assert re.fullmatch(r"TPF-Q\d\d-0001", quotation["number"])
    assert 'value="TPF-Q{yy}-{seq:04}"' in text_of(admin.get("/trading/settings"))
    _post(admin, "/trading/settings/numbering/quotation", reset="1")
    assert trade.derive("supplier", inquiry, "quotation")["number"].startswith("QUO-")


def test_a_bad_pattern_is_refused_and_the_old_one_kept(admin):
    _post(admin, "/trading/settings/numbering/quotation", pattern="Q-{year}-{seq:04}")
    said = _post(admin, "/trading/settings/numbering/quotation", pattern="Q-{seq}")
    assert "Nothing was saved" in said and "{year}" in said
    assert 'value="Q-{year}-{seq:04}"' in text_of(admin.get("/trading/settings"))
    assert "Nothing was saved" in _post(admin, "/trading/settings/numbering/nonsense",
                                        pattern="X-{year}-{seq}")


def test_an_approval_rule_holds_a_send_until_approved(make, trade, admin, api):
    said = _post(admin, "/trading/settings/approval-rules", type="quotation",
                 direction="send", min_total="1000", currency="USD", steps=["approver", ""])
    assert "saved" in said
    page = text_of(admin.get("/trading/settings"))
    assert re.search(r'id="approval-rules".*Quotation.*total ≥ 1,000.00 USD.*Approver', page, re.S)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.quotation_for(inquiry)
    assert quotation["status"] == "pending_approval"


def test_an_approval_rules_currency_is_chosen_from_active_currencies(admin):
    page = admin.get("/trading/settings").get_data(as_text=True)
    form = re.search(r'id="approval-rule-form".*?</form>', page, re.S).group(0)
    currency = re.search(r'<select[^>]*name="currency".*?</select>', form, re.S).group(0)
    codes = re.findall(r'<option value="([A-Z]{3})"', currency)
    assert {"USD", "EUR", "TWD"} <= set(codes)
    assert not {"XAU", "XTS", "XXX"} & set(codes)


def test_an_approval_rule_without_steps_or_with_a_bad_amount_saves_nothing(admin):
    for data in ({"type": "quotation", "direction": "send"},
                 {"type": "quotation", "direction": "send", "steps": "admin",
                  "min_total": "lots"},
                 {"type": "nonsense", "direction": "send", "steps": "admin"}):
        assert "Nothing was saved" in _post(admin, "/trading/settings/approval-rules", **data)
    said = _post(admin, "/trading/settings/approval-rules", type="quotation",
                 direction="send")
    assert said == "Nothing was saved: Steps: Length must be between 1 and 10."
    assert 'id="approval-rules"' not in text_of(admin.get("/trading/settings"))


def test_dispatch_group_and_rule_assign_incoming_documents(make, trade, admin):
    mei = make.member(trade.supplier.company_id, "sales", full_name="Mei Lin")
    assert "saved" in _post(admin, "/trading/settings/dispatch-rules", keyword="bolt",
                            assignee_id=str(mei.user_id))
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", subject="Bolt order"), "send")
    assert trade.get("supplier", inquiry)["assigned_to"]["id"] == mei.user_id
    assert "saved" in _post(admin, "/trading/settings/dispatch-groups", name="Desk",
                            member_ids=[str(mei.user_id)], is_default="1")
    assert "Desk" in text_of(admin.get("/trading/settings"))


def test_dispatch_rules_by_product_line_and_category_from_the_form(
        make, trade, admin, make_product):
    mei = make.member(trade.supplier.company_id, "sales", full_name="Mei Lin")
    kai = make.member(trade.supplier.company_id, "sales", full_name="Kai Wu")
    towel, towels, _ = make_product(trade.supplier.company_id, name="Bath towel",
                                    product_line="Towels")
    anchor, _, anchors = make_product(trade.supplier.company_id, name="Wedge anchor",
                                      category="anchors")
    page = text_of(admin.get("/trading/settings"))
    assert f'<option value="{towels}">Towels</option>' in page
    assert f'<option value="{anchors}">Anchors</option>' in page
    assert "saved" in _post(admin, "/trading/settings/dispatch-rules",
                            product_line_id=str(towels), assignee_id=str(mei.user_id))
    assert "saved" in _post(admin, "/trading/settings/dispatch-rules",
                            category_id=str(anchors), assignee_id=str(kai.user_id))
    rules = text_of(admin.get("/trading/settings")).split('id="dispatch-rules"')[1]
    assert "Towels" in rules and "Anchors" in rules

    def assignee(product_id: int) -> int:
        lines = [{"product_id": product_id, "quantity": "10"}]
        inquiry = trade.act("buyer", trade.create("buyer", "inquiry", lines=lines), "send")
        return trade.get("supplier", inquiry)["assigned_to"]["id"]

    assert assignee(towel) == mei.user_id
    assert assignee(anchor) == kai.user_id


def test_a_dispatch_rule_for_another_companys_product_line_saves_nothing(
        make, trade, admin, make_product):
    other = make.company_with_admin("Elsewhere", roles=("supplier",))
    _, theirs, _ = make_product(other.company_id, name="Their towel", product_line="Theirs")
    said = _post(admin, "/trading/settings/dispatch-rules", product_line_id=str(theirs),
                 assignee_id=str(trade.supplier.user_id))
    assert "Nothing was saved: Product line: Not found." in said
    assert 'id="dispatch-rules"' not in text_of(admin.get("/trading/settings"))
    assert "Theirs" not in text_of(admin.get("/trading/settings"))


def test_a_dispatch_rule_needs_one_target_and_a_group_real_members(make, trade, admin):
    stranger = make.company_with_admin("Elsewhere")
    assert "Nothing was saved" in _post(admin, "/trading/settings/dispatch-rules",
                                        keyword="bolt")
    assert "Nothing was saved" in _post(admin, "/trading/settings/dispatch-groups",
                                        name="Desk", member_ids=[str(stranger.user_id)])
    page = text_of(admin.get("/trading/settings"))
    assert 'id="dispatch-rules"' not in page and "Desk" not in page
