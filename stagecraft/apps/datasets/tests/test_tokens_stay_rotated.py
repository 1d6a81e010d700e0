"""A rotated data-set token stays rotated: no version holds a token, and revert and recover never
bring one back (tokens are left out of django-reversion's versions)."""

import importlib
import json
import re

import pytest
import reversion
from django.apps import apps
from django.urls import reverse
from reversion.models import Version

from stagecraft.apps.datasets.models import DataSet
from stagecraft.testing.commands import run

from .admin.helpers import form_data, versions_of
from .factories import DataSetFactory

pytestmark = pytest.mark.django_db

remove_tokens_from_versions = importlib.import_module(
    "stagecraft.apps.datasets.migrations.0003_remove_tokens_from_versions"
).remove_tokens_from_versions


def versions_holding(*tokens: str) -> list[Version]:
    return [v for v in Version.objects.all() if any(token in v.serialized_data for token in tokens)]


@pytest.fixture
def data_set():
    with reversion.create_revision():
        data_set = DataSetFactory(
            data_group__name="carers-allowance", data_type__name="realtime", bearer_token="leaked-token-1"
        )
    return data_set


def edit(client, data_set: DataSet, **changes) -> None:
    url = reverse("admin:datasets_dataset_change", args=[data_set.pk])
    response = client.post(url, {**form_data(client.get(url)), **changes})
    assert response.status_code == 302


def test_versions_never_hold_the_token(data_set):
    (version,) = versions_of(data_set)

    assert "bearer_token" not in version.field_dict
    assert "bearer_token" not in json.loads(version.serialized_data)[0]["fields"]
    assert versions_holding("leaked-token-1") == []


def test_after_a_rotation_no_version_holds_the_old_or_the_new_token(data_set):
    out, _ = run("set_token --generate --data-group-name carers-allowance")

    data_set.refresh_from_db()
    assert data_set.bearer_token in out
    assert len(versions_of(data_set)) == 2
    assert versions_holding("leaked-token-1", data_set.bearer_token) == []


def test_a_revert_in_the_admin_keeps_the_current_token(admin_client, data_set):
    edit(admin_client, data_set, bearer_token="rotated-token-2", published="on")
    first = versions_of(data_set)[0]
    url = reverse("admin:datasets_dataset_revision", args=[data_set.pk, first.pk])

    page = admin_client.get(url)
    assert page.context["adminform"].form["bearer_token"].value() == "rotated-token-2"
    assert "leaked-token-1" not in page.content.decode()
    assert admin_client.post(url, form_data(page)).status_code == 302

    data_set.refresh_from_db()
    assert (data_set.bearer_token, data_set.published) == ("rotated-token-2", False)
    assert len(versions_of(data_set)) == 3
    assert versions_holding("leaked-token-1", "rotated-token-2") == []


def test_reverting_a_revision_outside_the_admin_keeps_the_current_token(data_set):
    with reversion.create_revision():
        data_set.bearer_token = "rotated-token-2"
        data_set.published = True
        data_set.save()

    versions_of(data_set)[0].revision.revert(delete=True)

    data_set.refresh_from_db()
    assert (data_set.bearer_token, data_set.published) == ("rotated-token-2", False)


def test_recovering_a_deleted_data_set_gives_it_a_new_token(admin_client, data_set):
    admin_client.post(reverse("admin:datasets_dataset_delete", args=[data_set.pk]), {"post": "yes"})
    (deleted,) = admin_client.get(reverse("admin:datasets_dataset_recoverlist")).context["deleted"]
    url = reverse("admin:datasets_dataset_recover", args=[deleted.pk])

    page = admin_client.get(url)
    new_token = page.context["adminform"].form["bearer_token"].value()
    assert re.fullmatch(r"[0-9a-f]{64}", new_token)
    response = admin_client.post(url, form_data(page), follow=True)

    recovered = DataSet.objects.get()
    assert (recovered.name, recovered.bearer_token) == ("carers_allowance_realtime", new_token)
    assert [str(m) for m in response.context["messages"]][-1] == (
        "Data set carers_allowance_realtime was recovered with a new bearer token: tokens are not kept "
        "in the history. Give the new token (on the data set's page) to its collector."
    )
    assert versions_holding("leaked-token-1", new_token) == []


def test_the_migration_removes_the_tokens_stored_in_older_versions(data_set):
    # A version as stored before tokens were left out: with the token among its fields.
    (version,) = versions_of(data_set)
    objects = json.loads(version.serialized_data)
    objects[0]["fields"]["bearer_token"] = "leaked-token-1"
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(objects))
    DataSetFactory(data_group__name="other", bearer_token="unversioned-token")
    assert len(versions_holding("leaked-token-1")) == 1

    remove_tokens_from_versions(apps, None)

    assert versions_holding("leaked-token-1") == []
    version.refresh_from_db()
    assert json.loads(version.serialized_data)[0]["fields"]["name"] == "carers_allowance_realtime"
    assert DataSet.objects.get(data_group__name="other").bearer_token == "unversioned-token"
