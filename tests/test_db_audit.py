"""The audit rules (core/db/audit.py): one operation per change, one history row per changed entity."""

from __future__ import annotations

import json

import pytest

from stancetracker.core.db import audit
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Actor, Record
from stancetracker.core.model.errors import DatabaseError
from stancetracker.core.project import open_project


def _history(store, op_id):
    return store.conn.execute("SELECT entity, entity_id, action, before, after FROM history WHERE op_id = ?"
                              " ORDER BY id", [op_id]).fetchall()


def _last_op(store):
    return store.conn.execute("SELECT max(id) FROM operations").fetchone()[0]


def test_each_record_change_writes_one_history_row_and_bumps_the_version(store):
    row = store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=1))
    created = _history(store, _last_op(store))
    assert [(e, a, b) for e, _, a, b, _ in created] == [("record", "create", None)]
    assert json.loads(created[0][4])["score"] == 1 and row.version == 1
    edited = store.update_record(row.uuid, 1, score=-1)
    changes = _history(store, _last_op(store))
    assert len(changes) == 1 and changes[0][2] == "edit"
    assert json.loads(changes[0][3])["score"] == 1 and json.loads(changes[0][4])["score"] == -1
    assert edited.version == 2
    trashed = store.delete_record(row.uuid)
    assert [h[2] for h in _history(store, _last_op(store))] == ["delete"]
    assert trashed.deleted and trashed.version == 3
    assert store.conn.execute("SELECT count(*) FROM records WHERE uuid = ?", [row.uuid]).fetchone()[0] == 1


def test_log_change_outside_an_operation_is_refused_by_the_schema(store):
    """A history row needs its operation: the audit writes none on its own."""
    before = store.conn.execute("SELECT count(*) FROM history").fetchone()[0]
    with pytest.raises(Exception):
        audit.log_change(store.conn, None, "record", 1, "edit", {"a": 1}, {"a": 2})
    assert store.conn.execute("SELECT count(*) FROM history").fetchone()[0] == before


def test_public_state_leaves_out_the_row_id_and_shortens_dates(store):
    rec = Record(actor="sadr", dimension="iran", date=parse_date("2020-05"), score=1)
    state = audit.public_state(rec, skip=("evidence",))
    assert "id" not in state and "evidence" not in state and state["date"] == "2020-05"


def test_a_read_only_store_writes_nothing(tmp_path):
    path = tmp_path / "ro.db"
    open_project(path, seed=False).close()
    with open_project(path, readonly=True) as s:
        assert s.readonly
        with pytest.raises(DatabaseError, match="read-only"):
            s.add_actor(Actor(slug="someone", name="Someone"))
        # The connection itself is read-only, not only the store's flag.
        with pytest.raises(Exception, match="readonly|read-only"):
            s.conn.execute("INSERT INTO operations (at, user, kind) VALUES ('x', 'y', 'z')")
