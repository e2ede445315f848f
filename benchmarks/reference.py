"""Shared by the benchmarks: each figure beside a reference measured in the same run, and the summary table.

A figure in seconds moves 2-3x between machines and with the load of a shared
one; its ratio to a reference task timed right next to it, on the same data,
moves much less. Runs alternate (reference, ours, reference, ours ...) so a
change of load touches both, and the ratio is the median of the runs' ratios.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Timed = Callable[[], float | None]  # runs once; returns its own seconds, or None when it could not run


@dataclass
class Figure:
    """One measured figure: our seconds per run beside the reference's."""

    name: str
    reference: str  # what the reference is, in a few words
    ours: list[float] = field(default_factory=list)
    refs: list[float] = field(default_factory=list)
    max_ratio: float | None = None  # the target, as a ratio to the reference
    max_seconds: float | None = None  # or in seconds, where the issue set one

    @property
    def seconds(self) -> float | None:
        return statistics.median(self.ours) if self.ours else None

    @property
    def ref_seconds(self) -> float | None:
        return statistics.median(self.refs) if self.refs else None

    @property
    def ratio(self) -> float | None:
        """Median of the per-run ratios (each run paired with the reference run just before it)."""
        pairs = [o / r for o, r in zip(self.ours, self.refs) if r > 0]
        return statistics.median(pairs) if pairs else None

    def target(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"<= {self.max_ratio:g}x")
        if self.max_seconds is not None:
            limit = self.max_seconds
            parts.append(f"< {limit * 1000:g} ms" if limit < 1 else f"< {limit:g} s")
        if not parts:
            return ""
        met = [(self.ratio <= self.max_ratio) if self.max_ratio is not None and self.ratio is not None else None,
               (self.seconds < self.max_seconds) if self.max_seconds is not None and self.seconds is not None
               else None]
        known = [m for m in met if m is not None]
        verdict = "n/a" if not known else ("met" if all(known) else "MISSED")
        return f"{' and '.join(parts)}: {verdict}"


def fmt_seconds(s: float | None) -> str:
    """Three significant figures below a second (timings of a millisecond stay readable)."""
    if s is None:
        return "—"
    if s <= 0:
        return "0"
    return f"{s:.{max(3, 2 - math.floor(math.log10(s)))}f}" if s < 1 else f"{s:.3f}" if s < 10 else f"{s:.2f}"


def fmt_runs(xs: list[float], most: int = 9) -> str:
    shown = ", ".join(fmt_seconds(x) for x in xs[:most])
    return shown + (f", … ({len(xs)} runs)" if len(xs) > most else "")


def fmt_ratio(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}x" if r < 100 else f"{r:.0f}x"


def timed(fn: Callable[[], object]) -> Timed:
    """A Timed that measures one call of ``fn`` on the wall clock."""
    def run() -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    return run


def compare(name: str, reference: str, ref: Timed | None, ours: Timed, runs: int, **target) -> Figure:
    """Run ``ref`` and ``ours`` alternately ``runs`` times each; print and return the figure.

    ``ref`` None (its tool is missing) times ours alone; its ratio is then shown as —.
    """
    fig = Figure(name, reference, **target)
    for _ in range(runs):
        if ref is not None:
            r = ref()
            if r is None:
                ref = None
            else:
                fig.refs.append(r)
        o = ours()
        if o is not None:
            fig.ours.append(o)
    show(fig)
    return fig


def show(fig: Figure) -> None:
    """One line for the figure as soon as it is measured, with every run."""
    runs = fmt_runs(fig.ours)
    line = f"   {fig.name}: {fmt_seconds(fig.seconds)} s"
    if fig.refs:
        line += (f" = {fmt_ratio(fig.ratio)} {fig.reference} ({fmt_seconds(fig.ref_seconds)} s);"
                 f" runs ours {runs}; reference {fmt_runs(fig.refs)}")
    else:
        line += f" (reference not measured: {fig.reference}); runs {runs}"
    print(line, flush=True)


def machine() -> str:
    """Python, CPUs and the load average, printed first: a loaded machine stretches the seconds."""
    try:
        load = "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "load average unknown"
    return (f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, {load}"
            f" ({sys.executable})")


def summary(figures: list[Figure], title: str) -> None:
    """The final table: figure, seconds, reference seconds, ratio (and the target where there is one)."""
    head = ("figure", "seconds", "reference", "ref. seconds", "ratio", "target")
    rows = [(f.name, fmt_seconds(f.seconds), f.reference, fmt_seconds(f.ref_seconds),
             fmt_ratio(f.ratio), f.target()) for f in figures]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    align = "<><><<"
    print(f"\n{title}")
    print(f"({machine()})")
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(f"{c:{a}{w}}" for c, a, w in zip(r, align, widths)).rstrip())
    print("ratio: median over the runs of our time / the reference run just before it; "
          "compare ratios across machines, seconds only within one.")
