"""The data set's bearer token (backdrop-api.md §1.2), compared in constant time, never echoed or logged."""

from django.http import HttpRequest, HttpResponse

from stagecraft.apps.datasets.services import DataSet
from stagecraft.libs.bearer import bearer_token, secrets_match
from stagecraft.libs.refusals import note_refused_token

from .answers import data_store_error


def refuse_unless_authorised(request: HttpRequest, data_set: DataSet) -> HttpResponse | None:
    """The 401 response when the request may not write to the data set, else None."""
    if secrets_match(bearer_token(request, literal_prefix=True), data_set.bearer_token):
        return None
    note_refused_token(request, f"data set {data_set.name}")
    if "Authorization" not in request.headers:
        message = "Expected header of form: Authorization: Bearer <token>"
    else:
        message = f"Unauthorized: invalid or no bearer token given for '{data_set.name}'"
    response = data_store_error(message, 401)
    response["WWW-Authenticate"] = "bearer"
    return response
