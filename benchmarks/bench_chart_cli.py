#!/usr/bin/env python
"""One chart of the seeded timeline as a whole process, to PNG, SVG and PDF: wall and CPU seconds.

Each command, ``stancetracker --db SEEDED.db chart -a sadr -o FILE``, runs as a whole
process alternating with two references timed in the same run on the same
interpreter: ``python -c pass`` (the interpreter's start) and
``python -c "import PySide6.QtWidgets"`` (the least any Qt drawing can load).
Target (issue 14): one chart to PNG, whole process, under 1 s.

    python benchmarks/bench_chart_cli.py            # 7 runs of each
    python benchmarks/bench_chart_cli.py --quick    # 3 runs
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cli_start import Runner, entry_point
from reference import Figure, compare, machine, summary

PNG_TARGET = 1.0


def measure(name: str, cmd: list[str], env: dict[str, str], runs: int, target: float | None) -> list[Figure]:
    """Wall beside both references, and CPU beside python -c pass, for one command."""
    figures = []
    ours = Runner(cmd, env)
    for ref_name, ref_cmd in (("python -c pass", [sys.executable, "-c", "pass"]),
                              ("import PySide6.QtWidgets", [sys.executable, "-c", "import PySide6.QtWidgets"])):
        ref = Runner(ref_cmd, env)
        kw = {"max_seconds": target} if target is not None else {}
        figures.append(compare(f"{name}, wall", ref_name, ref, ours, runs, **kw))
        if ours.failed or ref.failed:
            print(f"   FAILED: {ours.failed or ref.failed}", file=sys.stderr)
            return figures
    # Runner keeps every run's CPU; the first half ran beside python -c pass.
    cpu = Figure(f"{name}, CPU (user+sys)", "—", ours.cpu)
    print(f"   {cpu.name}: median {statistics.median(ours.cpu):.3f} s", flush=True)
    return figures + [cpu]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="runs of each command and reference (default 7)")
    ap.add_argument("--quick", action="store_true", help="3 runs of each: about half a minute")
    args = ap.parse_args(argv)
    runs = 3 if args.quick else args.runs
    print(machine(), flush=True)
    st = entry_point()
    with tempfile.TemporaryDirectory(prefix="bench-chart-") as tmp:
        env = {**os.environ, "STANCETRACKER_HOME": tmp, "STANCETRACKER_CODER": "bench",
               "QT_QPA_PLATFORM": "offscreen"}
        env.pop("PYTHONPROFILEIMPORTTIME", None)
        db = Path(tmp) / "seeded.db"
        t = time.perf_counter()
        subprocess.run([*st, "--db", str(db), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"seeded database made in {time.perf_counter() - t:.1f} s; entry point {' '.join(st)}")
        figures: list[Figure] = []
        for fmt, target in (("png", PNG_TARGET), ("svg", None), ("pdf", None)):
            name = f"chart -a sadr -o t.{fmt}"
            print(f"{name} ({runs} runs beside each reference) ...", flush=True)
            figures += measure(name, [*st, "--db", str(db), "chart", "-a", "sadr", "-o", str(Path(tmp) / f"t.{fmt}")],
                               env, runs, target)
    summary([f for f in figures if f.refs], f"one seeded timeline chart, whole process, median of {runs} runs")
    print("CPU (user+sys), median of all runs: "
          + "; ".join(f"{f.name.split(',')[0]} {f.seconds:.3f} s" for f in figures if not f.refs and f.ours))
    return 0


if __name__ == "__main__":
    sys.exit(main())
