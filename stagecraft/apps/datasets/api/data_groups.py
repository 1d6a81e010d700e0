"""GET /data-groups (?name=) and POST /data-groups."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from stagecraft.apps.apiclients.services import CREATE, SIGNIN, ApiRequest, authorize, by_method
from stagecraft.libs.json_errors import error_response, json_response

from ..models import DataGroup
from .access import unknown_parameters
from .bodies import check_body, invalid, merge_validation_error
from .saving import save_created


@authorize(SIGNIN)
def list_data_groups(request: ApiRequest) -> HttpResponse:
    refused = unknown_parameters(request, {"name"})
    if refused:
        return refused
    groups = DataGroup.objects.order_by("name")
    if "name" in request.GET:
        groups = groups.filter(name=request.GET["name"])
    return json_response([{"name": name} for name in groups.values_list("name", flat=True)])


@authorize(CREATE, body=True)
def create_data_group(request: ApiRequest) -> HttpResponse:
    body = request.json
    errors = check_body(body, "DataGroupCreate")
    if not errors and DataGroup.objects.filter(name=body["name"]).exists():
        return error_response(409, f"A data group named '{body['name']}' already exists.")
    group = DataGroup(name=body.get("name", ""))
    if not errors:
        try:
            group.full_clean(validate_unique=False)
        except ValidationError as error:
            merge_validation_error(errors, error)
    if errors:
        return invalid("The data group could not be created", errors)
    conflict = save_created(group, request.api_client, "data group")
    if conflict:
        return conflict
    return json_response({"name": group.name}, status=201)


data_groups = by_method(GET=list_data_groups, POST=create_data_group)
