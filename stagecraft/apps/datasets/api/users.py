"""GET /users/<email> and PUT /users/<email>: the people who may upload to data sets."""

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse

from stagecraft.apps.apiclients.services import ADMIN, USER, ApiRequest, authorize, by_method
from stagecraft.libs.json_errors import error_response, json_response
from stagecraft.libs.retry import retry_on_conflict

from ..models import BackdropUser, DataSet
from .bodies import check_body, invalid


def _user_not_found(email: str) -> HttpResponse:
    return error_response(404, f"No user with email '{email}' exists")


@authorize(USER)
def get_user(request: ApiRequest, email: str) -> HttpResponse:
    user = BackdropUser.objects.filter(email__iexact=email).first()
    if user is None:
        return _user_not_found(email)
    return json_response(user.to_dict())


@authorize(ADMIN, body=True)
def put_user(request: ApiRequest, email: str) -> HttpResponse:
    body = request.json
    errors = check_body(body, "UserAssignments")
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors.setdefault("email", []).append(f"{email!r} in the URL is not a valid email address.")
    data_sets: list[DataSet] = []
    if "data_sets" not in errors:
        names = list(dict.fromkeys(body["data_sets"]))
        data_sets = list(DataSet.objects.filter(name__in=names))
        missing = sorted(set(names) - {data_set.name for data_set in data_sets})
        if missing:
            errors["data_sets"] = [f"These data sets don't exist: {', '.join(missing)}."]
    if errors:
        return invalid(f"The user {email} could not be saved", errors)
    client = request.api_client
    return retry_on_conflict(lambda: _save_user(email, data_sets, client.name))


def _save_user(email: str, data_sets: list[DataSet], client_name: str) -> HttpResponse:
    """Create or update the person, safe under concurrent calls for the same email: a concurrent
    create makes get_or_create find the other's row (emails are unique ignoring case), and the row
    lock makes concurrent replacements of the data sets happen one after the other."""
    with reversion.create_revision():
        found, created = BackdropUser.objects.get_or_create(email__iexact=email, defaults={"email": email})
        user = BackdropUser.objects.select_for_update().get(pk=found.pk)
        user.data_sets.set(data_sets)
        # The many-to-many change alone sends no save signal: save so the revision has the new set.
        user.save()
        verb = "Created" if created else "Data sets replaced"
        reversion.set_comment(f"{verb} through the API by client {client_name}")
    return json_response(user.to_dict(), status=201 if created else 200)


user = by_method(GET=get_user, PUT=put_user)
