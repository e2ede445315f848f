"""Undoing recorded changes: revert a whole operation, or put one record back to an earlier version.

Both read the ``history`` rows the store writes for every change, and both
are themselves recorded changes (a ``revert`` operation; an ``edit``), so a
revert can be reverted too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from stancetracker.core.model.dates import parse_date, utc_now
from stancetracker.core.model.errors import ConflictError, NotFound, StanceError
from stancetracker.core.model.entities import Actor, Dimension, Event, Membership, Source
from stancetracker.core.db import audit, studies
from stancetracker.core.db.query import RecordRow
from stancetracker.core.model.fields import CONTENT_FIELDS, STATE_KEYS
from stancetracker.core.db.store import Store

_RECORD_FIELDS = CONTENT_FIELDS


class RevertConflict(ConflictError):
    """Something the operation changed was changed again afterwards; nothing was reverted."""

    def __init__(self, message: str, uuid: str = "", later_op: int | None = None):
        StanceError.__init__(self, message)
        self.uuid, self.expected, self.actual, self.later_op = uuid, 0, None, later_op


@dataclass
class OperationInfo:
    """One recorded operation: who did what, when, touching how many rows."""

    id: int
    at: str
    user: str
    kind: str
    summary: str
    changes: int
    reverts: int | None = None

    def describe(self) -> str:
        return f"{self.id:>6}  {self.at[:19].replace('T', ' ')}  {self.user[:16]:<16} {self.kind:<8} {self.summary}"


@dataclass
class RevertResult:
    op_id: int
    reverted: int
    records: int = 0
    references: int = 0
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kept = f"; kept (still in use): {', '.join(self.kept)}" if self.kept else ""
        return (f"reverted operation {self.reverted}: {self.records:,} record(s) and {self.references} "
                f"actor/dimension/source/event/membership row(s) put back (operation {self.op_id}){kept}")


def list_operations(store: Store, limit: int = 50, offset: int = 0) -> list[OperationInfo]:
    """The most recent operations, newest first."""
    rows = store.conn.execute(
        "SELECT o.id, o.at, o.user, o.kind, o.summary, (SELECT count(*) FROM history h WHERE h.op_id = o.id),"
        f" {_REVERTS.format('o.details')} FROM operations o ORDER BY o.id DESC LIMIT ? OFFSET ?",
        [limit, offset]).fetchall()
    return [OperationInfo(*r) for r in rows]


# Another program may have stored text that is no JSON in operations.details or
# history: json_extract() would fail the whole statement ("malformed JSON"),
# which reads as a damaged file; such a value counts as no value here.
_REVERTS = "(CASE WHEN json_valid({0}) AND json_type({0}) = 'object' THEN json_extract({0}, '$.reverts') END)"
_DELETED = "(CASE WHEN json_valid(after) AND json_type(after) = 'object' THEN json_extract(after, '$.deleted') END)"
# What an earlier state of a record must hold to be put back.
_RECORD_KEYS = STATE_KEYS


def _object(text) -> dict | None:
    """A history state as a dict; None for none, and for text that is not a JSON object."""
    if not isinstance(text, str) or not text:
        return None
    try:
        state = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return state if isinstance(state, dict) else None


def _readable_history(store: Store, op_id: int) -> None:
    """Refuse, before anything changes, an operation whose history holds a state that cannot be put back."""
    for hid, entity, before, after in store.conn.execute(
            "SELECT id, entity, before, after FROM history WHERE op_id = ? ORDER BY id", [op_id]):
        for which, text in (("before", before), ("after", after)):
            state = _object(text)
            bad = text is not None and state is None
            if not bad and which == "before" and entity == "record" and state is not None:
                bad = any(k not in state for k in _RECORD_KEYS)
            if bad:
                raise StanceError(f"cannot revert operation {op_id}: history row {hid}: its '{which}' state is "
                                  f"not a readable {entity} (written by another program?); nothing was changed")


def _operation(store: Store, op_id: int) -> tuple:
    row = store.conn.execute("SELECT id, kind, summary FROM operations WHERE id = ?", [op_id]).fetchone()
    if row is None:
        raise NotFound(f"no operation {op_id} (see 'stancetracker operations')")
    return row


def _entity_name(store: Store, entity: str, entity_id: int, state: dict | None) -> str:
    if entity == "record":
        return f"record {(state or {}).get('uuid', entity_id)}"
    return f"{entity} {(state or {}).get('slug', entity_id)}"


def revert_operation(store: Store, op_id: int) -> RevertResult:
    """Undo an operation using its history rows, as a new operation of kind ``revert``.

    Records it created go to the trash; records it edited, deleted or
    restored go back to their earlier state; actors, dimensions, sources,
    events and memberships it created are removed unless something still
    uses them, edited ones are set back, deleted events and memberships
    come back. Refuses (RevertConflict) if anything it touched was changed
    by a later operation.
    """
    _, kind, summary = _operation(store, op_id)
    conn = store.conn
    done = conn.execute(f"SELECT id FROM operations WHERE {_REVERTS.format('details')} = ? "
                        "ORDER BY id DESC LIMIT 1", [op_id]).fetchone()
    if done:
        raise StanceError(f"operation {op_id} was already reverted by operation {done[0]}")
    if not conn.execute("SELECT 1 FROM history WHERE op_id = ? LIMIT 1", [op_id]).fetchone():
        raise StanceError(f"operation {op_id} ({kind}) changed nothing that can be reverted")
    _readable_history(store, op_id)
    with store.operation("revert", f"revert operation {op_id} ({kind}: {summary})"[:500],
                         {"reverts": op_id}) as new_op:
        later = conn.execute(
            "SELECT h.entity, h.entity_id, coalesce(h.after, h.before), h2.op_id, o.kind, o.user, o.at"
            " FROM history h JOIN history h2 ON h2.entity = h.entity AND h2.entity_id = h.entity_id"
            " AND h2.op_id > h.op_id AND h2.op_id != ? JOIN operations o ON o.id = h2.op_id"
            " WHERE h.op_id = ? ORDER BY h2.op_id LIMIT 1", [new_op, op_id]).fetchone()
        if later:
            entity, eid, state, lop, lkind, luser, lat = later
            name = _entity_name(store, entity, eid, _object(state))
            raise RevertConflict(
                f"cannot revert operation {op_id}: {name} was changed after it by operation {lop} "
                f"({lkind}, {luser}, {lat[:19].replace('T', ' ')}); revert that one first — nothing was changed",
                name.removeprefix("record "), lop)
        result = RevertResult(new_op, op_id)
        _revert_records(store, op_id, new_op, result)
        refs = conn.execute("SELECT entity, entity_id, before, after FROM history WHERE op_id = ?"
                            " AND entity != 'record' ORDER BY id DESC", [op_id]).fetchall()
        for entity, eid, before, after in refs:
            _revert_reference(store, entity, eid, json.loads(before) if before else None,
                              json.loads(after) if after else None, result)
        audit.set_summary(conn, new_op, f"revert operation {op_id} ({kind}): {result.records:,} records, "
                                        f"{result.references} other rows"[:500])
    return result


def _revert_records(store: Store, op_id: int, new_op: int, result: RevertResult) -> None:
    """Put back the records an operation touched; the ones it created go to the trash.

    Never deleted: SQLite would give a later record the freed id, and with it
    the history rows of the one removed.
    """
    conn = store.conn
    now = utc_now()
    # Log every touched record's current state first, apply, then fill in the after states.
    audit.log_records_before(
        conn, new_op, "revert", "r.id IN (SELECT entity_id FROM history WHERE op_id = ? AND entity = 'record'"
        f" AND (before IS NOT NULL OR after IS NULL OR {_DELETED} = 0))", [op_id])
    result.records += audit.trash_records(
        conn, "id IN (SELECT entity_id FROM history WHERE op_id = ? AND entity = 'record' AND before IS NULL)",
        [op_id], now)
    ids = store.slug_ids()
    for rid, before in conn.execute("SELECT entity_id, before FROM history WHERE op_id = ? AND entity = 'record'"
                                    " AND before IS NOT NULL", [op_id]).fetchall():
        _set_record(store, rid, json.loads(before), ids, now)
        result.records += 1
    audit.fill_after_states(conn, new_op)


def _set_record(store: Store, rid: int, state: dict, ids: dict, now: str) -> None:
    try:
        actor_id = ids["actors"][state["actor"]]
        dim_id = ids["dimensions"][state["dimension"]]
        src_id = ids["sources"][state["source"]] if state.get("source") else None
    except KeyError as err:
        raise StanceError(f"record {state.get('uuid')}: its earlier version refers to {err.args[0]!r}, "
                          "which no longer exists; nothing was changed") from None
    values = [actor_id, dim_id, state["date"], state["date_precision"], state["score"], state["confidence"], src_id,
              state["locator"], state["evidence"], state["coder"]]
    audit.write_record(store.conn, rid, values, now, deleted=bool(state["deleted"]))


_USERS = {"actor": ("SELECT 1 FROM records WHERE actor_id = :id UNION ALL SELECT 1 FROM memberships"
                    " WHERE member_id = :id OR group_id = :id LIMIT 1"),
          "dimension": "SELECT 1 FROM records WHERE dimension_id = :id LIMIT 1",
          "source": ("SELECT 1 FROM records WHERE source_id = :id UNION ALL SELECT 1 FROM events"
                     " WHERE source_id = :id LIMIT 1")}
_TABLE = {"actor": "actors", "dimension": "dimensions", "source": "sources", "event": "events",
          "membership": "memberships"}


def _revert_reference(store: Store, entity: str, eid: int, before: dict | None, after: dict | None,
                      result: RevertResult) -> None:
    conn = store.conn
    if entity == "study":  # core/db/studies.py knows its own rows
        result.references += studies.revert_logged(store, eid, before, after)
        return
    if entity not in _TABLE:
        return
    name = f"{entity} {(after or before or {}).get('slug', eid)}"
    if before is None:  # created by the operation: remove it unless something uses it
        if entity in _USERS and conn.execute(_USERS[entity], {"id": eid}).fetchone():
            result.kept.append(name)
            return
        if conn.execute(f"DELETE FROM {_TABLE[entity]} WHERE id = ?", [eid]).rowcount:
            store.log(entity, eid, "revert", after, None)
            result.references += 1
        return
    if after is None:  # deleted by the operation: bring it back
        if entity == "event":
            store.add_event(Event(**{**before, "date": parse_date(before["date"])}))
        elif entity == "membership":
            store.add_membership(Membership(**{**before, **{k: parse_date(before[k]) if before.get(k) else None
                                                            for k in ("start", "end")}}))
        elif entity == "actor":
            store.add_actor(Actor(**before))
        elif entity == "dimension":
            store.add_dimension(Dimension(**before))
        elif entity == "source":
            pub = before.get("published")
            store.add_source(Source(**{**before, "published": parse_date(pub) if pub else None}))
        result.references += 1
        return
    fields = {k: v for k, v in before.items() if k != "slug"}
    update = {"actor": store.update_actor, "dimension": store.update_dimension, "source": store.update_source,
              "event": store.update_event}.get(entity)
    if update:
        update(before["slug"], **fields)
        result.references += 1


def restore_version(store: Store, uuid: str, history_id: int, expected_version: int | None = None) -> RecordRow:
    """Put a record back to the state a history entry recorded (its "after"), as a new edit.

    ``expected_version``, if given, is the version the caller showed; a
    record changed since is a ConflictError.
    """
    current = store.record(uuid)
    row = store.conn.execute("SELECT h.entity, h.entity_id, h.after, o.at FROM history h JOIN operations o"
                             " ON o.id = h.op_id WHERE h.id = ?", [history_id]).fetchone()
    if row is None or row[0] != "record" or row[1] != current.id:
        raise NotFound(f"history entry {history_id} is not about record {uuid} (see 'stancetracker history {uuid}')")
    after = row[2]
    if after is None:  # an import keeps no copy: Store.history works it out
        after = next((json.dumps(h.after) for h in store.history(uuid) if h.id == history_id and h.after), None)
    if after is None:
        raise StanceError(f"history entry {history_id} holds no version of record {uuid} to go back to")
    target = _object(after)
    if target is None or any(k not in target for k in _RECORD_KEYS) or "unreadable" in target:
        raise StanceError(f"history entry {history_id} of record {uuid} does not hold a readable version of it "
                          "(written by another program?); nothing was changed")
    now_state = json.loads(store.record_json(current.id))
    if all(now_state.get(f) == target.get(f) for f in _RECORD_FIELDS):
        raise StanceError(f"record {uuid} already has the content of that version; nothing was changed")
    with store.operation("edit", f"record {uuid}: back to its version of {row[3][:19].replace('T', ' ')}"
                                 f" (history {history_id})"):
        version = store.conn.execute("SELECT version FROM records WHERE id = ?", [current.id]).fetchone()[0]
        want = current.version if expected_version is None else expected_version
        if version != want:
            raise ConflictError(uuid, want, version)
        before = store.record_json(current.id)
        _set_record(store, current.id, target, store.slug_ids(), utc_now())
        store.log("record", current.id, "edit", before, store.record_json(current.id))
    return store.record(uuid)


__all__ = ["OperationInfo", "RevertConflict", "RevertResult", "list_operations", "restore_version",
           "revert_operation"]
