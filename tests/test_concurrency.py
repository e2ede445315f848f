"""Two processes on one database lose no update: a stale save is refused as a conflict, not applied."""

import json
import subprocess
import sys
import textwrap

import pytest

from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.project import open_project

from conftest import REPO, make_store

PRELUDE = """
import json, sys
from stancetracker.core.model.errors import ConflictError
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project
"""


def child(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", PRELUDE + textwrap.dedent(code)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)


def one_record(tmp_path):
    s = make_store(tmp_path / "shared.db")
    r = s.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=2, evidence="x"))
    s.close()
    return tmp_path / "shared.db", r.uuid


def test_second_process_saving_a_stale_read_gets_a_conflict(tmp_path):
    """A reads, B reads and saves, A saves what it read: A's save is refused and B's edit stands."""
    db, uuid = one_record(tmp_path)
    a = child(f"""
        store = open_project({str(db)!r}, user="alice")
        seen = store.record({uuid!r})
        print("read", seen.version, flush=True)
        sys.stdin.readline()                      # wait until B has saved
        try:
            store.update_record({uuid!r}, seen.version, score=-2, evidence="alice's edit")
            print("saved")
        except ConflictError as err:
            print("conflict", err)
    """)
    assert a.stdout.readline().split() == ["read", "1"]
    b = child(f"""
        store = open_project({str(db)!r}, user="bob")
        seen = store.record({uuid!r})
        store.update_record({uuid!r}, seen.version, score=0, evidence="bob's edit")
        print("saved")
    """)
    out_b, err_b = b.communicate(timeout=30)
    assert out_b.strip() == "saved", err_b
    out_a, err_a = a.communicate("go\n", timeout=30)
    assert out_a.startswith("conflict record "), err_a
    assert "changed by someone else since you read it (your version 1, now version 2)" in out_a
    s = open_project(db)
    r = s.record(uuid)
    assert (r.score, r.evidence, r.version) == (0, "bob's edit", 2)
    assert [(h.user, h.action) for h in s.history(uuid)][1:] == [("bob", "edit")]
    s.close()


@pytest.mark.slow
def test_two_processes_hammering_one_record_lose_no_update(tmp_path):
    """Two processes each append 25 marks with read-modify-save and retry on conflict: all 50 land."""
    db, uuid = one_record(tmp_path)
    code = """
        store = open_project({db!r}, user={who!r}, backup=False)
        conflicts = 0
        for i in range(25):
            while True:
                r = store.record({uuid!r})
                try:
                    store.update_record({uuid!r}, r.version, evidence=r.evidence + {mark!r})
                    break
                except ConflictError:
                    conflicts += 1
        print(json.dumps(conflicts))
    """
    procs = [child(code.format(db=str(db), uuid=uuid, who=w, mark=m)) for w, m in (("alice", "a"), ("bob", "b"))]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        json.loads(out)
    s = open_project(db)
    r = s.record(uuid)
    assert sorted(r.evidence[1:]) == ["a"] * 25 + ["b"] * 25 and r.version == 51
    assert len(s.history(uuid)) == 51
    s.close()
