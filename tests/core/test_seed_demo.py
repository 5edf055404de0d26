"""seed_demo loads the seed organisations and demo accounts, deterministically and without real names."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from apps.organizations.models import Membership, Organization, Role, User

# People named in the seed documents (shared/seeds). Demo data must never carry their names.
REAL_FULL_NAMES = [
    "Paw Borup",
    "Trine Quist",
    "Astrid Krag",
    "Rasmus Balslev",
    "Ditte Brøndum",
    "Anne Jørgensen",
    "Anders Trillingsgaard",
    "Mads Bilstrup",
]
REAL_FIRST_NAMES_IN_WORKING_GROUPS = [
    "Anne-Marie",
    "Marianne",
    "Hanne",
    "Ditte",
    "Kristian",
    "Lars",
    "Vibbe",
    "Lisette",
    "Karen",
    "Lone",
    "Trine",
]


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    call_command("seed_demo", "--employees", "60", "--years", "1", "--random-seed", "7", stdout=out)
    return out.getvalue()


def test_seed_organisations_and_accounts(seeded):
    slugs = set(Organization.objects.values_list("slug", flat=True))
    assert {"djoef-offentlig", "fagforbundet", "norddjurs", "dansk-socialraadgiverforening"} <= slugs
    fagforbundet = Organization.objects.get(slug="fagforbundet")
    assert fagforbundet.country == "NO" and fagforbundet.language == "nb"
    kinds = set(fagforbundet.units.values_list("kind", flat=True))
    assert {"county", "local union"} <= kinds
    assert fagforbundet.units.filter(kind="local union").count() == 2
    # One demo account for each role.
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert "hr.norddjurs@demo.example" in seeded
    assert "demo-portal-2026" in seeded


def test_no_real_names_on_demo_people(seeded):
    names = [f"{u.first_name} {u.last_name}" for u in User.objects.all()]
    try:
        from apps.absence.models import Employee

        names += list(Employee.objects.values_list("name", flat=True))
    except ImportError:
        pass
    for name in names:
        for real in REAL_FULL_NAMES:
            assert real not in name
        assert name.split(" ")[0] not in REAL_FIRST_NAMES_IN_WORKING_GROUPS, name


def test_same_seed_gives_same_people(db):
    def load() -> list:
        call_command(
            "seed_demo", "--employees", "30", "--years", "1", "--random-seed", "3", stdout=io.StringIO()
        )
        return sorted(User.objects.values_list("email", "first_name", "last_name"))

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            first = load()
            raise Rollback
    except Rollback:
        pass
    assert not User.objects.exists()
    assert load() == first


def test_if_empty_does_not_load_twice(seeded):
    before = User.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert User.objects.count() == before
    assert "hr.norddjurs@demo.example" in out.getvalue()


def test_the_log_ins_table_lists_every_shown_account_with_the_address(db):
    from apps.organizations.models import User

    call_command("seed_demo", "--employees", "30", "--years", "1", "--no-logins", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", "--logins", "--url", "http://127.0.0.1:8101/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8101/" in text and "demo-portal-2026" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "@" in line]
    assert rows and len({len(line) for line in rows}) == 1  # the columns line up
    assert any("hr.norddjurs@demo.example" in line for line in rows)
    # Only accounts one can log in with (the generated committee members have no password).
    listed = [line.split("|")[1].strip() for line in rows]
    users = {u.email: u for u in User.objects.filter(email__in=listed)}
    assert all(users[email].check_password("demo-portal-2026") for email in listed)
    assert not any(email.startswith("med.medlem") for email in listed)
    with_password = User.objects.filter(email__endswith="@demo.example").exclude(password__startswith="!")
    assert len(rows) == min(with_password.count(), 30)


@pytest.mark.parametrize(
    ("args", "message"), [(["--port", "abc"], "must be a number"), (["--bogus"], "unknown argument")]
)
def test_bin_run_refuses_a_bad_port_or_argument_before_starting_anything(args, message):
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        ["bash", str(root / "bin" / "run"), *args], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and message in result.stderr


def test_a_national_dataset_has_the_other_municipalities_in_norddjurs_shape(db):
    """--municipalities: generated municipalities with Norddjurs' tree, their share of the country's
    employees, absence, rollups and advisories; their leaders cannot log in."""
    from apps.absence.models import AbsenceMonth, AbsenceRegistration, Advisory, Employee
    from apps.absence.rollups import rollups_rebuild

    out = io.StringIO()
    call_command(
        "seed_demo",
        *("--employees", "60", "--municipalities", "3", "--national-employees", "260", "--years", "1"),
        stdout=out,
    )
    employers = Organization.objects.filter(kind=Organization.Kind.EMPLOYER).order_by("slug")
    assert list(employers.values_list("slug", flat=True)) == ["frederiksberg", "koebenhavn", "norddjurs"]
    koebenhavn = Organization.objects.get(slug="koebenhavn")
    assert koebenhavn.name == "Københavns Kommune"
    assert koebenhavn.units.filter(depth=1).get().name == "Københavns Kommune"
    assert set(koebenhavn.units.filter(depth=2).values_list("code", flat=True)) == {
        "M01-BF",
        "M01-SA",
        "M01-SU",
        "M01-KT",
    }
    assert koebenhavn.units.filter(depth=4).exists()
    # København has about six times Frederiksberg's people (650 against 105 thousand inhabitants).
    assert Employee.objects.filter(organization=koebenhavn).count() == 200 * 650 // 755
    assert Employee.objects.filter(organization__slug="frederiksberg").count() == 200 * 105 // 755
    assert AbsenceRegistration.objects.filter(employee__organization=koebenhavn).exists()
    assert Advisory.objects.filter(employee__organization=koebenhavn).exists()
    generated = list(
        AbsenceMonth.objects.filter(organization=koebenhavn)
        .order_by("pk")
        .values_list("employee_id", "absence_type", "month", "hours", "days", "starts", "continued")
    )
    rollups_rebuild(organization=koebenhavn)
    rebuilt = AbsenceMonth.objects.filter(organization=koebenhavn).values_list(
        "employee_id", "absence_type", "month", "hours", "days", "starts", "continued"
    )
    assert sorted(generated) == sorted(rebuilt)
    leaders = User.objects.filter(memberships__organization=koebenhavn, memberships__role=Role.LEADER)
    assert leaders.exists() and not any(leader.has_usable_password() for leader in leaders)
    assert "koebenhavn" not in out.getvalue().split("Demo log-ins")[-1]
    assert "absence in 3 municipalities" in out.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--municipalities", "99"), "between 1 and 98"),
        (("--municipalities", "3"), "--national-employees"),
    ],
)
def test_a_national_dataset_needs_sane_arguments(db, arguments, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", "--employees", "60", *arguments, stdout=io.StringIO())
