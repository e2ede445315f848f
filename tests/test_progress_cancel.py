"""Every long operation takes the one progress shape and stops the one way (core/model/progress.py).

import, export, merge, backup, copy and restore each call ``progress(done, total)``
with whole numbers, and a callback that answers ``False`` makes each raise
``Cancelled`` with nothing changed and no half-written file left.
"""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from stancetracker.core.db import backups
from stancetracker.core.db.backup_files import list_backups
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.exchange.merge import apply_merge, plan_merge
from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.model.progress import Cancelled

from conftest import fingerprint, make_store


def _records(store, n: int, evidence: str = "note") -> None:
    for i in range(n):
        store.add_record(Record(actor="sadr", dimension="iran", date=parse_date(f"{2000 + i % 20}-01-0{1 + i % 9}"),
                                score=(i % 5) - 2, source="paper-a", evidence=f"{evidence} {i}"))


class Calls:
    """A progress callback that records its calls and answers ``answer``."""

    def __init__(self, answer: bool | None):
        self.answer, self.seen = answer, []

    def __call__(self, done, total):
        self.seen.append((done, total))
        return self.answer

    def shape_is_right(self) -> bool:
        return bool(self.seen) and all(type(d) is int and type(t) is int and t >= 0 for d, t in self.seen)


def _digest(path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return "\n".join(conn.iterdump())


def _folder(path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


@pytest.fixture
def db(tmp_path):
    store = make_store(tmp_path / "ours.db")
    _records(store, 30)
    yield store
    store.close()


def test_import(db, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("actor,dimension,date,score,source_title\n" + "sadr,iran,2020,1,X\n" * 20)
    before = fingerprint(db)
    going = Calls(None)
    import_records(db, f, progress=going)
    assert going.shape_is_right()
    f.write_text("actor,dimension,date,score,source_title\n" + "sadr,us,2021,-1,Y\n" * 20)
    mid = fingerprint(db)
    with pytest.raises(Cancelled):
        import_records(db, f, progress=Calls(False))
    assert fingerprint(db) == mid != before


def test_export(db, tmp_path):
    out = tmp_path / "out.csv"
    going = Calls(True)
    assert export_records(db, out, progress=going) == 30
    assert going.shape_is_right()
    out.write_bytes(b"old")
    with pytest.raises(Cancelled):
        export_records(db, out, progress=Calls(False))
    assert out.read_bytes() == b"old" and not list(tmp_path.glob("*.partial"))


def test_merge(db, tmp_path):
    theirs = make_store(tmp_path / "theirs.db")
    _records(theirs, 12, "theirs")
    theirs.close()
    before = fingerprint(db)
    with pytest.raises(Cancelled):
        apply_merge(db, plan_merge(db, tmp_path / "theirs.db"), progress=Calls(False))
    assert fingerprint(db) == before
    going = Calls(None)
    apply_merge(db, plan_merge(db, tmp_path / "theirs.db"), progress=going)
    assert going.shape_is_right() and fingerprint(db) != before


def test_backup_and_copy(db, tmp_path):
    path = db.path
    kept = _folder(tmp_path)
    with pytest.raises(Cancelled):
        backups.make_backup(path, "manual", progress=Calls(False))
    with pytest.raises(Cancelled):
        backups.copy_to(path, tmp_path / "copy.db", progress=Calls(False))
    assert not list_backups(path) and not (tmp_path / "copy.db").exists()
    assert [n for n in _folder(tmp_path) if n != "backups"] == [n for n in kept if n != "backups"]
    going = Calls(None)
    made = backups.make_backup(path, "manual", progress=going)
    assert going.shape_is_right() and made.path.exists()
    done, total = going.seen[-1]
    assert done == total > 0  # the last call says the copy is complete


def test_restore(db, tmp_path):
    path = db.path
    backup = backups.make_backup(path, "manual").path
    _records(db, 5, "after the backup")
    db.close()
    before = _digest(path)
    with pytest.raises(Cancelled):
        backups.restore_backup(path, backup, progress=Calls(False))
    assert _digest(path) == before
    going = Calls(None)
    backups.restore_backup(path, backup, progress=going)
    assert going.shape_is_right() and _digest(path) == _digest(backup) != before
