"""Writes that meet conflicting transactions: run again a bounded number of times, then 503 with
Retry-After in the route's own error shape (stagecraft/libs/retry.py, stagecraft/middleware.py)."""

import json
from unittest import mock

import pytest
from django.db import OperationalError, transaction

from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record
from stagecraft.libs import retry
from stagecraft.libs.retry import Busy, retry_on_conflict


class _Cause(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def conflict(sqlstate: str = "40P01") -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _Cause(sqlstate)
    return error


@pytest.fixture(autouse=True)
def no_pauses():
    with mock.patch.object(retry.time, "sleep") as sleep:
        yield sleep


@pytest.fixture
def outside_a_transaction():
    with mock.patch.object(retry, "connection") as connection:
        connection.in_atomic_block = False
        yield


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_conflict_is_run_again_until_it_succeeds(outside_a_transaction, no_pauses, sqlstate):
    work = mock.Mock(side_effect=[conflict(sqlstate), conflict(sqlstate), "done"])
    assert retry_on_conflict(work) == "done"
    assert work.call_count == 3
    assert no_pauses.call_count == 2


def test_after_the_last_attempt_it_is_busy(outside_a_transaction):
    work = mock.Mock(side_effect=conflict())
    with pytest.raises(Busy):
        retry_on_conflict(work, attempts=3)
    assert work.call_count == 3


def test_sqlites_lock_timeout_is_a_conflict_too(outside_a_transaction):
    work = mock.Mock(side_effect=[OperationalError("database is locked"), 1])
    assert retry_on_conflict(work) == 1


def test_other_errors_are_not_run_again(outside_a_transaction):
    work = mock.Mock(side_effect=OperationalError("no such table"))
    with pytest.raises(OperationalError):
        retry_on_conflict(work)
    assert work.call_count == 1


@pytest.mark.django_db
def test_inside_an_outer_transaction_the_conflict_goes_to_its_owner():
    work = mock.Mock(side_effect=conflict())
    with transaction.atomic(), pytest.raises(OperationalError):
        retry_on_conflict(work)
    assert work.call_count == 1


@pytest.mark.django_db
def test_a_busy_record_write_answers_503_with_retry_after_in_the_data_stores_shape(client):
    DataSetFactory.create(data_group__name="g", data_type__name="t", bearer_token="secret")
    with mock.patch("stagecraft.apps.records.views.write.store_chunks", side_effect=Busy("conflicts")):
        response = client.post(
            "/data/g/t",
            json.dumps({"_timestamp": "2014-01-20T00:00:00Z"}),
            content_type="application/json",
            HTTP_AUTHORIZATION="Bearer secret",
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["status"] == "error"
    assert response.json()["message"].startswith("The database is busy with other writes")
    assert Record.objects.count() == 0


@pytest.mark.django_db
def test_a_busy_configuration_write_answers_503_in_its_shape(api, cast):
    DataSetFactory.create(data_group__name="g", data_type__name="t")
    with mock.patch("stagecraft.apps.datasets.api.users._save_user", side_effect=Busy("conflicts")):
        response = api.put("/users/p@example.org", {"data_sets": ["g_t"]}, cast["admin"])
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["errors"][0]["status"] == "503"
