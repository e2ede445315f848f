"""One coder identity for the window and the command line (issue 16, item 10)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog

from stancetracker.cli.main import cli
from stancetracker.core.files import identity
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.opening import ask_coder


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("STANCETRACKER_CODER", raising=False)


def who_did_the_last_operation(db) -> str:
    res = CliRunner().invoke(cli, ["--db", str(db), "operations", "--format", "json"])
    assert res.exit_code == 0, res.output
    return res.output


def test_the_name_given_at_first_launch_is_the_one_the_cli_records(qtbot, tmp_path, db_path, no_env, monkeypatch):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Layla Hassan", True))
    assert ask_coder(settings) == "Layla Hassan"
    assert identity.coder_file().read_text(encoding="utf-8").strip() == "Layla Hassan"
    res = CliRunner().invoke(cli, ["--db", str(db_path), "actors", "add", "hakim", "--name", "Ammar al-Hakim"])
    assert res.exit_code == 0, res.output
    assert "Layla Hassan" in who_did_the_last_operation(db_path)


def test_precedence_option_then_environment_then_saved_name_then_login(no_env, monkeypatch):
    assert identity.coder() == identity.login_name()
    identity.save_coder("  Layla   Hassan ")
    assert identity.stored_coder() == "Layla Hassan" and identity.coder() == "Layla Hassan"
    monkeypatch.setenv("STANCETRACKER_CODER", "Omar")
    assert identity.coder() == "Omar"
    assert identity.coder("Sara") == "Sara"


def test_the_window_asks_only_when_nothing_names_the_coder(qtbot, tmp_path, no_env, monkeypatch):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: pytest.fail("asked although a name is known"))
    settings.setValue("coder", "Noor")  # where the window kept the name before: moved to the shared place
    assert ask_coder(settings) == "Noor" and identity.stored_coder() == "Noor"
    monkeypatch.setenv("STANCETRACKER_CODER", "Omar")
    assert ask_coder(settings) == "Omar"


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", "x" * 101])
def test_a_bad_name_is_refused_in_words(bad):
    with pytest.raises(StanceError):
        identity.save_coder(bad)


def test_a_damaged_name_file_falls_back_to_the_login(no_env):
    path = identity.coder_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe\x00bad")
    assert identity.stored_coder() is None and identity.coder() == identity.login_name()
