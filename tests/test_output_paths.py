"""Output paths (issue 12, findings 1 and 2): every command that writes follows core/outputs.py.

Protected files (the input, the database, its -wal/-shm/-journal, its backups
folder) are refused before anything is written, however they are named;
- is standard output; FIFOs, devices and /dev/std* are written to, not
replaced; a symlink's target is replaced and the link kept; a failed or
interrupted write leaves the old file and no .partial file.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.db import backups
from stancetracker.core.files import outputs
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.project import open_project

from conftest import make_store

N_GOOD = 3000
HEADER = "actor_slug,dimension_slug,date,score,evidence\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def records_in(db: Path) -> int:
    """How many records the file holds, read by plain sqlite3 (it must still be a database)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def run_process(db: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stancetracker", "--db", str(db), *args],
                          capture_output="stdout" not in kw, timeout=120, **kw)


@pytest.fixture
def db(tmp_path) -> Path:
    """A database file holding 20 records, closed."""
    path = tmp_path / "team.db"
    store = make_store(path)
    store.auto_backup = False  # the tests look at what a command puts in backups/
    src = tmp_path / "seed.csv"
    src.write_text(HEADER + "".join(f"sadr,iran,{2000 + i},1,seed {i}\n" for i in range(20)))
    import_records(store, src)
    store.close()
    src.unlink()
    return path


@pytest.fixture
def big_csv(tmp_path) -> Path:
    """A file with N_GOOD good rows and one bad one (which --skip-invalid rejects)."""
    rows = [f"maliki,us,{1900 + i % 120}-01-{1 + i % 28:02d},0,row {i}\n" for i in range(N_GOOD)]
    rows.insert(10, "maliki,us,2020,9,out of range\n")
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "".join(rows))
    return path


def unchanged(db: Path, before: tuple[str, int], *others: tuple[Path, str]) -> None:
    """The database has the same bytes and records as before, and so has every other file given."""
    assert (digest(db), records_in(db)) == before
    for path, d in others:
        assert digest(path) == d, path


# ------------------------------------------------------------ finding 1: --rejects

@pytest.mark.parametrize("name", ["input", "input-dot", "input-symlink", "input-hardlink"])
def test_rejects_naming_the_input_in_any_way_is_refused(db, big_csv, tmp_path, monkeypatch, name):
    """--rejects naming the file being imported (directly, ./, a symlink, a hard link) is refused; nothing changes."""
    monkeypatch.chdir(tmp_path)
    target = {"input": str(big_csv), "input-dot": "./in.csv", "input-symlink": "link.csv",
              "input-hardlink": "hard.csv"}[name]
    if name == "input-symlink":
        os.symlink(big_csv, tmp_path / "link.csv")
    if name == "input-hardlink":
        os.link(big_csv, tmp_path / "hard.csv")
    before, src, saved = (digest(db), records_in(db)), digest(big_csv), backups.list_backups(db)
    res = run(db, "import", str(big_csv), "--skip-invalid", "--rejects", target)
    assert res.exit_code == 1
    what = "the file being imported" if name in ("input", "input-dot") else f"another name for the file being imported ({big_csv})"
    assert res.output == f"Error: --rejects {target}: is {what}; choose another file — nothing was written\n"
    unchanged(db, before, (big_csv, src))
    assert backups.list_backups(db) == saved  # refused before the import's backup
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize("suffix,what", [("", "the database"), ("-wal", "the database's write-ahead log"),
                                         ("-shm", "the database's shared-memory file"),
                                         ("-journal", "the database's rollback journal")])
def test_rejects_naming_the_database_or_its_neighbours_is_refused(db, big_csv, suffix, what):
    """--rejects naming the database, its -wal, -shm or -journal is refused, whether the file exists or not."""
    before, src = (digest(db), records_in(db)), digest(big_csv)
    target = f"{db}{suffix}"
    res = run(db, "import", str(big_csv), "--skip-invalid", "--rejects", target)
    assert res.exit_code == 1
    assert res.output == f"Error: --rejects {target}: is {what}; choose another file — nothing was written\n"
    unchanged(db, before, (big_csv, src))
    assert not Path(f"{db}-journal").exists()


def test_rejects_naming_the_real_file_behind_a_symlinked_input_is_refused(db, big_csv, tmp_path):
    """The input given through a symlink and --rejects naming the real file: the same file, refused."""
    os.symlink(big_csv, tmp_path / "via-link.csv")
    src = digest(big_csv)
    res = run(db, "import", str(tmp_path / "via-link.csv"), "--skip-invalid", "--rejects", str(big_csv))
    assert res.exit_code == 1
    assert res.output == (f"Error: --rejects {big_csv}: is another name for the file being imported "
                          f"({tmp_path / 'via-link.csv'}); choose another file — nothing was written\n")
    assert digest(big_csv) == src and records_in(db) == 20


def test_rejects_appended_to_the_input_through_standard_output_is_refused(db, big_csv):
    """`import in.csv --skip-invalid --rejects - >> in.csv` would write into the file being read: refused."""
    src = digest(big_csv)
    with open(big_csv, "ab") as fh:
        proc = run_process(db, "import", str(big_csv), "--skip-invalid", "--rejects", "-", stdout=fh,
                           stderr=subprocess.PIPE)
    assert proc.returncode == 1
    assert proc.stderr.decode() == (f"Error: --rejects -: is another name for the file being imported ({big_csv}); "
                                    "choose another file — nothing was written\n")
    assert digest(big_csv) == src and records_in(db) == 20


def test_rejects_naming_a_live_wal_leaves_it_and_its_frames(db, big_csv):
    """With another connection holding a -wal full of committed frames, --rejects naming it changes nothing."""
    other = open_project(db, user="tester", backup=False)
    try:
        other.conn.execute("PRAGMA wal_autocheckpoint = 0")
        other.conn.execute("UPDATE records SET evidence = evidence || ' (edited)'")
        wal = Path(f"{db}-wal")
        assert wal.stat().st_size > 0
        before_wal = digest(wal)
        res = run(db, "import", str(big_csv), "--skip-invalid", "--rejects", str(wal))
        assert res.exit_code == 1 and "is the database's write-ahead log" in res.output
        assert digest(wal) == before_wal
    finally:
        other.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM records WHERE evidence LIKE '%(edited)'").fetchone()[0] == 20
    conn.close()


def test_rejects_naming_a_hard_link_to_the_database_is_refused(db, big_csv, tmp_path):
    """A hard link to the database is the database: refused, and the database keeps every record."""
    os.link(db, tmp_path / "rejects.csv")
    before = (digest(db), records_in(db))
    res = run(db, "import", str(big_csv), "--skip-invalid", "--rejects", str(tmp_path / "rejects.csv"))
    assert res.exit_code == 1
    assert res.output == (f"Error: --rejects {tmp_path / 'rejects.csv'}: is another name for the database ({db}); "
                          "choose another file — nothing was written\n")
    unchanged(db, before)


def test_rejects_naming_a_symlink_to_the_database_is_refused(db, big_csv, tmp_path):
    """A symbolic link to the database, from another folder, is refused too."""
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "r.csv"
    os.symlink(db, link)
    before = (digest(db), records_in(db))
    res = run(db, "import", str(big_csv), "--skip-invalid", "--rejects", str(link))
    assert res.exit_code == 1 and "is another name for the database" in res.output
    unchanged(db, before)


def test_rejects_in_the_backups_folder_is_refused(db, big_csv, tmp_path):
    """The backups folder (reached by any path) takes no rejects file."""
    folder = backups.backup_dir(db)
    folder.mkdir(exist_ok=True)
    os.symlink(folder, tmp_path / "bk")
    for target in (folder / "r.csv", tmp_path / "bk" / "r.csv"):
        res = run(db, "import", str(big_csv), "--skip-invalid", "--rejects", str(target))
        assert res.exit_code == 1
        assert res.output == (f"Error: --rejects {target}: is in the database's backups folder ({folder}); "
                              "choose a file elsewhere — nothing was written\n")
    assert list(folder.iterdir()) == []


def test_rejects_refused_in_the_core_before_the_backup(db, big_csv):
    """The core refuses too (the window uses it), before the backup an import makes."""
    store = open_project(db, user="tester", backup=False)
    # A change since the last backup, so an import would back up first.
    store.conn.execute("INSERT INTO operations (at, user, kind) VALUES ('2026-01-01T00:00:00Z', 'tester', 'edit')")
    saved = backups.list_backups(db)
    try:
        with pytest.raises(outputs.OutputError, match="is the database"):
            import_records(store, big_csv, ImportOptions(skip_invalid=True, rejects=db))
    finally:
        store.close()
    assert backups.list_backups(db) == saved and records_in(db) == 20


def test_rejects_to_a_good_file_after_all_rows(db, big_csv, tmp_path):
    """A rejects file elsewhere gets the rejected row; every good row of the big file is imported."""
    res = run(db, "import", str(big_csv), "--skip-invalid", "--rejects", str(tmp_path / "r.csv"))
    assert res.exit_code == 0, res.output
    assert f"{N_GOOD:,} records added; 1 rejected" in res.output
    rows = list(csv.reader(open(tmp_path / "r.csv", encoding="utf-8", newline="")))
    assert rows[0] == ["line", "actor_slug", "dimension_slug", "date", "score", "evidence", "reason"]
    assert rows[1][:5] == ["12", "maliki", "us", "2020", "9"] and len(rows) == 2
    assert records_in(db) == 20 + N_GOOD


def test_rejects_to_standard_output(db, big_csv, tmp_path, monkeypatch):
    """--rejects - writes the rejected rows to standard output and the summary to standard error."""
    monkeypatch.chdir(tmp_path)
    res = run(db, "import", str(big_csv), "--skip-invalid", "--rejects", "-")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("line,actor_slug,") and "outside the range" in res.stdout
    assert "1 rejected" in res.stderr and "1 rejected" not in res.stdout
    assert not (tmp_path / "-").exists()


def test_failed_import_leaves_the_old_rejects_file(db, tmp_path):
    """An import that fails writes no rejects: an existing rejects file keeps its bytes."""
    old = tmp_path / "r.csv"
    old.write_bytes(b"earlier rejects\r\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER)  # a header and no records: refused
    res = run(db, "import", str(bad), "--skip-invalid", "--rejects", str(old))
    assert res.exit_code == 1 and "no records" in res.output
    assert old.read_bytes() == b"earlier rejects\r\n" and not list(tmp_path.glob(".*.partial"))


# ------------------------------------------------------------ finding 2: export -o

def reference_export(db: Path, tmp_path: Path) -> bytes:
    ref = tmp_path / "reference.csv"
    assert run(db, "export", "-o", str(ref)).exit_code == 0
    data = ref.read_bytes()
    ref.unlink()
    return data


def test_export_to_dash_writes_standard_output(db, tmp_path, monkeypatch):
    """-o - writes the CSV to standard output (no file named -), the summary to standard error."""
    monkeypatch.chdir(tmp_path)
    expected = reference_export(db, tmp_path)
    res = CliRunner().invoke(cli, ["--db", str(db), "export", "-o", "-"])
    assert res.exit_code == 0, res.output
    assert res.stdout_bytes == expected
    assert "Wrote 20 records to -" in res.stderr
    assert not (tmp_path / "-").exists()


# The system's own /dev/stdout, /dev/null and /dev/full are never the target of a write here: a
# regression would replace them for every program on the machine. /dev/fd/1, a symlink in
# tmp_path to /proc/self/fd/1 (what /dev/stdout is) and a pseudo-terminal stand in: a wrong
# implementation fails on them without harm.

def test_dev_stdout_names_are_streams_never_files():
    """/dev/stdout, /dev/stderr and /dev/fd/N are written through their descriptor, never replaced."""
    for path, fd in (("/dev/stdout", 1), ("/dev/stderr", 2), ("/dev/fd/1", 1), ("/proc/self/fd/2", 2)):
        t = outputs.plan_output(path)
        assert (t.kind, t.fd, t.real) == ("fd", fd, None)
    assert outputs.plan_output("/dev/null").kind == "stream"
    assert outputs.to_stdout("/dev/stdout") and outputs.to_stdout("-") and not outputs.to_stdout("./-")


@pytest.mark.slow
@pytest.mark.parametrize("how", ["/dev/fd/1", "symlink"])
def test_export_to_dev_stdout_writes_the_pipe(db, tmp_path, how):
    """-o /dev/fd/1, or a symlink to /proc/self/fd/1 (what /dev/stdout is), writes the real standard output."""
    expected = reference_export(db, tmp_path)
    target = how
    if how == "symlink":
        target = str(tmp_path / "stdout")
        os.symlink("/proc/self/fd/1", target)
    proc = run_process(db, "export", "-o", target)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected
    assert f"Wrote 20 records to {target}" in proc.stderr.decode()
    if how == "symlink":
        assert os.readlink(target) == "/proc/self/fd/1"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["team.db", *(["stdout"] if how == "symlink" else [])])


@pytest.mark.slow
@pytest.mark.parametrize("target", ["-", "/dev/fd/1"])
def test_export_to_standard_output_read_by_head_ends_quietly(db, tmp_path, target):
    """`export -o - | head -c 100`: the reader stops early; exit 0 and nothing on standard error."""
    store = open_project(db, user="tester", backup=False)
    store.auto_backup = False
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "".join(f"sadr,us,{1900 + i % 100},1,{'x' * 300} {i}\n" for i in range(3000)))
    import_records(store, big)
    store.close()
    proc = subprocess.Popen([sys.executable, "-m", "stancetracker", "--db", str(db), "export", "-o", target],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.read(100)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0 and err == b""
    assert first.startswith(b"uuid,actor,")


def test_export_to_dev_stdout_redirected_to_a_file_appends_to_that_file(db, tmp_path):
    """With standard output a file opened for appending, /dev/fd/1 is written where the shell points it."""
    expected = reference_export(db, tmp_path)
    out = tmp_path / "log.txt"
    out.write_bytes(b"before\n")
    ino = out.stat().st_ino
    with open(out, "ab") as fh:
        proc = run_process(db, "export", "-o", "/dev/fd/1", stdout=fh, stderr=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == b"before\n" + expected and out.stat().st_ino == ino


def test_export_to_standard_output_that_is_the_database_is_refused(db, tmp_path):
    """`export -o - >> team.db`: standard output is the database, so nothing is written to it."""
    before = (digest(db), records_in(db))
    with open(db, "ab") as fh:
        proc = run_process(db, "export", "-o", "-", stdout=fh, stderr=subprocess.PIPE)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == "Error: --output -: is another name for the database " \
                                           f"({db}); choose another file — nothing was written"
    unchanged(db, before)


@pytest.mark.slow
def test_export_with_standard_output_closed_is_one_line(db):
    """-o - (or /dev/fd/1) with standard output closed: one line on standard error, exit 1."""
    for target, reason in (("-", "standard output is closed"), ("/dev/fd/1", "file descriptor 1 is not open")):
        proc = run_process(db, "export", "-o", target, preexec_fn=lambda: os.close(1))
        assert proc.returncode == 1
        assert proc.stderr.decode() == f"Error: --output {target}: {reason} — nothing was written\n"


def test_export_to_a_socket_is_refused(db, tmp_path):
    """A Unix socket (neither a file nor a stream we may write) is refused in one line."""
    import socket
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "s"))
        res = run(db, "export", "-o", str(tmp_path / "s"))
    finally:
        sock.close()
    assert res.exit_code == 1
    assert res.output == f"Error: --output {tmp_path / 's'}: is a socket, not a file — nothing was written\n"
    assert stat.S_ISSOCK(os.lstat(tmp_path / "s").st_mode)


def test_export_to_a_fifo_feeds_its_reader(db, tmp_path):
    """A FIFO is written to, not replaced: its reader gets every byte."""
    expected = reference_export(db, tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    res = run(db, "export", "-o", str(fifo))
    reader.join(timeout=60)
    assert res.exit_code == 0, res.output
    assert got == [expected]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "team.db"]


def test_export_to_a_fifo_whose_reader_leaves_says_so(db, tmp_path):
    """A reader that closes the FIFO early gives one line, not a traceback."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    store = open_project(db, user="tester", backup=False)
    try:
        big = tmp_path / "big.csv"
        big.write_text(HEADER + "".join(f"sadr,us,{1900 + i % 100},1,{'x' * 200} {i}\n" for i in range(5000)))
        import_records(store, big)
        reader = threading.Thread(target=lambda: open(fifo, "rb").close())
        reader.start()
        with pytest.raises(outputs.OutputError) as err:
            export_records(store, fifo)
        reader.join(timeout=60)
    finally:
        store.close()
    assert str(err.value) == f"--output {fifo}: the program reading it stopped before the end"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_to_a_symlink_updates_its_target_and_keeps_the_link(db, tmp_path):
    """A symlink target: the file it points to is replaced atomically and the link is kept."""
    expected = reference_export(db, tmp_path)
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "stances.csv"
    real.write_bytes(b"stale\n")
    os.chmod(real, 0o640)
    link = tmp_path / "latest.csv"
    os.symlink(real, link)
    res = run(db, "export", "-o", str(link))
    assert res.exit_code == 0, res.output
    assert os.path.islink(link) and os.readlink(link) == str(real)
    assert real.read_bytes() == expected and stat.S_IMODE(real.stat().st_mode) == 0o640
    assert not list(tmp_path.rglob("*.partial"))


def test_export_to_a_dangling_symlink_creates_its_target(db, tmp_path):
    """A symlink to a file not yet there: the file is created where the link points, the link kept."""
    link = tmp_path / "out.csv"
    os.symlink(tmp_path / "made.csv", link)
    assert run(db, "export", "-o", str(link)).exit_code == 0
    assert os.path.islink(link) and (tmp_path / "made.csv").read_bytes().startswith(b"uuid,")


def test_export_to_a_character_device_writes_it(db, tmp_path):
    """A character device (a pseudo-terminal here) is written to as it is, never replaced."""
    expected = reference_export(db, tmp_path)
    master, slave = os.openpty()
    tty = os.ttyname(slave)
    import termios
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST  # no CRLF translation: the bytes as written
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    got = bytearray()

    def read_all():
        while len(got) < len(expected):
            try:
                got.extend(os.read(master, 65536))
            except OSError:
                return

    reader = threading.Thread(target=read_all)
    reader.start()
    try:
        res = run(db, "export", "-o", tty)
        reader.join(timeout=60)
        still_a_device = stat.S_ISCHR(os.stat(tty).st_mode)
    finally:
        os.close(slave)
        os.close(master)
    assert res.exit_code == 0, res.output
    assert bytes(got) == expected and still_a_device


@pytest.mark.slow
def test_a_failed_write_is_one_line_and_keeps_the_old_file(db, tmp_path):
    """A write the system refuses (here a file-size limit standing in for a full disk): one line, old file kept."""
    store = open_project(db, user="tester", backup=False)
    store.auto_backup = False
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "".join(f"sadr,us,{1900 + i % 100},1,{'x' * 300} {i}\n" for i in range(2000)))
    import_records(store, big)
    store.close()
    target = tmp_path / "o.csv"
    target.write_bytes(b"old\n")

    def limit():
        import resource
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    proc = run_process(db, "export", "-o", str(target), preexec_fn=limit)
    assert proc.returncode == 1
    assert proc.stderr.decode() == (f"Error: --output {target}: could not be written (File too large); "
                                    f"{target} was not changed\n")
    assert target.read_bytes() == b"old\n" and not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize("where", ["database", "wal", "hardlink", "backups"])
def test_export_over_the_database_or_into_backups_is_refused(db, tmp_path, where):
    """export -o naming the database (or its -wal, a hard link to it, its backups folder) is refused."""
    folder = backups.backup_dir(db)
    folder.mkdir(exist_ok=True)
    if where == "hardlink":
        os.link(db, tmp_path / "copy.csv")
    target = {"database": db, "wal": Path(f"{db}-wal"), "hardlink": tmp_path / "copy.csv",
              "backups": folder / "stances.csv"}[where]
    before = (digest(db), records_in(db))
    res = run(db, "export", "-o", str(target))
    assert res.exit_code == 1 and res.output.count("\n") == 1
    assert res.output.startswith(f"Error: --output {target}: is ") and "nothing was written" in res.output
    unchanged(db, before)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("case", ["folder", "no-parent", "parent-is-file"])
def test_export_to_an_unusable_place_is_one_line(db, tmp_path, case):
    """A folder, a missing folder, a file taken for a folder: one line, nothing written."""
    (tmp_path / "plain").write_text("x")
    target = {"folder": tmp_path, "no-parent": tmp_path / "missing" / "o.csv",
              "parent-is-file": tmp_path / "plain" / "o.csv"}[case]
    before = sorted(tmp_path.iterdir())
    res = run(db, "export", "-o", str(target))
    expected = {"folder": f"Error: Invalid value for '-o' / '--output': File '{tmp_path}' is a directory.",
                "no-parent": f"Error: --output {target}: the folder {tmp_path / 'missing'} does not exist "
                             "— nothing was written",
                "parent-is-file": f"Error: --output {target}: cannot be used (Not a directory) — nothing was written"}
    assert res.exit_code in (1, 2) and res.output.splitlines()[-1] == expected[case]
    assert sorted(tmp_path.iterdir()) == before


def check_as_a_user(target: Path) -> str:
    """outputs.check_output's message for ``target``, as an ordinary user even when the tests run as root.

    As root (who may write anywhere) a forked child drops to user nobody first.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no Qt, no pytest, only the check
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            try:
                outputs.check_output(target, option="--output")
                msg = "accepted"
            except outputs.OutputError as err:
                msg = str(err)
            os.write(write, msg.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        msg = fh.read().decode()
    os.waitpid(pid, 0)
    return msg


def test_unwritable_folder_and_read_only_file_are_one_line():
    """A folder the user may not write in, or a read-only file: one line naming it."""
    base = Path(tempfile.mkdtemp())  # not under pytest's folder, which only root may enter
    try:
        os.chmod(base, 0o777)  # anyone may write here, but not in locked/ nor over ro.csv
        folder = base / "locked"
        folder.mkdir(mode=0o555)
        ro = base / "ro.csv"
        ro.write_text("keep")
        os.chmod(ro, 0o444)
        assert check_as_a_user(folder / "o.csv") == (
            f"--output {folder / 'o.csv'}: cannot write in the folder {folder} (permission denied) — nothing was written")
        assert check_as_a_user(ro) == f"--output {ro}: the file is read-only — nothing was written"
        assert check_as_a_user(base / "fine.csv") == "accepted"
        assert ro.read_text() == "keep"
    finally:
        os.chmod(base / "locked", 0o755)
        shutil.rmtree(base)


# ------------------------------------------------------------ interruption and .partial files

def _ctrl_c(done: int, total: int) -> None:
    raise KeyboardInterrupt  # as a Ctrl-C would, while the export writes


def test_interrupted_export_keeps_the_old_file_and_leaves_no_partial(db, tmp_path):
    """Ctrl-C in the middle of an export: the old file keeps its bytes; no .partial file is left."""
    target = tmp_path / "o.csv"
    target.write_bytes(b"the old export\r\n")
    store = open_project(db, user="tester", backup=False)
    try:
        with pytest.raises(KeyboardInterrupt):
            export_records(store, target, progress=_ctrl_c)
    finally:
        store.close()
    assert target.read_bytes() == b"the old export\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "team.db"]


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError, OSError])
def test_open_output_discards_on_any_exception(tmp_path, error):
    """open_output commits only on a clean exit: any exception leaves the old file and no .partial."""
    target = tmp_path / "o.txt"
    target.write_text("old")
    with pytest.raises(error):
        with outputs.open_output(target) as fh:
            fh.write("new" * 100_000)
            raise error("stop")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["o.txt"]


def test_a_killed_writers_partial_file_is_swept_but_a_live_one_is_kept(tmp_path):
    """A .partial file no writer holds (its writer was killed) is removed by the next write; a live one stays."""
    fcntl = pytest.importorskip("fcntl")
    target = tmp_path / "o.csv"
    stale = tmp_path / ".o.csv.abcd1234.partial"
    live = tmp_path / ".o.csv.efgh5678.partial"
    for p in (stale, live):
        p.write_bytes(b"x" * 1000)
        os.utime(p, (1, 1))
    with open(live, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with outputs.open_output(target) as fh:
            fh.write("done")
        assert target.read_text() == "done" and not stale.exists() and live.exists()


def test_long_names_get_a_partial_file_too(tmp_path):
    """A target name near the file system's limit still gets its .partial file (the prefix is cut)."""
    target = tmp_path / ("ب" * 120 + ".csv")  # 244 bytes in UTF-8
    with outputs.open_output(target) as fh:
        fh.write("ok")
    assert target.read_text() == "ok"


# ------------------------------------------------------------ any spelling of a protected file

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

SPELLINGS = ["plain", "dot", "updown", "dir-link", "file-link", "link-chain", "hard-link", "relative"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(["input", "db", "-wal", "-shm", "-journal", "backups"]),
       spelling=st.lists(st.sampled_from(SPELLINGS), min_size=1, max_size=3))
def test_any_spelling_of_a_protected_file_is_refused(tmp_path_factory, which, spelling):
    """However a protected file is named (./, a/../, symlinked folders, link chains, hard links), it is refused."""
    base = tmp_path_factory.mktemp("spell")
    (base / "data").mkdir()
    (base / "data" / "backups").mkdir()
    db = base / "data" / "team.db"
    db.write_bytes(b"SQLite format 3\x00")
    src = base / "data" / "in.csv"
    src.write_text("a\n")
    protect = [*outputs.database_files(db), outputs.Guarded(src, "the file being imported")]
    target = {"input": src, "db": db, "backups": base / "data" / "backups" / "x.csv"}.get(which, Path(f"{db}{which}"))
    if which in ("-wal", "-shm"):
        target.write_bytes(b"")
    n = 0
    for step in spelling:
        n += 1
        folder, name = target.parent, target.name
        if step == "dot":
            target = folder / "." / name
        elif step == "updown":
            target = folder / ".." / folder.name / name
        elif step == "dir-link":
            os.symlink(folder, base / f"d{n}")
            target = base / f"d{n}" / name
        elif step == "file-link":
            os.symlink(target, base / f"f{n}")
            target = base / f"f{n}"
        elif step == "link-chain":
            os.symlink(target, base / f"c{n}a")
            os.symlink(base / f"c{n}a", base / f"c{n}b")
            target = base / f"c{n}b"
        elif step == "hard-link" and target.is_file() and not target.is_symlink():
            os.link(target, base / f"h{n}")
            target = base / f"h{n}"
        elif step == "relative":
            target = Path(os.path.relpath(target))
    before = {p: p.read_bytes() for p in (db, src)}
    with pytest.raises(outputs.OutputError, match="nothing was written"):
        with outputs.open_output(target, protect=protect, option="--rejects") as fh:
            fh.write("x")
    assert {p: p.read_bytes() for p in (db, src)} == before
    assert not list((base / "data").rglob("*.partial"))
