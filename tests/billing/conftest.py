"""Fixtures shared by the billing tests."""

import pytest

from tests.billing.stripe_stub import BillingStripeStub
from tests.billing.support import stripe_configured


@pytest.fixture
def stub(app, monkeypatch):
    """The local Stripe stand-in, with the app's Stripe settings pointing at it."""
    with BillingStripeStub() as stripe_stub, stripe_configured(app, monkeypatch,
                                                                stripe_stub.base):
        yield stripe_stub
