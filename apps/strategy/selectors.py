"""Reads: plan overview figures, filtered initiative lists, cascade roll-ups and change history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import localize

from apps.organizations.models import Organization, OrgUnit, User

from .models import FocusArea, Goal, Initiative, StrategyPlan

STATUSES = Initiative.Status


def overlapping_plan(
    *, organization: Organization, start_year: int, end_year: int, exclude_pk: int | None = None
) -> StrategyPlan | None:
    """The organisation's current (not archived) plan that shares a year with the period, if any."""
    return (
        StrategyPlan.objects.filter(
            organization=organization,
            archived_at__isnull=True,
            start_year__lte=end_year,
            end_year__gte=start_year,
        )
        .exclude(pk=exclude_pk)
        .order_by("start_year")
        .first()
    )


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
    def status_rows(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.by_status.get(value, 0)) for value, label in STATUSES.choices]


def plan_overview(plan: StrategyPlan, today: date | None = None) -> dict[str, Any]:
    """Focus areas with their counts by status, average progress and overdue initiatives (4 queries)."""
    today = today or timezone.localdate()
    areas = list(plan.focus_areas.order_by("position", "pk"))
    summaries = {a.pk: AreaSummary(area=a) for a in areas}
    open_q = ~Q(status__in=[STATUSES.DONE, STATUSES.DROPPED])
    rows = (
        Initiative.objects.filter(focus_area__plan=plan)
        .values("focus_area_id", "status")
        .annotate(n=Count("id"), avg=Avg("progress"), late=Count("id", filter=open_q & Q(due_date__lt=today)))
    )
    weighted: dict[int, float] = defaultdict(float)
    totals: dict[str, int] = dict.fromkeys(STATUSES.values, 0)
    for row in rows:
        summary = summaries[row["focus_area_id"]]
        summary.by_status[row["status"]] = row["n"]
        summary.total += row["n"]
        summary.overdue += row["late"]
        weighted[row["focus_area_id"]] += (row["avg"] or 0) * row["n"]
        totals[row["status"]] += row["n"]
    for pk, summary in summaries.items():
        if summary.total:
            summary.average_progress = round(weighted[pk] / summary.total)
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
                "average_progress": round(sum(i.progress for i in items) / len(items)),
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


def history_entries(obj: Goal | Initiative) -> list[HistoryEntry]:
    """Who changed what and when, newest first: (field label, before, after) per changed field."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    model = type(obj)
    fk_ids: dict[str, set[int]] = defaultdict(set)
    fk_models = {
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
        name: {o.pk: str(o) for o in fk_models[name].objects.filter(pk__in=ids)}
        for name, ids in fk_ids.items()
    }

    def show(field_name: str, value: Any) -> str:
        if value in (None, ""):
            return "–"
        model_field = model._meta.get_field(field_name)
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
                label = str(model._meta.get_field(change.field).verbose_name)
                changes.append((label, show(change.field, change.old), show(change.field, change.new)))
            if changes:
                entries.append(HistoryEntry(record.history_date, record.history_user, "~", changes))
        previous = record
    entries.reverse()
    return entries
