"""Reading PDFs back the way a reader would: text per page, fonts, metadata, a rendered picture."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pypdf
from PIL import Image


def write(pdf: bytes, folder: Path, name: str = "report.pdf") -> Path:
    path = folder / name
    path.write_bytes(pdf)
    return path


def pages_text(path: Path) -> list[str]:
    """pdftotext per page (form feed separates pages)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    pages = text.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def text(path: Path) -> str:
    return "\n".join(pages_text(path))


def fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def first_page_png(path: Path) -> Path:
    prefix = path.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(prefix)], check=True)
    return next(path.parent.glob(f"{prefix.name}-*1.png"))


def non_white_share(png: Path) -> float:
    with Image.open(png) as image:
        histogram = image.convert("L").histogram()
    return sum(histogram[:240]) / sum(histogram)
