"""The page behind the links in alert e-mails: mute a data set, mute everything, or switch to the
daily digest. Opening the link only asks (mail scanners open links); the button does it."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from stagecraft.apps.datasets.services import DataSet

from .links import DIGEST, MUTE, MUTE_ALL, BadLink, read_preference_token
from .models import DigestSubscriber, Mute, normalise_email

_QUESTIONS = {
    MUTE: "Stop alerts about {name} to {email}?",
    MUTE_ALL: "Stop every Stagecraft alert to {email}?",
    DIGEST: "Send {email} one e-mail a day listing every stale data set, instead of one per alert?",
}
_DONE = {
    MUTE: "{email} will get no more alerts about {name}.",
    MUTE_ALL: "{email} will get no more Stagecraft alerts.",
    DIGEST: "{email} will get the daily digest instead of one e-mail per alert.",
}


@require_http_methods(["GET", "POST"])
def preference(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email, action, data_set_id = read_preference_token(token)
    except BadLink as error:
        message = f"{error} Use the link in a newer alert, or ask a Stagecraft admin."
        return render(request, "alerts/preference.html", {"error": message}, status=400)
    email = normalise_email(email)
    data_set = DataSet.objects.filter(pk=data_set_id).first() if action == MUTE and data_set_id else None
    if action == MUTE and data_set is None:
        gone = "The data set of this link no longer exists: there is nothing to mute."
        return render(request, "alerts/preference.html", {"error": gone}, status=404)
    words = {"email": email, "name": data_set.name if data_set else ""}
    if request.method == "POST":
        with transaction.atomic():
            apply_preference(email, action, data_set)
        return render(request, "alerts/preference.html", {"done": _DONE[action].format(**words)})
    return render(request, "alerts/preference.html", {"question": _QUESTIONS[action].format(**words)})


def apply_preference(email: str, action: str, data_set: DataSet | None) -> None:
    if action == DIGEST:
        DigestSubscriber.objects.get_or_create(email=email)
    else:
        Mute.objects.get_or_create(email=email, data_set=data_set)
