"""Leftovers of killed backups and restores are removed; "latest backup" goes by the file's history, not the clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.db import backups
from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.project import open_project

from conftest import make_store, write
from test_crash_safety import kill, run_until_inside

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _csv(tmp_path: Path, name: str, rows: int, start: int = 0) -> Path:
    lines = "".join(f"sadr,iran,20{10 + (start + i) % 10}-0{1 + i % 9},{i % 5 - 2},note {start + i}\n"
                    for i in range(rows))
    return write(tmp_path / name, "actor_slug,dimension_slug,date,score,evidence\n" + lines)


def _partials(db: Path) -> list[str]:
    beside = [f.name for f in db.parent.iterdir() if f.name.startswith(f".{db.name}.")]
    inside = [f.name for f in backups.backup_dir(db).glob("*.partial")] if backups.backup_dir(db).is_dir() else []
    return sorted(beside + inside)


BLOCK_RENAME = """
import os
from stancetracker.core.db import backups
real_replace = os.replace
def replace(src, dst):
    if {when}:
        block_here()
    real_replace(src, dst)
os.replace = replace
"""


def test_a_killed_backup_leaves_a_partial_that_the_next_open_removes(tmp_path):
    """SIGKILL after the copy is written, before it is renamed: the next open removes the .partial."""
    db = tmp_path / "d.db"
    make_store(db).close()
    proc = run_until_inside(BLOCK_RENAME.format(when="str(src).endswith('.partial')") + f"""
store = open_project({str(db)!r}, backup=False)
backups.make_backup(store.path, reason="manual")
""")
    kill(proc)
    left = _partials(db)
    assert len(left) == 1 and left[0].endswith(f".{proc.pid}-{backups.HOST}.partial")
    assert (backups.backup_dir(db) / left[0]).stat().st_size > 0
    open_project(db).close()
    assert _partials(db) == []


def test_a_killed_restore_leaves_nothing_behind_after_the_next_restore(tmp_path):
    """SIGKILL just before the restored copy replaces the file: the file is as it was; the leftover goes next time."""
    db = tmp_path / "d.db"
    store = make_store(db)
    first = backups.make_backup(store.path, reason="manual")
    import_records(store, _csv(tmp_path, "a.csv", 3))
    store.close()
    proc = run_until_inside(BLOCK_RENAME.format(when=f"str(dst) == {str(db)!r}") + f"""
backups.restore_backup({str(db)!r}, {str(first.path)!r})
""")
    kill(proc)
    assert any(name.endswith(".restoring") for name in _partials(db))
    store = open_project(db, backup=False)
    assert store.count() == 3  # not replaced
    store.close()
    backups.restore_backup(db, first.path)
    assert _partials(db) == []


def test_only_leftovers_no_living_process_writes_are_removed(tmp_path):
    """Dead writer or older than STALE_AFTER: removed. A living writer's, this process's, a fresh unnamed one,
    a fresh one of another host and another database's: kept."""
    db = tmp_path / "d.db"
    make_store(db).close()
    folder = backups.backup_dir(db)
    folder.mkdir(exist_ok=True)
    living = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        stamp = "20261105T143012.123456Z"
        host, elsewhere = backups.HOST, "0123abcd" if backups.HOST != "0123abcd" else "abcd0123"
        files = {
            f"d.{stamp}.open.db.{dead.pid}-{host}.partial": True,
            f"d.{stamp}.open.db.{dead.pid}.partial": True,
            f"d.{stamp}.manual.db.{dead.pid}-{elsewhere}.partial": False,  # that pid may run there
            f"d.{stamp}.import.db.{dead.pid}-{elsewhere}.partial": "old",
            f"d.{stamp}.import.db.partial": "old",  # an older version's, no pid: goes when stale
            f"d.{stamp}.merge.db.partial": False,  # the same, fresh: its writer may still run
            f"d.{stamp}.manual.db.{living.pid}.partial": False,
            f"d.{stamp}.migration.db.{os.getpid()}.partial": False,
            f"other.{stamp}.open.db.{dead.pid}.partial": False,
        }
        beside = {f".d.db.{dead.pid}-{host}.restoring": True,
                  f".d.db.{dead.pid}-{host}.restoring.{dead.pid}-{host}.partial": True,
                  ".d.db.restoring": "old", f".d.db.{living.pid}.restoring": False,
                  ".e.db.restoring": "old, another database's"}
        old = (dt.datetime.now() - backups.STALE_AFTER - dt.timedelta(minutes=1)).timestamp()
        for where, names in ((folder, files), (tmp_path, beside)):
            for name, fate in names.items():
                (where / name).write_bytes(b"x" * 1000)
                if str(fate).startswith("old"):
                    os.utime(where / name, (old, old))
        goes = lambda fate: fate is True or fate == "old"
        removed = backups.clean_partials(db)
        expected = ({folder / n for n, f in files.items() if goes(f)}
                    | {tmp_path / n for n, f in beside.items() if goes(f)})
        assert set(removed) == expected
        for where, names in ((folder, files), (tmp_path, beside)):
            for name, fate in names.items():
                assert (where / name).exists() == (not goes(fate)), name
    finally:
        living.communicate(b"")


def _rename_into_the_future(b: backups.BackupInfo, years: int = 5) -> Path:
    future = b.when.replace(year=b.when.year + years)
    target = b.path.with_name(b.path.name.replace(b.when.strftime(backups.STAMP), future.strftime(backups.STAMP)))
    b.path.rename(target)
    return target


def test_a_backup_stamped_in_the_future_is_not_the_latest(tmp_path):
    """A backup of an empty state stamped years ahead: restore --latest puts back the newest state, says it is older."""
    db = tmp_path / "d.db"
    store = make_store(db)
    future = _rename_into_the_future(backups.make_backup(store.path, reason="manual"))  # 0 records, clock wrong
    import_records(store, _csv(tmp_path, "a.csv", 3))
    good = backups.make_backup(store.path, reason="manual")  # 3 records
    import_records(store, _csv(tmp_path, "b.csv", 2, start=10))  # 5 records now
    store.close()
    listed = backups.list_backups(db)
    assert listed[-1].path == future and listed[-1].future
    assert "stamped in the future" in listed[-1].describe()
    assert backups.latest_backup(db)[0].path == good.path
    res = CliRunner().invoke(cli, ["--db", str(db), "restore", "--latest", "--yes"])
    assert res.exit_code == 0, res.output
    assert f"Restored {db} from {good.path.name}" in res.output
    assert "is older than the database: the backup holds 3 records" in res.output
    assert "the database holds 5 records" in res.output
    store = open_project(db, backup=False)
    assert store.count() == 3
    store.close()


def test_a_future_stamp_does_not_stop_the_backup_on_open(tmp_path):
    """With only a future-stamped backup, opening a changed database still backs it up."""
    db = tmp_path / "d.db"
    store = make_store(db)
    _rename_into_the_future(backups.make_backup(store.path, reason="manual"))
    import_records(store, _csv(tmp_path, "a.csv", 3))
    store.close()
    store = open_project(db, backup=False)
    made = backups.backup_on_open(store.path)
    store.close()
    assert made is not None and made.reason == "open"


def test_latest_follows_the_files_own_line_after_a_restore(tmp_path):
    """After restoring an old backup and working on, the latest is the new work's backup, not the state replaced."""
    db = tmp_path / "d.db"
    store = make_store(db)
    store.auto_backup = False
    import_records(store, _csv(tmp_path, "a.csv", 2))
    early = backups.make_backup(store.path, reason="manual")
    for k in range(4):  # the line that the restore will replace: more operations
        import_records(store, _csv(tmp_path, f"x{k}.csv", 1, start=100 + k))
    store.close()
    replaced = backups.restore_backup(db, early.path).saved_current
    store = open_project(db, backup=False)
    store.auto_backup = False
    import_records(store, _csv(tmp_path, "c.csv", 1, start=50))
    work = backups.make_backup(store.path, reason="manual")
    store.close()
    assert backups.history_of(replaced).position > backups.history_of(work.path).position
    assert backups.latest_backup(db)[0].path == work.path


def test_rotation_under_a_clock_set_back_keeps_the_newest_states(tmp_path, monkeypatch):
    """The clock set years back: rotation still keeps the backups of the newest states, whatever their stamps."""
    db = tmp_path / "d.db"
    store = make_store(db)
    store.auto_backup = False
    recent = []
    for k in range(3):  # taken while the clock was right
        import_records(store, _csv(tmp_path, f"r{k}.csv", 1, start=200 + k))
        recent.append(backups.make_backup(store.path, reason="manual").path)
    recent = [Path(shutil.copy(p, tmp_path / p.name)) for p in recent]  # their states, for comparing
    early = dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc)

    class _Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return early
    monkeypatch.setattr(backups._dt, "datetime", _Clock)
    for k in range(backups.KEEP_LAST + 2):  # the same state again and again, stamped 2001
        backups.make_backup(store.path, reason="manual")
        early += dt.timedelta(minutes=1)
    store.close()
    kept = {backups.history_of(b.path).position for b in backups.list_backups(db)}
    assert {backups.history_of(p).position for p in recent} <= kept
