"""Creating API clients (shared by the command and the development script)."""

from django.db import transaction

from .models import ApiClient


def create_client(
    name: str, permissions: list[str], email: str = "", token: str | None = None
) -> tuple[ApiClient, str]:
    """Create and validate a client; returns it with its token (a new one unless given), which is
    never readable again."""
    client = ApiClient(name=name, permissions=sorted(set(permissions)), email=email)
    token = client.set_new_token(token)
    client.full_clean()
    with transaction.atomic():
        client.save()
    return client, token


def replace_token(client: ApiClient, token: str | None = None) -> str:
    token = client.set_new_token(token)
    client.save(update_fields=["token_hash"])
    return token
