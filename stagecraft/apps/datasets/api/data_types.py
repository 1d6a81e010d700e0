"""GET /data-types (?name=) and POST /data-types."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from stagecraft.apps.apiclients.services import CREATE, SIGNIN, ApiRequest, authorize, by_method
from stagecraft.libs.json_errors import error_response, json_response

from ..models import DataType
from .access import unknown_parameters
from .bodies import check_body, invalid, merge_validation_error
from .saving import save_created


def _to_dict(data_type: DataType) -> dict:
    return {"name": data_type.name, "description": data_type.description, "schema": data_type.schema}


@authorize(SIGNIN)
def list_data_types(request: ApiRequest) -> HttpResponse:
    refused = unknown_parameters(request, {"name"})
    if refused:
        return refused
    types = DataType.objects.order_by("name")
    if "name" in request.GET:
        types = types.filter(name=request.GET["name"])
    return json_response([_to_dict(data_type) for data_type in types])


@authorize(CREATE, body=True)
def create_data_type(request: ApiRequest) -> HttpResponse:
    body = request.json
    errors = check_body(body, "DataTypeCreate")
    if "name" not in errors and DataType.objects.filter(name=body["name"]).exists():
        return error_response(409, f"A data type named '{body['name']}' already exists.")
    data_type = DataType(
        name=body.get("name", ""), description=body.get("description", ""), schema=body.get("schema", {})
    )
    if not errors:
        try:
            data_type.full_clean(validate_unique=False)
        except ValidationError as error:
            merge_validation_error(errors, error)
    if errors:
        return invalid("The data type could not be created", errors)
    conflict = save_created(data_type, request.api_client, "data type")
    if conflict:
        return conflict
    return json_response(_to_dict(data_type), status=201)


data_types = by_method(GET=list_data_types, POST=create_data_type)
