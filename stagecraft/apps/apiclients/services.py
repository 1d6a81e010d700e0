"""The API clients app's public API: what the apps above it import."""

from .clients import create_client, replace_token
from .decorators import ApiRequest, authorize, by_method
from .models import ADMIN, CREATE, PERMISSIONS, SIGNIN, USER, ApiClient
from .tokens import new_token, token_matches

__all__ = [
    "ADMIN",
    "CREATE",
    "PERMISSIONS",
    "SIGNIN",
    "USER",
    "ApiClient",
    "ApiRequest",
    "authorize",
    "by_method",
    "create_client",
    "new_token",
    "replace_token",
    "token_matches",
]
