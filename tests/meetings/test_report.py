import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from apps.meetings.fixtures_data import load_discussion_guide
from apps.meetings.models import Committee, DiscussionQuestion, GuideAnswer, Meeting
from apps.meetings.report import build_section
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    return OrganizationFactory(slug="kommune", name="Kommunen", kind="employer")


def test_union_gets_no_section(org):
    assert build_section(org, 2026) is None


def test_empty_year_has_no_data(municipality):
    section = build_section(municipality, 2026)
    assert section.key == "meetings" and section.has_data is False
    html = render_to_string(
        section.template, {"section": section, "organization": municipality, "year": 2026}
    )
    assert "Der blev ikke holdt MED-møder i år." in html


def test_meetings_decisions_and_answers(municipality):
    hu = CommitteeFactory(organization=municipality, kind=Committee.Kind.HU, name="HU")
    lmu = CommitteeFactory(organization=municipality, kind=Committee.Kind.LMU, name="LMU Skoler")
    approved = MeetingFactory(
        committee=hu,
        date=datetime.date(2026, 3, 1),
        status=Meeting.Status.MINUTES_APPROVED,
        minutes_approved_at=timezone.now(),
    )
    AgendaItemFactory(meeting=approved, title="1-3-10 model", kind="decision", outcome="approved")
    MeetingFactory(committee=lmu, date=datetime.date(2026, 5, 1), status=Meeting.Status.HELD)
    MeetingFactory(committee=lmu, date=datetime.date(2026, 6, 1), status=Meeting.Status.DRAFT)  # not held
    MeetingFactory(committee=lmu, date=datetime.date(2025, 6, 1), status=Meeting.Status.HELD)  # other year
    guide = load_discussion_guide(organization=municipality)
    answer = GuideAnswer.objects.create(
        question=DiscussionQuestion.objects.first(), committee=lmu, text="Svar"
    )
    # Answered in the report's year, whatever year the test runs in.
    GuideAnswer.objects.filter(pk=answer.pk).update(
        updated_at=datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    )

    section = build_section(municipality, 2026)
    assert section.has_data
    counts = {row["committee__kind"]: row["meetings"] for row in section.data["meetings_by_kind"]}
    assert counts == {"hu": 1, "lmu": 1}
    assert [d.title for d in section.data["decisions"]] == ["1-3-10 model"]
    assert section.data["guides"][0]["guide"] == guide and section.data["guides"][0]["committees"] == 1
    html = render_to_string(
        section.template, {"section": section, "organization": municipality, "year": 2026}
    )
    assert "1-3-10 model" in html and "Hovedudvalg (HU)" in html


def test_routine_approvals_of_agenda_and_minutes_are_left_out_of_the_decisions(municipality):
    hu = CommitteeFactory(organization=municipality, kind=Committee.Kind.HU, name="HU")
    approved = MeetingFactory(
        committee=hu,
        date=datetime.date(2026, 3, 1),
        status=Meeting.Status.MINUTES_APPROVED,
        minutes_approved_at=timezone.now(),
    )
    AgendaItemFactory(meeting=approved, title="Godkendelse af dagsorden", kind="decision", outcome="approved")
    AgendaItemFactory(
        meeting=approved,
        title="Approval of the minutes of the last meeting",
        kind="decision",
        outcome="approved",
    )
    AgendaItemFactory(  # a decision text makes even a routine item worth telling
        meeting=approved,
        title="Godkendelse af referat fra sidste møde",
        kind="decision",
        outcome="approved",
        outcome_text="Referatet rettes i punkt 3.",
    )
    AgendaItemFactory(meeting=approved, title="1-3-10 model", kind="decision", outcome="approved")
    section = build_section(municipality, 2026)
    assert [d.title for d in section.data["decisions"]] == [
        "Godkendelse af referat fra sidste møde",
        "1-3-10 model",
    ]
    assert section.data["decisions_total"] == 2
