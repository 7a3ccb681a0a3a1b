import pytest

from tests.fulfillment.support import trade_pair


@pytest.fixture
def pair(make, api):
    return trade_pair(make, api)
