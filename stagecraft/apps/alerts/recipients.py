"""Who hears about a data set: the people assigned to it, the extra addresses and webhooks set on it
or on its data group, less the addresses that muted it (or everything)."""

from dataclasses import dataclass, field

from django.db.models import Q

from stagecraft.apps.datasets.services import BackdropUser, DataSet

from .models import AlertAddress, DigestSubscriber, Mute, Webhook, normalise_email


@dataclass
class Recipients:
    immediate: list[str] = field(default_factory=list)  # e-mail addresses told at once
    digest: list[str] = field(default_factory=list)  # e-mail addresses told in the daily digest only
    webhooks: list[Webhook] = field(default_factory=list)

    @property
    def addresses(self) -> list[str]:
        return sorted(self.immediate + self.digest)


def recipients_of(data_set: DataSet) -> Recipients:
    """Everyone to tell about this data set, each address once, muted addresses left out."""
    assigned = BackdropUser.objects.filter(data_sets=data_set).values_list("email", flat=True)
    for_this = Q(data_set=data_set) | Q(data_group_id=data_set.data_group_id)
    extra = AlertAddress.objects.filter(for_this).values_list("email", flat=True)
    addresses = {normalise_email(email) for email in [*assigned, *extra]}
    muted = set(
        Mute.objects.filter(Q(data_set=data_set) | Q(data_set__isnull=True), email__in=addresses).values_list(
            "email", flat=True
        )
    )
    digest = set(DigestSubscriber.objects.filter(email__in=addresses).values_list("email", flat=True))
    listening = addresses - muted
    return Recipients(
        immediate=sorted(listening - digest),
        digest=sorted(listening & digest),
        webhooks=list(Webhook.objects.filter(for_this, active=True).order_by("pk")),
    )
