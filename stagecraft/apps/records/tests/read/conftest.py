import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory

from .records import LICENSING, store


@pytest.fixture
def licensing(db):
    """A published data set, raw queries allowed, holding the licensing records."""
    data_set = DataSetFactory.create(
        data_group__name="licensing", data_type__name="applications", published=True
    )
    store(data_set, *LICENSING)
    return data_set


@pytest.fixture
def read(client):
    """GET /data/licensing/applications with the given parameters; returns the response."""

    def get(params=None, path="/data/licensing/applications", **headers):
        return client.get(path, params or {}, **headers)

    return get
