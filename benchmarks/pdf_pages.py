"""Finding pages of a PDF by their text, for the scripts that draw the report's pages for docs/ (poppler's tools)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info)[1])


def page_of(pdf: Path, words: str) -> int:
    """The first page whose text holds ``words`` (pdftotext, page by page)."""
    for n in range(1, pages_of(pdf) + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        if words in text:
            return n
    raise SystemExit(f"no page of {pdf} holds {words!r}")
