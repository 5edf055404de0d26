"""Read back the QR codes the portal draws, to check that each encodes exactly the address beside it."""

import html
import re

import segno

SVG = re.compile(r'<svg role="img" aria-label="([^"]*)"[^>]*class="portal-qr"[^>]*>(.*?)</svg>', re.S)


def _modules(path: str) -> set[tuple[int, int]]:
    """The dark modules of segno's SVG path ("M4 4.5h7m2 0h1…": moves and horizontal runs)."""
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", path):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            run = values[0] if command == "h" else values[0] - x
            dark.update((int(x) + i, int(y)) for i in range(int(run)))
            x += run
    return dark


def qr_codes(page: str) -> list[tuple[str, set[tuple[int, int]]]]:
    """Every portal QR code on the page: its text alternative and its dark modules."""
    result = []
    for label, body in SVG.findall(page):
        path = re.search(r'<path stroke="#000" d="([^"]+)"', body).group(1)
        result.append((html.unescape(label), _modules(path)))
    return result


def modules_of(data: str, border: int = 4) -> set[tuple[int, int]]:
    """The dark modules segno itself computes for ``data`` (its matrix), offset by the quiet zone."""
    matrix = segno.make(data, error="m", micro=False).matrix
    return {(x + border, y + border) for y, row in enumerate(matrix) for x, bit in enumerate(row) if bit}
