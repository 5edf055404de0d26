from django.urls import path

from . import views

app_name = "clubs"
urlpatterns = [
    path(
        "feed/<str:token>/<slug:slug>.ics",
        views.organization_calendar_token,
        name="organization_calendar_token",
    ),
    path(
        "feed/<str:token>/<slug:slug>/club/<int:pk>.ics",
        views.club_calendar_token,
        name="club_calendar_token",
    ),
    path("<slug:slug>/", views.club_list, name="club_list"),
    path("<slug:slug>/export.csv", views.club_list_csv, name="club_list_csv"),
    path("<slug:slug>/export.xlsx", views.club_list_csv, {"fmt": "xlsx"}, name="club_list_xlsx"),
    path("<slug:slug>/mine/", views.my_clubs, name="my_clubs"),
    path("<slug:slug>/rules/", views.fund_rules_edit, name="fund_rules_edit"),
    path("<slug:slug>/calendar.ics", views.organization_calendar, name="organization_calendar"),
    path("<slug:slug>/calendar/", views.calendar_links, name="calendar_links"),
    path("<slug:slug>/club/<int:pk>/", views.club_detail, name="club_detail"),
    path("<slug:slug>/club/<int:pk>/calendar.ics", views.club_calendar, name="club_calendar"),
    path("<slug:slug>/club/<int:pk>/meetings/new/", views.club_meeting_log, name="club_meeting_log"),
    path("<slug:slug>/club/<int:pk>/funds/new/", views.application_create, name="application_create"),
    path("<slug:slug>/meetings/<int:pk>/edit/", views.club_meeting_edit, name="club_meeting_edit"),
    path("<slug:slug>/funds/<int:pk>/", views.application_detail, name="application_detail"),
    path("<slug:slug>/funds/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("<slug:slug>/funds/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("<slug:slug>/funds/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("<slug:slug>/funds/<int:pk>/paid/", views.application_mark_paid, name="application_mark_paid"),
    path("<slug:slug>/networks/", views.network_list, name="network_list"),
    path("<slug:slug>/networks/<int:pk>/", views.network_detail, name="network_detail"),
    path(
        "<slug:slug>/networks/<int:pk>/meetings/new/", views.network_meeting_log, name="network_meeting_log"
    ),
]
