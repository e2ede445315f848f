"""Loading the seeded reliability study (core/exchange/seed_study.py): studies.csv, study_units.csv and
consensus.csv, each optional, every row checked, all or nothing with the rest of the seeds."""

from __future__ import annotations

import csv
import shutil

import pytest

from stancetracker.core.db import consensus, studies as S
from stancetracker.core.exchange.seeds import load_seeds, seeds_dir
from stancetracker.core.model.errors import ImportFailed
from stancetracker.core.project import open_project

from conftest import DATA, MINI

FIXTURE = DATA / "seed_reliability"


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "seeds"
    shutil.copytree(FIXTURE, out)
    return out


def edit(path, change):
    """Rewrite a CSV file's rows through ``change(rows)`` (the header is rows[0])."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows = change(rows) or rows
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def fresh(tmp_path, name="t.db"):
    return open_project(tmp_path / name, seed=False, user="tester")


def refused(tmp_path, folder) -> str:
    store = fresh(tmp_path)
    with pytest.raises(ImportFailed) as err:
        load_seeds(store, folder)
    # all or nothing: not even the tables or the records stayed
    assert store.stats()["records"] == 0 and not store.actors() and S.studies(store) == []
    store.close()
    return str(err.value)


def test_the_study_its_coders_and_the_consensus_links_load(tmp_path):
    store = fresh(tmp_path)
    counts = load_seeds(store, FIXTURE)
    assert counts["studies"] == 1 and counts["study_units"] == 7 and counts["consensus"] == 6
    st = S.study(store, "seed-reliability")
    assert st.coders == {"seed": "2026-01-05T12:00:00+00:00", "seed-b": "2026-01-05T12:00:00+00:00"}
    assert st.units == 7 and st.coded == {"seed": 7, "seed-b": 6}
    assert len(consensus.settled_by(store)) == 12
    # One operation: the whole seed, study and links included, is one thing to revert.
    (op,) = store.conn.execute("SELECT count(*) FROM operations").fetchone()
    assert op == 1


def test_files_absent_or_header_only_load_nothing_else(tmp_path, folder):
    store = fresh(tmp_path)
    load_seeds(store, MINI)  # no study files at all
    assert S.studies(store) == [] and consensus.consensus_ids(store) == set()
    for name in ("studies.csv", "study_units.csv", "consensus.csv"):
        edit(folder / name, lambda rows: rows[:1])
    other = fresh(tmp_path, "u.db")
    counts = load_seeds(other, folder)
    assert counts["records"] == 20 and "studies" not in counts and S.studies(other) == []


def test_the_shipped_study_files_have_the_layout(tmp_path):
    for name, header in (("studies.csv", "slug,name,rule,coders,done_at"), ("study_units.csv", "study,unit"),
                         ("consensus.csv", "consensus_uuid,record_uuid")):
        assert (seeds_dir() / name).read_text(encoding="utf-8").splitlines()[0] == header


@pytest.mark.parametrize("change, where", [
    (lambda r: r[1].__setitem__(2, "{not json"), "studies.csv: line 2, column rule: is not JSON"),
    (lambda r: r[1].__setitem__(2, "[1, 2]"), "studies.csv: line 2, column rule: must be a JSON object"),
    (lambda r: r[1].__setitem__(4, ""), "studies.csv: line 2, column done_at: required"),
    (lambda r: r[1].__setitem__(4, "last Tuesday"), "studies.csv: line 2, column done_at: 'last Tuesday' is not"),
    (lambda r: r[1].__setitem__(0, "Seed Study"), "studies.csv: line 2, column slug: 'Seed Study' is not a slug"),
    (lambda r: r[1].__setitem__(3, "seed;seed"), "studies.csv: line 2, column coders: a coder is listed twice"),
    (lambda r: r.append(list(r[1])), "studies.csv: line 3, column slug: study 'seed-reliability' is listed twice"),
])
def test_a_bad_study_row_names_file_line_and_column(tmp_path, folder, change, where):
    edit(folder / "studies.csv", change)
    assert where in refused(tmp_path, folder)


@pytest.mark.parametrize("unit, why", [
    ("paper-a|at ¶ 9|sadr|iran", "no seeded record is on unit"),
    ("paper-a|at ¶1|sadr|iran", "no seeded record is on unit"),  # the locator as written differs
    ("paper-z|at ¶ 1|sadr|iran", "no source 'paper-z'"),
    ("paper-a|at ¶ 1|nobody|iran", "no actor 'nobody'"),
    ("paper-a|at ¶ 1|sadr|weather", "no dimension 'weather'"),
    ("paper-a|¶ 1|sadr|iran", "neither 'at LOCATOR' nor 'chars START-END'"),
    ("paper-a|at ¶ 1|sadr", "is not a unit key"),
])
def test_a_bad_unit_names_file_line_and_column(tmp_path, folder, unit, why):
    edit(folder / "study_units.csv", lambda r: r[2].__setitem__(1, unit))
    message = refused(tmp_path, folder)
    assert "study_units.csv: line 3, column unit: " in message and why in message


def test_a_unit_of_no_study_or_twice_and_a_study_of_no_unit_are_refused(tmp_path, folder):
    edit(folder / "study_units.csv", lambda r: r[1].__setitem__(0, "pilot"))
    assert "study_units.csv: line 2, column study: no study 'pilot' in studies.csv" in refused(tmp_path, folder)
    edit(folder / "study_units.csv", lambda r: r[1].__setitem__(0, "seed-reliability") or r.append(list(r[1])))
    assert "line 9, column unit: unit 'paper-a|at ¶ 1|sadr|iran' is listed twice" in refused(tmp_path, folder)
    edit(folder / "study_units.csv", lambda r: r[:1])
    assert "studies.csv: line 2, column slug: study 'seed-reliability' has no unit" in refused(tmp_path, folder)


def uuids(folder):
    with open(folder / "records.csv", encoding="utf-8", newline="") as fh:
        return {(r["coder"], r["evidence"].split()[-1]): r["uuid"] for r in csv.DictReader(fh)}


def test_a_bad_consensus_row_names_file_line_and_column(tmp_path, folder):
    u = uuids(folder)
    cases = [
        (["00000000-0000-4000-8000-000000000000", u["seed", "1"]], "line 2, column consensus_uuid: no live record"),
        ([u["seed-adj", "1"], "00000000-0000-4000-8000-000000000000"], "line 2, column record_uuid: no live record"),
        ([u["seed-adj", "1"], u["seed-adj", "1"]], "line 2, column record_uuid: a consensus record cannot settle"),
        ([u["seed-adj", "1"], u["seed", "2"]], "line 2, column record_uuid: record " + u["seed", "2"] + " is on unit"),
    ]
    original = (folder / "consensus.csv").read_text(encoding="utf-8")
    for row, why in cases:
        (folder / "consensus.csv").write_text(original, encoding="utf-8")
        edit(folder / "consensus.csv", lambda r: r.__setitem__(1, row))
        assert f"consensus.csv: {why}" in refused(tmp_path, folder)
    (folder / "consensus.csv").write_text(original, encoding="utf-8")
    edit(folder / "consensus.csv", lambda r: r.append(list(r[1])))  # the same link twice
    assert f"line 14, column record_uuid: record {u['seed', '1']} is already settled" in refused(tmp_path, folder)
    (folder / "consensus.csv").write_text(original, encoding="utf-8")
    # seed's record first settles seed-b's, then is itself settled by seed-adj's (line 3)
    edit(folder / "consensus.csv", lambda r: r.insert(1, [u["seed", "1"], u["seed-b", "1"]]))
    assert "line 3, column record_uuid: a record cannot both settle records and be settled" in \
        refused(tmp_path, folder)


def test_mark_done_at_a_given_time_links_the_coders_records(tmp_path):
    store = fresh(tmp_path)
    load_seeds(store, FIXTURE)
    ids = S.study_record_ids(store, "seed-reliability")
    assert len(ids) == 13  # seed's 7 records on the units and seed-b's 6; no consensus record
    assert not ids & consensus.consensus_ids(store)
