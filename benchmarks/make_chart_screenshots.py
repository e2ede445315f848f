"""Render the chart screenshots in docs/ from the seeded database.

Run: python benchmarks/make_chart_screenshots.py
Writes docs/chart-timeline.png, chart-profile.png, chart-compare.png and chart-snapshot.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from stancetracker.core.analysis.chartdata import ChartRequest  # noqa: E402
from stancetracker.core.model.dates import parse_date  # noqa: E402
from stancetracker.core.project import open_project  # noqa: E402
from stancetracker.gui.charts.export import export_chart  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"
SNAPSHOT_ACTORS = ["sadr", "sadrist-movement", "maliki", "state-of-law", "coordination-framework", "amiri",
                   "kataib-hezbollah", "kadhimi", "kdp", "iran"]

CHARTS = {
    "timeline": ChartRequest("timeline", ["sadr", "maliki", "coordination-framework"], "iran"),
    "profile": ChartRequest("profile", ["sadr"]),
    "compare": ChartRequest("compare", ["sadr", "maliki"]),
    "snapshot": ChartRequest("snapshot", SNAPSHOT_ACTORS, at=parse_date("2022-01-16")),
}


def main() -> int:
    QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        # Named like a user's project file, since the name is printed in the source line.
        store = open_project(Path(tmp) / "iraq-stances.db", user="seed")
        try:
            for kind, req in CHARTS.items():
                path = export_chart(store, req, DOCS / f"chart-{kind}.png", 1600, 900)
                print(f"wrote {path.relative_to(DOCS.parent)}")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
