"""Shared fixtures: databases built through the real schema and import code."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["STANCETRACKER_CODER"] = "tester"

from stancetracker.core.exchange.seeds import load_seeds  # noqa: E402
from stancetracker.core.db.store import Store  # noqa: E402
from stancetracker.core.project import open_project  # noqa: E402

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Keep every test away from the user's real data folder."""
    monkeypatch.setenv("STANCETRACKER_HOME", str(tmp_path_factory.mktemp("home")))


def make_store(path: Path) -> Store:
    store = open_project(path, seed=False, user="tester")
    load_seeds(store, MINI)
    return store


@pytest.fixture
def store(tmp_path) -> Store:
    """A database with four dimensions, five actors and one source, no records."""
    s = make_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path) -> Path:
    s = make_store(tmp_path / "cli.db")
    s.close()
    return tmp_path / "cli.db"


def fingerprint(store_or_path) -> str:
    """A hash of every row of every table: equal means the database is unchanged."""
    conn = store_or_path.conn if isinstance(store_or_path, Store) else sqlite3.connect(store_or_path)
    h = hashlib.sha256()
    for line in conn.iterdump():
        h.update(line.encode())
    return h.hexdigest()


def seed_record_rows() -> list[dict[str, str]]:
    """Every record row of the seeds, whoever coded it: records.csv, then the reliability study's second coder
    and consensus records (records-*.csv), as a new database loads them."""
    import csv

    from stancetracker.core.exchange.seeds import record_files

    out = []
    for path in record_files():
        with open(path, encoding="utf-8", newline="") as fh:
            out += list(csv.DictReader(fh))
    return out


def seeded_records() -> int:
    """How many records a new seeded database holds, every coder's."""
    return len(seed_record_rows())


def seeded_consensus_view(actor: str | None = None) -> set[str]:
    """The UUIDs the consensus view of a new seeded database shows (of ``actor``'s records), read from the seed
    files alone: every record no consensus record settles (consensus.csv), and the consensus records."""
    import csv

    from stancetracker.core.exchange.seeds import seeds_dir

    with open(seeds_dir() / "consensus.csv", encoding="utf-8", newline="") as fh:
        settled = {row["record_uuid"] for row in csv.DictReader(fh)}
    return {row["uuid"] for row in seed_record_rows()
            if row["uuid"] not in settled and actor in (None, row["actor_slug"])}


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    if isinstance(text, str):
        text = text.encode(encoding)
    path.write_bytes(text)
    return path
