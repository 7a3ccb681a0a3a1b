import pytest

from tests.supplier_link.support import Trade


@pytest.fixture
def trade(make, api):
    return Trade(make, api)
