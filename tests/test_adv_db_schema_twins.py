"""Schema objects that stand in for ours: case twins, views in place of indexes, lost triggers, indexes that compute."""

import sqlite3

import pytest

from stancetracker.core.project import open_project

from test_foreign_databases import csv_file, folder_state, one_line, run, seeded, tamper  # noqa: F401


def search_hits(path, words: str) -> int:
    with open_project(path, readonly=True) as store:
        return store.conn.execute("SELECT count(*) FROM records_fts WHERE records_fts MATCH ?", [words]).fetchone()[0]


def test_a_trigger_named_like_ours_in_other_case_is_seen_in_place_of_ours_and_mended(seeded, tmp_path):
    """RECORDS_AI in place of records_ai: check names it, --remove-foreign puts ours back, search finds new records."""
    tamper(seeded, "DROP TRIGGER records_ai",
           "CREATE TRIGGER RECORDS_AI AFTER INSERT ON records BEGIN UPDATE records SET score = -score WHERE id = new.id; END")
    before = folder_state(seeded.parent)
    res = run(seeded, "check")
    assert res.exit_code == 1 and "trigger RECORDS_AI on records (its definition was changed)" in res.output
    assert "missing" not in res.output and "restore a backup" not in res.output
    assert "check --remove-foreign" in res.output.splitlines()[-1]
    assert run(seeded, "import", str(csv_file(tmp_path))).exit_code == 1
    assert folder_state(seeded.parent) == before
    res = run(seeded, "check", "--remove-foreign")
    assert res.exit_code == 0, res.output
    assert run(seeded, "import", str(csv_file(tmp_path))).exit_code == 0
    with open_project(seeded, readonly=True) as store:
        assert sorted(r.score for r in store.records()) == [-1, 1, 2]
    assert search_hits(seeded, "march") == 1
    assert run(seeded, "check").exit_code == 0


def test_a_lost_search_trigger_is_made_again_and_the_index_rebuilt(seeded, tmp_path):
    """Without records_ai an import would leave the search index behind; --remove-foreign makes it and rebuilds."""
    tamper(seeded, "DROP TRIGGER records_ai", "DROP TRIGGER records_au",
           "UPDATE records SET evidence = 'walked to Najaf' WHERE id = 1")
    res = run(seeded, "check")
    assert res.exit_code == 1 and "trigger records_ai on records (missing)" in res.output
    assert "restore a backup" not in res.output and "--remove-foreign" in res.output.splitlines()[-1]
    res = run(seeded, "check", "--remove-foreign")
    assert res.exit_code == 0 and "made again: trigger records_ai on records (missing)" in res.output, res.output
    assert search_hits(seeded, "najaf") == 1
    assert run(seeded, "import", str(csv_file(tmp_path))).exit_code == 0
    assert search_hits(seeded, "march") == 1
    assert run(seeded, "check").exit_code == 0


@pytest.mark.parametrize("name", ["records_coder", "RECORDS_CODER"])
def test_a_view_in_place_of_our_index_can_be_removed_and_the_index_made_again(seeded, name):
    """A view holds no data: it is dropped and our index made in its place, with no advice to restore."""
    tamper(seeded, "DROP INDEX records_coder", f"CREATE VIEW {name} AS SELECT 1")
    res = run(seeded, "check")
    assert res.exit_code == 1 and f"view {name} (in place of our index)" in res.output
    assert "restore a backup" not in res.output
    res = run(seeded, "check", "--remove-foreign")
    assert res.exit_code == 0, res.output
    conn = sqlite3.connect(seeded)
    assert conn.execute("SELECT type FROM sqlite_master WHERE name = 'records_coder'").fetchall() == [("index",)]
    conn.close()
    assert run(seeded, "check").exit_code == 0


@pytest.mark.parametrize("index", [
    "CREATE INDEX zz ON records(CASE WHEN evidence LIKE '%march%' THEN json_extract(evidence, '$') END)",
    "CREATE INDEX zz ON records(score) WHERE abs(score) > 0",
    "CREATE INDEX zz ON actors(lower(name))",
])
def test_an_index_that_computes_is_foreign_and_no_import_runs_it(seeded, tmp_path, index):
    """An expression or partial index runs on every write (one fails every import naming 'march'): it is refused."""
    tamper(seeded, index)
    before = folder_state(seeded.parent)
    res = run(seeded, "import", str(csv_file(tmp_path)))
    assert res.exit_code == 1 and "index zz on" in one_line(res) and "--remove-foreign" in res.output
    assert folder_state(seeded.parent) == before
    assert run(seeded, "check", "--remove-foreign").exit_code == 0
    assert run(seeded, "import", str(csv_file(tmp_path))).exit_code == 0


def test_an_index_of_plain_columns_of_ones_own_stays_allowed(seeded, tmp_path):
    """A colleague's index for speed holds only data: check passes and imports work."""
    tamper(seeded, "CREATE INDEX by_coder ON records(coder COLLATE NOCASE, date DESC)")
    assert run(seeded, "check").exit_code == 0
    assert run(seeded, "import", str(csv_file(tmp_path))).exit_code == 0
