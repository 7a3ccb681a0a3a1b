"""Access matrix of the office's routes: the scorecards (API and page) and the work
list, for anonymous callers, the buyer, another buyer, a supplier and the operator."""

from __future__ import annotations

import pytest

from tests.crm.scorecard_trade import PERIOD, build_scorecard_trade
from tests.factories import portal_login
from tests.worlds import shared_world

API = "/analytics/supplier-scorecards"
PAGE = "/crm/supplier-scorecards"


@shared_world
def trade(make, app):
    return build_scorecard_trade(make, app)


def test_anonymous_callers_are_refused(api, client, trade):
    response = api.get(API, query_string=PERIOD)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    page = client.get(PAGE)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert api.get("/me/work-list").status_code == 401


def test_the_buyer_reads_its_own_scorecards_only(api, trade):
    names = [c["supplier_name"] for c in api.get(API, api.token(trade.buyer),
                                                  query_string=PERIOD).get_json()["items"]]
    assert names == ["Alpha Fasteners", "Beta Textiles"]
    other = api.get(API, api.token(trade.other_buyer), query_string=PERIOD).get_json()
    assert [c["supplier_name"] for c in other["items"]] == ["Alpha Fasteners"]
    assert other["items"][0]["shortage_rate"] == "0.9000"  # its own receipt, not ours


def test_a_buyers_api_key_reads_them_too(api, make, trade):
    key = make.api_key(trade.buyer, scopes=("read",))
    response = api.get(API, key, query_string=PERIOD)
    assert response.status_code == 200 and response.get_json()["total"] == 2


@pytest.mark.parametrize("who", ["alpha", "operator"])
def test_a_supplier_or_the_operator_is_refused_with_403(api, make, trade, who):
    member = trade.alpha if who == "alpha" else make.operator()
    response = api.get(API, api.token(member), query_string=PERIOD)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "buyers" in response.get_json()["detail"]


@pytest.mark.parametrize("who, status", [("buyer", 200), ("other_buyer", 200),
                                         ("alpha", 403), ("operator", 403)])
def test_the_scorecards_page(client, make, trade, who, status):
    member = make.operator() if who == "operator" else getattr(trade, who)
    portal_login(client, member.email)
    response = client.get(PAGE, query_string=PERIOD)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    if who == "buyer":
        assert f'data-supplier="{trade.alpha.company_id}"' in html
        assert f'data-supplier="{trade.beta.company_id}"' in html
    if who == "other_buyer":
        assert f'data-supplier="{trade.beta.company_id}"' not in html
        assert "90.0%" in html  # its own shortage
    if status == 403:
        assert "Alpha Fasteners" not in html or who == "alpha"
        assert 'id="scorecards"' not in html


def test_the_work_list_of_one_company_never_shows_anothers(api, trade):
    # The buyer's claimed discrepancy is its work and Alpha's (to answer), never the
    # other buyer's, who trades with Alpha too.
    def kinds(member):
        return {(item["kind"], item["title"]) for item in api.get(
            "/me/work-list", api.token(member), query_string={"per_page": 100})
            .get_json()["items"]}

    mine, alphas = kinds(trade.buyer), kinds(trade.alpha)
    claimed = {entry for entry in mine if entry[0] == "discrepancy_open"}
    assert len(claimed) == 1 and claimed <= alphas
    assert kinds(trade.other_buyer) == set()
    assert not {entry for entry in kinds(trade.beta) if entry[0] == "discrepancy_open"}
