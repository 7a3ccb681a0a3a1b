"""The login throttle counts failed attempts per account and per client address
(issue 12, item 6): a failing account slows down without locking out anyone else, a
flood from one address is limited, and behind a trusted reverse proxy (TRUSTED_PROXIES)
the address is the client's, not the proxy's."""

import pytest
from flask import request

from marketplace import create_app
from marketplace.extensions import limiter
from tests.factories import PASSWORD, csrf_token


def _login(api, email, password="wrong-password", address="10.0.0.1"):
    return api.post("/auth/token", json={"email": email, "password": password},
                    environ_base={"REMOTE_ADDR": address})


def test_a_failing_account_is_slowed_down_from_every_address(api, make):
    alice = make.company_with_admin()
    for number in range(5):
        assert _login(api, alice.email, address=f"10.0.1.{number}").status_code == 401
    assert _login(api, alice.email, PASSWORD, address="10.0.2.1").status_code == 429


def test_a_failing_account_does_not_lock_out_others_on_the_same_address(api, make):
    alice, bob = make.company_with_admin(), make.company_with_admin()
    for _ in range(5):
        assert _login(api, alice.email).status_code == 401
    assert _login(api, alice.email, PASSWORD).status_code == 429
    assert _login(api, bob.email, PASSWORD).status_code == 200  # same address


def test_the_account_is_one_whatever_the_spelling_of_the_address(api, make):
    alice = make.company_with_admin()
    for spelling in (alice.email, alice.email.upper(), f"  {alice.email}", alice.email,
                     alice.email.title()):
        assert _login(api, spelling).status_code == 401
    assert _login(api, alice.email, PASSWORD).status_code == 429


def test_a_flood_from_one_address_is_limited_across_accounts(api, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ADDRESS", "3 per minute")
    bob = make.company_with_admin()
    for number in range(3):
        assert _login(api, f"guess{number}@example.com").status_code == 401
    assert _login(api, bob.email, PASSWORD).status_code == 429  # this address, any account
    assert _login(api, bob.email, PASSWORD, address="10.9.9.9").status_code == 200


def test_the_portal_login_counts_per_account_too(client, make):
    alice, bob = make.company_with_admin(), make.company_with_admin()

    def portal(email, password):
        return client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_token(client, "/login")})

    for _ in range(5):
        assert portal(alice.email, "wrong-password").status_code == 401
    assert portal(alice.email, PASSWORD).status_code == 429
    assert portal(bob.email, PASSWORD).status_code == 302


@pytest.fixture
def build_app(app, tmp_path):
    """Another app (with its own settings); the process-wide limiter goes back to the
    session's app afterwards."""
    built = []

    def build(**overrides):
        other = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
                                       **overrides}, instance_path=str(tmp_path))

        @other.route("/_client-address")
        def client_address():
            return request.remote_addr

        built.append(other)
        return other

    from marketplace.extensions import celery

    saved = {key: celery.conf[key] for key in ("broker_url", "task_always_eager")}
    yield build
    # The limiter and Celery are process-wide: give them back to the session's app.
    limiter.init_app(app)
    celery.conf.update(saved)
    celery.close()
    celery.flask_app = app


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(build_app):
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    direct = build_app().test_client()
    assert direct.get("/_client-address", headers=forwarded,
                      environ_base={"REMOTE_ADDR": "10.0.0.2"}).text == "10.0.0.2"
    proxied = build_app(TRUSTED_PROXIES=1).test_client()
    assert proxied.get("/_client-address", headers=forwarded,
                       environ_base={"REMOTE_ADDR": "10.0.0.2"}).text == "203.0.113.7"
    # A client's own X-Forwarded-For in front of the proxy's entry is not believed.
    spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    assert proxied.get("/_client-address", headers=spoofed,
                       environ_base={"REMOTE_ADDR": "10.0.0.2"}).text == "203.0.113.7"
