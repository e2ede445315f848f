"""The seeded dataset loads into a new database through the users' import path."""

import csv
import warnings

from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.analysis import series
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.exchange.seeds import seeds_dir
from stancetracker.core.project import open_project

from conftest import seed_record_rows


def rows(name):
    with open(seeds_dir() / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_new_database_holds_the_whole_seed(tmp_path):
    """A fresh database has every seed row, with no error or warning, whichever coder made it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = open_project(tmp_path / "fresh.db")
    st = s.stats()
    assert st["records"] == len(seed_record_rows())
    by_coder = {}
    for r in s.records(limit=None, flt=RecordFilter(view="all")):
        by_coder[r.coder] = by_coder.get(r.coder, 0) + 1
    assert by_coder == {c: sum(1 for row in seed_record_rows() if row["coder"] == c) for c in by_coder}
    assert by_coder["seed"] == len(rows("records.csv"))
    assert st["actors"] == len(rows("actors.csv"))
    assert st["events"] == len(rows("events.csv"))
    assert st["sources"] == len(rows("sources.csv"))
    assert len(s.memberships()) == len(rows("memberships.csv"))
    assert [d.slug for d in s.dimensions()] == ["iran", "us", "militias", "consensus"]
    # every seeded record is sourced, and the URL comes from sources.csv
    assert all(r.source for r in s.records(limit=None, flt=RecordFilter(view="all")))
    assert s.source("rasanah-2024").url.startswith("https://")
    s.close()


def test_seed_records_keep_their_uuids_and_coder(tmp_path):
    """Seed records keep the UUIDs in the file (so merges recognise them) and their coder: 'seed', and in the
    seeded reliability study the second coder 'seed-b' and the adjudicator 'seed-adj'."""
    s = open_project(tmp_path / "fresh.db")
    seeded = {r.uuid: r for r in s.records(limit=None, flt=RecordFilter(view="all"))}
    for row in rows("records.csv"):
        rec = seeded[row["uuid"]]
        assert rec.coder == row["coder"] and rec.actor == row["actor_slug"] and rec.score == float(row["score"])
    assert "seed" in {r.coder for r in seeded.values()} <= {"seed", "seed-b", "seed-adj"}
    s.close()


def test_sadr_shifts_on_the_seed(tmp_path):
    """Sadr's seeded record shows shifts on the Iran dimension, each with evidence on both sides."""
    s = open_project(tmp_path / "fresh.db")
    found = series.shifts(s, ["sadr"], ["iran"])
    assert len(found) >= 3
    for sh in found:
        assert sh.before_records and sh.after_records
        assert all(r.evidence for r in sh.before_records + sh.after_records)
    # the January 2020 realignment with Tehran is among them
    assert any(str(sh.after_date)[:7] in ("2019-12", "2020-01") and sh.after > 0 for sh in found)
    s.close()


def test_cli_shifts_for_sadr(tmp_path):
    """'stancetracker shifts --actor sadr' lists his shifts with evidence before and after."""
    db = tmp_path / "cli.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "init"]).exit_code == 0
    res = runner.invoke(cli, ["--db", str(db), "shifts", "--actor", "Moqtada al-Sadr"])
    assert res.exit_code == 0, res.output
    assert "Muqtada al-Sadr on Iran:" in res.output
    assert "   before: " in res.output and "   after: " in res.output
    assert res.output.strip().splitlines()[-1].endswith("shifts")
