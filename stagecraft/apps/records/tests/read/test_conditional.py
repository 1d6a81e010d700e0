"""Conditional reads on /data/<group>/<type> (docs/records.md, "Conditional reads"): an ETag made from
the data set's write stamp, its read configuration and the query; If-None-Match answered 304 after one
query, without reading a record; every kind of write moves the stamp on."""

import datetime
import json
import re

import pytest

from stagecraft.apps.datasets.models import DataSet
from stagecraft.apps.datasets.tests.factories import DataTypeFactory
from stagecraft.apps.records.demo import Post, write_posts
from stagecraft.apps.records.demo import empty as empty_for_demo
from stagecraft.apps.records.models import Record, RecordCount, TrashBatch
from stagecraft.apps.records.storage import enforce_capped_size
from stagecraft.apps.records.trash import restore_batch, trash_records
from stagecraft.apps.records.upload_preview import keep_upload, store_pending_upload
from stagecraft.apps.records.uploads import ParsedUpload
from stagecraft.testing.clock import pin_clock

from .records import LICENSING

PATH = "/data/licensing/applications"
QUERY = {"group_by": "authority", "collect": "value:sum"}
TOKEN = "licensing-token"
pytestmark = pytest.mark.django_db

NEW_RECORD = {"_timestamp": "2012-12-14T10:00:00+00:00", "authority": "Camden", "value": 1, "paid": True}


@pytest.fixture
def licensing(licensing):
    """The read tests' licensing data set, with a token to write with."""
    licensing.bearer_token = TOKEN
    licensing.save()
    return licensing


def etag(client, params=None, path=PATH):
    response = client.get(path, QUERY if params is None else params)
    assert response.status_code == 200
    return response["ETag"]


def revalidate(client, tag, params=None, **headers):
    return client.get(PATH, QUERY if params is None else params, HTTP_IF_NONE_MATCH=tag, **headers)


def a_record_id(data_set):
    return (
        Record.objects.filter(data_set=data_set).order_by("record_id").values_list("record_id", flat=True)[0]
    )


def write(client, method, path=PATH, body=None):
    response = getattr(client, method)(
        path,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )
    assert response.status_code == 200, response.content
    return response


# -- the ETag ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, QUERY, {**QUERY, "format": "csv"}, {"period": "week", "duration": "4"}, {"limit": "2"}],
    ids=["raw", "grouped", "csv", "counted back", "limited"],
)
def test_answers_carry_a_weak_etag(licensing, client, params):
    response = client.get(PATH, params)

    assert response.status_code == 200
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', response["ETag"])
    assert response["ETag"] == client.get(PATH, params)["ETag"]  # the same while nothing changes


def test_head_carries_the_same_etag_and_is_answered_304_too(licensing, client):
    tag = etag(client)

    head = client.head(PATH, QUERY)
    not_modified = client.head(PATH, QUERY, HTTP_IF_NONE_MATCH=tag)

    assert (head.status_code, head["ETag"], head.content) == (200, tag, b"")
    assert (not_modified.status_code, not_modified["ETag"]) == (304, tag)


def test_queries_and_formats_have_their_own_etags(licensing, client):
    tags = [
        etag(client, {}),
        etag(client, QUERY),
        etag(client, {**QUERY, "format": "csv"}),
        etag(client, {"group_by": "licence_name", "collect": "value:sum"}),
        etag(client, {"group_by": "authority", "collect": "value:mean"}),
        etag(client, {"group_by": ["authority", "licence_name"]}),
        etag(client, {"group_by": ["licence_name", "authority"]}),
        etag(client, {"filter_by": "authority:Camden"}),
    ]

    assert len(set(tags)) == len(tags)


def test_the_order_of_the_parameters_does_not_matter(licensing, client):
    assert etag(client, path=f"{PATH}?group_by=authority&collect=value:sum") == etag(
        client, path=f"{PATH}?collect=value:sum&group_by=authority"
    )


def test_data_sets_have_their_own_etags(licensing, client):
    other = DataSet.objects.create(
        data_group=licensing.data_group, data_type=DataTypeFactory.create(name="renewals"), published=True
    )

    assert etag(client) != etag(client, path=f"/data/licensing/{other.data_type.name}")


def test_a_window_counted_back_from_now_has_a_new_etag_when_now_enters_a_new_period(licensing, client):
    params = {"period": "week", "duration": "4", "collect": "value:sum"}
    monday = datetime.datetime(2012, 12, 24, 9, 0, tzinfo=datetime.UTC)
    with pin_clock(monday):
        first = etag(client, params)
    with pin_clock(monday + datetime.timedelta(days=3)):
        same_week = etag(client, params)
    with pin_clock(monday + datetime.timedelta(days=7)):
        next_week = etag(client, params)

    assert first == same_week != next_week


# -- If-None-Match -------------------------------------------------------------------------------


def test_a_matching_if_none_match_is_answered_304_after_one_query(
    licensing, client, django_assert_num_queries
):
    tag = etag(client)

    # The data set with its write stamp: one query, and no record read.
    with django_assert_num_queries(1) as queries:
        response = revalidate(client, tag)

    assert '"records_record"' not in queries.captured_queries[0]["sql"]
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag
    assert response["Cache-Control"] == "max-age=1800, must-revalidate"
    assert response["Access-Control-Allow-Origin"] == "*"
    # RFC 9110 §15.4.5, §8.6: no representation headers, no length but the 200's.
    assert "Content-Type" not in response
    assert "Content-Length" not in response
    assert "Content-Disposition" not in response


@pytest.mark.parametrize(
    "header",
    [
        "{tag}",
        "{strong}",  # weak comparison (RFC 9110 §8.8.3.2): "x" matches W/"x"
        '"0000", {tag}',
        'W/"0000",{strong} , "1111"',
        "*",
    ],
)
def test_if_none_match_forms_that_match(licensing, client, header):
    tag = etag(client)
    strong = tag.removeprefix("W/")

    response = revalidate(client, header.format(tag=tag, strong=strong))

    assert response.status_code == 304
    assert response["ETag"] == tag


@pytest.mark.parametrize("header", ['"0000"', 'W/"0000"', "", "not an etag", '"0000", W/"1111"'])
def test_if_none_match_forms_that_do_not_match(licensing, client, header):
    response = revalidate(client, header)

    assert response.status_code == 200
    assert response["ETag"]


def test_the_etag_of_another_query_does_not_match(licensing, client):
    tag = etag(client, {"group_by": "licence_name"})

    assert revalidate(client, tag).status_code == 200


def test_csv_answers_are_revalidated_too(licensing, client):
    params = {**QUERY, "format": "csv"}
    tag = etag(client, params)

    response = revalidate(client, tag, params)

    assert response.status_code == 304
    assert response["Cache-Control"] == "max-age=1800, must-revalidate"


def test_a_304_keeps_the_cache_lifetime_of_realtime_and_unpublished_data(licensing, client):
    licensing.realtime = True
    licensing.save()
    assert revalidate(client, etag(client))["Cache-Control"] == "max-age=120, must-revalidate"

    licensing.published = False
    licensing.save()
    response = revalidate(client, etag(client))
    assert (response.status_code, response["Cache-Control"]) == (304, "no-cache")


def test_query_errors_carry_no_etag_and_ignore_if_none_match(licensing, client):
    response = client.get(PATH, {"nonsense": "1"}, HTTP_IF_NONE_MATCH="*")

    assert response.status_code == 400
    assert "ETag" not in response


def test_options_and_unknown_data_sets_ignore_if_none_match(licensing, client):
    assert client.options(PATH, HTTP_IF_NONE_MATCH="*").status_code == 200
    response = client.get("/data/licensing/nothing", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 404
    assert "ETag" not in response


# -- what moves the ETag on: configuration -------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"published": False},
        {"realtime": True},
        {"raw_queries_allowed": False},
        {"max_age_expected": 60},  # any save: the data set's `modified` moves
    ],
)
def test_a_configuration_change_changes_the_etag(licensing, client, change):
    before = etag(client)
    for name, value in change.items():
        setattr(licensing, name, value)
    licensing.save()

    assert etag(client) != before


def test_a_configuration_change_without_save_changes_the_etag_too(licensing, client):
    # A queryset update does not move `modified`; the fields the read looks at are in the ETag.
    before = etag(client)
    DataSet.objects.filter(pk=licensing.pk).update(realtime=True)

    assert etag(client) != before


# -- what moves the ETag on: every write of the records ------------------------------------------


def _post(data_set, client):
    write(client, "post", body=[NEW_RECORD])


def _replace(data_set, client):
    # The same _id again: the count stays, the records don't.
    write(client, "post", body=[{"_id": a_record_id(data_set), **LICENSING[0], "value": 20}])


def _patch(data_set, client):
    write(client, "patch", f"{PATH}/{a_record_id(data_set)}", {**LICENSING[0], "value": 30})


def _delete(data_set, client):
    write(client, "delete", f"{PATH}/{a_record_id(data_set)}")


def _empty(data_set, client):
    write(client, "put", body=[])


def _trim(data_set, client):
    # Sizes written around storage.py (no stamp), then the capped-size rule alone.
    Record.objects.filter(data_set=data_set).update(size=100)
    data_set.capped_size = 250
    assert enforce_capped_size(data_set) == 3


def _trash(data_set, client):
    trash_records(data_set, TrashBatch.EMPTIED)


def _upload(data_set, client):
    from django.contrib.auth.models import User

    user = User.objects.create_user("uploader")
    pending = keep_upload(data_set, user, "new.csv", ParsedUpload(list(NEW_RECORD), [NEW_RECORD], [2]))
    assert store_pending_upload(pending, "admin user uploader", "127.0.0.1") == 1


def _demo_posts(data_set, client):
    at = datetime.datetime(2012, 12, 20, tzinfo=datetime.UTC)
    write_posts(data_set, [Post(at, [NEW_RECORD])], log_from=at)


def _demo_empty(data_set, client):
    empty_for_demo(data_set, datetime.datetime(2012, 12, 20, tzinfo=datetime.UTC))


WRITES = [_post, _replace, _patch, _delete, _empty, _trim, _trash, _upload, _demo_posts, _demo_empty]


@pytest.mark.parametrize("change", WRITES, ids=[w.__name__.strip("_") for w in WRITES])
def test_every_kind_of_write_changes_the_etag(licensing, client, change):
    before = etag(client)
    raw_before = etag(client, {})
    count_before = RecordCount.objects.get(data_set=licensing).count

    change(licensing, client)

    assert etag(client) != before
    assert etag(client, {}) != raw_before
    assert revalidate(client, before).status_code == 200
    if change is _replace or change is _patch:
        assert RecordCount.objects.get(data_set=licensing).count == count_before


def test_restoring_trashed_records_changes_the_etag(licensing, client):
    batch = trash_records(licensing, TrashBatch.EMPTIED)
    assert batch is not None
    before = etag(client)

    restore_batch(batch, licensing)

    assert etag(client) != before


def test_the_time_of_the_last_write_is_part_of_the_etag(licensing, client):
    # A data set deleted and recovered (same id) starts its generations again; its last write's time
    # tells its answers apart from the old ones.
    before = etag(client)
    RecordCount.objects.filter(data_set=licensing).update(
        changed_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )

    assert etag(client) != before


def test_the_stamp_moves_once_per_write_even_when_nothing_is_counted(licensing, client):
    stamp = RecordCount.objects.get(data_set=licensing)

    _patch(licensing, client)

    moved = RecordCount.objects.get(data_set=licensing)
    assert (moved.count, moved.generation) == (stamp.count, stamp.generation + 1)
    assert moved.changed_at is not None
