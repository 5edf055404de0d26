"""Generated employees and absence history for Norddjurs Kommune and, for a national dataset, the
other municipalities (``seed_demo --municipalities``), at any scale.

Per municipality: its employees under new workplaces (about 25 per workplace, depth 4: municipality >
area > department > workplace, with more departments when there are many workplaces), one generated
leader per workplace, ctx.years years of absence (about 6 registrations per employee and year),
spells and monthly rollups derived in memory, then the sweep as of ctx.today so the queues have
content. Everything is bulk-inserted; on PostgreSQL with COPY, and, where the role may, with the
foreign-key and overlap triggers off for the load (the generator's rows refer only to rows it has just
made and never overlap; the overlap is checked once over the whole table at the end).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import F
from django.utils import timezone

from apps.core.demo import DEMO_PASSWORD, DemoContext
from apps.core.sql import analyze, insert_rows, row_triggers_off
from apps.organizations.demo import DEMO_DOMAIN
from apps.organizations.models import Membership, OrgUnit, Role, User

from .models import (
    AbsenceMonth,
    AbsenceRegistration,
    AbsenceType,
    Adjustment,
    Advisory,
    AdvisoryEvent,
    AdvisoryPolicy,
    ContactForm,
    Employee,
    FollowUpOutcome,
    Spell,
)
from .rollups import rollup_rows, rollups_insert
from .spells import derive_spells
from .statistics.cache import bump_statistics_version
from .sweep import advisory_sweep
from .unit_rollups import unit_rollups_rebuild

PER_WORKPLACE = 25
PER_DEPARTMENT = 12  # workplaces per department before another department is opened
BATCH = 5000
TOWNS = [
    "Grenaa",
    "Auning",
    "Ørsted",
    "Allingåbro",
    "Glesborg",
    "Bønnerup",
    "Trustrup",
    "Vivild",
    "Ørum",
    "Gjerrild",
    "Anholt",
    "Voer",
    "Fjellerup",
    "Hemmed",
    "Nørager",
    "Stenvad",
    "Vejlby",
    "Ramten",
]
# Keyed by the area's code without the municipality's prefix (NK-BF, M07-BF: BF).
WORKPLACE_KINDS = {
    "BF": ["Børnehuset", "Dagplejen", "Skolen", "SFO'en", "Familiehuset"],
    "SA": ["Jobcentret", "Bostedet", "Værkstedet", "Ydelsesteamet", "Støttecentret"],
    "SU": ["Hjemmeplejen", "Plejecentret", "Sygeplejen", "Træningscentret", "Aktivitetscentret"],
    "KT": ["Borgerservice", "Vej og Park", "Biblioteket", "Materielgården", "Kantinen"],
}
# The seed's named departments (keyed by the last part of their code, NK-SU-HJE: HJE) have workplaces of
# their own kind: a leader of Hjemmeplejen sees home-care groups, not a care home or a day care.
DEPARTMENT_WORKPLACE_KINDS = {
    "SKO": ["Skolen", "SFO'en"],
    "ADM": ["Borgerservice", "Økonomi", "HR og Løn", "IT-support", "Sekretariatet"],
    "HAN": ["Bostedet", "Værkstedet", "Støttecentret"],
    "JOB": ["Jobcentret", "Ydelsesteamet", "Virksomhedsservice"],
    "HJE": ["Hjemmeplejen", "Sygeplejen"],
    "PLE": ["Plejecentret", "Træningscentret", "Aktivitetscentret"],
}
DEPARTMENT_NAMES = {
    "BF": "Børn og Unge",
    "SA": "Beskæftigelse",
    "SU": "Ældre og Sundhed",
    "KT": "Teknik og Service",
}


def _area_key(code: str) -> str:
    return code.split("-")[1]


def _bulk_child_units(parent: OrgUnit, children: list[dict]) -> list[OrgUnit]:
    """Append many children to one parent with computed materialised paths (treebeard's scheme)."""
    start = parent.numchild
    units = []
    for offset, fields in enumerate(children, start=1):
        path = OrgUnit._get_path(parent.path, parent.depth + 1, start + offset)
        units.append(OrgUnit(path=path, depth=parent.depth + 1, numchild=0, **fields))
    OrgUnit.objects.bulk_create(units, batch_size=BATCH)
    parent.numchild = start + len(children)
    OrgUnit.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
    return units


def _build_units(organization, employees: int) -> list[OrgUnit]:
    workplaces_needed = max(1, math.ceil(employees / PER_WORKPLACE))
    departments = list(OrgUnit.objects.filter(organization=organization, depth=3).order_by("path"))
    areas = {u.code: u for u in OrgUnit.objects.filter(organization=organization, depth=2)}
    departments_needed = math.ceil(workplaces_needed / PER_DEPARTMENT)
    extra = max(0, departments_needed - len(departments))
    per_area: dict[str, list[dict]] = defaultdict(list)
    area_codes = sorted(areas)
    for index in range(extra):
        code = area_codes[index % len(area_codes)]
        number = len(per_area[code]) + 1
        per_area[code].append(
            {
                "organization": organization,
                "code": f"{code}-D{number:03d}",
                "name": f"{DEPARTMENT_NAMES[_area_key(code)]} {number}",
                "kind": "department",
            }
        )
    for code, children in per_area.items():
        departments += _bulk_child_units(areas[code], children)
    by_department: dict[int, list[dict]] = defaultdict(list)
    for index in range(workplaces_needed):
        department = departments[index % len(departments)]
        kinds = (
            DEPARTMENT_WORKPLACE_KINDS.get(department.code.rsplit("-", 1)[-1])
            or WORKPLACE_KINDS[_area_key(department.code)]
        )
        number = len(by_department[department.pk]) + 1
        kind = kinds[index % len(kinds)]
        town = TOWNS[(index // len(departments)) % len(TOWNS)]
        by_department[department.pk].append(
            {
                "organization": organization,
                "code": f"{department.code}-W{number:03d}",
                "name": f"{kind} {town} {number}",
                "kind": "workplace",
            }
        )
    workplaces: list[OrgUnit] = []
    for department in departments:
        if by_department[department.pk]:
            workplaces += _bulk_child_units(department, by_department[department.pk])
    return list(OrgUnit.objects.filter(organization=organization, depth=4).order_by("path"))


def _create_leaders(
    ctx: DemoContext, organization, workplaces: list[OrgUnit], *, logins: int
) -> dict[int, int]:
    """One leader per workplace; leder.norddjurs leads the workplaces under NK-SU-HJE. The first
    ``logins`` leaders can log in with the demo password; the others cannot log in at all."""
    usable = make_password(DEMO_PASSWORD) if logins else ""
    unusable = make_password(None)
    demo_leader = ctx.users.get("leder.norddjurs") if organization.slug == "norddjurs" else None
    leader_of: dict[int, int] = {}
    users: list[User] = []
    scoped: list[OrgUnit] = []
    for index, workplace in enumerate(workplaces):
        if demo_leader is not None and workplace.code.startswith("NK-SU-HJE-"):
            leader_of[workplace.pk] = demo_leader.pk
            continue
        first, last = ctx.name()
        can_log_in = len(users) < logins
        users.append(
            User(
                email=f"leder{index + 1:04d}.{organization.slug}@{DEMO_DOMAIN}",
                first_name=first,
                last_name=last,
                language="da",
                password=usable if can_log_in else unusable,
            )
        )
        scoped.append(workplace)
    created = User.objects.bulk_create(users, batch_size=BATCH)
    Membership.objects.bulk_create(
        [
            Membership(user=user, organization=organization, role=Role.LEADER, unit=workplace)
            for user, workplace in zip(created, scoped, strict=True)
        ],
        batch_size=BATCH,
    )
    for user, workplace in zip(created, scoped, strict=True):
        leader_of[workplace.pk] = user.pk
    where = organization.name.removesuffix(" Kommune")
    for user, workplace in list(zip(created, scoped, strict=True))[:logins]:
        ctx.logins.append((user.email, f"{where}: leader, {workplace.name}"))
    return leader_of


def _create_employees(ctx: DemoContext, organization, count: int, workplaces, leader_of) -> list[tuple]:
    """``count`` employees as (id, employment start, end, aged 60 or more, unit id, weekly hours)."""
    rng = ctx.rng
    hours_choices = [Decimal("37")] * 6 + [Decimal("32"), Decimal("30"), Decimal("28"), Decimal("25")]
    history_start = ctx.today - timedelta(days=365 * ctx.years)
    rows, meta = [], {}
    for index in range(count):
        workplace = workplaces[index % len(workplaces)] if index < len(workplaces) else rng.choice(workplaces)
        first, last = ctx.name()
        if rng.random() < 0.85:
            start = history_start - timedelta(days=rng.randint(0, 365 * 15))
        else:
            start = history_start + timedelta(days=rng.randint(0, max(1, 365 * ctx.years - 30)))
        end = None
        if rng.random() < 0.04:
            end = min(ctx.today - timedelta(days=1), start + timedelta(days=rng.randint(200, 3000)))
            end = max(end, start)
        number = f"{100001 + index}"
        hours = rng.choice(hours_choices)
        rows.append(
            (
                organization.pk,
                workplace.pk,
                number,
                f"{first} {last}",
                leader_of.get(workplace.pk),
                hours,
                start,
                end,
            )
        )
        meta[number] = (start, end, rng.random() < 0.15, workplace.pk, hours)  # aged 60 or more
    insert_rows(
        Employee,
        [
            "organization_id",
            "unit_id",
            "employee_number",
            "name",
            "leader_id",
            "weekly_hours",
            "employment_start",
            "employment_end",
        ],
        rows,
    )
    ids = Employee.objects.filter(organization=organization).values_list("employee_number", "pk")
    return sorted((pk, *meta[number]) for number, pk in ids)


def _absence_plan(rng, senior: bool) -> tuple[AbsenceType, int, Decimal]:
    """One absence: (type, length in calendar days, fraction) with a realistic mix."""
    roll = rng.random()
    if senior and roll < 0.08:
        return AbsenceType.SENIOR_DAY, 1, Decimal("1")
    if roll < 0.55:
        return AbsenceType.SICK, rng.choice([1, 1, 1, 2, 2, 3]), Decimal("1")
    if roll < 0.66:
        return AbsenceType.SICK, rng.randint(4, 14), Decimal("1")
    if roll < 0.68:
        return AbsenceType.SICK, rng.randint(15, 120), Decimal("1")
    if roll < 0.70:
        return (
            AbsenceType.SICK_PARTIAL,
            rng.randint(14, 60),
            rng.choice([Decimal("0.5"), Decimal("0.4"), Decimal("0.6")]),
        )
    if roll < 0.85:
        return AbsenceType.CHILD_SICK, rng.choice([1, 2]), Decimal("1")
    if roll < 0.92:
        return AbsenceType.CARE_DAY, 1, Decimal("1")
    if roll < 0.935:
        return AbsenceType.PREGNANCY, rng.randint(3, 30), Decimal("1")
    if roll < 0.94:
        return AbsenceType.WORK_INJURY, rng.randint(2, 40), Decimal("1")
    return AbsenceType.SICK, rng.choice([1, 2]), Decimal("1")


def _generate_registrations(ctx: DemoContext, employees) -> list[tuple]:
    """(employee_id, type, start, end, fraction) rows, non-overlapping per employee."""
    rng = ctx.rng
    history_start = ctx.today - timedelta(days=365 * ctx.years)
    mean_gap = 50  # days between absences; with their lengths about six registrations a year
    rows: list[tuple] = []
    for employee_id, employed_from, employed_to, senior, *_unit_and_hours in employees:
        first = max(history_start, employed_from)
        last = min(ctx.today, employed_to) if employed_to else ctx.today
        s56 = rng.random() < 0.02
        parental_at = first + timedelta(days=rng.randint(0, 365 * ctx.years)) if rng.random() < 0.03 else None
        cursor = first + timedelta(days=int(rng.expovariate(1 / mean_gap)))
        while cursor <= last:
            if parental_at is not None and cursor >= parental_at:
                absence_type, length, fraction = AbsenceType.PARENTAL, rng.randint(120, 330), Decimal("1")
                parental_at = None
            elif s56 and rng.random() < 0.35:
                absence_type, length, fraction = AbsenceType.SICK_S56, rng.choice([1, 1, 2]), Decimal("1")
            else:
                absence_type, length, fraction = _absence_plan(rng, senior)
            end = cursor + timedelta(days=length - 1)
            if employed_to is not None and end > employed_to:
                end = employed_to  # absence stops with the employment, as an import demands
            if end >= ctx.today:
                # Still going on today: sickness is open-ended, planned leave has its end date.
                end = None if absence_type not in (AbsenceType.PARENTAL, AbsenceType.CARE_DAY) else end
            rows.append((employee_id, str(absence_type), cursor, end, fraction))
            if end is None:
                break
            cursor = end + timedelta(days=1 + int(rng.expovariate(1 / mean_gap)))
    return rows


OVERLAPS = """
SELECT count(*) FROM (
    SELECT start_date, lag(COALESCE(end_date, '9999-12-31')) OVER (
        PARTITION BY employee_id ORDER BY start_date
    ) AS previous_end
    FROM absence_absenceregistration
) AS ordered
WHERE previous_end >= start_date
"""


@contextmanager
def _bulk_load() -> Iterator[None]:
    """The load with the per-row triggers off where the database lets us, then the overlap rule the
    trigger keeps checked once over the whole table (the foreign keys are the rows just made)."""
    with row_triggers_off():
        yield
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        if cursor.fetchone()[0]:
            raise RuntimeError("the generated absence overlaps")


def _insert_registrations(rows: list[tuple]) -> None:
    now = timezone.now()
    insert_rows(
        AbsenceRegistration,
        ["employee_id", "absence_type", "start_date", "end_date", "fraction", "created_at"],
        ((*row, now) for row in rows),
    )


def _insert_spells(rows: list[tuple], policy: AdvisoryPolicy) -> None:
    counting = set(policy.types_for("advisories"))
    by_employee: dict[int, list] = defaultdict(list)
    for employee_id, absence_type, start, end, _fraction in rows:
        if absence_type in counting:
            by_employee[employee_id].append((0, absence_type, start, end))
    spells = (
        (employee_id, spell.start, spell.end, spell.includes_work_injury)
        for employee_id, registrations in by_employee.items()
        for spell in derive_spells(registrations, counting_types=counting)
    )
    insert_rows(Spell, ["employee_id", "start_date", "end_date", "includes_work_injury"], spells)


def _insert_rollups(organization, employees: list[tuple], rows: list[tuple]) -> None:
    """The monthly rollups from the generated rows, as ``rollups_rebuild`` would make them."""
    ended: dict[int, list] = defaultdict(list)
    for employee_id, absence_type, start, end, fraction in rows:
        if end is not None:
            ended[employee_id].append((absence_type, start, end, fraction))
    rollups_insert(
        rollup_rows(
            (
                (organization.pk, employee_id, unit_id, hours, employed_from, employed_to)
                for employee_id, employed_from, employed_to, _senior, unit_id, hours in employees
            ),
            ended,
        )
    )


def _age_the_queue(ctx: DemoContext, employee_ids: list[int]) -> None:
    """Older advisories have been followed up; the recent ones wait at various steps."""
    # The generated employees' ids form one range: filtering on it avoids a join in the big UPDATE.
    advisories = Advisory.objects.filter(
        employee_id__gte=min(employee_ids), employee_id__lte=max(employee_ids)
    )
    # Seeded in one sweep, every advisory due before today came "late"; in a portal swept every morning
    # only absence registered after the fact does (about one in thirty here).
    advisories.update(late=False)
    advisories.annotate(bucket=F("id") % 30).filter(bucket=0, due_date__lt=ctx.today).update(late=True)
    advisories.filter(due_date__lt=ctx.today - timedelta(days=21)).update(status=Advisory.Status.CLOSED)
    advisories.filter(
        due_date__gte=ctx.today - timedelta(days=21), due_date__lt=ctx.today - timedelta(days=7)
    ).update(status=Advisory.Status.CONTACT_MADE)
    _record_follow_ups(advisories)


# What a leader records after a contact: the structured fields and, at most, a short note of what was
# agreed and done. No note names a diagnosis or symptom (the services would refuse it).
DEMO_FOLLOW_UPS = [
    (ContactForm.PHONE, FollowUpOutcome.EXPECTED_BACK, [], "Ringede; forventer at være tilbage mandag."),
    (ContactForm.PHONE, FollowUpOutcome.PARTIAL_RETURN, [Adjustment.REDUCED_HOURS], "Starter på 20 timer."),
    (ContactForm.MEETING, FollowUpOutcome.CONVERSATION_7A, [], "Aftalte sygefraværssamtale i næste uge."),
    (ContactForm.VIDEO, FollowUpOutcome.PARTIAL_RETURN, [Adjustment.CHANGED_TASKS], ""),
    (ContactForm.NOT_REACHED, "", [], "Sendte sms; ringer igen i morgen."),
    (ContactForm.WRITTEN, FollowUpOutcome.NO_ACTION, [Adjustment.NONE], ""),
    (ContactForm.MEETING, FollowUpOutcome.RETENTION_PLAN, [Adjustment.AIDS, Adjustment.WORKPLACE], ""),
    (ContactForm.PHONE, FollowUpOutcome.FAST_TRACK, [], "Medarbejderen vil tænke over fast track."),
]


def _record_follow_ups(advisories) -> None:
    """One recorded contact for every advisory at "contact made", made by the leader the day after."""
    events = []
    for pk, status, due, leader_id in advisories.filter(status=Advisory.Status.CONTACT_MADE).values_list(
        "pk", "status", "due_date", "employee__leader_id"
    ):
        contact, outcome, adjustments, note = DEMO_FOLLOW_UPS[pk % len(DEMO_FOLLOW_UPS)]
        at = timezone.make_aware(datetime.combine(due + timedelta(days=1), time(10, 0)))
        events.append(
            AdvisoryEvent(
                advisory_id=pk,
                from_status=Advisory.Status.NEW,
                to_status=status,
                contact_form=contact,
                outcome=outcome,
                adjustments=list(adjustments),
                next_contact=due + timedelta(days=8),
                note=note,
                by_id=leader_id,
                at=at,
            )
        )
    AdvisoryEvent.objects.bulk_create(events, batch_size=BATCH)


def _seed_municipality(ctx: DemoContext, organization, employees: int, *, logins: int) -> tuple:
    """One municipality's workplaces, leaders, employees, absence and advisories; returns counts."""
    policy = AdvisoryPolicy.objects.create(organization=organization)
    workplaces = _build_units(organization, employees)
    leader_of = _create_leaders(ctx, organization, workplaces, logins=logins)
    people = _create_employees(ctx, organization, employees, workplaces, leader_of)
    rows = _generate_registrations(ctx, people)
    _insert_registrations(rows)
    _insert_spells(rows, policy)
    _insert_rollups(organization, people, rows)
    unit_rollups_rebuild(organization.pk, policy)
    result = advisory_sweep(as_of=ctx.today, organization=organization, notify=False)
    if people:
        _age_the_queue(ctx, [person[0] for person in people])
    bump_statistics_version(organization.pk)
    return len(people), len(workplaces), len(rows), result.created


def seed(ctx: DemoContext) -> None:
    municipalities = [(ctx.organizations["norddjurs"], ctx.employees)] + [
        (ctx.organizations[slug], employees) for slug, _name, employees in ctx.other_municipalities
    ]
    totals = [0, 0, 0, 0]
    with _bulk_load():
        for index, (organization, employees) in enumerate(municipalities):
            counts = _seed_municipality(ctx, organization, employees, logins=3 if index == 0 else 0)
            if index == 0:
                people, workplaces, rows, created = counts
                ctx.out.write(
                    f"    absence: {people} employees in {workplaces} workplaces, "
                    f"{rows} registrations, {created} advisories"
                )
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
    analyze(Employee, AbsenceRegistration, Spell, AbsenceMonth, Advisory)
    if len(municipalities) > 1:
        people, workplaces, rows, created = totals
        ctx.out.write(
            f"    absence in {len(municipalities)} municipalities: {people} employees in {workplaces} "
            f"workplaces, {rows} registrations, {created} advisories"
        )
