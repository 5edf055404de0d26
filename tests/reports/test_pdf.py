"""The PDF as a reader sees it: contents, page furniture, fonts, metadata, determinism, a picture."""

from __future__ import annotations

import re

import pytest

from apps.reports import services
from tests.factories import AnnualReportFactory, PullQuoteFactory

from . import pdftools

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(org, fake_sections):
    report = AnnualReportFactory(organization=org, year=2025, title="Beretning 2025")
    PullQuoteFactory(
        report=report, text="Fællesskabet bærer os igennem krisen.", attribution="tillidsrepræsentant"
    )
    PullQuoteFactory(
        report=report, section_key="strategy", text="Strategien gør os skarpere.", attribution="næstformand"
    )
    return report


def render(report, tmp_path, name="report.pdf"):
    return pdftools.write(services.annual_report_render_pdf(report), tmp_path, name)


def page_of(pages: list[str], needle: str, start: int = 0) -> int:
    """1-based number of the first page at or after ``start`` whose text contains ``needle``."""
    for number, page in enumerate(pages[start:], start=start + 1):
        if needle in page:
            return number
    raise AssertionError(f"{needle!r} is on no page")


def test_cover_foreword_sections_and_quotes_are_printed(report, tmp_path):
    pages = pdftools.pages_text(render(report, tmp_path))
    cover = pages[0]
    assert "Testforbundet" in cover and "Beretning 2025" in cover and "2025" in cover
    assert "UDKAST" in cover  # still a draft (set in capitals)
    assert "15. marts 2026" in cover  # the report date, in Danish
    whole = "\n".join(pages)
    assert "Første afsnit om året, der gik." in whole
    assert "Birte Søgaard, formand" in whole and "på vegne af bestyrelsen" in whole
    assert "Fællesskabet bærer os igennem krisen." in whole and "– tillidsrepræsentant" in whole
    assert "Strategien gør os skarpere." in whole
    # the fake strategy section's own figures, exactly as in the data
    assert "4217 medlemmer nået" in whole and "Søjle for ærlige tal: 73 %" in whole
    assert "Række 002 æøå" in whole and "1002" in whole


def test_sections_without_data_say_so_instead_of_failing(report, tmp_path):
    whole = pdftools.text(render(report, tmp_path))
    assert "Ingen klubmøder registreret i året." in whole  # the section's own message
    assert "Ingen data for 2025." in whole  # the generic one for a section without a message
    assert "Fravær" not in whole  # absence answered None: not for this organisation


def test_table_of_contents_gives_the_page_each_section_starts_on(report, tmp_path, fake_sections):
    fake_sections(rows=120)
    pages = pdftools.pages_text(render(report, tmp_path))
    toc = pages[1]
    assert "Indhold" in toc
    for title in ["Forord", "Strategi og fokusområder", "Klubber", "MED-udvalg"]:
        match = re.search(rf"{re.escape(title)}\s*\.+\s*(\d+)", toc)
        assert match, f"{title} is not in the table of contents"
        assert page_of(pages, title, start=2) == int(match.group(1))


def test_order_and_switches_of_sections_are_followed(report, tmp_path):
    clubs = report.section_choices.get(key="clubs")
    services.report_section_move(choice=clubs, direction="up")
    services.report_section_toggle(choice=report.section_choices.get(key="meetings"))
    pages = pdftools.pages_text(render(report, tmp_path))
    toc = pages[1]
    assert toc.index("Klubber") < toc.index("Strategi og fokusområder")
    assert "MED-udvalg" not in "\n".join(pages)


def test_running_header_and_page_numbers_in_the_reports_language(report, tmp_path):
    pages = pdftools.pages_text(render(report, tmp_path))
    total = len(pages)
    assert total == pdftools.reader((tmp_path / "report.pdf").read_bytes()).get_num_pages()
    for number, page in enumerate(pages[1:], start=2):
        assert f"Side {number} af {total}" in page
        assert "Testforbundet · Beretning 2025" in page
    assert "Testforbundet · Beretning 2025" not in pages[0]  # no header on the cover

    report.language = "nb"
    report.save(update_fields=["language"])
    pages = pdftools.pages_text(render(report, tmp_path, "nb.pdf"))
    assert f"Side 2 av {len(pages)}" in pages[1]
    assert "Innhold" in pages[1] and "Forord" in pages[1]


def test_long_tables_repeat_their_header_and_never_split_a_row(report, tmp_path, fake_sections):
    fake_sections(rows=150)
    pages = pdftools.pages_text(render(report, tmp_path))
    with_rows = [p for p in pages if "Række " in p]
    assert len(with_rows) >= 3
    seen = []
    for page in with_rows:
        assert "Kolonne-overskrift" in page  # thead repeats on every page the table covers
        seen += re.findall(r"Række (\d{3}) æøå\s+(\d+)", page)
    assert [int(n) for n, _ in seen] == list(range(150))  # each row whole, once, with its figure
    assert all(int(value) == 1000 + int(n) for n, value in seen)


def test_fonts_are_embedded_and_danish_letters_survive(report, tmp_path):
    path = render(report, tmp_path)
    fonts = pdftools.fonts(path)
    assert fonts and all(row[-5] == "yes" for row in fonts)  # the "emb" column
    assert any("IBM-Plex-Sans" in row[0] for row in fonts)
    assert "ÆØÅ æøå" not in pdftools.text(path)
    assert "Række 000 æøå" in pdftools.text(path)


def test_metadata_title_author_language_date_and_tags(report, tmp_path):
    path = render(report, tmp_path)
    reader = pdftools.reader(path.read_bytes())
    assert reader.metadata.title == "Beretning 2025"
    assert reader.metadata.author == "Testforbundet"
    assert reader.trailer["/Root"]["/Lang"] == "da"
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata["/CreationDate"].startswith("D:20260315")
    info = pdftools.info(path)
    assert info["Tagged"] == "yes" and info["Page size"].endswith("(A4)")


def test_the_same_data_gives_the_same_document(report, tmp_path):
    first = services.annual_report_render_pdf(report)
    second = services.annual_report_render_pdf(report)
    assert pdftools.text(pdftools.write(first, tmp_path, "a.pdf")) == pdftools.text(
        pdftools.write(second, tmp_path, "b.pdf")
    )
    assert first == second


def test_a_change_in_the_words_changes_the_document(report, tmp_path):
    before = pdftools.text(render(report, tmp_path, "a.pdf"))
    report.foreword = "Et helt nyt forord."
    report.save(update_fields=["foreword"])
    after = pdftools.text(render(report, tmp_path, "b.pdf"))
    assert before != after and "Et helt nyt forord." in after


def test_first_page_renders_as_a_picture(report, tmp_path):
    png = pdftools.first_page_png(render(report, tmp_path))
    assert png.stat().st_size > 1000
    assert pdftools.non_white_share(png) > 0.3  # the dark cover, not an empty page


def test_a_year_without_any_data_still_gives_a_report(org, tmp_path, monkeypatch):
    from apps.core import reporting
    from apps.core.reporting import ReportSection

    def nothing(organization, year, keys=None):
        return [
            ReportSection(key=k, title=f"Afsnit {k}", template="missing/never_rendered.html", has_data=False)
            for k in keys
        ]

    monkeypatch.setattr(reporting, "build_sections", nothing)
    report = AnnualReportFactory(organization=org, year=2031, foreword="")
    whole = pdftools.text(render(report, tmp_path))
    assert whole.count("Ingen data for 2031.") == 2  # a union's sections: strategy and clubs
    assert "Forordet er ikke skrevet endnu." in whole


def test_a_failing_section_is_reported_in_the_pdf_not_raised(report, tmp_path, monkeypatch):
    from apps.core import reporting

    real = reporting.build_sections

    def broken(organization, year, keys=None):
        if keys == ["clubs"]:
            raise RuntimeError("club data unreadable")
        return real(organization, year, keys)

    monkeypatch.setattr(reporting, "build_sections", broken)
    whole = pdftools.text(render(report, tmp_path))
    assert "Afsnittet kunne ikke dannes" in whole
    assert "Strategi og fokusområder" in whole


def test_a_final_report_is_not_marked_as_draft(report, tmp_path):
    report.status = report.Status.FINAL
    report.save(update_fields=["status"])
    cover = pdftools.pages_text(render(report, tmp_path))[0]
    assert "Beretning 2025" in cover and "UDKAST" not in cover
