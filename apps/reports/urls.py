from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<slug:slug>/", views.report_list, name="report_list"),
    path("<slug:slug>/new/", views.report_create, name="report_create"),
    path("report/<int:pk>/", views.report_detail, name="report_detail"),
    path("report/<int:pk>/preview/", views.report_preview, name="report_preview"),
    path("report/<int:pk>/details/", views.report_update, name="report_update"),
    path("report/<int:pk>/quotes/", views.quote_add, name="quote_add"),
    path("report/<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("report/<int:pk>/generate/", views.report_generate, name="report_generate"),
    path("report/<int:pk>/pdf/", views.report_download, name="report_download"),
    path("section/<int:pk>/move/", views.section_move, name="section_move"),
    path("section/<int:pk>/toggle/", views.section_toggle, name="section_toggle"),
    path("section/<int:pk>/introduction/", views.section_introduction, name="section_introduction"),
    path("quote/<int:pk>/delete/", views.quote_delete, name="quote_delete"),
    path("generation/<int:pk>/", views.generation_status, name="generation_status"),
]
