"""Opening a project: connect, migrate, back up, seed — the store itself does neither of the last two."""

from __future__ import annotations

from stancetracker.core.db import backups
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project


def test_a_new_file_is_seeded_once(tmp_path):
    """open_project seeds a new file; opening it again adds nothing."""
    path = tmp_path / "p.db"
    with open_project(path, user="tester") as s:
        first = s.stats()
        seeds = [o for o in s.conn.execute("SELECT kind FROM operations WHERE kind = 'seed'")]
    assert first["records"] > 0 and len(seeds) == 1
    with open_project(path, user="tester") as s:
        assert s.stats() == first


def test_the_bare_store_neither_seeds_nor_backs_up(tmp_path):
    """Store.open is the file alone: a new one is empty, an existing one gets no backup on opening."""
    path = tmp_path / "bare.db"
    with Store.open(path, user="tester") as s:
        assert s.created and s.stats()["actors"] == 0 and s.stats()["changes"] == 0
    with Store.open(path, user="tester") as s:
        assert not s.created
    assert backups.list_backups(path) == []


def test_opening_a_project_backs_up_an_existing_file(tmp_path):
    path = tmp_path / "b.db"
    open_project(path, seed=False, user="tester").close()
    assert backups.list_backups(path) == []  # nothing to back up in a new file
    open_project(path, user="tester").close()
    assert [b.reason for b in backups.list_backups(path)] == ["open"]
    open_project(path, user="tester", backup=False).close()
    assert len(backups.list_backups(path)) == 1


def test_seed_false_leaves_a_new_file_empty(tmp_path):
    with open_project(tmp_path / "e.db", seed=False) as s:
        assert s.created and s.stats()["records"] == 0 and s.dimensions() == []
