"""Chart speed: timeline redraw with 10,000 observations over 20 actors, and PNG export.

Run: python benchmarks/bench_charts.py
Targets (issue 5): redraw < 100 ms, PNG export at 1600×900 < 1 s.
"""

from __future__ import annotations

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
from PySide6.QtWidgets import QApplication  # noqa: E402

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


def main() -> int:
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
        fig.setAttribute(__import__("PySide6.QtCore", fromlist=["Qt"]).Qt.WidgetAttribute.WA_DontShowOnScreen)
        fig.show()
        app.processEvents()

        data = chartdata.timeline(store, "iran", slugs)
        other = chartdata.timeline(store, "us", slugs)  # empty: forces every item to be refilled
        core, _ = median_ms(lambda: chartdata.timeline(store, "iran", slugs), 7)
        fig.set_data(data)
        painted, _ = median_ms(lambda: paint(fig), 7)

        def full():
            fig.set_data(other, keep_view=True)  # untimed: leave the dimension
            t0 = time.perf_counter()
            fig.set_data(chartdata.timeline(store, "iran", slugs), keep_view=True)
            paint(fig)
            return (time.perf_counter() - t0) * 1000
        runs = [full() for _ in range(7)]
        total = statistics.median(runs)
        verdict = "OK" if total < 100 else "OVER TARGET"
        print(f"timeline redraw, 10,000 observations / 20 actors (every trace new, e.g. a dimension switch): "
              f"median {total:.1f} ms (target < 100 ms: {verdict}); runs: {', '.join(f'{t:.0f}' for t in runs)} ms")

        fig.set_data(data, keep_view=True)
        rec = store.records(RecordFilter(actors=[slugs[0]]), limit=1)[0]

        def live():
            # What a live update costs after an edit (the edit itself untimed): the core
            # recomputes every series, one trace changes, the window repaints.
            store.update_record(rec.uuid, store.record(rec.uuid).version, score=-rec.score if rec.score else 1)
            t0 = time.perf_counter()
            fig.set_data(chartdata.timeline(store, "iran", slugs), keep_view=True)
            paint(fig)
            return (time.perf_counter() - t0) * 1000
        runs = [live() for _ in range(7)]
        live_ms = statistics.median(runs)
        verdict = "OK" if live_ms < 100 else "OVER TARGET"
        print(f"live redraw after one edit (same chart):  median {live_ms:.1f} ms (target < 100 ms: {verdict}); "
              f"runs: {', '.join(f'{t:.0f}' for t in runs)} ms")
        print(f"    parts: chart data (core) {core:.1f} ms; one full paint at 1600×900 {painted:.1f} ms "
              f"(offscreen software rasteriser, {os.cpu_count()} CPUs)")

        out = Path(tmp) / "bench.png"
        png, runs = median_ms(lambda: export.save(fig, out, 1600, 900), 5)
        verdict = "OK" if png < 1000 else "OVER TARGET"
        print(f"PNG export 1600×900 of that timeline: median {png:.0f} ms (target < 1 s: {verdict}); "
              f"runs: {', '.join(f'{t:.0f}' for t in runs)} ms")
        seeded_fig = export.figure_for(chartdata.timeline(store, "iran", ["sadr", "maliki", "coordination-framework"]))
        png2, _ = median_ms(lambda: export.save(seeded_fig, out, 1600, 900), 5)
        print(f"PNG export 1600×900 of the seeded Sadr/Maliki/CF timeline: median {png2:.0f} ms")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
