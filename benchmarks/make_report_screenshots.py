#!/usr/bin/env python
"""The first pages of the Sadr report of the seeded dataset, as the HTML prints, for docs/report/.

    python benchmarks/make_report_screenshots.py [--out docs/report]

Writes the report with ``stancetracker report --actor sadr``, prints the HTML to
PDF with headless Chromium (as a reader's browser would print it) and
rasterises pages with poppler's ``pdftoppm``: the title page, the first page of
"What changed" and the first page of the records table. Needs ``chromium`` (or
``chromium-browser``, ``google-chrome``) and ``pdftoppm`` on the PATH.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pdf_pages import page_of  # noqa: E402  (beside this script)

REPO = Path(__file__).resolve().parents[1]


def browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("no chromium on the PATH")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "report")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STANCETRACKER_CODER": "docs"}
    with tempfile.TemporaryDirectory(prefix="report-shots-") as tmp:
        folder = Path(tmp)
        db = folder / "stancetracker.db"
        run = [sys.executable, "-m", "stancetracker", "--db", str(db)]
        subprocess.run([*run, "init"], check=True, capture_output=True, env=env)
        subprocess.run([*run, "report", "--actor", "sadr", "-o", str(folder / "sadr.html")], check=True, env=env)
        pdf = folder / "sadr-print.pdf"
        profile = folder / "profile"
        subprocess.run([browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--no-first-run", f"--user-data-dir={profile}", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", (folder / "sadr.html").as_uri()],
                       check=True, capture_output=True, timeout=120)
        for name, page in (("sadr-html-page1", 1), ("sadr-html-what-changed", page_of(pdf, "What changed")),
                           ("sadr-html-records", page_of(pdf, "Records in scope"))):
            subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "80", "-png", "-singlefile",
                            str(pdf), str(args.out / name)], check=True)
            print(f"wrote {args.out / name}.png (printed page {page})")


if __name__ == "__main__":
    main()
