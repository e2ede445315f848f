"""The allowed imports between packages (.importlinter), checked by import-linter as napari does.

One test per contract, so a failure names the broken rule and import-linter's
own report lists each offending import with its line.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / ".importlinter"
PREFIX = "importlinter:contract:"
# Contracts the source breaks until the issue 13 branches are merged; the lead
# removes an entry when its contract holds (strict xfail makes that impossible to miss).
IN_PROGRESS: set[str] = set()


def _contract_ids() -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    return [s.removeprefix(PREFIX) for s in parser.sections() if s.startswith(PREFIX)]


def lint_imports(*args: str, cwd: Path = REPO, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """Run lint-imports on the .importlinter in ``cwd``; wide columns so that rich does not wrap module names."""
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--no-cache", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("contract", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason="issue 13 in progress")) if c in IN_PROGRESS else c
    for c in _contract_ids()])
def test_contract_is_kept(contract):
    """Each contract in .importlinter holds for the source as it is."""
    run = lint_imports("--contract", contract)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_contract_has_a_test():
    """The contracts are read from the file, so one added there is checked here too."""
    assert {"layers", "model-stands-alone", "core-qt-free", "ui-no-sqlite"} <= set(_contract_ids())
    assert IN_PROGRESS <= set(_contract_ids())


def test_an_import_of_sqlite3_in_the_gui_breaks_a_contract(tmp_path):
    """The contracts have teeth: a copy of the source with ``import sqlite3`` in a GUI module fails them."""
    shutil.copytree(REPO / "stancetracker", tmp_path / "stancetracker",
                    ignore=shutil.ignore_patterns("__pycache__"))
    gui = tmp_path / "stancetracker" / "gui" / "__init__.py"
    gui.write_text(gui.read_text(encoding="utf-8") + "\nimport sqlite3\n", encoding="utf-8")
    shutil.copy(CONFIG, tmp_path / ".importlinter")
    run = lint_imports("--contract", "ui-no-sqlite", cwd=tmp_path, pythonpath=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "stancetracker.gui -> sqlite3 (l." in run.stdout, run.stdout
