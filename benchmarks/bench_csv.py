#!/usr/bin/env python
"""Benchmark CSV import/export and series lookups against plain SQLite tools.

Generates N synthetic stance records in the export layout (docs/formats.md),
then times, in one run:

  a. our import (``csv_import.import_records``, every row validated) into a
     fresh database, run in a child process so its peak memory can be read;
  b. the ``sqlite3`` shell's ``.import --csv`` into a bare table;
  c. ``sqlite-utils insert --csv`` into a bare table (``--skip-sqlite-utils``);
  d. our export (``csv_export.export_records``) against ``sqlite3 -csv`` of the
     same SELECT;
  e. ``analysis.series`` for ~20 random actor x dimension pairs.

The figures are informational: the script exits 0 whether targets are met or not.

    python benchmarks/bench_csv.py --records 100000
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

TARGETS = {"import": 3.0, "export": 1.5, "series_ms": 20.0, "import_mb": 500.0}


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
    from stancetracker.core.exchange.record_import import import_records
    from stancetracker.core.db.store import Store
    from stancetracker.core.project import open_project
    from stancetracker.core.exchange.table_import import import_table

    wd = Path(args.workdir)
    db = wd / "ours.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = open_project(db, seed=False, user="bench")
    import_table(store, wd / "dimensions.csv", "dimensions")
    import_table(store, wd / "actors.csv", "actors")
    # Timed: the import and closing the database (SQLite's last checkpoint), as the
    # sqlite3 shell's time includes writing everything out and exiting.
    if args.profile_import:
        import cProfile
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        result = import_records(store, wd / "records.csv")
        store.close()
        prof.disable()
        seconds = time.perf_counter() - t0
        prof.dump_stats(args.profile_import)
    else:
        t0 = time.perf_counter()
        result = import_records(store, wd / "records.csv")
        store.close()
        seconds = time.perf_counter() - t0
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


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1_000_000, help="records to generate (default 1,000,000)")
    ap.add_argument("--actors", type=int, default=300)
    ap.add_argument("--dimensions", type=int, default=4)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--workdir", help="folder for the generated files and databases (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (a --workdir is always kept)")
    ap.add_argument("--skip-sqlite-utils", action="store_true", help="skip the slow sqlite-utils insert")
    ap.add_argument("--series-pairs", type=int, default=20, help="actor x dimension pairs for series timing")
    ap.add_argument("--seed", type=int, default=1234, help="random seed for the synthetic data")
    ap.add_argument("--profile-import", metavar="FILE", help="run our import under cProfile, stats to FILE")
    ap.add_argument("--child-import", action="store_true", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


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


def run(args, workdir: Path) -> int:
    from stancetracker.core.analysis import series as analysis
    from stancetracker.core.exchange.csv_export import export_records, export_sql
    from stancetracker.core.db.query import RECORD_FROM
    from stancetracker.core.db.store import Store
    from stancetracker.core.project import open_project

    n = args.records
    rng = random.Random(args.seed)
    records_csv = workdir / "records.csv"
    print(f"workdir {workdir}")
    print(f"python {sys.version.split()[0]}, SQLite library {__import__('sqlite3').sqlite_version}")

    t0 = time.perf_counter()
    actors, dims = write_tables(workdir, args.actors, args.dimensions, rng)
    write_records(records_csv, n, actors, dims, args.years, rng)
    gen_s = time.perf_counter() - t0
    size_mb = records_csv.stat().st_size / 1e6
    print(f"generated {n:,} records ({size_mb:,.1f} MB), {len(actors)} actors, {len(dims)} dimensions "
          f"in {gen_s:.1f} s")


    notes = []

    # a. our import, in a child process (the first child, so RUSAGE_CHILDREN is its peak).
    print("a. our import ...", flush=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-import", "--workdir", str(workdir)]
    if args.profile_import:
        cmd += ["--profile-import", str(Path(args.profile_import).resolve())]
    wall, proc = run_timed(cmd)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        print("our import failed; stopping", file=sys.stderr)
        return 1
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    ours_import = child["seconds"]
    if child["added"] != n:
        notes.append(f"our import added {child['added']:,} records, expected {n:,}")
    print(f"   {ours_import:.2f} s ({wall:.2f} s with process start and schema), peak RSS {peak_mb:,.0f} MB")

    # b. sqlite3 .import
    sqlite3_bin = shutil.which("sqlite3")
    sq_import = None
    if sqlite3_bin is None:
        notes.append("the sqlite3 command-line shell is not installed (apt-get install sqlite3); "
                     "sqlite3 .import and sqlite3 -csv were skipped")
    else:
        version = subprocess.run([sqlite3_bin, "--version"], capture_output=True, text=True).stdout.split()[:1]
        print(f"b. sqlite3 .import (sqlite3 {' '.join(version)}) ...", flush=True)
        db = fresh(workdir / "sqlite3_import.db")
        sq_import, proc = run_timed([sqlite3_bin, str(db), f'.import --csv "{records_csv}" t'])
        if proc.returncode != 0 or proc.stderr.strip():
            notes.append(f"sqlite3 .import: exit {proc.returncode} {proc.stderr.strip()[:300]}")
        got = subprocess.run([sqlite3_bin, str(db), "SELECT count(*) FROM t"], capture_output=True,
                             text=True).stdout.strip()
        if got != str(n):
            notes.append(f"sqlite3 .import loaded {got} rows, expected {n:,}")
        print(f"   {sq_import:.2f} s")

    # c. sqlite-utils insert --csv
    su_import = None
    if args.skip_sqlite_utils:
        notes.append("sqlite-utils insert skipped (--skip-sqlite-utils)")
    else:
        su_bin = find_sqlite_utils()
        if su_bin is None:
            notes.append("sqlite-utils CLI not found; skipped")
        else:
            print("c. sqlite-utils insert --csv ...", flush=True)
            db = fresh(workdir / "sqlite_utils.db")
            su_import, proc = run_timed([su_bin, "insert", str(db), "t", str(records_csv), "--csv"])
            if proc.returncode != 0:
                notes.append(f"sqlite-utils: exit {proc.returncode} {proc.stderr.strip()[:300]}")
                su_import = None
            else:
                print(f"   {su_import:.2f} s")

    # d. export: ours vs sqlite3 -csv of the same SELECT
    print("d. export ...", flush=True)
    ours_db = workdir / "ours.db"
    store = open_project(ours_db, create=False, user="bench")
    out_ours = workdir / "export_ours.csv"
    t0 = time.perf_counter()
    exported = export_records(store, out_ours)
    ours_export = time.perf_counter() - t0
    if exported != n:
        notes.append(f"our export wrote {exported:,} records, expected {n:,}")
    print(f"   ours {ours_export:.2f} s")
    sq_export = None
    if sqlite3_bin is not None:
        sql = f"SELECT {export_sql(True)} FROM {RECORD_FROM} WHERE r.deleted = 0 ORDER BY r.date ASC, r.id ASC"
        out_sq = workdir / "export_sqlite3.csv"
        with open(out_sq, "w") as fh:
            sq_export, proc = run_timed([sqlite3_bin, "-csv", "-header", str(ours_db), sql], stdout=fh)
        if proc.returncode != 0:
            notes.append(f"sqlite3 -csv: exit {proc.returncode} {proc.stderr.strip()[:300]}")
            sq_export = None
        else:
            print(f"   sqlite3 -csv {sq_export:.2f} s")
            notes.append(f"export check: {_compare_exports(out_ours, out_sq)}")

    # e. series
    print("e. series ...", flush=True)
    dim_slugs = [d[0] for d in dims]
    pairs = [(rng.choice(actors)[0], rng.choice(dim_slugs)) for _ in range(args.series_pairs)]
    times_ms, lengths = [], []
    for actor, dim in pairs:
        t0 = time.perf_counter()
        s = analysis.series(store, actor, dim)
        times_ms.append((time.perf_counter() - t0) * 1000)
        lengths.append(int(s.n.sum()))
    store.close()
    med_ms, max_ms = statistics.median(times_ms), max(times_ms)
    print(f"   median {med_ms:.1f} ms, max {max_ms:.1f} ms (~{statistics.mean(lengths):.0f} records per series)")

    # table
    def ratio(a, b):
        return f"{a / b:.2f}x" if a is not None and b else "—"

    def secs(x):
        return f"{x:9.2f}" if x is not None else f"{'skipped':>9}"

    imp_ok = ours_import / sq_import <= TARGETS["import"] if sq_import else None
    exp_ok = ours_export / sq_export <= TARGETS["export"] if sq_export else None
    rows = [
        ("import: ours (validating)", secs(ours_import), f"{n / ours_import:,.0f}", ratio(ours_import, sq_import),
         f"<= {TARGETS['import']:.0f}x sqlite3", verdict(imp_ok)),
        ("import: sqlite3 .import", secs(sq_import), f"{n / sq_import:,.0f}" if sq_import else "—", "1.00x" if sq_import else "—",
         "", ""),
        ("import: sqlite-utils --csv", secs(su_import), f"{n / su_import:,.0f}" if su_import else "—",
         ratio(su_import, sq_import), "", ""),
        ("import peak memory (MB)", f"{peak_mb:9.0f}", "", "", f"< {TARGETS['import_mb']:.0f} MB",
         verdict(peak_mb < TARGETS["import_mb"])),
        ("export: ours", secs(ours_export), f"{n / ours_export:,.0f}", ratio(ours_export, sq_export),
         f"<= {TARGETS['export']}x sqlite3", verdict(exp_ok)),
        ("export: sqlite3 -csv", secs(sq_export), f"{n / sq_export:,.0f}" if sq_export else "—",
         "1.00x" if sq_export else "—", "", ""),
        (f"series median ({len(pairs)} pairs, ms)", f"{med_ms:9.1f}", "", "", f"< {TARGETS['series_ms']:.0f} ms",
         verdict(med_ms < TARGETS["series_ms"])),
        ("series max (ms)", f"{max_ms:9.1f}", "", "", f"< {TARGETS['series_ms']:.0f} ms",
         verdict(max_ms < TARGETS["series_ms"])),
    ]
    head = ("step", "seconds", "rows/s", "ratio", "target", "")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    print(f"\n{n:,} records, {len(actors)} actors x {len(dims)} dimensions, {args.years} years "
          f"({size_mb:,.1f} MB CSV)")
    line = "  ".join(f"{{:{'<' if i in (0, 4) else '>'}{w}}}" for i, w in enumerate(widths))
    print(line.format(*head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line.format(*r))
    for note in notes:
        print(f"note: {note}")
    if args.profile_import:
        print(f"note: our import ran under cProfile (times inflated); stats in {args.profile_import}")
    return 0


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
