"""Reads: plan overview figures, filtered initiative lists, cascade roll-ups and change history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypedDict
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Max, Model, Q, QuerySet, Sum
from django.db.models import Field as ModelField
from django.utils import timezone
from django.utils.formats import localize

from apps.organizations.models import Organization, OrgUnit, User

from .models import FocusArea, Goal, Initiative, InitiativeComment, InitiativeUpdate, StrategyPlan

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

STATUSES = Initiative.Status


def overlapping_plan(
    *, organization: Organization, start_year: int, end_year: int, exclude_pk: int | None = None
) -> StrategyPlan | None:
    """The organisation's current (not archived) plan that shares a year with the period, if any."""
    plans = StrategyPlan.objects.filter(
        organization=organization,
        archived_at__isnull=True,
        start_year__lte=end_year,
        end_year__gte=start_year,
    )
    if exclude_pk is not None:
        plans = plans.exclude(pk=exclude_pk)
    return plans.order_by("start_year").first()


def initiatives_of_plan(plan: StrategyPlan) -> QuerySet[Initiative]:
    return Initiative.objects.filter(focus_area__plan=plan).select_related(
        "focus_area", "goal", "responsible_unit", "responsible_person", "implements"
    )


@dataclass
class AreaSummary:
    area: FocusArea
    total: int = 0
    average_progress: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def status_rows(self) -> list[tuple[str, StrOrPromise, int]]:
        return [(value, label, self.by_status.get(value, 0)) for value, label in STATUSES.choices]


# The progress of a group of initiatives, as the member page's ``weighted_progress`` counts it: each by
# its weight, dropped ones not at all. Annotate with these, then divide the sums.
WEIGHTED_PROGRESS_SUMS = {
    "progress_weighted": Sum(F("progress") * F("weight"), filter=~Q(status=STATUSES.DROPPED)),
    "weight_counted": Sum("weight", filter=~Q(status=STATUSES.DROPPED)),
}


def plan_overview(plan: StrategyPlan, today: date | None = None) -> dict[str, Any]:
    """Focus areas with their counts by status, average progress and overdue initiatives (4 queries)."""
    today = today or timezone.localdate()
    areas = list(plan.focus_areas.order_by("position", "pk"))
    summaries = {a.pk: AreaSummary(area=a) for a in areas}
    open_q = ~Q(status__in=[STATUSES.DONE, STATUSES.DROPPED])
    rows = (
        Initiative.objects.filter(focus_area__plan=plan)
        .values("focus_area_id", "status")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=open_q & Q(due_date__lt=today)),
            **WEIGHTED_PROGRESS_SUMS,
        )
    )
    weighted: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    totals: dict[str, int] = dict.fromkeys(STATUSES.values, 0)
    for row in rows:
        summary = summaries[row["focus_area_id"]]
        summary.by_status[row["status"]] = row["n"]
        summary.total += row["n"]
        summary.overdue += row["late"]
        weighted[row["focus_area_id"]][0] += row["progress_weighted"] or 0
        weighted[row["focus_area_id"]][1] += row["weight_counted"] or 0
        totals[row["status"]] += row["n"]
    for pk, summary in summaries.items():
        points, weights = weighted[pk]
        if weights:
            summary.average_progress = round(points / weights)
    overdue = list(
        initiatives_of_plan(plan).filter(open_q, due_date__lt=today).order_by("due_date", "pk")[:50]
    )
    return {
        "areas": [summaries[a.pk] for a in areas],
        "status_totals": [(value, label, totals[value]) for value, label in STATUSES.choices],
        "overdue": overdue,
        "total": sum(totals.values()),
    }


def filter_initiatives(queryset: QuerySet[Initiative], filters: dict[str, Any], today: date | None = None):
    today = today or timezone.localdate()
    if filters.get("q"):
        queryset = queryset.filter(Q(text__icontains=filters["q"]) | Q(goal__text__icontains=filters["q"]))
    if filters.get("focus_area"):
        queryset = queryset.filter(focus_area=filters["focus_area"])
    if filters.get("level"):
        queryset = queryset.filter(level=filters["level"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("responsible"):
        queryset = queryset.filter(responsible_unit=filters["responsible"])
    if filters.get("overdue"):
        queryset = queryset.filter(due_date__lt=today).exclude(status__in=[STATUSES.DONE, STATUSES.DROPPED])
    return queryset.order_by("focus_area__position", "position", "pk")


def group_initiatives(initiatives: list[Initiative], goals: list[Goal], by: str) -> list[dict[str, Any]]:
    """Groups a focus area's initiatives by goal (goals in order, then those without a goal) or level."""
    if by == "level":
        groups = [
            {"title": label, "items": [i for i in initiatives if i.level == value]}
            for value, label in Initiative.Level.choices
        ]
    else:
        groups = [
            {"title": g.text, "goal": g, "items": [i for i in initiatives if i.goal_id == g.pk]}
            for g in goals
        ]
        groups.append({"title": None, "items": [i for i in initiatives if i.goal_id is None]})
    return [g for g in groups if g["items"]]


def cascade_rollup(initiative: Initiative) -> dict[str, Any]:
    """The initiatives that carry this one out (directly or through a county initiative), rolled up
    per level and per responsible unit."""
    linked = list(
        Initiative.objects.filter(Q(implements=initiative) | Q(implements__implements=initiative))
        .exclude(pk=initiative.pk)
        .select_related("responsible_unit", "focus_area")
        .order_by("level", "responsible_unit__name", "pk")
    )

    def roll(key) -> list[dict[str, Any]]:
        buckets: dict[Any, list[Initiative]] = defaultdict(list)
        for item in linked:
            buckets[key(item)].append(item)
        return [
            {
                "label": label,
                "count": len(items),
                "done": sum(1 for i in items if i.status == STATUSES.DONE),
                "average_progress": weighted_progress(items) or 0,
            }
            for label, items in buckets.items()
        ]

    level_labels = dict(Initiative.Level.choices)
    return {
        "linked": linked,
        "by_level": roll(lambda i: level_labels[i.level]),
        "by_unit": roll(lambda i: i.responsible_unit.name if i.responsible_unit else "–"),
    }


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    kind: str  # "+" created, "~" changed
    changes: list[tuple[str, str, str]]


def _concrete_field(model: type[Model], name: str) -> ModelField:
    field = model._meta.get_field(name)
    assert isinstance(field, ModelField)  # the history records the model's own fields
    return field


def history_entries(obj: Goal | Initiative) -> list[HistoryEntry]:
    """Who changed what and when, newest first: (field label, before, after) per changed field."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    model = type(obj)
    fk_ids: dict[str, set[int]] = defaultdict(set)
    fk_models: dict[str, type[Model]] = {
        "responsible_unit": OrgUnit,
        "responsible_person": User,
        "goal": Goal,
        "implements": Initiative,
    }
    for record in records:
        for name in fk_models:
            if hasattr(record, f"{name}_id") and getattr(record, f"{name}_id"):
                fk_ids[name].add(getattr(record, f"{name}_id"))
    names = {
        name: {o.pk: str(o) for o in fk_models[name]._default_manager.filter(pk__in=ids)}
        for name, ids in fk_ids.items()
    }

    def show(field_name: str, value: Any) -> str:
        if value in (None, ""):
            return "–"
        model_field = _concrete_field(model, field_name)
        if field_name in fk_models:
            return names.get(field_name, {}).get(value, "–")
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return str(localize(value))

    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        if previous is None:
            entries.append(HistoryEntry(record.history_date, record.history_user, "+", []))
        else:
            delta = record.diff_against(previous)
            changes = []
            for change in delta.changes:
                label = str(_concrete_field(model, change.field).verbose_name)
                changes.append((label, show(change.field, change.old), show(change.field, change.new)))
            if changes:
                entries.append(HistoryEntry(record.history_date, record.history_user, "~", changes))
        previous = record
    entries.reverse()
    return entries


# --- the progress page members follow ------------------------------------------------------------

PROGRESS_CACHE_SECONDS = 3600
LATEST_UPDATES = 10


def weighted_progress(initiatives: Sequence[Initiative]) -> int | None:
    """Progress of a set of initiatives, each counting by its weight; dropped ones do not count.
    None when nothing counts."""
    counted = [i for i in initiatives if i.status != STATUSES.DROPPED]
    total = sum(i.weight for i in counted)
    if not total:
        return None
    return round(sum(i.weight * i.progress for i in counted) / total)


@dataclass
class CascadeRow:
    level: str
    label: str
    count: int
    done: int
    progress: int | None


@dataclass
class ProgressItem:
    initiative: Initiative
    cascade: list[CascadeRow] = field(default_factory=list)
    comment_count: int = 0


@dataclass
class ProgressArea:
    area: FocusArea
    goals: list[Goal]
    items: list[ProgressItem]
    progress: int | None
    by_status: list[tuple[str, StrOrPromise, int]]


def _cascade_rows(national: Initiative, children: dict[int, list[Initiative]]) -> list[CascadeRow]:
    """The initiatives carrying out ``national`` (directly, or through a county initiative), counted up
    per level: how many, how many done, their weighted progress."""
    found: dict[int, Initiative] = {}
    stack = list(children.get(national.pk, []))
    while stack:
        item = stack.pop()
        if item.pk in found or item.pk == national.pk:
            continue
        found[item.pk] = item
        stack.extend(children.get(item.pk, []))
    labels = dict(Initiative.Level.choices)
    rows = []
    for level in (Initiative.Level.COUNTY, Initiative.Level.LOCAL_UNION, Initiative.Level.CLUB):
        items = [i for i in found.values() if i.level == level]
        if items:
            rows.append(
                CascadeRow(
                    level=level,
                    label=str(labels[level]),
                    count=len(items),
                    done=sum(1 for i in items if i.status == STATUSES.DONE),
                    progress=weighted_progress(items),
                )
            )
    return rows


def _progress_data(plan: StrategyPlan) -> dict[str, Any]:
    areas = list(plan.focus_areas.order_by("position", "pk"))
    goals = list(Goal.objects.filter(focus_area__plan=plan).order_by("position", "pk"))
    # No person's name reaches the page: the responsible unit is shown, never the responsible person.
    initiatives = list(
        Initiative.objects.filter(focus_area__plan=plan)
        .select_related("responsible_unit")
        .annotate(n_comments=Count("comments", filter=Q(comments__status=InitiativeComment.Status.APPROVED)))
        .order_by("position", "pk")
    )
    children: dict[int, list[Initiative]] = defaultdict(list)
    for item in initiatives:
        if item.implements_id:
            children[item.implements_id].append(item)
    sections = []
    for area in areas:
        own = [i for i in initiatives if i.focus_area_id == area.pk]
        counts = {value: sum(1 for i in own if i.status == value) for value in STATUSES.values}
        sections.append(
            ProgressArea(
                area=area,
                goals=[g for g in goals if g.focus_area_id == area.pk],
                items=[
                    ProgressItem(
                        initiative=i,
                        cascade=_cascade_rows(i, children) if i.level == Initiative.Level.NATIONAL else [],
                        comment_count=i.n_comments,
                    )
                    for i in own
                ],
                progress=weighted_progress(own),
                by_status=[
                    (value, label, counts[value]) for value, label in STATUSES.choices if counts[value]
                ],
            )
        )
    updates = list(
        InitiativeUpdate.objects.filter(initiative__focus_area__plan=plan)
        .select_related("initiative__focus_area")
        .order_by("-date", "-created_at")[:LATEST_UPDATES]
    )
    for update in updates:
        update.author = None  # a name stays off the page, also if a template asked for it
    totals = {value: sum(1 for i in initiatives if i.status == value) for value in STATUSES.values}
    return {
        "sections": sections,
        "progress": weighted_progress(initiatives),
        "status_totals": [(value, label, totals[value]) for value, label in STATUSES.choices],
        "total": len(initiatives),
        "updates": updates,
    }


def _progress_cache_key(plan_id: int) -> str:
    return f"strategy:progress:version:{plan_id}"


def progress_cache_invalidate(plan_id: int) -> None:
    """Call when anything shown on the plan's progress page changes. The cached page data is dropped
    at once (later reads in the same transaction see the change) and again once the change is
    committed, since a request running meanwhile may have cached what it read before the commit."""
    key = _progress_cache_key(plan_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def plan_progress(plan: StrategyPlan) -> dict[str, Any]:
    """Everything the progress page shows, cached per plan until the plan changes (4 queries to build)."""
    version = cache.get(_progress_cache_key(plan.pk))
    if version is None:
        version = uuid4().hex
        cache.set(_progress_cache_key(plan.pk), version, None)
    key = f"strategy:progress:{plan.pk}:{version}"
    data = cache.get(key)
    if data is None:
        data = _progress_data(plan)
        cache.set(key, data, PROGRESS_CACHE_SECONDS)
    return data


def approved_comments(initiative: Initiative) -> list:
    return list(
        initiative.comments.filter(status=InitiativeComment.Status.APPROVED).order_by("created_at", "pk")
    )


class StaleFigures(TypedDict):
    last_update: date | None


def stale_initiatives(
    plan: StrategyPlan, today: date | None = None
) -> QuerySet[WithAnnotations[Initiative, StaleFigures]]:
    """Open initiatives of the plan (planned or in progress, started) without an update or an edit for
    the plan's number of weeks, oldest first; none when the plan has no such setting."""
    if plan.stale_after_weeks is None:
        return Initiative.objects.annotate(last_update=Max("updates__date")).none()
    today = today or timezone.localdate()
    since = today - timedelta(weeks=plan.stale_after_weeks)
    since_start = timezone.make_aware(datetime.combine(since, time.min))
    return (
        Initiative.objects.filter(
            focus_area__plan=plan,
            status__in=[STATUSES.PLANNED, STATUSES.IN_PROGRESS],
            updated_at__lt=since_start,
        )
        .exclude(start_date__gt=since)
        .exclude(updates__date__gte=since)
        .select_related("focus_area", "responsible_person", "responsible_unit")
        .annotate(last_update=Max("updates__date"))
        .order_by("updated_at", "pk")
    )


def comment_counts(plan: StrategyPlan) -> dict[str, int]:
    """Members' comments on the plan's initiatives by status, and all of them (one query)."""
    statuses = InitiativeComment.Status
    return InitiativeComment.objects.filter(initiative__focus_area__plan=plan).aggregate(
        pending=Count("id", filter=Q(status=statuses.PENDING)),
        approved=Count("id", filter=Q(status=statuses.APPROVED)),
        hidden=Count("id", filter=Q(status=statuses.HIDDEN)),
        all=Count("id"),
    )
