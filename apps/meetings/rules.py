"""Who may do what with committees, meetings and minutes.

Committee objects report the whole organisation as their scope, so any role in the organisation
passes the scope test and the checks below decide by the user's seat in the committee.

- ``meetings.meeting.edit``: any seat. A member takes part: reads unpublished meetings, answers the
  discussion questions, proposes agenda items, updates working-group tasks.
- ``meetings.agenda.edit``: the organisers (chair, vice-chair, secretary). They plan meetings, edit,
  reorder and send the agenda, decide proposals, mark the meeting held, record attendance and minutes.
- ``meetings.minutes.approve``: chair and vice-chair.
- ``meetings.committee.settings``: chair and vice-chair (the quorum rule concerns both sides).
Administrators of the organisation pass every rule (apps.organizations.permissions).
"""

from __future__ import annotations

from apps.organizations.models import Role
from apps.organizations.permissions import ALL_ROLES, register

from .models import Committee, CommitteeMember, Meeting

MED_ROLES = {Role.MED, Role.HR, Role.ADMIN, Role.SAFETY_REP, Role.STEWARD, Role.LEADER}
CHAIR_ROLES = {CommitteeMember.MemberRole.CHAIR, CommitteeMember.MemberRole.VICE_CHAIR}
ORGANISER_ROLES = CHAIR_ROLES | {CommitteeMember.MemberRole.SECRETARY}


def _committee_of(obj) -> Committee:
    if isinstance(obj, Committee):
        return obj
    if isinstance(obj, Meeting):
        return obj.committee
    if hasattr(obj, "meeting"):
        return obj.meeting.committee
    if hasattr(obj, "item"):
        return obj.item.meeting.committee
    if hasattr(obj, "group"):  # a working group's task
        return obj.group.committee
    return obj.committee


def _seats(user) -> dict[int, set[str]]:
    """Committee id → the user's roles there (active seats only); loaded once per request."""
    cache = getattr(user, "_meetings_seats", None)
    if cache is None:
        cache = {}
        for committee_id, role in CommitteeMember.objects.filter(user=user, active=True).values_list(
            "committee_id", "role"
        ):
            cache.setdefault(committee_id, set()).add(role)
        user._meetings_seats = cache
    return cache


def seat_roles(user, committee: Committee) -> set[str]:
    """The roles the user holds in the committee; empty when not an active member."""
    return _seats(user).get(committee.pk, set())


def _is_seated(user, obj, membership) -> bool:
    return bool(seat_roles(user, _committee_of(obj)))


def _is_chair(user, obj, membership) -> bool:
    return bool(seat_roles(user, _committee_of(obj)) & CHAIR_ROLES)


def _is_organiser(user, obj, membership) -> bool:
    return bool(seat_roles(user, _committee_of(obj)) & ORGANISER_ROLES)


def _may_read_meeting(user, obj, membership) -> bool:
    meeting = obj if isinstance(obj, Meeting) else obj.item.meeting
    return meeting.is_published or _is_seated(user, meeting, membership)


def _sits_in_hu_or_hr(user, obj, membership) -> bool:
    if membership.role == Role.HR:
        return True
    hu_ids = set(
        Committee.objects.filter(
            organization_id=membership.organization_id, kind=Committee.Kind.HU, active=True
        ).values_list("pk", flat=True)
    )
    return bool(hu_ids & _seats(user).keys())


register("meetings.view", roles=MED_ROLES, any_scope=True)
register("meetings.meeting.view", roles=ALL_ROLES, any_scope=True, check=_may_read_meeting)
register("meetings.meeting.edit", roles=ALL_ROLES, any_scope=True, check=_is_seated)
register("meetings.minutes.approve", roles=ALL_ROLES, any_scope=True, check=_is_chair)
register("meetings.agenda.edit", roles=ALL_ROLES, any_scope=True, check=_is_organiser)
register("meetings.committee.settings", roles=ALL_ROLES, any_scope=True, check=_is_chair)
register("meetings.guide.overview", roles=ALL_ROLES, any_scope=True, check=_sits_in_hu_or_hr)


# Who leads a meeting in the room: sets the current item, keeps the speakers' list, records votes.
RUN_ROLES = {CommitteeMember.MemberRole.CHAIR, CommitteeMember.MemberRole.VICE_CHAIR}


def may_run_meeting(user, committee: Committee) -> bool:
    """The one rule for "may run the meeting"; extend RUN_ROLES (or this function) for more seats."""
    return bool(seat_roles(user, committee) & RUN_ROLES)


def _may_run(user, obj, membership) -> bool:
    return may_run_meeting(user, _committee_of(obj))


# The live view and the speakers' list are for the committee's own members (an admin passes any rule).
register("meetings.meeting.live", roles=ALL_ROLES, any_scope=True, check=_is_seated)
register("meetings.meeting.run", roles=ALL_ROLES, any_scope=True, check=_may_run)
