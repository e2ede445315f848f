"""Adversarial variants of output paths and file kinds (issue 12, findings 1, 2 and 13).

Each test names a path that a user or an attacker might give, and asserts the
one line the command prints and that nothing was changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli

from conftest import make_store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(db: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)


def run_process(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stancetracker", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def db(tmp_path) -> Path:
    make_store(tmp_path / "a.db").close()
    return tmp_path / "a.db"


# ------------------------------------------------------------ files that are not files
@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("args", [("stats",), ("init",), ("records",)])
def test_a_fifo_as_the_database_is_refused_at_once(tmp_path, args):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    # Opening a FIFO for reading waits for a writer for ever: the command must not open it.
    r = run_process(fifo, *args, timeout=30)
    assert r.returncode == 1
    assert r.stderr.strip() == f"Error: {fifo}: is a pipe (FIFO), not a database file; it was left untouched"
    assert fifo.is_fifo()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("command", [("merge",), ("merge", "--dry-run"), ("restore", "--yes")])
def test_a_fifo_to_merge_or_restore_is_named_as_a_fifo_and_never_opened(db, tmp_path, command):
    fifo = tmp_path / "other.db"
    os.mkfifo(fifo)
    before = digest(db)
    r = run_process(db, *command, str(fifo), timeout=30)
    assert r.returncode == 1
    assert r.stderr.strip() == f"Error: {fifo}: is a pipe (FIFO), not a database file; it was left untouched"
    assert digest(db) == before


@pytest.mark.parametrize("command", [("merge",), ("restore", "--yes")])
def test_a_folder_to_merge_or_restore_is_called_a_folder_not_missing(db, tmp_path, command):
    folder = tmp_path / "other.db"
    folder.mkdir()
    before = digest(db)
    r = run(db, *command, str(folder))
    assert r.exit_code == 1
    assert r.output.strip() == f"Error: {folder}: is a folder, not a database file"
    assert digest(db) == before


# ------------------------------------------------------------ a hostile file among the backups
def _endless_operations(path: Path) -> None:
    """Make ``path`` a copy whose ``operations`` is a recursive view that never ends."""
    import sqlite3
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA legacy_alter_table = ON")
    conn.execute("ALTER TABLE operations RENAME TO operations_old")
    conn.execute("CREATE VIEW operations AS WITH RECURSIVE r(id, at, user, kind, summary) AS "
                 "(SELECT 1, '', '', '', '' UNION ALL SELECT id + 1, '', '', '', '' FROM r) SELECT * FROM r ORDER BY id")
    conn.commit()
    conn.close()


@pytest.mark.slow
def test_restoring_a_file_with_an_endless_view_is_refused_at_once(db, tmp_path):
    hostile = tmp_path / "download.db"
    hostile.write_bytes(db.read_bytes())
    _endless_operations(hostile)
    before, theirs = digest(db), digest(hostile)
    # Before: comparing its history with the database's ran the view, and never ended.
    r = run_process(db, "restore", "--yes", str(hostile), timeout=30)
    assert r.returncode == 1
    assert r.stderr.strip() == (
        f"Error: {hostile}: holds database objects stancetracker did not make: view operations (in place of our "
        "table); they could change your data behind your back, so it is not restored (nothing was changed) — "
        f"choose another file; 'stancetracker --db \"{hostile}\" check' lists them")
    assert digest(db) == before and digest(hostile) == theirs


@pytest.mark.slow
def test_an_endless_view_in_the_backups_folder_never_stops_a_command(db):
    from stancetracker.core.db import backups
    folder = backups.backup_dir(db)
    folder.mkdir(exist_ok=True)
    # Named as the newest backup, but older than the open interval: every writing command looks at it.
    import datetime as dt
    stamp = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=30)).strftime("%Y%m%dT%H%M%S.%fZ")
    planted = folder / f"{db.stem}.{stamp}.open.db"
    planted.write_bytes(db.read_bytes())
    _endless_operations(planted)
    planted_digest = digest(planted)
    r = run_process(db, "restore", "--latest", "--yes", timeout=30)
    assert r.returncode == 1 and r.stderr.strip() == f"Error: {db}: has no backups to restore"
    r = run_process(db, "events", "add", "new-event", "--date", "2020-01-01", "--label", "x", timeout=30)
    assert r.returncode == 0, r.stderr
    assert digest(planted) == planted_digest


def test_merging_a_file_with_an_unremovable_object_does_not_advise_a_restore(db, tmp_path):
    hostile = tmp_path / "theirs.db"
    hostile.write_bytes(db.read_bytes())
    _endless_operations(hostile)
    r = run(db, "merge", str(hostile))
    assert r.exit_code == 1
    assert "restore" not in r.output and "choose another file" in r.output


# ------------------------------------------------------------ permissions of a new output
@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_export_gets_the_permissions_the_umask_gives_not_private_ones(db, tmp_path, mask):
    out = tmp_path / "new.csv"
    old = os.umask(mask)
    try:
        r = run(db, "export", "-o", str(out))
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    # Before: the .partial file's 0600 (from mkstemp) was kept, so colleagues could not read the export.
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_replaced_export_keeps_its_own_permissions(db, tmp_path):
    out = tmp_path / "old.csv"
    out.write_text("old\n")
    out.chmod(0o640)
    assert run(db, "export", "-o", str(out)).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o640 and out.read_text() != "old\n"


# ------------------------------------------------------------ another database's -wal beside ours
def _alien_wal(tmp_path: Path) -> bytes:
    """The committed, never checkpointed -wal of an unrelated database."""
    import sqlite3
    other = tmp_path / "alien" / "x.db"
    other.parent.mkdir()
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (a TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    conn.commit()
    data = Path(f"{other}-wal").read_bytes()
    conn.close()
    return data


@pytest.mark.parametrize("args", [("stats",), ("import", "-"), ("export", "-o", "-"), ("check",)])
def test_another_databases_wal_beside_a_sound_file_is_blamed_not_the_file(db, tmp_path, args):
    wal = Path(f"{db}-wal")
    wal.write_bytes(_alien_wal(tmp_path))
    before, wal_before = digest(db), digest(wal)
    r = run(db, *args, input="")
    assert r.exit_code == 1
    # Before: "the file is damaged … restore it from a backup", which would throw away a sound file.
    line = (f"the file is sound, but the write-ahead log beside it ({db}-wal) does not fit it (another database's, "
            "or damaged); move that file aside to open it as of its last checkpoint (changes only in that log are "
            "not in it) — nothing was changed")
    if args == ("check",):
        assert r.output.splitlines()[-2:] == [
            f"problem: {line}", f"Error: {db}: 1 problem found: the write-ahead log beside it, not the file; see above"]
    else:
        assert r.output.strip() == f"Error: {db}: {line}"
    assert "restore" not in r.output
    assert digest(db) == before and digest(wal) == wal_before
    wal.unlink()
    Path(f"{db}-shm").unlink(missing_ok=True)
    assert run(db, "stats").exit_code == 0  # the advice works: without it the file opens


# ------------------------------------------------------------ Ctrl-C told as what it left
def _csv_with_one_bad_row(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("actor_slug,dimension_slug,date,score,evidence\n"
                    "sadr,iran,2020-01-01,1,fine\nsadr,iran,2020-02-01,9,too high\n", encoding="utf-8")
    return path


def _records(db: Path) -> int:
    import sqlite3
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()


def test_ctrl_c_after_the_commit_says_the_import_was_saved(db, tmp_path, monkeypatch):
    from stancetracker.core.files import outputs
    src, rejects = _csv_with_one_bad_row(tmp_path), tmp_path / "rejects.csv"
    before = _records(db)

    def interrupted(*a, **k):
        raise KeyboardInterrupt  # the rejects file is put in place after the records are committed

    monkeypatch.setattr(outputs, "_put_in_place", interrupted)
    r = CliRunner().invoke(cli, ["--db", str(db), "import", str(src), "--skip-invalid", "--rejects", str(rejects)])
    assert _records(db) == before + 1
    # Before: click's "Aborted!", which reads as "nothing was imported".
    op = r.output.split("operation ")[1].split(" ")[0]
    assert r.exit_code == 130
    assert r.output.strip() == (
        f"Error: Interrupted after the change was saved as operation {op} (import in.csv); what the command had "
        f"still to write after it (a --rejects file, say) was not written — 'stancetracker revert {op}' undoes "
        "the change")
    assert not rejects.exists() and not list(tmp_path.glob("*.partial"))


def test_ctrl_c_before_the_commit_says_nothing_was_left_half_done(db, tmp_path, monkeypatch):
    from stancetracker.core.db import store as store_module
    src = _csv_with_one_bad_row(tmp_path)
    before = _records(db)

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module.Store, "check_transaction", interrupted)
    r = CliRunner().invoke(cli, ["--db", str(db), "import", str(src), "--skip-invalid", "--rejects",
                                 str(tmp_path / "r.csv")])
    assert r.exit_code == 130
    assert r.output.strip() == "Error: Interrupted; nothing was left half-done"
    assert _records(db) == before and not (tmp_path / "r.csv").exists()


def test_an_error_that_a_ctrl_c_caused_inside_sqlite_is_told_as_the_ctrl_c(db, monkeypatch):
    from stancetracker.cli import base as cli_module
    from stancetracker.core.model.errors import StanceError
    from stancetracker.core.db import store as store_module

    def stopped(self, *a, **k):
        # What a Ctrl-C inside our authorizer becomes: "not authorized", blamed on a foreign trigger.
        raise StanceError(f"{db}: a trigger or view in the file that stancetracker did not make tried to change data")

    monkeypatch.setattr(store_module.Store, "add_event", stopped)
    monkeypatch.setattr(cli_module, "_SIGINT", type("E", (), {"is_set": lambda self: True})())
    r = run(db, "events", "add", "e1", "--date", "2020", "--label", "x")
    assert r.exit_code == 130 and r.output.strip() == "Error: Interrupted; nothing was left half-done"


def test_ctrl_c_while_the_program_loads_is_one_line_not_a_traceback():
    # A Ctrl-C in the first moments lands in an import (numpy's, say); simulated by a finder that raises it.
    code = ("import sys\n"
            "class Stop:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'stancetracker.cli.main':\n"
            "            raise KeyboardInterrupt\n"
            "sys.meta_path.insert(0, Stop())\n"
            "from stancetracker.__main__ import run\n"
            "run()\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 130
    assert r.stderr.strip() == "Interrupted; nothing was left half-done"


def test_the_installed_command_starts_through_the_guarded_entry_point():
    import tomllib
    from conftest import REPO
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"stancetracker": "stancetracker.__main__:run"}


# ------------------------------------------------------------ a full disk during restore and backups
def _run_limited(db: Path, limit: int, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI with files limited to ``limit`` bytes (RLIMIT_FSIZE stands in for a full disk)."""
    import resource

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "stancetracker", "--db", str(db), *args], preexec_fn=limited,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE as a full disk")
def test_a_full_disk_while_saving_the_current_state_refuses_the_restore(db, tmp_path):
    import sqlite3
    from stancetracker.core.db import backups
    source = tmp_path / "older.db"
    source.write_bytes(db.read_bytes())
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM events")
    conn.commit()
    conn.close()
    records, size = _records(db), db.stat().st_size
    r = _run_limited(db, size // 2, "restore", "--yes", str(source))
    assert r.returncode == 1
    # Before: a sound file whose backup failed was called damaged, and a raw copy cut short by the full
    # disk lay in backups/ named as the state it replaced; then the message was "File too large".
    assert r.stderr.strip().splitlines()[-1].startswith(f"Error: {db}: its current state could not be saved before "
                                                        "the restore (")
    assert r.stderr.strip().endswith("; nothing was restored")
    assert _records(db) == records
    folder = backups.backup_dir(db)
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE as a full disk")
def test_a_full_disk_during_the_backup_on_open_leaves_no_journal_in_backups(db, tmp_path):
    from stancetracker.core.db import backups
    src = _csv_with_one_bad_row(tmp_path)
    records = _records(db)
    r = _run_limited(db, db.stat().st_size // 2, "import", str(src), "--skip-invalid", "--rejects",
                     str(tmp_path / "r.csv"))
    assert r.returncode == 1 and "nothing was saved" in r.stderr
    assert _records(db) == records and not (tmp_path / "r.csv").exists()
    folder = backups.backup_dir(db)
    assert not folder.exists() or list(folder.iterdir()) == []  # before: a .partial-journal stayed for ever


def test_a_killed_backups_journal_is_swept_with_its_partial(db):
    from stancetracker.core.db import backups
    folder = backups.backup_dir(db)
    folder.mkdir(exist_ok=True)
    left = folder / f"{db.stem}.20200101T000000.000000Z.open.db.999999999-0000abcd.partial-journal"
    left.write_bytes(b"j" * 512)
    os.utime(left, (0, 0))
    assert left in backups.clean_partials(db)
    assert not left.exists()


# ------------------------------------------------------------ links that lead nowhere
@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
@pytest.mark.parametrize("args", [("init",), ("stats",)])
def test_a_symbolic_link_loop_as_the_database_is_named_a_loop(tmp_path, args):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    one.symlink_to(two)
    two.symlink_to(one)
    r = run(one, *args)
    assert r.exit_code == 1
    assert r.output.strip() == f"Error: {one}: is a symbolic link that loops back on itself; it was left untouched"


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_init_through_a_link_into_a_missing_folder_names_that_folder(tmp_path):
    link = tmp_path / "db.db"
    link.symlink_to(tmp_path / "gone" / "x.db")
    r = run(link, "init")
    assert r.exit_code == 1
    assert r.output.strip() == f"Error: {link}: the folder {tmp_path / 'gone'} does not exist"
    assert not (tmp_path / "gone").exists() and link.is_symlink()


# ------------------------------------------------------------ a name that means a folder
@pytest.mark.parametrize("name", ["new/", "new/.", "new/..", "out.csv/"])
@pytest.mark.parametrize("command", [("export", "-o"), ("chart", "-a", "sadr", "-o")])
def test_an_output_named_as_a_folder_is_refused_not_written_without_its_slash(db, tmp_path, name, command):
    target = f"{tmp_path}/{name}"
    before = sorted(os.listdir(tmp_path))
    r = run(db, *command, target)
    assert r.exit_code == 1
    # Before: the real path dropped the slash and a file named "new" or "out.csv" was written.
    assert r.output.strip() == (f"Error: --output {target}: names a folder, not a file; give the name of a file "
                                "to write — nothing was written")
    assert sorted(os.listdir(tmp_path)) == before


def test_rejects_named_as_a_folder_is_refused_before_the_import(db, tmp_path):
    src = _csv_with_one_bad_row(tmp_path)
    records = _records(db)
    r = run(db, "import", str(src), "--skip-invalid", "--rejects", f"{tmp_path}/rejects/")
    assert r.exit_code == 1
    assert r.output.strip() == (f"Error: --rejects {tmp_path}/rejects/: names a folder, not a file; give the name "
                                "of a file to write — nothing was written")
    assert _records(db) == records and not (tmp_path / "rejects").exists()


# ------------------------------------------------------------ merging the database with itself
@pytest.mark.skipif(os.name != "posix", reason="hard links")
def test_merging_a_hard_link_of_the_database_is_refused(db, tmp_path):
    twin = tmp_path / "twin.db"
    os.link(db, twin)
    r = run(db, "merge", str(twin))
    assert r.exit_code == 1
    assert r.output.strip() == f"Error: {twin}: is another name for the database ({db}) itself; nothing to merge"


def test_merging_the_databases_own_wal_is_named_so_not_read_as_a_csv(db):
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"")
    r = run(db, "merge", str(wal))
    assert r.exit_code == 1
    # Before: "line 1: the file is empty; nothing was imported".
    assert r.output.strip() == (f"Error: {wal}: is the database's write-ahead log, not a database to merge; "
                                "nothing was merged")


def test_importing_a_database_file_points_to_merge(db, tmp_path):
    other = tmp_path / "theirs.db"
    other.write_bytes(db.read_bytes())
    records = _records(db)
    r = run(db, "import", str(other))
    assert r.exit_code == 1
    # Before: "line 1: the line contains a NUL byte (is this a binary file?)".
    assert r.output.strip() == (f"Error: {other}: is an SQLite database, not a CSV file; to bring in another "
                                "database's records use 'stancetracker merge'; nothing was imported")
    assert _records(db) == records


# ------------------------------------------------------------ two databases in one folder
def test_two_databases_sharing_a_stem_never_see_each_others_backups(tmp_path):
    from stancetracker.core.db import backups
    team = tmp_path / "team.db"
    make_store(team).close()
    other = tmp_path / "team.sqlite"
    other.write_bytes(team.read_bytes())
    assert run(team, "events", "add", "only-in-team", "--date", "2020", "--label", "x").exit_code == 0
    theirs = sorted(backups.backup_dir(team).iterdir())
    assert theirs  # the backup on open of team.db
    # Before: team.sqlite listed team.db's backups as its own, restore --latest put team.db's state
    # into it, and its rotation could delete them.
    r = run(other, "backups")
    assert r.exit_code == 0 and "team.2" not in r.output
    r = run(other, "restore", "--latest", "--yes")
    assert r.exit_code == 1 and r.output.strip() == f"Error: {other}: has no backups to restore"
    assert run(other, "events", "add", "only-in-other", "--date", "2020", "--label", "y").exit_code == 0
    mine = [p for p in backups.backup_dir(other).iterdir() if p not in theirs]
    assert [p.name.startswith("team.sqlite.") for p in mine] == [True]
    assert [b.path for b in backups.list_backups(other)] == mine
    assert sorted(b.path for b in backups.list_backups(team)) == theirs
