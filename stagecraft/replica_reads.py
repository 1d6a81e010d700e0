"""Which requests may read from a read replica: the one place that says so (docs/deployment.md,
"Read replicas"). stagecraft/db_router.py sends their queries there until they write.

Reads that may be a little behind the primary (by the replica's lag, usually well under a second):
- the record store's read API: raw, grouped and period reads and their CSV, on /data/<group>/<type>
  and the by-name route /<name>;
- the configuration API's reads: data sets, their users, people, data groups, data types;
- the metrics reports under /metrics/ (stockandflow).
Only GET, HEAD and OPTIONS on those routes; every other request reads the primary: every write (the
write API's token check included), the admin, /_status/data-sets (it must not call a data set stale
because a replica is behind), the alert links, /_status. Without DATABASE_REPLICA_URL nothing is
marked and everything runs on the one database.
"""

import random
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from .db_router import read_from_replica, serving_request, streamed_within

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# URL names (stagecraft/apps/*/urls.py) of the routes whose reads may come from a replica.
REPLICA_READABLE_ROUTES = frozenset(
    {
        # The record store's read API (stagecraft/apps/records/urls.py); their POSTs are writes.
        "records",
        "records-by-name",
        # The configuration API's reads (stagecraft/apps/datasets/urls.py, and GET /data-sets/<name>
        # routed by the records app).
        "api-data-sets",
        "api-data-set",
        "api-data-set-users",
        "api-user",
        "api-data-groups",
        "api-data-types",
    }
)
# URL namespaces whose every route may: the metrics reports (stockandflow's urls, under /metrics/).
REPLICA_READABLE_NAMESPACES = frozenset({"stockandflow"})


def may_read_from_replica(request: HttpRequest) -> bool:
    """Whether this request (its URL resolved) may read from a replica; see the module docstring."""
    match = request.resolver_match
    if request.method not in SAFE_METHODS or match is None:
        return False
    if REPLICA_READABLE_NAMESPACES.intersection(match.namespaces):
        return True
    # Un-namespaced only: the admin's URL names are namespaced ("admin:...").
    return not match.namespaces and match.url_name in REPLICA_READABLE_ROUTES


class ReplicaReadsMiddleware:
    """Marks the requests that may read from a replica, each with one replica picked at random."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving_request() as reads:
            response = self.get_response(request)
        if isinstance(response, StreamingHttpResponse) and not response.is_async and reads.replica:
            response.streaming_content = streamed_within(reads, response.streaming_content)
        return response

    def process_view(self, request: HttpRequest, view: Callable, args: Any, kwargs: Any) -> None:
        replicas = settings.STAGECRAFT_READ_REPLICAS
        if replicas and may_read_from_replica(request):
            read_from_replica(random.choice(replicas))
