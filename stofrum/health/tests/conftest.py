"""The cast of the health tests: a nurse at H17."""

import pytest


@pytest.fixture
def nurse(make_staff):
    return make_staff("health", ["h17"], username="nurse")
