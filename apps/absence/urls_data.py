from django.urls import path

from . import views_data

urlpatterns = [
    path("<slug:slug>/import/", views_data.import_upload, name="import"),
    path(
        "<slug:slug>/import/template/<str:kind>.<str:fmt>",
        views_data.import_template,
        name="import_template",
    ),
    path("<slug:slug>/import/<str:token>/confirm/", views_data.import_confirm, name="import_confirm"),
    path("<slug:slug>/statistics/", views_data.statistics, name="statistics"),
    path("<slug:slug>/statistics/export.csv", views_data.statistics_csv, name="statistics_csv"),
    path(
        "<slug:slug>/statistics/export.xlsx",
        views_data.statistics_csv,
        {"fmt": "xlsx"},
        name="statistics_xlsx",
    ),
]
