from django.contrib import admin

from .models import (
    AbsenceRegistration,
    Advisory,
    AdvisoryEvent,
    AdvisoryPolicy,
    Employee,
    EmployeeAccessLog,
    Spell,
    StatisticsSnapshot,
)

# Registrations, spells, advisories and the follow-up settings change only through the portal's
# services, which keep the spells, the advisory sweep's queue, the overlap rule and the statistics in
# step: here they are shown.


class ReadOnly:
    """For admins and inlines alike: shown, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


@admin.register(AdvisoryPolicy)
class AdvisoryPolicyAdmin(ReadOnlyAdmin):  # HR edits it in the portal, which re-derives the spells
    list_display = ["organization", "contact_days", "day_counting", "retention_years"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "employee_number", "organization", "unit", "leader"]
    list_filter = ["organization"]
    search_fields = ["name", "employee_number"]
    raw_id_fields = ["unit", "leader"]
    list_select_related = ["organization", "unit", "leader"]

    def get_readonly_fields(self, request, obj=None):
        # An employee's absence history belongs to one organisation's follow-up: a move is a new
        # employee there.
        return ["organization"] if obj is not None else []


@admin.register(AbsenceRegistration)
class AbsenceRegistrationAdmin(ReadOnlyAdmin):
    list_display = ["employee", "absence_type", "start_date", "end_date", "fraction"]
    list_filter = ["absence_type"]
    raw_id_fields = ["employee"]
    list_select_related = ["employee"]
    date_hierarchy = "start_date"


@admin.register(Spell)
class SpellAdmin(ReadOnlyAdmin):
    list_display = ["employee", "start_date", "end_date"]
    raw_id_fields = ["employee"]
    list_select_related = ["employee"]


class AdvisoryEventInline(ReadOnly, admin.TabularInline):
    model = AdvisoryEvent
    extra = 0
    raw_id_fields = ["by"]


@admin.register(Advisory)
class AdvisoryAdmin(ReadOnlyAdmin):
    list_display = ["employee", "kind", "day", "due_date", "status", "late"]
    list_filter = ["kind", "status", "late"]
    raw_id_fields = ["employee", "spell"]
    list_select_related = ["employee"]
    inlines = [AdvisoryEventInline]


@admin.register(EmployeeAccessLog)
class EmployeeAccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "employee", "action"]
    raw_id_fields = ["employee", "user"]
    list_select_related = ["employee", "user"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StatisticsSnapshot)
class StatisticsSnapshotAdmin(ReadOnlyAdmin):  # what the statistics showed before retention
    list_display = ["organization", "kind", "period", "created_at"]
    list_filter = ["kind", "organization"]
    date_hierarchy = "period"
