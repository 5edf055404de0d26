"""PDF output with WeasyPrint: one place that knows fonts, base URL and page furniture."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def page_counter_css() -> str:
    """The CSS ``content`` value for "Side N af M" in the active language."""
    label = gettext("Page {page} of {pages}")
    parts = re.split(r"(\{page\}|\{pages\})", label)
    tokens = []
    for part in parts:
        if part == "{page}":
            tokens.append("counter(page)")
        elif part == "{pages}":
            tokens.append("counter(pages)")
        elif part:
            tokens.append('"' + part.replace('"', '\\"') + '"')
    return " ".join(tokens)


def render_pdf(
    template_name: str, context: dict, *, title: str, author: str = "", language: str = "da"
) -> bytes:
    """Render a template that extends ``pdf/base.html`` to PDF bytes.

    Fonts and images are read from ``static/`` on disk (no network). The result has the document
    title, author and language in its metadata and is tagged for accessibility where WeasyPrint can.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(
        template_name,
        {
            **context,
            "pdf_title": title,
            "pdf_author": author,
            "pdf_language": language,
            "page_counter_css": page_counter_css(),
        },
    )
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=str(STATIC_DIR) + "/")
    return document.write_pdf(font_config=font_config, pdf_tags=True, uncompressed_pdf=False)
