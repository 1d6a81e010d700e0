"""features/write_api.feature, the first write feature (2013): writes by data set ("bucket") name
to the deprecated POST /<name> route. Our data set names are `<group>_<type>`, so the scenario's
"my_dinosaur_bucket" is the data set of group "my-dinosaur", type "bucket".

Its reserved-name scenario expected 400 then; the later write_api.feature expects 404 (as here)."""

import pytest

from stagecraft.apps.records.models import Record

from .helpers import given_data_set, send, stored
from .test_write_api import FOUR_DINOSAURS, ONE_DINOSAUR

pytestmark = pytest.mark.django_db

DEPRECATION = (
    "Deprecation Warning: accessing by data-set name is deprecated, Please use the /data-group/data-type form"
)


def test_hitting_the_health_check_url(client, db):
    assert client.get("/_status").status_code == 200


def test_posting_to_a_reserved_bucket_name_is_refused(client):
    given_data_set("my-dinosaur", "bucket")
    response = send(client, "POST", "/_bucket", ONE_DINOSAUR, token="my_dinosaur_bucket-bearer-token")
    assert response.status_code == 404
    assert Record.objects.count() == 0


def test_posting_one_object_to_a_bucket(client):
    data_set = given_data_set("my-dinosaur", "bucket")
    response = send(client, "POST", "/my_dinosaur_bucket", ONE_DINOSAUR, token=data_set.bearer_token)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "message": DEPRECATION}
    assert len(stored(data_set, name="t-rex")) == 1


def test_posting_a_list_of_objects_to_a_bucket(client):
    data_set = given_data_set("my-dinosaur", "bucket")
    response = send(client, "POST", "/my_dinosaur_bucket", FOUR_DINOSAURS, token=data_set.bearer_token)
    assert response.status_code == 200
    assert len(stored(data_set, size="big")) == 2
    assert len(stored(data_set, name="microraptor")) == 1
