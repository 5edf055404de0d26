"""Issue 16, "Dates": a plan year like 99999 is refused through every real path; periods outside the
organisation's window ask for confirmation. (The strategy tests read English; see conftest.)"""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.strategy import services
from apps.strategy.models import Initiative, StrategyPlan
from apps.strategy.plan_csv import COLUMNS
from tests.factories import StrategyPlanFactory
from tests.helpers import organization_slug_of

YEAR_RANGE = "The year must be between 1900 and 2200."
CONFIRM = 'name="confirm_dates"'
THIS_YEAR = timezone.localdate().year


def _create(client, org, start, end, **extra):
    data = {"title": "Ny plan", "start_year": start, "end_year": end, "introduction": "", **extra}
    return client.post(reverse("strategy:plan_list", args=[org.slug]), data)


@pytest.mark.parametrize(("start", "end"), [(99999, 99999), (THIS_YEAR, 99999), (1066, THIS_YEAR)])
def test_a_plan_year_like_99999_is_refused_by_the_new_plan_form(login, board_member, org, start, end):
    response = _create(login(board_member), org, start, end, confirm_dates="on")
    assert response.status_code == 422
    assert YEAR_RANGE in response.content.decode()
    assert not StrategyPlan.objects.filter(title="Ny plan").exists()


def test_a_plan_year_like_99999_is_refused_by_the_edit_form(login, board_member, plan):
    url = reverse("strategy:plan_edit", args=[organization_slug_of(plan), plan.pk])
    data = {
        "title": plan.title,
        "start_year": 2025,
        "end_year": 99999,
        "introduction": "",
        "confirm_dates": "on",
    }
    response = login(board_member).post(url, data)
    assert YEAR_RANGE in response.content.decode()
    plan.refresh_from_db()
    assert plan.end_year == 2028


def test_a_plan_year_like_99999_is_refused_by_the_copy_form(login, board_member, plan):
    url = reverse("strategy:plan_copy", args=[organization_slug_of(plan), plan.pk])
    response = login(board_member).post(url, {"title": "Kopi", "start_year": 99999, "end_year": 99999})
    assert YEAR_RANGE in response.content.decode()
    assert not StrategyPlan.objects.filter(title="Kopi").exists()


def test_a_date_in_year_99999_is_refused_by_the_csv_import(login, board_member, org):
    plan = StrategyPlanFactory(organization=org)
    rows = [
        {"kind": "focus_area", "ref": "F1", "title": "Deltid"},
        {
            "kind": "initiative",
            "ref": "I1",
            "focus_area_ref": "F1",
            "text": "Kortlægge",
            "due": "99999-01-01",
        },
        {"kind": "initiative", "ref": "I2", "focus_area_ref": "F1", "text": "Drøfte", "start": "3000-01-01"},
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    upload = SimpleUploadedFile("plan.csv", out.getvalue().encode(), content_type="text/csv")
    response = login(board_member).post(
        reverse("strategy:plan_import", args=[organization_slug_of(plan), plan.pk]), {"file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Row 3" in body and "99999-01-01" in body
    assert "Row 4" in body and f"start: {YEAR_RANGE}" in body
    assert not Initiative.objects.exists()


def test_the_services_refuse_absurd_years(org, plan):
    with pytest.raises(ValidationError) as caught:
        services.plan_create(organization=org, title="X", start_year=99999, end_year=99999)
    assert set(caught.value.message_dict) == {"start_year", "end_year"}
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, title="X", start_year=2025, end_year=2201, introduction="")
    with pytest.raises(ValidationError):
        services.plan_copy(source=plan, title="X", start_year=1899, end_year=2030)


def test_the_database_refuses_absurd_years(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyPlan.objects.create(organization=org, title="X", start_year=2025, end_year=9999)


def test_a_plan_starting_outside_the_window_asks_for_confirmation(login, board_member, org):
    client = login(board_member)
    response = _create(client, org, THIS_YEAR + 7, THIS_YEAR + 10)
    body = response.content.decode()
    assert "This is more than 5 years ahead." in body and CONFIRM in body
    assert not StrategyPlan.objects.filter(title="Ny plan").exists()
    response = _create(client, org, THIS_YEAR + 7, THIS_YEAR + 10, confirm_dates="on")
    assert response.status_code == 302
    assert StrategyPlan.objects.get(title="Ny plan").start_year == THIS_YEAR + 7


def test_a_plan_longer_than_the_window_asks_for_confirmation(login, board_member, org):
    response = _create(login(board_member), org, THIS_YEAR, THIS_YEAR + 50)
    assert "The plan would run for more than 5 years." in response.content.decode()
    assert not StrategyPlan.objects.filter(title="Ny plan").exists()


def test_a_normal_next_period_needs_no_confirmation(login, board_member, org):
    # A 4-year plan starting in 3 years ends beyond the window's last year; that is normal.
    response = _create(login(board_member), org, THIS_YEAR + 3, THIS_YEAR + 6)
    assert response.status_code == 302


def test_the_copy_form_asks_for_a_period_outside_the_window(login, board_member, plan):
    url = reverse("strategy:plan_copy", args=[organization_slug_of(plan), plan.pk])
    client = login(board_member)
    data = {"title": "Kopi", "start_year": THIS_YEAR - 9, "end_year": THIS_YEAR - 6}
    response = client.post(url, data)
    assert "This is more than 5 years in the past." in response.content.decode()
    assert client.post(url, {**data, "confirm_dates": "on"}).status_code == 302
    assert StrategyPlan.objects.filter(title="Kopi").exists()
