"""Fixtures of the crm tests. The known trade history lives in tests/crm/support.py."""

from __future__ import annotations

import pytest

from tests.conftest import crm_in_step
from tests.crm.support import build_customer_world


@pytest.fixture
def customer_world(make):
    """Formosa Fasteners and its five customers A-E (see tests/crm/support.py)."""
    return build_customer_world(make)


@pytest.fixture(scope="package", autouse=True)
def _crm_in_step(app):
    """Every document action here refreshes crm's figures, as in production."""
    with crm_in_step(app):
        yield
