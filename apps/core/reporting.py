"""The contract between the annual report and the apps that feed it.

Each app that has something to say in the annual report provides ``apps/<app>/report.py`` with::

    def build_section(organization, year: int) -> ReportSection | None

returning None when the app has nothing for that kind of organisation, and, when that depends on the
kind, ``applies(organization) -> bool`` saying so without building anything (``sections_for``). The
section's template is rendered with ``{"section": section, "organization": organization, "year": year}``
both in the HTML preview (in the browser, under a strict CSP: no inline style or script) and in the PDF
(WeasyPrint). Charts are inline SVG that read in black and white. Absence figures are aggregates
only, with groups under ``settings.ABSENCE_MIN_GROUP_SIZE`` suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from .modules import optional_module

SECTION_APPS = ["strategy", "clubs", "meetings", "absence", "pool"]


@dataclass
class ReportSection:
    key: str  # the app label, e.g. "strategy"
    title: str | Promise
    template: str  # e.g. "strategy/report_section.html"
    data: dict[str, Any] = field(default_factory=dict)
    has_data: bool = True  # False: the template says "no data for this year" instead of failing
    empty_message: str | Promise = ""
    # Sub-chapters for the table of contents: (id of the heading in the template, title).
    toc: list[tuple[str, str]] = field(default_factory=list)


def sections_for(organization) -> list[str]:
    """The section keys that can have anything for this kind of organisation, in the default order: a
    union's report offers no MED committees, absence or pool, an employer's no clubs."""
    keys = []
    for key in SECTION_APPS:
        module = optional_module(f"apps.{key}.report")
        if module is None:
            continue
        applies = getattr(module, "applies", None)
        if applies is None or applies(organization):
            keys.append(key)
    return keys


def build_sections(organization, year: int, keys: list[str] | None = None) -> list[ReportSection]:
    sections = []
    for key in keys or SECTION_APPS:
        module = optional_module(f"apps.{key}.report")
        if module is None:
            continue
        section = module.build_section(organization, year)
        if section is not None:
            sections.append(section)
    return sections
