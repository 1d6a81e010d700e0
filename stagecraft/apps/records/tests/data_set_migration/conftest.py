from unittest import mock

import pytest

from .helpers import NOW


@pytest.fixture
def frozen_now():
    """Pin the clock: created/modified and the store's _updated_at all read timezone.now()."""
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW
