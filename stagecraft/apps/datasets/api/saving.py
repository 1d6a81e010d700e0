"""Saving what an API client creates: one revision naming the client, atomic with the row."""

import reversion
from django.db import IntegrityError
from django.http import HttpResponse

from stagecraft.apps.apiclients.services import ApiClient
from stagecraft.libs.json_errors import error_response

from ..models import DataGroup, DataSet, DataType


def save_created(obj: DataGroup | DataType | DataSet, client: ApiClient, kind: str) -> HttpResponse | None:
    """Save `obj` in its own revision; None when saved, a 409 when a twin was created meanwhile."""
    try:
        with reversion.create_revision():
            obj.save()
            reversion.set_comment(f"Created through the API by client {client.name}")
    except IntegrityError:
        # Another request created the same name between our existence check and this save.
        return error_response(409, f"A {kind} named '{obj.name}' already exists.")
    return None
