"""The annual report as a print-ready document (issue 19.4), read back from the PDF with the real
sections: logo and colour on a cover that names the year once, focus areas in the table of contents
with their pages, "kr." once, numbers as the language writes them, the year's story of each
initiative in order, and the absence chapter still suppressing small groups."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from apps.organizations import services as organization_services
from apps.organizations.models import OrgUnit
from apps.reports import services
from tests.conftest import unit
from tests.factories import (
    AnnualReportFactory,
    ClubFactory,
    ClubFundApplicationFactory,
    ClubFundRulesFactory,
    EmployeeFactory,
    FocusAreaFactory,
    GoalFactory,
    InitiativeFactory,
    InitiativeUpdateFactory,
    OrganizationFactory,
    StrategyPlanFactory,
    add_unit,
    register_absence,
)

from . import pdftools

pytestmark = pytest.mark.django_db


def png(color=(200, 30, 30), size=(120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def render(report, tmp_path, name="report.pdf"):
    return pdftools.write(services.annual_report_render_pdf(report), tmp_path, name)


def page_of(pages: list[str], heading: str, start: int = 0) -> int:
    """The page where ``heading`` stands on a line of its own and is not a label of the progress chart
    (there the next line is the bar's percentage)."""
    for number, page in enumerate(pages[start:], start=start + 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if line == heading and not re.fullmatch(r"\d+ %", following):
                return number
    raise AssertionError(f"{heading!r} is on no page")


def test_the_cover_shows_the_logo_on_the_organisations_colour_and_the_year_once(org, tmp_path):
    organization_services.organization_appearance_update(
        organization=org, logo_png=png(), remove_logo=False, brand_color="#ffdd00"
    )
    org.refresh_from_db()
    report = AnnualReportFactory(organization=org, year=2025, title="Beretning 2025")
    path = render(report, tmp_path)
    cover = pdftools.pages_text(path)[0]
    assert "Testforbundet" in cover and "Beretning 2025" in cover
    assert cover.count("2025") == 1
    assert len(pdftools.reader(path.read_bytes()).pages[0].images) == 1  # the logo
    with Image.open(pdftools.first_page_png(path)) as picture:
        rgb = picture.convert("RGB")
        corners = {rgb.getpixel((10, 10)), rgb.getpixel((rgb.width - 10, rgb.height - 10))}
    assert corners == {(255, 221, 0)}  # the brand colour fills the cover
    assert org.cover_text_color == "#1a1a1a"  # black text on yellow, white on the default dark blue


def test_a_title_without_the_year_gets_the_year_printed_under_it_and_no_logo_means_no_image(org, tmp_path):
    report = AnnualReportFactory(organization=org, year=2025, title="Året der gik")
    path = render(report, tmp_path)
    cover = pdftools.pages_text(path)[0]
    assert "Året der gik" in cover and cover.count("2025") == 1
    assert len(pdftools.reader(path.read_bytes()).pages[0].images) == 0


@pytest.fixture
def long_plan(org):
    plan = StrategyPlanFactory(organization=org, title="Strategi 2025-2028")
    areas = []
    for n, title in enumerate(["Medlemsnærhed", "Overenskomst og løn", "Arbejdsmiljø"], start=1):
        area = FocusAreaFactory(plan=plan, title=title, position=n)
        areas.append(area)
        for i in range(12):
            initiative = InitiativeFactory(
                focus_area=area, text=f"{title}: indsats {i:02d}", status="in_progress", progress=30
            )
            InitiativeUpdateFactory(
                initiative=initiative, date=date(2025, 3, 1), text=f"Status for indsats {i:02d} i marts.",
                status_before="planned", status_after="in_progress", progress=30,
            )  # fmt: skip
    return plan


def test_the_table_of_contents_lists_the_focus_areas_with_the_page_each_starts_on(org, long_plan, tmp_path):
    report = AnnualReportFactory(organization=org, year=2025)
    pages = pdftools.pages_text(render(report, tmp_path))
    toc = pages[1]
    for title in ["Forord", "Strategi", "Medlemsnærhed", "Overenskomst og løn", "Arbejdsmiljø", "Klubber"]:
        match = re.search(rf"{re.escape(title)}\s*\.+\s*(\d+)", toc)
        assert match, f"{title} is not in the table of contents"
        assert page_of(pages, title, start=2) == int(match.group(1)), title
    # The focus areas are spread over several pages, so equal numbers are no accident.
    numbers = [int(re.search(rf"{t}\s*\.+\s*(\d+)", toc).group(1)) for t in ["Medlemsnærhed", "Arbejdsmiljø"]]
    assert numbers[0] < numbers[1]


def test_club_funds_print_kr_once(org, tmp_path):
    year = timezone.localdate().year
    ClubFundRulesFactory(organization=org)
    club = ClubFactory(organization=org, unit=unit(org, "A1"), name="Klub A1", member_count=40)
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("2000"))
    report = AnnualReportFactory(organization=org, year=year)
    whole = pdftools.text(render(report, tmp_path))
    assert "Bevilgede klubmidler: 2.000 kr. til 1 ansøgning." in whole
    assert "kr.." not in whole


@pytest.mark.parametrize(
    ("language", "current", "target"),
    [("da", "1.234,5 medlemmer", "2.500 medlemmer"), ("nb", "1 234,5 medlemmer", "2 500 medlemmer")],
)
def test_indicator_figures_are_written_the_way_the_reports_language_writes_numbers(
    org, tmp_path, language, current, target
):
    area = FocusAreaFactory(plan=StrategyPlanFactory(organization=org), title="Medlemmer")
    GoalFactory(
        focus_area=area, text="Flere medlemmer", indicator_unit="medlemmer",
        indicator_baseline=Decimal("1000"), indicator_target=Decimal("2500"),
        indicator_current=Decimal("1234.50"),
    )  # fmt: skip
    report = AnnualReportFactory(organization=org, year=2025, language=language)
    whole = pdftools.text(render(report, tmp_path)).replace("\xa0", " ")
    assert current in whole and target in whole
    assert "1234" not in whole and "1,234" not in whole and "1.234,50" not in whole


def test_each_initiatives_updates_are_told_in_order_with_the_status_of_their_day(org, tmp_path):
    area = FocusAreaFactory(plan=StrategyPlanFactory(organization=org), title="Klubber")
    initiative = InitiativeFactory(focus_area=area, text="Klubmøder om OK26", status="done", progress=100)
    InitiativeUpdateFactory(initiative=initiative, date=date(2025, 9, 1), text="Genoptaget efter sommeren.",
                            status_before="paused", status_after="in_progress", progress=50)  # fmt: skip
    InitiativeUpdateFactory(initiative=initiative, date=date(2025, 2, 1), text="Sat på pause indtil OK26.",
                            status_before="in_progress", status_after="paused", progress=20)  # fmt: skip
    # Finished the year after: that does not rewrite how 2025 ended.
    InitiativeUpdateFactory(initiative=initiative, date=date(2026, 2, 1), text="Afsluttet.",
                            status_before="in_progress", status_after="done", progress=100)  # fmt: skip
    report = AnnualReportFactory(organization=org, year=2025)
    whole = re.sub(r"\s+", " ", pdftools.text(render(report, tmp_path)))
    assert "Det skete i 2025" in whole
    assert "Ved udgangen af 2025: I gang, 50 %" in whole
    paused = whole.index("01.02.2025 (sat på pause): Sat på pause indtil OK26.")
    resumed = whole.index("01.09.2025 (i gang): Genoptaget efter sommeren.")
    assert paused < resumed
    assert "Afsluttet." not in whole


@pytest.fixture
def municipality():
    organization = OrganizationFactory(name="Kommune", slug="kommune", kind="employer")
    top = add_unit(organization, "K", "Kommunen")
    add_unit(organization, "K-BIG", "Stort område", parent=top)
    add_unit(organization, "K-MID", "Mellemstort område", parent=OrgUnit.objects.get(pk=top.pk))
    add_unit(organization, "K-SMALL", "Lille område", parent=OrgUnit.objects.get(pk=top.pk))
    return organization


def test_the_absence_chapter_shows_aggregates_and_hides_small_groups(municipality, tmp_path):
    big = [EmployeeFactory(unit=OrgUnit.objects.get(code="K-BIG"), name=f"Anna Stor {i}") for i in range(10)]
    mid = [EmployeeFactory(unit=OrgUnit.objects.get(code="K-MID"), name=f"Carl Mellem {i}") for i in range(6)]
    few = [EmployeeFactory(unit=OrgUnit.objects.get(code="K-SMALL"), name=f"Bo Lille {i}") for i in range(3)]
    # As in tests/absence/test_report.py: 5 people of the big area sick one day a month for two years.
    for month in range(24):
        for employee in big[:5]:
            day = date(2025 + month // 12, month % 12 + 1, 3)
            register_absence(employee, day, day)
    for employee in mid:
        register_absence(employee, date(2026, 3, 10), date(2026, 3, 10))
    register_absence(few[0], date(2026, 3, 4), date(2026, 3, 17))
    report = AnnualReportFactory(organization=municipality, year=2026)
    pages = pdftools.pages_text(render(report, tmp_path))
    chapter = next(p for p in pages[2:] if "Sygefravær" in p and "Område" in p)
    assert "Medarbejdere" in chapter and "Medarbejderne" not in chapter  # a head count, not the MED side
    lines = [line.strip() for line in chapter.splitlines()]

    def row(name: str) -> str:  # the table comes before the chart, whose labels are the same names
        return next(line for line in lines if line.startswith(name))

    small = row("Lille område")
    assert "for få medarbejdere til at vise tal" in small and not re.search(r"\d+,\d", small)
    # The middle area is hidden as well: otherwise the small one is the total minus the others.
    assert "for få medarbejdere til at vise tal" in row("Mellemstort område")
    assert re.search(r"\b10\b.*\b60\b", row("Stort område"))  # 10 employees, 60 sick days
    whole = "\n".join(pages)
    assert "Anna" not in whole and "Bo Lille" not in whole and "Carl" not in whole
