from django.urls import path

from . import views

app_name = "pool"
urlpatterns = [
    path("<slug:slug>/", views.application_list, name="application_list"),
    path("<slug:slug>/applications/new/", views.application_create, name="application_create"),
    path("<slug:slug>/rankings/new/", views.ranking_session_create, name="ranking_session_create"),
    path("<slug:slug>/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "<slug:slug>/applications/<int:pk>/checklist/",
        views.application_checklist_view,
        name="application_checklist",
    ),
    path("<slug:slug>/applications/<int:pk>/advance/", views.application_advance, name="application_advance"),
    path("<slug:slug>/applications/<int:pk>/sign/", views.application_sign, name="application_sign"),
    path("<slug:slug>/applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "<slug:slug>/applications/<int:pk>/timeline/", views.application_timeline, name="application_timeline"
    ),
    path("<slug:slug>/applications/<int:pk>/pdf/", views.application_pdf, name="application_pdf"),
    path(
        "<slug:slug>/applications/<int:pk>/budget.csv",
        views.application_budget_csv,
        name="application_budget_csv",
    ),
    path(
        "<slug:slug>/applications/<int:pk>/budget.xlsx",
        views.application_budget_csv,
        {"fmt": "xlsx"},
        name="application_budget_xlsx",
    ),
    path(
        "<slug:slug>/applications/<int:pk>/project-group/", views.project_group_add, name="project_group_add"
    ),
    path(
        "<slug:slug>/applications/<int:pk>/project-group/<int:user_pk>/remove/",
        views.project_group_remove,
        name="project_group_remove",
    ),
    path("<slug:slug>/rankings/<int:pk>/", views.ranking_session_detail, name="ranking_session"),
    path("<slug:slug>/rankings/<int:pk>/close/", views.ranking_session_close, name="ranking_session_close"),
    path("<slug:slug>/rank/<str:token>/", views.ranking_table, name="ranking_table"),
]
