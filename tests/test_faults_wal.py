"""What the -wal holds counts: a kill mid-checkpoint leaves a sound file, and a stale -wal is never folded in.

The states are built directly: committed frames left in a -wal (as a kill
leaves them), part of them copied into the main file with its header already
counting them all (as a kill during the checkpoint leaves them), or a -wal
from another file beside a copied-in database.
"""

from __future__ import annotations

import gc
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.db.connection import check_file
from stancetracker.core.db.integrity import check
from stancetracker.core.project import open_project

from conftest import make_store

RECORDS = 3000


def _insert(conn: sqlite3.Connection, n: int, tag: str) -> None:
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO records (uuid, actor_id, dimension_id, date, date_precision, score, confidence, locator,"
        " evidence, coder, created_at, updated_at) VALUES (?, 1, 1, '2020-01-01', 'day', 1, 'high', '', ?, 'x',"
        " '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
        [(f"00000000-0000-4000-8000-{tag}{i:011d}", f"{tag} evidence note {i} " * 8) for i in range(n)])
    conn.execute("COMMIT")


def _crashed_with_wal(tmp_path: Path, name: str = "crash.db", tag: str = "a") -> Path:
    """A database whose last commit (RECORDS records) is only in its -wal, as a kill leaves it."""
    work = tmp_path / f"work-{name}"
    work.mkdir()
    src = work / name
    make_store(src).close()
    conn = sqlite3.connect(src, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    _insert(conn, RECORDS, tag)
    out = tmp_path / name
    shutil.copyfile(src, out)  # the files as they are while the writer is still running
    shutil.copyfile(f"{src}-wal", f"{out}-wal")
    conn.close()
    return out


def _frames(wal: Path) -> list[tuple[int, bytes]]:
    """(page number, page) of each frame of a -wal, in order."""
    data = wal.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    out = []
    for at in range(32, len(data) - 24 - page_size + 1, 24 + page_size):
        pgno = struct.unpack(">I", data[at:at + 4])[0]
        out.append((pgno, data[at + 24:at + 24 + page_size]))
    return out


def _killed_mid_checkpoint(db: Path) -> int:
    """Copy page 1 and the lower half of the -wal's pages into the file, as a checkpoint killed half-way does.

    Returns how many pages the header then claims; the file holds fewer.
    """
    frames = _frames(Path(f"{db}-wal"))
    page_size = len(frames[0][1])
    latest = dict(frames)  # the newest copy of each page
    total = max(latest)
    with open(db, "r+b") as f:
        for pgno in sorted(p for p in latest if p <= total // 2 or p == 1):
            f.seek((pgno - 1) * page_size)
            f.write(latest[pgno])
    assert db.stat().st_size < total * page_size
    assert struct.unpack(">I", db.read_bytes()[28:32])[0] == total
    return total


def _run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def test_the_state_is_what_a_kill_mid_checkpoint_leaves(tmp_path):
    """sqlite3 itself reads the built state whole: integrity ok, every record there."""
    db = _crashed_with_wal(tmp_path)
    _killed_mid_checkpoint(db)
    copy = tmp_path / "copy.db"
    shutil.copyfile(db, copy)
    shutil.copyfile(f"{db}-wal", f"{copy}-wal")
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == RECORDS
    conn.close()


@pytest.mark.parametrize("args, shows", [
    (("stats",), f"records: {RECORDS}\n"),
    (("records", "--limit", "1"), "evidence note"),
    (("check",), "no problems"),
    (("import", "new.csv"), "1 record added"),
])
def test_every_command_opens_a_file_killed_mid_checkpoint(tmp_path, args, shows):
    """After a kill during the checkpoint that follows a commit, each command opens the file with all its records."""
    db = _crashed_with_wal(tmp_path)
    _killed_mid_checkpoint(db)
    check_file(db)  # not "truncated"
    (tmp_path / "new.csv").write_text("actor_slug,dimension_slug,date,score,evidence\n"
                                      "sadr,iran,2021-05,1,one more\n", encoding="utf-8")
    args = tuple(str(tmp_path / a) if a.endswith(".csv") else a for a in args)
    res = _run(db, *args)
    assert res.exit_code == 0, res.output
    assert shows in res.output
    assert "truncated" not in res.output
    store = open_project(db, readonly=True)
    try:
        assert store.count() == RECORDS + (1 if args[0] == "import" else 0)
    finally:
        store.close()


def test_a_file_truncated_past_what_its_wal_holds_is_still_refused(tmp_path):
    """The -wal counts only for the pages it holds: a file cut shorter than that is truncated, and untouched."""
    db = _crashed_with_wal(tmp_path)
    total = _killed_mid_checkpoint(db)
    wal_pages = {p for p, _ in _frames(Path(f"{db}-wal"))}
    page_size = 8192
    missing = next(p for p in range(total, 1, -1) if p not in wal_pages)
    with open(db, "r+b") as f:
        f.truncate((missing - 1) * page_size)
    before = db.read_bytes(), Path(f"{db}-wal").read_bytes()
    res = _run(db, "stats")
    assert res.exit_code == 1
    assert "truncated" in res.output and "it has not been changed" in res.output
    assert (db.read_bytes(), Path(f"{db}-wal").read_bytes()) == before
    assert not check(db).ok


@pytest.mark.slow
def test_a_stale_wal_beside_a_copied_in_database_is_not_folded_in(tmp_path):
    """A -wal from another file beside a database copied in: refused, and the file and that -wal keep their bytes."""
    stale = _crashed_with_wal(tmp_path, "stale.db", tag="b")
    other = tmp_path / "work-other"
    other.mkdir()
    theirs = other / "team.db"
    store = make_store(theirs)
    _insert(store.conn, 50, "c")
    store.conn.execute("VACUUM")  # a different layout of pages from the file the -wal belongs to
    store.close()
    db = tmp_path / "team.db"
    shutil.copyfile(theirs, db)
    shutil.copyfile(f"{stale}-wal", f"{db}-wal")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # how SQLite reads the pair: through the -wal
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM records").fetchone()
        conn.execute("PRAGMA quick_check").fetchall()
    conn.close()
    before = db.read_bytes(), Path(f"{db}-wal").read_bytes()
    for args in (("stats",), ("records",), ("import", str(tmp_path / "none.csv"))):
        res = _run(db, *args)
        code, output = res.exit_code, res.output
        del res
        gc.collect()  # a connection left open would fold the -wal in as it is freed
        assert code == 1, output
        # The file alone is sound: the -wal is blamed, and no restore (which would lose the file) is advised.
        assert "the write-ahead log beside it" in output and "does not fit it" in output, output
        assert "nothing was changed" in output and "restore" not in output
        assert (db.read_bytes(), Path(f"{db}-wal").read_bytes()) == before


def test_restore_over_a_file_with_a_stale_wal_keeps_both_as_they_were(tmp_path):
    """Restoring over a file a stale -wal makes damaged: the raw copy kept holds the file and that -wal unchanged."""
    from stancetracker.core.db import backups
    stale = _crashed_with_wal(tmp_path, "stale.db", tag="b")
    other = tmp_path / "work-other"
    other.mkdir()
    store = make_store(other / "team.db")
    _insert(store.conn, 50, "c")
    store.conn.execute("VACUUM")
    good = backups.make_backup(store.path, reason="manual")
    store.close()
    db = tmp_path / "team.db"
    shutil.copyfile(other / "team.db", db)
    shutil.copyfile(f"{stale}-wal", f"{db}-wal")
    before = db.read_bytes(), Path(f"{db}-wal").read_bytes()
    result = backups.restore_backup(db, good.path)
    assert not result.saved_verified
    assert (result.saved_current.read_bytes(), Path(f"{result.saved_current}-wal").read_bytes()) == before
    assert check(db).ok


def test_a_wal_that_sqlite_ignores_does_not_make_a_sound_file_refused(tmp_path):
    """A -wal whose header checksum is wrong (SQLite ignores it): the file opens with its own records."""
    stale = _crashed_with_wal(tmp_path, "stale.db", tag="b")
    other = tmp_path / "work-other"
    other.mkdir()
    store = make_store(other / "team.db")
    _insert(store.conn, 50, "c")
    store.close()
    db = tmp_path / "team.db"
    shutil.copyfile(other / "team.db", db)
    wal = bytearray(Path(f"{stale}-wal").read_bytes())
    wal[16:24] = bytes(b ^ 0xFF for b in wal[16:24])  # other salts: the header's checksum no longer holds
    Path(f"{db}-wal").write_bytes(bytes(wal))
    res = _run(db, "stats")
    assert res.exit_code == 0, res.output
    assert "records: 50\n" in res.output
