"""Reverting operations and restoring earlier versions: each is itself a recorded change."""

import pytest

from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.errors import ConflictError, NotFound, StanceError
from stancetracker.core.model.entities import Actor, Event, Record
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.revert import RevertConflict, list_operations, restore_version, revert_operation

from conftest import write


def rec(**kw) -> Record:
    base = dict(actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=2, confidence="high",
                source="paper-a", evidence="met militia leaders in Qom")
    base.update(kw)
    return Record(**base)


def last_op(store) -> int:
    return list_operations(store, 1)[0].id


def test_revert_an_edit_puts_the_record_back(store):
    """Reverting an edit restores the before values as a new 'revert' operation; the version moves on."""
    r = store.add_record(rec())
    store.update_record(r.uuid, 1, score=-1, evidence="changed")
    res = revert_operation(store, last_op(store))
    back = store.record(r.uuid)
    assert (back.score, back.evidence, back.version) == (2, "met militia leaders in Qom", 3)
    h = store.history(r.uuid)[-1]
    assert (h.op_kind, h.action, h.before["score"], h.after["score"]) == ("revert", "revert", -1, 2)
    assert list_operations(store, 1)[0].reverts == res.reverted


def test_revert_an_import_trashes_its_records(store, tmp_path):
    """Reverting an import moves every record it added to the trash (nothing is hard-deleted)."""
    f = write(tmp_path / "a.csv", "actor_slug,dimension_slug,date,score\n" +
              "".join(f"sadr,iran,{2000 + i},1\n" for i in range(20)))
    op = import_records(store, f).op_id
    res = revert_operation(store, op)
    assert res.records == 20 and store.count() == 0 and store.count(RecordFilter(deleted=True)) == 20


def test_revert_delete_and_restore(store):
    """Reverting a delete brings the record back; reverting that revert trashes it again."""
    r = store.add_record(rec())
    store.delete_record(r.uuid)
    first = revert_operation(store, last_op(store))
    assert not store.record(r.uuid).deleted
    revert_operation(store, first.op_id)
    assert store.record(r.uuid).deleted


def test_revert_refuses_when_a_later_change_exists(store):
    """An operation whose record was changed afterwards is not reverted; the message names the later change."""
    r = store.add_record(rec())
    store.update_record(r.uuid, 1, score=1)
    edit = last_op(store)
    store.update_record(r.uuid, 2, score=0)
    with pytest.raises(RevertConflict, match=f"record {r.uuid} was changed after it by operation {edit + 1}"):
        revert_operation(store, edit)
    assert store.record(r.uuid).score == 0
    with pytest.raises(ConflictError):  # a RevertConflict is a ConflictError for callers that catch those
        revert_operation(store, edit)


def test_revert_twice_and_unknown_operations_are_refused(store):
    """The same operation cannot be reverted twice; unknown ids are NotFound."""
    store.add_record(rec())
    op = last_op(store)
    revert_operation(store, op)
    with pytest.raises(StanceError, match="already reverted"):
        revert_operation(store, op)
    with pytest.raises(NotFound):
        revert_operation(store, 9999)


def test_revert_reference_rows(store):
    """Reverting the creation of an unused actor removes it; an actor edit and an event delete are undone."""
    store.add_actor(Actor(slug="hakim", name="Ammar al-Hakim"))
    revert_operation(store, last_op(store))
    with pytest.raises(NotFound):
        store.actor("hakim")
    store.update_actor("sadr", description="edited")
    revert_operation(store, last_op(store))
    assert store.actor("sadr").description != "edited"
    store.add_event(Event(slug="ev", date=parse_date("2020-01-03"), label="Soleimani killed"))
    store.delete_event("ev")
    revert_operation(store, last_op(store))
    assert [e.slug for e in store.events()] == ["ev"]


def test_restore_version_is_a_recorded_edit(store):
    """restore_version puts back the state a history row recorded, as a new edit with its own history."""
    r = store.add_record(rec())
    store.update_record(r.uuid, 1, score=1, evidence="second")
    store.update_record(r.uuid, 2, score=0, evidence="third")
    first = store.history(r.uuid)[0]
    back = restore_version(store, r.uuid, first.id)
    assert (back.score, back.evidence, back.version) == (2, "met militia leaders in Qom", 4)
    h = store.history(r.uuid)
    assert len(h) == 4 and h[-1].op_kind == "edit" and h[-1].before["evidence"] == "third"
    with pytest.raises(StanceError, match="already has the content"):
        restore_version(store, r.uuid, first.id)


def test_restore_version_checks_ownership_and_version(store):
    """A history id of another record is refused; a stale expected version is a conflict."""
    a = store.add_record(rec())
    b = store.add_record(rec(dimension="us"))
    store.update_record(a.uuid, 1, score=1)
    with pytest.raises(NotFound, match="is not about record"):
        restore_version(store, a.uuid, store.history(b.uuid)[0].id)
    with pytest.raises(ConflictError):
        restore_version(store, a.uuid, store.history(a.uuid)[0].id, expected_version=1)
    assert store.record(a.uuid).score == 1


def test_cli_operations_revert_and_restore_version(db_path):
    """The CLI lists operations, reverts one and restores a version, one line per error."""
    from click.testing import CliRunner
    from stancetracker.cli.main import cli
    from stancetracker.core.project import open_project
    s = open_project(db_path, backup=False)
    r = s.add_record(rec())
    s.update_record(r.uuid, 1, score=-2)
    s.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", str(db_path), "operations"])
    assert out.exit_code == 0 and "edit" in out.output.splitlines()[0]
    op = int(out.output.split()[0])
    out = runner.invoke(cli, ["--db", str(db_path), "revert", str(op)])
    assert out.exit_code == 0 and f"reverted operation {op}" in out.output
    out = runner.invoke(cli, ["--db", str(db_path), "revert", str(op)])
    assert out.exit_code == 1 and out.output.count("\n") == 1 and "already reverted" in out.output
    out = runner.invoke(cli, ["--db", str(db_path), "restore-version", r.uuid])
    hid = out.output.splitlines()[1].split()[0]
    out = runner.invoke(cli, ["--db", str(db_path), "restore-version", r.uuid, hid])
    assert out.exit_code == 0 and "back to that version" in out.output
