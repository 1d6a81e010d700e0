import datetime
from unittest import mock

import pytest

NOW = datetime.datetime(2014, 6, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen_now():
    """Pin the clock: created/modified read timezone.now()."""
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW
