"""The disk fills before statement k of an operation, for k across the whole operation: all or nothing, said so.

Each operation is run once to count its statements, then again with the
"disk" (SQLite's max_page_count) full from statement k on, for a spread of k.
Whatever k, the file either holds the whole change or is exactly as before
with a message saying nothing was saved; `check` finds nothing wrong.
"""

from __future__ import annotations

import functools
import shutil
import sqlite3
from pathlib import Path

import pytest

from stancetracker.core.db import bulk_load
from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.model.errors import StanceError
from stancetracker.core.db.integrity import check
from stancetracker.core.exchange.merge import apply_merge, plan_merge
from stancetracker.core.db.revert import revert_operation
from stancetracker.core.coding.sourcetext import add_document
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project

from conftest import fingerprint, make_store
from test_faults_disk_full import _REAL_CONNECT, _csv, _state

TRIALS = 10


class _Counting(sqlite3.Connection):
    """Counts the statements run after ``armed``; from the ``fill_at``-th on, no new page can be had."""

    armed = False
    seen = 0
    fill_at = 0

    def _count(self) -> None:
        cls = type(self)
        if not cls.armed:
            return
        cls.seen += 1
        if cls.seen == cls.fill_at:
            pages = super().execute("PRAGMA page_count").fetchone()[0]
            super().execute(f"PRAGMA max_page_count = {pages}")

    def execute(self, sql, *args):
        self._count()
        return super().execute(sql, *args)

    def executemany(self, sql, *args):
        self._count()
        return super().executemany(sql, *args)


def _import_small(store: Store, work: Path) -> None:
    import_records(store, work / "small.csv")


def _import_big(store: Store, work: Path) -> None:
    import_records(store, work / "big.csv")


def _merge(store: Store, work: Path) -> None:
    apply_merge(store, plan_merge(store, work / "other.db"))


def _add_source(store: Store, work: Path) -> None:
    add_document(store, read_document(work / "brief.txt"))


def _revert(store: Store, work: Path) -> None:
    revert_operation(store, store.conn.execute("SELECT max(id) FROM operations").fetchone()[0])


def _template(tmp_path: Path, name: str) -> Path:
    """A seeded, vacuumed database (plus what the operation reads) in a folder of its own."""
    work = tmp_path / "template"
    work.mkdir()
    db = work / "full.db"
    store = make_store(db)
    if name == "revert":
        import_records(store, _csv(work / "done.csv", 300))
    store.conn.execute("VACUUM")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    _csv(work / "small.csv", 2_000)
    _csv(work / "big.csv", 12_000)
    (work / "brief.txt").write_text("A brief.\n\n" + "Words of the brief. " * 5_000, encoding="utf-8")
    if name == "merge":
        other = make_store(work / "other.db")
        import_records(other, _csv(work / "theirs.csv", 400))
        other.close()
    return work


def _trial(template: Path, run, k: int, where: Path) -> tuple[str | None, tuple, str]:
    """Run the operation on a fresh copy with the disk full from statement k: (error or None, counts, fingerprint)."""
    shutil.copytree(template, where)
    db = where / "full.db"
    store = open_project(db, backup=False)
    store.auto_backup = False
    _Counting.armed, _Counting.seen, _Counting.fill_at = True, 0, k
    error = None
    try:
        run(store, where)
    except StanceError as err:
        error = str(err)
    finally:
        _Counting.armed = False
        store.close()
    return error, _state(db), fingerprint(db)


@pytest.mark.slow
@pytest.mark.parametrize("name, run", [("import-small", _import_small), ("import-big", _import_big),
                                       ("merge", _merge), ("add-source", _add_source), ("revert", _revert)])
def test_disk_full_at_any_statement_is_all_or_nothing(tmp_path, monkeypatch, name, run):
    """For k across the operation: either the whole change is there, or none of it and the message says so."""
    monkeypatch.setattr(sqlite3, "connect", functools.partial(_REAL_CONNECT, factory=_Counting))
    if name == "import-big":
        monkeypatch.setattr(bulk_load, "BIG_FILE", 1)
        monkeypatch.setattr(bulk_load, "BATCH_ROWS", 1)
    template = _template(tmp_path, name)
    before = (_state(template / "full.db"), fingerprint(template / "full.db"))
    error, *done = _trial(template, run, 0, tmp_path / "whole")
    assert error is None and done[0] != before[0]
    total = _Counting.seen
    ks = sorted({1, 2, 3, total} | {1 + i * total // TRIALS for i in range(TRIALS)})
    failures = 0
    for k in ks:
        error, *after = _trial(template, run, k, tmp_path / f"k{k}")
        if error is None:  # (the rows' times differ from run to run, their numbers do not)
            assert after[0] == done[0], f"statement {k} of {total}: a partial change was kept"
        else:
            failures += 1
            assert tuple(after) == before, f"statement {k} of {total}: {error}"
            assert "nothing was saved" in error or "nothing was imported" in error, error
            assert "savepoint" not in error and "no transaction" not in error, error
        report = check(tmp_path / f"k{k}" / "full.db")
        assert report.ok, (k, report.lines())
    assert failures, "the disk never filled: the sweep tested nothing"
