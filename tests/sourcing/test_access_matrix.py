"""Every sourcing route × anonymous, own company (the buyer), another company, the
operator: another company's rfq is not found (404), never merely forbidden; trade is
private, the operator included (no role: 403). Also the closing time of a draft rfq:
set from the rfq's page (its field named by its label when empty), and refused when it
has passed by the time the rfq is sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.core.types import replayed_clock
from marketplace.sourcing import tasks
from tests.factories import csrf_token, portal_login
from tests.sourcing.support import LINES, build_sealed_rfq
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "other", "operator")


@dataclass
class World:
    own: object
    other: object
    operator: object
    ids: dict
    token: str


@shared_world
def world(make, api, app):
    with replayed_clock() as move_to:  # closed and opened ninety minutes ago
        past = datetime.now(UTC) - timedelta(hours=2)
        move_to(past)
        sealed = build_sealed_rfq(make, api, now=past)
    with app.app_context():
        assert tasks.open_due() == 1
    token = api.token(sealed.buyer)
    draft = api.post("/documents", token, json={
        "type": "rfq", "recipient_company_ids": [sealed.suppliers["alpha"].company_id],
        "lines": LINES, "currency": "USD"})
    assert draft.status_code == 201, draft.get_json()
    line = api.get(f"/rfqs/{sealed.rfq['id']}/comparison", token).get_json()["lines"][0]
    other = make.company_with_admin("Other Buyer AG", roles=("buyer", "supplier"))
    return World(sealed.buyer, other, make.operator(), {
        "R": sealed.rfq["id"], "D": draft.get_json()["id"], "Q": sealed.bids["beta"]["id"],
        "L": line["line_id"], "B": sealed.bids["gamma"]["id"]}, token)


API_ROUTES = [
    ("GET", "/rfqs/{R}/comparison", None, (401, 200, 404, 403)),
    ("GET", "/rfqs/{R}/comparison?format=xlsx", None, (401, 200, 404, 403)),
    ("POST", "/rfqs/{R}/award", {"awards": [{"line_id": "L", "quotation_id": "B"}]},
     (401, 201, 404, 403)),
    ("GET", "/documents/{Q}/diff", None, (401, 200, 404, 403)),
    ("GET", "/documents/{Q}/diff?format=xlsx", None, (401, 200, 404, 403)),
]
PORTAL_ROUTES = [
    ("GET", "/sourcing/rfqs/{R}/comparison", (302, 200, 404, 403)),
    ("GET", "/sourcing/rfqs/{R}/comparison.xlsx", (302, 200, 404, 403)),
    ("POST", "/sourcing/rfqs/{R}/award", (302, 303, 404, 403)),
    ("POST", "/sourcing/rfqs/{D}/closing", (302, 303, 404, 403)),
    ("GET", "/sourcing/documents/{Q}/changes.xlsx", (302, 200, 404, 403)),
]


def _who(world, actor):
    return {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    who = _who(world, actor)
    if body is not None:
        body = {"awards": [{"line_id": world.ids["L"], "quotation_id": world.ids["B"]}]}
    response = api.call(method, path.format(**world.ids), api.token(who) if who else None,
                        json=body)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    who = _who(world, actor)
    if who:
        assert portal_login(client, who.email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        later = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(url, data={"csrf_token": csrf_token(client, "/login"),
                                          "closes_at": later, "everything_to": str(
                                              world.ids["B"]), "reason": "Fastest"})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code == 302 and actor == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_a_draft_rfq_gets_its_closing_time_from_its_page(world, client, api):
    portal_login(client, world.own.email)
    page = f"/trading/documents/{world.ids['D']}"
    html = client.get(page).get_data(as_text=True)
    assert 'for="closes_at"' in html and "Sealed bidding" in html
    empty = client.post(f"/sourcing/rfqs/{world.ids['D']}/closing",
                        data={"csrf_token": csrf_token(client, page), "closes_at": ""},
                        follow_redirects=True)
    assert "Closing time (UTC) needs a date and time" in empty.get_data(as_text=True)
    soon = datetime.now(UTC) + timedelta(days=1)
    done = client.post(f"/sourcing/rfqs/{world.ids['D']}/closing", data={
        "csrf_token": csrf_token(client, page), "closes_at": soon.strftime("%Y-%m-%dT%H:%M")},
        follow_redirects=True)
    assert "stays sealed until" in done.get_data(as_text=True)
    stored = api.get(f"/documents/{world.ids['D']}", world.token).get_json()
    assert stored["extras"]["closes_at"] == soon.replace(second=0, microsecond=0).isoformat()


def test_a_closing_time_without_offset_or_already_passed_is_refused(world, api):
    naive = api.post("/documents", world.token, json={
        "type": "rfq", "recipient_company_ids": [world.other.company_id], "lines": LINES,
        "closes_at": "2030-01-01T12:00:00"})
    assert naive.status_code == 422 and "closes_at" in naive.get_json()["errors"]
    past = api.post("/documents", world.token, json={
        "type": "rfq", "recipient_company_ids": [world.other.company_id], "lines": LINES,
        "closes_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}).get_json()
    sent = api.post(f"/documents/{past['id']}/actions/send", world.token, json={})
    assert sent.status_code == 409 and "has passed" in sent.get_json()["detail"]
    assert api.get(f"/documents/{past['id']}", world.token).get_json()["status"] == "draft"
    wrong_type = api.post("/documents", world.token, json={
        "type": "inquiry", "recipient_company_id": world.other.company_id, "lines": LINES,
        "closes_at": "2030-01-01T12:00:00+00:00"})
    assert wrong_type.status_code == 422
