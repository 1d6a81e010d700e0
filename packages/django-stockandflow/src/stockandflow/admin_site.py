"""A separate admin site listing the current members of every registered stock and flow.

The admin registers one ModelAdmin per model, so each stock and flow gets a proxy model of its own
(as in the seed). The proxies use an app label that is not installed, which keeps them out of
migrations; this site builds its own index instead of asking the app registry about that label.
Mount it apart from the main admin: `path("stockandflow-admin/", stockandflow.admin_site.site.urls)`.
"""

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from . import registry
from .facets import Facet, value_label
from .flows import Flow
from .stocks import Stock

PROXY_APP_LABEL = "stockandflow_admin"
_proxies: dict[tuple[str, str], type[Model]] = {}


def proxy_model(kind: str, slug: str, model: type[Model], verbose_name: str) -> type[Model]:
    """One proxy per stock or flow, made once: redefining a model warns and confuses the registry."""
    key = (kind, slug)
    if key not in _proxies:
        meta = type(
            "Meta",
            (),
            {
                "proxy": True,
                "app_label": PROXY_APP_LABEL,
                "verbose_name": verbose_name,
                "verbose_name_plural": verbose_name,
            },
        )
        name = f"{kind}_{slug}".replace("-", "_")
        _proxies[key] = type(name, (model,), {"__module__": __name__, "Meta": meta})
    return _proxies[key]


def facet_filter(facet: Facet, prefix: str) -> type[admin.SimpleListFilter]:
    class FacetFilter(admin.SimpleListFilter):
        title = facet.name
        parameter_name = f"facet-{facet.slug}"

        def _values(self, queryset) -> dict:
            values = facet.get_values()
            if values is None:
                values = queryset.order_by().values_list(facet.lookup(prefix), flat=True).distinct()
            return {value_label(v): v for v in values}

        def lookups(self, request, model_admin):
            return [(label, label) for label in self._values(model_admin.get_queryset(request))]

        def queryset(self, request, queryset):
            if self.value() is None:
                return queryset
            values = self._values(queryset)
            if self.value() not in values:
                return queryset.none()
            return queryset.filter(facet.get_Q(values[self.value()], prefix))

    return FacetFilter


def event_facet_filter(facet: Facet) -> type[admin.SimpleListFilter]:
    """Filters a flow's events by the facet value they stored (the subject's value at the time)."""

    class EventFacetFilter(admin.SimpleListFilter):
        title = facet.name
        parameter_name = f"facet-{facet.slug}"

        def lookups(self, request, model_admin):
            values = facet.get_values()
            if values is not None:
                labels = [value_label(v) for v in values]
            else:
                stored = _with_stored_value(model_admin.get_queryset(request)).order_by()
                labels = sorted(
                    v for v in stored.values_list("sf_value", flat=True).distinct() if v is not None
                )
            return [(label, label) for label in labels]

        def queryset(self, request, queryset):
            if self.value() is None:
                return queryset
            # A key lookup compares JSON values on every database (filtering on the KeyTextTransform
            # annotation would make SQLite parse the label as JSON).
            return queryset.filter(**{f"facet_values__{facet.slug}": self.value()})

    def _with_stored_value(queryset: QuerySet) -> QuerySet:
        return queryset.annotate(sf_value=KeyTextTransform(facet.slug, "facet_values"))

    return EventFacetFilter


class _ReadOnlyAdmin(admin.ModelAdmin):
    list_display_links = None
    change_list_template = "stockandflow/admin/change_list.html"
    show_full_result_count = False
    actions = None

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def link_target(self, obj):
        return obj

    @admin.display(description="In the main admin")
    def main_admin_link(self, obj):
        obj = self.link_target(obj)
        if obj is None:
            return "-"
        opts = obj._meta.concrete_model._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">{}</a>', url, obj)


def stock_admin(stock: Stock) -> type[admin.ModelAdmin]:
    class StockAdmin(_ReadOnlyAdmin):
        list_display = ["__str__", "main_admin_link"]
        list_filter = [facet_filter(facet, prefix) for facet, prefix in stock.facets]

        def get_queryset(self, request):
            return stock.queryset

    return StockAdmin


def flow_admin(flow: Flow) -> type[admin.ModelAdmin]:
    class FlowAdmin(_ReadOnlyAdmin):
        list_display = ["timestamp", "subject_label", "source", "sink", "main_admin_link"]
        list_filter = [event_facet_filter(facet) for facet, _prefix in flow.facets]
        date_hierarchy = "timestamp"

        def link_target(self, obj):
            return obj.subject

        def get_queryset(self, request):
            return flow.events.select_related("subject").order_by("-timestamp")

    return FlowAdmin


class StockAndFlowAdminSite(admin.AdminSite):
    site_header = "Stocks and flows"
    site_title = "Stocks and flows"
    index_title = "Current members of each stock and flow"

    def register_processes(self) -> None:
        for stock in registry.all_stocks():
            proxy = proxy_model("stock", stock.slug, stock.model, f"Stock: {stock.name}")
            if proxy not in self._registry:
                self.register(proxy, stock_admin(stock))
        for flow in registry.all_flows():
            proxy = proxy_model("flow", flow.slug, flow.event_model, f"Flow: {flow.name}")
            if proxy not in self._registry:
                self.register(proxy, flow_admin(flow))

    def get_urls(self):
        self.register_processes()
        return super().get_urls()

    def _build_app_dict(self, request, label=None):
        models = []
        for model in self._registry:
            info = (model._meta.app_label, model._meta.model_name)
            models.append(
                {
                    "model": model,
                    "name": model._meta.verbose_name_plural,
                    "object_name": model._meta.object_name,
                    "perms": {"add": False, "change": False, "delete": False, "view": True},
                    "admin_url": reverse(f"admin:{info[0]}_{info[1]}_changelist", current_app=self.name),
                    "add_url": None,
                    "view_only": True,
                }
            )
        app = {
            "name": "Stocks and flows",
            "app_label": PROXY_APP_LABEL,
            "app_url": reverse("admin:index", current_app=self.name),
            "has_module_perms": True,
            "models": models,
        }
        return app if label else {PROXY_APP_LABEL: app}


site = StockAndFlowAdminSite(name="stockandflow_admin")
