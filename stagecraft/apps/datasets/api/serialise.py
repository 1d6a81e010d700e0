"""The serialised data set, fast enough for a list of every data set.

DataSet.to_dict() is the reference; this builds the same dictionaries (same keys, same order, same
values, checked by a test) from one values_list() query, without model instances, and composes each
data type's schema only once per request: the definitions and allOf are shared by every data set of
that type, only the description names the group.
"""

import json

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from ..models import DataSet
from ..schema import compose_schema
from ..validators import split_comma_list

_COLUMNS = (
    "name",
    "data_group__name",
    "data_type_id",
    "data_type__name",
    "type_schema_text",
    "raw_queries_allowed",
    "bearer_token",
    "upload_format",
    "upload_filters",
    "auto_ids",
    "queryable",
    "realtime",
    "capped_size",
    "max_age_expected",
    "published",
)


def serialise_data_sets(data_sets: QuerySet[DataSet], show_tokens: bool) -> list[dict]:
    """The data sets as DataSet.to_dict() would give them, in one query."""
    schema_parts: dict[int, tuple[dict, list]] = {}
    # Most data sets share a handful of auto_ids/upload_filters strings: split each distinct one once.
    splits: dict[str, list[str]] = {}
    # The type's schema comes as text and is decoded once per type, not once per row as JSONField would.
    data_sets = data_sets.annotate(type_schema_text=Cast("data_type__schema", TextField()))
    result = []
    for (
        name,
        group,
        type_id,
        type_name,
        type_schema_text,
        raw_queries_allowed,
        bearer_token,
        upload_format,
        upload_filters,
        auto_ids,
        queryable,
        realtime,
        capped_size,
        max_age_expected,
        published,
    ) in data_sets.values_list(*_COLUMNS):
        parts = schema_parts.get(type_id)
        if parts is None:
            composed = compose_schema(group, type_name, json.loads(type_schema_text))
            parts = schema_parts[type_id] = (composed["definitions"], composed["allOf"])
        result.append(
            {
                "name": name,
                "data_group": group,
                "data_type": type_name,
                "raw_queries_allowed": raw_queries_allowed,
                "bearer_token": (bearer_token or None) if show_tokens else None,
                "upload_format": upload_format,
                "upload_filters": splits.get(upload_filters)
                or splits.setdefault(upload_filters, split_comma_list(upload_filters)),
                "auto_ids": splits.get(auto_ids) or splits.setdefault(auto_ids, split_comma_list(auto_ids)),
                "queryable": queryable,
                "realtime": realtime,
                "capped_size": capped_size,
                "max_age_expected": max_age_expected,
                "published": published,
                "schema": {
                    "description": f"Schema for {group}/{type_name}",
                    "definitions": parts[0],
                    "allOf": parts[1],
                },
            }
        )
    return result


def serialise_data_set(data_set: DataSet, show_tokens: bool) -> dict:
    data = data_set.to_dict()
    if not show_tokens:
        # The key stays so clients reading it find it; its value is for admin callers only.
        data["bearer_token"] = None
    return data
