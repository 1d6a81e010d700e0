"""The alerts in the admin: recipients on the data set and group pages, the test action, the outbox."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from stagecraft.apps.alerts.models import Alert, AlertAddress, DeliveryAttempt, OutboxMessage, Webhook
from stagecraft.apps.datasets.tests.admin.helpers import form_data

from .conftest import assign, make_data_set

pytestmark = pytest.mark.django_db


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_data_set_page_edits_its_addresses_and_webhooks(admin_client):
    data_set = make_data_set()
    url = reverse("admin:datasets_dataset_change", args=[data_set.pk])
    page = admin_client.get(url)
    assert "Alerts: extra e-mail addresses (besides assigned people)" in page.content.decode()
    data = form_data(page)
    data.update(
        {
            "alert_addresses-TOTAL_FORMS": "1",
            "alert_addresses-0-email": "Team@Example.org",
            "webhooks-TOTAL_FORMS": "1",
            "webhooks-0-url": "https://pager.example/hook",
            "webhooks-0-secret": "shared",
            "webhooks-0-active": "on",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(AlertAddress.objects.values_list("email", "data_set", "data_group")) == [
        ("team@example.org", data_set.pk, None)
    ]
    assert list(Webhook.objects.values_list("url", "secret", "data_set")) == [
        ("https://pager.example/hook", "shared", data_set.pk)
    ]


def test_the_add_pages_have_no_alert_inlines(admin_client):
    for name in ("dataset", "datagroup"):
        page = admin_client.get(reverse(f"admin:datasets_{name}_add"))
        assert page.status_code == 200
        assert "Alerts:" not in page.content.decode()


def test_the_data_group_page_edits_the_addresses_of_all_its_data_sets(admin_client):
    data_set = make_data_set()
    url = reverse("admin:datasets_datagroup_change", args=[data_set.data_group.pk])
    page = admin_client.get(url)
    assert "Alerts: e-mail addresses told about every data set" in page.content.decode()
    data = {
        **form_data(page),
        "alert_addresses-TOTAL_FORMS": "1",
        "alert_addresses-0-email": "ops@example.org",
    }
    assert admin_client.post(url, data).status_code == 302
    assert AlertAddress.objects.get().data_group == data_set.data_group


def test_the_test_action_sends_at_once_and_says_how_it_went(admin_client, smtp, webhook_server):
    data_set = make_data_set()
    assign("owner@example.org", data_set)
    Webhook.objects.create(url=webhook_server.url, data_set=data_set)
    lonely = make_data_set(type_="realtime")
    response = admin_client.post(
        reverse("admin:datasets_dataset_changelist"),
        {"action": "send_test_alerts", "_selected_action": [data_set.pk, lonely.pk]},
    )
    assert response.status_code == 302
    assert shown_messages(response) == [
        "Test alert for carers_allowance_monitoring: 2 of 2 messages delivered.",
        "Nobody hears about carers_allowance_realtime: assign people to it, or add e-mail addresses or "
        "webhooks on its page or its data group's.",
    ]
    (email,) = smtp.received
    assert email["Subject"] == "[Stagecraft] Test alert for carers_allowance_monitoring"
    assert "Its freshness now:     Never written" in email.get_content()
    assert "not monitored" not in email.get_content()
    assert len(webhook_server.received) == 1
    assert set(Alert.objects.values_list("kind", flat=True)) == {Alert.TEST}


def test_the_outbox_shows_each_attempt_and_retries_on_demand(admin_client, smtp):
    data_set = make_data_set()
    assign("owner@example.org", data_set)
    smtp.stop()
    response = admin_client.post(
        reverse("admin:datasets_dataset_changelist"),
        {"action": "send_test_alerts", "_selected_action": [data_set.pk]},
    )
    assert "0 of 1 messages delivered; see the outbox for the errors" in shown_messages(response)[0]
    message = OutboxMessage.objects.get()
    changelist = admin_client.get(reverse("admin:alerts_outboxmessage_changelist"))
    assert "owner@example.org" in changelist.content.decode()
    page = admin_client.get(reverse("admin:alerts_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200
    assert "ConnectionRefusedError" in page.content.decode()

    smtp.start()
    response = admin_client.post(
        reverse("admin:alerts_outboxmessage_changelist"),
        {"action": "retry_now", "_selected_action": [message.pk]},
    )
    assert shown_messages(response) == ["Tried 1 messages: 1 delivered, 0 will be retried, 0 given up."]
    assert list(DeliveryAttempt.objects.values_list("succeeded", flat=True)) == [False, True]
    assert len(smtp.received) == 1


@pytest.mark.parametrize("model", ["alert", "mute", "digestsubscriber", "outboxmessage"])
def test_the_alerts_lists_open(admin_client, model):
    assert admin_client.get(reverse(f"admin:alerts_{model}_changelist")).status_code == 200


def test_an_alert_links_to_its_messages(admin_client, smtp):
    data_set = make_data_set()
    assign("owner@example.org", data_set)
    admin_client.post(
        reverse("admin:datasets_dataset_changelist"),
        {"action": "send_test_alerts", "_selected_action": [data_set.pk]},
    )
    alert = Alert.objects.get()
    page = admin_client.get(reverse("admin:alerts_alert_changelist")).content.decode()
    assert f'href="../outboxmessage/?alert__exact={alert.pk}"' in page
    messages = admin_client.get(
        reverse("admin:alerts_outboxmessage_changelist") + f"?alert__exact={alert.pk}"
    )
    assert messages.status_code == 200
    assert "owner@example.org" in messages.content.decode()
