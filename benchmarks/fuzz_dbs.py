#!/usr/bin/env python
"""Hostile database files through open, check, import, merge and restore (issue 12).

    python benchmarks/fuzz_dbs.py                  # 1,000 examples
    python benchmarks/fuzz_dbs.py --examples 10000 --seed 1

Each example is a sound stancetracker file changed as another program
could: extra triggers and views (some recursive), a view in place of one
of our tables, odd user_version and application_id, indexes dropped or
added, and values that break the rules in any column. Every command must
accept it or refuse it with one line, within a time bound, and leave the
user's database sound. Prints the counts; exits 1 on the first failure.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

BOUND_S = 30.0  # per command of one example; a hang shows as a failure, not a stuck run

_TABLES = ("records", "actors", "sources", "events", "dimensions", "history", "operations", "actor_aliases")
_TRIGGERS = [
    "CREATE TRIGGER {n} AFTER INSERT ON records BEGIN DELETE FROM records WHERE id != new.id; END",
    "CREATE TRIGGER {n} AFTER INSERT ON records BEGIN UPDATE records SET score = -score; END",
    "CREATE TRIGGER {n} AFTER INSERT ON history BEGIN DELETE FROM history; END",
    "CREATE TRIGGER {n} BEFORE INSERT ON operations BEGIN SELECT raise(ABORT, 'no'); END",
    "CREATE TRIGGER {n} AFTER UPDATE ON actors BEGIN UPDATE records SET evidence = 'x'; END",
    "CREATE TRIGGER {n} AFTER DELETE ON records BEGIN INSERT INTO operations (at, user, kind) VALUES (1, 2, 3); END",
]
_VIEWS = [
    "CREATE VIEW {n} AS SELECT * FROM records",
    "CREATE VIEW {n} AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT i FROM c",
]
_BAD = {
    "records": {"date": ["garbage", "2021-02-30", None, 20200101], "uuid": ["not-a-uuid", "AAAA", None],
                "version": [-3, "x", 0], "created_at": ["yesterday", "2024-13-45T99:99"], "score": [9, "x", None],
                "evidence": ["\x07", "\u202e", "x" * 30_000], "coder": ["", "\u200e", "x" * 300],
                "date_precision": ["week"], "confidence": ["sure"], "deleted": [7], "actor_id": [9999]},
    "actors": {"slug": ["BAD SLUG/..", "", None], "colour": ["javascript:alert(1)"], "kind": ["wizard"],
               "name": ["", "\x00x", "a" * 300]},
    "sources": {"published": ["soon", "2021-02-30"], "published_precision": ["week"], "kind": ["x"],
                "title": ["", None], "slug": ["A B"]},
    "events": {"date": ["garbage"], "slug": ["Bad Slug"], "label": [""]},
    "dimensions": {"slug": ["Bad"], "label": [""], "position": ["x"]},
}


def _template(folder: Path) -> Path:
    from conftest import make_store
    from stancetracker.core.model.dates import parse_date
    from stancetracker.core.model.entities import Event, Record
    store = make_store(folder / "template.db")
    for i, actor in enumerate(["sadr", "maliki", "sadr"]):
        store.add_record(Record(actor=actor, dimension="iran", date=parse_date(f"202{i}-01-13"), score=i - 1,
                                source="paper-a", evidence=f"note {i}"))
    store.add_event(Event(slug="vote", date=parse_date("2021-10-10"), label="Vote"))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute("PRAGMA journal_mode = DELETE")
    store.close()
    return folder / "template.db"


def _mutate(path: Path, rng: random.Random) -> list[str]:
    """Change the file as another program could; returns what was done."""
    done = []
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("PRAGMA foreign_keys = OFF")
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["trigger", "view", "shadow", "version", "appid", "value", "value", "value", "index",
                           "journal"])
        try:
            if kind == "trigger":
                conn.execute(rng.choice(_TRIGGERS).format(n=f"t{rng.randrange(10**6)}"))
            elif kind == "view":
                conn.execute(rng.choice(_VIEWS).format(n=f"v{rng.randrange(10**6)}"))
            elif kind == "shadow":
                table = rng.choice(("records", "actors", "sources"))
                conn.execute(f"ALTER TABLE {table} RENAME TO {table}_old")
                conn.execute(rng.choice(_VIEWS).format(n=table).replace("FROM records", f"FROM {table}_old"))
            elif kind == "version":
                conn.execute(f"PRAGMA user_version = {rng.choice([-1, 0, 1, 2, 3, 99, 2**31 - 1])}")
            elif kind == "appid":
                conn.execute(f"PRAGMA application_id = {rng.choice([0, 1, 0x5374616E, -5])}")
            elif kind == "index":
                if rng.random() < 0.5:
                    conn.execute(f"DROP INDEX IF EXISTS {rng.choice(['records_uuid', 'records_coder', 'history_op'])}")
                else:
                    conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS u{rng.randrange(100)} ON records(actor_id)")
            elif kind == "journal":
                conn.execute(f"PRAGMA journal_mode = {rng.choice(['WAL', 'DELETE'])}")
            else:
                table = rng.choice(list(_BAD))
                column = rng.choice(list(_BAD[table]))
                value = rng.choice(_BAD[table][column])
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = (SELECT min(id) FROM {table})", [value])
            done.append(kind)
        except sqlite3.Error as err:
            done.append(f"{kind} (not possible: {err})")
    conn.close()
    return done


def _timed(name: str, fn, outcomes: dict, where: str) -> None:
    start = time.monotonic()
    verdict = fn()
    took = time.monotonic() - start
    if took > BOUND_S:
        raise AssertionError(f"{where}: {name} took {took:.1f} s (bound {BOUND_S:.0f} s)")
    outcomes[f"{name} {verdict}"] = outcomes.get(f"{name} {verdict}", 0) + 1
    outcomes["_last"] = f"{name} {verdict}"  # type: ignore[assignment]


def _last(outcomes: dict) -> str:
    return outcomes.get("_last", "")


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (the example files are small).

    A -shm (an index SQLite rebuilds) and an empty -wal hold no data: a
    reader may leave them and the next writer removes them.
    """
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.endswith("-shm"):
            data = p.read_bytes()
            if data or not p.name.endswith("-wal"):
                out[p.relative_to(folder).as_posix()] = data
    return out


def _cli(args: list[str], where: str) -> str:
    from click.testing import CliRunner
    from stancetracker.cli.main import cli
    res = CliRunner().invoke(cli, args)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(f"{where}: {' '.join(args[2:3])} raised {type(res.exception).__name__}: {res.exception}")
    text = res.output
    if "Traceback" in text or "internal error" in text:
        raise AssertionError(f"{where}: {args[2]} printed a traceback or internal error:\n{text[-2000:]}")
    if res.exit_code == 0:
        return "accepted"
    if res.exit_code != 1 or not text.rstrip().splitlines()[-1].startswith("Error: "):
        raise AssertionError(f"{where}: {args[2]} ended with exit {res.exit_code} and no one-line message:\n"
                             f"{text[-2000:]}")
    return "refused"


def _sound(path: Path, where: str) -> None:
    """The user's database: intact, its schema ours, openable."""
    from stancetracker.core.db.connection import connect
    from stancetracker.core.db.schema_audit import audit, harmful
    conn = connect(path, readonly=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        bad = harmful(audit(conn))
    finally:
        conn.close()
    if ok != "ok" or bad:
        raise AssertionError(f"{where}: the user's database is not sound after the example ({ok}; {bad})")


def run(examples: int, seed: int) -> dict:
    """Put ``examples`` hostile files through every command; returns counts per command and outcome."""
    from stancetracker.core.db import integrity
    from stancetracker.core.model.errors import StanceError
    from stancetracker.core.project import open_project
    rng = random.Random(seed)
    outcomes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="stancetracker-fuzzdb-") as tmp:
        folder = Path(tmp)
        os.environ.setdefault("STANCETRACKER_HOME", str(folder / "home"))
        os.environ.setdefault("STANCETRACKER_CODER", "fuzzer")
        template = _template(folder)
        ours = folder / "ours" / "ours.db"
        ours.parent.mkdir()
        csv = folder / "in.csv"
        csv.write_text("actor,dimension_slug,date,score,evidence\nMoqtada al-Sadr,iran,Jan 2021,2,led\n",
                       encoding="utf-8")
        for n in range(examples):
            case = folder / "cases" / f"case{n}.db"
            case.parent.mkdir(exist_ok=True)
            shutil.copyfile(template, case)
            done = _mutate(case, rng)
            where = f"example {n} (seed {seed}: {', '.join(done)})"
            shutil.copyfile(template, ours)

            def open_it() -> str:
                try:
                    open_project(case, backup=False, create=False).close()
                    return "accepted"
                except StanceError:
                    return "refused"

            def check_it() -> str:
                report = integrity.check(case)
                return "clean" if report.ok else "problems"

            _timed("open", open_it, outcomes, where)
            main_bytes = case.read_bytes()
            _timed("check", check_it, outcomes, where)
            if case.read_bytes() != main_bytes:
                raise AssertionError(f"{where}: check changed the file")
            state = _files(case.parent)
            _timed("import", lambda: _cli(["--db", str(case), "import", str(csv)], where), outcomes, where)
            # A backup made on opening for writing is on purpose: the file and its journal must be as they were.
            after = {k: v for k, v in _files(case.parent).items() if not k.startswith("backups/")}
            state = {k: v for k, v in state.items() if not k.startswith("backups/")}
            if _last(outcomes) == "import refused" and after != state:
                changed = sorted(k for k in set(after) | set(state) if after.get(k) != state.get(k))
                raise AssertionError(f"{where}: a refused import changed {', '.join(changed)}")
            state = _files(case.parent)
            _timed("merge", lambda: _cli(["--db", str(ours), "merge", str(case), "--skip-invalid"], where),
                   outcomes, where)
            _sound(ours, where)
            _timed("restore", lambda: _cli(["--db", str(ours), "restore", str(case), "--yes"], where),
                   outcomes, where)
            _sound(ours, where)
            after = _files(case.parent)
            if after != state:
                changed = sorted(k for k in set(after) | set(state) if after.get(k) != state.get(k))
                raise AssertionError(f"{where}: merge or restore from the file changed {', '.join(changed)}")
            shutil.rmtree(case.parent)
    outcomes.pop("_last", None)
    return outcomes


def report(examples: int, seed: int = 0) -> bool:
    """Run and print the counts; True if an example failed (fuzz_long.py calls this too)."""
    start = time.perf_counter()
    try:
        outcomes = run(examples, seed)
    except AssertionError as err:
        print(f"FAILED: {err}")
        return True
    print(f"{examples:,} hostile database files, seed {seed}, {time.perf_counter() - start:.0f} s:")
    for key in sorted(outcomes):
        print(f"  {key:<22} {outcomes[key]:>7,}")
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=1000, help="hostile files to make (default 1,000)")
    ap.add_argument("--seed", type=int, default=0, help="random seed, for a repeatable run")
    args = ap.parse_args()
    return 1 if report(args.examples, args.seed) else 0


if __name__ == "__main__":
    sys.exit(main())
