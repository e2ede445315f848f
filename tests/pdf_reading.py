"""Reading a PDF as a reader would: poppler's pdftotext for its text, pdftoppm for how each page looks."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) is not installed")
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text of the PDF (or one page), with Arabic presentation forms folded back to letters."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(path), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8")
    return unicodedata.normalize("NFKC", out).translate(_BIDI_CONTROLS)


def page_ink(path: Path, folder: Path, dpi: int = 24, body: float = 0.92) -> list[float]:
    """For each page, the fraction of non-white pixels above its footer (the top ``body`` of it), by pdftoppm."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(path), str(folder / "page")], check=True)
    inks = []
    for pgm in sorted(folder.glob("page-*.pgm"), key=lambda p: int(p.stem.split("-")[-1])):
        data = pgm.read_bytes()
        # Binary PGM: "P5", width, height, maxval, one whitespace, then one byte per pixel.
        fields, pos = [], 0
        while len(fields) < 4:
            while data[pos:pos + 1].isspace():
                pos += 1
            end = pos
            while not data[end:end + 1].isspace():
                end += 1
            fields.append(data[pos:end])
            pos = end
        w, h = int(fields[1]), int(fields[2])
        rows = int(h * body)
        pixels = data[pos + 1:pos + 1 + w * rows]
        inks.append(sum(1 for v in pixels if v < 200) / (w * rows))
    return inks


__all__ = ["needs_poppler", "page_ink", "pdf_text"]
