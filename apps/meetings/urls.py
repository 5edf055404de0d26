from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("<slug:slug>/", views.committee_list, name="committee_list"),
    path("<slug:slug>/committee/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("<slug:slug>/committee/<int:pk>/meetings/new/", views.med_meeting_create, name="med_meeting_create"),
    path("<slug:slug>/committee/<int:pk>/decisions/", views.committee_decisions, name="committee_decisions"),
    path(
        "<slug:slug>/committee/<int:pk>/calendar/<str:token>.ics", views.committee_ics, name="committee_ics"
    ),
    path(
        "<slug:slug>/committee/<int:pk>/calendar/new-link/",
        views.committee_calendar_renew,
        name="committee_calendar_renew",
    ),
    path("<slug:slug>/meeting/<int:pk>/", views.med_meeting_detail, name="med_meeting_detail"),
    path("<slug:slug>/meeting/<int:pk>/edit/", views.med_meeting_edit, name="med_meeting_edit"),
    path("<slug:slug>/meeting/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("<slug:slug>/meeting/<int:pk>/items/standard/", views.item_add_standard, name="item_add_standard"),
    path("<slug:slug>/meeting/<int:pk>/guide/", views.guide_take, name="guide_take"),
    path("<slug:slug>/meeting/<int:pk>/status/", views.med_meeting_status, name="med_meeting_status"),
    path("<slug:slug>/meeting/<int:pk>/attendance/", views.attendance_save, name="attendance_save"),
    path("<slug:slug>/meeting/<int:pk>/approve/", views.minutes_approve, name="minutes_approve"),
    path("<slug:slug>/meeting/<int:pk>/answers/", views.med_meeting_answers, name="med_meeting_answers"),
    path("<slug:slug>/meeting/<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<slug:slug>/meeting/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<slug:slug>/item/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<slug:slug>/item/<int:pk>/duration/", views.item_duration, name="item_duration"),
    path("<slug:slug>/item/<int:pk>/move/", views.item_move, name="item_move"),
    path("<slug:slug>/item/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("<slug:slug>/item/<int:pk>/next-meeting/", views.item_to_next_meeting, name="item_to_next_meeting"),
    path("<slug:slug>/item/<int:pk>/steps/", views.step_add, name="step_add"),
    path("<slug:slug>/item/<int:pk>/questions/", views.question_add, name="question_add"),
    path("<slug:slug>/item/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<slug:slug>/item/<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("<slug:slug>/item/<int:pk>/correct/", views.minutes_correct, name="minutes_correct"),
    path(
        "<slug:slug>/meeting/<int:pk>/correction/<int:revision_pk>/approve/",
        views.minutes_correction_approve,
        name="minutes_correction_approve",
    ),
    path(
        "<slug:slug>/meeting/<int:pk>/correction/<int:revision_pk>/reject/",
        views.minutes_correction_reject,
        name="minutes_correction_reject",
    ),
    path("<slug:slug>/attachment/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("<slug:slug>/guide/<int:pk>/", views.guide_detail, name="guide_detail"),
    path("<slug:slug>/guide/<int:pk>/overview/", views.guide_overview, name="guide_overview"),
    path("<slug:slug>/working-group/<int:pk>/", views.working_group_detail, name="working_group_detail"),
    path("<slug:slug>/task/<int:pk>/status/", views.task_status, name="task_status"),
]
urlpatterns += [
    path("<slug:slug>/committee/<int:pk>/settings/", views.committee_settings, name="committee_settings"),
    path("<slug:slug>/meeting/<int:pk>/send/", views.med_meeting_send, name="med_meeting_send"),
    path("<slug:slug>/meeting/<int:pk>/items/reorder/", views.item_reorder, name="item_reorder"),
    path("<slug:slug>/meeting/<int:pk>/propose/", views.proposal_add, name="proposal_add"),
    path("<slug:slug>/proposal/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("<slug:slug>/proposal/<int:pk>/decline/", views.proposal_decline, name="proposal_decline"),
    path("<slug:slug>/meeting/<int:pk>/live/", views.med_meeting_live, name="med_meeting_live"),
    path(
        "<slug:slug>/meeting/<int:pk>/live/panel/",
        views.med_meeting_live_panel,
        name="med_meeting_live_panel",
    ),
    path(
        "<slug:slug>/meeting/<int:pk>/live/control/",
        views.med_meeting_live_control,
        name="med_meeting_live_control",
    ),
    path("<slug:slug>/item/<int:pk>/speakers/", views.speaker_request, name="speaker_request"),
    path("<slug:slug>/item/<int:pk>/speakers/close/", views.speaker_list_close, name="speaker_list_close"),
    path("<slug:slug>/item/<int:pk>/votes/", views.vote_open, name="vote_open"),
    path("<slug:slug>/speaker/<int:pk>/", views.speaker_update, name="speaker_update"),
    path("<slug:slug>/vote/<int:pk>/record/", views.vote_record, name="vote_record"),
    path("<slug:slug>/vote/<int:pk>/cancel/", views.vote_cancel, name="vote_cancel"),
    path("<slug:slug>/meeting/<int:pk>/screen-links/", views.screen_link_create, name="screen_link_create"),
    path("<slug:slug>/screen-link/<int:pk>/revoke/", views.screen_link_revoke, name="screen_link_revoke"),
    path("<slug:slug>/screen/<str:token>/", views.med_meeting_screen, name="med_meeting_screen"),
]
