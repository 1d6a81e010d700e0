"""The alerts in the admin: who hears about a data set (on the data set's and the data group's pages),
a "Send a test alert" action on data sets, the outbox with each delivery attempt, the alerts, mutes
and digest subscribers.

The data set and data group pages belong to the apps below: this app extends whatever admin is
registered for them (records' data set admin, for one) with a subclass adding its inlines."""

from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from stagecraft.apps.datasets.services import DataGroup, DataSet

from .announce import send_test_alert
from .delivery import deliver_due
from .models import Alert, AlertAddress, DeliveryAttempt, DigestSubscriber, Mute, OutboxMessage, Webhook


def _inline(model: type[Model], fk_name: str, fields: tuple[str, ...], title: str) -> type:
    return type(
        f"{model.__name__}{fk_name.title().replace('_', '')}Inline",
        (admin.TabularInline,),
        {
            "model": model,
            "fk_name": fk_name,
            "fields": fields,
            "extra": 0,
            "verbose_name_plural": title,
            # A webhook's URL is typed whole; Django 6 will assume https for a bare host anyway.
            "formfield_overrides": {models.URLField: {"assume_scheme": "https"}},
        },
    )


ADDRESS_FIELDS = ("email",)
WEBHOOK_FIELDS = ("url", "description", "active", "secret")
DATA_SET_INLINES = [
    _inline(
        AlertAddress, "data_set", ADDRESS_FIELDS, "Alerts: extra e-mail addresses (besides assigned people)"
    ),
    _inline(Webhook, "data_set", WEBHOOK_FIELDS, "Alerts: webhooks"),
]
DATA_GROUP_INLINES = [
    _inline(AlertAddress, "data_group", ADDRESS_FIELDS, "Alerts: e-mail addresses told about every data set"),
    _inline(Webhook, "data_group", WEBHOOK_FIELDS, "Alerts: webhooks told about every data set"),
]


@admin.action(description="Send a test alert to everyone who would hear about them", permissions=["change"])
def send_test_alerts(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    now = timezone.now()
    with transaction.atomic():
        written = {
            data_set.name: [message.pk for message in send_test_alert(data_set, now)]
            for data_set in queryset.select_related("data_group", "data_type").order_by("name")
        }
    # Committed: send them now rather than at the scheduler's next run, to show the outcome.
    report = deliver_due(ids=[pk for pks in written.values() for pk in pks])
    for name, pks in written.items():
        if not pks:
            modeladmin.message_user(
                request,
                f"Nobody hears about {name}: assign people to it, or add e-mail addresses or webhooks "
                "on its page or its data group's.",
                messages.WARNING,
            )
            continue
        sent = len(set(pks) & set(report.sent))
        level = messages.SUCCESS if sent == len(pks) else messages.ERROR
        modeladmin.message_user(
            request,
            f"Test alert for {name}: {sent} of {len(pks)} messages delivered"
            + ("." if sent == len(pks) else "; see the outbox for the errors (they will be retried)."),
            level,
        )


class AlertsAdminMixin(admin.ModelAdmin):
    """Goes first in the bases of the extended admin: the alert inlines, but not on the add page."""

    alert_inlines: list = []

    def get_inline_instances(self, request: HttpRequest, obj: Model | None = None) -> list:
        instances = super().get_inline_instances(request, obj)
        if obj is None:
            # Recipients are added once the data set (or group) exists; the add form (and whatever
            # posts it) stays as the app below made it.
            instances = [instance for instance in instances if type(instance) not in self.alert_inlines]
        return instances


def extend_registered_admin(model: type[Model], inlines: list, actions: list) -> None:
    """Re-register the model's current admin as a subclass adding these inlines and actions."""
    registered = type(admin.site.get_model_admin(model))
    extended = type(
        f"{registered.__name__}WithAlerts",
        (AlertsAdminMixin, registered),
        {
            "__module__": __name__,
            "alert_inlines": inlines,
            "inlines": [*registered.inlines, *inlines],
            "actions": [*(registered.actions or []), *actions],
        },
    )
    admin.site.unregister(model)
    admin.site.register(model, extended)


extend_registered_admin(DataSet, DATA_SET_INLINES, [send_test_alerts])
extend_registered_admin(DataGroup, DATA_GROUP_INLINES, [])


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "succeeded", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "created",
        "subject",
        "channel",
        "recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "error",
    )
    list_filter = ("status", "channel")
    search_fields = ("recipient", "subject")
    date_hierarchy = "created"
    show_full_result_count = False
    readonly_fields = (
        "alert",
        "channel",
        "recipient",
        "webhook_id",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created",
        "sent_at",
        "body",
    )
    fields = readonly_fields
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]

    @admin.display(description="Last error")
    def error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:120]

    @admin.action(description="Retry now (failed or pending messages)", permissions=["view"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        now = timezone.now()
        ids = list(queryset.exclude(status=OutboxMessage.SENT).values_list("pk", flat=True))
        # One more try each; a message past ALERTS_GIVE_UP_AFTER that fails again stays failed.
        OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxMessage.PENDING, next_attempt_at=now)
        report = deliver_due(now=now, ids=ids)
        self.message_user(
            request,
            f"Tried {len(ids)} messages: {len(report.sent)} delivered, {len(report.retrying)} will be "
            f"retried, {len(report.failed)} given up.",
            messages.SUCCESS if len(report.sent) == len(ids) else messages.WARNING,
        )


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("at", "data_set_name", "kind", "status", "announced_at", "messages_link")
    list_filter = ("kind", "status")
    search_fields = ("data_set_name",)
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ("data_set_name", "kind", "status", "at", "announced_at", "details")
    readonly_fields = fields

    @admin.display(description="Messages")
    def messages_link(self, obj: Alert) -> str:
        return format_html('<a href="../outboxmessage/?alert__exact={}">outbox</a>', obj.pk)


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ("email", "data_set", "created")
    search_fields = ("email",)
    autocomplete_fields = ("data_set",)


@admin.register(DigestSubscriber)
class DigestSubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "created")
    search_fields = ("email",)
