"""QR codes for links people open on a phone (theme-day tables, calendar feeds), drawn by segno as SVG.

The SVG is inline and uses attributes only (no ``style``), so the Content-Security-Policy allows it;
it scales with CSS through its viewBox.
"""

from __future__ import annotations

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, label: str) -> SafeString:
    """An inline SVG QR code of ``data`` with ``label`` as its text alternative."""
    code = segno.make(data, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="portal-qr", lineclass=None
    )
    # segno has no option for ARIA attributes; its inline SVG always starts with "<svg ".
    attributes = f'role="img" aria-label="{escape(label)}" focusable="false"'
    return mark_safe(f"<svg {attributes} {svg[len('<svg ') :]}")  # noqa: S308 - segno's markup, label escaped
