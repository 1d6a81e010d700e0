"""How much one read may ask for: the ceilings that keep every query the API accepts cheap (a few
seconds and a few tens of megabytes at most on a million records). Documented in docs/records.md
("Limits"); each answers 400 naming the limit.

- MAX_BUCKETS: the rows a grouped answer may hold, counted as periods x groups (a period query
  without group_by is one group; group_by without a period is one period; a flattened answer counts
  every combination of the group values it fills in).
- MAX_SET_VALUES: the values all `field:set` (and plain `field`) collects of one answer may hold.
- MAX_LIMIT: the largest `limit` and `duration` worth asking for: larger numbers are a mistake.

Dates must also stay within the years 1 to 9999 in UTC, period boundaries included: the API
refuses a range whose buckets would reach outside them.
"""

from .errors import QueryError

MAX_BUCKETS = 100_000
MAX_SET_VALUES = 100_000
MAX_LIMIT = 1_000_000_000

OUT_OF_RANGE = (
    "The query's time range reaches outside the years 1 to 9999 (UTC), counting its periods' "
    "boundaries; ask for a range within them."
)


_FEWER = "Ask for a shorter range, a longer period, fewer groups or a filter."


def check_buckets(periods: int, groups: int = 1) -> None:
    """QueryError when `periods` x `groups` is over MAX_BUCKETS."""
    if periods * groups > MAX_BUCKETS:
        what = f"{periods:,} periods" if groups == 1 else f"{periods:,} periods x {groups:,} groups"
        raise QueryError(
            f"This query would answer {what}; at most {MAX_BUCKETS:,} buckets (periods x groups) are "
            f"answered. {_FEWER}"
        )


def too_many_buckets(limit: int) -> QueryError:
    """The database found more than `limit` non-empty (group, period) pairs."""
    return QueryError(
        f"This query would answer more than {limit:,} buckets (periods x groups); at most "
        f"{MAX_BUCKETS:,} are answered. {_FEWER}"
    )


def too_many_set_values() -> QueryError:
    return QueryError(
        f"The collected sets of this query would hold more than {MAX_SET_VALUES:,} values; ask for a "
        "shorter range, fewer groups, a filter, or collect with count instead of set."
    )
