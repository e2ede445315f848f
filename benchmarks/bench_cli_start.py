#!/usr/bin/env python
"""Whole-process start of the command line beside ``python -c pass``: wall and CPU seconds.

Times, as whole processes and alternating with ``python -c pass`` on the same
interpreter (median of --runs):

  a. ``stancetracker --help``;
  b. ``stancetracker --db SMALL.db records`` on a freshly seeded database;
  c. ``sqlite-utils --help``, where it is installed beside Python, as a landmark.

CPU is user + system time of the child, from ``resource.getrusage(RUSAGE_CHILDREN)``
around each run. Then each command runs once under ``python -X importtime`` to
name the heavy libraries it loads (NumPy, Qt, pyqtgraph) and its costliest packages.
Target (issue 13): CPU of ``stancetracker --help`` under 0.25 s, with neither NumPy nor Qt loaded.

    python benchmarks/bench_cli_start.py            # 10 runs of each
    python benchmarks/bench_cli_start.py --quick    # 5 runs
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reference import Figure, compare, machine, summary

HEAVY = ("numpy", "PySide6", "shiboken6", "pyqtgraph", "lxml", "pypdf")
CPU_TARGET = 0.25


def entry_point() -> list[str]:
    """The installed ``stancetracker`` script of this interpreter (what a user types), else ``python -m``."""
    beside = Path(sys.executable).parent / "stancetracker"
    found = str(beside) if beside.exists() else shutil.which("stancetracker")
    if found is None:
        print("note: no stancetracker script found; timing `python -m stancetracker` instead")
        return [sys.executable, "-m", "stancetracker"]
    return [found]


class Runner:
    """Runs one command as a whole process; returns its wall seconds and keeps its CPU seconds."""

    def __init__(self, cmd: list[str], env: dict[str, str]):
        self.cmd, self.env = cmd, env
        self.cpu: list[float] = []
        self.failed = ""

    def __call__(self) -> float | None:
        if self.failed:
            return None
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(self.cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            self.failed = f"{' '.join(self.cmd)}: exit {proc.returncode}\n{proc.stderr.decode(errors='replace')[-1500:]}"
            return None
        self.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return wall


def measure(name: str, cmd: list[str], env: dict[str, str], runs: int, cpu_target: float | None = None):
    """Wall and CPU figures for ``cmd``, each run after a run of ``python -c pass``."""
    ref, ours = Runner([sys.executable, "-c", "pass"], env), Runner(cmd, env)
    wall = compare(f"{name}, wall", "python -c pass", ref, ours, runs)
    if ours.failed or ref.failed:
        print(f"   FAILED: {ours.failed or ref.failed}", file=sys.stderr)
    cpu = Figure(f"{name}, CPU (user+sys)", "python -c pass", ours.cpu, ref.cpu[:len(ours.cpu)],
                 max_seconds=cpu_target)
    print(f"   {cpu.name}: {cpu.seconds or 0:.3f} s (python -c pass {cpu.ref_seconds or 0:.3f} s)", flush=True)
    return [wall, cpu]


def imports(name: str, cmd: list[str], env: dict[str, str]) -> None:
    """Run ``cmd`` once under -X importtime: which heavy libraries it loads, and its costliest packages."""
    if cmd[0] == sys.executable:
        full = [sys.executable, "-X", "importtime", *cmd[1:]]
    elif _is_python(cmd[0]):
        full = [sys.executable, "-X", "importtime", *cmd]
    else:
        print(f"   {name}: the entry point is not a Python script; imports not listed")
        return
    proc = subprocess.run(full, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Lines read "import time: self | cumulative | name", nested imports indented under their importer.
    rows = re.findall(r"^import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)$", proc.stderr, re.MULTILINE)
    # The cost of each package as a whole: its own top module's cumulative time, wherever it was imported.
    cost: dict[str, int] = {}
    for _, cum, _, mod in rows:
        if "." not in mod and mod not in ("stancetracker", "site", "encodings"):
            cost[mod] = max(cost.get(mod, 0), int(cum))
    loaded = sorted({mod.split(".")[0] for *_, mod in rows} & set(HEAVY))
    slow = sorted(cost.items(), key=lambda kv: -kv[1])[:6]
    ours = sorted(((int(own), mod) for own, _, _, mod in rows if mod.startswith("stancetracker")), reverse=True)[:4]
    print(f"   {name}: heavy libraries loaded: {', '.join(loaded) or 'none'}; costliest packages: "
          + ", ".join(f"{mod} {us / 1000:.0f} ms" for mod, us in slow)
          + "; our costliest modules (own time): " + ", ".join(f"{mod} {us / 1000:.0f} ms" for us, mod in ours))


def _is_python(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return b"python" in fh.readline()
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="runs of each command and its reference (default 10)")
    ap.add_argument("--quick", action="store_true", help="5 runs of each: under 30 s")
    args = ap.parse_args(argv)
    runs = 5 if args.quick else args.runs
    print(machine(), flush=True)
    st = entry_point()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        # A data folder of its own: nothing the benchmark runs touches the user's.
        env = {**os.environ, "STANCETRACKER_HOME": tmp, "STANCETRACKER_CODER": "bench",
               "QT_QPA_PLATFORM": "offscreen"}
        env.pop("PYTHONPROFILEIMPORTTIME", None)
        small = Path(tmp) / "small.db"
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sys; from stancetracker.core.project import open_project; "
                        "open_project(sys.argv[1], user='bench').close()", str(small)], env=env, check=True)
        print(f"seeded database {small} made in {time.perf_counter() - t:.1f} s; entry point {' '.join(st)}")
        commands = [("stancetracker --help", [*st, "--help"], CPU_TARGET),
                    ("stancetracker records", [*st, "--db", str(small), "records"], None)]
        su = Path(sys.executable).parent / "sqlite-utils"
        if su.exists():
            commands.append(("sqlite-utils --help (landmark)", [str(su), "--help"], None))
        figures = []
        for name, cmd, target in commands:
            print(f"{name} ({runs} runs, alternating with python -c pass) ...", flush=True)
            figures += measure(name, cmd, env, runs, target)
        print("imports (one run each under python -X importtime):")
        for name, cmd, _ in commands[:2]:
            imports(name, cmd, env)
    summary(figures, f"whole-process start, median of {runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
