"""Demo strategy: the two seed plans from fixtures/strategy/, with generated progress, and at scale
more plans derived from them (other periods and organisations)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.core.demo import DemoContext
from apps.organizations.models import Organization

from .models import FocusArea, Goal, Initiative, InitiativeUpdate, StrategyPlan

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "strategy"
SEED_FILES = ["djoef_offentlig_2025_2028.json", "fagforbundet_2024_2025.json"]
PLANS_AT_SCALE = 20
BATCH = 1000

# Where Fagforbundet's measures land in the demo unit tree (the document names no units).
UNIT_FOR_LEVEL = {"national": ["FF"], "county": ["FF-VL"], "local_union": ["FF-BRG", "FF-STO"]}

# A note says what happened, so it must fit the status it was written with ("paused until OK26" on
# an initiative marked done reads wrong in the annual report).
NOTES = {
    "da": {
        "in_progress": [
            "Drøftet på bestyrelsesmødet; næste skridt er aftalt.",
            "Første TR-netværksmøde er holdt med god deltagelse.",
            "Materiale sendt til tillidsrepræsentanterne.",
            "Arbejdsgruppe nedsat; plan for foråret er lagt.",
        ],
        "done": [
            "Evaluering gennemført; indsatsen er afsluttet.",
            "Sidste netværksmøde holdt; erfaringerne er samlet til bestyrelsen.",
        ],
        "paused": ["Sat på pause indtil OK26 er afsluttet."],
        "dropped": ["Opgivet: bestyrelsen prioriterer OK26 frem for indsatsen."],
    },
    "nb": {
        "in_progress": [
            "Drøftet i styremøtet; neste steg er avtalt.",
            "Kurs for tillitsvalgte gjennomført.",
            "Kartlegging sendt ut til fagforeningene.",
            "Arbeidsgruppe nedsatt; plan for våren er lagt.",
        ],
        "done": [
            "Evaluert i fylkesstyret; tiltaket er fullført.",
            "Siste samling holdt; erfaringene er oppsummert for styret.",
        ],
        "paused": ["Satt på vent til etter tariffoppgjøret."],
        "dropped": ["Avsluttet uten videre arbeid: styret prioriterer tariffoppgjøret."],
    },
}


def load_plan_data(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def load_plan(data: dict, organization: Organization) -> tuple[StrategyPlan, list[Initiative]]:
    """Creates one plan from the fixture format (bulk inserts, history rows for goals and initiatives).

    Goals may carry their own initiatives (Djøf Offentlig: "Djøf Offentlig vil" → "Eksempler på
    indsatser"); a focus area may list initiatives with a level and ``implements``: the index of the
    national initiative of the same focus area they carry out (Fagforbundet's tiltak).
    """
    units = {u.code: u for u in organization.units.all()}
    plan = StrategyPlan.objects.create(
        organization=organization,
        title=data["title"],
        start_year=data["start_year"],
        end_year=data["end_year"],
        introduction=data.get("introduction", ""),
    )
    areas = FocusArea.objects.bulk_create(
        [
            FocusArea(
                plan=plan,
                position=n,
                title=a["title"],
                focus=a.get("focus", ""),
                narrative=a.get("narrative", ""),
            )
            for n, a in enumerate(data["focus_areas"], start=1)
        ]
    )
    goals, goal_specs = [], []
    for area, spec in zip(areas, data["focus_areas"], strict=True):
        for n, g in enumerate(spec.get("goals", []), start=1):
            indicator = g.get("indicator") or {}
            goals.append(
                Goal(
                    focus_area=area,
                    position=n,
                    text=g["text"],
                    indicator_unit=indicator.get("unit", ""),
                    indicator_baseline=Decimal(indicator["baseline"]) if "baseline" in indicator else None,
                    indicator_target=Decimal(indicator["target"]) if "target" in indicator else None,
                    indicator_target_date=date.fromisoformat(indicator["target_date"])
                    if "target_date" in indicator
                    else None,
                )
            )
            goal_specs.append(g)
    goals = bulk_create_with_history(goals, Goal)
    initiatives: list[Initiative] = []
    links: list[tuple[Initiative, FocusArea, int]] = []
    local_turn = 0
    goal_iter = iter(zip(goals, goal_specs, strict=True))
    for area, spec in zip(areas, data["focus_areas"], strict=True):
        position = 0
        for _g in spec.get("goals", []):
            goal, goal_spec = next(goal_iter)
            for i in goal_spec.get("initiatives", []):
                position += 1
                initiatives.append(Initiative(focus_area=area, goal=goal, position=position, text=i["text"],
                                              level=i.get("level", Initiative.Level.NONE)))  # fmt: skip
        for i in spec.get("initiatives", []):
            position += 1
            level = i.get("level", Initiative.Level.NONE)
            codes = UNIT_FOR_LEVEL.get(level, []) if organization.slug == "fagforbundet" else []
            unit = None
            if codes:
                unit = units.get(codes[local_turn % len(codes)])
                local_turn += level == "local_union"
            item = Initiative(
                focus_area=area, position=position, text=i["text"], level=level, responsible_unit=unit
            )
            initiatives.append(item)
            if i.get("implements") is not None:
                links.append((item, area, i["implements"]))
    initiatives = bulk_create_with_history(initiatives, Initiative)
    nationals: dict[int, list[Initiative]] = {}
    for item in initiatives:
        if item.level == Initiative.Level.NATIONAL:
            nationals.setdefault(item.focus_area_id, []).append(item)
    for item, area, index in links:
        item.implements = nationals[area.pk][index]
    Initiative.objects.bulk_update([item for item, _a, _i in links], ["implements"])
    return plan, initiatives


def _demo_progress(
    ctx: DemoContext, plan: StrategyPlan, initiatives: list[Initiative], language: str, author
) -> None:
    """Generated status, progress, dates, missing cascade links and dated updates."""
    rng = ctx.rng
    first, last = date(plan.start_year, 1, 1), date(plan.end_year, 12, 31)
    span = (last - first).days
    nationals: dict[int, list[Initiative]] = {}
    for item in initiatives:
        if item.level == Initiative.Level.NATIONAL:
            nationals.setdefault(item.focus_area_id, []).append(item)
    updates = []
    for item in initiatives:
        item.start_date = first + timedelta(days=rng.randrange(0, max(1, span // 3)))
        item.due_date = item.start_date + timedelta(days=rng.randrange(90, max(91, span)))
        if item.due_date > last:
            item.due_date = last
        elapsed = (ctx.today - item.start_date).days / max(1, (item.due_date - item.start_date).days)
        if elapsed <= 0:
            item.status, item.progress = Initiative.Status.PLANNED, 0
        else:
            expected = min(100, int(elapsed * 100))
            item.progress = max(0, min(100, expected + rng.randint(-30, 10)))
            roll = rng.random()
            if item.progress >= 95 or (elapsed >= 1 and roll < 0.6):
                item.status, item.progress = Initiative.Status.DONE, 100
            elif roll < 0.06:
                item.status = Initiative.Status.PAUSED
            elif roll < 0.1:
                item.status = Initiative.Status.DROPPED
            else:
                item.status = Initiative.Status.IN_PROGRESS
        if (
            item.level in ("county", "local_union")
            and item.implements_id is None
            and nationals.get(item.focus_area_id)
        ):
            # Demo only: the document gives no link for this measure, so pick a plausible one.
            item.implements = rng.choice(nationals[item.focus_area_id])
        if item.status != Initiative.Status.PLANNED:
            when = min(ctx.today, item.start_date + timedelta(days=rng.randrange(20, 200)))
            updates.append(
                InitiativeUpdate(
                    initiative=item,
                    date=when,
                    author=author,
                    text=rng.choice(NOTES[language][item.status]),
                    status_before=Initiative.Status.PLANNED,
                    status_after=item.status,
                    progress=item.progress,
                )
            )
    bulk_update_with_history(
        initiatives,
        Initiative,
        ["start_date", "due_date", "status", "progress", "implements"],
        batch_size=BATCH,
    )
    InitiativeUpdate.objects.bulk_create(updates, batch_size=BATCH)
    for goal in Goal.objects.filter(focus_area__plan=plan, indicator_target__isnull=False):
        target, baseline = goal.indicator_target, goal.indicator_baseline
        assert target is not None and baseline is not None  # every demo goal with a target has a baseline
        span_value = target - baseline
        goal.indicator_current = baseline + span_value * Decimal(rng.randint(20, 90)) / 100
        goal.save(update_fields=["indicator_current"])


def _scaled_copies(ctx: DemoContext, sources: list[StrategyPlan], count: int) -> None:
    """``count`` more plans derived from the seed plans: earlier periods and other organisations."""
    organizations = sorted(ctx.organizations.values(), key=lambda o: o.slug)
    # One current plan per organisation and period: an earlier copy that shares years with a plan the
    # organisation already has is archived (as a board would have done when it adopted the next one).
    current: dict[int, list[tuple[int, int]]] = {}
    for existing in StrategyPlan.objects.filter(archived_at__isnull=True):
        current.setdefault(existing.organization_id, []).append((existing.start_year, existing.end_year))
    plans = []
    for n in range(count):
        source = sources[n % len(sources)]
        years_back = 2 * (n // len(sources) + 1)
        organization = organizations[n % len(organizations)]
        start, end = source.start_year - years_back, source.end_year - years_back
        periods = current.setdefault(organization.pk, [])
        overlaps = any(s <= end and e >= start for s, e in periods)
        if not overlaps:
            periods.append((start, end))
        plans.append(
            StrategyPlan(
                organization=organization,
                title=f"{source.title} ({organization.name})"
                if organization != source.organization
                else source.title,
                start_year=start,
                end_year=end,
                introduction=source.introduction,
                archived_at=timezone.make_aware(datetime.combine(ctx.today, time(12))) if overlaps else None,
            )
        )
    plans = StrategyPlan.objects.bulk_create(plans, batch_size=BATCH)
    source_areas = {s.pk: list(s.focus_areas.order_by("position")) for s in sources}
    source_goals = {
        s.pk: list(Goal.objects.filter(focus_area__plan=s).order_by("focus_area__position", "position"))
        for s in sources
    }
    source_inits = {
        s.pk: list(Initiative.objects.filter(focus_area__plan=s).order_by("focus_area__position", "position"))
        for s in sources
    }
    areas, area_keys = [], []
    for n, plan in enumerate(plans):
        source = sources[n % len(sources)]
        for a in source_areas[source.pk]:
            areas.append(
                FocusArea(plan=plan, position=a.position, title=a.title, focus=a.focus, narrative=a.narrative)
            )
            area_keys.append((plan.pk, a.pk))
    areas = FocusArea.objects.bulk_create(areas, batch_size=BATCH)
    area_map = dict(zip(area_keys, areas, strict=True))
    goals, goal_keys = [], []
    for n, plan in enumerate(plans):
        source = sources[n % len(sources)]
        for g in source_goals[source.pk]:
            goals.append(
                Goal(
                    focus_area=area_map[(plan.pk, g.focus_area_id)],
                    position=g.position,
                    text=g.text,
                    indicator_unit=g.indicator_unit,
                    indicator_baseline=g.indicator_baseline,
                    indicator_target=g.indicator_target,
                    indicator_current=g.indicator_current,
                )
            )
            goal_keys.append((plan.pk, g.pk))
    goal_map: dict[tuple[int, int | None], Goal] = dict(
        zip(goal_keys, Goal.objects.bulk_create(goals, batch_size=BATCH), strict=True)
    )
    initiatives = []
    statuses = [
        Initiative.Status.DONE,
        Initiative.Status.DONE,
        Initiative.Status.DROPPED,
        Initiative.Status.IN_PROGRESS,
    ]
    for n, plan in enumerate(plans):
        source = sources[n % len(sources)]
        for i in source_inits[source.pk]:
            status = ctx.rng.choice(statuses)
            initiatives.append(
                Initiative(
                    focus_area=area_map[(plan.pk, i.focus_area_id)],
                    goal=goal_map.get((plan.pk, i.goal_id)),
                    position=i.position,
                    text=i.text,
                    level=i.level,
                    responsible_unit_id=i.responsible_unit_id
                    if plan.organization_id == source.organization_id
                    else None,
                    status=status,
                    progress=100 if status == Initiative.Status.DONE else ctx.rng.randint(10, 90),
                    start_date=date(plan.start_year, 1, 1) + timedelta(days=ctx.rng.randrange(0, 120)),
                    due_date=date(plan.end_year, 12, 31) - timedelta(days=ctx.rng.randrange(0, 120)),
                )
            )
    Initiative.objects.bulk_create(initiatives, batch_size=BATCH)


def seed(ctx: DemoContext) -> None:
    authors = {
        "djoef-offentlig": ctx.users.get("bestyrelse.djoef"),
        "fagforbundet": ctx.users.get("styre.fagforbundet"),
    }
    seeded = []
    for name in SEED_FILES:
        data = load_plan_data(name)
        organization = ctx.organizations[data["organization"]]
        plan, initiatives = load_plan(data, organization)
        language = "nb" if organization.language == "nb" else "da"
        _demo_progress(ctx, plan, initiatives, language, authors.get(organization.slug))
        seeded.append(plan)
    if ctx.employees >= 5000:
        _scaled_copies(ctx, seeded, PLANS_AT_SCALE - len(seeded))
