"""Routes the public client library (performanceplatform-client) knows but this app deliberately
doesn't serve: the later Stagecraft's dashboards, modules, transforms, organisations, collectors and
Signon re-authentication. Each answers a 404 in the API's error shape naming what isn't served, for
any method and without a token, so a client gets a clear "not here" instead of a data-store answer.

They are matched before the record store's deprecated by-name route, which would otherwise take
`/dashboard` or `/transform` for a data set's name. No data set can be shadowed: its name is always
`<group>_<type>`, with an underscore, and none of these has one.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from stagecraft.libs.json_errors import error_response

# First path segment -> what it served in the later Stagecraft.
_NOT_SERVED = {
    "dashboard": "dashboards",
    "dashboards": "dashboards",
    "transactions-explorer-service": "dashboards",
    "module": "dashboard modules",
    "module-type": "dashboard module types",
    "transform": "transforms",
    "transform-type": "transform types",
    "organisation": "organisations",
    "collector": "collectors",
    "collector-type": "collector types",
    "auth": "Signon authentication",
}
# Sub-resources of a data set that the later Stagecraft added.
_DATA_SET_SUBRESOURCES = {"transform": "data-set transforms", "dashboard": "data-set dashboards"}


def _refuse(request: HttpRequest, what: str) -> HttpResponse:
    return error_response(
        404,
        f"Stagecraft does not serve {what} ({request.method} {request.path}): this app keeps only the "
        "data-set configuration API and the record store. See docs/api.md, Compatibility.",
    )


@csrf_exempt
def not_served(request: HttpRequest, segment: str, rest: str = "") -> HttpResponse:
    return _refuse(request, _NOT_SERVED[segment])


@csrf_exempt
def data_set_subresource_not_served(request: HttpRequest, name: str, subresource: str) -> HttpResponse:
    return _refuse(request, _DATA_SET_SUBRESOURCES[subresource])


_SEGMENTS = "|".join(sorted(map(str, _NOT_SERVED), key=len, reverse=True))

urlpatterns = [
    re_path(rf"^(?P<segment>{_SEGMENTS})(?P<rest>/.*)?$", not_served),
    re_path(
        r"^data-sets/(?P<name>[^/]+)/(?P<subresource>transform|dashboard)$", data_set_subresource_not_served
    ),
]
