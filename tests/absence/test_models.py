from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from apps.absence.models import AbsenceRegistration, AdvisoryPolicy
from tests.factories import AbsenceRegistrationFactory, EmployeeFactory


@pytest.fixture
def employee(org):
    return EmployeeFactory(unit=org.units.get(code="A1"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"start_date": date(2026, 3, 5), "end_date": date(2026, 3, 4)},
        {"start_date": date(2026, 3, 5), "fraction": Decimal("0")},
        {"start_date": date(2026, 3, 5), "fraction": Decimal("1.5")},
        {"start_date": date(2026, 3, 5), "absence_type": "flu"},
    ],
)
def test_database_refuses_bad_registrations(employee, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        AbsenceRegistration.objects.create(employee=employee, **fields)


@pytest.mark.django_db
def test_partial_fraction_and_ongoing_are_fine(employee):
    registration = AbsenceRegistrationFactory(employee=employee, fraction=Decimal("0.5"), end_date=None)
    assert registration.pk


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_refuses_overlapping_registrations_of_one_employee(employee):
    assert connection.vendor == "postgresql"
    AbsenceRegistrationFactory(employee=employee, start_date=date(2026, 3, 2), end_date=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        AbsenceRegistrationFactory(employee=employee, start_date=date(2026, 4, 1), end_date=date(2026, 4, 2))
    other = EmployeeFactory(unit=employee.unit)
    AbsenceRegistrationFactory(employee=other, start_date=date(2026, 4, 1), end_date=date(2026, 4, 2))


@pytest.mark.django_db
def test_clean_reports_overlap_at_the_field(employee):
    AbsenceRegistrationFactory(employee=employee, start_date=date(2026, 3, 2), end_date=date(2026, 3, 6))
    registration = AbsenceRegistration(employee=employee, absence_type="sick", start_date=date(2026, 3, 6))
    with pytest.raises(Exception) as excinfo:
        registration.full_clean()
    assert "start_date" in excinfo.value.message_dict


@pytest.mark.django_db
def test_policy_defaults_follow_1_3_10(org):
    policy = AdvisoryPolicy.objects.create(organization=org)
    assert policy.contact_days == [1, 3, 10]
    assert policy.bradford_bands == [51, 201, 401, 601]
    assert "sick_s56" not in policy.types_for("bradford")
    assert "child_sick" not in policy.types_for("advisories")
    assert set(policy.types_for("advisories")) == {
        "sick",
        "sick_partial",
        "sick_s56",
        "pregnancy",
        "work_injury",
    }


def test_no_model_has_a_field_for_health_details():
    from django.apps import apps

    for model in apps.get_app_config("absence").get_models():
        for field in model._meta.get_fields():
            name = f"{field.name} {getattr(field, 'verbose_name', '')}".lower()
            assert not any(word in name for word in ("diagnos", "condition", "illness", "symptom")), (
                model,
                field,
            )


def test_advisory_notes_warn_against_health_details():
    from apps.absence.models import AbsenceRegistration, AdvisoryEvent

    for field in (AbsenceRegistration._meta.get_field("note"), AdvisoryEvent._meta.get_field("note")):
        assert "diagnos" in str(field.help_text)


def test_absence_outside_the_employment_is_refused_at_the_field(employee):
    """Registered through the form's service: before the employment began, or past its end."""
    from django.core.exceptions import ValidationError

    from tests.factories import register_absence

    employee.employment_start, employee.employment_end = date(2021, 5, 29), date(2026, 6, 30)
    employee.save(update_fields=["employment_start", "employment_end"])
    with pytest.raises(ValidationError) as before:
        register_absence(employee, date(2019, 1, 1), date(2019, 1, 2))
    assert before.value.message_dict["start_date"] == [
        "Ansættelsen begyndte 29.05.2021: der kan ikke være fravær før den."
    ]
    with pytest.raises(ValidationError) as after:
        register_absence(employee, date(2026, 6, 29), date(2026, 7, 2))
    assert list(after.value.message_dict) == ["end_date"]
    register_absence(employee, date(2026, 6, 1), None)  # ongoing: it stops with the employment
    assert employee.registrations.count() == 1


def test_an_absence_years_ahead_is_refused_but_one_planned_months_ahead_is_kept(employee):
    """A first day in 2072 for 2027 (or 9999) is a typing error; a planned operation in five months is not."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tests.factories import register_absence

    today = timezone.localdate()
    for start in (today + timedelta(days=400), date(9999, 12, 31)):
        with pytest.raises(ValidationError) as refused:
            register_absence(employee, start, start)
        assert refused.value.message_dict["start_date"][0].startswith(
            "Et fravær kan højst registreres et år frem"
        )
    register_absence(employee, today + timedelta(days=150), today + timedelta(days=160))
    assert employee.registrations.count() == 1
