"""The command line: one core call per command, clear one-line errors, no tracebacks."""

import csv
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli

from conftest import write


def run(db, *args, ok=True):
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert res.exit_code == 0, res.output
    return res


def all_commands(group=cli, prefix=()):
    ctx = click.Context(group)  # the root loads a command's module when asked for it (issue 13)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path,cmd", list(all_commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_has_help(path, cmd):
    """Every command and subcommand documents itself and answers --help."""
    assert cmd.help and cmd.help.strip()
    res = CliRunner().invoke(cli, [*path, "--help"])
    assert res.exit_code == 0 and "Usage:" in res.output


def test_every_command_is_in_the_readme():
    """The README shows each top-level command."""
    from conftest import REPO
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in cli.list_commands(click.Context(cli)):
        assert f"stancetracker {name}" in readme, name


def test_import_export_records_round_trip(db_path, tmp_path):
    """import, records and export work together on a real file."""
    f = write(tmp_path / "in.csv", "actor,dimension_slug,date,score,evidence\nMoqtada al-Sadr,iran,Jan 2020,2,"
                                   "led the march\nKhadimi,us,7 November 2021,1,=raided a cell\n")
    res = run(db_path, "import", str(f))
    assert "2 records added" in res.output
    res = run(db_path, "records", "--actor", "sadr")
    assert "led the march" in res.output and "(1 of 1 records)" in res.output
    out = tmp_path / "out.csv"
    run(db_path, "export", "-o", str(out), "--excel", "--dimension", "us")
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert len(rows) == 1 and rows[0]["evidence"] == "'=raided a cell" and rows[0]["date"] == "2021-11-07"


def test_foreign_import_options(db_path, tmp_path):
    """--map, --dimension and --scale import a 0-10 survey."""
    f = write(tmp_path / "survey.csv", "party,yr,mean\nsadr,2019,0\nmaliki,2019,10\n")
    res = run(db_path, "import", str(f), "--map", "actor=party,date=yr,score=mean", "--dimension", "iran",
              "--scale", "0:10")
    assert "2 records added" in res.output
    res = run(db_path, "records", "--dimension", "iran")
    assert "strongly anti-Iran" in res.output and "strongly pro-Iran" in res.output


def test_bad_import_is_one_line_and_nonzero(db_path, tmp_path):
    """A bad row gives the file, line, column and reason, exit status 1, no traceback."""
    f = write(tmp_path / "bad.csv", "actor_slug,dimension_slug,date,score\nsadr,iran,2020,7\n")
    res = run(db_path, "import", str(f), ok=False)
    assert res.exit_code == 1
    assert res.output == f"Error: {f}: line 2, column score: 7 is outside the range -2 to 2; nothing was imported\n"


def test_skip_invalid_with_rejects(db_path, tmp_path):
    """--skip-invalid imports the good rows and writes the rest with reasons."""
    f = write(tmp_path / "m.csv", "actor_slug,dimension_slug,date,score\nsadr,iran,2020,1\nsadr,iran,2020,9\n")
    res = run(db_path, "import", str(f), "--skip-invalid", "--rejects", str(tmp_path / "r.csv"))
    assert "1 record added; 1 rejected" in res.output
    assert "score: 9 is outside" in (tmp_path / "r.csv").read_text()


def test_manage_actors_dimensions_events_sources(db_path):
    """add/edit subcommands create and change things; lists show them."""
    run(db_path, "actors", "add", "hakim", "--name", "Ammar al-Hakim", "--kind", "person", "--alias", "Ammar Hakim")
    run(db_path, "actors", "edit", "Ammar Hakim", "--add-alias", "al-Hakim")
    assert "Ammar Hakim; al-Hakim" in run(db_path, "actors").output
    run(db_path, "dimensions", "add", "eu", "--label", "European Union", "--neg", "rejects EU ties",
        "--pos", "seeks EU ties", "--neg-label", "anti-EU", "--pos-label", "pro-EU")
    assert "eu " in run(db_path, "dimensions").output
    run(db_path, "dimensions", "edit", "eu", "--label", "EU")
    run(db_path, "sources", "add", "--title", "A statement", "--published", "2022-06-12", "--kind", "statement")
    assert "a-statement" in run(db_path, "sources").output
    run(db_path, "events", "add", "resign", "--date", "June 2022", "--label", "Sadrists resign", "--source", "a-statement")
    assert "2022-06" in run(db_path, "events").output
    res = run(db_path, "actors", "add", "moqtada", "--name", "Moqtada al-Sadr", ok=False)
    assert res.exit_code == 1 and "already names the actor 'sadr'" in res.output


def test_history_and_stats(db_path, tmp_path):
    """history shows a record's changes; stats counts the database."""
    f = write(tmp_path / "in.csv", "uuid,actor_slug,dimension_slug,date,score\n"
                                   "5f0c3c1e-4b7b-4a53-9c3e-2a1f7f5d9e11,sadr,iran,2020,1\n")
    run(db_path, "import", str(f))
    res = run(db_path, "history", "5f0c3c1e-4b7b-4a53-9c3e-2a1f7f5d9e11")
    assert "import" in res.output and "sadr / iran / 2020-01-01: 1.0" in res.output
    assert "records: 1" in run(db_path, "stats").output


@pytest.mark.parametrize("args,fragment", [
    (["records", "--actor", "nobody"], "no actor 'nobody'"),
    (["records", "--since", "not a date"], "is not a date"),
    (["export", "-o", "/nonexistent-dir/x.csv"], "the folder /nonexistent-dir does not exist"),
    (["import", "/nonexistent.csv"], "no such file"),
    (["history", "123"], "no record 123"),
    (["dimensions", "add", "Bad Slug", "--label", "x"], "is not a slug"),
])
def test_bad_input_gives_one_line(db_path, args, fragment):
    """Bad input: a one-line message and a non-zero exit status."""
    res = run(db_path, *args, ok=False)
    assert res.exit_code != 0 and fragment in res.output
    assert "Traceback" not in res.output


@pytest.mark.slow
def test_damaged_database_via_entry_point(tmp_path):
    """Through the real entry point, a non-database file gives one line, exit 1, no traceback."""
    p = tmp_path / "junk.db"
    p.write_text("not a database at all\n" * 10)
    out = subprocess.run([sys.executable, "-m", "stancetracker", "--db", str(p), "stats"],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr.strip() == f"Error: {p}: is not a stancetracker database (not an SQLite file); it was left untouched"
    assert "Traceback" not in out.stderr


def test_init_refuses_to_overwrite(db_path):
    """init on an existing database changes nothing."""
    res = run(db_path, "init", ok=False)
    assert "already exists; nothing was changed" in res.output


def test_ci_runs_the_readme_test_command():
    """.ci/run takes its test command from the README, so the two cannot drift apart."""
    from conftest import REPO
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in readme.splitlines() if ln.startswith("    python3 -m venv .venv")]
    assert len(lines) == 2 and lines[0].endswith(".venv/bin/stancetracker") and "pytest" in lines[1]
    assert "grep -m1 -E '^    python3 -m venv \\.venv && .*pytest' README.md" in (REPO / ".ci" / "run").read_text()
