import pytest
from reversion.models import Revision, Version

from stagecraft.apps.datasets.models import DataSet

from ..factories import DataGroupFactory, DataSetFactory, DataTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def group_and_type():
    DataGroupFactory.create(name="carers-allowance")
    DataTypeFactory.create(name="channel", schema={"type": "object"})


BODY = {"data_group": "carers-allowance", "data_type": "channel"}


def test_it_creates_a_data_set_with_the_defaults(api, cast):
    response = api.post("/data-sets", BODY, cast["create"])
    assert response.status_code == 201
    data_set = DataSet.objects.get()
    assert data_set.name == "carers_allowance_channel"
    assert response.json() == {**data_set.to_dict(), "bearer_token": None}
    assert (data_set.queryable, data_set.published, data_set.max_age_expected) == (True, False, 86400)


def test_it_versions_the_data_set_naming_the_client(api, cast):
    api.post("/data-sets", BODY, cast["create"])
    versions = Version.objects.get_for_object(DataSet.objects.get())
    assert len(versions) == 1
    assert versions[0].revision.comment == "Created through the API by client create-client"
    assert Revision.objects.count() == 1


def test_it_takes_every_configurable_field(api, cast):
    body = {
        **BODY,
        "name": "carers_allowance_channel",
        "bearer_token": "abc123",
        "upload_format": "excel",
        "upload_filters": ["backdrop.filters.first_sheet", "backdrop.filters.skip"],
        "auto_ids": "_timestamp, channel",
        "queryable": False,
        "realtime": True,
        "published": True,
        "raw_queries_allowed": False,
        "capped_size": 4194304,
        "max_age_expected": None,
    }
    response = api.post("/data-sets", body, cast["admin"])
    assert response.status_code == 201
    data_set = DataSet.objects.get()
    assert data_set.upload_filters == "backdrop.filters.first_sheet,backdrop.filters.skip"
    assert data_set.auto_ids == "_timestamp, channel"
    assert (data_set.capped_size, data_set.max_age_expected, data_set.bearer_token) == (
        4194304,
        None,
        "abc123",
    )
    assert response.json() == data_set.to_dict()
    assert response.json()["auto_ids"] == ["_timestamp", "channel"]


def test_it_takes_back_a_data_set_as_the_api_serialised_it(api, cast):
    # A data set copied from another Stagecraft (GET, then POST the same body) carries the
    # read-only name and schema: they are accepted when they match what would be generated.
    source = DataSetFactory.create(
        data_group=DataGroupFactory.create(name="carers-allowance"), auto_ids="channel"
    )
    copied = {**source.to_dict(), "data_type": "channel", "name": "carers_allowance_channel"}
    copied["schema"] = {
        **copied["schema"],
        "description": "Schema for carers-allowance/channel",
        "definitions": {
            "_timestamp": copied["schema"]["definitions"]["_timestamp"],
            "channel": {"type": "object"},
        },
        "allOf": [{"$ref": "#/definitions/_timestamp"}, {"$ref": "#/definitions/channel"}],
    }
    response = api.post("/data-sets", copied, cast["admin"])
    assert response.status_code == 201, response.json()
    assert response.json() == {**copied, "bearer_token": source.bearer_token}


def test_it_refuses_a_schema_that_differs_from_the_data_types(api, cast):
    response = api.post("/data-sets", {**BODY, "schema": {"type": "object"}}, cast["create"])
    assert response.status_code == 400
    assert "the schema comes from the data type 'channel'" in response.content.decode()
    assert not DataSet.objects.exists()
    assert Revision.objects.count() == 0


def test_it_answers_409_when_the_data_set_exists(api, cast):
    api.post("/data-sets", BODY, cast["create"])
    response = api.post("/data-sets", {**BODY, "realtime": True}, cast["create"])
    assert response.status_code == 409
    assert response.json()["message"] == "A data set named 'carers_allowance_channel' already exists."
    assert DataSet.objects.get().realtime is False
    assert Revision.objects.count() == 1


def test_it_answers_409_for_a_clashing_generated_name(api, cast):
    DataSetFactory.create(
        data_group=DataGroupFactory.create(name="carers"),
        data_type=DataTypeFactory.create(name="allowance-channel"),
    )
    response = api.post("/data-sets", BODY, cast["create"])
    assert response.status_code == 409
    assert DataSet.objects.count() == 1


def test_it_reports_every_field_error_at_once(api, cast):
    body = {
        "data_group": "nope",
        "data_type": 7,
        "queryable": "yes",
        "capped_size": -1,
        "upload_format": "pdf",
        "auto_ids": "x, bad field",
        "colour": "blue",
    }
    response = api.post("/data-sets", body, cast["create"])
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "The data set could not be created: 7 problems. See errors."
    details = {error["source"]["pointer"]: error["detail"] for error in body["errors"]}
    assert details == {
        "/colour": "Unknown field 'colour'. The fields are: data_group, data_type, name, bearer_token, "
        "upload_format, upload_filters, auto_ids, queryable, realtime, published, raw_queries_allowed, "
        "capped_size, max_age_expected, schema.",
        "/data_type": "data_type must be the name of a data type; got a number.",
        "/queryable": "queryable must be of type boolean; got a string.",
        "/capped_size": "capped_size must be a whole number from 0 to 2147483647.",
        "/upload_format": 'upload_format must be "csv", "excel" or empty; got a string.',
        "/data_group": "No data group named 'nope' exists; create it first.",
        "/auto_ids": "auto_ids: These are not valid record field names: x, bad field. Field names use "
        "letters, digits and underscores, are at least two characters long and do not start with a digit.",
    }
    assert not DataSet.objects.exists()
    assert Revision.objects.count() == 0


def test_it_checks_field_values_with_the_model_rules(api, cast):
    response = api.post(
        "/data-sets", {**BODY, "auto_ids": ["ok_id", "bad field"], "name": "wrong"}, cast["create"]
    )
    assert response.status_code == 400
    details = [error["detail"] for error in response.json()["errors"]]
    assert details == [
        "auto_ids: These are not valid record field names: bad field. Field names use letters, digits and "
        "underscores, are at least two characters long and do not start with a digit.",
        "name is generated from the data group and data type: it would be 'carers_allowance_channel', "
        "not 'wrong'. Leave it out.",
    ]
    assert not DataSet.objects.exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "The request body is empty; send a JSON object."),
        ("{not json", "The request body is not valid JSON: "),
        ("[1, 2]", "The request body must be a JSON object, not a list."),
        ('{"data_group": NaN}', "The request body is not valid JSON: NaN is not valid JSON."),
    ],
)
def test_it_rejects_malformed_bodies(api, cast, raw, message):
    response = api.request("POST", "/data-sets", cast["create"], raw=raw or " ")
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert not DataSet.objects.exists()


def test_it_answers_413_for_a_body_over_one_mebibyte(api, cast):
    raw = '{"data_group": "' + "a" * (1024 * 1024) + '"}'
    response = api.request("POST", "/data-sets", cast["create"], raw=raw)
    assert response.status_code == 413
    assert response.json()["message"] == "The request body is larger than the 1 MiB limit."
    assert not DataSet.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("unknown", 401),
        ("revoked", 401),
        ("unassigned", 403),
        ("assigned", 403),
        ("admin", 201),
        ("user", 403),
        ("create", 201),
    ],
)
def test_its_permission_matrix(api, cast, who, status):
    assert api.post("/data-sets", BODY, cast[who] if who else None).status_code == status
    assert DataSet.objects.count() == (1 if status == 201 else 0)


def test_it_takes_a_whole_number_written_with_a_fraction_as_the_document_says(api, cast):
    """`capped_size: 9.0` is the integer 9 for JSON Schema's "integer": accepted and stored as 9 (the
    data store's POST /data-sets/<name> reads it the same way)."""
    DataGroupFactory.create(name="g")
    DataTypeFactory.create(name="t")
    response = api.post(
        "/data-sets", {"data_group": "g", "data_type": "t", "capped_size": 9.0}, cast["admin"]
    )
    assert response.status_code == 201
    assert response.json()["capped_size"] == 9


@pytest.mark.parametrize("field", ["data_group", "data_type"])
def test_an_empty_group_or_type_name_is_refused_as_the_document_says(api, cast, field):
    body = {"data_group": "g", "data_type": "t", field: ""}
    response = api.post("/data-sets", body, cast["admin"])
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"pointer": f"/{field}"}
