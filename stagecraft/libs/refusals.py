"""Counting requests refused for a missing or wrong bearer token, per address, so guessing shows in the log.

Bearer tokens are long random values, so there is no lockout; but one address collecting many 401s
is worth a warning on the "stagecraft.security" logger. A warning is logged when an address reaches
settings.STAGECRAFT_REFUSED_TOKEN_WARNING_COUNT refusals within
settings.STAGECRAFT_REFUSED_TOKEN_WINDOW_SECONDS (counted from its first refusal), and again at every
further multiple. Counts live in Django's cache: the default local-memory cache counts per process;
a shared cache (CACHES) counts across processes.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .client_address import client_address

logger = logging.getLogger("stagecraft.security")


def note_refused_token(request: HttpRequest, refused_by: str) -> int:
    """Count a 401 answered to this request's address; returns the count in the current window.

    `refused_by` names what refused it, for the log ("the configuration API", "data set x").
    """
    address = client_address(request)
    window = settings.STAGECRAFT_REFUSED_TOKEN_WINDOW_SECONDS
    key = f"stagecraft:refused-tokens:{address}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this refusal starts the next one.
        cache.set(key, 1, timeout=window)
        count = 1
    threshold = settings.STAGECRAFT_REFUSED_TOKEN_WARNING_COUNT
    if threshold > 0 and count % threshold == 0:
        logger.warning(
            "%d requests refused for a missing or wrong bearer token from address %s within %d seconds "
            "(the latest: %s %r, refused by %s)",
            count,
            address,
            window,
            request.method,
            request.path[:200],
            refused_by,
        )
    return count
