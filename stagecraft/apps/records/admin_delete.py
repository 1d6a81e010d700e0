"""The admin's delete confirmation for data sets, without loading their (possibly 100,000s of) records.

Django's confirmation page collects every related row to list it (NestedObjects never fast-deletes),
which for a data set means fetching all its records. Here records are left out of the collector and
counted with one query instead; the deletion itself then removes them with one DELETE statement
(Record has no signal receivers and nothing points at it, so Django's fast delete applies). The
records' own bookkeeping (the record count and the write log) goes with them, unlisted.
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, cast

from django.contrib.admin import AdminSite
from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.db.models import Count, Field, Model, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from stagecraft.apps.datasets.services import DataSet

from .models import Record, RecordCount, WriteLogEntry

if TYPE_CHECKING:
    from django.utils.datastructures import _IndexableCollection  # a protocol of django-stubs only

DataSets = Sequence[DataSet] | QuerySet[DataSet]


class _NestedObjectsWithoutRecords(NestedObjects):
    def related_objects(
        self, related_model: type[Model], related_fields: Iterable[Field], objs: "_IndexableCollection[Model]"
    ) -> QuerySet[Model]:
        if related_model in (Record, RecordCount, WriteLogEntry):
            return related_model._default_manager.none()
        return super().related_objects(related_model, related_fields, objs)


def get_deleted_objects_counting_records(
    objs: DataSets, request: HttpRequest, admin_site: AdminSite
) -> tuple[list, dict[str, int], set[str], list[str]]:
    """django.contrib.admin.utils.get_deleted_objects, with records counted rather than listed."""
    data_sets = list(objs)
    if not data_sets:
        return [], {}, set(), []
    # No `origin`, unlike Django's: it only reaches delete signals, and this collector never deletes.
    collector = _NestedObjectsWithoutRecords(using=router.db_for_write(DataSet))
    collector.collect(data_sets)
    record_counts = _record_counts(data_sets)
    perms_needed: set[str] = set()

    def format_callback(obj: Model) -> str:
        opts = obj._meta
        # The data sets being deleted say how many records go with them.
        records = record_counts.get(obj.pk, 0) if isinstance(obj, DataSet) else 0
        suffix = f" (and its {records:,} record{'s' if records != 1 else ''})" if records else ""
        no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}{suffix}"
        if not admin_site.is_registered(obj.__class__):
            return no_edit_link
        if not admin_site.get_model_admin(obj.__class__).has_delete_permission(request, obj):
            perms_needed.add(str(opts.verbose_name))
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", None, (quote(obj.pk),)
            )
        except NoReverseMatch:
            return no_edit_link
        return format_html('{}: <a href="{}">{}</a>{}', capfirst(opts.verbose_name), url, obj, suffix)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    # django-stubs types model_objs' keys as str; Django keys it by model class.
    model_objs = cast("dict[type[Model], set[Model]]", collector.model_objs)
    model_count = {str(model._meta.verbose_name_plural): len(found) for model, found in model_objs.items()}
    total = sum(record_counts.values())
    if total:
        model_count[str(Record._meta.verbose_name_plural)] = total
    return to_delete, model_count, perms_needed, protected


def _record_counts(data_sets: list[DataSet]) -> dict[int, int]:
    """{data set pk: number of records}, one query."""
    return dict(
        Record.objects.filter(data_set_id__in=[data_set.pk for data_set in data_sets])
        .values("data_set_id")
        .annotate(count=Count("id"))
        .values_list("data_set_id", "count")
    )
