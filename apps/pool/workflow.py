"""The application's state machine: every move names the step it leaves, the step it reaches and the
roles that own it (DOMAIN.md 3.4).

- The project group drafts: it starts drafting and hands the draft to the executive board (HR and the
  administration may do it for them).
- The executive board ("direktionen") has no portal account of its own: HR or an administrator records
  its decision on its behalf, either sending the proposal on to qualification or back to drafting.
- The management group and the HU qualify: HR (for the management group) or the HU chair or vice-chair
  (for the HU) can send the proposal back to drafting; the HU chair and vice-chair sign it, each for
  their own role, and the second signature makes the application "signed".
- HR or an administrator submits the signed application on the municipality's behalf.

Nobody else moves an application, whatever their other rights (an administrator cannot sign).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Role
from apps.organizations.permissions import roles_in

from .models import PoolApplication, Step


class Owner(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    HR = "hr", _("HR")
    PROJECT_GROUP = "project_group", _("Project group")
    HU_CHAIR = "hu_chair", _("HU chair")
    HU_VICE_CHAIR = "hu_vice_chair", _("HU vice-chair")


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    owners: frozenset[str]
    label: str | Promise


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "start_drafting",
        Step.IDEA,
        Step.DRAFTING,
        frozenset({Owner.ADMIN, Owner.HR, Owner.PROJECT_GROUP}),
        _("Start drafting"),
    ),
    Transition(
        "to_decision",
        Step.DRAFTING,
        Step.DECISION,
        frozenset({Owner.ADMIN, Owner.HR, Owner.PROJECT_GROUP}),
        _("Hand the draft to the executive board"),
    ),
    Transition(
        "board_approves",
        Step.DECISION,
        Step.QUALIFICATION,
        frozenset({Owner.ADMIN, Owner.HR}),
        _("Record the executive board's approval of theme and idea"),
    ),
    Transition(
        "board_returns",
        Step.DECISION,
        Step.DRAFTING,
        frozenset({Owner.ADMIN, Owner.HR}),
        _("Record that the executive board sent the draft back"),
    ),
    Transition(
        "qualification_returns",
        Step.QUALIFICATION,
        Step.DRAFTING,
        frozenset({Owner.ADMIN, Owner.HR, Owner.HU_CHAIR, Owner.HU_VICE_CHAIR}),
        _("Send the proposal back to the project group"),
    ),
    Transition(
        "sign_chair",
        Step.QUALIFICATION,
        Step.SIGNED,
        frozenset({Owner.HU_CHAIR}),
        _("Sign as HU chair"),
    ),
    Transition(
        "sign_vice_chair",
        Step.QUALIFICATION,
        Step.SIGNED,
        frozenset({Owner.HU_VICE_CHAIR}),
        _("Sign as HU vice-chair"),
    ),
    Transition(
        "submit",
        Step.SIGNED,
        Step.SUBMITTED,
        frozenset({Owner.ADMIN, Owner.HR}),
        _("Submit the application"),
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}
# The moves made with the generic "move to" form; signing and submitting have their own pages.
MANUAL = tuple(t for t in TRANSITIONS if not t.name.startswith("sign_") and t.name != "submit")


def manual_transition(source: str, target: str) -> Transition | None:
    return next((t for t in MANUAL if t.source == source and t.target == target), None)


def owners_of(user, application: PoolApplication, officers: dict) -> set[str]:
    """The roles in the workflow that ``user`` holds for ``application``."""
    if not user.is_authenticated:
        return set()
    roles = roles_in(user, application.organization_id)
    owners: set[str] = set()
    if Role.ADMIN in roles:
        owners.add(Owner.ADMIN)
    if Role.HR in roles:
        owners.add(Owner.HR)
    if roles and any(member.pk == user.pk for member in application.project_group.all()):
        owners.add(Owner.PROJECT_GROUP)
    if roles and officers.get("chair") is not None and officers["chair"].pk == user.pk:
        owners.add(Owner.HU_CHAIR)
    if roles and officers.get("vice_chair") is not None and officers["vice_chair"].pk == user.pk:
        owners.add(Owner.HU_VICE_CHAIR)
    return owners


def may(user, application: PoolApplication, transition: Transition, officers: dict) -> bool:
    """May ``user`` make ``transition`` (whatever step the application is in now)?"""
    return bool(owners_of(user, application, officers) & transition.owners)


def available(user, application: PoolApplication, officers: dict) -> list[Transition]:
    """The moves out of the application's current step that ``user`` owns."""
    owners = owners_of(user, application, officers)
    return [t for t in TRANSITIONS if t.source == application.status and owners & t.owners]
