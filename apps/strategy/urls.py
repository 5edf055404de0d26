from django.urls import path

from . import views, views_progress

app_name = "strategy"
urlpatterns = [
    path("<slug:slug>/", views.plan_list, name="plan_list"),
    path("<slug:slug>/plan/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<slug:slug>/plan/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<slug:slug>/plan/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("<slug:slug>/plan/<int:pk>/archive/", views.plan_archive, name="plan_archive"),
    path("<slug:slug>/plan/<int:pk>/unarchive/", views.plan_unarchive, name="plan_unarchive"),
    path("<slug:slug>/plan/<int:pk>/export.csv", views.plan_export, name="plan_export"),
    path(
        "<slug:slug>/plan/<int:pk>/export.xlsx", views.plan_export, {"fmt": "xlsx"}, name="plan_export_xlsx"
    ),
    path("<slug:slug>/plan/<int:pk>/import/", views.plan_import_view, name="plan_import"),
    path("<slug:slug>/plan/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("<slug:slug>/plan/<int:pk>/focus-areas/add/", views.focus_area_add, name="focus_area_add"),
    path("<slug:slug>/focus-area/<int:pk>/", views.focus_area_detail, name="focus_area_detail"),
    path("<slug:slug>/focus-area/<int:pk>/edit/", views.focus_area_edit, name="focus_area_edit"),
    path("<slug:slug>/focus-area/<int:pk>/move/", views.focus_area_move, name="focus_area_move"),
    path("<slug:slug>/focus-area/<int:pk>/goals/add/", views.goal_add, name="goal_add"),
    path("<slug:slug>/focus-area/<int:pk>/initiatives/add/", views.initiative_add, name="initiative_add"),
    path("<slug:slug>/goal/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("<slug:slug>/goal/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("<slug:slug>/goal/<int:pk>/move/", views.goal_move, name="goal_move"),
    path("<slug:slug>/initiative/<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("<slug:slug>/initiative/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path(
        "<slug:slug>/initiative/<int:pk>/status/", views.initiative_status_set, name="initiative_status_set"
    ),
    path(
        "<slug:slug>/initiative/<int:pk>/updates/",
        views.initiative_update_post,
        name="initiative_update_post",
    ),
    path("<slug:slug>/initiative/<int:pk>/move/", views.initiative_move, name="initiative_move"),
    *[
        path(f"<slug:slug>/{kind}/<int:pk>/delete/", views.item_delete, {"kind": kind}, name=f"{name}_delete")
        for kind, (_objects, name) in views.DELETABLE.items()
    ],
    # The progress page members follow (issue 19), its public link and members' comments.
    path("<slug:slug>/plan/<int:pk>/progress/", views_progress.plan_progress, name="progress"),
    path(
        "<slug:slug>/progress/initiative/<int:pk>/",
        views_progress.progress_initiative,
        name="progress_initiative",
    ),
    path("<slug:slug>/public/<str:token>/", views_progress.public_progress, name="public_progress"),
    path(
        "<slug:slug>/public/<str:token>/initiative/<int:pk>/",
        views_progress.public_initiative,
        name="public_initiative",
    ),
    path("<slug:slug>/plan/<int:pk>/publish/", views_progress.plan_publish, name="plan_publish"),
    path("<slug:slug>/plan/<int:pk>/public-link/", views_progress.plan_link_create, name="plan_link_create"),
    path(
        "<slug:slug>/public-link/<int:pk>/revoke/", views_progress.plan_link_revoke, name="plan_link_revoke"
    ),
    path("<slug:slug>/plan/<int:pk>/comments/", views_progress.comment_moderation, name="comment_moderation"),
    path("<slug:slug>/comment/<int:pk>/moderate/", views_progress.comment_moderate, name="comment_moderate"),
    path("<slug:slug>/plan/<int:pk>/stale/", views_progress.stale_list, name="stale_list"),
]
