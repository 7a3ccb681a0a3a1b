"""The comparison after the opening (values worked out by hand), its Excel file, and
the award: a draft purchase order per winner with its awarded lines, the award and its
reason in the rfq's history, the winners told, regrets to the others once every line is
awarded (naming no competitor, no price unless the buyer discloses)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from tests.factories import portal_login
from tests.sourcing.support import build_sealed_rfq
from tests.trading.support import Trade, accepted_purchase_order
from tests.worlds import shared_world


@shared_world
def opened(make, api, app):
    world = build_sealed_rfq(make, api)
    # Alpha has served this buyer before (an order it accepted): its scorecard has figures.
    alpha = world.suppliers["alpha"]
    trade = Trade(api, world.buyer, alpha, world.tokens["buyer"], world.tokens["alpha"])
    accepted_purchase_order(make, api, trade)
    return world


def _comparison(world):
    response = world.get("buyer", f"/rfqs/{world.rfq['id']}/comparison")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_comparison_puts_each_line_side_by_side_with_the_best_marked(opened):
    with opened.after_closing():
        found = _comparison(opened)
    housing, gasket = found["lines"]
    by_supplier = {bid["supplier_name"].split()[0]: bid for bid in housing["bids"]}
    assert set(by_supplier) == {"Alpha", "Beta", "Gamma"}
    # Beta's revision counts, not its first bid (6.4242).
    assert by_supplier["Beta"]["unit_price"] == "6.1919"
    assert by_supplier["Beta"]["total"] == "6191.9000"
    assert by_supplier["Alpha"]["lead_time_days"] == 30
    assert (by_supplier["Alpha"]["incoterm"], by_supplier["Alpha"]["payment_terms"],
            by_supplier["Alpha"]["valid_until"]) == ("FOB", "tt", "2027-01-31")
    # Gamma's freight 1234.56 is shared over its lines by amount: 6535.30 / 7030.20.
    gamma = by_supplier["Gamma"]
    share = (Decimal("1234.56") * Decimal("6535.3") / Decimal("7030.2")).quantize(
        Decimal("0.0001"))
    assert Decimal(gamma["freight"]) == share
    assert Decimal(gamma["landed_unit_cost"]) == ((Decimal("6535.3") + share) / 1000).quantize(
        Decimal("0.0001"))
    assert [b["supplier_name"][:4] for b in housing["bids"] if b["best_price"]] == ["Beta"]
    assert [b["supplier_name"][:4] for b in housing["bids"] if b["best_lead_time"]] == ["Gamm"]
    assert [b["supplier_name"][:4] for b in gasket["bids"] if b["best_price"]] == ["Gamm"]
    assert housing["required_date"] == "2027-03-01"
    # The scorecard's figures where the buyer has a history with the supplier, else none.
    assert by_supplier["Alpha"]["scorecard"]["orders"] == 1
    assert by_supplier["Beta"]["scorecard"] == {}


def test_the_comparison_exports_to_excel_with_the_best_marked(opened, api):
    with opened.after_closing():
        response = api.get(f"/rfqs/{opened.rfq['id']}/comparison?format=xlsx",
                           opened.tokens["buyer"])
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    beta = next(row for row in rows if row[1] == "Aluminium housing AH-40"
                and row[4].startswith("Beta"))
    assert beta[6] == 6.1919 and "price" in beta[15]
    assert len(rows) == 6  # two lines × three bids


def test_the_award_makes_purchase_orders_and_regrets(opened, api, app):
    buyer = opened.tokens["buyer"]
    with opened.after_closing():
        housing, gasket = _comparison(opened)["lines"]
        response = api.post(f"/rfqs/{opened.rfq['id']}/award", buyer, json={
            "awards": [{"line_id": housing["line_id"], "quotation_id": opened.bids["beta"]["id"]},
                       {"line_id": gasket["line_id"], "quotation_id": opened.bids["gamma"]["id"]}],
            "reason": "Beta cheapest on housings; Gamma best landed on gaskets"})
        assert response.status_code == 201, response.get_json()
        beta_po, gamma_po = response.get_json()["purchase_order_ids"]
        po = api.get(f"/documents/{beta_po}", buyer).get_json()
        assert (po["type"], po["status"], po["parent_id"]) == (
            "purchase_order", "draft", opened.bids["beta"]["id"])
        assert [(line["sku"], line["unit_price"]) for line in po["lines"]] == [
            ("AH-40", "6.1919")]
        other = api.get(f"/documents/{gamma_po}", buyer).get_json()
        assert [line["sku"] for line in other["lines"]] == ["GS-40"]
        history = api.get(f"/documents/{opened.rfq['id']}/history", buyer).get_json()
        assert history[-1]["action"] == "award"
        assert "Gamma best landed on gaskets" in history[-1]["comment"]
        compared = _comparison(opened)
        assert compared["lines"][0]["award"]["purchase_order_id"] == beta_po

    def bell(name):
        return api.get("/notifications", opened.tokens[name]).get_json()["items"]

    assert [n["event"] for n in bell("beta")][0] == "rfq.awarded"
    assert [n["event"] for n in bell("gamma")][0] == "rfq.awarded"
    regret = bell("alpha")[0]
    assert regret["event"] == "rfq.regret"
    # The regret names no competitor, no price, no count (the buyer did not disclose).
    for word in ("Beta", "Gamma", "6.19", "0.98", "quotations were received"):
        assert word not in regret["message"]
    # The supplier's own history shows it, without the buyer's reason.
    alpha_history = api.get(f"/documents/{opened.invitations['alpha']['id']}/history",
                            opened.tokens["alpha"]).get_json()
    assert alpha_history[-1]["action"] == "regret" and not alpha_history[-1]["comment"]


def test_disclosing_after_the_award_tells_the_count_and_total_never_names(opened, api):
    buyer = opened.tokens["buyer"]
    with opened.after_closing():
        housing, gasket = _comparison(opened)["lines"]
        gamma = opened.bids["gamma"]["id"]
        response = api.post(f"/rfqs/{opened.rfq['id']}/award", buyer, json={
            "awards": [{"line_id": housing["line_id"], "quotation_id": gamma},
                       {"line_id": gasket["line_id"], "quotation_id": gamma}],
            "disclose": True})
        assert response.status_code == 201
    regret = api.get("/notifications", opened.tokens["alpha"]).get_json()["items"][0]
    assert "3 quotations were received; the awarded total was 7030.20 USD" in regret["message"]
    assert "Gamma" not in regret["message"]


def test_an_award_naming_a_line_or_bid_of_another_request_is_refused(opened, api):
    with opened.after_closing():
        housing = _comparison(opened)["lines"][0]
        response = api.post(f"/rfqs/{opened.rfq['id']}/award", opened.tokens["buyer"], json={
            "awards": [{"line_id": housing["line_id"], "quotation_id": opened.first_beta["id"]},
                       {"line_id": 99999, "quotation_id": opened.bids["beta"]["id"]}]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"awards.0.quotation_id", "awards.1.line_id"}


def test_the_portal_compares_and_awards_every_line_to_one_supplier(opened, app):
    client = app.test_client()
    portal_login(client, opened.buyer.email)
    with opened.after_closing():
        page = client.get(f"/sourcing/rfqs/{opened.rfq['id']}/comparison")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "6.1919" in html and "Best" in html and 'for="line-' in html
        token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        done = client.post(f"/sourcing/rfqs/{opened.rfq['id']}/award", data={
            "csrf_token": token, "everything_to": str(opened.bids["gamma"]["id"]),
            "reason": "One supplier for both"}, follow_redirects=True)
        assert done.status_code == 200
        assert "Awarded to Gamma Castings Ltd." in done.get_data(as_text=True)
        twice = client.post(f"/sourcing/rfqs/{opened.rfq['id']}/award", data={
            "csrf_token": token, "everything_to": str(opened.bids["alpha"]["id"])})
        assert twice.status_code == 422


def test_an_rfq_without_closing_time_is_compared_as_its_answers_come(make, api):
    """Not sealed: each answer reaches the buyer when sent, the comparison shows it at
    once, and no opening is needed."""
    world = build_sealed_rfq(make, api, bid=False)
    plain = api.post("/documents", world.tokens["buyer"], json={
        "type": "rfq", "recipient_company_ids": [world.suppliers["alpha"].company_id],
        "lines": [{"description": "Aluminium housing AH-40", "sku": "AH-40",
                   "quantity": "10", "unit": "pcs"}], "currency": "USD"}).get_json()
    api.post(f"/documents/{plain['id']}/actions/send", world.tokens["buyer"], json={})
    invitation = next(d for d in api.get("/documents?box=inbox&type=rfq",
                                         world.tokens["alpha"]).get_json()["items"]
                      if not d.get("extras", {}).get("closes_at"))
    quotation = api.post(f"/documents/{invitation['id']}/derive", world.tokens["alpha"],
                         json={"type": "quotation"}).get_json()
    api.patch(f"/documents/{quotation['id']}", world.tokens["alpha"], json={"lines": [
        {"description": "Aluminium housing AH-40", "sku": "AH-40", "quantity": "10",
         "unit": "pcs", "unit_price": "7.5"}]})
    sent = api.post(f"/documents/{quotation['id']}/actions/send", world.tokens["alpha"],
                    json={})
    assert sent.status_code == 200
    assert api.get(f"/documents/{quotation['id']}", world.tokens["buyer"]).status_code == 200
    compared = api.get(f"/rfqs/{plain['id']}/comparison", world.tokens["buyer"]).get_json()
    assert compared["closes_at"] is None
    assert [b["unit_price"] for b in compared["lines"][0]["bids"]] == ["7.5000"]
