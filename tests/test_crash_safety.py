"""A process killed (SIGKILL) in the middle of an import, a merge or an edit leaves the database as it was.

Each child blocks at a known point inside its open transaction (after half
the rows are written) and says so on stdout; the test then kills it outright, reopens the file and
checks it: it opens, passes the integrity check and holds none of the
interrupted operation.
"""

import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from stancetracker.core.project import open_project

from conftest import REPO, fingerprint, make_store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

CHILD_PRELUDE = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project

def block_here():
    # Tell the parent we are inside the transaction, then wait to be killed.
    print("inside", flush=True)
    sys.stdin.read()
    raise SystemExit("the parent should have killed this process")
"""


def run_until_inside(code: str, timeout: float = 20) -> subprocess.Popen:
    """Start a child running ``code`` and wait until it reports it is inside its transaction."""
    script = CHILD_PRELUDE.format(tests=str(REPO / "tests")) + textwrap.dedent(code)
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    ready = sel.select(timeout)
    sel.close()
    if not ready:
        proc.kill()
        pytest.fail(f"the child never reached its transaction: {proc.communicate()[1][-2000:]}")
    line = proc.stdout.readline().strip()
    assert line == "inside", proc.communicate()[1][-2000:]
    return proc


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    proc.stdin.close(), proc.stdout.close(), proc.stderr.close()


def assert_unchanged(path: Path, before: str, records: int) -> None:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert fingerprint(path) == before
    s = open_project(path)  # opens normally afterwards
    assert s.count() == records
    s.close()


def big_csv(path: Path, rows: int) -> Path:
    acts = ["sadr", "maliki", "kadhimi"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("actor_slug,dimension_slug,date,score,evidence\n")
        f.write("".join(f"{acts[i % 3]},iran,{1990 + i % 30}-{i % 12 + 1:02d},{i % 5 - 2},row {i} of a big file\n"
                        for i in range(rows)))
    return path


@pytest.mark.slow
def test_sigkill_mid_import_of_200000_rows(tmp_path):
    """Killed halfway through a 200,000-row import: the file opens, passes integrity_check, holds none of it."""
    db = tmp_path / "imp.db"
    make_store(db).close()
    before = fingerprint(db)
    csv_path = big_csv(tmp_path / "big.csv", 200_000)
    proc = run_until_inside(f"""
        from stancetracker.core.exchange.record_import import import_records
        store = open_project({str(db)!r})
        def progress(done, total):
            if done >= total // 2:
                block_here()
        import_records(store, {str(csv_path)!r}, progress=progress)
    """)
    kill(proc)
    assert_unchanged(db, before, 0)


@pytest.mark.slow
def test_sigkill_mid_merge(tmp_path):
    """Killed halfway through merging 100,000 records: the file is as it was before the merge."""
    db, other = tmp_path / "ours.db", tmp_path / "theirs.db"
    make_store(db).close()
    make_store(other).close()
    conn = sqlite3.connect(other)
    conn.executemany(
        "INSERT INTO records (uuid, actor_id, dimension_id, date, date_precision, score, confidence, locator,"
        " evidence, coder, created_at, updated_at) VALUES (?, 1, 1, '2020-01-01', 'day', 1, 'high', '', ?, 'x',"
        " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')",
        ((str(uuid.uuid4()), f"their record {i}") for i in range(100_000)))
    conn.commit()
    conn.close()
    before = fingerprint(db)
    proc = run_until_inside(f"""
        from stancetracker.core.exchange.merge import apply_merge, plan_merge
        store = open_project({str(db)!r})
        plan = plan_merge(store, {str(other)!r})
        def progress(done, total):
            if done >= total // 2:
                block_here()
        apply_merge(store, plan, progress=progress)
    """)
    kill(proc)
    assert_unchanged(db, before, 0)


def test_sigkill_mid_edit(tmp_path):
    """Killed after a record's row is updated but before its edit commits: the old version stays."""
    db = tmp_path / "edit.db"
    s = make_store(db)
    from stancetracker.core.model.dates import parse_date
    from stancetracker.core.model.entities import Record
    r = s.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=2, evidence="before"))
    s.close()
    before = fingerprint(db)
    proc = run_until_inside(f"""
        store = open_project({str(db)!r})
        store.log = lambda *a, **k: block_here()   # the UPDATE has run; its history row and COMMIT have not
        store.update_record({r.uuid!r}, 1, score=-2, evidence="after")
    """)
    kill(proc)
    assert_unchanged(db, before, 1)
    s = open_project(db)
    assert (s.record(r.uuid).evidence, s.record(r.uuid).version) == ("before", 1)
    s.close()
