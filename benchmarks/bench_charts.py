"""Chart speed: timeline redraw with 10,000 observations over 20 actors, and PNG export, beside bare pyqtgraph.

    python benchmarks/bench_charts.py            # 7 runs of each
    python benchmarks/bench_charts.py --quick    # 3 runs

The reference, run before each of ours: a bare pyqtgraph PlotWidget of the
same size given the same arrays directly (20 curves, one per actor, through the
same 10,000 observations, with a marker on each), then painted once; for the
PNG export the same widget rendered at 1600×900 and written as PNG.
Targets (issue 5): redraw < 100 ms, PNG export at 1600×900 < 1 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STANCETRACKER_CODER", "bench")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from reference import compare, machine, summary, timed  # noqa: E402

from stancetracker.core.analysis import chartdata  # noqa: E402
from stancetracker.core.db.query import RecordFilter  # noqa: E402
from stancetracker.core.exchange.record_import import ImportOptions, import_records  # noqa: E402
from stancetracker.core.model.entities import Actor  # noqa: E402
from stancetracker.core.db.store import Store  # noqa: E402
from stancetracker.core.project import open_project  # noqa: E402
from stancetracker.gui.charts import export  # noqa: E402
from stancetracker.gui.charts.timeline import TimelineFigure  # noqa: E402

N_ACTORS, PER_ACTOR = 20, 500


def build_db(folder: Path) -> tuple[Store, list[str]]:
    """A database with 20 actors and 500 dated observations each on one dimension."""
    store = open_project(folder / "bench.db", user="bench")  # seeded: dimensions, events, sources
    slugs = []
    for k in range(N_ACTORS):
        a = store.add_actor(Actor(slug=f"bench-{k:02d}", name=f"Bench actor {k:02d}", kind="party"))
        slugs.append(a.slug)
    rng = np.random.default_rng(5)
    path = folder / "records.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["actor_slug", "dimension_slug", "date", "date_precision", "score", "confidence", "evidence"])
        for slug in slugs:
            days = np.sort(rng.choice(np.arange(0, 15000), PER_ACTOR, replace=False))
            when = np.datetime64("1985-01-01") + days
            months = when.astype("datetime64[M]")
            alone = np.r_[True, months[1:] != months[:-1]] & np.r_[months[:-1] != months[1:], True]
            score = int(rng.integers(-2, 3))
            for w_day, m, solo in zip(when, months, alone):
                # Coded stances mostly hold and move a level at a time: a random walk, not noise.
                score = int(np.clip(score + rng.choice([-1, 0, 0, 0, 0, 0, 1]), -2, 2))
                month = solo and rng.random() < 0.2  # a fifth coded to the month: drawn as spans
                w.writerow([slug, "iran", str(m) if month else str(w_day), "month" if month else "day", score,
                            ("low", "medium", "high")[int(rng.integers(0, 3))], "bench"])
    import_records(store, path, ImportOptions())
    return store, slugs


def paint(fig) -> None:
    """Paint the figure's window now, as the screen does after an update (synchronous paintEvent)."""
    fig.viewport().repaint()


def median_ms(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


class BarePlot:
    """The reference: a bare PlotWidget drawing the traces' observations as plain curves with markers."""

    def __init__(self, traces):
        self.widget = pg.PlotWidget(background="w")
        self.widget.resize(1600, 900)
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.widget.show()
        self.arrays = [(tr.x, tr.y, tr.colour) for tr in traces]
        self.curves = [self.widget.plot([], [], pen=pg.mkPen(c, width=2.4), symbol="o", symbolSize=8,
                                        symbolBrush=c, symbolPen=c) for _, _, c in self.arrays]

    def redraw(self) -> float:
        for curve in self.curves:  # untimed: emptied, as ours leaves the dimension first
            curve.setData([], [])
        t0 = time.perf_counter()
        for curve, (x, y, _) in zip(self.curves, self.arrays):
            curve.setData(x, y)
        paint(self.widget)
        return time.perf_counter() - t0

    def png(self, path: Path) -> None:
        img = QImage(1600, 900, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(QColor("white"))
        p = QPainter(img)
        p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.widget.scene().render(p, QRectF(0, 0, 1600, 900), QRectF(0, 0, 1600, 900))
        p.end()
        arr = QByteArray()
        buf = QBuffer(arr)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        img.save(buf, "PNG")
        path.write_bytes(bytes(arr))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="runs of each figure and its reference (default 7)")
    ap.add_argument("--quick", action="store_true", help="3 runs of each: under 30 s")
    args = ap.parse_args(argv)
    runs = 3 if args.quick else args.runs
    print(machine(), flush=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store, slugs = build_db(Path(tmp))
        n_obs = sum(len(chartdata.timeline(store, "iran", [s]).traces[0]) for s in slugs)
        print(f"database: {store.count():,} records, {n_obs:,} observations over {len(slugs)} actors "
              f"(built in {time.perf_counter() - t0:.1f} s)")
        fig = TimelineFigure()
        fig.store = store
        fig.resize(1600, 900)
        fig.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        fig.show()
        app.processEvents()

        data = chartdata.timeline(store, "iran", slugs)
        other = chartdata.timeline(store, "us", slugs)  # empty: forces every item to be refilled
        bare = BarePlot(data.traces)
        app.processEvents()
        bare.redraw()  # untimed: pyqtgraph's first-time costs
        core, _ = median_ms(lambda: chartdata.timeline(store, "iran", slugs), runs)
        fig.set_data(data)
        painted, _ = median_ms(lambda: paint(fig), runs)

        def full() -> float:
            fig.set_data(other, keep_view=True)  # untimed: leave the dimension
            t0 = time.perf_counter()
            fig.set_data(chartdata.timeline(store, "iran", slugs), keep_view=True)
            paint(fig)
            return time.perf_counter() - t0
        print("timeline redraw, 10,000 observations / 20 actors:", flush=True)
        redraw = compare("full redraw (every trace new, as a dimension switch)", "bare PlotWidget, same arrays",
                         bare.redraw, full, runs, max_seconds=0.1)

        fig.set_data(data, keep_view=True)
        rec = store.records(RecordFilter(actors=[slugs[0]]), limit=1)[0]

        def live() -> float:
            # What a live update costs after an edit (the edit itself untimed): the core
            # recomputes every series, one trace changes, the window repaints.
            store.update_record(rec.uuid, store.record(rec.uuid).version, score=-rec.score if rec.score else 1)
            t0 = time.perf_counter()
            fig.set_data(chartdata.timeline(store, "iran", slugs), keep_view=True)
            paint(fig)
            return time.perf_counter() - t0
        live_fig = compare("live redraw after one edit", "bare PlotWidget, same arrays", bare.redraw, live, runs,
                           max_seconds=0.1)
        print(f"    parts: chart data (core) {core:.1f} ms; one full paint at 1600×900 {painted:.1f} ms "
              f"(offscreen software rasteriser, {os.cpu_count()} CPUs)")

        out, ref_out = Path(tmp) / "bench.png", Path(tmp) / "bare.png"
        png = compare("PNG export 1600×900 of that timeline", "bare PlotWidget rendered to PNG",
                      timed(lambda: bare.png(ref_out)), timed(lambda: export.save(fig, out, 1600, 900)),
                      max(3, runs - 2), max_seconds=1.0)
        seeded_fig = export.figure_for(chartdata.timeline(store, "iran", ["sadr", "maliki", "coordination-framework"]))
        png2, _ = median_ms(lambda: export.save(seeded_fig, out, 1600, 900), max(3, runs - 2))
        print(f"   PNG export 1600×900 of the seeded Sadr/Maliki/CF timeline: median {png2:.0f} ms")
        store.close()
    summary([redraw, live_fig, png], f"timeline of {n_obs:,} observations over {len(slugs)} actors, {runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
