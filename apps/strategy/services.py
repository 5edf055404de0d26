"""Every write to the strategy goes through here (typed, keyword-only, one transaction each)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Model, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from apps.core.dates import absurd_year_message, is_absurd_year
from apps.core.mail import portal_url, send_templated_email
from apps.core.ordering import move_row
from apps.organizations.models import Organization, User

from . import selectors
from .models import (
    FocusArea,
    Goal,
    Initiative,
    InitiativeComment,
    InitiativeUpdate,
    PlanLink,
    StrategyPlan,
)
from .selectors import progress_cache_invalidate, stale_initiatives

logger = logging.getLogger(__name__)

# A member may write this many comments within COMMENT_WINDOW (all initiatives together); more is
# refused with a message, the text stays in the form.
COMMENT_LIMIT = 5
COMMENT_WINDOW = timedelta(hours=1)

GOAL_FIELDS = (
    "text",
    "indicator_unit",
    "indicator_baseline",
    "indicator_target",
    "indicator_current",
    "indicator_target_date",
)
INITIATIVE_FIELDS = (
    "text",
    "goal",
    "implements",
    "level",
    "responsible_unit",
    "responsible_person",
    "status",
    "progress",
    "weight",
    "start_date",
    "due_date",
)
FOCUS_AREA_FIELDS = ("title", "focus", "narrative")


class StaleEditError(Exception):
    """Somebody saved the item after the editor loaded it; ``current`` is the item as saved now."""

    def __init__(self, current: Model) -> None:
        super().__init__("stale edit")
        self.current = current


def _locked(model: type[Model], pk: int, expected_version: int) -> Any:
    obj: Any = model._default_manager.select_for_update().get(pk=pk)  # a model with a version field
    if obj.version != expected_version:
        raise StaleEditError(obj)
    return obj


def _next_position(queryset: QuerySet) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def _settle_progress(initiative: Initiative, progress_before: int, changed: list[str] | None = None) -> None:
    """A done initiative is 100 % done: its progress follows the status (and joins ``changed``, the
    fields to save), unless the editor set progress to something lower in the same change; that
    contradiction is refused."""
    if initiative.status != Initiative.Status.DONE or initiative.progress == 100:
        return
    if initiative.progress != progress_before:
        raise ValidationError(
            {
                "progress": _(
                    "A done initiative has a progress of %(full)s. Set the progress to %(full)s "
                    "or choose another status."
                )
                % {"full": "100 %"}
            }
        )
    initiative.progress = 100
    if changed is not None and "progress" not in changed:
        changed.append("progress")


def _apply(obj: Model, fields: tuple[str, ...], data: dict[str, Any]) -> list[str]:
    changed = [name for name in fields if name in data]
    for name in changed:
        setattr(obj, name, data[name])
    return changed


def _check_period(start_year: int, end_year: int) -> None:
    errors = {
        name: absurd_year_message()
        for name, year in (("start_year", start_year), ("end_year", end_year))
        if is_absurd_year(year)
    }
    if errors:
        raise ValidationError(errors)
    if end_year < start_year:
        raise ValidationError({"end_year": _("The last year cannot be before the first year.")})


def overlap_message(other: StrategyPlan) -> str:
    return _(
        "The organisation already has a current plan for these years: “%(title)s” (%(start)s–%(end)s). "
        "Choose years after it, or archive that plan first."
    ) % {"title": other.title, "start": other.start_year, "end": other.end_year}


def _check_one_current_plan(
    organization: Organization, start_year: int, end_year: int, exclude_pk: int | None = None
) -> None:
    # The database refuses the overlap too (migration 0003); this says which plan is in the way.
    other = selectors.overlapping_plan(
        organization=organization, start_year=start_year, end_year=end_year, exclude_pk=exclude_pk
    )
    if other is not None:
        raise ValidationError({"start_year": overlap_message(other)})


def ensure_not_archived(plan: StrategyPlan) -> None:
    if plan.archived:
        raise ValidationError(_("The plan is archived and read-only. Unarchive it to change it."))


@transaction.atomic
def plan_create(
    *, organization: Organization, title: str, start_year: int, end_year: int, introduction: str = ""
) -> StrategyPlan:
    _check_period(start_year, end_year)
    _check_one_current_plan(organization, start_year, end_year)
    return StrategyPlan.objects.create(
        organization=organization,
        title=title,
        start_year=start_year,
        end_year=end_year,
        introduction=introduction,
    )


@transaction.atomic
def plan_update(*, plan: StrategyPlan, title: str, start_year: int, end_year: int, introduction: str) -> None:
    ensure_not_archived(plan)
    _check_period(start_year, end_year)
    _check_one_current_plan(plan.organization, start_year, end_year, exclude_pk=plan.pk)
    plan.title, plan.start_year, plan.end_year, plan.introduction = title, start_year, end_year, introduction
    plan.save(update_fields=["title", "start_year", "end_year", "introduction"])


@transaction.atomic
def plan_archive(*, plan: StrategyPlan) -> StrategyPlan:
    """Take the plan out of the lists and choices and make it read-only; it stays readable."""
    plan = StrategyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.archived_at is None:
        plan.archived_at = timezone.now()
        plan.save(update_fields=["archived_at"])
    return plan


@transaction.atomic
def plan_unarchive(*, plan: StrategyPlan) -> StrategyPlan:
    plan = StrategyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.archived_at is not None:
        other = selectors.overlapping_plan(
            organization=plan.organization,
            start_year=plan.start_year,
            end_year=plan.end_year,
            exclude_pk=plan.pk,
        )
        if other is not None:
            raise ValidationError(
                _(
                    "The plan cannot be unarchived: “%(title)s” (%(start)s–%(end)s) is the current plan "
                    "for some of its years. Archive that plan first."
                )
                % {"title": other.title, "start": other.start_year, "end": other.end_year}
            )
        plan.archived_at = None
        plan.save(update_fields=["archived_at"])
    return plan


@transaction.atomic
def focus_area_add(*, plan: StrategyPlan, title: str, focus: str = "", narrative: str = "") -> FocusArea:
    return FocusArea.objects.create(
        plan=plan,
        title=title,
        focus=focus,
        narrative=narrative,
        position=_next_position(plan.focus_areas.all()),
    )


@transaction.atomic
def focus_area_update(*, focus_area: FocusArea, expected_version: int, data: dict[str, Any]) -> FocusArea:
    current = _locked(FocusArea, focus_area.pk, expected_version)
    changed = _apply(current, FOCUS_AREA_FIELDS, data)
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    return current


@transaction.atomic
def goal_add(*, focus_area: FocusArea, data: dict[str, Any]) -> Goal:
    goal = Goal(focus_area=focus_area, position=_next_position(focus_area.goals.all()))
    _apply(goal, GOAL_FIELDS, data)
    goal.save()
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, expected_version: int, data: dict[str, Any]) -> Goal:
    current = _locked(Goal, goal.pk, expected_version)
    changed = _apply(current, GOAL_FIELDS, data)
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    return current


@transaction.atomic
def initiative_add(*, focus_area: FocusArea, data: dict[str, Any]) -> Initiative:
    initiative = Initiative(focus_area=focus_area, position=_next_position(focus_area.initiatives.all()))
    progress_before = initiative.progress
    _apply(initiative, INITIATIVE_FIELDS, data)
    _settle_progress(initiative, progress_before)
    initiative.save()
    return initiative


@transaction.atomic
def initiative_edit(*, initiative: Initiative, expected_version: int, data: dict[str, Any]) -> Initiative:
    """Change the initiative's fields (the edit form, or status and progress set in place); a progress
    update with a note is ``initiative_update_post``."""
    current = _locked(Initiative, initiative.pk, expected_version)
    progress_before = current.progress
    changed = _apply(current, INITIATIVE_FIELDS, data)
    _settle_progress(current, progress_before, changed)
    current.version += 1
    current.save(update_fields=[*changed, "version", "updated_at"])
    return current


def _check_update_date(initiative: Initiative, on: date, *, sets_state: bool) -> None:
    """An update tells what has happened, within the plan's years; and the initiative's status and
    progress are those of its latest-dated update, so an update dated before one that set them cannot
    set them again (a new user's finding: an update dated 1990 overwrote the progress of one of 2026)."""
    today = timezone.localdate()
    if on > today:
        raise ValidationError({"on": _("An update tells what has happened: its date cannot be after today.")})
    first_year = initiative.focus_area.plan.start_year
    if on.year < first_year:
        raise ValidationError(
            {"on": _("The date is before the plan's first year (%(year)s).") % {"year": first_year}}
        )
    if not sets_state:
        return
    newer = (
        InitiativeUpdate.objects.filter(initiative=initiative, date__gt=on)
        .filter(~Q(status_after=F("status_before")) | Q(progress__isnull=False))
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if newer is not None:
        raise ValidationError(
            {
                "on": _(
                    "A later update (%(date)s) set the status or progress, and they stay as it set them. "
                    "Date this update %(date)s or later, or leave status and progress unchanged."
                )
                % {"date": formats.date_format(newer, "SHORT_DATE_FORMAT")}
            }
        )


@transaction.atomic
def initiative_update_post(
    *,
    initiative: Initiative,
    expected_version: int,
    author,
    text: str,
    on: date,
    status: str = "",
    progress: int | None = None,
) -> InitiativeUpdate:
    """Records a dated note; a status or progress given with it is applied to the initiative.

    Only a note that changes status or progress is checked against ``expected_version``: a plain
    note cannot overwrite anybody's edit.
    """
    current = Initiative.objects.select_for_update().select_related("focus_area__plan").get(pk=initiative.pk)
    changes_something = (status and status != current.status) or (
        progress is not None and progress != current.progress
    )
    if changes_something and current.version != expected_version:
        raise StaleEditError(current)
    _check_update_date(current, on, sets_state=bool(changes_something))
    status_before, progress_before = current.status, current.progress
    changed = []
    if status and status != current.status:
        current.status = status
        changed.append("status")
    if progress is not None and progress != current.progress:
        current.progress = progress
        changed.append("progress")
    if changed:
        _settle_progress(current, progress_before, changed)
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
    return InitiativeUpdate.objects.create(
        initiative=current,
        date=on,
        author=author,
        text=text,
        status_before=status_before,
        status_after=current.status,
        progress=current.progress if "progress" in changed else progress,
    )


@transaction.atomic
def deletion_blockers(obj: FocusArea | Goal | Initiative) -> list[str]:
    """Why a focus area, goal or initiative cannot be deleted: what refers to it, and would lose its
    link or its record. Empty when it can (an entry made by mistake, nothing built on it yet)."""
    reasons: list[str] = []
    if isinstance(obj, Initiative):
        if obj.updates.exists():
            reasons.append(_("it has progress updates"))
        if obj.club_meetings.exists():
            reasons.append(_("club meetings are linked to it"))
        if obj.implementations.exists():
            reasons.append(_("local initiatives carry it out"))
        if obj.comments.exists():
            reasons.append(_("it has comments"))
    elif isinstance(obj, Goal):
        if obj.initiatives.exists():
            reasons.append(_("initiatives are linked to it"))
    else:
        if obj.goals.exists():
            reasons.append(_("it has goals"))
        if obj.initiatives.exists():
            reasons.append(_("it has initiatives"))
    return reasons


@transaction.atomic
def strategy_item_delete(*, obj: FocusArea | Goal | Initiative) -> None:
    """Delete a focus area, goal or initiative that nothing refers to (``deletion_blockers``): one made
    by mistake. The change history keeps a record of it. Anything else is refused: an initiative is set
    to Dropped instead and stays on record."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    ensure_not_archived(obj.plan if isinstance(obj, FocusArea) else obj.focus_area.plan)
    reasons = deletion_blockers(obj)
    if reasons:
        raise ValidationError(_("It cannot be deleted: %(reasons)s.") % {"reasons": ", ".join(reasons)})
    obj.delete()


def focus_area_move(*, focus_area: FocusArea, direction: str) -> None:
    progress_cache_invalidate(focus_area.plan_id)
    move_row(FocusArea.objects.filter(plan_id=focus_area.plan_id), focus_area, direction)


@transaction.atomic
def goal_move(*, goal: Goal, direction: str) -> None:
    progress_cache_invalidate(goal.focus_area.plan_id)
    move_row(Goal.objects.filter(focus_area_id=goal.focus_area_id), goal, direction)


@transaction.atomic
def initiative_move(*, initiative: Initiative, direction: str) -> None:
    # Initiatives are listed grouped by goal, so they move among the initiatives of the same goal.
    siblings = Initiative.objects.filter(focus_area_id=initiative.focus_area_id)
    if initiative.goal_id is None:
        siblings = siblings.filter(goal__isnull=True)
    else:
        siblings = siblings.filter(goal_id=initiative.goal_id)
    progress_cache_invalidate(initiative.focus_area.plan_id)
    move_row(siblings, initiative, direction)


@transaction.atomic
def plan_copy(
    *,
    source: StrategyPlan,
    title: str,
    start_year: int,
    end_year: int,
    carry_goals: bool = True,
    carry_indicator_baselines: bool = True,
    carry_initiatives: bool = True,
    carry_links: bool = True,
    organization: Organization | None = None,
) -> StrategyPlan:
    """A new plan for another period with the same focus areas and what the board chose to carry over.

    Only initiatives that are not done (nor dropped) move on, as a new start: planned, 0 % and without
    dates or updates (the updates stay with the old plan). With ``carry_indicator_baselines`` an
    indicator's current value becomes the new baseline (its target is kept unless that would make it
    equal to the new baseline).
    An archived plan can be copied: the copy is a new, active plan.
    """
    _check_period(start_year, end_year)
    organization = organization or source.organization
    _check_one_current_plan(organization, start_year, end_year)
    plan = StrategyPlan.objects.create(
        organization=organization,
        title=title,
        start_year=start_year,
        end_year=end_year,
        introduction=source.introduction,
    )
    areas = list(source.focus_areas.order_by("position", "pk"))
    new_areas = FocusArea.objects.bulk_create(
        [
            FocusArea(plan=plan, position=a.position, title=a.title, focus=a.focus, narrative=a.narrative)
            for a in areas
        ]
    )
    area_map = {old.pk: new for old, new in zip(areas, new_areas, strict=True)}
    goal_map: dict[int, Goal] = {}
    if carry_goals:
        goals = list(Goal.objects.filter(focus_area__plan=source).order_by("focus_area", "position", "pk"))
        copies = []
        for g in goals:
            baseline, current = g.indicator_baseline, g.indicator_current
            if carry_indicator_baselines and g.indicator_current is not None:
                baseline, current = g.indicator_current, None
            target = g.indicator_target
            if target is not None and baseline is not None and Decimal(target) == Decimal(baseline):
                target = None
            copies.append(
                Goal(
                    focus_area=area_map[g.focus_area_id],
                    position=g.position,
                    text=g.text,
                    indicator_unit=g.indicator_unit,
                    indicator_baseline=baseline,
                    indicator_target=target,
                    indicator_current=current,
                    indicator_target_date=None,
                )
            )
        goal_map = {old.pk: new for old, new in zip(goals, Goal.objects.bulk_create(copies), strict=True)}
    if carry_initiatives:
        initiatives = list(
            Initiative.objects.filter(focus_area__plan=source)
            .exclude(status__in=[Initiative.Status.DONE, Initiative.Status.DROPPED])
            .order_by("focus_area", "position", "pk")
        )
        initiative_copies = [
            Initiative(
                focus_area=area_map[i.focus_area_id],
                goal=goal_map.get(i.goal_id) if i.goal_id else None,
                position=i.position,
                text=i.text,
                level=i.level,
                responsible_unit_id=i.responsible_unit_id
                if plan.organization_id == source.organization_id
                else None,
                responsible_person_id=(
                    i.responsible_person_id if plan.organization_id == source.organization_id else None
                ),
                status=Initiative.Status.PLANNED,
                progress=0,
                weight=i.weight,
            )
            for i in initiatives
        ]
        new_initiatives = Initiative.objects.bulk_create(initiative_copies)
        if carry_links:
            initiative_map = {old.pk: new for old, new in zip(initiatives, new_initiatives, strict=True)}
            linked = []
            for old, new in zip(initiatives, new_initiatives, strict=True):
                if old.implements_id in initiative_map:
                    new.implements = initiative_map[old.implements_id]
                    linked.append(new)
            Initiative.objects.bulk_update(linked, ["implements"])
    return plan


# --- the progress page: publishing, public links, members' comments ------------------------------


def _valid_link(plan: StrategyPlan) -> PlanLink | None:
    return plan.links.filter(revoked_at__isnull=True).order_by("-created_at").first()


@transaction.atomic
def plan_set_publishing(
    *, plan: StrategyPlan, visibility: str, stale_after_weeks: int | None, user: User
) -> StrategyPlan:
    """Who sees the progress page, and the reminder setting. Publishing by public link makes a link
    when the plan has none that works."""
    if visibility not in StrategyPlan.Visibility.values:
        raise ValidationError({"visibility": _("Choose who can see the progress page.")})
    if stale_after_weeks is not None and not 1 <= stale_after_weeks <= 52:
        raise ValidationError(
            {"stale_after_weeks": _("Choose a number of weeks from 1 to 52, or leave it empty.")}
        )
    plan = StrategyPlan.objects.select_for_update().get(pk=plan.pk)
    plan.visibility, plan.stale_after_weeks = visibility, stale_after_weeks
    plan.save(update_fields=["visibility", "stale_after_weeks"])
    if visibility == StrategyPlan.Visibility.PUBLIC and _valid_link(plan) is None:
        PlanLink.objects.create(plan=plan, created_by=user)
    return plan


@transaction.atomic
def plan_link_create(*, plan: StrategyPlan, user: User) -> PlanLink:
    """A new public link; the links made before stop working (a link once passed on cannot be taken
    back, so a new one replaces it)."""
    # The lock makes two clicks at once end with one working link.
    plan = StrategyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.visibility != StrategyPlan.Visibility.PUBLIC:
        raise ValidationError(_("Publish the plan by public link first."))
    plan.links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return PlanLink.objects.create(plan=plan, created_by=user)


@transaction.atomic
def plan_link_revoke(*, link: PlanLink) -> PlanLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def may_comment_on(plan: StrategyPlan) -> bool:
    return plan.visibility != StrategyPlan.Visibility.UNPUBLISHED and not plan.archived


@transaction.atomic
def initiative_comment_post(*, initiative: Initiative, author: User, text: str) -> InitiativeComment:
    """A member's comment or question; members see it once the board approves it."""
    plan = initiative.focus_area.plan
    if not may_comment_on(plan):
        raise ValidationError(_("Comments are closed: the plan's progress page is not open to members."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a comment or a question.")})
    if len(text) > InitiativeComment.MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("A comment can be at most %(limit)d characters.")
                % {"limit": InitiativeComment.MAX_LENGTH}
            }
        )
    # Serialises one author's comments, so two at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=author.pk).first()
    recent = InitiativeComment.objects.filter(
        author=author, created_at__gte=timezone.now() - COMMENT_WINDOW
    ).count()
    if recent >= COMMENT_LIMIT:
        raise ValidationError(
            _(
                "You have written %(count)d comments within the last hour. Wait a while and send this "
                "one again; your text is still in the form."
            )
            % {"count": recent}
        )
    return InitiativeComment.objects.create(initiative=initiative, author=author, text=text)


@transaction.atomic
def initiative_comment_moderate(
    *, comment: InitiativeComment, approve: bool, user: User
) -> InitiativeComment:
    """Approve (members see it) or hide (nobody but the board sees it again). The first approval tells
    the initiative's responsible person."""
    comment = InitiativeComment.objects.select_for_update().get(pk=comment.pk)
    comment.status = InitiativeComment.Status.APPROVED if approve else InitiativeComment.Status.HIDDEN
    comment.moderated_by, comment.moderated_at = user, timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    progress_cache_invalidate(comment.initiative.focus_area.plan_id)
    if approve and comment.notified_at is None:
        comment_id = comment.pk
        transaction.on_commit(lambda: _enqueue_comment_notice(comment_id))
    return comment


def _enqueue_comment_notice(comment_id: int) -> None:
    from .tasks import send_comment_notice_task

    try:
        send_comment_notice_task.delay(comment_id)
    except (OperationalError, OSError) as error:
        # The approval stands; the daily job sends the notices that are still missing.
        logger.warning("comment notice %s could not be queued: %s", comment_id, error)


def missed_comment_notices_send(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Notices for approved comments the broker lost (it was down when the board approved them)."""
    missed = InitiativeComment.objects.filter(
        status=InitiativeComment.Status.APPROVED,
        notified_at__isnull=True,
        moderated_at__lt=timezone.now() - older_than,
        initiative__responsible_person__isnull=False,
    ).values_list("pk", flat=True)
    return sum(initiative_comment_notice_send(comment_id=pk) for pk in missed)


def _update_url(initiative: Initiative, organization: Organization) -> str:
    return portal_url(
        reverse("strategy:initiative_detail", args=[organization.slug, initiative.pk]) + "#update-form"
    )


def _mail(user: User, organization: Organization, template: str, context: dict) -> None:
    send_templated_email(
        user=user,
        template=f"strategy/email/{template}",
        context=context,
        fallback_language=organization.language,
    )


def initiative_comment_notice_send(*, comment_id: int) -> bool:
    """Email the initiative's responsible person that a member's comment was published; once per
    comment, and only while it is approved. False when there is nobody or nothing to tell."""
    comment = (
        InitiativeComment.objects.select_related(
            "initiative__focus_area__plan__organization", "initiative__responsible_person"
        )
        .filter(pk=comment_id, status=InitiativeComment.Status.APPROVED, notified_at__isnull=True)
        .first()
    )
    if comment is None:
        return False
    owner = comment.initiative.responsible_person
    if owner is None or not owner.is_active or owner.pk == comment.author_id:
        return False
    # The claim: a second run (or a second worker) finds it set and sends nothing.
    claimed = InitiativeComment.objects.filter(pk=comment.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    initiative = comment.initiative
    _mail(
        owner,
        initiative.focus_area.plan.organization,
        "comment_published",
        {
            "comment": comment,
            "initiative": initiative,
            "plan": initiative.focus_area.plan,
            "url": portal_url(
                reverse(
                    "strategy:progress_initiative",
                    args=[initiative.focus_area.plan.organization.slug, initiative.pk],
                )
                + "#comments"
            ),
            "update_url": _update_url(initiative, initiative.focus_area.plan.organization),
        },
    )
    return True


def stale_reminders_send(*, today: date | None = None) -> int:
    """The daily job: email each responsible person about their open initiatives without an update for
    the plan's number of weeks. An initiative is claimed (``reminded_at``) before the email, so running
    twice, or twice at once, sends once; it comes up again only after as many weeks more. Returns the
    number of emails."""
    today = today or timezone.localdate()
    now = timezone.now()
    plans = StrategyPlan.objects.filter(
        archived_at__isnull=True, stale_after_weeks__isnull=False
    ).select_related("organization")
    sent = 0
    for plan in plans:
        assert plan.stale_after_weeks is not None  # stale_after_weeks__isnull=False
        remind_again_before = now - timedelta(weeks=plan.stale_after_weeks)
        due: dict[int, list[Initiative]] = defaultdict(list)
        owners: dict[int, User] = {}
        # One run at a time claims a plan's initiatives (the plan's row is the lock): two runs at once
        # would otherwise each claim some of one owner's initiatives and both send a reminder.
        with transaction.atomic():
            list(StrategyPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True))
            for initiative in stale_initiatives(plan, today).filter(
                responsible_person__isnull=False, responsible_person__is_active=True
            ):
                claimed = Initiative.objects.filter(
                    Q(reminded_at__isnull=True) | Q(reminded_at__lt=remind_again_before), pk=initiative.pk
                ).update(reminded_at=now)
                owner = initiative.responsible_person
                assert owner is not None  # responsible_person__isnull=False
                if claimed:
                    due[owner.pk].append(initiative)
                    owners[owner.pk] = owner
        for owner_id, initiatives in due.items():
            _mail(
                owners[owner_id],
                plan.organization,
                "stale_reminder",
                {
                    "plan": plan,
                    "weeks": plan.stale_after_weeks,
                    "initiatives": [(i, _update_url(i, plan.organization)) for i in initiatives],
                },
            )
            sent += 1
    return sent
