"""The address a request came from, for logs and login throttling: the one rule; and the caller for logs.

The connection's address (REMOTE_ADDR) is the truth unless it is one of the proxies named in
settings.STAGECRAFT_TRUSTED_PROXIES (addresses or networks, e.g. "10.0.0.0/8"). Only then is
X-Forwarded-For believed, read from the right: each trusted proxy appends the address it got the
request from, so the right-most address that is not a trusted proxy is the client. Everything left
of it was written by that client and may be anything, so it is never used.
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN = "unknown"


def client_address(request: HttpRequest) -> str:
    """The client's address for a log line: client_ip(), or "unknown" when the connection has none."""
    return client_ip(request) or UNKNOWN


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address (see the module docstring), or None when the connection has none."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    trusted = trusted_networks(tuple(getattr(settings, "STAGECRAFT_TRUSTED_PROXIES", ())))
    if not _is_trusted(remote, trusted):
        return str(remote)
    address = remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            # Not an address: the chain can't be followed further than the proxy that passed it on.
            break
        address = parsed
        if not _is_trusted(parsed, trusted):
            break
    return str(address)


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of the trusted-proxy setting; ValueError names an entry that is not one."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"{entry!r} in STAGECRAFT_TRUSTED_PROXIES is not an IP address or network "
                "(for example 10.0.0.5 or 10.0.0.0/8)."
            ) from None
    return tuple(networks)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def caller(request: HttpRequest, who: str) -> str:
    """Who made a request, for a log line: "<who> from <address>".

    `who` is what the server authenticated (a token, an API client, an admin user), never what the
    client says about itself (its User-Agent, its X-Forwarded-For).
    """
    return f"{who} from {client_address(request)}"
