"""The seed strategies in fixtures/strategy/ are complete: counts checked against the documents."""

from collections import Counter

import pytest

from apps.strategy.demo import SEED_FILES, load_plan, load_plan_data
from apps.strategy.models import Goal, Initiative
from tests.factories import OrganizationFactory, add_unit

# Counted by hand in shared/seeds/000_88b157eebe55c417.txt (Djøf Offentlig 2025-2028):
# 4 focus areas; "Djøf Offentlig vil" ambitions per area 1, 3, 1, 2 = 7 goals;
# "Eksempler på indsatser" per area 3, 3, 3, 4 = 13 initiatives (no levels in a section's plan).
DJOEF_AREAS = 4
DJOEF_GOALS_PER_AREA = [1, 3, 1, 2]
DJOEF_INITIATIVES_PER_AREA = [3, 3, 3, 4]

# Counted by hand in shared/seeds/001_44e50d3f67623b3a.txt (Fagforbundet 2024-2025):
# 6 areas; "Mål 2024-2025" per area 4, 3, 7, 4, 4, 5 = 27 goals;
# "Strategiske tiltak" bullets per area and level (Nasjonalt / Fylkeskrets / Fagforening):
#   Heltid 3/5/4, Gode offentlige tjenester 5/6/5, Organisasjonsbygging 4/5/4,
#   Fag- og tjenesteutvikling 4/4/4, Alliansebygging 6/5/6, Digitalisering 9/3/3.
FF_AREAS = 6
FF_GOALS_PER_AREA = [4, 3, 7, 4, 4, 5]
FF_PER_LEVEL_PER_AREA = [
    {"national": 3, "county": 5, "local_union": 4},
    {"national": 5, "county": 6, "local_union": 5},
    {"national": 4, "county": 5, "local_union": 4},
    {"national": 4, "county": 4, "local_union": 4},
    {"national": 6, "county": 5, "local_union": 6},
    {"national": 9, "county": 3, "local_union": 3},
]


def _org(slug):
    organization = OrganizationFactory(slug=slug, name=slug)
    if slug == "fagforbundet":
        ff = add_unit(organization, "FF", "Fagforbundet")
        vl = add_unit(organization, "FF-VL", "Fagforbundet Vestland", parent=ff)
        add_unit(organization, "FF-BRG", "Fagforbundet Bergen", parent=vl)
        add_unit(organization, "FF-STO", "Fagforbundet Stord", parent=vl)
    return organization


def test_seed_files_are_the_two_documents():
    assert [load_plan_data(name)["organization"] for name in SEED_FILES] == [
        "djoef-offentlig",
        "fagforbundet",
    ]


@pytest.mark.django_db
def test_djoef_offentlig_plan_matches_the_document():
    data = load_plan_data("djoef_offentlig_2025_2028.json")
    plan, _ = load_plan(data, _org("djoef-offentlig"))
    areas = list(plan.focus_areas.order_by("position"))
    assert len(areas) == DJOEF_AREAS
    assert (plan.start_year, plan.end_year) == (2025, 2028)
    assert [a.goals.count() for a in areas] == DJOEF_GOALS_PER_AREA
    assert [a.initiatives.count() for a in areas] == DJOEF_INITIATIVES_PER_AREA
    assert all(a.focus.startswith("Fokus på") for a in areas)
    # Every example initiative sits under the ambition it is listed beside.
    assert not Initiative.objects.filter(focus_area__plan=plan, goal__isnull=True).exists()
    assert areas[0].goals.get().text == "Styrke TR i arbejdet med AI-omstilling"


@pytest.mark.django_db
def test_fagforbundet_plan_matches_the_document():
    data = load_plan_data("fagforbundet_2024_2025.json")
    plan, _ = load_plan(data, _org("fagforbundet"))
    areas = list(plan.focus_areas.order_by("position"))
    assert len(areas) == FF_AREAS
    assert [a.goals.count() for a in areas] == FF_GOALS_PER_AREA
    per_level = [dict(Counter(a.initiatives.values_list("level", flat=True))) for a in areas]
    assert per_level == FF_PER_LEVEL_PER_AREA
    apprentices = Goal.objects.get(focus_area__plan=plan, text__startswith="Ti prosent økning av lærlinge")
    assert (apprentices.indicator_unit, apprentices.indicator_baseline, apprentices.indicator_target) == (
        "%",
        0,
        10,
    )
    county = Initiative.objects.filter(focus_area__plan=plan, level="county")
    assert {i.responsible_unit.code for i in county} == {"FF-VL"}
    local = Initiative.objects.filter(focus_area__plan=plan, level="local_union")
    assert {i.responsible_unit.code for i in local} == {"FF-BRG", "FF-STO"}
    # Linked measures implement a national measure of the same focus area.
    linked = Initiative.objects.filter(focus_area__plan=plan, implements__isnull=False).select_related(
        "implements"
    )
    assert linked.count() > 40
    assert all(
        i.implements.level == "national" and i.implements.focus_area_id == i.focus_area_id for i in linked
    )
