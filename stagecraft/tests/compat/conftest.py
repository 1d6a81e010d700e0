"""Contract-test fixtures: the app served over HTTP by pytest-django's live server, the demo
configuration, and the public client library pointed at it with the token of the cast's `admin` API
client (stagecraft/testing/cast.py; the kind of client the data store itself uses)."""

import pytest

from stagecraft.apps.datasets.demo import demo_token, load_demo_data
from stagecraft.testing.cast import Caller

from .client_library import AdminAPI, DataSet
from .helpers import GROUP, TYPE


@pytest.fixture
def demo(transactional_db) -> None:
    load_demo_data()


@pytest.fixture
def admin_token(transactional_db, cast: dict[str, Caller]) -> str:
    return cast["admin"].token


@pytest.fixture
def signin_token(transactional_db, cast: dict[str, Caller]) -> str:
    """The token of a client without admin, linked to ASSIGNED_EMAIL."""
    return cast["assigned"].token


def _no_retries(client):
    # The library retries 500/502/503 with exponential back-off (15 s in all): fail at once instead.
    client.retry_on_error = False
    return client


@pytest.fixture
def admin_api(live_server, demo, admin_token) -> AdminAPI:
    return _no_retries(AdminAPI(live_server.url, admin_token))


@pytest.fixture
def data_set_client(live_server, demo) -> DataSet:
    """Writes to carers-allowance/transactions-by-channel (auto_ids _timestamp,channel) with its token."""
    client = DataSet.from_group_and_type(
        f"{live_server.url}/data", GROUP, TYPE, token=demo_token(GROUP, TYPE)
    )
    return _no_retries(client)


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    """Every request the library sends: method, url and headers."""
    import performanceplatform.client.base as base

    requests_sent: list[dict] = []
    real = base.requests.request

    def spy(**kwargs):
        requests_sent.append({key: kwargs[key] for key in ("method", "url", "headers")})
        return real(**kwargs)

    monkeypatch.setattr(base.requests, "request", spy)
    return requests_sent
