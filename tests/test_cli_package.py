"""The command line as a package: one table of commands, loaded lazily, filters declared once, a fast start."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from stancetracker.cli.main import COMMANDS, cli
from stancetracker.core.model.changes import change_lines, changed_fields
from stancetracker.core.model.progress import Cancelled

HEAVY = ("numpy", "PySide6", "shiboken6", "pyqtgraph")


def loaded_commands() -> dict[str, click.Command]:
    """Every command of every module the table names, as the module defines it."""
    found: dict[str, click.Command] = {}
    for module in {m for m, _ in COMMANDS.values()}:
        for cmd in importlib.import_module(module).COMMANDS:
            found[cmd.name] = cmd
    return found


def test_the_table_lists_every_command_of_every_module_with_its_own_help():
    """Each module's COMMANDS are all in the table, under their module, with the first paragraph of their help."""
    found = loaded_commands()
    assert set(found) == set(COMMANDS)
    for name, cmd in found.items():
        module, listed = COMMANDS[name]
        assert importlib.import_module(module).__name__ == cmd.callback.__module__, name
        assert listed == " ".join(cmd.help.split("\n\n")[0].split()), name
        stub = click.Command(name, help=listed)
        for limit in range(20, 130, 7):  # what --help prints, at any terminal width
            assert stub.get_short_help_str(limit) == cmd.get_short_help_str(limit), (name, limit)


def test_help_lists_the_same_before_and_after_the_modules_are_loaded():
    """The root's --help made from the table equals the one made from the loaded commands."""
    code = ("import click\n"
            "from click.testing import CliRunner\n"
            "from stancetracker.cli.main import COMMANDS, cli\n"
            "before = CliRunner().invoke(cli, ['--help'], prog_name='stancetracker').output\n"
            "assert not cli.commands, 'the listing loaded commands'\n"
            "for name in COMMANDS:\n"
            "    cli.get_command(click.Context(cli), name)\n"
            "assert set(cli.commands) == set(COMMANDS)\n"
            "after = CliRunner().invoke(cli, ['--help'], prog_name='stancetracker').output\n"
            "assert 'restore-version' in before and before == after, (before, after)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_a_mistyped_command_still_gets_a_suggestion():
    res = CliRunner().invoke(cli, ["recrods"])
    assert res.exit_code == 2 and "No such command 'recrods'" in res.output and "records" in res.output


# ------------------------------------------------------------------ start-up
PROBE = r"""
import json, sys
sys.argv = ["stancetracker", *json.loads(sys.argv[1])]
from stancetracker.cli.main import cli
try:
    cli.main(prog_name="stancetracker")
except SystemExit as err:
    code = err.code
print(json.dumps([code, sorted(m for m in {HEAVY} if m in sys.modules)]), file=sys.stderr)
""".replace("{HEAVY}", repr(HEAVY))


def loads(*args: str) -> tuple[object, list[str]]:
    """(exit code, the heavy libraries loaded) of one command run in a fresh interpreter."""
    r = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, timeout=120)
    code, heavy = json.loads(r.stderr.strip().splitlines()[-1])
    return code, heavy


@pytest.mark.parametrize("args", [("--help",), ("records", "--help"), ("chart", "--help")])
def test_help_loads_neither_numpy_nor_qt(args):
    code, heavy = loads(*args)
    assert code == 0 and (heavy == [] or args[0] == "chart"), heavy


def test_commands_that_neither_chart_nor_analyse_load_neither_numpy_nor_qt(tmp_path):
    db = tmp_path / "s.db"
    assert loads("--db", str(db), "init") == (0, [])
    out = tmp_path / "out.csv"
    from stancetracker.core.db.store import Store
    with Store.open(db, readonly=True) as store:
        uuid = store.records(limit=1)[0].uuid
    for args in (["records"], ["stats"], ["export", "-o", str(out)], ["check"], ["backups"], ["operations"],
                 ["history", uuid], ["actors"], ["import", str(out)]):
        code, heavy = loads("--db", str(db), *args)
        assert heavy == [], (args, heavy)
        assert code == 0, args


def test_only_the_chart_module_loads_numpy():
    code = ("import sys, importlib\n"
            "for m in ('records', 'editing', 'exchange', 'documents', 'safety', 'merge', 'main'):\n"
            "    importlib.import_module('stancetracker.cli.' + m)\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
            "import stancetracker.cli.charts\n"
            "print('PySide6' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["[]", "False"]  # charts loads Qt only once a chart is drawn


# ------------------------------------------------------------------ shared filter options
def test_chart_takes_query_and_it_narrows_what_is_drawn(seeded_path, tmp_path, monkeypatch):
    """chart --query draws only the records whose evidence or locator holds the words, as records lists."""
    from stancetracker.core.analysis import chartdata
    drawn: list[int] = []
    build = chartdata.build

    def counting(store, req):
        data = build(store, req)
        drawn.append(sum(int(t.n.sum()) for t in data.traces))
        return data

    monkeypatch.setattr(chartdata, "build", counting)
    base = ["--db", str(seeded_path), "chart", "-a", "sadr", "-d", "iran", "--format", "svg", "--width", "400",
            "--height", "300"]
    assert CliRunner().invoke(cli, [*base, "-o", str(tmp_path / "all.svg")]).exit_code == 0
    res = CliRunner().invoke(cli, [*base, "--query", "Tehran", "-o", str(tmp_path / "q.svg")])
    assert res.exit_code == 0, res.output
    def listed(*query):
        out = CliRunner().invoke(cli, ["--db", str(seeded_path), "records", "-a", "sadr", "-d", "iran", "--limit",
                                       "0", "--format", "json", *query]).output
        return len(json.loads(out))

    everything, tehran = listed(), listed("-q", "Tehran")
    assert 0 < tehran < everything  # the query narrows ...
    assert drawn == [everything, tehran]  # ... the chart exactly as it narrows the listing


@pytest.fixture
def seeded_path(tmp_path):
    path = tmp_path / "seeded.db"
    assert CliRunner().invoke(cli, ["--db", str(path), "init"]).exit_code == 0
    return path


def test_every_command_that_filters_records_takes_the_same_options():
    names = ("coder", "query", "min_confidence")
    for name in ("records", "export", "chart"):
        cmd = cli.get_command(click.Context(cli), name)
        opts = {p.name: p for p in cmd.params}
        for n in names:
            assert n in opts, (name, n)
        assert [opts[n].help for n in names] == [
            "Only records by this coder (repeatable).", "Full-text search in evidence and locator.",
            "Lowest confidence to include."]


# ------------------------------------------------------------------ one formatter, one cutter
def test_history_lines_name_each_changed_field_once_in_order():
    before = {"actor": "sadr", "score": 1, "evidence": "a", "version": 1, "updated_at": "x"}
    after = {"actor": "sadr", "score": 2, "evidence": "b", "version": 2, "updated_at": "y"}
    assert changed_fields(before, after) == ["score", "evidence"]
    assert change_lines(before, after, arrow="->") == ["score: 1 -> 2", "evidence: 'a' -> 'b'"]
    assert change_lines(before, after, fields=("evidence", "actor", "version")) == [
        "evidence: 'a' → 'b'", "version: 1 → 2"]


def test_the_cli_history_and_the_dialog_use_the_same_lines(seeded_path):
    from stancetracker.core.db.store import Store
    with Store.open(seeded_path, user="tester") as store:
        rec = store.records()[0]
        store.update_record(rec.uuid, rec.version, evidence="changed here", locator="p. 9")
        (h,) = [h for h in store.history(rec.uuid) if h.before and h.after]
    res = CliRunner().invoke(cli, ["--db", str(seeded_path), "history", rec.uuid])
    assert res.exit_code == 0
    for line in change_lines(h.before, h.after, arrow="->"):
        assert f"    {line}\n" in res.output
    assert "evidence:" in res.output and "locator: " in res.output and "version:" not in res.output


def test_one_line_cuts_with_an_ellipsis():
    from stancetracker.cli.base import one_line
    assert one_line("a  b\n c", 10) == "a b c"
    assert one_line("abcdefghijk", 5) == "abcd…"


# ------------------------------------------------------------------ cancelling
def test_a_cancelled_operation_is_one_line_and_status_1(seeded_path, tmp_path, monkeypatch):
    from stancetracker.cli import exchange
    src = tmp_path / "in.csv"
    src.write_text("actor,dimension_slug,date,score\nsadr,iran,2020,1\n", encoding="utf-8")

    def cancelled(store, path, opts, progress=None):
        raise Cancelled(f"{path}: import cancelled; nothing was imported")

    monkeypatch.setattr(exchange, "import_records", cancelled)
    res = CliRunner().invoke(cli, ["--db", str(seeded_path), "import", str(src)])
    assert res.exit_code == 1 and res.output == f"Error: {src}: import cancelled; nothing was imported\n"
