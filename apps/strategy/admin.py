from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FocusArea, Goal, Initiative, InitiativeComment, InitiativeUpdate, PlanLink, StrategyPlan


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    fields = ["position", "title", "focus"]
    extra = 0


@admin.register(StrategyPlan)
class StrategyPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "start_year", "end_year", "visibility", "archived_at"]
    list_filter = ["organization", "visibility", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    inlines = [FocusAreaInline]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["text", "focus_area", "indicator_current", "indicator_target"]
    list_select_related = ["focus_area"]
    search_fields = ["text"]


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["text", "focus_area", "level", "status", "progress", "due_date"]
    list_filter = ["level", "status", "focus_area__plan__organization"]
    list_select_related = ["focus_area"]
    search_fields = ["text"]
    raw_id_fields = ["focus_area", "goal", "implements", "responsible_unit", "responsible_person"]


@admin.register(InitiativeUpdate)
class InitiativeUpdateAdmin(admin.ModelAdmin):
    list_display = ["date", "initiative", "author", "status_after"]
    raw_id_fields = ["initiative", "author"]


@admin.register(InitiativeComment)
class InitiativeCommentAdmin(admin.ModelAdmin):
    list_display = ["created_at", "initiative", "author", "status", "moderated_by"]
    list_filter = ["status", "initiative__focus_area__plan__organization"]
    list_select_related = ["initiative", "author", "moderated_by"]
    raw_id_fields = ["initiative", "author", "moderated_by"]


@admin.register(PlanLink)
class PlanLinkAdmin(admin.ModelAdmin):
    list_display = ["plan", "created_at", "created_by", "revoked_at"]
    list_select_related = ["plan", "created_by"]
    raw_id_fields = ["plan", "created_by"]
    readonly_fields = ["token"]
