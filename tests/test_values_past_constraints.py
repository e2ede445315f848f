"""A value written past a CHECK constraint is the file's data, not damage (issue 12, finding 14)."""

import sqlite3

from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.db.backups import list_backups, make_backup, restore_backup
from stancetracker.core.db.integrity import check

from conftest import make_store


def _file_with_score_seven(tmp_path):
    path = tmp_path / "t.db"
    store = make_store(path)
    store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=1,
                            source="paper-a", evidence="met in Qom"))
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    uuid = conn.execute("SELECT uuid FROM records ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE records SET score = 7 WHERE uuid = ?", [uuid])
    conn.commit()
    conn.close()
    return path, uuid


def test_a_file_with_a_value_past_a_constraint_is_backed_up_and_written(tmp_path):
    """Its backups are faithful copies, an import goes in, and the record keeps its value."""
    path, uuid = _file_with_score_seven(tmp_path)
    (tmp_path / "a.csv").write_text("actor,dimension,date,score,source_title\nsadr,iran,2020,1,X\n")
    res = CliRunner().invoke(cli, ["--db", str(path), "import", str(tmp_path / "a.csv")])
    assert res.exit_code == 0, res.output
    assert "1 record added" in res.output
    assert list_backups(path), "the backup taken before the import"
    backup = list_backups(path)[0].path
    assert sqlite3.connect(backup).execute("SELECT score FROM records WHERE uuid = ?", [uuid]).fetchone()[0] == 7
    restore_backup(path, backup)  # a faithful backup can be put back
    assert sqlite3.connect(path).execute("SELECT score FROM records WHERE uuid = ?", [uuid]).fetchone()[0] == 7


def test_check_names_the_row_and_does_not_advise_a_restore(tmp_path):
    """check lists the record with its column and value, and says how to mend it, not to throw changes away."""
    path, uuid = _file_with_score_seven(tmp_path)
    report = check(path)
    assert not report.ok
    assert any(uuid in p and "score" in p and "7 is outside the range -2 to 2" in p for p in report.problems)
    assert "restore" not in report.summary().split("(")[0] and "revert" in report.summary()
    assert make_backup(path, "manual").path.exists()
