"""Demo clubs: the seed organisations' workplaces with stewards, a year of meetings (OK26 demands and
§14-1a part-time meetings among them), club-fund applications in every status and one TR network.

With ``--employees 2000`` or more, ``employees // 25`` further clubs are generated in Fagforbundet and
Djøf Offentlig on new workplace units, each with about four meetings a year, all inserted in batches.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from apps.core.demo import DEMO_PASSWORD, DemoContext
from apps.organizations.models import Membership, Organization, OrgUnit, Role, User

from .models import Club, ClubFundApplication, ClubFundRules, ClubMeeting, TRNetwork

BATCH = 2000
ZONE = ZoneInfo("Europe/Copenhagen")
DEMO_DOMAIN = "demo.example"

RULES = {
    # slug: (amount per member per year, cap per participant per event, days in advance)
    "djoef-offentlig": (Decimal("400"), Decimal("450"), 14),
    "fagforbundet": (Decimal("300"), Decimal("350"), 21),
    "dansk-socialraadgiverforening": (Decimal("250"), Decimal("300"), 14),
}

# slug: [(unit code, club name, parent code for a new unit or None, unit name)]
# organisation slug: (code, club name, parent unit's code or None, new workplace unit's name)
CLUBS: dict[str, list[tuple[str, str, str | None, str]]] = {
    "djoef-offentlig": [
        ("DO-AAK", "Djøf-klubben i Aarhus Kommune", None, ""),
        ("DO-NDK", "Djøf-klubben i Norddjurs Kommune", None, ""),
        ("DO-SKAT", "Djøf-klubben i Skatteministeriet", None, ""),
        ("DO-BM", "Djøf-klubben i Beskæftigelsesministeriet", None, ""),
        ("DO-RM", "Djøf-klubben i Region Midtjylland", None, ""),
    ],
    "fagforbundet": [
        ("FF-BRG-HJ", "Fagforbundet-klubben i hjemmetjenesten", None, ""),
        ("FF-BRG-SK", "Fagforbundet-klubben i SFO", None, ""),
        ("FF-STO-SJ", "Fagforbundet-klubben på Stord sjukeheim", None, ""),
    ],
    "dansk-socialraadgiverforening": [
        (
            "DS-OST-KBH",
            "Socialrådgiverklubben i Københavns Kommune",
            "DS-OST",
            "Københavns Kommune, Socialforvaltningen",
        ),
        (
            "DS-VEST-AAR",
            "Socialrådgiverklubben i Aarhus Kommune",
            "DS-VEST",
            "Aarhus Kommune, Sociale Forhold",
        ),
        (
            "DS-VEST-HER",
            "Socialrådgiverklubben i Herning Kommune",
            "DS-VEST",
            "Herning Kommune, Børn og Familie",
        ),
    ],
}
DEMO_STEWARDS = {"DO-AAK": "tr.djoef", "FF-BRG-HJ": "tillitsvalgt.fagforbundet", "DS-VEST-AAR": "tr.dsr"}
BOARD_USERS = {
    "djoef-offentlig": "bestyrelse.djoef",
    "fagforbundet": "styre.fagforbundet",
    "dansk-socialraadgiverforening": "bestyrelse.dsr",
}
AGENDAS = {
    ClubMeeting.Kind.ORDINARY: "Nyt fra TR\nLokale forhandlinger\nEventuelt",
    ClubMeeting.Kind.GENERAL_ASSEMBLY: "Valg af dirigent\nTR's beretning\nValg\nEventuelt",
    ClubMeeting.Kind.PART_TIME: "Drøfting av deltid (aml. § 14-1a)\nFortrinnsrett (§ 14-3)\nEventuelt",
    ClubMeeting.Kind.DEMANDS: "Indsamling af krav til OK26\nPrioritering af klubbens krav\nEventuelt",
    ClubMeeting.Kind.OTHER: "Temamøde om arbejdsmiljø",
}
AGENDAS_NO = {
    **AGENDAS,
    ClubMeeting.Kind.ORDINARY: "Nytt fra tillitsvalgt\nLokale forhandlinger\nEventuelt",
    ClubMeeting.Kind.GENERAL_ASSEMBLY: "Valg av møteleder\nÅrsberetning\nValg\nEventuelt",
    ClubMeeting.Kind.OTHER: "Temamøte om arbeidsmiljø",
}
PURPOSES = [
    "Klubmøde med spisning",
    "Temadag om lokal løndannelse",
    "Sommerarrangement for klubbens medlemmer",
    "Klubmøde om OK26 med oplægsholder",
    "Julearrangement for klubben",
]


def _at(day: date, hour: int = 16) -> datetime:
    return datetime.combine(day, time(hour, 30), tzinfo=ZONE)


def _new_steward(ctx: DemoContext, organization: Organization, unit: OrgUnit, password: str, local: str = ""):
    first, last = ctx.name(norwegian=organization.country == Organization.Country.NO)
    local = local or f"tr.{unit.code.lower()}"
    user = User.objects.create(
        email=f"{local}@{DEMO_DOMAIN}",
        password=password,
        first_name=first,
        last_name=last,
        language=organization.language,
    )
    Membership.objects.create(user=user, organization=organization, role=Role.STEWARD, unit=unit)
    return user


def _meetings_for(
    ctx: DemoContext, host: dict, count: int, days_back: int, required: ClubMeeting.Kind | None
) -> list[dict]:
    """Meeting rows (as kwargs) spread over the last ``days_back`` days, plus one planned ahead."""
    rng = ctx.rng
    rows = []
    kinds = [ClubMeeting.Kind.ORDINARY] * 4 + [ClubMeeting.Kind.GENERAL_ASSEMBLY, ClubMeeting.Kind.OTHER]
    for n in range(count):
        kind = rng.choice(kinds)
        if n == 0:
            kind = ClubMeeting.Kind.GENERAL_ASSEMBLY
        elif n == 1 and required:
            kind = required
        day = ctx.today - timedelta(days=rng.randrange(1, days_back))
        rows.append(
            {
                **host,
                "starts_at": _at(day, rng.choice([8, 12, 15, 16])),
                "kind": kind,
                "status": ClubMeeting.Status.HELD,
                "attendance": max(1, int(host["_members"] * rng.uniform(0.15, 0.7))),
                "agenda": (AGENDAS_NO if host.get("_no") else AGENDAS)[kind],
                "chair_present": rng.random() < 0.08,
                "_board": rng.random() < 0.25,
            }
        )
    rows.append(
        {
            **host,
            "starts_at": _at(ctx.today + timedelta(days=rng.randrange(5, 60))),
            "kind": ClubMeeting.Kind.ORDINARY,
            "status": ClubMeeting.Status.PLANNED,
            "attendance": None,
            "agenda": AGENDAS[ClubMeeting.Kind.ORDINARY],
            "chair_present": False,
            "_board": False,
        }
    )
    return rows


def _insert_meetings(rows: list[dict], board_user: dict[int, User | None]) -> None:
    objects = []
    guests = []
    for row in rows:
        fields = {k: v for k, v in row.items() if not k.startswith("_")}
        objects.append(ClubMeeting(**fields))
        guests.append(board_user.get(row["_org"]) if row["_board"] else None)
    created = ClubMeeting.objects.bulk_create(objects, batch_size=BATCH)
    through = ClubMeeting.board_guests.through
    links = [through(clubmeeting_id=m.pk, user_id=g.pk) for m, g in zip(created, guests, strict=True) if g]
    through.objects.bulk_create(links, batch_size=BATCH)


def _applications(
    ctx: DemoContext, club: Club, every_status: bool, decider: User | None
) -> list[ClubFundApplication]:
    rng = ctx.rng
    now = timezone.now()
    statuses = (
        list(ClubFundApplication.Status.values)
        if every_status
        else [rng.choice(ClubFundApplication.Status.values)]
    )
    rows = []
    for status in statuses:
        participants = max(1, min(club.member_count, rng.randint(5, 30)))
        ahead = status in (ClubFundApplication.Status.DRAFT, ClubFundApplication.Status.SUBMITTED)
        event = (
            ctx.today + timedelta(days=rng.randrange(20, 90))
            if ahead
            else ctx.today - timedelta(days=rng.randrange(5, 300))
        )
        decided = status not in (ClubFundApplication.Status.DRAFT, ClubFundApplication.Status.SUBMITTED)
        rows.append(
            ClubFundApplication(
                club=club,
                purpose=rng.choice(PURPOSES),
                event_date=event,
                amount=Decimal(participants * rng.choice([150, 200, 250, 300])),
                participants=participants,
                status=status,
                submitted_at=None if status == ClubFundApplication.Status.DRAFT else now,
                decided_at=now if decided else None,
                decided_by=decider if decided else None,
                decision_note="Ligger uden for klubbens budget for året."
                if status == ClubFundApplication.Status.REJECTED
                else "",
            )
        )
    return rows


def seed(ctx: DemoContext) -> None:
    password = make_password(DEMO_PASSWORD)  # hashed once; every generated steward shares the demo password
    board_user: dict[int, User | None] = {}
    applications: list[ClubFundApplication] = []
    meeting_rows: list[dict] = []
    for slug, (amount, cap, days) in RULES.items():
        organization = ctx.organizations[slug]
        ClubFundRules.objects.create(
            organization=organization,
            amount_per_member_year=amount,
            cap_per_member_event=cap,
            days_in_advance=days,
        )
        board_user[organization.pk] = ctx.users.get(BOARD_USERS[slug])

    clubs_by_code: dict[str, Club] = {}
    for slug, entries in CLUBS.items():
        organization = ctx.organizations[slug]
        norwegian = organization.country == Organization.Country.NO
        required = ClubMeeting.Kind.PART_TIME if norwegian else ClubMeeting.Kind.DEMANDS
        for index, (code, name, parent_code, unit_name) in enumerate(entries):
            if parent_code:
                parent = OrgUnit.objects.get(organization=organization, code=parent_code)
                unit = OrgUnit.objects.add_child(
                    parent,
                    {"organization": organization, "code": code, "name": unit_name, "kind": "workplace"},
                )
            else:
                unit = OrgUnit.objects.get(organization=organization, code=code)
            club = Club.objects.create(
                organization=organization, unit=unit, name=name, member_count=ctx.rng.randint(25, 140)
            )
            local = DEMO_STEWARDS.get(code, "")
            steward = ctx.users.get(local) if local else None
            if steward is None:
                steward = _new_steward(ctx, organization, unit, password, local)
                if local:
                    ctx.users[local] = steward
                    ctx.logins.append((steward.email, f"{organization.name}: shop steward, {unit.name}"))
            club.stewards.add(steward)
            clubs_by_code[code] = club
            # Every third club lacks the yearly required meeting, so the overview has something to show.
            meeting_rows += _meetings_for(
                ctx,
                {"club": club, "_members": club.member_count, "_org": organization.pk, "_no": norwegian},
                ctx.rng.randint(5, 9),
                365,
                required if index % 3 != 2 else None,
            )
            applications += _applications(
                ctx, club, every_status=index == 0, decider=board_user[organization.pk]
            )

    network = TRNetwork.objects.create(
        organization=ctx.organizations["djoef-offentlig"],
        name="TR-netværket for kommuner og regioner",
        description="TR fra kommuner og regioner udveksler erfaringer med lokal løndannelse.",
    )
    network.stewards.set(
        [s for code in ("DO-AAK", "DO-NDK", "DO-RM") for s in clubs_by_code[code].stewards.all()]
    )
    meeting_rows += _meetings_for(
        ctx, {"network": network, "_members": 3, "_org": network.organization_id}, 4, 365, None
    )
    _insert_meetings(meeting_rows, board_user)
    ClubFundApplication.objects.bulk_create(applications, batch_size=BATCH)

    if ctx.employees >= 2000:
        _seed_scale(ctx, ctx.employees // 25, board_user)


def _seed_scale(ctx: DemoContext, count: int, board_user: dict[int, User | None]) -> None:
    """``count`` generated clubs on new workplace units, half in each of the two unions."""
    years = max(1, ctx.years)
    targets = [ctx.organizations["fagforbundet"], ctx.organizations["djoef-offentlig"]]
    for n_org, organization in enumerate(targets):
        share = count // 2 + (count % 2 if n_org == 0 else 0)
        norwegian = organization.country == Organization.Country.NO
        root = OrgUnit.objects.get(organization=organization, depth=1)
        prefix = "FF-GEN" if norwegian else "DO-GEN"
        parent = OrgUnit.objects.add_child(
            root,
            {
                "organization": organization,
                "code": prefix,
                "name": "Flere arbeidsplasser" if norwegian else "Flere arbejdspladser",
                "kind": "area",
            },
        )
        label = "Arbeidsplass" if norwegian else "Arbejdsplads"
        # Paths computed here (treebeard's add_child is one row at a time); names sort like the paths.
        units = [
            OrgUnit(
                organization=organization,
                code=f"{prefix}-{i:05d}",
                name=f"{label} {i:05d}",
                kind="workplace",
                depth=parent.depth + 1,
                numchild=0,
                path=OrgUnit._get_path(parent.path, parent.depth + 1, i),
            )
            for i in range(1, share + 1)
        ]
        units = OrgUnit.objects.bulk_create(units, batch_size=BATCH)
        OrgUnit.objects.filter(pk=parent.pk).update(numchild=share)
        club_word = "Klubben på" if norwegian else "Klubben i"
        clubs = Club.objects.bulk_create(
            [
                Club(
                    organization=organization,
                    unit=unit,
                    name=f"{club_word} {unit.name.lower()}",
                    member_count=ctx.rng.randint(8, 120),
                )
                for unit in units
            ],
            batch_size=BATCH,
        )
        required = ClubMeeting.Kind.PART_TIME if norwegian else ClubMeeting.Kind.DEMANDS
        rows: list[dict] = []
        applications: list[ClubFundApplication] = []
        for index, club in enumerate(clubs):
            rows += _meetings_for(
                ctx,
                {"club": club, "_members": club.member_count, "_org": organization.pk, "_no": norwegian},
                4 * years,
                365 * years,
                required if index % 4 else None,
            )
            applications += _applications(ctx, club, every_status=False, decider=board_user[organization.pk])
            if len(rows) >= BATCH * 5:
                _insert_meetings(rows, board_user)
                rows = []
        _insert_meetings(rows, board_user)
        ClubFundApplication.objects.bulk_create(applications, batch_size=BATCH)
