"""Every trading API route × anonymous, own company, other company, operator. Another
company's documents and settings are not found (404), never merely forbidden; trade
documents are private to their parties, the operator included (no role: 403)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from tests.content.conftest import pdf_bytes  # noqa: F401 - fixture
from tests.trading.support import LINES
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "other", "operator")


@dataclass
class World:
    own: object
    other: object
    operator: object
    ids: dict


@shared_world
def world(make, api):
    own = make.company_with_admin("Own Trading", roles=("buyer", "supplier"))
    partner = make.company_with_admin("Partner Co", roles=("buyer", "supplier"))
    other = make.company_with_admin("Other Co", roles=("buyer", "supplier"))
    operator = make.operator()
    own_token, partner_token = api.token(own), api.token(partner)

    def created(token, path, body):
        response = api.post(path, token, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    inquiry = {"type": "inquiry", "recipient_company_id": partner.company_id, "lines": LINES}
    received = created(partner_token, "/documents", {
        **inquiry, "recipient_company_id": own.company_id})
    assert api.post(f"/documents/{received}/actions/send", partner_token).status_code == 200
    ids = {
        "own_user": own.user_id,
        "partner": partner.company_id,
        "D": created(own_token, "/documents", inquiry),
        "S": received,
        "R": created(own_token, "/document-settings/approval-rules", {
            "type": "quotation", "direction": "send", "steps": [{"role": "approver"}]}),
        "DR": created(own_token, "/document-settings/dispatch-rules", {
            "keyword": "bolts", "assignee_id": own.user_id}),
        "G": created(own_token, "/document-settings/dispatch-groups", {
            "name": "Desk", "member_ids": [own.user_id]}),
    }
    upload = api.post(f"/documents/{ids['D']}/attachments", own_token,
                      data={"file": (io.BytesIO(pdf_bytes()), "spec.pdf")},
                      content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    ids["A"] = upload.get_json()["id"]
    return World(own, other, operator, ids)


# method, path, body, expected status for (anonymous, own, other, operator)
API_ROUTES = [
    ("POST", "/documents", {"type": "inquiry", "recipient_company_id": "{partner}",
                            "lines": LINES}, (401, 201, 201, 403)),
    ("GET", "/documents", None, (401, 200, 200, 403)),
    ("GET", "/documents?box=drafts", None, (401, 200, 200, 403)),
    ("GET", "/documents/counts", None, (401, 200, 200, 403)),
    ("GET", "/document-types", None, (200, 200, 200, 200)),
    ("GET", "/documents/{D}", None, (401, 200, 404, 403)),
    ("PATCH", "/documents/{D}", {"subject": "Revised"}, (401, 200, 404, 403)),
    ("POST", "/documents/{D}/actions/send", {}, (401, 200, 404, 403)),
    ("POST", "/documents/{S}/actions/decline", {"comment": "No capacity"},
     (401, 200, 404, 403)),
    ("POST", "/documents/{S}/derive", {"type": "quotation"}, (401, 201, 404, 403)),
    ("GET", "/documents/{D}/attachments/{A}", None, (401, 200, 404, 403)),
    ("DELETE", "/documents/{D}/attachments/{A}", None, (401, 204, 404, 403)),
    ("GET", "/documents/{S}/history", None, (401, 200, 404, 403)),
    ("GET", "/documents/{S}/thread", None, (401, 200, 404, 403)),
    ("GET", "/documents/{S}/party-state", None, (401, 200, 404, 403)),
    ("PATCH", "/documents/{S}/party-state", {"folder": "Hamburg"}, (401, 200, 404, 403)),
    ("GET", "/document-settings/numbering", None, (401, 200, 200, 403)),
    ("PUT", "/document-settings/numbering/inquiry", {"pattern": "I-{year}-{seq}"},
     (401, 200, 200, 403)),
    ("GET", "/document-settings/approval-rules", None, (401, 200, 200, 403)),
    ("POST", "/document-settings/approval-rules", {
        "type": "purchase_order", "direction": "accept", "steps": [{"role": "admin"}]},
     (401, 201, 201, 403)),
    ("DELETE", "/document-settings/approval-rules/{R}", None, (401, 204, 404, 403)),
    ("GET", "/document-settings/dispatch-rules", None, (401, 200, 200, 403)),
    ("POST", "/document-settings/dispatch-rules", {"keyword": "x", "assignee_id": "{own_user}"},
     (401, 201, 422, 403)),  # another company's member is no assignee of theirs
    ("DELETE", "/document-settings/dispatch-rules/{DR}", None, (401, 204, 404, 403)),
    ("GET", "/document-settings/dispatch-groups", None, (401, 200, 200, 403)),
    ("POST", "/document-settings/dispatch-groups", {"name": "Export",
                                                    "member_ids": ["{own_user}"]},
     (401, 201, 422, 403)),
    ("DELETE", "/document-settings/dispatch-groups/{G}", None, (401, 204, 404, 403)),
]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    return value


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    who = {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)
    token = api.token(who) if who else None
    response = api.call(method, path.format(**world.ids), token,
                        json=_fill(body, world.ids) if body is not None else None)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)


UPLOAD_EXPECTED = list(zip(ACTORS, (401, 201, 404, 403), strict=True))


@pytest.mark.parametrize(("actor", "expected"), UPLOAD_EXPECTED)
def test_attachment_upload_access(world, api, actor, expected):
    who = {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)
    response = api.post(f"/documents/{world.ids['D']}/attachments",
                        api.token(who) if who else None,
                        data={"file": (io.BytesIO(pdf_bytes()), "more.pdf")},
                        content_type="multipart/form-data")
    assert response.status_code == expected, response.get_data(as_text=True)


def test_an_api_key_acts_for_its_company_but_cannot_change_settings(world, api, make):
    key = make.api_key(world.own)
    assert api.get(f"/documents/{world.ids['D']}", key).status_code == 200
    assert api.post(f"/documents/{world.ids['D']}/actions/send", key).status_code == 200
    assert api.get(f"/documents/{world.ids['S']}", make.api_key(world.other)).status_code == 404
    assert api.call("PUT", "/document-settings/numbering/inquiry", key,
                    json={"pattern": "K-{year}-{seq}"}).status_code == 403
    read_only = make.api_key(world.own, scopes=("read",))
    assert api.post(f"/documents/{world.ids['S']}/actions/archive",
                    read_only).status_code == 403
