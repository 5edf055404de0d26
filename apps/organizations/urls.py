from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("<slug:slug>/", views.organization_detail, name="detail"),
    path("<slug:slug>/appearance/", views.organization_appearance, name="appearance"),
    path("<slug:slug>/logo.png", views.organization_logo, name="logo"),
]
