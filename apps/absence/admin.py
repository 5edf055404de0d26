from django.contrib import admin

from .models import (
    AbsenceMonthlyAggregate,
    AbsenceRegistration,
    Advisory,
    AdvisoryEvent,
    AdvisoryPolicy,
    Employee,
    EmployeeAccessLog,
    Spell,
)


@admin.register(AdvisoryPolicy)
class AdvisoryPolicyAdmin(admin.ModelAdmin):
    list_display = ["organization", "contact_days", "day_counting", "retention_years"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "employee_number", "organization", "unit", "leader"]
    list_filter = ["organization"]
    search_fields = ["name", "employee_number"]
    raw_id_fields = ["unit", "leader"]
    list_select_related = ["organization", "unit", "leader"]


@admin.register(AbsenceRegistration)
class AbsenceRegistrationAdmin(admin.ModelAdmin):
    list_display = ["employee", "absence_type", "start_date", "end_date", "fraction"]
    list_filter = ["absence_type"]
    raw_id_fields = ["employee"]
    list_select_related = ["employee"]
    date_hierarchy = "start_date"


@admin.register(Spell)
class SpellAdmin(admin.ModelAdmin):
    list_display = ["employee", "start_date", "end_date"]
    raw_id_fields = ["employee"]
    list_select_related = ["employee"]

    def has_add_permission(self, request) -> bool:
        return False  # spells are derived from registrations


class AdvisoryEventInline(admin.TabularInline):
    model = AdvisoryEvent
    extra = 0
    raw_id_fields = ["by"]


@admin.register(Advisory)
class AdvisoryAdmin(admin.ModelAdmin):
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


@admin.register(AbsenceMonthlyAggregate)
class AbsenceMonthlyAggregateAdmin(admin.ModelAdmin):
    list_display = ["organization", "unit", "month", "absence_type", "calendar_days", "absence_hours"]
    list_filter = ["organization", "absence_type"]
