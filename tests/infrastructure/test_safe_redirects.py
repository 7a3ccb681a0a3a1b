"""Only same-site paths are followed after login (issue 12, item 8): "/%09/evil.example"
was sent on as "Location: //evil.example" (browsers drop the tab)."""

import pytest

from marketplace.core.redirects import same_site_path
from tests.factories import csrf_token

HOSTILE = ["/\t/evil.example", "//evil.example", "https://evil.example/", "/\\evil.example",
           "\\\\evil.example", " //evil.example", "/\r\n/evil.example", "javascript:alert(1)",
           "http://localhost.evil.example/x", "///evil.example", "evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_off_site_targets_are_not_followed(app, target):
    with app.test_request_context(base_url="http://localhost"):
        assert same_site_path(target) is None


def test_same_site_targets_are_followed_as_paths(app):
    with app.test_request_context(base_url="http://localhost"):
        assert same_site_path("/orders?page=2#top") == "/orders?page=2#top"
        assert same_site_path("http://localhost/documents/4") == "/documents/4"
        assert same_site_path("") is None and same_site_path(None) is None


def _login(client, member, next_param):
    token = csrf_token(client, "/login")
    return client.post("/login", query_string={"next": next_param},
                       data={"email": member.email, "password": "correct-horse-battery",
                             "csrf_token": token})


def test_login_with_a_tab_smuggled_next_goes_home(client, make):
    member = make.company_with_admin()
    response = client.post("/login?next=/%09/evil.example", data={
        "email": member.email, "password": "correct-horse-battery",
        "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_same_site_next(client, make):
    response = _login(client, make.company_with_admin(), "/notifications?unread=1")
    assert response.headers["Location"] == "/notifications?unread=1"


def test_language_switch_goes_back_only_to_this_site(client):
    token = csrf_token(client, "/login")
    response = client.post("/language/en", data={"csrf_token": token},
                           headers={"Referer": "https://evil.example/phish"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
