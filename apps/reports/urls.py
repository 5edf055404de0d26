from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<slug:slug>/", views.report_list, name="report_list"),
    path("<slug:slug>/new/", views.report_create, name="report_create"),
    path("<slug:slug>/report/<int:pk>/", views.report_detail, name="report_detail"),
    path("<slug:slug>/report/<int:pk>/preview/", views.report_preview, name="report_preview"),
    path("<slug:slug>/report/<int:pk>/details/", views.report_update, name="report_update"),
    path("<slug:slug>/report/<int:pk>/quotes/", views.quote_add, name="quote_add"),
    path("<slug:slug>/report/<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("<slug:slug>/report/<int:pk>/generate/", views.report_generate, name="report_generate"),
    path("<slug:slug>/report/<int:pk>/pdf/", views.report_download, name="report_download"),
    path("<slug:slug>/section/<int:pk>/move/", views.section_move, name="section_move"),
    path("<slug:slug>/section/<int:pk>/toggle/", views.section_toggle, name="section_toggle"),
    path(
        "<slug:slug>/section/<int:pk>/introduction/", views.section_introduction, name="section_introduction"
    ),
    path("<slug:slug>/quote/<int:pk>/delete/", views.quote_delete, name="quote_delete"),
    path("<slug:slug>/generation/<int:pk>/", views.generation_status, name="generation_status"),
]
