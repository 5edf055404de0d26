"""The strategy section of the annual report: focus areas, goals with indicators, the year's updates."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.core.reporting import ReportSection

from .models import Goal, Initiative, InitiativeUpdate
from .selectors import WEIGHTED_PROGRESS_SUMS

BAR_WIDTH = 400  # px in the SVG for 100 %
ROW_HEIGHT = 44


def _chart(areas: list[dict]) -> dict:
    rows = []
    for n, area in enumerate(areas):
        top = n * ROW_HEIGHT
        rows.append(
            {
                "label": area["title"] if len(area["title"]) <= 70 else area["title"][:67] + "…",
                "label_y": top + 14,
                "bar_y": top + 20,
                "width": round(BAR_WIDTH * area["average_progress"] / 100),
                "value": area["average_progress"],
                "value_x": 8 + BAR_WIDTH + 8,
                "value_y": top + 34,
            }
        )
    return {"rows": rows, "height": len(rows) * ROW_HEIGHT + 4, "bar_width": BAR_WIDTH, "track_x": 8}


def _narratives(updates: list[InitiativeUpdate], year: int) -> list[dict]:
    """Per initiative with updates in the year: its updates in order, each with the status that was in
    force when it was written, and the status and progress at the end of the year.

    A note is true of its own day. Printed under the status of today, "paused until OK26" would read
    as current for an initiative that has since been finished, so every note carries its day's status
    and the headline is the status at the year's end, from the updates (a later change of the
    initiative does not rewrite the year).
    """
    if not updates:
        return []
    initiative_ids = {u.initiative_id for u in updates}
    later: dict[int, InitiativeUpdate] = {}
    for update in (
        InitiativeUpdate.objects.filter(initiative_id__in=initiative_ids, date__year__gt=year)
        .only("initiative_id", "date", "status_before", "progress")
        .order_by("-date", "-created_at", "-pk")
    ):
        later[update.initiative_id] = update  # ends as the first update after the year
    labels = dict(Initiative.Status.choices)
    stories: dict[int, dict] = {}
    for update in updates:
        initiative = update.initiative
        story = stories.setdefault(
            initiative.pk, {"initiative": initiative, "notes": [], "status": "", "progress": None}
        )
        if update.status_after:
            story["status"] = update.status_after
        elif not story["status"] and update.status_before:
            story["status"] = update.status_before
        if update.progress is not None:
            story["progress"] = update.progress
        story["notes"].append(
            {"date": update.date, "text": update.text, "status": labels.get(story["status"], "")}
        )
    for initiative_id, story in stories.items():
        initiative = story["initiative"]
        after = later.get(initiative_id)
        if not story["status"]:
            story["status"] = after.status_before if after and after.status_before else initiative.status
        if story["progress"] is None and after is None:
            story["progress"] = initiative.progress
        story["status_label"] = labels.get(story["status"], "")
    return list(stories.values())


def build_section(organization, year: int) -> ReportSection:
    plans = list(
        organization.strategy_plans.filter(start_year__lte=year, end_year__gte=year).order_by("start_year")
    )
    title = _("Strategy")
    if not plans:
        return ReportSection(
            key="strategy",
            title=title,
            template="strategy/report_section.html",
            has_data=False,
            empty_message=_("No strategy plan covers %(year)s.") % {"year": year},
        )
    counts = (
        Initiative.objects.filter(focus_area__plan__in=plans)
        .values("focus_area_id", "status")
        .annotate(n=Count("id"), **WEIGHTED_PROGRESS_SUMS)
    )
    per_area: dict[int, dict] = {}
    for row in counts:
        entry = per_area.setdefault(
            row["focus_area_id"], {"by_status": {}, "total": 0, "points": 0, "weights": 0}
        )
        entry["by_status"][row["status"]] = row["n"]
        entry["total"] += row["n"]
        entry["points"] += row["progress_weighted"] or 0
        entry["weights"] += row["weight_counted"] or 0
    goals = list(
        Goal.objects.filter(focus_area__plan__in=plans, indicator_target__isnull=False).order_by(
            "focus_area__position", "position"
        )
    )
    updates = list(
        InitiativeUpdate.objects.filter(initiative__focus_area__plan__in=plans, date__year=year)
        .select_related("initiative__focus_area")
        .order_by("date", "created_at", "pk")
    )
    narratives = _narratives(updates, year)
    status_labels = Initiative.Status.choices
    plan_data = []
    all_areas = []
    for plan in plans:
        areas = []
        for area in plan.focus_areas.order_by("position", "pk"):
            entry = per_area.get(area.pk, {"by_status": {}, "total": 0, "points": 0, "weights": 0})
            average = round(entry["points"] / entry["weights"]) if entry["weights"] else 0
            areas.append(
                {
                    "title": area.title,
                    "focus": area.focus,
                    "total": entry["total"],
                    "average_progress": average,
                    "status_counts": [
                        (label, entry["by_status"].get(value, 0)) for value, label in status_labels
                    ],
                    "goals": [
                        {
                            "text": g.text,
                            "unit": g.indicator_unit,
                            "baseline": g.indicator_baseline,
                            "current": g.indicator_current,
                            "target": g.indicator_target,
                            "percent": g.indicator_percent,
                        }
                        for g in goals
                        if g.focus_area_id == area.pk
                    ],
                    "updates": [u for u in updates if u.initiative.focus_area_id == area.pk],
                    "anchor": f"strategy-area-{area.pk}",
                    "narratives": [n for n in narratives if n["initiative"].focus_area_id == area.pk],
                }
            )
        all_areas.extend(areas)
        plan_data.append({"plan": plan, "areas": areas})
    return ReportSection(
        key="strategy",
        title=title,
        template="strategy/report_section.html",
        toc=[(area["anchor"], area["title"]) for area in all_areas],
        data={
            "plans": plan_data,
            "chart": _chart(all_areas),
            "update_count": len(updates),
            "status_labels": [label for _value, label in status_labels],
        },
    )
