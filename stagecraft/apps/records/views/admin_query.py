"""The admin's query explorer: runs a read-API query on one data set with the same parser and engine.

Admins use it to check what a dashboard will see: the read API's parameters as a form, the answer as
a table and a chart (explorer.py; drawn by static/records/explorer.js), a CSV download (`format=csv`
added to the explorer's own address), the JSON, and the equivalent public API address as a link and
a `curl` line. Wired in `admin_urls.py` behind `admin.site.admin_view`; the data set's change page
links to it (URL name `records_admin_query`).
"""

import json
import shlex
from dataclasses import replace
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from stagecraft.apps.datasets.services import DataSet

from ..explorer import result_chart, result_table
from ..query import Query, QueryError, parse_query, run_query
from ..query.output import ReadEncoder, to_csv
from ..query.periods import PERIOD_NAMES
from ..upload_preview import schema_fields

# Raw queries without a limit could list the whole data set: the preview shows this many at most.
PREVIEW_LIMIT = 100

_BOOLEAN = [("", "—"), ("true", "true"), ("false", "false")]


class QueryForm(forms.Form):
    start_at = forms.CharField(required=False, help_text="e.g. 2012-12-03T00:00:00Z (an offset is required)")
    end_at = forms.CharField(required=False)
    inclusive = forms.ChoiceField(choices=_BOOLEAN, required=False)
    duration = forms.CharField(
        required=False, help_text="A number of periods, instead of start_at or end_at."
    )
    period = forms.ChoiceField(choices=[("", "—")] + [(name, name) for name in PERIOD_NAMES], required=False)
    group_by = forms.CharField(required=False, help_text="Field names, separated by commas.")
    collect = forms.CharField(
        required=False, help_text="e.g. value:sum, licence_name:set (separated by commas)"
    )
    filter_by = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="field:value, one a line."
    )
    filter_by_prefix = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="field:prefix, one a line."
    )
    sort_by = forms.CharField(required=False, help_text="e.g. _count:descending")
    limit = forms.CharField(required=False)
    flatten = forms.ChoiceField(choices=_BOOLEAN, required=False)

    REPEATED_BY_COMMA = ("group_by", "collect")
    REPEATED_BY_LINE = ("filter_by", "filter_by_prefix")

    def query_args(self) -> dict[str, list[str]]:
        """The form's values as the read API's parameters (empty fields left out)."""
        args: dict[str, list[str]] = {}
        for name in self.fields:
            value = self.cleaned_data.get(name) or ""
            if name in self.REPEATED_BY_COMMA:
                values = [item.strip() for item in value.split(",")]
            elif name in self.REPEATED_BY_LINE:
                values = [item.strip() for item in value.splitlines()]
            else:
                values = [value.strip()]
            values = [item for item in values if item]
            if values:
                args[name] = values
        return args


def query_view(request: HttpRequest, data_set_id: int) -> HttpResponse:
    if not request.user.has_perm("datasets.view_dataset"):
        raise PermissionDenied
    data_set = get_object_or_404(DataSet.objects.select_related("data_group", "data_type"), pk=data_set_id)
    form = QueryForm(request.GET or None)
    context = {
        **admin.site.each_context(request),
        "title": f"Query {data_set.name}",
        "data_set": data_set,
        "opts": DataSet._meta,
        "form": form,
        "preview_limit": PREVIEW_LIMIT,
        "schema_fields": schema_fields(data_set.schema)[0],
    }
    if form.is_valid():
        args = form.query_args()
        api_path = _api_url(data_set, args)
        api_url = request.build_absolute_uri(api_path)
        context.update(api_path=api_path, api_url=api_url, curl=f"curl {shlex.quote(api_url)}")
        try:
            query = parse_query(args, data_set.raw_queries_allowed)
            if request.GET.get("format") == "csv":
                return _csv_download(data_set, query)
            if not query.is_grouped and not query.limit:
                query = replace(query, limit=PREVIEW_LIMIT)
                context["limited"] = True
            data = run_query(data_set, query, now=timezone.now())
        except QueryError as error:
            context["error"] = error.message
        else:
            context["rows"] = len(data)
            context["table"] = result_table(query, data)
            context["chart"] = result_chart(query, data)
            context["csv_url"] = f"?{urlencode([*_pairs(args), ('format', 'csv')])}"
            context["result"] = json.dumps({"data": data}, cls=ReadEncoder, indent=2)
    return render(request, "records/admin/query.html", context)


def _csv_download(data_set: DataSet, query: Query) -> HttpResponse:
    """The answer as the public API's `format=csv` gives it (no preview limit), for any data set."""
    data = run_query(data_set, query, now=timezone.now())
    response = HttpResponse(to_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{data_set.name}.csv"'
    return response


def _pairs(args: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, values in args.items() for value in values]


def _api_url(data_set: DataSet, args: dict[str, list[str]]) -> str:
    path = f"/data/{data_set.data_group.name}/{data_set.data_type.name}"
    query = urlencode(_pairs(args))
    return f"{path}?{query}" if query else path
