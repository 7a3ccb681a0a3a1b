"""Every portal route of trading, and the export API route × anonymous, own company
(a party), other company, operator. Another company's documents are not found (404);
the operator is no party to a trade (403 in the portal and the API)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from tests.content.conftest import (  # noqa: F401 - fixtures
    make_product,
    pdf_bytes,
)
from tests.factories import Member, csrf_token, portal_login
from tests.trading.support import Trade
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "other", "operator")


@dataclass
class World:
    own: Member
    other: Member
    operator: Member
    ids: dict


@shared_world
def world(make, api, make_product):
    trade = Trade.start(make, api)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.derive("supplier", inquiry, "quotation")
    other = make.company_with_admin("Curious Buyer", roles=("buyer",))
    operator = make.operator()
    product = make_product(trade.supplier.company_id, sku="HB-M8")
    rule = api.post("/document-settings/approval-rules", trade.supplier_token, json={
        "type": "quotation", "direction": "send", "steps": [{"role": "admin"}]})
    assert rule.status_code == 201, rule.get_json()
    attached = api.post(f"/documents/{quotation['id']}/attachments", trade.supplier_token,
                        data={"file": (io.BytesIO(pdf_bytes()), "spec.pdf")},
                        content_type="multipart/form-data")
    assert attached.status_code == 201, attached.get_json()
    return World(trade.supplier, other, operator, {
        "d": inquiry["id"], "q": quotation["id"], "p": product, "r": rule.get_json()["id"],
        "A": trade.supplier.company_id, "f": attached.get_json()["id"]})


# method, path, expected status for (anonymous, own, other, operator)
PORTAL_ROUTES = [
    ("GET", "/trading/documents", (302, 200, 200, 403)),
    ("GET", "/trading/documents?box=archive&type=quotation&q=x", (302, 200, 200, 403)),
    ("GET", "/trading/documents?box=inbox&mine=1&tag=x", (302, 200, 200, 403)),
    ("GET", "/trading/documents/{d}", (302, 200, 404, 403)),
    ("POST", "/trading/documents/{d}/actions/archive", (302, 303, 404, 403)),
    ("POST", "/trading/documents/{d}/derive", (302, 303, 404, 403)),
    ("POST", "/trading/documents/{d}/state", (302, 303, 404, 403)),
    ("GET", "/trading/documents/{d}/export/pdf", (302, 200, 404, 403)),
    ("GET", "/trading/documents/new", (302, 200, 200, 403)),
    ("POST", "/trading/documents/new", (302, 422, 422, 403)),
    ("GET", "/trading/documents/{q}/edit", (302, 200, 404, 403)),
    ("POST", "/trading/documents/{q}/edit", (302, 303, 404, 403)),
    ("POST", "/trading/documents/{q}/attachments", (302, 303, 404, 403)),
    ("GET", "/trading/documents/{q}/attachments/{f}", (302, 200, 404, 403)),
    ("POST", "/trading/documents/{q}/attachments/{f}/delete", (302, 303, 404, 403)),
    ("GET", "/trading/picker/products?supplier={A}", (302, 200, 200, 403)),
    ("POST", "/trading/inquiries/product/{p}", (302, 303, 303, 403)),
    ("GET", "/trading/settings", (302, 200, 200, 403)),
    ("POST", "/trading/settings/numbering/quotation", (302, 303, 303, 403)),
    ("POST", "/trading/settings/approval-rules", (302, 303, 303, 403)),
    ("POST", "/trading/settings/approval-rules/{r}/delete", (302, 303, 404, 403)),
    ("POST", "/trading/settings/dispatch-groups", (302, 303, 303, 403)),
    ("POST", "/trading/settings/dispatch-rules", (302, 303, 303, 403)),
]

FORM = {"type": "quotation", "folder": "Checked", "pattern": "Q-{year}-{seq:04}",
        "currency": "USD", "direction": "send", "steps": "admin", "name": "Sales desk",
        "keyword": "bolt", "save": "Save draft"}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    who = {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)
    if who:
        assert portal_login(client, who.email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client, "/login"), **FORM})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code == 302 and actor == "anonymous":
        assert response.headers["Location"].startswith("/login")


API_ROUTES = [
    ("GET", "/documents/{d}/export?format=pdf", (401, 200, 404, 403)),
    ("GET", "/documents/{q}/export?format=xlsx", (401, 200, 404, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, expected):
    who = {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)
    token = api.token(who) if who else None
    response = api.call(method, path.format(**world.ids), token)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
