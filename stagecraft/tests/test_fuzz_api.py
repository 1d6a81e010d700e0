"""The whole API fuzzed from its OpenAPI document (schemathesis, through Django's WSGI application: no
server needed): every operation of /api/openapi.json gets generated requests, valid and invalid, and
every answer must be a documented status with a body that conforms to the document, never a 5xx.

The run is deterministic (a fixed seed) and bounded (FUZZ_EXAMPLES examples per operation, 25 by
default) so that CI stays fast. A larger run (docs/records.md, "Fuzzing"):

    FUZZ_EXAMPLES=500 FUZZ_SEED=7 ./run_tests.sh -s stagecraft/tests/test_fuzz_api.py

Most generated requests are pointed at a data set that exists, with the right token, so that they
reach the validation and storage code rather than a 404 or 401; the rest keep what was generated.
The figures of a run (requests, statuses) are printed at the end with `-s`.
"""

import json
import os
import zlib
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, seed, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, missing_required_header, positive_data_acceptance

from stagecraft.apps.datasets.tests.factories import DataSetFactory, DataTypeFactory
from stagecraft.apps.records.pipeline import prepare_records
from stagecraft.apps.records.storage import store_documents
from stagecraft.openapi import DOCUMENT

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "12"))
COLLECTION_TOKEN = "fuzz-collection-token"
DATA_SET_TOKEN = "fuzz-data-set-token"

schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = WSGIHandler()
# A request that breaks the document must be refused: 413 (too large) is a refusal too.
REFUSALS = ["400", "401", "403", "404", "405", "409", "413", "415"]
schema.config.checks.negative_data_rejection.expected_statuses = REFUSALS
STATUSES: Counter[int] = Counter()
# These two send the request again without the Authorization header, or judge a generated one, and
# assume schemathesis chose the credentials: here the test does (_aim), so they would misjudge it.
# Authentication is tested route by route (the permission matrices, test_write_auth.py).
# And this one expects every request that fits the document to succeed, but the document can't say
# everything the server checks (a data group must exist, a range must be in order...): those
# requests answer a documented 4xx, which the other checks hold to the document.
EXCLUDED = [ignored_auth, missing_required_header, positive_data_acceptance]


@pytest.fixture
def world(db, cast, settings):
    """A data set with records, its token, an admin API client and the collection token."""
    # Django closes the database connection when a request ends; here every request shares the
    # test's transaction, as Django's own test client arranges by the same means.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.STAGECRAFT_COLLECTION_ENDPOINT_TOKEN = COLLECTION_TOKEN
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    data_type = DataTypeFactory.create(
        name="fuzz-type", schema={"properties": {"count": {"type": "integer"}, "channel": {"type": "string"}}}
    )
    data_set = DataSetFactory.create(
        data_group__name="fuzz-group",
        data_type=data_type,
        bearer_token=DATA_SET_TOKEN,
        raw_queries_allowed=True,
        published=True,
        capped_size=20_000,
        max_age_expected=3600,
    )
    records = [{"_id": f"r{n}", "_timestamp": f"2014-01-{n + 1:02d}T00:00:00Z", "count": n} for n in range(5)]
    store_documents(data_set, prepare_records(data_set, records))
    yield {"admin": cast["admin"].token, "data_set": data_set}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _choose(case: schemathesis.Case, salt: str, percent: int) -> bool:
    """A stable choice for this case (its generated values decide), true `percent` times in 100."""
    text = json.dumps([case.path_parameters, case.query, str(case.body)[:200], salt], default=str)
    return zlib.crc32(text.encode()) % 100 < percent


def _aim(case: schemathesis.Case, world: dict) -> None:
    """Point most cases at the data set that exists, with the right token; a part generated to break
    the document (a negative case) is left as it is, to be refused."""
    broken = {
        location.value
        for location, info in (case.meta.components.items() if case.meta else [])
        if info.mode is GenerationMode.NEGATIVE
    }
    parameters = case.path_parameters if case.path_parameters and "path" not in broken else {}
    if "data_group" in parameters and _choose(case, "data set", 80):
        parameters.update(data_group="fuzz-group", data_type="fuzz-type")
    if "record_id" in parameters and _choose(case, "record", 50):
        parameters["record_id"] = "r1"
    if "data_set_name" in parameters and _choose(case, "by name", 80):
        parameters["data_set_name"] = "fuzz_group_fuzz_type"
    if "name" in parameters and _choose(case, "name", 50):
        parameters["name"] = "fuzz_group_fuzz_type"
    path = case.operation.path
    if path.startswith(("/data/", "/{data_set_name}")):
        token = DATA_SET_TOKEN
    elif path == "/data-sets/{name}" and case.method in ("DELETE", "POST"):
        token = COLLECTION_TOKEN
    else:
        token = world["admin"]
    if "header" not in broken and _choose(case, "token", 85):
        case.headers["Authorization"] = f"Bearer {token}"


@pytest.mark.django_db
@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=False,
    database=None,
)
def test_every_operation_answers_as_documented_and_never_5xx(case, world):
    _aim(case, world)
    response = case.call()
    STATUSES[response.status_code] += 1
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
    case.validate_response(response, excluded_checks=EXCLUDED)


def test_report_the_fuzzing_figures():
    """Not a check: prints what the fuzz test sent (run it after, with -s)."""
    total = sum(STATUSES.values())
    print(f"\nfuzzing: seed {SEED}, {EXAMPLES} examples per operation, {total} requests,", end=" ")
    print(f"statuses {dict(sorted(STATUSES.items()))}")
    assert all(status < 500 for status in STATUSES)
