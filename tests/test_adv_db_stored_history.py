"""History and operation rows another program wrote as no JSON: revert refuses in one line, operations still lists."""

import sqlite3

import pytest

from stancetracker.core.project import open_project

from test_foreign_databases import folder_state, one_line, run, seeded  # noqa: F401


def poke(path, sql, *args):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(sql, args)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def files(path) -> dict:
    """The database and its neighbours; a refused revert may still leave the day's opening backup."""
    return {k: v for k, v in folder_state(path.parent).items() if not k.startswith("backups/")}


def last_op(path) -> int:
    with open_project(path, readonly=True) as store:
        return store.conn.execute("SELECT max(op_id) FROM history WHERE entity = 'record'").fetchone()[0]


@pytest.mark.parametrize("column", ["before", "after"])
@pytest.mark.parametrize("value", ["{bad json", "[]", "5", b"\x00\xff", "{}"])
def test_revert_of_an_operation_whose_history_is_unreadable_refuses_and_changes_nothing(seeded, column, value):
    """A traceback before; now one line naming the history row, and the folder byte-identical."""
    op = last_op(seeded)
    poke(seeded, f"UPDATE history SET {column} = ? WHERE op_id = ?", value, op)
    if column == "after" and value == "{}":
        # An object is a readable state: revert goes ahead (the record goes to the trash).
        assert run(seeded, "revert", str(op)).exit_code == 0
        return
    before = files(seeded)
    res = run(seeded, "revert", str(op))
    assert res.exit_code == 1
    line = one_line(res)
    assert f"cannot revert operation {op}: history row" in line and f"'{column}' state" in line
    assert "nothing was changed" in line
    assert files(seeded) == before


@pytest.mark.parametrize("value", ["{not json", b"\x00"])
def test_operations_with_details_that_are_no_json_still_list_and_revert(seeded, value):
    """json_extract over such a row failed the whole listing as 'the file is damaged … restore it from a backup'."""
    op = last_op(seeded)
    poke(seeded, "UPDATE operations SET details = ? WHERE id = 1", value)
    res = run(seeded, "operations")
    assert res.exit_code == 0 and "damaged" not in res.output, res.output
    assert run(seeded, "revert", str(op)).exit_code == 0
    assert run(seeded, "operations").exit_code == 0


@pytest.mark.parametrize("value", ["{bad json", '{"uuid": 1}', "[]", b"\x00"])
def test_restore_version_to_an_unreadable_history_entry_refuses_in_one_line(seeded, value):
    """'{bad json' was an internal error; '{"uuid": 1}' blamed an actor 'actor' that no longer exists."""
    with open_project(seeded, readonly=True) as store:
        rid, uuid = store.conn.execute("SELECT id, uuid FROM records ORDER BY id LIMIT 1").fetchone()
        hid = store.conn.execute("SELECT min(id) FROM history WHERE entity = 'record' AND entity_id = ?",
                                 [rid]).fetchone()[0]
    poke(seeded, "UPDATE history SET after = ? WHERE id = ?", value, hid)
    before = files(seeded)
    res = run(seeded, "restore-version", uuid, str(hid))
    assert res.exit_code == 1
    assert f"history entry {hid} of record {uuid} does not hold a readable version" in one_line(res)
    assert files(seeded) == before
