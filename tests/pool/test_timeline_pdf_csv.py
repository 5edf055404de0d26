import io

from django.urls import reverse
from pypdf import PdfReader

from apps.pool import services
from apps.pool.models import Step
from tests.factories import complete_application
from tests.helpers import organization_slug_of


def test_timeline_shows_planned_months_moves_and_the_deadline(login, project_member, application):
    application.status = Step.IDEA
    application.save(update_fields=["status"])
    services.application_advance(application=application, to_step=Step.DRAFTING, by=project_member)
    body = (
        login(project_member)
        .get(reverse("pool:application_timeline", args=[organization_slug_of(application), application.pk]))
        .content.decode()
    )
    assert "december 2026" in body.lower() and "februar 2027" in body.lower()
    assert "marts 2027" in body.lower() and "april 2027" in body.lower()
    assert "30. oktober 2027" in body
    assert "Pia" in body  # who moved it


def test_timeline_permissions(client, login, leader, hr_user_other, hu_member, application):
    url = reverse("pool:application_timeline", args=[organization_slug_of(application), application.pk])
    assert client.get(url).status_code == 302
    assert login(hr_user_other).get(url).status_code == 404
    assert login(leader).get(url).status_code == 403
    assert login(hu_member).get(url).status_code == 200
    assert login(hu_member).post(url).status_code == 405


def test_pdf_has_every_section_the_budget_and_the_signatures(login, chair, hu_member, application):
    complete_application(application)
    application.status = Step.QUALIFICATION
    application.save(update_fields=["status"])
    services.signature_add(application=application, by=chair)
    response = login(hu_member).get(
        reverse("pool:application_pdf", args=[organization_slug_of(application), application.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Ledertrivsel",
        "Et forløb om ledertrivsel.",
        "Bedre psykisk arbejdsmiljø for ledere.",
        "Måling før og efter.",
        "Erfaringer deles i MED-systemet.",
        "Lederes psykiske arbejdsmiljø",
        "Evaluering",
        "3.500.000",
        "4.200.000",  # eligible total
        "4.300.000",  # total
        "Carla Formand",
    ):
        assert expected in text, expected
    assert reader.pages[0].mediabox.width == 595.28 or round(float(reader.pages[0].mediabox.width)) == 595


def test_pdf_permissions(client, login, leader, hr_user_other, application):
    url = reverse("pool:application_pdf", args=[organization_slug_of(application), application.pk])
    assert client.get(url).status_code == 302
    assert login(hr_user_other).get(url).status_code == 404
    assert login(leader).get(url).status_code == 403
    assert login(leader).post(url).status_code == 405


def test_budget_csv(login, project_member, application):
    complete_application(application)
    response = login(project_member).get(
        reverse("pool:application_budget_csv", args=[organization_slug_of(application), application.pk])
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "Forløb;3500000;" + lines[1].rsplit(";", 1)[1]
    assert any(line.startswith("Forplejning;100000;") for line in lines)
    assert lines[-2].endswith(";4300000;")
    assert lines[-1].endswith(";4200000;")


def test_budget_csv_permissions(client, login, leader, hr_user_other, application):
    url = reverse("pool:application_budget_csv", args=[organization_slug_of(application), application.pk])
    assert client.get(url).status_code == 302
    assert login(hr_user_other).get(url).status_code == 404
    assert login(leader).get(url).status_code == 403
    assert login(leader).post(url).status_code == 405
