"""Reads of committees, meetings and minutes used by several callers."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.organizations.models import Organization, User

from .models import Committee, CommitteeMember


def hu_chairs(organization: Organization) -> dict[str, User | None]:
    """The chair and vice-chair of the organisation's active main committee (HU), or None each."""
    result: dict[str, User | None] = {"chair": None, "vice_chair": None}
    members = CommitteeMember.objects.filter(
        committee__organization=organization,
        committee__kind=Committee.Kind.HU,
        committee__active=True,
        active=True,
        role__in=[CommitteeMember.MemberRole.CHAIR, CommitteeMember.MemberRole.VICE_CHAIR],
    ).select_related("user")
    for member in members:
        result[member.role] = member.user
    return result


def committees_for(user: User, organization: Organization) -> QuerySet[Committee]:
    """The active committees of the organisation in which the user is an active member."""
    return (
        Committee.objects.filter(
            organization=organization,
            active=True,
            members__user=user,
            members__active=True,
        )
        .select_related("unit", "parent")
        .distinct()
        .order_by("kind", "name")
    )
