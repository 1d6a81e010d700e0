"""Fixtures of the original data store's write scenarios (the helpers are in helpers.py)."""

import pytest

from stagecraft.testing.clock import frozen_at

from .helpers import COLLECTION_TOKEN, NOW

frozen_now = frozen_at(NOW)


@pytest.fixture
def collection_token(settings):
    """The token of the whole-collection routes, as the original's test configuration had it."""
    settings.STAGECRAFT_COLLECTION_ENDPOINT_TOKEN = COLLECTION_TOKEN
    return COLLECTION_TOKEN
