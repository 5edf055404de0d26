"""Fake report sections, so the reports app is tested without the other apps' internals."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from apps.core import reporting
from apps.core.reporting import ReportSection

TEMPLATES_DIR = Path(__file__).parent / "templates"


def fake_build_sections(rows: int = 3):
    """A stand-in for ``apps.core.reporting.build_sections`` covering every kind of answer."""

    def build(organization, year, keys=None):
        made = {
            "strategy": ReportSection(
                key="strategy",
                title="Strategi og fokusområder",
                template="reports_test/fake_section.html",
                data={
                    "lead": f"Fokusområder i {organization.name} {year}: 4217 medlemmer nået",
                    "chart_label": "Søjle for ærlige tal: 73 %",
                    "bar": 219,
                    "rows": [(f"Række {i:03d} æøå", 1000 + i) for i in range(rows)],
                },
            ),
            "clubs": ReportSection(
                key="clubs",
                title="Klubber",
                template="reports_test/fake_section.html",
                has_data=False,
                empty_message="Ingen klubmøder registreret i året.",
            ),
            "meetings": ReportSection(
                key="meetings", title="MED-udvalg", template="reports_test/fake_section.html", has_data=False
            ),
            "absence": None,
        }
        return [made[k] for k in (keys or reporting.SECTION_APPS) if made.get(k) is not None]

    return build


@pytest.fixture
def fake_sections(monkeypatch, settings):
    """Installs fake sections; call ``fake_sections(rows=N)`` to change the table's length."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES_DIR]
    settings.TEMPLATES = templates

    def install(rows: int = 3):
        monkeypatch.setattr(reporting, "build_sections", fake_build_sections(rows))
        # The fakes answer for every app whatever the organisation's kind.
        monkeypatch.setattr(reporting, "sections_for", lambda organization: list(reporting.SECTION_APPS))

    install()
    return install
