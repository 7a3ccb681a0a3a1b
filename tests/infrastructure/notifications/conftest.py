"""Fixtures of the notification tests: test events, local receivers, quick retries."""

from __future__ import annotations

import pytest

from marketplace.infrastructure.models import MemberRole
from marketplace.infrastructure.notifications import register_event
from tests.infrastructure.notifications.support import SECRET, Receiver

# Events as a module would declare them (labels are not translated in tests).
PARCEL_ARRIVED = register_event("testing.parcel_arrived", label="A parcel arrived")
PRICE_CHANGED = register_event("testing.price_changed", label="A price changed",
                               roles=[MemberRole.PURCHASING])


@pytest.fixture
def receiver():
    """``receiver(statuses=[500, 200], delay=0)`` starts a local HTTP receiver."""
    started = []

    def start(statuses=(200,), **kwargs) -> Receiver:
        server = Receiver(statuses=list(statuses), **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def settings(app):
    """Change app settings for one test: ``settings(WEBHOOK_TIMEOUT=0.5)``."""
    saved = {}

    def change(**values):
        for name, value in values.items():
            saved.setdefault(name, app.config.get(name))
            app.config[name] = value

    yield change
    app.config.update(saved)


@pytest.fixture
def quick_retries(settings):
    """Three retries, after 50, 100 and 200 ms: four attempts in all."""
    delays = [0.05, 0.1, 0.2]
    settings(WEBHOOK_RETRY_DELAYS=delays)
    return delays


@pytest.fixture
def hook(api, make):
    """``hook(admin, url, events=[...])``: a webhook made through the API, its id."""

    def create(admin, url, events=("testing.parcel_arrived",), secret=SECRET, **extra):
        response = api.post("/webhooks", api.token(admin),
                            json={"url": url, "events": list(events), "secret": secret,
                                  **extra})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    return create
