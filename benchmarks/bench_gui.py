"""Open the main window on a large database; time the first painted table beside an empty QTableView.

    python benchmarks/bench_gui.py --db /path/to/1M.db
    python benchmarks/bench_gui.py                  # builds a 1,000,000-record database first (slow)
    python benchmarks/bench_gui.py --quick          # 50,000 records, under 30 s

Each run opens the database and a new main window and waits for the table's
first paint; the reference run before it shows an empty QTableView of the
table's size (same columns, no rows) and waits for its first paint (median of
eleven such views). The first window of the process is timed on its own (Qt's
one-time start-up falls on it) and gives the memory figure. Targets (issue 4): first painted table < 1 s,
memory over the empty application < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reference import Figure, compare, machine, summary

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
QUICK_RECORDS = 50_000


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def build_db(records: int, workdir: Path) -> Path:
    """Make a database of synthetic records with the CSV benchmark's generator and our importer."""
    subprocess.run([sys.executable, str(HERE / "bench_csv.py"), "--records", str(records), "--build-only",
                    "--workdir", str(workdir)], check=True, stdout=subprocess.DEVNULL)
    return workdir / "ours.db"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an existing stancetracker database")
    ap.add_argument("--records", type=int, help="records to generate when --db is not given "
                                                 f"(default 1,000,000; --quick {QUICK_RECORDS:,})")
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_RECORDS:,} records: finishes in under 30 s")
    ap.add_argument("--runs", type=int, default=3, help="windows opened after the first, each after a reference")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    records = args.records or (QUICK_RECORDS if args.quick else 1_000_000)
    print(machine(), flush=True)
    made = None
    if args.db is None:
        made = args.workdir or Path(tempfile.mkdtemp(prefix="bench-gui-"))
        t = time.perf_counter()
        db = build_db(records, made)
        print(f"built {db} ({records:,} records) in {time.perf_counter() - t:.1f} s", flush=True)
    else:
        db = args.db
    try:
        return run(db, args.runs)
    finally:
        if made is not None and args.workdir is None:
            shutil.rmtree(made, ignore_errors=True)


def run(db: Path, runs: int) -> int:
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication([])
    base = rss_mb()
    from stancetracker.core.project import open_project
    from stancetracker.gui.main_window import QtMainWindow

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)

    class PaintWatch(QObject):
        """Notes the time of the first paint event of the widget it watches."""

        def __init__(self):
            super().__init__()
            self.at: float | None = None

        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint and self.at is None:
                self.at = time.perf_counter()
            return False

    def wait_paint(watch: PaintWatch, t0: float) -> float:
        while watch.at is None and time.perf_counter() - t0 < 60:
            app.processEvents()
        return (watch.at or float("nan")) - t0

    shape: dict = {}
    windows: list = []

    def open_window() -> float:
        """Store.open to the table's first paint, in a new window; the window stays open for the scroll."""
        watch = PaintWatch()
        t0 = time.perf_counter()
        store = open_project(db, backup=False)  # a backup copy is no part of the figure
        win = QtMainWindow(store, settings)
        win.table.viewport().installEventFilter(watch)
        win.show()
        seconds = wait_paint(watch, t0)
        shape.update(size=win.table.size(), columns=win.model.columnCount(), rows=win.model.rowCount())
        windows.append((win, watch))
        return seconds

    def close_window() -> None:
        win, watch = windows.pop()
        win.table.viewport().removeEventFilter(watch)
        win.editor.clear_for_new(keep_context=False)  # nothing unsaved: close() asks no question
        win.close()
        win.deleteLater()
        app.processEvents()

    empty_view: list = []

    def empty_table() -> float:
        """The reference: an empty QTableView of the table's size and columns, shown until its first paint.

        A paint of an empty table takes about a millisecond, so each reference run is
        the median of eleven new views, each painted once: one stray wake-up would move it.
        """
        times = []
        for _ in range(11):
            watch = PaintWatch()
            t0 = time.perf_counter()
            view = QTableView()
            view.setModel(QStandardItemModel(0, shape["columns"], view))
            view.resize(shape["size"])
            view.viewport().installEventFilter(watch)
            view.show()
            times.append(wait_paint(watch, t0))
            view.viewport().removeEventFilter(watch)
            if empty_view:
                old = empty_view.pop()
                old.close()
                old.deleteLater()
            empty_view.append(view)
        return statistics.median(times)

    def scroll() -> float:
        # As a user dragging the scroll bar to the end would.
        win = windows[-1][0]
        t0 = time.perf_counter()
        win.table.scrollToBottom()
        app.processEvents()
        return time.perf_counter() - t0

    # The first window of the process: Qt's fonts, styles and caches load here, as for a user.
    first = open_window()
    mem = rss_mb() - base
    first_fig = Figure("first painted table, first window", "empty QTableView, first paint", [first])
    close_window()
    empty_table()  # untimed: the reference's own first-time costs
    print(f"database: {db} ({shape['rows']:,} records shown, table {shape['size'].width()}x"
          f"{shape['size'].height()}, {shape['columns']} columns)")
    print(f"first window: first painted table {first:.3f} s, memory over the empty application {mem:.1f} MB",
          flush=True)

    scrolls = Figure("scroll to the last record", "empty QTableView, first paint")

    def ours() -> float:
        seconds = open_window()
        scrolls.ours.append(scroll())
        close_window()
        return seconds

    table = compare("first painted table", "empty QTableView, first paint", empty_table, ours, runs,
                    max_seconds=1.0)
    first_fig.refs = table.refs[:1]
    scrolls.refs = table.refs  # the same reference: repainting an empty view again costs next to nothing
    print(f"   {scrolls.name}: {scrolls.seconds:.3f} s")
    summary([table, first_fig, scrolls], f"main window on {shape['rows']:,} records, {runs} runs")
    ok = "met" if mem < 300 else "MISSED"
    print(f"memory over the empty application, first window: {mem:.1f} MB (target < 300 MB: {ok})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
