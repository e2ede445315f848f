"""Desktop integration: `stancetracker FILE.db` opens the window on it; desktop-install puts the entry and icons
in the user's XDG folders, and nowhere else."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancetracker.cli import main as cli_main
from stancetracker.cli.main import cli
from stancetracker.core.files import desktop

from conftest import make_store


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no cache tools: only our files are written
    return home


@pytest.fixture
def opened(monkeypatch) -> list:
    """What the window was asked to open, instead of opening it."""
    calls = []
    monkeypatch.setattr(cli_main, "run_gui", lambda path, explicit=False: calls.append((path, explicit)) or 0)
    return calls


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def entry(path: Path) -> dict[str, str]:
    return entry_text(path.read_text(encoding="utf-8"))


def entry_text(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def test_desktop_install_puts_the_entry_and_every_icon_in_the_users_data_folder(home, tmp_path):
    res = CliRunner().invoke(cli, ["desktop-install"])
    assert res.exit_code == 0, res.output
    share = home / ".local" / "share"
    assert files_under(tmp_path) == files_under(share) != set()  # nothing outside it
    fields = entry(share / "applications" / "stancetracker.desktop")
    command, code = fields["Exec"].rsplit(" ", 1)
    assert code == "%f" and Path(command.strip('"')).is_absolute()
    assert set(fields["MimeType"].rstrip(";").split(";")) == {"application/vnd.sqlite3", "application/x-sqlite3"}
    assert fields["Icon"] == "stancetracker" and fields["Type"] == "Application"
    for n in desktop.ICON_SIZES:
        assert png_size(share / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "stancetracker.png") == (n, n)
    assert (share / "icons/hicolor/scalable/apps/stancetracker.svg").read_bytes().lstrip().startswith(b"<")
    assert str(share / "applications" / "stancetracker.desktop") in res.output


def test_xdg_data_home_is_followed_when_absolute_and_ignored_when_not(home, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert CliRunner().invoke(cli, ["desktop-install"]).exit_code == 0
    assert (tmp_path / "xdg" / "applications" / "stancetracker.desktop").is_file()
    assert not (home / ".local").exists()
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")  # invalid by the XDG rule
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["desktop-install"]).exit_code == 0
    assert (home / ".local/share/applications/stancetracker.desktop").is_file()
    assert not (tmp_path / "relative").exists()


def test_a_link_in_the_way_is_replaced_never_written_through(home, tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    apps = home / ".local/share/applications"
    apps.mkdir(parents=True)
    (apps / "stancetracker.desktop").symlink_to(outside)
    assert CliRunner().invoke(cli, ["desktop-install"]).exit_code == 0
    assert outside.read_text() == "keep me"
    assert not (apps / "stancetracker.desktop").is_symlink()


def test_uninstall_removes_exactly_what_install_wrote(home, tmp_path):
    share = home / ".local/share"
    (share / "applications").mkdir(parents=True)
    theirs = share / "applications" / "other.desktop"
    theirs.write_text("[Desktop Entry]\n")
    CliRunner().invoke(cli, ["desktop-install"])
    res = CliRunner().invoke(cli, ["desktop-install", "--uninstall"])
    assert res.exit_code == 0 and f"Removed {len(desktop.ICON_SIZES) + 2} files" in res.output
    assert files_under(tmp_path) == {theirs}
    res = CliRunner().invoke(cli, ["desktop-install", "--uninstall"])
    assert res.exit_code == 0 and "Nothing to remove" in res.output


def test_exec_line_quotes_what_the_specification_reserves():
    assert desktop.exec_line(["/home/ana/.local/bin/stancetracker"]) == "/home/ana/.local/bin/stancetracker %f"
    assert desktop.exec_line(["/home/a b/bin/stancetracker"]) == '"/home/a b/bin/stancetracker" %f'
    # A quote is escaped for the Exec rules, then its backslash again for the file's string rules; % doubled.
    assert desktop.exec_line(['/x/"q"/100%/st']) == '"/x/\\\\"q\\\\"/100%%/st" %f'


def test_the_packaged_entry_opens_a_file_and_names_sqlites_types():
    fields = entry_text(desktop.resource_bytes("stancetracker.desktop").decode("utf-8"))
    assert fields["Exec"] == "stancetracker %f"
    assert "application/vnd.sqlite3" in fields["MimeType"]


def test_a_database_file_as_the_only_word_opens_it_in_the_window(tmp_path, monkeypatch, opened):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["new.db"])  # not there yet: a name ending .db is a database to open
    assert res.exit_code == 0, res.output
    make_store(tmp_path / "team-data").close()  # an SQLite file, whatever its name
    assert CliRunner().invoke(cli, ["team-data"]).exit_code == 0
    assert opened == [(Path("new.db"), True), (Path("team-data"), True)]
    Path("survey.csv").write_text("actor,date,score\n")  # not a database: still an unknown command
    res = CliRunner().invoke(cli, ["survey.csv"])
    assert res.exit_code == 2 and "No such command 'survey.csv'" in res.output and len(opened) == 2


@pytest.mark.slow
def test_command_names_always_win_over_files_and_nothing_else_is_taken_for_one(tmp_path, monkeypatch, opened):
    monkeypatch.chdir(tmp_path)
    make_store(tmp_path / "real.db").close()
    Path("records").write_text("a file named like a command")
    res = CliRunner().invoke(cli, ["--db", "real.db", "records"])
    assert res.exit_code == 0 and "records" in res.output and opened == []
    Path("folder").mkdir()
    res = CliRunner().invoke(cli, ["folder"])
    assert res.exit_code == 2 and "No such command 'folder'" in res.output
    res = CliRunner().invoke(cli, ["recrods"])
    assert res.exit_code == 2 and "Did you mean 'records'?" in res.output and opened == []


def test_a_file_and_db_together_are_refused_in_one_line(tmp_path, opened):
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), str(tmp_path / "b.db")])
    assert res.exit_code == 2 and "give the database once" in res.output and opened == []


def test_shell_completion_completes_commands_and_options_through_clicks_own_protocol():
    """What the README documents: eval "$(_STANCETRACKER_COMPLETE=bash_source stancetracker)"."""
    res = CliRunner().invoke(cli, [], prog_name="stancetracker", env={"_STANCETRACKER_COMPLETE": "bash_source"})
    assert res.exit_code == 0 and "complete -o nosort -F _stancetracker_completion stancetracker" in res.output
    for words, cword, expected in (("stancetracker desk", "1", "plain,desktop-install"),
                                   ("stancetracker records --act", "2", "plain,--actor"),
                                   ("stancetracker datasette-m", "1", "plain,datasette-metadata")):
        res = CliRunner().invoke(cli, [], prog_name="stancetracker", env={
            "_STANCETRACKER_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword})
        assert res.output.split() == [expected], words
