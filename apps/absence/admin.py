from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnly, ReadOnlyAdmin

from . import privacy
from .models import (
    AbsenceRegistration,
    Advisory,
    AdvisoryEvent,
    AdvisoryPolicy,
    Employee,
    EmployeeAccessLog,
    HealthTerm,
    ImportJob,
    Spell,
    StatisticsSnapshot,
)

# Registrations, spells, advisories and the follow-up settings change only through the portal's
# services, which keep the spells, the advisory sweep's queue, the overlap rule and the statistics in
# step: here they are shown.


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin  # what the mixin's super() calls reach
else:
    _AdminBase = object


class AccessLogged(_AdminBase):
    """Admin pages of individual absence data write the access log as the portal's pages do: one row
    per employee on a list page, one for an object's page (change, delete, history)."""

    access_log_action = EmployeeAccessLog.Action.ADMIN_VIEW

    def employee_id_of(self, obj) -> int:
        return obj.employee_id

    def _log(self, request, objects) -> None:
        privacy.access_log_record(
            employees=[self.employee_id_of(obj) for obj in objects],
            user=request.user,
            action=self.access_log_action,
            where=request.resolver_match.view_name,
            via=EmployeeAccessLog.Via.ADMIN,
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if "cl" in context:
            self._log(request, context["cl"].result_list)  # evaluates the page once; the template reuses it
        elif "queryset" in context:  # the confirmation page of "delete selected" lists what goes with them
            self._log(request, context["queryset"])
        return response

    def _object_view(self, response):
        context = getattr(response, "context_data", None) or {}
        return context.get("original") or context.get("object")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if (obj := self._object_view(response)) is not None:
            self._log(request, [obj])
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        if (obj := self._object_view(response)) is not None:
            self._log(request, [obj])
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if (obj := self._object_view(response)) is not None:
            self._log(request, [obj])
        return response


@admin.register(AdvisoryPolicy)
class AdvisoryPolicyAdmin(ReadOnlyAdmin):  # HR edits it in the portal, which re-derives the spells
    list_display = ["organization", "contact_days", "day_counting", "retention_years"]


@admin.register(Employee)
class EmployeeAdmin(AccessLogged, admin.ModelAdmin):
    list_display = ["name", "employee_number", "organization", "unit", "leader"]
    list_filter = ["organization"]
    search_fields = ["name", "employee_number"]
    raw_id_fields = ["unit", "leader"]
    list_select_related = ["organization", "unit", "leader"]

    def employee_id_of(self, obj) -> int:
        return obj.pk

    def get_readonly_fields(self, request, obj=None):
        # An employee's absence history belongs to one organisation's follow-up: a move is a new
        # employee there.
        return ["organization"] if obj is not None else []


@admin.register(AbsenceRegistration)
class AbsenceRegistrationAdmin(AccessLogged, ReadOnlyAdmin):
    list_display = ["employee", "absence_type", "start_date", "end_date", "fraction"]
    list_filter = ["absence_type"]
    raw_id_fields = ["employee"]
    list_select_related = ["employee"]
    date_hierarchy = "start_date"


@admin.register(Spell)
class SpellAdmin(AccessLogged, ReadOnlyAdmin):
    list_display = ["employee", "start_date", "end_date"]
    raw_id_fields = ["employee"]
    list_select_related = ["employee"]


class AdvisoryEventInline(ReadOnly, admin.TabularInline):
    model = AdvisoryEvent
    extra = 0
    raw_id_fields = ["by"]


@admin.register(Advisory)
class AdvisoryAdmin(AccessLogged, ReadOnlyAdmin):
    list_display = ["employee", "kind", "day", "due_date", "status", "late"]
    list_filter = ["kind", "status", "late"]
    raw_id_fields = ["employee", "spell", "assigned_leader"]
    list_select_related = ["employee"]
    inlines = [AdvisoryEventInline]


@admin.register(EmployeeAccessLog)
class EmployeeAccessLogAdmin(AccessLogged, ReadOnlyAdmin):
    """The log is evidence: nobody adds, changes or deletes rows by hand (the retention job deletes old
    ones). Reading it is logged like reading it in the portal."""

    access_log_action = EmployeeAccessLog.Action.VIEW_LOG
    list_display = ["at", "who", "employee", "action", "via", "where"]
    list_filter = ["action", "via"]
    search_fields = ["employee__employee_number", "employee__name", "user__email", "user_label"]
    raw_id_fields = ["employee", "user"]
    list_select_related = ["employee", "user"]

    @admin.display(description=_("who"))
    def who(self, obj: EmployeeAccessLog) -> str:
        return obj.who


@admin.register(StatisticsSnapshot)
class StatisticsSnapshotAdmin(ReadOnlyAdmin):  # what the statistics showed before retention
    list_display = ["organization", "kind", "period", "created_at"]
    list_filter = ["kind", "organization"]
    date_hierarchy = "period"


@admin.register(HealthTerm)
class HealthTermAdmin(admin.ModelAdmin):
    """The words and codes notes may not contain (``apps.absence.health``): a SETTING kept here."""

    list_display = ["term", "language", "kind", "label", "active"]
    list_filter = ["language", "kind", "active"]
    list_editable = ["active"]
    search_fields = ["term"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Payroll import jobs, for support: how far each got and why one failed. The preview rows and row
    errors (employee numbers, dates) and the stored file are not shown here; the uploader sees them on
    the job's page in the portal."""

    list_display = ["filename", "organization", "kind", "status", "rows_total", "error_total", "created_at"]
    list_filter = ["status", "kind", "organization"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"
    fields = [
        "organization",
        "kind",
        "filename",
        "uploaded_by",
        "status",
        "rows_done",
        "rows_total",
        "counts",
        "error_total",
        "file_error",
        "created",
        "updated",
        "unchanged",
        "advisories",
        "failure",
        "attempts",
        "heartbeat_at",
        "created_at",
        "checked_at",
        "finished_at",
    ]
