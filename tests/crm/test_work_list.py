"""The personal office's work list (GET /me/work-list and the landing page) for a
supplier's admin and sales member, a buyer's admin and approver, and the operator."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.core.types import utcnow
from tests.crm.work_list_trade import build_office
from tests.factories import portal_login


@pytest.fixture
def office(make, app):
    return build_office(make, app)


def _work(api, member, **query):
    response = api.get("/me/work-list", api.token(member), query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _by_kind(page) -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = {}
    for item in page["items"]:
        kinds.setdefault(item["kind"], []).append(item)
    return kinds


def test_a_supplier_admin_sees_what_waits_for_the_company(api, office):
    page = _work(api, office.supplier_admin, per_page=100)
    kinds = _by_kind(page)
    ids, numbers = office.ids, office.ids["numbers"]
    # Inquiries not yet quoted, not someone else's: the 30-hour-old one is past the
    # default 24-hour target, the 2-hour-old one is due in 22 hours.
    inquiries = {item["title"]: item for item in kinds["inquiry_to_answer"]}
    assert set(inquiries) == {numbers["late"], numbers["fresh"]}
    late = inquiries[numbers["late"]]
    assert late["overdue"] is True and Decimal(late["age_hours"]) >= Decimal(30)
    assert late["link"] == f"/trading/documents/{ids['late']}"
    assert late["document_id"] == ids["late"] and late["detail"].startswith("Nordic Tools")
    assert inquiries[numbers["fresh"]]["overdue"] is False
    assert [i["title"] for i in kinds["purchase_order_to_accept"]] == [numbers["po"]]
    assert [i["link"] for i in kinds["order_to_ship"]] == [
        f"/fulfillment/orders/{ids['order']}"]
    assert [i["link"] for i in kinds["shipment_without_documents"]] == [
        f"/fulfillment/shipments/{ids['shipment']}"]
    [invoice] = kinds["invoice_overdue"]
    assert invoice["link"] == "/fulfillment/receivables" and invoice["overdue"] is True
    assert invoice["detail"] == "Nordic Tools · USD 50.00"
    # Not claimed yet: the discrepancy is the buyer's work, not the supplier's; the
    # buyer's held order is the buyer's approval.
    assert "discrepancy_open" not in kinds and "approval_waiting" not in kinds
    assert page["total"] == 6 and page["page"] == 1 and page["per_page"] == 100
    # Late first.
    assert [item["overdue"] for item in page["items"]][:2] == [True, True]
    assert page["items"][0]["due_at"] is not None


def test_a_sales_member_sees_the_inquiry_assigned_to_them_too(api, office):
    kinds = _by_kind(_work(api, office.supplier_sales, per_page=100))
    assert office.ids["numbers"]["sales_only"] in {
        item["title"] for item in kinds["inquiry_to_answer"]}


def test_a_segment_response_target_moves_the_due_time(api, office, app):
    from marketplace.core.boundary import commit
    from marketplace.crm.models.treatments import SegmentTreatment
    from marketplace.extensions import db

    # Whatever segment the buyer's figures put it in, the supplier answers it in 48 h.
    with app.test_request_context():
        for segment in ("MVC", "MGC", "BZ", "other"):
            db.session.add(SegmentTreatment(supplier_company_id=office.ids["supplier"],
                                            segment=segment, response_hours=48))
        commit()
    inquiries = {item["title"]: item for item in _by_kind(
        _work(api, office.supplier_admin, per_page=100))["inquiry_to_answer"]}
    # 30 hours old against a 48-hour target: not late any more.
    assert inquiries[office.ids["numbers"]["late"]]["overdue"] is False


def test_a_buyer_admin_sees_its_payables_and_discrepancies(api, office):
    kinds = _by_kind(_work(api, office.buyer_admin, per_page=100))
    assert set(kinds) == {"invoice_overdue", "discrepancy_open"}
    assert kinds["invoice_overdue"][0]["link"] == "/fulfillment/payables"
    assert kinds["invoice_overdue"][0]["detail"] == "Formosa Fasteners · USD 50.00"
    assert kinds["discrepancy_open"][0]["link"] == (
        f"/supplier_link/discrepancies?order_id={office.ids['order']}")


def test_an_approver_sees_the_approval_waiting_for_them(api, office):
    kinds = _by_kind(_work(api, office.buyer_approver, per_page=100))
    [approval] = kinds["approval_waiting"]
    assert approval["title"] == office.ids["numbers"]["held"]
    assert approval["link"] == f"/trading/documents/{office.ids['held']}"
    # An approver cannot pay: the overdue invoice is not their work.
    assert "invoice_overdue" not in kinds


def test_the_operator_sees_companies_to_approve_and_nobodys_trade(api, office):
    page = _work(api, office.operator)
    assert [(i["kind"], i["title"]) for i in page["items"]] == [
        ("companies_to_approve", "Newcomer Trading")]
    assert page["items"][0]["link"] == "/admin/companies?status=pending"


def test_pages_and_anonymous_callers(api, office):
    first = _work(api, office.supplier_admin, per_page=4)
    second = _work(api, office.supplier_admin, per_page=4, page=2)
    assert first["total"] == second["total"] == 6
    assert len(first["items"]) == 4 and len(second["items"]) == 2
    assert not {i["title"] for i in first["items"]} & {i["title"] for i in second["items"]}
    anonymous = api.get("/me/work-list")
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/problem+json"
    assert api.get("/me/work-list", api.token(office.supplier_admin),
                   query_string={"per_page": 500}).status_code == 422


def test_the_office_page_lists_the_work_with_links(client, office):
    portal_login(client, office.supplier_admin.email)
    html = client.get("/").get_data(as_text=True)
    assert 'id="work-list"' in html and 'id="work-total">6<' in html
    assert f'href="/trading/documents/{office.ids["late"]}"' in html
    assert f'href="/fulfillment/orders/{office.ids["order"]}"' in html
    assert "Inquiries waiting for an answer" in html and "Orders to ship" in html
    # The figures panel with its chart, and the company's own cards still there.
    assert 'id="office-month"' in html and 'role="img"' in html
    assert 'id="company-status"' in html and 'id="recent-notifications"' in html


def test_the_operators_office_shows_platform_totals(client, office):
    portal_login(client, office.operator.email)
    html = client.get("/").get_data(as_text=True)
    assert 'id="platform-totals"' in html
    assert 'id="total-companies">3<' in html and 'id="total-members">4<' in html
    # This month's: the documents were made 1 to 50 hours ago, the order 4 days ago
    # (early in a month some of them belong to the month before).
    now = utcnow()
    documents = sum((now - timedelta(hours=h)).month == now.month
                    for h in (30, 2, 5, 50, 40, 3, 1))
    order_this_month = (now - timedelta(days=4)).month == now.month
    assert f'id="platform-documents">{documents}<' in html
    assert f'id="platform-orders">{int(order_this_month)}<' in html
    assert ("USD 200.00" in html) is order_this_month  # the order's 100 × 2
    assert "Newcomer Trading" in html


def test_a_suppliers_figures_of_the_month(client, office, app):
    from marketplace.core.boundary import commit
    from marketplace.extensions import db
    from marketplace.fulfillment.models import Order, OrderLine

    with app.test_request_context():  # two orders today: 3 × 10.50 and 1 × 5 (EUR)
        for currency, quantity, price in (("USD", 3, "10.50"), ("EUR", 1, "5")):
            order = Order(number=f"ORD-M-{currency}", buyer_company_id=office.ids["buyer"],
                          supplier_company_id=office.ids["supplier"], currency=currency,
                          status="open")
            order.lines.append(OrderLine(position=0, sku="NUT", description="Nut",
                                         quantity=Decimal(quantity), unit_price=Decimal(price)))
            db.session.add(order)
        commit()
    portal_login(client, office.supplier_admin.email)
    html = client.get("/").get_data(as_text=True)
    earlier = int((utcnow() - timedelta(days=4)).month == utcnow().month)
    assert f'id="figure-orders">{2 + earlier}<' in html
    assert "EUR 5.00" in html and ("USD 231.50" if earlier else "USD 31.50") in html
    # Orders per month, the last six months, as a small chart with its words.
    assert 'class="month-chart" role="img" aria-label="Orders received per month: ' in html


def test_an_empty_office_says_nothing_waits(client, make):
    member = make.company_with_admin("Quiet Buyer")
    portal_login(client, member.email)
    html = client.get("/").get_data(as_text=True)
    assert 'id="work-empty"' in html and 'id="work-total">0<' in html
