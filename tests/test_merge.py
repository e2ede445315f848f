"""Merging a colleague's database or CSV: new added, identical skipped, conflicts listed, nothing overwritten."""

import sqlite3

import pytest

from stancetracker.core.db import backups
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.errors import ImportFailed, StanceError, ValidationError
from stancetracker.core.exchange.merge import apply_merge, plan_merge
from stancetracker.core.model.entities import Actor, Record, Source
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.revert import revert_operation
from stancetracker.core.project import open_project

from conftest import fingerprint, make_store, write


def rec(**kw) -> Record:
    base = dict(actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=2, confidence="high",
                source="paper-a", locator="¶3", evidence="met militia leaders in Qom")
    base.update(kw)
    return Record(**base)


@pytest.fixture
def pair(tmp_path):
    """Ours and a colleague's copy of it, with: one shared record edited there, one new there, one only here."""
    ours = make_store(tmp_path / "ours.db")
    shared = ours.add_record(rec())
    same = ours.add_record(rec(dimension="us", score=-1, evidence="same on both sides"))
    copy = sqlite3.connect(tmp_path / "theirs.db")
    ours.conn.backup(copy)
    copy.close()
    theirs = open_project(tmp_path / "theirs.db", user="colleague", backup=False)
    theirs.update_record(shared.uuid, 1, score=-1, evidence="their reading of the same article")
    theirs.add_actor(Actor(slug="hakim", name="Ammar al-Hakim", kind="person", aliases=["Ammar Hakim"]))
    theirs.add_source(Source(slug="paper-b", title="Their article"))
    theirs.update_actor("maliki", description="their description of Maliki")
    new = theirs.add_record(rec(actor="hakim", source="paper-b", evidence="only in theirs"))
    theirs.close()
    mine = ours.add_record(rec(actor="maliki", evidence="only in ours"))
    yield ours, tmp_path / "theirs.db", dict(shared=shared.uuid, same=same.uuid, new=new.uuid, mine=mine.uuid)
    ours.close()


def test_plan_classifies_records_and_reference_rows(pair):
    """The plan lists one new, one identical, one conflict (fields named), new and differing actors/sources."""
    ours, other, u = pair
    before = fingerprint(ours)
    plan = plan_merge(ours, other)
    assert [d["uuid"] for d in plan.new] == [u["new"]] and plan.identical == 1
    (c,) = plan.conflicts
    assert c.uuid == u["shared"] and c.fields == ["score", "evidence"]
    assert (c.ours["score"], c.theirs["score"]) == (2.0, -1.0)
    assert c.theirs["actor_name"] == "Muqtada al-Sadr" and c.ours["version"] == 1
    refs = {(r.table, r.slug, r.status): r for r in plan.references}
    assert ("actors", "hakim", "new") in refs and ("sources", "paper-b", "new") in refs
    diff = refs[("actors", "maliki", "different")]
    assert diff.fields == ["description"] and "ours is kept" in diff.describe()
    assert fingerprint(ours) == before


def test_apply_keeps_ours_unless_told_and_is_one_operation(pair):
    """Applying with no choices adds the new record and the missing actor/source, and overwrites nothing."""
    ours, other, u = pair
    res = apply_merge(ours, plan_merge(ours, other))
    assert (res.added, res.taken_theirs, res.kept_ours, res.identical) == (1, 0, 1, 1)
    assert ours.record(u["shared"]).score == 2 and ours.record(u["shared"]).version == 1
    added = ours.record(u["new"])
    assert added.actor_name == "Ammar al-Hakim" and added.source_title == "Their article"
    assert ours.actor("maliki").description != "their description of Maliki"
    assert ours.actor("Ammar Hakim").slug == "hakim"
    ops = ours.conn.execute("SELECT kind FROM operations WHERE id >= ?", [res.op_id]).fetchall()
    assert ops == [("merge",)]
    actions = ours.conn.execute("SELECT DISTINCT action FROM history WHERE op_id = ?", [res.op_id]).fetchall()
    assert actions == [("merge",)]
    assert [h.action for h in ours.history(u["new"])] == ["merge"]
    assert res.backup is not None and res.backup.parent.name == "backups"


def test_taking_theirs_replaces_only_the_chosen_record(pair):
    """A conflict resolved to theirs takes their content, bumps our version and keeps the before in history."""
    ours, other, u = pair
    res = apply_merge(ours, plan_merge(ours, other), {u["shared"]: "theirs"})
    r = ours.record(u["shared"])
    assert (r.score, r.evidence, r.version) == (-1, "their reading of the same article", 2)
    h = ours.history(u["shared"])[-1]
    assert (h.action, h.before["score"], h.after["score"]) == ("merge", 2, -1)
    assert res.taken_theirs == 1 and ours.record(u["mine"]).evidence == "only in ours"


def test_bad_choices_and_stale_plans_are_refused(pair):
    """Choices for unknown UUIDs, bad sides, or a plan older than the database are refused, changing nothing."""
    ours, other, u = pair
    plan = plan_merge(ours, other)
    before = fingerprint(ours)
    with pytest.raises(ValidationError, match="not one of the conflicting"):
        apply_merge(ours, plan, {u["mine"]: "theirs"})
    with pytest.raises(ValidationError, match="'ours' or 'theirs'"):
        apply_merge(ours, plan, {u["shared"]: "both"})
    assert fingerprint(ours) == before
    ours.update_record(u["mine"], 1, score=0)
    before = fingerprint(ours)
    with pytest.raises(StanceError, match="changed since the merge was planned"):
        apply_merge(ours, plan)
    assert fingerprint(ours) == before


def test_merge_is_atomic(pair, monkeypatch):
    """A failure halfway through a merge leaves the database exactly as it was."""
    ours, other, u = pair
    plan = plan_merge(ours, other)
    before = fingerprint(ours)
    import stancetracker.core.exchange.merge as m
    monkeypatch.setattr(m, "_insert_tuple", lambda d, ids: (_ for _ in ()).throw(RuntimeError("disk on fire")))
    with pytest.raises(RuntimeError):
        apply_merge(ours, plan, {u["shared"]: "theirs"})
    assert fingerprint(ours) == before


def test_revert_undoes_a_merge(pair):
    """Reverting a merge trashes what it added, puts taken-theirs records back, removes unused new rows."""
    ours, other, u = pair
    res = apply_merge(ours, plan_merge(ours, other), {u["shared"]: "theirs"})
    rv = revert_operation(ours, res.op_id)
    assert ours.record(u["shared"]).score == 2 and ours.record(u["shared"]).evidence == "met militia leaders in Qom"
    assert ours.record(u["new"]).deleted
    assert ours.count() == 3 and ours.count(RecordFilter(deleted=True)) == 1
    assert sorted(rv.kept) == ["actor hakim", "source paper-b"]  # the trashed record still names them


def test_merging_the_same_file_twice_adds_nothing(pair):
    """A second merge of the same file finds everything identical and records no operation."""
    ours, other, u = pair
    apply_merge(ours, plan_merge(ours, other), {u["shared"]: "theirs"})
    before = fingerprint(ours)
    plan = plan_merge(ours, other)
    assert (len(plan.new), len(plan.conflicts), plan.identical) == (0, 0, 3)
    assert apply_merge(ours, plan).op_id is None
    assert fingerprint(ours) == before


def test_merge_from_an_export_csv(pair, tmp_path):
    """A colleague's export CSV merges like a database: new by UUID, identical skipped, conflicts listed."""
    ours, other, u = pair
    theirs = open_project(other, readonly=True)
    export_records(theirs, tmp_path / "theirs.csv")
    theirs.close()
    plan = plan_merge(ours, tmp_path / "theirs.csv")
    assert plan.kind == "csv" and [d["uuid"] for d in plan.new] == [u["new"]]
    assert plan.identical == 1 and [c.uuid for c in plan.conflicts] == [u["shared"]]
    # a CSV names sources by title and URL, not slug: a new one gets a slug made from its title
    assert {(r.table, r.slug) for r in plan.references if r.status == "new"} == {("actors", "hakim"), ("sources", "their-article")}
    res = apply_merge(ours, plan)
    assert res.added == 1 and ours.record(u["new"]).source_title == "Their article"


def test_csv_with_a_new_dimension_adds_it(store, tmp_path):
    """A CSV naming a dimension we lack plans to add it (by slug, with its label)."""
    f = write(tmp_path / "n.csv", "actor_slug,dimension_slug,dimension,date,score\nsadr,gulf,Gulf states,2021,1\n")
    plan = plan_merge(store, f)
    assert [(r.table, r.slug, r.theirs["label"]) for r in plan.references] == [("dimensions", "gulf", "Gulf states")]
    apply_merge(store, plan)
    assert store.dimension("gulf").label == "Gulf states" and store.count() == 1


def test_hostile_csv_is_refused_and_nothing_changes(store, tmp_path):
    """A merge of a bad CSV fails with the importer's message and leaves the database unchanged."""
    before = fingerprint(store)
    f = write(tmp_path / "bad.csv", b"actor_slug,dimension_slug,date,score\nsadr,iran,2020,\xff\n")
    with pytest.raises(ImportFailed, match="not valid UTF-8"):
        plan_merge(store, f)
    with pytest.raises(StanceError, match="no such file"):
        plan_merge(store, tmp_path / "missing.db")
    assert fingerprint(store) == before
    assert backups.list_backups(store.path) == []


def test_cli_merge_dry_run_and_take_theirs(pair):
    """`stancetracker merge` prints the plan side by side; --dry-run changes nothing; --take-theirs applies."""
    from click.testing import CliRunner
    from stancetracker.cli.main import cli
    ours, other, u = pair
    runner = CliRunner()
    before = fingerprint(ours)
    out = runner.invoke(cli, ["--db", str(ours.path), "merge", str(other), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "1 new record, 1 identical, 1 in conflict" in out.output
    assert f"conflict {u['shared']} (differs in: score, evidence)" in out.output
    assert "actor maliki differs (ours is kept)" in out.output and "Dry run" in out.output
    assert fingerprint(ours) == before
    out = runner.invoke(cli, ["--db", str(ours.path), "merge", str(other), "--take-theirs", u["shared"]])
    assert out.exit_code == 0, out.output
    assert "1 records added, 1 conflicts resolved to theirs" in out.output
    assert ours.record(u["shared"]).score == -1
