"""Issue 14, point 2: no health free text. The issue's example ("Diagnose: depression, F32.1") and its
Norwegian and English forms are refused by the form, the service and the import, with an error that
says why and what to write instead; the structured follow-up fields save and show."""

from __future__ import annotations

import csv
import importlib
import io
import json
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.absence.forms import RegistrationForm, StepForm
from apps.absence.health import HealthTerms, note_check
from apps.absence.imports.applying import import_file
from apps.absence.models import AbsenceRegistration, Advisory, AdvisoryEvent, HealthTerm
from apps.absence.services import absence_register, absence_update, advisory_step
from apps.absence.sweep import advisory_sweep
from tests.absence.test_import_files import employee as make_employee
from tests.absence.test_import_files import make_file
from tests.factories import register_absence

pytestmark = pytest.mark.django_db

ISSUE_EXAMPLES = {
    "da": ("Diagnose: depression, F32.1", ["Diagnose", "depression", "F32.1"]),
    "nb": ("Diagnose: depresjon, F32.1", ["Diagnose", "depresjon", "F32.1"]),
    "en": ("Diagnosis: depression, F32.1", ["Diagnosis", "depression", "F32.1"]),
}
# One more named condition per language, inflected or compounded as people write them.
MORE_WORDS = {
    "da": ["Hun har kræft", "migrænen er værre", "gravid i 5. måned", "brystkræft", "DF321"],
    "nb": ["Han har kreft", "migrene igjen", "lungebetennelse", "hjerneslag", "sukkersyke"],
    "en": ["she is pregnant", "chemotherapy from May", "a migraine again", "has the flu", "M54"],
}
ALLOWED = [
    "Ringede; forventer at være tilbage mandag.",
    "Skal spare på kræfterne de første uger.",  # kræfter: strength, not kræft
    "Ringte; skal bruke kreftene på å komme tilbake.",
    "Stress i teamet; aftalte færre vagter.",  # a work-environment word, deliberately allowed
    "Fluid schedule agreed; back in two weeks.",
    "Aftalt nedsat tid til uge 12 kl. 10.30",
    "Ordrenummer AF321B",
]


@pytest.fixture(autouse=True)
def health_terms():
    """The seed lists of migrations 0007 and 0021 (a transactional test elsewhere may have flushed them)."""
    for module, seed in (
        ("0007_structured_notes", "seed_health_terms"),
        ("0021_health_terms_symptoms", "seed_symptom_terms"),
    ):
        getattr(importlib.import_module(f"apps.absence.migrations.{module}"), seed)(django_apps, None)


# Symptoms, pain, operations and hospital stays are health information as much as a diagnosis is.
SYMPTOMS = [
    ("Har ondt i ryggen efter operation på hospitalet", ["ondt i", "operation", "hospitalet"]),
    ("Smerter i knæet, går til fysioterapeut", ["Smerter", "fysioterapeut"]),
    ("Indlagt på sygehuset siden fredag", ["Indlagt", "sygehuset"]),
    ("Har vondt i ryggen etter operasjon på sykehuset", ["vondt i", "operasjon", "sykehuset"]),
    ("Kvalme og feber, tar medisin", ["Kvalme", "feber", "medisin"]),
    ("Back pain after surgery; in hospital until Friday", ["pain", "surgery", "hospital"]),
    ("Broken leg, on painkillers", ["Broken leg", "painkillers"]),
]
# Words the follow-up itself needs, and words that only begin like a health term.
ALLOWED_BESIDE_SYMPTOMS = [
    "Lægeerklæring indhentet; mulighedserklæring aftalt.",
    "Sagsbehandling af ansøgningen om nedsat tid.",
    "Operationel plan for vagterne lagt i februar.",
    "Arbejdsskade anmeldt; tilbud om psykologsamtale via sundhedsordningen.",
    "Operations manager informed; painting of the office next week.",
    "Brudd på avtalen om vaktbytte; tilbake i februar.",
]


@pytest.mark.parametrize(("text", "found"), SYMPTOMS)
def test_symptoms_pain_and_hospital_stays_are_refused(text, found):
    with pytest.raises(ValidationError) as refused:
        note_check(text)
    message = " ".join(refused.value.messages)
    for word in found:
        assert f"“{word}”" in message, (word, message)


@pytest.mark.parametrize("text", ALLOWED_BESIDE_SYMPTOMS)
def test_the_follow_ups_own_words_pass_beside_the_symptom_terms(text):
    assert note_check(text) == text


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def sick_employee(employee, employer, today):
    register_absence(employee, today - timedelta(days=4))
    advisory_sweep(as_of=today, organization=employer, notify=False)
    return employee


def in_english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def first_advisory(employee) -> Advisory:
    return Advisory.objects.filter(employee=employee).order_by("due_date").first()


# The check itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_the_issue_example_is_refused_with_an_explanation(language):
    text, words = ISSUE_EXAMPLES[language]
    with translation.override(language), pytest.raises(ValidationError) as refused:
        note_check(text)
    message = refused.value.messages[0]
    for word in words:
        assert f"“{word}”" in message
    assert "GDPR" in message
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        note_check(text)
    message = refused.value.messages[0]
    assert "may not hold diagnoses" in message and "may not ask for the diagnosis" in message
    assert "Write instead what was agreed and done" in message


@pytest.mark.parametrize(
    ("language", "text"), [(lang, t) for lang, texts in MORE_WORDS.items() for t in texts]
)
def test_named_conditions_in_each_language_are_refused(language, text):
    with pytest.raises(ValidationError):
        note_check(text)


@pytest.mark.parametrize("text", ALLOWED)
def test_ordinary_follow_up_notes_pass(text):
    assert note_check(f"  {text} ") == text


def test_a_long_note_is_refused_with_its_length():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        note_check("Ringede. " * 30)
    assert "at most 200" in refused.value.messages[0]


def test_the_list_is_data_an_admin_can_extend_and_switch_off(admin_client):
    assert note_check("Behandles for bursitis") == "Behandles for bursitis"
    response = admin_client.post(
        reverse("admin:absence_healthterm_add"),
        {"term": "bursitis", "language": "da", "kind": "word_start", "label": "", "active": "on"},
    )
    assert response.status_code == 302
    with pytest.raises(ValidationError):
        note_check("Behandles for bursitis")
    HealthTerm.objects.filter(term="gravid").update(active=False)  # listed for da and nb
    assert note_check("gravid") == "gravid"


def test_the_admin_refuses_a_pattern_that_does_not_compile(admin_client):
    response = admin_client.post(
        reverse("admin:absence_healthterm_add"),
        {"term": "(F32", "language": "any", "kind": "pattern", "label": "", "active": "on"},
    )
    assert response.status_code == 200
    assert not HealthTerm.objects.filter(term="(F32").exists()


def test_terms_are_read_once_per_checker(django_assert_num_queries):
    with django_assert_num_queries(1):
        terms = HealthTerms.active()
        for text in ALLOWED * 10:
            note_check(text, terms=terms)


# Forms -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_the_step_form_and_the_registration_form_refuse_the_example(language):
    text, words = ISSUE_EXAMPLES[language]
    step = StepForm({"to_status": "contact_made", "note": text})
    assert not step.is_valid() and words[1] in step.errors["note"][0]
    registration = RegistrationForm(
        {"absence_type": "sick", "start_date": "2026-03-02", "fraction": "1", "note": text}
    )
    assert not registration.is_valid() and words[1] in registration.errors["note"][0]


# Services (the last line: a script or another caller cannot get past it) ------------------------------


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_advisory_step_refuses_the_example_and_records_nothing(sick_employee, leader, language):
    advisory = first_advisory(sick_employee)
    text, words = ISSUE_EXAMPLES[language]
    with pytest.raises(ValidationError) as refused:
        advisory_step(advisory=advisory, to_status="contact_made", by=leader, note=text)
    assert words[1] in refused.value.message_dict["note"][0]
    advisory.refresh_from_db()
    assert advisory.status == "new" and not advisory.events.exists()


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_registration_services_refuse_the_example(employee, language):
    text, _words = ISSUE_EXAMPLES[language]
    with pytest.raises(ValidationError) as refused:
        absence_register(employee=employee, absence_type="sick", start_date=date(2026, 3, 2), note=text)
    assert "note" in refused.value.message_dict
    assert not AbsenceRegistration.objects.filter(employee=employee).exists()
    registration = absence_register(
        employee=employee, absence_type="sick", start_date=date(2026, 3, 2), note="Delvis raskmeldt fra 9/3"
    )
    with pytest.raises(ValidationError):
        absence_update(
            registration=registration,
            absence_type="sick",
            start_date=date(2026, 3, 2),
            end_date=None,
            fraction=registration.fraction,
            note=text,
        )
    registration.refresh_from_db()
    assert registration.note == "Delvis raskmeldt fra 9/3"


def test_advisory_step_refuses_unknown_choices(sick_employee, leader):
    advisory = first_advisory(sick_employee)
    with pytest.raises(ValidationError) as refused:
        advisory_step(
            advisory=advisory,
            to_status="contact_made",
            by=leader,
            contact_form="telepathy",
            outcome="cured",
            adjustments=["none", "reduced_hours"],
        )
    assert set(refused.value.message_dict) == {"contact_form", "outcome", "adjustments"}


# Views -----------------------------------------------------------------------------------------------


def test_step_in_the_queue_with_htmx_refuses_the_example_and_keeps_what_was_entered(
    login, leader, sick_employee, employer
):
    advisory = first_advisory(sick_employee)
    url = reverse("absence:advisory_step", args=[employer.slug, advisory.pk])
    data = {
        "to_status": "contact_made",
        "contact_form": "phone",
        "outcome": "partial_return",
        "adjustments": ["reduced_hours", "aids"],
        "note": ISSUE_EXAMPLES["da"][0],
    }
    response = login(in_english(leader)).post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "“depression”" in response.text and "may not hold diagnoses" in response.text
    # What the leader chose is still there, and only that.
    assert 'value="phone" selected' in response.text
    assert 'value="partial_return" selected' in response.text
    assert response.text.count(" selected>") == 2
    reduced = f'id="adjustment-{advisory.pk}-reduced_hours" name="adjustments" value="reduced_hours" checked'
    assert reduced in response.text
    assert f'id="adjustment-{advisory.pk}-aids" name="adjustments" value="aids" checked' in response.text
    assert response.text.count(" checked>") == 2
    assert not AdvisoryEvent.objects.filter(advisory=advisory).exists()


def test_step_without_js_refuses_the_example_with_a_message(login, leader, sick_employee, employer):
    advisory = first_advisory(sick_employee)
    url = reverse("absence:advisory_step", args=[employer.slug, advisory.pk])
    response = login(leader).post(url, {"to_status": "contact_made", "note": "kræft"}, follow=True)
    assert response.status_code == 200
    assert "“kræft”" in response.text
    assert not AdvisoryEvent.objects.filter(advisory=advisory).exists()


def test_structured_fields_save_and_show_on_the_timeline_and_in_the_export(
    login, leader, hr_user, sick_employee, employer, today
):
    advisory = first_advisory(sick_employee)
    url = reverse("absence:advisory_step", args=[employer.slug, advisory.pk])
    next_contact = today + timedelta(days=5)
    response = login(leader).post(
        url,
        {
            "to_status": "contact_made",
            "contact_form": "phone",
            "outcome": "partial_return",
            "adjustments": ["reduced_hours", "changed_tasks"],
            "next_contact": next_contact.isoformat(),
            "note": "Starter på 20 timer om ugen",
        },
    )
    assert response.status_code == 302
    event = AdvisoryEvent.objects.get(advisory=advisory)
    assert (event.contact_form, event.outcome, event.adjustments, event.next_contact, event.note) == (
        "phone",
        "partial_return",
        ["reduced_hours", "changed_tasks"],
        next_contact,
        "Starter på 20 timer om ugen",
    )
    timeline = login(in_english(leader)).get(
        reverse("absence:employee", args=[employer.slug, sick_employee.pk])
    )
    text = timeline.text
    for shown in ("Phone", "Partial return agreed", "Reduced hours, Changed tasks", "Starter på 20 timer"):
        assert shown in text
    export = login(hr_user).get(reverse("absence:employee_export", args=[employer.slug, sick_employee.pk]))
    step = next(a for a in export.json()["advisories"] if a["steps"])["steps"][0]
    assert step["contact_form"] == "phone" and step["adjustments"] == ["reduced_hours", "changed_tasks"]
    assert step["next_contact"] == next_contact.isoformat() and step["note_awaits_review"] is False


def test_registration_form_saves_a_short_note_and_refuses_a_diagnosis(login, hr_user, employee, employer):
    url = reverse("absence:registration_create", args=[employer.slug, employee.pk])
    data = {"absence_type": "sick", "start_date": "2026-03-02", "fraction": "1", "note": "Sygemeldt: angst"}
    client = login(hr_user)
    refused = client.post(url, data)
    assert refused.status_code == 422 and "“angst”" in refused.text
    assert not AbsenceRegistration.objects.filter(employee=employee).exists()
    data["note"] = "Meldt syg via telefon"
    assert client.post(url, data).status_code == 302
    assert AbsenceRegistration.objects.get(employee=employee).note == "Meldt syg via telefon"
    page = client.get(reverse("absence:employee", args=[employer.slug, employee.pk]))
    assert "Meldt syg via telefon" in page.text


# Import ----------------------------------------------------------------------------------------------

HEADER = ["employee_number", "absence_type", "start_date", "end_date", "fraction", "note"]


def quoted_csv(rows: list[list[str]]) -> tuple[bytes, str]:
    """As a spreadsheet saves it: the note's commas quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    return buffer.getvalue().encode(), "file.csv"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_import_refuses_the_example_per_row_with_its_line_number(org, fmt, language):
    make_employee(org, "100")
    make_employee(org, "200")
    text, words = ISSUE_EXAMPLES[language]
    rows = [
        ["100", "sick", "2026-03-02", "2026-03-04", "1", "Ringede mandag"],
        ["200", "sick", "2026-03-02", "2026-03-04", "1", text],
    ]
    data, name = make_file(fmt, HEADER, rows) if fmt == "xlsx" else quoted_csv(rows)
    with translation.override("en"):
        plan, result = import_file(organization=org, kind="absences", data=data, filename=name)
        message = str(plan.errors[0])
    assert result is None  # the whole file or nothing
    assert [error.line for error in plan.errors] == [3]
    assert message.startswith("line 3: note:") and f"“{words[1]}”" in message and "GDPR" in message
    assert not AbsenceRegistration.objects.filter(employee__organization=org).exists()


def test_import_with_notes_saves_them_and_a_file_without_the_column_keeps_them(org):
    make_employee(org, "100")
    data, name = make_file("csv", HEADER, [["100", "sick", "2026-03-02", "2026-03-04", "1", "Ringede"]])
    plan, result = import_file(organization=org, kind="absences", data=data, filename=name)
    assert result is not None and result.created == 1
    assert AbsenceRegistration.objects.get().note == "Ringede"
    plan, result = import_file(organization=org, kind="absences", data=data, filename=name)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    without, name = make_file("csv", HEADER[:-1], [["100", "sick", "2026-03-02", "2026-03-05", "1"]])
    plan, result = import_file(organization=org, kind="absences", data=without, filename=name)
    assert result.updated == 1
    registration = AbsenceRegistration.objects.get()
    assert (registration.end_date, registration.note) == (date(2026, 3, 5), "Ringede")


# Export and demo -------------------------------------------------------------------------------------


def test_the_export_holds_the_registration_note(login, hr_user, employee, employer):
    absence_register(employee=employee, absence_type="sick", start_date=date(2026, 3, 2), note="Ringede")
    response = login(hr_user).get(reverse("absence:employee_export", args=[employer.slug, employee.pk]))
    assert json.loads(response.content)["registrations"][0]["note"] == "Ringede"
