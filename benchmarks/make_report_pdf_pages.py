#!/usr/bin/env python
"""The first pages of the Sadr report's PDF (seeded dataset) and the File › Report… dialog, for docs/report/.

    python benchmarks/make_report_pdf_pages.py [--out docs/report]

Writes the report with ``stancetracker report --actor sadr --format pdf`` and
rasterises with poppler's ``pdftoppm`` the title page, the first page of "What
changed" and the first page of the records table; then opens the window on the
same database offscreen (Sadr ticked, the chart on Iran) and grabs the Report
dialog. Needs ``pdftoppm`` and ``pdftotext`` on the PATH.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pdf_pages import page_of, pages_of  # noqa: E402  (beside this script)

REPO = Path(__file__).resolve().parents[1]

DIALOG = """
import sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from stancetracker.core.project import open_project
from stancetracker.gui.main_window import QtMainWindow
db, out = Path(sys.argv[1]), Path(sys.argv[2])
w = QtMainWindow(open_project(db, user="docs"), QSettings(str(db.with_suffix(".ini")), QSettings.Format.IniFormat))
w.actor_list.set_checked(["sadr"])
w.charts.dimension_box.setCurrentIndex(w.charts.dimension_box.findData("iran"))
dlg = w.exchange.report_dialog()
dlg.path_edit.setText("~/reports/sadr-iran.html")  # a path of no machine in particular
dlg.format_checks["docx"].setChecked(True)
dlg.show()
app.processEvents()
dlg.grab().save(str(out))
w._poll.stop()
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "report")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STANCETRACKER_CODER": "docs"}
    with tempfile.TemporaryDirectory(prefix="report-pdf-pages-") as tmp:
        folder = Path(tmp)
        db = folder / "stancetracker.db"
        run = [sys.executable, "-m", "stancetracker", "--db", str(db)]
        subprocess.run([*run, "init"], check=True, capture_output=True, env=env)
        subprocess.run([*run, "report", "--actor", "sadr", "--format", "pdf", "-o", str(folder / "sadr.pdf")],
                       check=True, env=env)
        pdf = folder / "sadr.pdf"
        for name, page in (("sadr-pdf-page1", 1), ("sadr-pdf-what-changed", page_of(pdf, "What changed")),
                           ("sadr-pdf-records", page_of(pdf, "Records in scope"))):
            subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "80", "-png", "-singlefile",
                            str(pdf), str(args.out / name)], check=True)
            print(f"wrote {args.out / name}.png (page {page} of {pages_of(pdf)})")
        shot = args.out / "report-dialog.png"
        subprocess.run([sys.executable, "-c", DIALOG, str(db), str(shot)], check=True, env=env)
        print(f"wrote {shot}")


if __name__ == "__main__":
    main()
