"""Demo: the pool calls from seed 004 and Norddjurs' application, drafted after an HU theme day.

The amount of data does not depend on ``--employees``: one theme day with 8 tables and one application.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from apps.core.demo import DemoContext
from apps.organizations.models import Membership, Role, User

from .models import (
    BudgetLine,
    PlannedStep,
    PoolApplication,
    PoolCall,
    PoolTheme,
    RankingPlace,
    RankingSession,
    Step,
    StepEvent,
    TargetGroup,
    ThemeRanking,
)
from .selectors import borda_scores

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "pool" / "calls.json"
TABLES = 8
# How strongly the tables at the demo theme day lean to each theme (the seed mentions leader well-being
# and the running sickness-absence project); the orderings themselves are random.
LEANING = [1.0, 1.2, 2.2, 1.4, 1.6, 0.8, 2.6]

PROJECT_GROUP = [  # email local part, role, unit code
    ("projekt.leder.norddjurs", Role.LEADER, "NK-SU-PLE"),
    ("projekt.amr.norddjurs", Role.SAFETY_REP, "NK-SA-JOB"),
    ("projekt.tr.norddjurs", Role.STEWARD, "NK-BF-SKO"),
]

TARGET_GROUPS = [  # name, employees, benefitting, participants
    ("Ledere med personaleansvar", 240, 240, 120),
    ("Souschefer og teamkoordinatorer", 160, 140, 60),
    ("TR og AMR i lederens enhed", 210, 180, 70),
]

BUDGET = [  # text, amount in kroner, eligible
    ("Lederforløb om psykisk arbejdsmiljø, 4 hold", 1_650_000, True),
    ("Sparring og netværk for ledere (ekstern konsulent)", 900_000, True),
    ("Frikøb af ledere og souschefer til forløbet", 1_150_000, True),
    ("Trivselsmålinger før og efter samt evaluering", 420_000, True),
    ("Projektledelse (0,5 årsværk i 2 år)", 520_000, True),
    ("Formidling og forankring i MED-systemet", 160_000, True),
    ("Forplejning ved fællesarrangementer", 90_000, False),
]

TEXTS = {
    "title": "Stærke ledere – godt arbejdsmiljø",
    "project_idea": (
        "Et toårigt forløb, der styrker ledernes psykiske arbejdsmiljø gennem lederforløb, sparring og "
        "netværk, med en rød tråd til sygefraværsprojektet, det fælles ledelsesgrundlag og arbejdet med "
        "psykologisk tryghed."
    ),
    "expected_effect": (
        "Lavere stress og sygefravær blandt ledere, bedre fastholdelse og rekruttering og en afsmittende "
        "effekt på medarbejdernes trivsel; effekten fastholdes gennem faste netværk."
    ),
    "evaluation_plan": "",
    "anchoring_plan": "",
}


def _month(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _month_end(day: date) -> date:
    return _month(day.year, day.month + 1) - timedelta(days=1)


def _call(data: dict, *, name: str, year: int, deadline: date) -> PoolCall:
    call = PoolCall.objects.create(
        name=name,
        funder=data["funder"],
        year=year,
        minimum_eligible_expenses=data["minimum_eligible_expenses"],
        application_deadline=deadline,
        required_fields=data["required_fields"],
        requirements_text="\n".join(data["requirements"]),
    )
    PoolTheme.objects.bulk_create(
        PoolTheme(call=call, position=i, name=theme) for i, theme in enumerate(data["themes"], start=1)
    )
    PlannedStep.objects.bulk_create(
        PlannedStep(
            call=call,
            step=step["step"],
            starts_on=_month(year + step["start"][0], step["start"][1]),
            ends_on=_month_end(_month(year + step["end"][0], step["end"][1])),
            note=step["note"],
        )
        for step in data["process"]
    )
    return call


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed(ctx: DemoContext) -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for round_ in data["rounds"]:
        deadline = date.fromisoformat(round_["deadline"])
        _call(data, name=round_["name"], year=round_["year"], deadline=deadline)
    # The open round: the next deadline (30 October) after today, so its process plan is running.
    year = ctx.today.year + 1 if ctx.today > date(ctx.today.year, 10, 30) else ctx.today.year
    current = _call(
        data, name=f"Arbejdsmiljøpuljen, ansøgningsrunde {year}", year=year, deadline=date(year, 10, 30)
    )

    organization = ctx.organizations["norddjurs"]
    units = {u.code: u for u in organization.units.all()}
    hr = ctx.users["hr.norddjurs"]
    members: list[User] = []
    for local, role, unit_code in PROJECT_GROUP:
        first, last = ctx.name()
        # The demo password's hash is copied from an existing demo account: hashing is slow on purpose.
        user = User.objects.create(
            email=f"{local}@demo.example",
            password=hr.password,
            first_name=first,
            last_name=last,
            language="da",
        )
        Membership.objects.create(user=user, organization=organization, role=role, unit=units[unit_code])
        ctx.users[local] = user
        ctx.logins.append((user.email, "Norddjurs: member of the work-environment pool project group"))
        members.append(user)

    theme_day = min(date(year - 1, 11, 15), ctx.today - timedelta(days=1))
    session = RankingSession.objects.create(
        organization=organization,
        call=current,
        title="HU-temadag: arbejdsmiljøpuljen",
        meeting_date=theme_day,
        facilitator=hr,
        closed_at=_aware(theme_day, 13),
    )
    themes = list(current.themes.order_by("position"))
    rankings = ThemeRanking.objects.bulk_create(
        ThemeRanking(session=session, label=f"Bord {n}", submitted_at=_aware(theme_day, 12))
        for n in range(1, TABLES + 1)
    )
    places: list[RankingPlace] = []
    for ranking in rankings:
        order = sorted(themes, key=lambda t: -LEANING[t.position - 1] * ctx.rng.random())
        places.extend(RankingPlace(ranking=ranking, theme=t, place=p) for p, t in enumerate(order, start=1))
    RankingPlace.objects.bulk_create(places)
    chosen = borda_scores(session)[0].theme

    application = PoolApplication.objects.create(
        organization=organization,
        call=current,
        ranking_session=session,
        theme=chosen,
        status=Step.DRAFTING,
        **TEXTS,
    )
    application.project_group.add(hr, *members)
    StepEvent.objects.bulk_create(
        [
            StepEvent(
                application=application, from_step="", to_step=Step.IDEA, by=hr, at=_aware(theme_day, 13)
            ),
            StepEvent(
                application=application,
                from_step=Step.IDEA,
                to_step=Step.DRAFTING,
                by=hr,
                at=_aware(min(date(year - 1, 12, 1), ctx.today)),
                note="Projektgruppen er nedsat: HU-medarbejderrepræsentanter, ledelse, HR og arbejdsmiljø.",
            ),
        ]
    )
    TargetGroup.objects.bulk_create(
        TargetGroup(application=application, name=n, employees_in_group=e, benefitting=b, participants=p)
        for n, e, b, p in TARGET_GROUPS
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, text=t, amount=a, eligible=el) for t, a, el in BUDGET
    )
