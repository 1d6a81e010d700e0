"""The number of data sets per group or type, for changelists of any size."""

from typing import TypedDict

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import DataSet


class DataSetCount(TypedDict):
    """The annotation data_set_count() adds, for `WithAnnotations[Model, DataSetCount]`."""

    data_set_count: int


def data_set_count(field: str) -> Coalesce:
    """A correlated subquery counting the data sets whose `field` is the row.

    Not Count("data_sets"): that joins and groups the whole data set table, and the changelist's
    paginator then counts that grouped join too. A subquery annotation is dropped from the
    paginator's COUNT(*) and is only evaluated for the rows on the page (unless sorted by it).
    """
    counts = (
        DataSet.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)
