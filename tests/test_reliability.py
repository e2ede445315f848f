"""Reliability studies, blind coding, agreement, adjudication and positions (issue 15, items 1-5)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.analysis import alpha as A
from stancetracker.core.analysis import chartdata, series
from stancetracker.core.analysis.agreement import agreement, reliability_data
from stancetracker.core.analysis.positions import mean_interval, positions
from stancetracker.core.analysis.request import ChartRequest
from stancetracker.core.coding.adjudication import queue, settle
from stancetracker.core.coding.passages import add_coded_record
from stancetracker.core.db import consensus, studies as S
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.revert import revert_operation
from stancetracker.core.db.units import unit_id, unit_key
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.exchange.merge import apply_merge, plan_merge
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.model.errors import StanceError
from stancetracker.core.project import open_project

from conftest import make_store

# Two coders' scores on six units (¶1 … ¶6 of paper-a, sadr on iran), one unit coded by alice alone.
ALICE = [2, 1, 0, -1, -2, 1]
BOB = [2, 0, 0, -1, -1, None]


def rec(coder: str, para: int, score: float, **kw) -> Record:
    base = dict(actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=score, confidence="high",
                source="paper-a", locator=f"¶{para}", evidence=f"{coder}'s reading of paragraph {para}", coder=coder)
    base.update(kw)
    return Record(**base)


def two_coders(store) -> None:
    for i, (a, b) in enumerate(zip(ALICE, BOB), 1):
        store.add_record(rec("alice", i, a, confidence="high" if i % 2 else "medium"))
        if b is not None:
            store.add_record(rec("bob", i, b, confidence="high"))


def run(db, *args, ok=True):
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    if ok:
        assert res.exit_code == 0, res.output + res.stderr
    return res


# -------------------------------------------------------------------- units
def test_unit_key_in_python_is_the_one_sql_computes(store):
    """A record with a passage is placed by its offsets, one without by its locator, the same in both forms."""
    store.update_source("paper-a", text="The cleric said the alliance with Tehran was over. Nothing else.")
    start = 11
    coded = add_coded_record(store, rec("alice", 1, -1), start, start + 20)
    plain = store.add_record(rec("bob", 2, 1))
    keys = {uuid: key for key, _rid, _c, _s, _conf, _d, uuid in S.record_units(store)}
    assert keys[coded.uuid] == unit_key("paper-a", "sadr", "iran", start=start, end=start + 20)
    assert keys[plain.uuid] == unit_key("paper-a", "sadr", "iran", locator="¶2") == "paper-a|at ¶2|sadr|iran"
    assert len(unit_id(keys[plain.uuid])) == 10


# ------------------------------------------------------------------ studies
def test_studies_are_created_listed_assigned_and_done(store):
    two_coders(store)
    every = S.sample_units(store, actors=["sadr"])
    assert len(every) == 6
    drawn = S.sample_units(store, actors=["sadr"], size=3, seed=7)
    assert drawn == S.sample_units(store, actors=["sadr"], size=3, seed=7) and len(drawn) == 3 <= len(every)
    st = S.create_study(store, "pilot", "Pilot study", every, {"actors": ["sadr"]})
    assert (st.slug, st.name, st.units, st.coders) == ("pilot", "Pilot study", 6, {})
    with pytest.raises(StanceError, match="already exists"):
        S.create_study(store, "pilot", "", every, {})
    st = S.assign(store, "pilot", ["alice", "bob"])
    assert st.coders == {"alice": None, "bob": None} and st.coded == {"alice": 6, "bob": 5}
    assert S.open_study_for(store, "bob") == "pilot"
    assert S.mark_done(store, "pilot", "bob") == 5
    assert S.study(store, "pilot").coders["bob"] is not None and S.open_study_for(store, "bob") is None
    with pytest.raises(StanceError, match="already marked"):
        S.mark_done(store, "pilot", "bob")
    with pytest.raises(StanceError, match="not assigned"):
        S.mark_done(store, "pilot", "carol")
    assert [s.slug for s in S.studies(store)] == ["pilot"]


def test_study_commands(db_path):
    store = open_project(db_path, user="tester")
    two_coders(store)
    store.close()
    run(db_path, "study", "create", "pilot", "--name", "Pilot", "-a", "sadr", "--random", "4", "--seed", "2")
    run(db_path, "study", "assign", "pilot", "alice", "bob")
    (item,) = json.loads(run(db_path, "study", "list", "--format", "json").stdout)
    assert (item["slug"], item["units"], item["rule"]["size"], item["rule"]["seed"]) == ("pilot", 4, 4, 2)
    assert [c["coder"] for c in item["coders"]] == ["alice", "bob"] and item["coders"][0]["done_at"] is None
    assert "coder alice: 4 of 4 units coded, coding blind" in run(db_path, "study", "show", "pilot").stdout
    assert "joined it" in run(db_path, "--coder", "alice", "study", "done", "pilot").stdout
    res = run(db_path, "study", "show", "nope", ok=False)
    assert res.exit_code != 0 and "no study 'nope'" in res.output and "Traceback" not in res.output
    res = run(db_path, "study", "create", "empty", "-a", "kadhimi", ok=False)
    assert res.exit_code != 0 and "picks no unit" in res.output


# ---------------------------------------------------------------- blindness
@pytest.fixture
def blind(store):
    """alice and bob in study 'pilot' over every unit; only bob has finished, alice codes blind."""
    two_coders(store)
    S.create_study(store, "pilot", "", S.sample_units(store), {})
    S.assign(store, "pilot", ["alice", "bob"])
    store.add_record(rec("bob", 9, 2, dimension="us", locator="¶9"))  # outside the study: never hidden
    S.create_study(store, "later", "", ["paper-a|at ¶9|sadr|us"], {})
    return store


def test_a_blind_coder_sees_no_other_coder_on_the_study_units(blind, tmp_path):
    store = blind
    flt = RecordFilter(blind_for=("pilot", "alice"))
    seen = store.records(flt)
    assert {r.coder for r in seen if r.dimension == "iran"} == {"alice"}
    assert any(r.coder == "bob" and r.dimension == "us" for r in seen)  # not one of the study's units
    assert store.count(flt) == 7
    # The export ...
    out = tmp_path / "alice.csv"
    export_records(store, out, flt)
    assert {row["coder"] for row in csv.DictReader(out.open(encoding="utf-8")) if row["dimension_slug"] == "iran"} == \
        {"alice"}
    # ... what charts and shifts read ...
    s = series.series(store, "sadr", "iran", flt)
    assert s.score.tolist() == [pytest.approx(sum(ALICE) / 6)]  # alice's six records on one date: their mean
    data = chartdata.build(store, ChartRequest("timeline", ["sadr"], "iran", flt=flt))
    assert sum(int(t.n.sum()) for t in data.traces) == 6
    # ... and shifts.
    every = series.shifts(store, ["sadr"], ["iran"], flt)
    assert all(r.coder == "alice" for sh in every for r in sh.before_records + sh.after_records)
    # Done: alice sees everything again.
    S.mark_done(store, "pilot", "alice")
    assert store.count(flt) == store.count(RecordFilter()) == 12


def test_the_cli_keeps_a_coder_blind_until_study_done(blind, tmp_path):
    db = blind.path
    blind.close()
    mine = json.loads(run(db, "--coder", "alice", "records", "--limit", "0", "--format", "json").stdout)
    assert {r["coder"] for r in mine if r["dimension_slug"] == "iran"} == {"alice"}
    res = run(db, "--coder", "alice", "export", "-o", str(tmp_path / "a.csv"))
    assert "bob" not in {row["coder"] for row in csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8"))
                         if row["dimension_slug"] == "iran"}
    res = run(db, "--coder", "alice", "shifts", "--format", "json")
    assert "bob" not in res.stdout and "codes study pilot blind" in res.stderr
    # Someone not in the study, and alice after 'study done', see both coders.
    full = json.loads(run(db, "--coder", "carol", "records", "--limit", "0", "--format", "json").stdout)
    assert {r["coder"] for r in full} == {"alice", "bob"}
    run(db, "--coder", "alice", "study", "done", "pilot")
    after = json.loads(run(db, "--coder", "alice", "records", "--limit", "0", "--format", "json").stdout)
    assert len(after) == len(full) == 12


def test_blind_study_option_names_the_study(blind):
    db = blind.path
    blind.close()
    # bob finished 'pilot' but is in 'later' too; naming pilot, where he is done, hides nothing.
    run(db, "study", "assign", "later", "bob")
    run(db, "--coder", "bob", "study", "done", "pilot")
    shown = json.loads(run(db, "--coder", "bob", "records", "--limit", "0", "--blind-study", "pilot",
                           "--format", "json").stdout)
    assert len(shown) == 12
    res = run(db, "--coder", "bob", "records", "--blind-study", "nope", ok=False)
    assert res.exit_code != 0 and "no study 'nope'" in res.output


# ---------------------------------------------------------------- agreement
def test_agreement_equals_alpha_py_on_the_same_matrix(store):
    two_coders(store)
    matrix = [[float(x) for x in ALICE[:5]], [float(x) for x in BOB[:5]]]  # the unit alice coded alone drops out
    result = agreement(store)
    assert result.alpha == pytest.approx(A.alpha(matrix, "ordinal"))
    assert tuple(result.ci95) == pytest.approx(A.bootstrap_interval(matrix, "ordinal"))
    assert (result.units, result.values, result.coders) == (5, 10, ["alice", "bob"])
    (pair,) = result.pairs
    assert (pair["exact"], pair["within_one"]) == (pytest.approx(3 / 5), 1.0)
    assert pair["kappa_quadratic"] == pytest.approx(A.quadratic_kappa(matrix[0], matrix[1], [-2, -1, 0, 1, 2]))
    table = result.confusion["iran"]["alice × bob"]
    assert table["values"] == [-2, -1, 0, 1, 2]
    assert np.array_equal(table["matrix"], A.confusion(matrix[0], matrix[1], [-2, -1, 0, 1, 2]))
    conf = reliability_data(store).confidence
    assert conf.tolist() == [[2, 1, 2, 1, 2], [2, 2, 2, 2, 2]]
    assert pair["confidence_exact"] == pytest.approx(3 / 5)
    assert result.confidence["alpha"] == pytest.approx(A.alpha(conf, "ordinal"))
    for level in ("nominal", "interval"):
        assert agreement(store, level=level).alpha == pytest.approx(A.alpha(matrix, level))


def test_agreement_json_from_the_command_line(db_path):
    store = open_project(db_path, user="tester")
    two_coders(store)
    units = S.sample_units(store)[:3]
    S.create_study(store, "pilot", "", units, {})
    S.assign(store, "pilot", ["alice", "bob"])
    for c in ("alice", "bob"):
        S.mark_done(store, "pilot", c)
    store.close()
    data = json.loads(run(db_path, "agreement", "--json").stdout)
    matrix = [[float(x) for x in ALICE[:5]], [float(x) for x in BOB[:5]]]
    assert {"alpha", "level", "units", "values", "ci95", "pairs"} <= set(data)
    assert data["alpha"] == pytest.approx(A.alpha(matrix, "ordinal")) and data["level"] == "ordinal"
    assert len(data["ci95"]) == 2 and data["ci95"][0] <= data["alpha"] <= data["ci95"][1]
    assert (data["units"], data["values"]) == (5, 10)
    # A study narrows to its units.
    keep = [i for i in range(5) if f"paper-a|at ¶{i + 1}|sadr|iran" in units]
    small = json.loads(run(db_path, "agreement", "--study", "pilot", "--json").stdout)
    assert small["units"] == len(keep)
    nominal = json.loads(run(db_path, "agreement", "--level", "nominal", "--json").stdout)
    assert nominal["alpha"] == pytest.approx(A.alpha(matrix, "nominal"))
    text = run(db_path, "agreement").stdout
    assert "Krippendorff's alpha (ordinal)" in text and "alice × bob" in text


# ------------------------------------------------------------- adjudication
def test_adjudication_queue_settle_provenance_and_undo(store):
    two_coders(store)
    found = queue(store, min_distance=1)
    assert [d.unit for d in found] == ["paper-a|at ¶2|sadr|iran", "paper-a|at ¶5|sadr|iran"]
    assert {r.coder for r in found[0].records} == {"alice", "bob"}
    assert queue(store, min_distance=2) == []
    store.add_record(rec("bob", 7, -1))
    store.add_record(rec("alice", 7, 0.5))
    assert "paper-a|at ¶7|sadr|iran" in [d.unit for d in queue(store, min_distance=2, sign=True)]
    originals = {r.uuid: r.version for r in found[0].records}
    made = settle(store, found[0].id, 1, evidence="Both readings weighed: pro-Iran.")
    assert (made.score, made.coder, made.locator, made.confidence) == (1, "tester", "¶2", "medium")
    assert sorted(consensus.settles(store, made.uuid)) == sorted(originals)
    # The originals are untouched, their history intact; the queue no longer lists the unit.
    assert {u: store.record(u).version for u in originals} == originals
    assert found[0].unit not in [d.unit for d in queue(store)]
    # Views: consensus replaces the settled records; one coder's view shows only theirs.
    on_unit = lambda flt: sorted(r.coder for r in store.records(flt) if r.locator == "¶2")
    assert on_unit(RecordFilter()) == ["alice", "bob", "tester"]
    assert on_unit(RecordFilter(view="consensus")) == ["tester"]
    assert on_unit(RecordFilter(view="coder:bob")) == ["bob"]
    # Consensus records are no coder's judgement: agreement leaves them out.
    assert agreement(store).coders == ["alice", "bob"]
    # Undo: the consensus record goes to the trash and the unit is open again.
    op = store.conn.execute("SELECT max(id) FROM operations WHERE kind = 'adjudicate'").fetchone()[0]
    revert_operation(store, op)
    assert store.record(made.uuid).deleted
    assert on_unit(RecordFilter(view="consensus")) == ["alice", "bob"]
    assert found[0].unit in [d.unit for d in queue(store)]


def test_adjudicate_commands_and_views(db_path):
    store = open_project(db_path, user="tester")
    two_coders(store)
    store.close()
    items = json.loads(run(db_path, "adjudicate", "list", "--format", "json").stdout)
    assert [i["unit_id"] for i in items] == [unit_id("paper-a|at ¶2|sadr|iran"), unit_id("paper-a|at ¶5|sadr|iran")]
    assert {r["coder"]: r["score"] for r in items[0]["records"]} == {"alice": 1, "bob": 0}
    assert "to adjudicate" in run(db_path, "adjudicate", "list").stdout
    out = run(db_path, "--coder", "judge", "adjudicate", "settle", items[1]["unit_id"], "--score", "-2",
              "--confidence", "high").stdout
    assert "consensus record" in out
    shown = json.loads(run(db_path, "records", "--view", "consensus", "--limit", "0", "--format", "json").stdout)
    assert sorted(r["coder"] for r in shown if r["locator"] == "¶5") == ["judge"]
    # Without --view: what is read is the consensus; what is exported to another file is every coder's records.
    default = json.loads(run(db_path, "records", "--limit", "0", "--format", "json").stdout)
    assert sorted(r["coder"] for r in default if r["locator"] == "¶5") == ["judge"]
    out_csv = db_path.parent / "all.csv"
    run(db_path, "export", "-o", str(out_csv))
    assert sorted(r["coder"] for r in csv.DictReader(out_csv.open(encoding="utf-8")) if r["locator"] == "¶5") \
        == ["alice", "bob", "judge"]
    run(db_path, "export", "--view", "consensus", "-o", str(db_path.parent / "cons.csv"))
    assert sorted(r["coder"] for r in csv.DictReader((db_path.parent / "cons.csv").open(encoding="utf-8"))
                  if r["locator"] == "¶5") == ["judge"]
    only = json.loads(run(db_path, "records", "--view", "coder:judge", "--format", "json").stdout)
    assert [r["score"] for r in only] == [-2]
    res = run(db_path, "records", "--view", "nobody", ok=False)
    assert res.exit_code == 2 and "use all, consensus or coder:NAME" in res.output
    res = run(db_path, "adjudicate", "settle", "0000000000", "--score", "1", ok=False)
    assert res.exit_code != 0 and "no unit" in res.output and "Traceback" not in res.output


# -------------------------------------------------------------------- merge
def test_merge_keeps_each_records_coder_and_study(tmp_path):
    """Two coders code a study in their own copies; merged, agreement is computed on the merged file."""
    base = make_store(tmp_path / "base.db")
    base.update_source("paper-a", text="First. The cleric turned on Tehran. Later he praised it. End.")
    for para in (1, 2, 3):
        base.add_record(rec("seed", para, 0))
    S.create_study(base, "pilot", "", S.sample_units(base), {})
    S.assign(base, "pilot", ["alice", "bob"])
    files = {}
    for coder, scores in (("alice", [2, 1, -1]), ("bob", [2, 0, -1])):
        path = tmp_path / f"{coder}.db"
        copy = sqlite3.connect(path)
        base.conn.backup(copy)
        copy.close()
        mine = open_project(path, user=coder, backup=False)
        assert {r.coder for r in mine.records(RecordFilter(blind_for=("pilot", coder)))} == set()
        for para, score in enumerate(scores, 1):
            mine.add_record(rec(coder, para, score))
        start = 7
        add_coded_record(mine, rec(coder, 9, 1, locator=""), start, start + 27)  # one from a passage
        S.mark_done(mine, "pilot", coder)
        files[coder] = path
        mine.close()
    for coder, path in files.items():
        apply_merge(base, plan_merge(base, path))
    st = S.study(base, "pilot")
    assert all(st.coders[c] is not None for c in ("alice", "bob"))
    rows = base.records(RecordFilter(coders=["alice", "bob"]))
    assert len(rows) == 8
    linked = S.record_studies(base, [r.id for r in rows if r.locator != ""])
    assert set(linked.values()) == {"pilot"} and len(linked) == 6
    # The passage-coded records of both files land on one unit, so agreement pairs them.
    result = agreement(base, RecordFilter(coders=["alice", "bob"]))
    assert result.units == 4 and result.coders == ["alice", "bob"]
    assert result.alpha == pytest.approx(A.alpha([[2, 1, -1, 1], [2, 0, -1, 1]], "ordinal"))
    base.close()


# ---------------------------------------------------------------- positions
def test_positions_on_hand_made_records(store):
    day = parse_date("2021-03-04")
    for coder, score, src in (("alice", 2, "paper-a"), ("bob", 1, "paper-a"), ("carol", -1, None)):
        store.add_record(rec(coder, 1, score, date=day, source=src))
    store.add_record(rec("alice", 2, 1, date=parse_date("2021-05-20")))
    store.add_record(rec("alice", 3, 0, date=parse_date("2022-01-02")))
    found = positions(store)
    first = found[0]
    assert (first.period, first.records, first.sources, first.coders) == ("2021-03-04", 3, 1, 3)
    assert (first.mean, first.low, first.high) == (pytest.approx(2 / 3), -1, 2)
    assert first.interval == mean_interval(np.array([2.0, 1.0, -1.0]))
    assert first.interval[0] < first.mean < first.interval[1] and first.interval == mean_interval(np.array([2., 1, -1]))
    # The same mean the charts draw for that date.
    s = series.series(store, "sadr", "iran")
    assert float(s.score[0]) == pytest.approx(first.mean)
    assert found[1].interval is None and found[1].records == 1  # below three records: the range only
    by_year = {p.period: p for p in positions(store, period="year")}
    assert by_year["2021"].records == 4 and by_year["2021"].mean == pytest.approx(3 / 4)
    assert positions(store, period="quarter")[0].period == "2021-Q1"
    assert {p.period for p in positions(store, period="month")} == {"2021-03", "2021-05", "2022-01"}


def test_positions_command(db_path):
    store = open_project(db_path, user="tester")
    for coder, score in (("alice", 2), ("bob", 1), ("carol", -1)):
        store.add_record(rec(coder, 1, score))
    store.close()
    (p,) = json.loads(run(db_path, "positions", "--json").stdout)
    assert p["mean"] == pytest.approx(2 / 3, abs=1e-6) and p["records"] == 3 and p["coders"] == 3
    assert p["interval_low"] < p["mean"] < p["interval_high"]
    rows = list(csv.DictReader(io.StringIO(run(db_path, "positions", "--csv", "--period", "year").stdout)))
    assert rows[0]["period"] == "2020" and rows[0]["records"] == "3"
    assert "mean of the records" in run(db_path, "positions").stdout


# ---------------------------------------------------------------- migration
def test_a_seeded_database_of_the_last_schema_migrates_and_checks(tmp_path):
    """A database made before 0005 (the seeds in it) is upgraded, and 'check' passes on it."""
    from stancetracker.core.db import schema
    from stancetracker.core.db.connection import connect

    path = tmp_path / "old.db"
    open_project(path, user="tester").close()  # seeded
    conn = connect(path)
    for table in ("consensus_links", "study_records", "study_coders", "study_units", "studies"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0005_studies'")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")
    conn.close()
    store = open_project(path, user="tester")  # migrates (after a backup)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert store.count() > 100
    S.create_study(store, "pilot", "", S.sample_units(store, actors=["sadr"], size=5, seed=1), {})
    store.close()
    res = run(path, "check")
    assert res.exit_code == 0


def test_study_changes_are_reverted_like_any_other(store):
    two_coders(store)
    last_op = lambda: store.conn.execute("SELECT max(id) FROM operations").fetchone()[0]
    S.create_study(store, "pilot", "", S.sample_units(store), {})
    made = last_op()
    S.assign(store, "pilot", ["alice"])
    S.mark_done(store, "pilot", "alice")
    assert S.study_record_ids(store, "pilot")
    revert_operation(store, last_op())
    st = S.study(store, "pilot")
    assert st.coders == {"alice": None} and S.study_record_ids(store, "pilot") == set()
    assert S.open_study_for(store, "alice") == "pilot"  # blind again
    with pytest.raises(StanceError, match="changed after it"):
        revert_operation(store, made)  # changed since: the later changes stand in the way
    S.assign(store, "pilot", ["carol"])
    revert_operation(store, last_op())
    assert S.study(store, "pilot").coders == {"alice": None}
    S.create_study(store, "second", "", S.sample_units(store)[:2], {})
    revert_operation(store, last_op())
    assert [s.slug for s in S.studies(store)] == ["pilot"]
    assert store.conn.execute("SELECT count(*) FROM study_units").fetchone()[0] == 6


def test_a_second_merge_brings_a_study_done_since(tmp_path):
    base = make_store(tmp_path / "base.db")
    base.add_record(rec("seed", 1, 0))
    S.create_study(base, "pilot", "", S.sample_units(base), {})
    S.assign(base, "pilot", ["bob"])
    path = tmp_path / "bob.db"
    copy = sqlite3.connect(path)
    base.conn.backup(copy)
    copy.close()
    bob = open_project(path, user="bob", backup=False)
    bob.add_record(rec("bob", 1, 1))
    apply_merge(base, plan_merge(base, path))
    assert S.study(base, "pilot").coders == {"bob": None}
    S.mark_done(bob, "pilot", "bob")
    bob.close()
    result = apply_merge(base, plan_merge(base, path))  # no new record, but the study moved on
    assert result.op_id is not None and S.study(base, "pilot").coders["bob"] is not None
    assert len(S.study_record_ids(base, "pilot")) == 1
    assert apply_merge(base, plan_merge(base, path)).op_id is None  # nothing new the third time
    base.close()


def test_the_queue_compares_coders_not_single_records(store):
    """One coder's two records on a unit (two dates in one paragraph) count as their mean, as in agreement."""
    store.add_record(rec("alice", 1, 1, date=parse_date("2019-09")))
    store.add_record(rec("alice", 1, -1, date=parse_date("2021-11")))
    store.add_record(rec("bob", 1, 0))
    assert queue(store, min_distance=1) == []
    store.add_record(rec("bob", 1, 2))
    (d,) = queue(store, min_distance=1)
    assert d.coder_scores == {"alice": 0.0, "bob": 1.0} and d.distance == 1.0


def test_the_report_method_section_states_the_agreement_behind_it(store):
    """A report whose scope two coders coded says alpha with its interval and each pair's figures;
    one without says that no agreement figure stands behind it."""
    from stancetracker.core.report.build import build_report
    from stancetracker.core.report.document import Heading, Paragraph
    from stancetracker.core.report.scope import ReportScope

    def agreement_text(report) -> str:
        blocks = list(report.blocks)
        i = next(k for k, b in enumerate(blocks) if isinstance(b, Heading) and b.anchor == "agreement")
        return blocks[i + 1].text if isinstance(blocks[i + 1], Paragraph) else ""

    store.add_record(rec("alice", 9, 1))
    alone = agreement_text(build_report(store, ReportScope(actors=("sadr",)), charts=False))
    assert alone.startswith("No agreement figure stands behind these scores")
    two_coders(store)
    text = agreement_text(build_report(store, ReportScope(actors=("sadr",)), charts=False))
    matrix = [[float(x) for x in ALICE[:5]], [float(x) for x in BOB[:5]]]
    lo, hi = A.bootstrap_interval(matrix, "ordinal")
    assert f"Krippendorff's alpha (ordinal) is {A.alpha(matrix, 'ordinal'):.3f}" in text
    assert f"95% bootstrap interval {lo:.3f} to {hi:.3f}" in text
    assert "5 units in scope were coded by two or more coders (alice, bob)" in text
    assert "same score on 60% of the 5 units both coded, and scores within one point on 100%" in text
