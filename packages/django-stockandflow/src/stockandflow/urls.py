from django.urls import path

from . import feeds, openmetrics, views

app_name = "stockandflow"

urlpatterns = [
    path("", views.index, name="index"),
    path("openmetrics", openmetrics.openmetrics, name="openmetrics"),
    path("stocks/<slug:slug>.json", feeds.stock_json, name="stock-json"),
    path("flows/<slug:slug>.json", feeds.flow_json, name="flow-json"),
    path("processes/<slug:slug>.json", feeds.process_json, name="process-json"),
    path("<slug:slug>/", views.process_report, name="process"),
    path("<slug:slug>/stock-records.csv", views.records_csv, {"kind": "stock"}, name="stock-csv"),
    path("<slug:slug>/flow-records.csv", views.records_csv, {"kind": "flow"}, name="flow-csv"),
    path("<slug:slug>/stocks/<slug:stock_slug>/members/", views.step_members, name="step"),
]
