"""The admin for the people assigned to data sets (the original's BackdropUser)."""

import pytest
from django.urls import reverse

from stagecraft.apps.datasets.models import BackdropUser

from ..factories import BackdropUserFactory, DataSetFactory
from .helpers import assert_one_revision, errors_of, form_data, new_revisions, versions_of

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:datasets_backdropuser_add")


def change_url(person: BackdropUser) -> str:
    return reverse("admin:datasets_backdropuser_change", args=[person.pk])


def test_it_adds_a_person_with_data_sets_in_one_revision(admin_client, admin_user):
    first, second = DataSetFactory.create(), DataSetFactory.create()
    with new_revisions() as log:
        response = admin_client.post(
            ADD_URL, {"email": "ann@example.org", "data_sets": [first.pk, second.pk]}
        )
    assert response.status_code == 302
    person = BackdropUser.objects.get()
    assert set(person.data_sets.all()) == {first, second}
    revision = assert_one_revision(log, admin_user, "Added.", [person])
    assert sorted(revision.version_set.get().field_dict["data_sets"]) == sorted([first.pk, second.pk])


def test_it_refuses_an_invalid_or_duplicate_email(admin_client):
    BackdropUserFactory.create(email="ann@example.org")
    with new_revisions() as log:
        invalid = admin_client.post(ADD_URL, {"email": "not-an-email"})
        duplicate = admin_client.post(ADD_URL, {"email": "ann@example.org"})
        other_case = admin_client.post(ADD_URL, {"email": "Ann@Example.org"})
    assert errors_of(invalid) == ["Enter a valid email address."]
    assert errors_of(duplicate) == ["A Backdrop user with this email (ignoring case) already exists."]
    assert errors_of(other_case) == ["A Backdrop user with this email (ignoring case) already exists."]
    assert BackdropUser.objects.count() == 1
    assert log.new == []


def test_it_reverts_the_assigned_data_sets(admin_client, admin_user):
    first, second = DataSetFactory.create(), DataSetFactory.create()
    admin_client.post(ADD_URL, {"email": "ann@example.org", "data_sets": [first.pk]})
    person = BackdropUser.objects.get()
    data = form_data(admin_client.get(change_url(person)))
    admin_client.post(change_url(person), {**data, "data_sets": [second.pk]})
    assert list(person.data_sets.all()) == [second]
    old = versions_of(person)[0]
    url = reverse("admin:datasets_backdropuser_revision", args=[person.pk, old.pk])
    with new_revisions() as log:
        response = admin_client.post(url, form_data(admin_client.get(url)))
    assert response.status_code == 302
    assert list(person.data_sets.all()) == [first]
    assert_one_revision(log, admin_user, log.only.comment, [person])


def test_the_data_set_picker_searches_by_name(admin_client):
    data_set = DataSetFactory.create()
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": data_set.name,
            "app_label": "datasets",
            "model_name": "backdropuser",
            "field_name": "data_sets",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [data_set.name]
