from django.urls import path

from . import views

app_name = "stockandflow"

urlpatterns = [
    path("", views.index, name="index"),
    path("stocks/<slug:slug>.json", views.stock_json, name="stock-json"),
    path("<slug:slug>/", views.process_report, name="process"),
    path("<slug:slug>/stock-records.csv", views.records_csv, {"kind": "stock"}, name="stock-csv"),
    path("<slug:slug>/flow-records.csv", views.records_csv, {"kind": "flow"}, name="flow-csv"),
    path("<slug:slug>/stocks/<slug:stock_slug>/members/", views.step_members, name="step"),
]
