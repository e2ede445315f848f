"""The seeded reliability study, the worked example of docs/reliability.md: a second coder (seed-b) on a sample of
the seeded units, and consensus records (seed-adj) settling the doubly coded ones.

Each test runs on the shipped seeds and on a hand-made seed folder (tests/data/seed_reliability) that exercises
the same code: seeds/studies.csv, study_units.csv, records-seed-b.csv, records-consensus.csv and consensus.csv
hold the study, and seeds/CODEBOOK.md §9 states its figures, which the ``[seeds]`` cases check.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.analysis import chartdata
from stancetracker.core.db import consensus, studies as S
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.exchange.seeds import load_seeds, seeds_dir
from stancetracker.core.project import open_project

from conftest import DATA

STUDY = "seed-reliability"
# "seeds": None is the shipped seeds folder, loaded as a new database loads it.
FOLDERS = {"fixture": DATA / "seed_reliability", "seeds": None}
# The figures as the codebook states them, e.g. "Krippendorff's α (ordinal) = 0.812, 95% bootstrap interval
# 0.710–0.893, over 87 units and 176 pairable values" (an en dash between the interval's ends).
_NUM = r"([\u2212-]?\d+\.\d{3})"
STATED = re.compile(rf"Krippendorff's α \(ordinal\) = {_NUM}, 95% bootstrap interval {_NUM}\u2013{_NUM}, "
                    r"over (\d+) units and (\d+) pairable values")

pytestmark = pytest.mark.slow


def folder_of(name: str) -> Path:
    return FOLDERS[name] or seeds_dir()


def rows(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module", params=list(FOLDERS))
def seeded(request, tmp_path_factory):
    """(database path, seed folder): a fresh seeded database, or one loaded from the hand-made folder."""
    path = tmp_path_factory.mktemp(request.param) / "seeded.db"
    if FOLDERS[request.param] is None:
        open_project(path, user="tester").close()
    else:
        store = open_project(path, seed=False, user="tester")
        load_seeds(store, FOLDERS[request.param])
        store.close()
    return path, folder_of(request.param)


@pytest.fixture
def store(seeded):
    s = open_project(seeded[0], readonly=True, user="tester")
    yield s
    s.close()


def run_json(db: Path, *args):
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def stated_figures(folder: Path) -> tuple[float, float, float, int, int]:
    found = STATED.findall((folder / "CODEBOOK.md").read_text(encoding="utf-8"))
    assert len(found) == 1, f"{folder.name}/CODEBOOK.md must state the study's figures on one line, once"
    a, low, high, units, values = found[0]
    num = [float(x.replace("\u2212", "-")) for x in (a, low, high)]
    return num[0], num[1], num[2], int(units), int(values)


def test_agreement_on_the_seeded_study_is_what_the_codebook_states(seeded):
    db, folder = seeded
    alpha, low, high, units, values = stated_figures(folder)
    got = run_json(db, "agreement", "--study", STUDY, "--json")
    assert (round(got["alpha"], 3), round(got["ci95"][0], 3), round(got["ci95"][1], 3)) == (alpha, low, high)
    assert (got["units"], got["values"]) == (units, values)
    # The seeded database's only doubly coded units are the study's: the same alpha without --study.
    assert round(run_json(db, "agreement", "--json")["alpha"], 3) == alpha


def test_the_study_loads_with_its_units_and_its_coders_done(seeded, store):
    _db, folder = seeded
    (row,) = [r for r in rows(folder, "studies.csv") if r["slug"] == STUDY]
    st = S.study(store, STUDY)
    assert st.rule == json.loads(row["rule"])
    coders = row["coders"].split(";")
    assert len(coders) >= 2 and "seed-b" in coders
    assert st.coders == {c: row["done_at"] for c in sorted(coders)}  # all done: nobody is blind
    assert all(S.open_study_for(store, c) is None for c in coders)
    assert S.study_units(store, STUDY) == sorted(r["unit"] for r in rows(folder, "study_units.csv")
                                                 if r["study"] == STUDY)
    # The listed coders' records on its units joined it, as 'study done' joins them.
    units = set(S.study_units(store, STUDY))
    assert S.study_record_ids(store, STUDY) == {rid for key, rid, coder, *_ in S.record_units(store)
                                                if key in units and coder in coders}


def test_every_unit_has_a_seed_b_record_or_is_a_unit_of_the_seeded_records(store):
    units = S.study_units(store, STUDY)
    live = S.record_units(store)
    by_b = {key for key, _rid, coder, *_ in live if coder == "seed-b"}
    assert units and len(by_b & set(units)) >= len(units) / 2  # seed-b coded the sample, a few it found uncodeable
    parts = [set(p) for p in zip(*(key.split("|") for key, *_ in live))]
    for unit in set(units) - by_b:  # one seed-b could not code: still a unit of the seeded records
        source, place, actor, dimension = unit.split("|")
        assert source in parts[0] and actor in parts[2] and dimension in parts[3], unit
        assert re.fullmatch(r"at .+|chars \d+-\d+", place), unit
    assert by_b <= set(units)  # seed-b coded nothing outside the study


def test_the_consensus_records_are_linked_to_what_they_settle_on_their_own_unit(seeded, store):
    _db, folder = seeded
    wanted: dict[str, set[str]] = {}
    for r in rows(folder, "consensus.csv"):
        wanted.setdefault(r["consensus_uuid"], set()).add(r["record_uuid"])
    assert wanted, "consensus.csv links no consensus record"
    unit = {uuid: key for key, _rid, *_rest, uuid in S.record_units(store)}
    for c, settled in wanted.items():
        assert set(consensus.settles(store, c)) == settled
        assert store.record(c).coder == "seed-adj"
        assert {unit[r] for r in settled} == {unit[c]}  # every settled record is on the consensus record's unit
    # The doubly coded units of the study are the ones settled, and each is settled whole: none of its coders'
    # records is left beside the consensus.
    study_units = set(S.study_units(store, STUDY))
    coders: dict[str, set[str]] = {}
    for key, _rid, coder, *_ in S.record_units(store):
        coders.setdefault(key, set()).add(coder)
    double = {k for k in study_units if len(coders.get(k, set()) - {"seed-adj"}) >= 2}
    settled_units = {unit[c] for c in wanted}
    assert double == settled_units
    every_settled = set().union(*wanted.values())
    for key, _rid, coder, *_rest, uuid in S.record_units(store):
        if key in settled_units and coder != "seed-adj":
            assert uuid in every_settled, (key, coder)


def test_the_consensus_view_shows_no_settled_record_and_is_the_default(seeded, store):
    db, folder = seeded
    settled = {r["record_uuid"] for r in rows(folder, "consensus.csv")}
    assert settled
    shown = {r["uuid"] for r in run_json(db, "records", "--view", "consensus", "--limit", "0", "--format", "json")}
    assert not shown & settled
    assert {r["consensus_uuid"] for r in rows(folder, "consensus.csv")} <= shown
    default = {r["uuid"] for r in run_json(db, "records", "--limit", "0", "--format", "json")}
    assert default == shown
    every = {r["uuid"] for r in run_json(db, "records", "--view", "all", "--limit", "0", "--format", "json")}
    assert every == shown | settled and len(every) == store.count()


def test_a_chart_counts_its_records_out_of_what_its_view_shows(seeded, store):
    """Under a chart, 'n of N records' counts N in the chart's view, not every coder's records in the file."""
    for view in ("consensus", "all", "coder:seed-b"):
        flt = RecordFilter(view=view)
        shown = store.count(flt)
        data = chartdata.build(store, chartdata.ChartRequest("profile", ["sadr"], flt=flt))
        assert f" of {shown:,} records" in data.source, (view, data.source)
    assert store.count(RecordFilter(view="consensus")) < store.count(RecordFilter(view="all"))
