"""Open the main window on a large database; print time to the first painted table and memory.

    python benchmarks/bench_gui.py --db /path/to/1M.db
    python benchmarks/bench_gui.py --records 1000000      # builds the database first (slow)

Targets (issue 4): first painted table < 1 s, memory over the empty application < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def build_db(records: int, workdir: Path) -> Path:
    """Make a database of synthetic records with the CSV benchmark's generator and our importer."""
    subprocess.run([sys.executable, str(HERE / "bench_csv.py"), "--records", str(records), "--skip-sqlite-utils",
                    "--workdir", str(workdir)], check=True, stdout=subprocess.DEVNULL)
    return workdir / "ours.db"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an existing stancetracker database")
    ap.add_argument("--records", type=int, default=1_000_000, help="records to generate when --db is not given")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    db = args.db or build_db(args.records, args.workdir or Path(tempfile.mkdtemp(prefix="bench-gui-")))

    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    base = rss_mb()
    from stancetracker.core.db.store import Store
    from stancetracker.core.project import open_project
    from stancetracker.gui.main_window import QtMainWindow

    painted: list[float] = []

    class PaintWatch(QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    t0 = time.perf_counter()
    store = open_project(db, backup=False)
    t_open = time.perf_counter()
    win = QtMainWindow(store, settings)
    watch = PaintWatch()
    win.table.viewport().installEventFilter(watch)
    win.show()
    while not painted and time.perf_counter() - t0 < 60:
        app.processEvents()
    t_paint = painted[0] if painted else float("nan")
    n = win.model.rowCount()
    # scroll to the far end, as a user dragging the scroll bar would
    t1 = time.perf_counter()
    win.table.scrollToBottom()
    app.processEvents()
    t_end = time.perf_counter() - t1
    mem = rss_mb() - base
    print(f"database: {db} ({n:,} records shown)")
    print(f"{'open database (s)':<38}{t_open - t0:>8.3f}")
    print(f"{'first painted table (s)':<38}{t_paint - t0:>8.3f}   target < 1 s   {'PASS' if t_paint - t0 < 1 else 'MISS'}")
    print(f"{'scroll to the last record (s)':<38}{t_end:>8.3f}")
    print(f"{'memory over the empty application (MB)':<38}{mem:>8.1f}   target < 300 MB {'PASS' if mem < 300 else 'MISS'}")
    win._poll.stop()
    win.editor.clear_for_new(keep_context=False)
    win.close()


if __name__ == "__main__":
    main()
