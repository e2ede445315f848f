"""Disk full (SQLite's max_page_count stands in for it) during an import or add-source: the file as before.

SQLite rolls the whole transaction back by itself on "disk full"; a statement
run after that would be committed on its own. Each test fills the "disk" at
an aimed moment and checks that nothing was committed and the message says so.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from pathlib import Path

import pytest

from stancetracker.core.db import bulk_load
from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.model.errors import DatabaseError, StanceError
from stancetracker.core.db.integrity import check
from stancetracker.core.coding.sourcetext import add_document
from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.project import open_project

from conftest import fingerprint, make_store

_REAL_CONNECT = sqlite3.connect


class _FillsUp(sqlite3.Connection):
    """A connection whose disk fills up just before the statement ``trip(sql, many)`` picks.

    A ``trip`` that returns a table's name first fills that table's last page
    (inside the transaction), so a one-row insert into it needs a new page.
    """

    trip = staticmethod(lambda sql, many: False)

    def _maybe_fill(self, sql: str, many: bool) -> None:
        picked = type(self).trip(sql, many)
        if picked:
            type(self).trip = staticmethod(lambda sql, many: False)
            if isinstance(picked, str):
                super().execute(f"UPDATE {picked} SET before = zeroblob(7800) "
                                f"WHERE id = (SELECT max(id) FROM {picked})")
            pages = super().execute("PRAGMA page_count").fetchone()[0]
            super().execute(f"PRAGMA max_page_count = {pages}")

    def execute(self, sql, *args):
        self._maybe_fill(sql, False)
        return super().execute(sql, *args)

    def executemany(self, sql, *args):
        self._maybe_fill(sql, True)
        return super().executemany(sql, *args)


@pytest.fixture
def fills_up(monkeypatch):
    """Every connection opened in the test is a _FillsUp; returns a setter for its trip."""
    monkeypatch.setattr(sqlite3, "connect", functools.partial(_REAL_CONNECT, factory=_FillsUp))

    def arm(trip):
        monkeypatch.setattr(_FillsUp, "trip", staticmethod(trip), raising=False)
    yield arm


def _nth(n: int, match, thread: str | None = None):
    """A trip on the n-th statement (from 1) that ``match``es, optionally only on a thread by name."""
    seen = [0]

    def trip(sql, many):
        if thread is not None and threading.current_thread().name != thread:
            return False
        picked = match(sql, many)
        if not picked:
            return False
        seen[0] += 1
        return picked if seen[0] == n else False
    return trip


def _csv(path: Path, rows: int) -> Path:
    acts = ["sadr", "maliki", "kadhimi"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("actor_slug,dimension_slug,date,score,evidence\n")
        f.write("".join(f"{acts[i % 3]},iran,{1990 + i % 30}-{i % 12 + 1:02d},{i % 5 - 2},"
                        f"row {i} of a file that fills the disk\n" for i in range(rows)))
    return path


def _state(db: Path) -> tuple:
    conn = _REAL_CONNECT(db)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("records", "operations", "history", "records_fts"))
    finally:
        conn.close()


def _database(tmp_path: Path) -> tuple[Path, bytes, str, tuple]:
    """A seeded database without free pages, checkpointed, with its bytes, fingerprint and counts."""
    db = tmp_path / "full.db"
    store = make_store(db)
    store.conn.execute("VACUUM")  # so that "no new page" means the next write that needs space fails
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return db, db.read_bytes(), fingerprint(db), _state(db)


def _assert_as_before(db: Path, data: bytes, print_: str, counts: tuple) -> None:
    assert _state(db) == counts
    assert fingerprint(db) == print_
    assert db.read_bytes() == data
    report = check(db)
    assert report.ok, report.lines()


def _import_fails(db: Path, csv_path: Path) -> str:
    store = open_project(db, backup=False)
    try:
        with pytest.raises(StanceError) as err:
            import_records(store, csv_path)
    finally:
        store.close()
    return str(err.value)


def _assert_disk_full_message(text: str, db: Path) -> None:
    assert text.startswith(f"{db}: the disk is full"), text
    assert "nothing was saved" in text
    assert "savepoint" not in text and "no transaction" not in text


@pytest.fixture
def big_path(monkeypatch):
    """Every file takes the big-file path, and the second thread writes every chunk."""
    monkeypatch.setattr(bulk_load, "BIG_FILE", 1)
    monkeypatch.setattr(bulk_load, "BATCH_ROWS", 1)


_WORKER = "stancetracker-bulk-load"


def _is_insert(sql, many):
    return many and "INTO records" in sql


@pytest.mark.slow
def test_disk_full_on_the_second_thread_of_a_big_import_commits_nothing(tmp_path, fills_up, big_path):
    """The second thread's statement fills the disk: the importer stops writing, and nothing is kept."""
    db, data, print_, counts = _database(tmp_path)
    fills_up(_nth(2, lambda sql, many: "records_fts" in sql, thread=_WORKER))
    text = _import_fails(db, _csv(tmp_path / "big.csv", 40_000))
    _assert_disk_full_message(text, db)
    _assert_as_before(db, data, print_, counts)


def test_disk_full_on_the_importers_thread_of_a_big_import_commits_nothing(tmp_path, fills_up, big_path):
    """An insert fills the disk while the second thread has work queued: neither thread writes on."""
    db, data, print_, counts = _database(tmp_path)
    fills_up(_nth(4, _is_insert))
    text = _import_fails(db, _csv(tmp_path / "big.csv", 40_000))
    _assert_disk_full_message(text, db)
    _assert_as_before(db, data, print_, counts)


@pytest.mark.slow
def test_disk_full_while_building_the_indexes_at_the_end(tmp_path, fills_up, big_path):
    """The disk fills as the dropped indexes are built again: nothing is kept."""
    db, data, print_, counts = _database(tmp_path)
    fills_up(_nth(1, lambda sql, many: sql.startswith("CREATE INDEX records_series")))
    text = _import_fails(db, _csv(tmp_path / "big.csv", 20_000))
    _assert_disk_full_message(text, db)
    _assert_as_before(db, data, print_, counts)


def test_disk_full_in_a_small_import_commits_nothing(tmp_path, fills_up):
    """One thread, the second chunk fills the disk: rolled back, and said so."""
    db, data, print_, counts = _database(tmp_path)
    fills_up(_nth(2, _is_insert))
    text = _import_fails(db, _csv(tmp_path / "small.csv", 12_000))
    _assert_disk_full_message(text, db)
    _assert_as_before(db, data, print_, counts)


@pytest.mark.parametrize("big", [True, False])
def test_a_small_disk_from_the_start(tmp_path, monkeypatch, big):
    """max_page_count a little above the file's size: refused as disk full on either path, file as before."""
    if big:
        monkeypatch.setattr(bulk_load, "BIG_FILE", 1)
    db, data, print_, counts = _database(tmp_path)
    store = open_project(db, backup=False)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
    try:
        with pytest.raises(StanceError) as err:
            import_records(store, _csv(tmp_path / "f.csv", 30_000))
        assert not store.conn.in_transaction
    finally:
        store.close()
    _assert_disk_full_message(str(err.value), db)
    _assert_as_before(db, data, print_, counts)


def test_disk_full_in_add_source_names_the_cause(tmp_path, fills_up):
    """add-source on a full disk: 'disk is full … nothing was saved', not 'no such savepoint'."""
    db, data, print_, counts = _database(tmp_path)
    doc_path = tmp_path / "brief.txt"
    doc_path.write_text("A brief about the Sadrist withdrawal.\n\n" + "Words of the brief. " * 20_000,
                        encoding="utf-8")
    doc = read_document(doc_path)
    # The sources row fits (its full-text triggers make SQLite undo just that statement on "disk
    # full"); its one-row history entry does not, and SQLite then rolls back the whole transaction.
    fills_up(_nth(1, lambda sql, many: "history" if sql.startswith("INSERT INTO history") else False))
    store = open_project(db, backup=False)
    try:
        with pytest.raises(DatabaseError) as err:
            add_document(store, doc)
    finally:
        store.close()
    _assert_disk_full_message(str(err.value), db)
    _assert_as_before(db, data, print_, counts)


def test_a_caller_that_swallows_the_error_still_saves_nothing(tmp_path, fills_up):
    """An operation whose body catches SQLite's disk-full error and writes on: refused, nothing committed."""
    db, data, print_, counts = _database(tmp_path)
    fills_up(_nth(1, lambda sql, many: sql.startswith("INSERT INTO events")))
    store = open_project(db, backup=False)
    try:
        with pytest.raises(DatabaseError) as err:
            with store.operation("edit", "swallows") as op:
                try:
                    store.conn.execute("INSERT INTO events (slug, date, date_precision, label) VALUES "
                                       "('e', '2020-01-01', 'day', ?)", ["x" * 100_000])
                except sqlite3.OperationalError:
                    pass
                with store.operation("edit", "nested"):
                    store.conn.execute("INSERT INTO history (op_id, entity, entity_id, action) "
                                       "VALUES (?, 'x', 1, 'x')", [op])
    finally:
        store.close()
    assert "nothing was saved" in str(err.value)
    _assert_as_before(db, data, print_, counts)


@pytest.mark.slow
def test_the_command_line_says_it_in_one_line(tmp_path, fills_up, big_path):
    """`stancetracker import` on a disk that fills: exit 1, one line naming the file, nothing saved."""
    from click.testing import CliRunner
    from stancetracker.cli.main import cli
    db, data, print_, counts = _database(tmp_path)
    fills_up(_nth(2, lambda sql, many: "records_fts" in sql, thread=_WORKER))
    res = CliRunner().invoke(cli, ["--db", str(db), "import", str(_csv(tmp_path / "big.csv", 40_000))])
    assert res.exit_code == 1
    assert res.output.count("\n") == 1
    assert res.output.startswith(f"Error: {db}: the disk is full") and "nothing was saved" in res.output
    assert _state(db) == counts and fingerprint(db) == print_


@pytest.mark.slow
def test_disk_full_in_a_file_past_the_big_file_size(tmp_path, fills_up):
    """A real 10 MB file (no threshold lowered): the second thread's first statement fills the disk; nothing kept."""
    db, data, print_, counts = _database(tmp_path)
    csv_path = _csv(tmp_path / "big.csv", 160_000)
    assert csv_path.stat().st_size >= bulk_load.BIG_FILE
    fills_up(_nth(1, lambda sql, many: "records_fts" in sql, thread=_WORKER))
    text = _import_fails(db, csv_path)
    _assert_disk_full_message(text, db)
    _assert_as_before(db, data, print_, counts)
