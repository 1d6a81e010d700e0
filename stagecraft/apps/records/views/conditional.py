"""Conditional reads (RFC 9110 §8.8.3, §13.1.2, §15.4.5): the read API's ETags and 304 Not Modified.

What `GET /data/<group>/<type>` answers is decided by the data set's records, the configuration the
read looks at (published, realtime, raw_queries_allowed; `modified` for anything else saved), the
query's parameters and, for a window counted back from now, where now puts it. The records are
summed up by their write stamp (RecordCount.generation and changed_at), which every write moves on
in its own transaction (storage.count_changed). The ETag is a hash of all that, so it is known once
the data set has been found (the stamp is read with it, one query) and before any record is read: a
matching If-None-Match is answered 304 there.

The stamp is read before the records: a write that lands in between gives an answer newer than its
ETag, which costs the next poll a full answer, never an old answer for a new ETag.

The ETags are weak (`W/"..."`): they are made from what the answer is computed from, not from its
bytes. If-None-Match compares weakly anyway, as RFC 9110 §13.1.2 asks.

The deprecated by-name route keeps the reference's strong ETag, the SHA-1 of the body (backdrop-api.md
§2.1), and so still computes its answer to compare; it shares the comparison and the 304 here.
"""

import hashlib
import json
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponseNotModified
from django.utils.http import parse_etags

from stagecraft.apps.datasets.services import DataSet

from ..models import RecordCount

# Part of every ETag: change it when the same records and query start to give a different answer
# (a new answer shape), so that clients' cached answers stop matching.
ANSWER_VERSION = 1


def with_write_stamp(data_sets: QuerySet[DataSet]) -> QuerySet[DataSet]:
    """The data sets, each with its records' write stamp (`records_generation`, `records_changed_at`:
    None for a data set never written), read in the same query."""
    stamp = RecordCount.objects.filter(data_set=OuterRef("pk"))
    return data_sets.annotate(
        records_generation=Subquery(stamp.values("generation")[:1]),
        records_changed_at=Subquery(stamp.values("changed_at")[:1]),
    )


def answer_etag(
    data_set: DataSet, args: dict[str, list[str]], window: tuple[datetime | None, datetime | None] | None
) -> str:
    """The ETag of a read of `data_set` (from with_write_stamp()) with these query parameters;
    `window` is the range a window counted back from now resolves to (None otherwise)."""
    changed_at = getattr(data_set, "records_changed_at", None)
    parts = [
        ANSWER_VERSION,
        data_set.pk,
        getattr(data_set, "records_generation", None),
        changed_at.isoformat() if changed_at else None,
        data_set.modified.isoformat() if data_set.modified else None,
        data_set.published,
        data_set.realtime,
        data_set.raw_queries_allowed,
        # Names in order; a parameter's values in the order given (group_by's order matters).
        sorted(args.items()),
        [moment.isoformat() if moment else None for moment in window] if window else None,
    ]
    digest = hashlib.blake2b(json.dumps(parts, separators=(",", ":")).encode(), digest_size=16)
    return f'W/"{digest.hexdigest()}"'


def none_match_fails(request: HttpRequest, etag: str) -> bool:
    """Whether the request's If-None-Match names `etag` (weak comparison) or is `*`: then the answer
    is 304 (RFC 9110 §13.1.2; only GET and HEAD come here)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = parse_etags(header)
    if wanted == ["*"]:
        return True
    ours = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == ours for tag in wanted)


def not_modified(etag: str, cache_control: str | None) -> HttpResponseNotModified:
    """A 304 standing for the answer with this ETag (RFC 9110 §15.4.5): no body, no Content-Type, the
    same ETag and Cache-Control, and the CORS header so that browsers let scripts see it.
    (stagecraft.middleware drops the `Content-Length: 0` Django would give it.)"""
    response = HttpResponseNotModified()
    response["ETag"] = etag
    if cache_control:
        response["Cache-Control"] = cache_control
    response["Access-Control-Allow-Origin"] = "*"
    return response
