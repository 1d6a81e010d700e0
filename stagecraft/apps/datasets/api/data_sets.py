"""GET /data-sets, GET /data-sets/<name>, GET /data-sets/<name>/users, POST /data-sets."""

import json
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from stagecraft.apps.apiclients.services import ADMIN, CREATE, SIGNIN, ApiRequest, authorize, by_method
from stagecraft.libs.json_errors import error_response, json_response

from ..configuration import configure
from ..models import DataGroup, DataSet, DataType
from ..models.data_set import data_set_name
from .access import data_set_not_found, unknown_parameters, visible_data_sets
from .bodies import FieldErrors, check_body, invalid, merge_validation_error
from .saving import save_created
from .serialise import serialise_data_set, serialise_data_sets

# Query parameter -> lookup. Both spellings were accepted by the original and its clients.
LIST_FILTERS = {
    "data-group": "data_group__name",
    "data_group": "data_group__name",
    "data-type": "data_type__name",
    "data_type": "data_type__name",
}


@authorize(SIGNIN)
def list_data_sets(request: ApiRequest) -> HttpResponse:
    refused = unknown_parameters(request, set(LIST_FILTERS))
    if refused:
        return refused
    client = request.api_client
    data_sets = visible_data_sets(client).filter(
        **{LIST_FILTERS[key]: value for key, value in request.GET.items()}
    )
    rows = serialise_data_sets(data_sets.order_by("id"), show_tokens=client.is_admin)
    return json_response(None, body=json.dumps(rows))


def redirect_without_slash(request: HttpRequest) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect("/data-sets" + (f"?{query}" if query else ""))


@authorize(SIGNIN)
def data_set_detail(request: ApiRequest, name: str) -> HttpResponse:
    client = request.api_client
    data_set = visible_data_sets(client).select_related("data_group", "data_type").filter(name=name).first()
    if data_set is None:
        return data_set_not_found(name)
    return json_response(serialise_data_set(data_set, show_tokens=client.is_admin))


@authorize(ADMIN)
def data_set_users(request: ApiRequest, name: str) -> HttpResponse:
    data_set = DataSet.objects.filter(name=name).first()
    if data_set is None:
        return data_set_not_found(name)
    emails = data_set.users.order_by("email").values_list("email", flat=True)
    return json_response([{"email": email} for email in emails])


_Named = TypeVar("_Named", DataGroup, DataType)


def _lookup(model: type[_Named], body: dict, field: str, kind: str, errors: FieldErrors) -> _Named | None:
    if field in errors:
        return None
    found = model.objects.filter(name=body[field]).first()
    if found is None:
        errors[field] = [f"No {kind} named {body[field]!r} exists; create it first."]
    return found


def _build(body: dict, errors: FieldErrors) -> DataSet:
    """An unsaved data set from the body; problems go into `errors`, by field."""
    data_set = DataSet(
        data_group=_lookup(DataGroup, body, "data_group", "data group", errors),
        data_type=_lookup(DataType, body, "data_type", "data type", errors),
    )
    try:
        configure(data_set, body, skip=[*errors, "name"])
    except ValidationError as error:
        merge_validation_error(errors, error)
    return data_set


def _name_problem(body: dict, name: str) -> list[str]:
    if "name" in body and body["name"] != name:
        return [
            f"name is generated from the data group and data type: it would be {name!r}, "
            f"not {body['name']!r}. Leave it out."
        ]
    return []


@authorize(CREATE, body=True)
def create_data_set(request: ApiRequest) -> HttpResponse:
    body = request.json
    errors = check_body(body, "DataSetCreate")
    data_set = _build(body, errors)
    if data_set.data_group_id and data_set.data_type_id:
        name = data_set_name(data_set.data_group.name, data_set.data_type.name)
        same_pair = DataSet.objects.filter(data_group=data_set.data_group, data_type=data_set.data_type)
        if same_pair.exists() or DataSet.objects.filter(name=name).exists():
            return error_response(409, f"A data set named '{name}' already exists.")
        if "name" not in errors and _name_problem(body, name):
            errors["name"] = _name_problem(body, name)
        if "schema" not in errors and "schema" in body and body["schema"] != data_set.schema:
            errors["schema"] = [
                f"the schema comes from the data type {data_set.data_type.name!r}: change the data "
                "type's schema instead, and leave this out."
            ]
    if errors:
        return invalid("The data set could not be created", errors)
    client = request.api_client
    conflict = save_created(data_set, client, "data set")
    if conflict:
        return conflict
    return json_response(serialise_data_set(data_set, show_tokens=client.is_admin), status=201)


data_sets = by_method(GET=list_data_sets, POST=create_data_set)
# GET /data-sets/<name> (data_set_detail) is routed by the records app, which serves the data store's
# whole-collection DELETE and POST on the same path.
data_set_user_list = by_method(GET=data_set_users)
