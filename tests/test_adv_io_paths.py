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

from stancetracker.cli import cli

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
