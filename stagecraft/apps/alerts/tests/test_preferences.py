"""The links in every alert e-mail: signed, expiring, no login needed; opening one only asks."""

import re

import pytest

from stagecraft.apps.alerts.links import DIGEST, MUTE, MUTE_ALL, preference_url
from stagecraft.apps.alerts.models import DigestSubscriber, Mute

from .conftest import BASE_URL, later, make_data_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.STAGECRAFT_BASE_URL = BASE_URL


def path_of(url: str) -> str:
    assert url.startswith(BASE_URL)
    return url.removeprefix(BASE_URL)


def test_opening_a_mute_link_asks_and_the_button_mutes_that_data_set(client):
    data_set = make_data_set()
    path = path_of(preference_url("Owner@Example.org", MUTE, data_set))
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop alerts about carers_allowance_monitoring to owner@example.org?" in page.content.decode()
    assert not Mute.objects.exists()  # a mail scanner opening the link changes nothing
    done = client.post(path)
    assert done.status_code == 200
    assert (
        "owner@example.org will get no more alerts about carers_allowance_monitoring."
        in done.content.decode()
    )
    assert list(Mute.objects.values_list("email", "data_set")) == [("owner@example.org", data_set.pk)]
    assert client.post(path).status_code == 200  # twice is the same as once
    assert Mute.objects.count() == 1


def test_a_mute_everything_link_mutes_every_data_set(client):
    client.post(path_of(preference_url("owner@example.org", MUTE_ALL)))
    assert list(Mute.objects.values_list("email", "data_set")) == [("owner@example.org", None)]


def test_a_digest_link_switches_to_the_daily_digest(client):
    response = client.post(path_of(preference_url("owner@example.org", DIGEST)))
    assert "will get the daily digest instead" in response.content.decode()
    assert list(DigestSubscriber.objects.values_list("email", flat=True)) == ["owner@example.org"]


def test_it_refuses_an_altered_link(client):
    path = path_of(preference_url("owner@example.org", MUTE_ALL))
    altered = re.sub(r"/([^/]+)/$", lambda m: "/" + m.group(1)[:-3] + "abc/", path)
    for response in (client.get(altered), client.post(altered)):
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert not Mute.objects.exists()


def test_it_refuses_an_expired_link(client, time_machine, settings):
    settings.ALERTS_MUTE_LINK_MAX_AGE = 3600
    time_machine.move_to(later())
    path = path_of(preference_url("owner@example.org", MUTE_ALL))
    time_machine.move_to(later(hours=1, minutes=1))
    response = client.post(path)
    assert response.status_code == 400
    assert "This link has expired." in response.content.decode()
    assert not Mute.objects.exists()


def test_a_link_about_a_deleted_data_set_says_so(client):
    data_set = make_data_set()
    path = path_of(preference_url("owner@example.org", MUTE, data_set))
    data_set.delete()
    response = client.get(path)
    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


def test_other_methods_are_refused(client):
    assert client.put(path_of(preference_url("owner@example.org", MUTE_ALL))).status_code == 405
