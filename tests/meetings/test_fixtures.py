"""The re-typed seed content matches the source documents (seeds 002 and 004)."""

from datetime import date, time

import pytest

from apps.meetings.fixtures_data import load_discussion_guide, load_sickness_project, load_theme_day
from apps.meetings.models import AgendaItem, Committee, Course, WorkingGroup
from apps.meetings.selectors import agenda_timeline
from tests.factories import CommitteeFactory

pytestmark = pytest.mark.django_db

# Seed 004, "Dagens program": the clock times as printed.
PROGRAMME = [
    (time(8, 0), "Ankomst og morgenbrød"),
    (time(8, 15), "Definition af psykologisk tryghed"),
    (time(9, 45), "Pause"),
    (time(10, 0), "Frisættelse og aktørskab"),
    (time(10, 45), "Pause"),
    (time(11, 0), "Status på sygefraværsprojektet"),
    (time(11, 45), "Pause"),
    (time(12, 0), "Arbejdsmiljøpuljen"),
    (time(12, 15), "Eventuelt"),
    (time(12, 30), "Frokost"),
]


@pytest.fixture
def hu(org):
    return CommitteeFactory(organization=org, kind=Committee.Kind.HU, name="Hovedudvalget")


def test_theme_day_clock_times_match_the_printed_programme(hu):
    meeting = load_theme_day(committee=hu)
    assert meeting.date == date(2022, 11, 15)
    timeline = agenda_timeline(meeting)
    printed = {(row.start, row.item.title) for row in timeline.items}
    for entry in PROGRAMME:
        assert entry in printed
    assert len(timeline.items) == 12  # the 10 programme slots; the 11.00 slot holds status + 2 decisions
    assert [r.item.kind for r in timeline.items].count(AgendaItem.Kind.BREAK) == 3  # three "Pause"


def test_theme_day_has_the_two_decisions_for_approval(hu):
    meeting = load_theme_day(committee=hu)
    decisions = list(meeting.items.filter(kind=AgendaItem.Kind.DECISION).order_by("position"))
    assert len(decisions) == 2  # "Til dialog og godkendelse i HU: 1. ... 2. ..."
    assert "1-3-10" in decisions[0].title and "1-5-14" in decisions[0].title
    assert "retningslinjer for sygefraværssamtaler" in decisions[1].proposed_decision
    dialogue = meeting.items.get(title="Definition af psykologisk tryghed")
    minutes = [s.duration_minutes for s in dialogue.steps.all()]
    assert 15 in minutes and 40 in minutes  # "– 15 min." and "- 40 min." in the seed
    assert sum(minutes) == dialogue.duration_minutes


def test_discussion_guide_has_all_themes_questions_and_directions(org):
    guide = load_discussion_guide(organization=org)
    themes = list(guide.themes.order_by("position"))
    assert [t.title for t in themes] == [
        "En attraktiv arbejdsplads",
        "En stærk fortælling",
        "Blik for borgeren",
        "Digitale muligheder",
    ]
    assert [t.questions.count() for t in themes] == [4, 4, 4, 4]  # bullets under each theme in seed 002
    assert all(t.direction.strip() for t in themes)  # every "Vores fælles retning"
    assert themes[0].direction.startswith("For at understøtte Norddjurs som en attraktiv arbejdsplads")


def test_sickness_project_groups_tasks_plan_and_courses(hu):
    project = load_sickness_project(committee=hu)
    subgroups = list(project.subgroups.order_by("id"))
    assert [g.name for g in subgroups] == [
        "Data og ledelsesinformation",
        "Uddannelse af ledere, TR og AMR",
        "Sygefraværskultur og sprog",
        "Materialer og understøttelse",
    ]  # the four subgroups ("de fire undergrupper")
    assert all(g.tasks.exists() and g.members.exists() for g in subgroups)
    assert project.tasks.count() == 3  # "Kommende aktiviteter": workshop, ½ kursusdag, anbefalinger
    assert project.milestones.count() == 19
    months = {m.start_month for m in project.milestones.all()} | {
        m.end_month for m in project.milestones.all()
    }
    assert min(months) == date(2024, 9, 1) and max(months) == date(2025, 5, 1)  # September to May
    courses = {c.audience: c for c in Course.objects.filter(group=project)}
    assert [d.date for d in courses["leaders"].days.all()] == [date(2024, 12, 11), date(2024, 12, 16)]
    assert [d.date for d in courses["tr_amr"].days.all()] == [date(2025, 1, 15), date(2025, 1, 30)]
    assert all(c.classes == 2 and c.capacity_per_class == 50 for c in courses.values())  # "2 hold ... ca. 50"
    assert WorkingGroup.objects.count() == 5


def test_no_real_names_from_the_seed_in_the_fixtures():
    from apps.meetings.fixtures_data import FIXTURES

    text = "".join(p.read_text(encoding="utf-8") for p in FIXTURES.glob("*.json"))
    for name in [
        "Anne-Marie",
        "Marianne",
        "Hanne",
        "Ditte",
        "Kristian",
        "Vibbe",
        "Lisette",
        "Karen",
        "Lone",
        "Trine",
        "Lars",
        "Trillingsgaard",
    ]:
        assert name not in text
