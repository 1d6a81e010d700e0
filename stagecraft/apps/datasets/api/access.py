"""Which data sets an API client may see, and answering with the original's messages."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from stagecraft.apps.apiclients.services import ApiClient
from stagecraft.libs.json_errors import error_response

from ..models import DataSet


def visible_data_sets(client: ApiClient) -> QuerySet[DataSet]:
    """Every data set for admin clients; otherwise those assigned to the client's email."""
    data_sets = DataSet.objects.all()
    if client.is_admin:
        return data_sets
    if not client.email:
        return data_sets.none()
    return data_sets.filter(users__email=client.email)


def unknown_parameters(request: HttpRequest, allowed: set[str]) -> HttpResponse | None:
    """400 naming every query parameter the route doesn't know (the original refused them)."""
    unknown = sorted(set(request.GET) - allowed)
    if not unknown:
        return None
    names = ", ".join(f"'{name}'" for name in unknown)
    return error_response(
        400,
        f"Unrecognised parameter(s) ({names}) were provided. Allowed: {', '.join(sorted(allowed))}.",
    )


def data_set_not_found(name: str) -> HttpResponse:
    # Also the answer for a data set the caller may not see: existence is not revealed.
    return error_response(404, f"No Data Set named '{name}' exists")
