"""Demo organisations from the seed documents, their unit trees and one account per role."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from apps.core.demo import DEMO_PASSWORD, DemoContext

from .models import Membership, Organization, OrgUnit, Role, User

# (code, name, kind, children)
TREES: dict[str, list[tuple]] = {
    "djoef-offentlig": [
        (
            "DO",
            "Djøf Offentlig",
            "section",
            [
                (
                    "DO-STAT",
                    "Staten",
                    "sector",
                    [
                        ("DO-SKAT", "Skatteministeriet", "workplace", []),
                        ("DO-BM", "Beskæftigelsesministeriet", "workplace", []),
                    ],
                ),
                (
                    "DO-KOM",
                    "Kommuner",
                    "sector",
                    [
                        ("DO-AAK", "Aarhus Kommune", "workplace", []),
                        ("DO-NDK", "Norddjurs Kommune", "workplace", []),
                    ],
                ),
                (
                    "DO-REG",
                    "Regioner",
                    "sector",
                    [
                        ("DO-RM", "Region Midtjylland", "workplace", []),
                    ],
                ),
            ],
        ),
    ],
    "fagforbundet": [
        (
            "FF",
            "Fagforbundet",
            "national",
            [
                (
                    "FF-VL",
                    "Fagforbundet Vestland",
                    "county",
                    [
                        (
                            "FF-BRG",
                            "Fagforbundet Bergen",
                            "local union",
                            [
                                ("FF-BRG-HJ", "Bergen kommune, hjemmetjenesten", "workplace", []),
                                ("FF-BRG-SK", "Bergen kommune, skolefritidsordningen", "workplace", []),
                            ],
                        ),
                        (
                            "FF-STO",
                            "Fagforbundet Stord",
                            "local union",
                            [
                                ("FF-STO-SJ", "Stord sjukeheim", "workplace", []),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ],
    "norddjurs": [
        (
            "NK",
            "Norddjurs Kommune",
            "municipality",
            [
                (
                    "NK-BF",
                    "Børn og Familie",
                    "area",
                    [
                        ("NK-BF-DAG", "Dagtilbud", "department", []),
                        ("NK-BF-SKO", "Skoler", "department", []),
                    ],
                ),
                (
                    "NK-SA",
                    "Social og Arbejdsmarked",
                    "area",
                    [
                        ("NK-SA-JOB", "Jobcenter", "department", []),
                        ("NK-SA-HAN", "Handicap og Psykiatri", "department", []),
                    ],
                ),
                (
                    "NK-SU",
                    "Sundhed og Omsorg",
                    "area",
                    [
                        ("NK-SU-HJE", "Hjemmeplejen", "department", []),
                        ("NK-SU-PLE", "Plejecentre", "department", []),
                    ],
                ),
                (
                    "NK-KT",
                    "Kultur, Teknik og Administration",
                    "area",
                    [
                        ("NK-KT-ADM", "Administration", "department", []),
                        ("NK-KT-DRI", "Drift og Service", "department", []),
                    ],
                ),
            ],
        ),
    ],
    "dansk-socialraadgiverforening": [
        (
            "DS",
            "Dansk Socialrådgiverforening",
            "union",
            [
                ("DS-OST", "Region Øst", "region", []),
                ("DS-VEST", "Region Vest", "region", []),
            ],
        ),
    ],
}

ORGANIZATIONS = [
    # slug, name, kind, country, language, parent slug
    ("djoef", "Djøf", Organization.Kind.UNION, "DK", "da", None),
    ("djoef-offentlig", "Djøf Offentlig", Organization.Kind.UNION_SECTION, "DK", "da", "djoef"),
    ("fagforbundet", "Fagforbundet", Organization.Kind.UNION, "NO", "nb", None),
    ("norddjurs", "Norddjurs Kommune", Organization.Kind.EMPLOYER, "DK", "da", None),
    (
        "dansk-socialraadgiverforening",
        "Dansk Socialrådgiverforening",
        Organization.Kind.UNION,
        "DK",
        "da",
        None,
    ),
]

# email local part, organisation, role, unit code or None, description
ACCOUNTS = [
    ("bestyrelse.djoef", "djoef-offentlig", Role.BOARD, None, "Djøf Offentlig: board member"),
    ("sekretariat.djoef", "djoef-offentlig", Role.STAFF, None, "Djøf Offentlig: union staff"),
    ("tr.djoef", "djoef-offentlig", Role.STEWARD, "DO-AAK", "Djøf Offentlig: shop steward, Aarhus Kommune"),
    ("styre.fagforbundet", "fagforbundet", Role.BOARD, None, "Fagforbundet: board member"),
    (
        "tillitsvalgt.fagforbundet",
        "fagforbundet",
        Role.STEWARD,
        "FF-BRG-HJ",
        "Fagforbundet: tillitsvalgt, Bergen",
    ),
    ("hr.norddjurs", "norddjurs", Role.HR, None, "Norddjurs: HR"),
    ("leder.norddjurs", "norddjurs", Role.LEADER, "NK-SU-HJE", "Norddjurs: leader, Hjemmeplejen"),
    ("formand.hu.norddjurs", "norddjurs", Role.MED, None, "Norddjurs: HU chair (management)"),
    ("naestformand.hu.norddjurs", "norddjurs", Role.MED, None, "Norddjurs: HU vice-chair (employees)"),
    ("med.norddjurs", "norddjurs", Role.MED, "NK-SA", "Norddjurs: MED member, Social og Arbejdsmarked"),
    ("tr.norddjurs", "norddjurs", Role.STEWARD, "NK-SU", "Norddjurs: TR in Sundhed og Omsorg"),
    (
        "amr.norddjurs",
        "norddjurs",
        Role.SAFETY_REP,
        "NK-BF",
        "Norddjurs: safety representative, Børn og Familie",
    ),
    (
        "bestyrelse.dsr",
        "dansk-socialraadgiverforening",
        Role.BOARD,
        None,
        "Dansk Socialrådgiverforening: board",
    ),
    ("admin", None, Role.ADMIN, None, "Administrator of every demo organisation and the Django admin"),
]

DEMO_DOMAIN = "demo.example"


def _build_tree(organization: Organization, nodes: list[tuple], parent: OrgUnit | None) -> None:
    for code, name, kind, children in nodes:
        fields = {"organization": organization, "code": code, "name": name, "kind": kind}
        unit = (
            OrgUnit.objects.add_root(fields) if parent is None else OrgUnit.objects.add_child(parent, fields)
        )
        _build_tree(organization, children, unit)


def seed(ctx: DemoContext) -> None:
    organizations: dict[str, Organization] = {}
    for slug, name, kind, country, language, parent in ORGANIZATIONS:
        organizations[slug] = Organization.objects.create(
            slug=slug,
            name=name,
            kind=kind,
            country=country,
            language=language,
            parent=organizations.get(parent) if parent else None,
        )
    for slug, nodes in TREES.items():
        _build_tree(organizations[slug], nodes, None)
    ctx.organizations.update(organizations)

    for local, org_slug, role, unit_code, description in ACCOUNTS:
        first, last = ctx.name(norwegian=org_slug == "fagforbundet")
        email = f"{local}@{DEMO_DOMAIN}"
        is_admin = org_slug is None
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=is_admin,
            is_superuser=is_admin,
            language=organizations[org_slug].language if org_slug else "",
        )
        targets = list(organizations.values()) if org_slug is None else [organizations[org_slug]]
        for organization in targets:
            unit = OrgUnit.objects.get(organization=organization, code=unit_code) if unit_code else None
            Membership.objects.create(user=user, organization=organization, role=role, unit=unit)
        ctx.users[local] = user
        ctx.logins.append((email, description))
    seed_municipalities(ctx)


def describe_demo_accounts() -> list[tuple[str, str]]:
    """Every demo account one can log in with, and its roles, for printing again when the data is
    already loaded (generated members and leaders have no password: they fill the organisation)."""
    described = {f"{local}@{DEMO_DOMAIN}": description for local, _o, _r, _u, description in ACCOUNTS}
    users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exclude(
        password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    users = users.prefetch_related("memberships__organization", "memberships__unit")
    lines = []
    for user in users.order_by("date_joined", "pk"):
        if user.email in described:
            lines.append((user.email, described[user.email]))
            continue
        roles = "; ".join(
            f"{m.organization.name}: {m.get_role_display()}"
            + (f", {m.unit.name}" if m.unit is not None else "")
            for m in user.memberships.all()
        )
        lines.append((user.email, roles))
    return lines


# The other 97 Danish municipalities, for a national dataset (seed_demo --municipalities 98): name and
# population in thousands (rounded, 2024), which sets each one's share of the generated employees.
MUNICIPALITIES = [
    ("Københavns Kommune", 650),
    ("Frederiksberg Kommune", 105),
    ("Albertslund Kommune", 28),
    ("Allerød Kommune", 26),
    ("Ballerup Kommune", 52),
    ("Bornholms Regionskommune", 39),
    ("Brøndby Kommune", 39),
    ("Dragør Kommune", 14),
    ("Egedal Kommune", 44),
    ("Fredensborg Kommune", 41),
    ("Frederikssund Kommune", 46),
    ("Furesø Kommune", 41),
    ("Gentofte Kommune", 75),
    ("Gladsaxe Kommune", 70),
    ("Glostrup Kommune", 24),
    ("Gribskov Kommune", 41),
    ("Halsnæs Kommune", 31),
    ("Helsingør Kommune", 63),
    ("Herlev Kommune", 30),
    ("Hillerød Kommune", 52),
    ("Hvidovre Kommune", 54),
    ("Høje-Taastrup Kommune", 51),
    ("Hørsholm Kommune", 25),
    ("Ishøj Kommune", 24),
    ("Lyngby-Taarbæk Kommune", 57),
    ("Rudersdal Kommune", 57),
    ("Rødovre Kommune", 41),
    ("Tårnby Kommune", 44),
    ("Vallensbæk Kommune", 17),
    ("Faxe Kommune", 37),
    ("Greve Kommune", 51),
    ("Guldborgsund Kommune", 60),
    ("Holbæk Kommune", 72),
    ("Kalundborg Kommune", 49),
    ("Køge Kommune", 62),
    ("Lejre Kommune", 28),
    ("Lolland Kommune", 40),
    ("Næstved Kommune", 84),
    ("Odsherred Kommune", 33),
    ("Ringsted Kommune", 35),
    ("Roskilde Kommune", 89),
    ("Slagelse Kommune", 80),
    ("Solrød Kommune", 24),
    ("Sorø Kommune", 30),
    ("Stevns Kommune", 23),
    ("Vordingborg Kommune", 45),
    ("Assens Kommune", 41),
    ("Billund Kommune", 27),
    ("Esbjerg Kommune", 116),
    ("Faaborg-Midtfyn Kommune", 51),
    ("Fanø Kommune", 4),
    ("Fredericia Kommune", 52),
    ("Haderslev Kommune", 56),
    ("Kerteminde Kommune", 24),
    ("Kolding Kommune", 95),
    ("Langeland Kommune", 12),
    ("Middelfart Kommune", 39),
    ("Nordfyns Kommune", 29),
    ("Nyborg Kommune", 32),
    ("Odense Kommune", 206),
    ("Svendborg Kommune", 59),
    ("Sønderborg Kommune", 74),
    ("Tønder Kommune", 37),
    ("Varde Kommune", 50),
    ("Vejen Kommune", 43),
    ("Vejle Kommune", 120),
    ("Ærø Kommune", 6),
    ("Aabenraa Kommune", 59),
    ("Favrskov Kommune", 49),
    ("Hedensted Kommune", 47),
    ("Herning Kommune", 90),
    ("Holstebro Kommune", 59),
    ("Horsens Kommune", 98),
    ("Ikast-Brande Kommune", 42),
    ("Lemvig Kommune", 19),
    ("Odder Kommune", 23),
    ("Randers Kommune", 99),
    ("Ringkøbing-Skjern Kommune", 56),
    ("Samsø Kommune", 4),
    ("Silkeborg Kommune", 98),
    ("Skanderborg Kommune", 64),
    ("Skive Kommune", 46),
    ("Struer Kommune", 21),
    ("Syddjurs Kommune", 43),
    ("Viborg Kommune", 97),
    ("Aarhus Kommune", 367),
    ("Brønderslev Kommune", 36),
    ("Frederikshavn Kommune", 59),
    ("Hjørring Kommune", 64),
    ("Jammerbugt Kommune", 38),
    ("Læsø Kommune", 2),
    ("Mariagerfjord Kommune", 42),
    ("Morsø Kommune", 20),
    ("Rebild Kommune", 30),
    ("Thisted Kommune", 43),
    ("Vesthimmerland Kommune", 36),
    ("Aalborg Kommune", 222),
]


def _renamed(nodes: list[tuple], code: str, name: str) -> list[tuple]:
    """Norddjurs' tree with another municipality's code prefix (NK-BF-DAG -> M07-BF-DAG) and name."""
    return [
        (
            code + node_code.removeprefix("NK"),
            name if kind == "municipality" else node_name,
            kind,
            _renamed(children, code, name),
        )
        for node_code, node_name, kind, children in nodes
    ]


def municipality_slug(name: str) -> str:
    base = name.removesuffix(" Kommune").removesuffix(" Regionskommune")
    if base in ("Københavns", "Bornholms", "Nordfyns"):  # genitive in the municipality's own name
        base = base.removesuffix("s")
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
    return "-".join(base.translate(table).lower().replace("-", " ").split())


def municipality_share(employees: int, count: int) -> list[tuple[str, str, int]]:
    """(slug, name, employees) of the first ``count`` generated municipalities, about ``employees`` in
    all, shared by population (each at least 25: one workplace)."""
    chosen = MUNICIPALITIES[:count]
    population = sum(size for _name, size in chosen)
    return [(municipality_slug(name), name, max(25, employees * size // population)) for name, size in chosen]


def seed_municipalities(ctx: DemoContext) -> None:
    """The generated municipalities: organisations with Norddjurs' unit tree, no demo accounts."""
    for index, (slug, name, _employees) in enumerate(ctx.other_municipalities, start=1):
        organization = Organization.objects.create(
            slug=slug, name=name, kind=Organization.Kind.EMPLOYER, country="DK", language="da"
        )
        _build_tree(organization, _renamed(TREES["norddjurs"], f"M{index:02d}", name), None)
        ctx.organizations[slug] = organization
