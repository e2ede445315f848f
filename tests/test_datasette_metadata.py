"""datasette-metadata: every table and column of the real schema described, licence and sources, and a canned
query of an actor's positions over time that runs on a real database."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.db.schema_audit import our_tables
from stancetracker.core.exchange import datasette
from stancetracker.core.model.fields import RECORD_FIELDS
from stancetracker.core.project import open_project

from conftest import seeded_records


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("ds") / "iraq.db"
    open_project(path, user="tester").close()  # the seeded dataset
    return path


def real_tables(path) -> dict[str, list[str]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = [n for n, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
        return {n: [r[1] for r in conn.execute(f'PRAGMA table_xinfo("{n}")') if not r[6]] for n, _ in rows
                if not n.startswith("sqlite_") and not any(n.startswith(f"{v}_") for v in virtual)}


def write(seeded, *args) -> tuple[dict, str]:
    out = seeded.parent / "metadata.json"
    res = CliRunner().invoke(cli, ["--db", str(seeded), "datasette-metadata", "-o", str(out), *args])
    assert res.exit_code == 0, res.output
    return json.loads(out.read_text(encoding="utf-8")), res.output


def test_every_table_and_column_of_a_real_database_is_described(seeded):
    tables = real_tables(seeded)
    assert {n: list(c) for n, c in our_tables().items()} == tables  # the migrations' tables are the file's
    meta, said = write(seeded)
    described = meta["databases"]["iraq"]["tables"]
    assert set(described) == set(tables)
    for name, columns in tables.items():
        assert described[name]["title"] and len(described[name]["description"]) > 20, name
        assert described[name]["description"] != datasette.UNDESCRIBED, name
        assert list(described[name]["columns"]) == columns, name
        for column in columns:
            text = described[name]["columns"][column]
            assert len(text) > 5 and text != datasette.UNDESCRIBED, (name, column)
    assert f"for {len(tables)} tables" in said


def test_every_record_field_has_a_description_by_the_field_list():
    assert set(datasette.FIELD_DESCRIPTIONS) == {f.name for f in RECORD_FIELDS}
    records = datasette.column_descriptions("records")
    for f in RECORD_FIELDS:
        assert records[f.column] == datasette.FIELD_DESCRIPTIONS[f.name]


def test_a_table_or_column_not_yet_described_is_marked_not_a_crash(seeded, monkeypatch):
    monkeypatch.delitem(datasette.TABLES, "events")
    monkeypatch.delitem(datasette.FIELD_DESCRIPTIONS, "locator")
    with open_project(seeded, readonly=True, create=False, backup=False) as store:
        tables = datasette.metadata(store, "iraq")["databases"]["iraq"]["tables"]
    assert tables["events"]["description"] == datasette.UNDESCRIBED
    assert set(tables["events"]["columns"].values()) == {datasette.UNDESCRIBED}
    assert tables["records"]["columns"]["locator"] == datasette.UNDESCRIBED
    assert tables["records"]["columns"]["score"].startswith("the stance from -2 to +2")


def test_licence_and_sources_are_stated_and_no_licence_is_claimed_unasked(seeded):
    meta, _ = write(seeded)
    assert "license" not in meta and meta["source"] == "5 documents, listed in the sources table"
    assert "5 sources" in meta["description"] and f"{seeded_records()} records" in meta["description"]
    meta, _ = write(seeded, "--license", "CC-BY-4.0", "--license-url", "https://creativecommons.org/licenses/by/4.0/",
                    "--source", "Our desk's coding")
    for level in (meta, meta["databases"]["iraq"]):
        assert level["license"] == "CC-BY-4.0" and level["source"] == "Our desk's coding"
        assert level["license_url"].endswith("/by/4.0/")


def test_the_canned_query_lists_one_actors_live_records_by_dimension_and_date(seeded):
    meta, _ = write(seeded)
    query = meta["databases"]["iraq"]["queries"]["actor_positions"]
    assert query["title"] == "An actor's positions over time" and ":actor" in query["sql"]
    with contextlib.closing(sqlite3.connect(seeded)) as conn:
        expected = conn.execute("SELECT count(*) FROM records r JOIN actors a ON a.id = r.actor_id "
                                "WHERE a.slug = 'sadr' AND r.deleted = 0").fetchone()[0]
        alias = conn.execute("SELECT alias FROM actor_aliases JOIN actors a ON a.id = actor_id "
                             "WHERE a.slug = 'sadr' LIMIT 1").fetchone()[0]
        name = conn.execute("SELECT name FROM actors WHERE slug = 'sadr'").fetchone()[0]
        for who in ("sadr", "SADR", name, alias.upper()):
            rows = conn.execute(query["sql"], {"actor": who}).fetchall()
            assert len(rows) == expected > 5, who
        order = conn.execute("SELECT label FROM dimensions ORDER BY position, slug").fetchall()
        dims = [r[2] for r in rows]
        assert dims == sorted(dims, key=[o[0] for o in order].index)
        for dim in set(dims):
            dates = [r[0] for r in rows if r[2] == dim]
            assert dates == sorted(dates)
        conn.execute("UPDATE records SET deleted = 1 WHERE uuid = ?", [rows[0][-1]])
        assert len(conn.execute(query["sql"], {"actor": "sadr"}).fetchall()) == expected - 1
        assert conn.execute(query["sql"], {"actor": "nobody"}).fetchall() == []


def test_the_output_rule_holds_and_standard_output_carries_pure_json(seeded):
    res = CliRunner().invoke(cli, ["--db", str(seeded), "datasette-metadata", "-o", str(seeded)])
    assert res.exit_code == 1 and "is the database" in res.output
    res = CliRunner().invoke(cli, ["--db", str(seeded), "datasette-metadata", "-o", "-"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["databases"]["iraq"]["tables"]["records"]["title"] == "Stance records"


@pytest.mark.slow
def test_datasette_serves_the_descriptions_and_the_query_when_it_is_installed(seeded):
    beside = Path(sys.executable).with_name("datasette")  # installed in this environment, if at all
    exe = str(beside) if beside.is_file() else shutil.which("datasette")
    if exe is None:
        pytest.skip("datasette is not installed (it is not a dependency of stancetracker)")
    out = seeded.parent / "metadata.json"
    write(seeded)
    got = subprocess.run([exe, str(seeded), "--metadata", str(out), "--get",
                          "/iraq/actor_positions.json?actor=sadr&_shape=array"], capture_output=True, timeout=120)
    assert got.returncode == 0, got.stderr
    rows = json.loads(got.stdout)
    assert rows and {"date", "dimension", "score", "evidence", "uuid"} <= set(rows[0])
