#!/usr/bin/env python
"""Benchmark CSV import/export and series lookups, each beside a plain SQLite tool on the same data.

Generates N synthetic stance records in the export layout (docs/formats.md),
then times, alternating with the reference in the same run (median of --runs):

  a. our import (``record_import.import_records``, every row validated) into a
     fresh database, in a child process so its peak memory can be read,
     against the ``sqlite3`` shell's ``.import --csv`` of the same file into a bare table;
  b. ``sqlite-utils insert --csv`` of the same file, once (skip with ``--skip-sqlite-utils``);
  c. our export (``csv_export.export_records``) against ``sqlite3 -csv`` writing the same rows;
  d. ``series.series`` for ~20 random actor x dimension pairs against a bare
     SELECT of the same rows through Python's sqlite3.

The ``sqlite3`` shell is Debian's ``sqlite3`` package (``apt-get install -y sqlite3``);
without it the script says so and shows our seconds without ratios. The figures
are informational: the script exits 0 whether targets are met or not.

    python benchmarks/bench_csv.py                       # 1,000,000 records, 3 runs of each
    python benchmarks/bench_csv.py --quick               # 50,000 records, under 30 s
    python benchmarks/bench_csv.py --skip-sqlite-utils --keep --workdir /tmp/bench
    python benchmarks/bench_csv.py --records 200000 --profile-import /tmp/import.prof
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from reference import Figure, compare, machine, show, summary

DIMENSIONS = [
    # slug, label, question, neg_label, pos_label, neg_pole, pos_pole
    ("iran", "Iran", "How does the actor stand towards Iran's influence in Iraq?", "anti-Iran", "pro-Iran",
     "Openly opposes Iranian influence.", "Openly aligned with Tehran."),
    ("us", "US", "How does the actor stand towards the United States' presence?", "anti-US", "pro-US",
     "Demands the US leave, by force if need be.", "Seeks a close partnership with Washington."),
    ("militias", "Militias", "How does the actor stand towards the armed factions?", "anti-militia",
     "pro-militia", "Wants the factions disarmed.", "Defends the factions and their arms."),
    ("consensus", "Consensus", "How does the actor stand towards consensus (muhasasa) government?",
     "anti-consensus", "pro-consensus", "Calls for a majority government.", "Defends power sharing."),
]
CODEBOOK = "-2: strongly against\n-1: against\n0: neutral or mixed\n1: for\n2: strongly for"
KINDS = ("person", "party", "movement", "coalition", "militia", "state", "institution", "other")
CODERS = ("alice", "bashir", "carmen", "dana", "emre")
SOURCES = [
    # title, url, published (export form: YYYY, YYYY-MM or YYYY-MM-DD)
    ("Iraq's fractured Shia house", "https://example.org/articles/fractured-shia-house", "2021-11-07"),
    ("The Coordination Framework and the state", "https://example.org/reports/framework-state", "2022-06"),
    ("Militias after Mosul", "https://example.net/militias-after-mosul", "2018"),
    ("Sadr's long game", "https://example.com/news/sadr-long-game", "2022-08-30"),
    ("Tehran, Washington and Baghdad", "https://example.org/analysis/tehran-washington-baghdad", "2020-01"),
    ("Elections and the new parliament", "https://example.net/elections-parliament", "2021-10-12"),
    ("Protest movements since 2019", "https://example.com/protest-movements", "2023"),
    ("Interview with a Framework MP", "https://example.org/interviews/framework-mp", "2024-03-15"),
]
SECTIONS = ("Background", "The elections", "After the vote", "Militias and the state", "Outlook",
            "Foreign influence", "Government formation", "Conclusion")
SUBJECTS = ("The actor", "Its leader", "A spokesman", "The bloc", "Its deputies", "A senior commander",
            "The movement", "Party officials", "The faction", "Its media office")
VERBS = ("criticised", "praised", "rejected", "welcomed", "questioned", "endorsed", "condemned",
         "defended", "downplayed", "called for", "warned against", "backed")
OBJECTS = ("the strike", "foreign interference", "the withdrawal agreement", "the budget law",
           "the new cabinet", "the protest movement", "the Popular Mobilization Forces", "the embassy",
           "the electoral law", "the sanctions", "the prime minister", "the border deal",
           "the oil contracts", "the security agreement", "the federal court ruling", "the coalition talks")
CONTEXTS = ("in a televised speech", "in a statement", "on social media", "at a rally", "in parliament",
            "during Friday prayers", "in an interview", "after the attack", "before the vote",
            "at a press conference", "in a leaked memo", "to reporters")
REASONS = ("which reads as a clear stance", "signalling a shift", "consistent with earlier remarks",
           "though hedged", "a marked change of tone", "echoing allies in Tehran", "against its coalition partners",
           "amid pressure from rivals", "while avoiding specifics", "in unusually sharp terms")
FRACTIONS = (-1.5, -0.5, 0.5, 1.5, -1.25, 0.75, 1.25, -0.75, 0.25, -0.25)

TARGETS = {"import": 3.0, "export": 1.5, "series": 0.020, "import_mb": 500.0}
QUICK_RECORDS = 50_000


# ------------------------------------------------------------------ generation
def score_text(score: float) -> str:
    """The score as the export writes it: whole numbers without a decimal point."""
    return str(int(score)) if score == int(score) else repr(score)


def score_label(score: float, neg: str, pos: str) -> str:
    level = int(round(score))
    return {-2: f"strongly {neg}", -1: neg, 0: "neutral/mixed", 1: pos}.get(level, f"strongly {pos}")


def write_tables(workdir: Path, n_actors: int, n_dims: int, rng: random.Random) -> tuple[list, list]:
    """Write dimensions.csv and actors.csv; return (actors, dimensions) as tuples."""
    dims = [DIMENSIONS[i % len(DIMENSIONS)] if i < len(DIMENSIONS) else
            (f"dim-{i + 1}", f"Dimension {i + 1}", "", f"anti-d{i + 1}", f"pro-d{i + 1}", "", "")
            for i in range(n_dims)]
    with open(workdir / "dimensions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(("slug", "label", "question", "neg_label", "pos_label", "neg_pole", "pos_pole", "codebook",
                    "position"))
        for pos, d in enumerate(dims, 1):
            w.writerow((*d, CODEBOOK, pos))
    actors = []
    with open(workdir / "actors.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(("slug", "name", "kind", "aliases", "colour", "description"))
        for i in range(1, n_actors + 1):
            slug, name = f"actor-{i:04d}", f"Actor {i:04d}"
            aliases = f"Akteur {i:04d}; A{i:04d}" if i % 3 == 0 else ""
            w.writerow((slug, name, rng.choice(KINDS), aliases, f"#{rng.randrange(1 << 24):06x}",
                        f"Synthetic actor number {i} for benchmarking."))
            actors.append((slug, name))
    return actors, dims


def write_records(path: Path, n: int, actors: list, dims: list, years: int, rng: random.Random) -> None:
    """Stream n records in the export layout (EXPORT_COLUMNS) to path."""
    from stancetracker.core.exchange.csv_reader import EXPORT_COLUMNS

    first_year = 2025 - years
    # Dates as ordinal days over the period; year/month precision snap to the period's first day.
    import datetime as dt
    start = dt.date(first_year, 1, 1).toordinal()
    span = dt.date(2024, 12, 31).toordinal() - start + 1
    ts_start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp()
    rand, choice, randrange = rng.random, rng.choice, rng.randrange
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(EXPORT_COLUMNS)
        batch = []
        for _ in range(n):
            slug, name = choice(actors)
            d = choice(dims)
            day = dt.date.fromordinal(start + randrange(span))
            p = rand()
            if p < 0.7:
                prec = "day"
            elif p < 0.9:
                prec, day = "month", day.replace(day=1)
            else:
                prec, day = "year", day.replace(month=1, day=1)
            score = float(randrange(-2, 3)) if rand() < 0.9 else choice(FRACTIONS)
            conf = choice(("low", "medium", "medium", "high"))
            if rand() < 0.95:
                title, url, published = choice(SOURCES)
            else:
                title = url = published = ""
            locator = f"¶{randrange(1, 80)} · {choice(SECTIONS)}" if title else f"p. {randrange(1, 300)}"
            evidence = (f"{choice(SUBJECTS)} {choice(VERBS)} {choice(OBJECTS)} {choice(CONTEXTS)}, "
                        f"{choice(REASONS)}; ref {randrange(100000)}.")
            created = dt.datetime.fromtimestamp(ts_start + randrange(31_536_000), dt.timezone.utc)
            created_s = created.strftime("%Y-%m-%dT%H:%M:%SZ")
            batch.append((
                str(uuid.UUID(int=rng.getrandbits(128), version=4)), name, slug, d[1], d[0], day.isoformat(),
                prec, score_text(score), score_label(score, d[3], d[4]), conf, title, url, published, locator,
                evidence, choice(CODERS), created_s, created_s, 1))
            if len(batch) >= 10_000:
                w.writerows(batch)
                batch.clear()
        w.writerows(batch)


# ------------------------------------------------------------------ child: our import
def child_import(args) -> int:
    """Create a fresh database, import the tables (untimed) and the records (timed); print JSON."""
    from stancetracker.core.project import open_project
    from stancetracker.core.exchange.record_import import import_records
    from stancetracker.core.exchange.table_import import import_table

    wd = Path(args.workdir)
    db = fresh(wd / "ours.db")
    store = open_project(db, seed=False, user="bench")
    import_table(store, wd / "dimensions.csv", "dimensions")
    import_table(store, wd / "actors.csv", "actors")
    # Timed: the import and closing the database (SQLite's last checkpoint), as the
    # sqlite3 shell's time includes writing everything out and exiting.
    prof = None
    if args.profile_import:
        import cProfile
        prof = cProfile.Profile()
    t0 = time.perf_counter()
    if prof is not None:
        prof.enable()
    result = import_records(store, wd / "records.csv")
    store.close()
    if prof is not None:
        prof.disable()
    seconds = time.perf_counter() - t0
    if prof is not None:
        prof.dump_stats(args.profile_import)
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "added": result.added, "self_maxrss_mb": self_mb}))
    return 0


# ------------------------------------------------------------------ helpers
def run_timed(cmd: list[str], stdout=None) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=stdout if stdout is not None else subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - t0, proc


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def find_sqlite_utils() -> str | None:
    beside = Path(sys.executable).parent / "sqlite-utils"
    if beside.exists():
        return str(beside)
    return shutil.which("sqlite-utils")


def find_sqlite3(given: str | None) -> str | None:
    """The sqlite3 shell, or None after saying clearly what is missing and what that skips."""
    path = shutil.which(given or "sqlite3")
    if path is None:
        print(f"NOTE: the sqlite3 command-line shell ({given or 'sqlite3'}) was not found. It is the reference for\n"
              "      the import and export figures; install Debian's package with `apt-get install -y sqlite3`\n"
              "      (or pass --sqlite3 PATH). Until then our seconds are shown without ratios.", flush=True)
    return path


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, help="records to generate (default 1,000,000; --quick 50,000)")
    ap.add_argument("--quick", action="store_true",
                    help=f"{QUICK_RECORDS:,} records and no sqlite-utils: a check that finishes in under 30 s")
    ap.add_argument("--runs", type=int, default=3, help="runs of each timed step and its reference (default 3)")
    ap.add_argument("--actors", type=int, default=300)
    ap.add_argument("--dimensions", type=int, default=4)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--workdir", help="folder for the generated files and databases (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (a --workdir is always kept)")
    ap.add_argument("--skip-sqlite-utils", action="store_true", help="skip the slow sqlite-utils insert")
    ap.add_argument("--sqlite3", metavar="PATH", help="the sqlite3 shell to compare with (default: sqlite3 on PATH)")
    ap.add_argument("--series-pairs", type=int, default=20, help="actor x dimension pairs for series timing")
    ap.add_argument("--seed", type=int, default=1234, help="random seed for the synthetic data")
    ap.add_argument("--profile-import", metavar="FILE", help="run our import under cProfile, stats to FILE")
    ap.add_argument("--build-only", action="store_true",
                    help="generate the files and import them once into WORKDIR/ours.db, then stop (bench_gui uses it)")
    ap.add_argument("--child-import", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.records is None:
        args.records = QUICK_RECORDS if args.quick else 1_000_000
    if args.quick:
        args.skip_sqlite_utils = True
    return args


# ------------------------------------------------------------------ main
def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child_import:
        return child_import(args)

    if args.workdir:
        workdir = Path(args.workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        remove = False
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench_csv_"))
        remove = not args.keep
    try:
        return run(args, workdir)
    finally:
        if remove:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"\nfiles kept in {workdir}")


class OurImport:
    """Our import in a child process, run after run; keeps the child's peak memory and any problem."""

    def __init__(self, args, workdir: Path):
        self.cmd = [sys.executable, str(Path(__file__).resolve()), "--child-import", "--workdir", str(workdir)]
        if args.profile_import:
            self.cmd += ["--profile-import", str(Path(args.profile_import).resolve())]
        self.expected = args.records
        self.peak_mb = 0.0
        self.walls: list[float] = []
        self.failed = ""
        self.notes: list[str] = []

    def __call__(self) -> float | None:
        if self.failed:
            return None
        wall, proc = run_timed(self.cmd)
        if proc.returncode != 0:
            self.failed = proc.stderr.strip()[-2000:] or f"exit {proc.returncode}"
            return None
        child = json.loads(proc.stdout.strip().splitlines()[-1])
        self.peak_mb = max(self.peak_mb, child["self_maxrss_mb"])
        self.walls.append(wall)
        if child["added"] != self.expected:
            self.notes.append(f"our import added {child['added']:,} records, expected {self.expected:,}")
        return child["seconds"]


def sqlite3_import(sqlite3_bin: str, db: Path, records_csv: Path, n: int, notes: list[str]):
    """The reference for the import: the shell's .import into a fresh bare table, checked for n rows."""
    def run() -> float | None:
        seconds, proc = run_timed([sqlite3_bin, str(fresh(db)), f'.import --csv "{records_csv}" t'])
        if proc.returncode != 0 or proc.stderr.strip():
            notes.append(f"sqlite3 .import: exit {proc.returncode} {proc.stderr.strip()[:300]}")
            return None
        got = subprocess.run([sqlite3_bin, str(db), "SELECT count(*) FROM t"], capture_output=True,
                             text=True).stdout.strip()
        if got != str(n):
            notes.append(f"sqlite3 .import loaded {got} rows, expected {n:,}")
        return seconds
    return run


def run(args, workdir: Path) -> int:
    n = args.records
    rng = random.Random(args.seed)
    records_csv = workdir / "records.csv"
    print(f"workdir {workdir}")
    print(f"{machine()}\nSQLite library {__import__('sqlite3').sqlite_version}")
    sqlite3_bin = None if args.build_only else find_sqlite3(args.sqlite3)
    if sqlite3_bin:
        version = subprocess.run([sqlite3_bin, "--version"], capture_output=True, text=True).stdout.split()[:1]
        print(f"sqlite3 shell {' '.join(version)} ({sqlite3_bin})")

    t0 = time.perf_counter()
    actors, dims = write_tables(workdir, args.actors, args.dimensions, rng)
    write_records(records_csv, n, actors, dims, args.years, rng)
    gen_s = time.perf_counter() - t0
    size_mb = records_csv.stat().st_size / 1e6
    print(f"generated {n:,} records ({size_mb:,.1f} MB), {len(actors)} actors, {len(dims)} dimensions "
          f"in {gen_s:.1f} s", flush=True)

    notes: list[str] = []
    if not sqlite3_bin and not args.build_only:
        notes.append("no sqlite3 shell: import and export shown without ratios (apt-get install -y sqlite3)")
    ours = OurImport(args, workdir)
    if args.build_only:
        seconds = ours()
        if seconds is None:
            print(ours.failed, file=sys.stderr)
            return 1
        print(f"imported into {workdir / 'ours.db'} in {seconds:.2f} s")
        return 0

    # a. import, reference first in each pair; our last run leaves ours.db for the export.
    print(f"a. import ({args.runs} runs each, alternating with sqlite3 .import) ...", flush=True)
    ref = sqlite3_import(sqlite3_bin, workdir / "sqlite3_import.db", records_csv, n, notes) if sqlite3_bin else None
    imp = compare("import: ours, validating every row", "sqlite3 .import", ref, ours, args.runs,
                  max_ratio=TARGETS["import"])
    if ours.failed or not imp.ours:
        print(ours.failed, file=sys.stderr)
        print("our import failed; stopping", file=sys.stderr)
        return 1
    notes += sorted(set(ours.notes))
    print(f"   ({statistics.median(ours.walls):.2f} s with process start and schema; "
          f"peak RSS {ours.peak_mb:,.0f} MB)")
    figures = [imp]

    # b. sqlite-utils, once: at a minute and a half per million rows it is a landmark, not a reference.
    if args.skip_sqlite_utils:
        notes.append("sqlite-utils insert skipped (--skip-sqlite-utils or --quick)")
    elif (su_bin := find_sqlite_utils()) is None:
        notes.append("sqlite-utils CLI not found; skipped")
    else:
        print("b. sqlite-utils insert --csv (once) ...", flush=True)
        db = fresh(workdir / "sqlite_utils.db")
        seconds, proc = run_timed([su_bin, "insert", str(db), "t", str(records_csv), "--csv"])
        if proc.returncode != 0:
            notes.append(f"sqlite-utils: exit {proc.returncode} {proc.stderr.strip()[:300]}")
        else:
            su = Figure("import: sqlite-utils insert --csv", "sqlite3 .import", [seconds], imp.refs[-1:])
            show(su)
            figures.append(su)

    figures += bench_export(args, workdir, sqlite3_bin, notes)
    figures.append(bench_series(args, workdir, actors, dims, rng))

    summary(figures, f"{n:,} records, {len(actors)} actors x {len(dims)} dimensions, {args.years} years "
                     f"({size_mb:,.1f} MB CSV), {args.runs} runs")
    mem_ok = "met" if ours.peak_mb < TARGETS["import_mb"] else "MISSED"
    print(f"import peak memory: {ours.peak_mb:,.0f} MB (target < {TARGETS['import_mb']:.0f} MB: {mem_ok})")
    for note in notes:
        print(f"note: {note}")
    if args.profile_import:
        print(f"note: our import ran under cProfile (times inflated); stats in {args.profile_import}")
    return 0


def bench_export(args, workdir: Path, sqlite3_bin: str | None, notes: list[str]) -> list[Figure]:
    """Our export against sqlite3 -csv writing the same SELECT, alternating."""
    from stancetracker.core.db.query import RECORD_FROM
    from stancetracker.core.project import open_project
    from stancetracker.core.exchange.csv_export import export_records, export_sql

    print(f"c. export ({args.runs} runs each, alternating with sqlite3 -csv) ...", flush=True)
    ours_db = workdir / "ours.db"
    out_ours, out_sq = workdir / "export_ours.csv", workdir / "export_sqlite3.csv"
    store = open_project(ours_db, create=False, user="bench", backup=False)
    counts: list[int] = []

    def ours() -> float:
        t0 = time.perf_counter()
        counts.append(export_records(store, out_ours))
        return time.perf_counter() - t0

    sql = f"SELECT {export_sql(True)} FROM {RECORD_FROM} WHERE r.deleted = 0 ORDER BY r.date ASC, r.id ASC"

    def ref() -> float | None:
        with open(out_sq, "w") as fh:
            seconds, proc = run_timed([sqlite3_bin, "-csv", "-header", str(ours_db), sql], stdout=fh)
        if proc.returncode != 0:
            notes.append(f"sqlite3 -csv: exit {proc.returncode} {proc.stderr.strip()[:300]}")
            return None
        return seconds

    fig = compare("export: ours", "sqlite3 -csv", ref if sqlite3_bin else None, ours, args.runs,
                  max_ratio=TARGETS["export"])
    store.close()
    if any(c != args.records for c in counts):
        notes.append(f"our export wrote {counts} records, expected {args.records:,}")
    if fig.refs:
        notes.append(f"export check: {_compare_exports(out_ours, out_sq)}")
    return [fig]


def bench_series(args, workdir: Path, actors: list, dims: list, rng: random.Random) -> Figure:
    """series.series per actor x dimension pair against Python's sqlite3 fetching the same rows bare."""
    import sqlite3

    from stancetracker.core.analysis import series
    from stancetracker.core.project import open_project

    print(f"d. series ({args.series_pairs} actor x dimension pairs, alternating with a bare SELECT) ...", flush=True)
    db = workdir / "ours.db"
    store = open_project(db, create=False, user="bench", backup=False)
    bare = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    sql = ("SELECT r.date, r.date_precision, r.score, r.confidence, r.uuid FROM records r "
           "JOIN actors a ON a.id = r.actor_id JOIN dimensions d ON d.id = r.dimension_id "
           "WHERE a.slug = ? AND d.slug = ? AND r.deleted = 0 ORDER BY r.date, r.id")
    pairs = iter([(rng.choice(actors)[0], rng.choice(dims)[0]) for _ in range(args.series_pairs)])
    current: list[tuple[str, str]] = []
    lengths: list[int] = []

    def ref() -> float:
        current[:] = [next(pairs)]  # each pair is timed once by each side, the reference first
        t0 = time.perf_counter()
        bare.execute(sql, current[0]).fetchall()
        return time.perf_counter() - t0

    def ours() -> float:
        t0 = time.perf_counter()
        s = series.series(store, *current[0])
        seconds = time.perf_counter() - t0
        lengths.append(int(s.n.sum()))
        return seconds

    fig = compare("series: one actor x dimension", "bare SELECT of its rows", ref, ours, args.series_pairs,
                  max_seconds=TARGETS["series"])
    print(f"   (max {max(fig.ours) * 1000:.1f} ms; ~{statistics.mean(lengths):.0f} records per series)")
    bare.close()
    store.close()
    return fig


def _compare_exports(ours: Path, theirs: Path) -> str:
    """Compare the two exports cell by cell (the header and CSV quoting style may differ)."""
    with open(ours, newline="", encoding="utf-8") as fa, open(theirs, newline="", encoding="utf-8") as fb:
        ra, rb = csv.reader(fa), csv.reader(fb)
        next(ra, None), next(rb, None)  # sqlite3 names columns after their expressions
        n = 0
        for n, (x, y) in enumerate(zip(ra, rb), 1):
            if x != y:
                return f"row {n} differs between ours and sqlite3 -csv: {x} vs {y}"
        rest_a, rest_b = sum(1 for _ in ra), sum(1 for _ in rb)
    if rest_a or rest_b:
        return f"row counts differ (ours +{rest_a}, sqlite3 +{rest_b} after {n:,})"
    sizes = f"{ours.stat().st_size / 1e6:,.1f} MB vs {theirs.stat().st_size / 1e6:,.1f} MB"
    return f"ours and sqlite3 -csv hold the same {n:,} rows, cell for cell (quoting differs; {sizes})"


if __name__ == "__main__":
    sys.exit(main())
