"""The fixed cast every test draws on (pytest fixtures, registered in the root conftest.py), in the style
of healthchecks' hc/test.py: the same people and API clients, made the same way, in every suite.

People who use the admin:
- `admin_user` ("alice"): a superuser; `admin_client` is the test client logged in as her.
- `writer` ("carol"): staff who may view, add and change the configuration (data groups, types,
  sets and the people assigned to them) but delete nothing; `writer_client` is logged in as her.
- `outsider` ("bob"): staff with no permission at all; `outsider_client` is logged in as him.

API clients (`cast`), one per row of the API's permission matrix: see `cast` below.

Test modules import only the constants from here (pytest injects the fixtures), so this module
imports nothing above the API clients app: any app's tests may import it without breaking the layers.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from stagecraft.apps.apiclients.services import ADMIN, CREATE, SIGNIN, USER, ApiClient, create_client

PASSWORD = "a-long-password"  # every person in the cast has it (the browser test types it)
ASSIGNED_EMAIL = "assigned@example.org"  # the person behind the "assigned" API client


# -- people ------------------------------------------------------------------------------------


@pytest.fixture
def admin_user(django_user_model) -> User:
    return django_user_model.objects.create_superuser("alice", "alice@example.org", PASSWORD)


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


@pytest.fixture
def writer(django_user_model) -> User:
    person = django_user_model.objects.create_user("carol", "carol@example.org", PASSWORD, is_staff=True)
    configuration = Permission.objects.filter(content_type__app_label="datasets")
    person.user_permissions.set(configuration.exclude(codename__startswith="delete_"))
    return person


@pytest.fixture
def writer_client(client: Client, writer: User) -> Client:
    client.force_login(writer)
    return client


@pytest.fixture
def outsider(django_user_model) -> User:
    return django_user_model.objects.create_user("bob", "bob@example.org", PASSWORD, is_staff=True)


@pytest.fixture
def outsider_client(client: Client, outsider: User) -> Client:
    client.force_login(outsider)
    return client


# -- API clients -------------------------------------------------------------------------------


@dataclass
class Caller:
    client: ApiClient | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


@pytest.fixture
def cast(db) -> dict[str, Caller]:
    """One API client per row of the permission matrix, created as `manage.py create_api_client` does.
    "assigned" is linked to ASSIGNED_EMAIL (tests assign data sets to that person when they need to);
    "revoked" was an admin client and is switched off; "unknown" holds a token nobody was given."""

    def make(name: str, permissions: list[str], email: str = "", is_active: bool = True) -> Caller:
        client, token = create_client(name, permissions, email)
        if not is_active:
            client.is_active = False
            client.save(update_fields=["is_active"])
        return Caller(client, token)

    return {
        "admin": make("admin-client", [ADMIN]),
        "assigned": make("assigned-client", [SIGNIN], ASSIGNED_EMAIL),
        "unassigned": make("unassigned-client", [SIGNIN], "nobody@example.org"),
        "user": make("user-client", [USER]),
        "create": make("create-client", [CREATE]),
        "revoked": make("revoked-client", [ADMIN], is_active=False),
        "unknown": Caller(client=None, token="a-token-nobody-was-given"),
    }
