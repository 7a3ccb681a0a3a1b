"""Fixtures of the crm tests. The known trade history lives in tests/crm/support.py."""

from __future__ import annotations

import pytest

from tests.crm.support import build_customer_world


@pytest.fixture
def customer_world(make):
    """Formosa Fasteners and its five customers A-E (see tests/crm/support.py)."""
    return build_customer_world(make)
