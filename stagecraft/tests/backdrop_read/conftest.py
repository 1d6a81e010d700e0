"""Fixtures for the original data store's read scenarios, run against our app over the real routes
(the checks they share are in helpers.py).

`data_set(name, ...)` makes a data set the way a scenario's "Given ... is in "<name>" data_set"
does: reachable by name on the deprecated route (`/<name>`) and by `/data/<group>/<type>`, in
protected mode unless the scenario's settings allow raw queries (the original's default).
Records go through the real write path (`prepare_records` + `store_documents`); records the
pipeline would refuse (no `_timestamp`) are saved directly in the same stored format.
"""

import json

import pytest

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.tests.read.records import store, store_raw


@pytest.fixture
def data_set(db):
    def make(name: str, *records: dict, group: str | None = None, type_: str | None = None, **settings):
        settings = {"published": True, "raw_queries_allowed": False, **settings}
        made = DataSetFactory.create(
            data_group__name=group or name, data_type__name=type_ or "scenario", **settings
        )
        # The scenarios address data sets by a bare name ("foo"), which our group_type naming can't
        # give; the name is only a label, so set it directly.
        DataSet.objects.filter(pk=made.pk).update(name=name)
        made.refresh_from_db()
        if records and all("_timestamp" in record for record in records):
            store(made, *records)
        elif records:
            store_raw(made, *records)
        return made

    return make


@pytest.fixture
def go(client):
    """`When I go to "<path>"`: a GET of the path as written (query string included)."""
    return client.get


@pytest.fixture
def post(client):
    """`When I post the data to "/<name>"` with the data set's bearer token (the write API)."""

    def send(path: str, records: list[dict], token: str):
        return client.post(
            path,
            json.dumps(records),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return send
