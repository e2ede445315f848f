"""Files refused for their header (a newer schema, not ours) are left exactly as they were, neighbours included."""

import pytest

from test_foreign_databases import csv_file, folder_state, one_line, run, seeded, tamper  # noqa: F401


@pytest.mark.parametrize("sql, says", [
    ("PRAGMA user_version = 999", "made by a newer version of stancetracker (schema 999"),
    ("PRAGMA application_id = 0; DELETE FROM _sqlite_migrations", "not a stancetracker one"),
])
@pytest.mark.parametrize("command", [["import", "CSV"], ["stats"], ["records"], ["check", "--remove-foreign"]])
def test_a_refused_header_leaves_no_wal_or_shm_beside_the_file(seeded, tmp_path, sql, says, command):
    """A read-only probe used to leave an empty -wal and -shm beside a file it said was 'left untouched'."""
    tamper(seeded, *sql.split("; "))
    before = folder_state(seeded.parent)
    res = run(seeded, *[str(csv_file(tmp_path)) if a == "CSV" else a for a in command])
    assert res.exit_code == 1
    assert command[0] == "check" or says in one_line(res)
    assert folder_state(seeded.parent) == before


@pytest.mark.parametrize("version", [0, -1])
def test_our_application_id_with_an_odd_user_version_reads_and_writes(seeded, tmp_path, version):
    """Our id with user_version 0 or -1 (a lost stamp): the migrations' record decides, and an import works."""
    tamper(seeded, f"PRAGMA user_version = {version}")
    assert run(seeded, "stats").exit_code == 0
    res = run(seeded, "import", str(csv_file(tmp_path)))
    assert res.exit_code == 0, res.output
    assert run(seeded, "check").exit_code == 0


@pytest.mark.parametrize("how", ["header scrambled", "header zeroed"])
def test_merge_from_a_database_without_its_header_says_so_not_an_encoding(seeded, tmp_path, how):
    """It was read as a CSV: 'not valid UTF-8 … import it with --encoding iso8859-1', an option merge lacks."""
    import random
    other = tmp_path / "theirs.db"
    data = bytearray(seeded.read_bytes())
    rng = random.Random(1)
    data[:100] = bytes(rng.randrange(1, 256) for _ in range(100)) if how == "header scrambled" else bytes(100)
    other.write_bytes(bytes(data))
    before = {k: v for k, v in folder_state(seeded.parent).items() if not k.startswith("backups/")}
    res = run(seeded, "merge", str(other))
    assert res.exit_code == 1
    line = one_line(res)
    assert "is neither a stancetracker database" in line and "--encoding" not in line
    after = {k: v for k, v in folder_state(seeded.parent).items() if not k.startswith("backups/")}
    assert after == before and other.read_bytes() == bytes(data)


def test_merge_of_a_csv_that_is_not_utf8_takes_the_encoding_its_message_advises(seeded, tmp_path):
    """The reader advised '--encoding cp1252', an option merge lacked; now merge has it and the note comes in."""
    other = tmp_path / "theirs.csv"
    other.write_bytes("actor,dimension_slug,date,score,evidence\nMoqtada al-Sadr,iran,Jan 2021,2,café noté\n"
                      .encode("cp1252"))
    res = run(seeded, "merge", str(other))
    assert res.exit_code == 1 and "--encoding cp1252" in one_line(res)
    res = run(seeded, "merge", str(other), "--encoding", "cp1252")
    assert res.exit_code == 0, res.output
    from stancetracker.core.project import open_project
    with open_project(seeded, readonly=True) as store:
        assert "café noté" in {r.evidence for r in store.records()}


def test_merge_still_reads_utf16_without_a_byte_order_mark_as_text(seeded, tmp_path):
    """NULs between the letters are UTF-16, not a binary file: the reader's own advice is given."""
    other = tmp_path / "theirs.csv"
    other.write_bytes("actor,dimension_slug,date,score\nMoqtada al-Sadr,iran,2021,2\n".encode("utf-16-le"))
    res = run(seeded, "merge", str(other))
    assert res.exit_code == 1 and "utf-16" in one_line(res).lower() and "neither" not in res.output
