from django.urls import path

from . import views, views_employees, views_imports, views_statistics

app_name = "absence"
urlpatterns = [
    # Follow-up: advisories, employees and their absence, the policy, notes awaiting review.
    path("<slug:slug>/advisories/", views.queue, name="queue"),
    path("<slug:slug>/advisories/mine/", views.my_queue, name="my_queue"),
    path("<slug:slug>/advisories/bulk/", views.advisory_bulk, name="advisory_bulk"),
    path("<slug:slug>/advisories/<int:pk>/step/", views.advisory_step, name="advisory_step"),
    path("<slug:slug>/employees/", views_employees.employee_list, name="employees"),
    path("<slug:slug>/employees/<int:pk>/", views_employees.employee_detail, name="employee"),
    path("<slug:slug>/employees/<int:pk>/export/", views_employees.employee_export, name="employee_export"),
    path("<slug:slug>/employees/<int:pk>/access-log/", views_employees.access_log, name="access_log"),
    path(
        "<slug:slug>/employees/<int:pk>/absence/new/",
        views_employees.registration_create,
        name="registration_create",
    ),
    path(
        "<slug:slug>/registrations/<int:pk>/edit/",
        views_employees.registration_edit,
        name="registration_edit",
    ),
    path(
        "<slug:slug>/registrations/<int:pk>/delete/",
        views_employees.registration_delete,
        name="registration_delete",
    ),
    path("<slug:slug>/policy/", views.policy_edit, name="policy"),
    path("<slug:slug>/notes/review/", views.note_review_list, name="note_review_list"),
    path("<slug:slug>/notes/<int:pk>/review/", views.note_review, name="note_review"),
    # Payroll imports.
    path("<slug:slug>/import/", views_imports.import_upload, name="import"),
    path(
        "<slug:slug>/import/template/<str:kind>.<str:fmt>",
        views_imports.import_template,
        name="import_template",
    ),
    path("<slug:slug>/import/<int:pk>/", views_imports.import_job, name="import_job"),
    path("<slug:slug>/import/<int:pk>/confirm/", views_imports.import_job_confirm, name="import_job_confirm"),
    path("<slug:slug>/import/<int:pk>/discard/", views_imports.import_job_discard, name="import_job_discard"),
    # Statistics.
    path("<slug:slug>/statistics/", views_statistics.statistics, name="statistics"),
    path("<slug:slug>/statistics/export.csv", views_statistics.statistics_csv, name="statistics_csv"),
    path(
        "<slug:slug>/statistics/export.xlsx",
        views_statistics.statistics_csv,
        {"fmt": "xlsx"},
        name="statistics_xlsx",
    ),
]
