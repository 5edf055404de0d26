from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("<slug:slug>/", views.committee_list, name="committee_list"),
    path("committee/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committee/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("committee/<int:pk>/decisions/", views.committee_decisions, name="committee_decisions"),
    path("committee/<int:pk>/calendar/<str:token>.ics", views.committee_ics, name="committee_ics"),
    path("meeting/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meeting/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meeting/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("meeting/<int:pk>/items/standard/", views.item_add_standard, name="item_add_standard"),
    path("meeting/<int:pk>/guide/", views.guide_take, name="guide_take"),
    path("meeting/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("meeting/<int:pk>/attendance/", views.attendance_save, name="attendance_save"),
    path("meeting/<int:pk>/approve/", views.minutes_approve, name="minutes_approve"),
    path("meeting/<int:pk>/answers/", views.meeting_answers, name="meeting_answers"),
    path("meeting/<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("meeting/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("item/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("item/<int:pk>/duration/", views.item_duration, name="item_duration"),
    path("item/<int:pk>/move/", views.item_move, name="item_move"),
    path("item/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("item/<int:pk>/next-meeting/", views.item_to_next_meeting, name="item_to_next_meeting"),
    path("item/<int:pk>/steps/", views.step_add, name="step_add"),
    path("item/<int:pk>/questions/", views.question_add, name="question_add"),
    path("item/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("item/<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("item/<int:pk>/correct/", views.minutes_correct, name="minutes_correct"),
    path("attachment/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("guide/<int:pk>/", views.guide_detail, name="guide_detail"),
    path("guide/<int:pk>/overview/", views.guide_overview, name="guide_overview"),
    path("working-group/<int:pk>/", views.working_group_detail, name="working_group_detail"),
    path("task/<int:pk>/status/", views.task_status, name="task_status"),
]
urlpatterns += [
    path("committee/<int:pk>/settings/", views.committee_settings, name="committee_settings"),
    path("meeting/<int:pk>/send/", views.meeting_send, name="meeting_send"),
    path("meeting/<int:pk>/items/reorder/", views.item_reorder, name="item_reorder"),
    path("meeting/<int:pk>/propose/", views.proposal_add, name="proposal_add"),
    path("proposal/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposal/<int:pk>/decline/", views.proposal_decline, name="proposal_decline"),
]
