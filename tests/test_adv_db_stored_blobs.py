"""Values another program stored as BLOBs: history, shifts and charts still work, the value shown as x'…'."""

import sqlite3

import pytest

from stancetracker.core.project import open_project

from test_foreign_databases import csv_file, run, seeded  # noqa: F401


def poke(path, sql, *args):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql, args)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def first_uuid(path) -> str:
    with open_project(path, readonly=True) as store:
        return store.conn.execute("SELECT uuid FROM records ORDER BY id LIMIT 1").fetchone()[0]


@pytest.mark.parametrize("column", ["evidence", "locator", "coder", "score", "date", "confidence"])
def test_history_of_a_record_holding_a_blob_is_listed(seeded, tmp_path, column):
    """json_object() refused the blob: 'history UUID' of an imported record said 'JSON cannot hold BLOB values'."""
    assert run(seeded, "import", str(csv_file(tmp_path))).exit_code == 0
    with open_project(seeded, readonly=True) as store:
        uuid = store.conn.execute("SELECT uuid FROM records ORDER BY id DESC LIMIT 1").fetchone()[0]
    poke(seeded, f"UPDATE records SET {column} = ? WHERE uuid = ?", b"\x00\xff", uuid)
    res = run(seeded, "history", uuid)
    assert res.exit_code == 0 and "BLOB" not in res.output, res.output


def test_the_history_of_a_blob_keeps_it_as_its_sql_literal(seeded):
    uuid = first_uuid(seeded)
    poke(seeded, "UPDATE records SET evidence = ? WHERE uuid = ?", b"\x00\xff", uuid)
    with open_project(seeded, readonly=True) as store:
        rid = store.record(uuid).id
        assert '"evidence":"x\'00FF\'"' in store.record_json(rid)


def test_an_actor_whose_slug_is_a_blob_does_not_stop_shifts_or_charts(seeded, tmp_path):
    """actors() showed the slug as text while the id lookup held the blob: 'no actor …' for every shift."""
    poke(seeded, "UPDATE actors SET slug = ? WHERE slug = 'sadr'", b"sadr")
    res = run(seeded, "shifts")
    assert res.exit_code == 0 and "no actor" not in res.output, res.output
    res = run(seeded, "chart", "--kind", "snapshot", "-o", str(tmp_path / "s.svg"))
    assert res.exit_code == 0 and "no actor" not in res.output, res.output
