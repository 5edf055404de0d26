"""QR codes for links people open on a phone (theme-day tables, calendar feeds), drawn by segno as SVG.

The SVG is inline and uses attributes only (no ``style``), so the Content-Security-Policy allows it;
it scales with CSS through its viewBox.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, label: str) -> SafeString:
    """An inline SVG QR code of ``data`` with ``label`` as its text alternative."""
    # segno has no option for ARIA attributes; its inline SVG always starts with "<svg ".
    attributes = f'role="img" aria-label="{escape(label)}" focusable="false"'
    return mark_safe(f"<svg {attributes} {_drawn(data)[len('<svg ') :]}")  # noqa: S308 - segno's markup, label escaped


@lru_cache(maxsize=512)
def _drawn(data: str) -> str:
    """segno's SVG of ``data``. The same address is drawn on every view of its page (a committee's
    calendar feed, a meeting's screen link), and choosing the mask costs 2-3 ms; a worker keeps the
    last few hundred it drew."""
    code = segno.make(data, error="m", micro=False)
    return code.svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="portal-qr", lineclass=None
    )
