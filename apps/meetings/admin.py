from django.contrib import admin

from apps.core.admin import ReadOnly, ReadOnlyAdmin

from .models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    Course,
    CourseDay,
    DialogueStep,
    DiscussionGuide,
    DiscussionQuestion,
    DiscussionTheme,
    ItemProposal,
    Meeting,
    Milestone,
    MinutesRevision,
    MinutesRevisionApproval,
    ScreenLink,
    Vote,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupTask,
)


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "unit", "active"]
    list_filter = ["kind", "active", "organization"]
    search_fields = ["name"]
    list_select_related = ["organization", "unit"]
    raw_id_fields = ["unit", "parent"]
    inlines = [CommitteeMemberInline]


def _locked(meeting: Meeting | None) -> bool:
    return meeting is not None and meeting.minutes_locked


class LockedWhenApproved:
    """Approved minutes are a record: the admin shows a locked meeting and its items read-only, as the
    portal does (a correction goes through the chair's and the vice-chair's approval there)."""

    def _meeting(self, obj) -> Meeting | None:
        return obj if isinstance(obj, Meeting) or obj is None else obj.meeting

    def get_readonly_fields(self, request, obj=None):
        if _locked(self._meeting(obj)):
            return [field.name for field in self.model._meta.fields]  # type: ignore[attr-defined]
        return super().get_readonly_fields(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _locked(self._meeting(obj)) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class AgendaItemInline(LockedWhenApproved, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "kind", "duration_minutes", "presenter", "outcome", "closing"]

    def has_add_permission(self, request, obj=None) -> bool:
        return not _locked(obj) and super().has_add_permission(request, obj)


@admin.register(Meeting)
class MeetingAdmin(LockedWhenApproved, admin.ModelAdmin):
    list_display = ["__str__", "committee", "date", "start_time", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "committee__name"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline]


class DialogueStepInline(admin.TabularInline):
    model = DialogueStep
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(LockedWhenApproved, admin.ModelAdmin):
    list_display = ["title", "meeting", "kind", "duration_minutes", "outcome"]
    list_select_related = ["meeting__committee"]
    raw_id_fields = ["meeting"]
    search_fields = ["title"]
    inlines = [DialogueStepInline]


class MinutesRevisionApprovalInline(ReadOnly, admin.TabularInline):
    model = MinutesRevisionApproval
    extra = 0


@admin.register(MinutesRevision)
class MinutesRevisionAdmin(ReadOnlyAdmin):
    """Read-only: a correction of approved minutes is a record, never edited or deleted (every proposal
    stays on record, and one in force explains the minutes' text)."""

    list_display = ["item", "author", "created_at", "reason", "applied_at", "rejected_at"]
    list_select_related = ["item", "author"]
    inlines = [MinutesRevisionApprovalInline]


class DiscussionQuestionInline(admin.TabularInline):
    model = DiscussionQuestion
    extra = 0


@admin.register(DiscussionTheme)
class DiscussionThemeAdmin(admin.ModelAdmin):
    list_display = ["title", "guide", "position"]
    inlines = [DiscussionQuestionInline]


@admin.register(DiscussionGuide)
class DiscussionGuideAdmin(admin.ModelAdmin):
    list_display = ["title", "organization"]


class WorkingGroupMemberInline(admin.TabularInline):
    model = WorkingGroupMember
    extra = 0
    raw_id_fields = ["user"]


class WorkingGroupTaskInline(admin.TabularInline):
    model = WorkingGroupTask
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "parent"]
    list_select_related = ["committee", "parent"]
    raw_id_fields = ["committee", "parent"]
    inlines = [WorkingGroupMemberInline, WorkingGroupTaskInline, MilestoneInline]


class CourseDayInline(admin.TabularInline):
    model = CourseDay
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "classes", "capacity_per_class"]
    inlines = [CourseDayInline]


@admin.register(ItemProposal)
class ItemProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "proposed_by", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "meeting__committee__name"]
    list_select_related = ["meeting__committee", "proposed_by"]
    raw_id_fields = ["meeting", "proposed_by", "decided_by", "item"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Votes are recorded in the meeting room; the admin shows them and leaves the counts alone."""

    list_display = ["text", "item", "rule", "carried", "recorded_at"]
    list_filter = ["rule", "carried"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]
    readonly_fields = [
        "management_for",
        "management_against",
        "management_abstain",
        "employee_for",
        "employee_against",
        "employee_abstain",
        "carried",
        "recorded_at",
    ]


@admin.register(ScreenLink)
class ScreenLinkAdmin(admin.ModelAdmin):
    list_display = ["meeting", "created_by", "created_at", "revoked_at"]
    list_select_related = ["meeting", "created_by"]
    raw_id_fields = ["meeting", "created_by"]
    readonly_fields = ["token", "created_at"]
