"""The database schema, built by ordered migrations.

Each migration is a small function registered in a sqlite-utils
``Migrations`` set (made when first needed, see LazyMigrations); the store applies the pending ones in order, each in its
own transaction, after taking a backup copy. ``PRAGMA user_version`` holds
the number of migrations applied, so an older application can recognise a
database made by a newer one; ``PRAGMA application_id`` marks the file as
ours.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from stancetracker.core.db.bulk_load import sorting

if TYPE_CHECKING:
    import sqlite_utils

APPLICATION_ID = 0x5374616E  # "Stan"
MIGRATION_SET = "stancetracker"


def import_sqlite_utils() -> ModuleType:
    """sqlite_utils, imported when first needed, with NumPy and pandas hidden unless already loaded.

    sqlite_utils imports both when they are installed, only to map their scalar
    types in inserts, which stancetracker never makes through it; hidden, they
    stay out of every command that neither charts nor analyses (issue 13: about
    a tenth of a second each time).
    """
    if "sqlite_utils.migrations" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # importing it fails as "not installed"
    try:
        importlib.import_module("sqlite_utils.migrations")
        return sys.modules["sqlite_utils"]
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]


def helper_database(conn: sqlite3.Connection) -> "sqlite_utils.Database":
    """A sqlite-utils view of ``conn``, for running migrations (its plugins are not run)."""
    sqlite_utils = import_sqlite_utils()
    return sqlite_utils.Database(conn, execute_plugins=False)


@dataclass(frozen=True)
class MigrationStep:
    """One migration: its name (as sqlite-utils records it when applied) and the function that runs it."""

    name: str
    fn: Callable


class LazyMigrations:
    """Our migrations in order, registered as with a sqlite-utils ``Migrations`` set.

    The sqlite-utils set is made, and sqlite-utils imported, when first used
    (see helper_database for why); until then a registration is only kept.
    """

    def __init__(self, name: str):
        self._name = name
        self._registered: list[tuple[str | None, Callable]] = []
        self._set: Any = None

    def __call__(self, *, name: str | None = None) -> Callable[[Callable], Callable]:
        def register(fn: Callable) -> Callable:
            self._registered.append((name, fn))
            if self._set is not None:
                return self._set(name=name)(fn)
            return fn
        return register

    def count(self) -> int:
        """How many migrations there are, without making the sqlite-utils set."""
        return len(self._registered)

    def remove(self, name: str) -> None:
        """Forget the migration named ``name`` (a test's own); the sqlite-utils set is made afresh when next used."""
        self._registered = [(n, fn) for n, fn in self._registered if (n or fn.__name__) != name]
        self._set = None

    def steps(self) -> list[MigrationStep]:
        """Every migration in order, from our own list (sqlite-utils offers no accessor to its own)."""
        return [MigrationStep(name or fn.__name__, fn) for name, fn in self._registered]

    def _made(self) -> Any:
        if self._set is None:
            import_sqlite_utils()
            made = sys.modules["sqlite_utils.migrations"].Migrations(self._name)
            for name, fn in self._registered:
                made(name=name)(fn)
            self._set = made
        return self._set

    def __getattr__(self, attr: str) -> Any:  # apply, applied, pending, ensure_migrations_table
        return getattr(self._made(), attr)


migrations = LazyMigrations(MIGRATION_SET)


@migrations(name="0001_initial")
def _initial(db: sqlite_utils.Database) -> None:
    for statement in _INITIAL_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)
    # Full-text search over evidence notes and source text; sqlite-utils
    # creates external-content FTS5 tables kept in step by triggers, so edits
    # made with sqlite3 or Datasette stay searchable too.
    tokenize = "unicode61 remove_diacritics 2"
    db["records"].enable_fts(["evidence", "locator"], create_triggers=True, tokenize=tokenize)
    db["sources"].enable_fts(["title", "text"], create_triggers=True, tokenize=tokenize)


@migrations(name="0002_indexes")
def _indexes(db: sqlite_utils.Database) -> None:
    # The records table opens on live records by date: with `deleted` first the
    # index alone answers it (no row lookups), which matters at a million rows.
    db.execute("DROP INDEX IF EXISTS records_date")
    db.execute("CREATE INDEX records_date ON records(deleted, date)")
    # Filtering by coder and listing the coders of a large database.
    db.execute("CREATE INDEX IF NOT EXISTS records_coder ON records(coder)")


@migrations(name="0003_passages")
def _passages(db: sqlite_utils.Database) -> None:
    # Issue 7: documents keep their text (sources.text) plus how it was read,
    # and coded passages anchor records to the words they rest on.
    for statement in _PASSAGES_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0004_bulk_import")
def _bulk_import(db: sqlite_utils.Database) -> None:
    # Issue 2 (import speed): a UUID index built once after a large import is
    # ~1.4 s faster per million rows than keeping it up to date row by row,
    # but the UNIQUE constraint of 0001 is an index that cannot be dropped.
    # The records table is rebuilt with the same columns, constraints and ids,
    # uniqueness now kept by the named index records_uuid.
    keep = db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'records' AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type, name").fetchall()
    db.execute(_RECORDS_TABLE.replace("CREATE TABLE records", "CREATE TABLE records_new"))
    db.execute(f"INSERT INTO records_new ({_RECORD_COLUMNS}) SELECT {_RECORD_COLUMNS} FROM records")
    db.execute("DROP TABLE records")
    db.execute("ALTER TABLE records_new RENAME TO records")
    with sorting(db.conn):
        db.execute("CREATE UNIQUE INDEX records_uuid ON records(uuid)")
        for (sql,) in keep:
            db.execute(sql)
    # FTS5 writes its index to disk whenever ~1 MB of new terms have gathered;
    # gathering 64 MB makes indexing a million evidence notes ~35% faster
    # (fewer, larger segments to merge). Memory is used only while a
    # transaction writes that much text.
    db.execute("INSERT INTO records_fts (records_fts, rank) VALUES ('hashsize', ?)", [64 << 20])


@migrations(name="0005_studies")
def _studies(db: sqlite_utils.Database) -> None:
    # Issue 15: reliability studies (a sample of units, its coders, their records)
    # and consensus records linked to the records they settle (docs/reliability.md).
    for statement in _STUDIES_SQL.split(";\n"):
        if statement.strip():
            db.execute(statement)


_STUDIES_SQL = """
CREATE TABLE studies (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    rule TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE TABLE study_units (
    study_id INTEGER NOT NULL REFERENCES studies(id),
    unit TEXT NOT NULL,
    PRIMARY KEY (study_id, unit)
);
CREATE TABLE study_coders (
    study_id INTEGER NOT NULL REFERENCES studies(id),
    coder TEXT NOT NULL,
    done_at TEXT,
    PRIMARY KEY (study_id, coder)
);
CREATE TABLE study_records (
    record_id INTEGER PRIMARY KEY REFERENCES records(id),
    study_id INTEGER NOT NULL REFERENCES studies(id)
);
CREATE INDEX study_records_study ON study_records(study_id);
CREATE TABLE consensus_links (
    consensus_id INTEGER NOT NULL REFERENCES records(id),
    record_id INTEGER NOT NULL REFERENCES records(id),
    PRIMARY KEY (consensus_id, record_id)
);
CREATE INDEX consensus_links_record ON consensus_links(record_id)
"""
"""``studies.rule`` is the sample rule as JSON (sources, actors, dimensions, seed, size);
``study_units.unit`` a unit key (core/db/units.py); ``study_coders.done_at`` is NULL
while the coder still codes blind; ``study_records`` gives a record its study;
``consensus_links`` ties a consensus record to each record it settles."""


_RECORD_COLUMNS = ("id, uuid, actor_id, dimension_id, date, date_precision, score, confidence, source_id, "
                   "locator, evidence, coder, created_at, updated_at, version, deleted, passage_id")
# The table as 0001 + 0003 made it, without UNIQUE on uuid; spelled out rather than
# derived from 0001's text, so that this migration says exactly what it makes.
_RECORDS_TABLE = """
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    dimension_id INTEGER NOT NULL REFERENCES dimensions(id),
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    score REAL NOT NULL CHECK (score BETWEEN -2 AND 2),
    confidence TEXT NOT NULL CHECK (confidence IN ('low', 'medium', 'high')),
    source_id INTEGER REFERENCES sources(id),
    locator TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    coder TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    passage_id INTEGER REFERENCES passages(id)
)"""


_PASSAGES_SQL = """
ALTER TABLE sources ADD COLUMN format TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN pages TEXT NOT NULL DEFAULT '';
CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    quote TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    page INTEGER,
    lost TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX passages_source ON passages(source_id, start);
ALTER TABLE records ADD COLUMN passage_id INTEGER REFERENCES passages(id);
CREATE INDEX records_passage ON records(passage_id) WHERE passage_id IS NOT NULL
"""
"""``sources.pages`` holds the start offset of each PDF page, comma-separated;
``passages.lost`` is empty while the passage is anchored in its source's text,
else why it could not be found again after the text changed."""


_INITIAL_SQL = """
CREATE TABLE actors (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other',
    colour TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE actor_aliases (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    UNIQUE (actor_id, alias)
);
CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES actors(id),
    group_id INTEGER NOT NULL REFERENCES actors(id),
    role TEXT NOT NULL DEFAULT 'member',
    start TEXT,
    start_precision TEXT CHECK (start_precision IN ('day', 'month', 'year')),
    "end" TEXT,
    end_precision TEXT CHECK (end_precision IN ('day', 'month', 'year')),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX memberships_member ON memberships(member_id);
CREATE INDEX memberships_group ON memberships(group_id);
CREATE TABLE dimensions (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    question TEXT NOT NULL DEFAULT '',
    neg_label TEXT NOT NULL DEFAULT '',
    pos_label TEXT NOT NULL DEFAULT '',
    neg_pole TEXT NOT NULL DEFAULT '',
    pos_pole TEXT NOT NULL DEFAULT '',
    codebook TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    published TEXT,
    published_precision TEXT CHECK (published_precision IN ('day', 'month', 'year')),
    kind TEXT NOT NULL DEFAULT 'article',
    language TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT ''
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source_id INTEGER REFERENCES sources(id)
);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    actor_id INTEGER NOT NULL REFERENCES actors(id),
    dimension_id INTEGER NOT NULL REFERENCES dimensions(id),
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    score REAL NOT NULL CHECK (score BETWEEN -2 AND 2),
    confidence TEXT NOT NULL CHECK (confidence IN ('low', 'medium', 'high')),
    source_id INTEGER REFERENCES sources(id),
    locator TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    coder TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE INDEX records_series ON records(actor_id, dimension_id, date);
CREATE INDEX records_date ON records(date);
CREATE TABLE operations (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    details TEXT
);
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    op_id INTEGER NOT NULL REFERENCES operations(id),
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX history_entity ON history(entity, entity_id);
CREATE INDEX history_op ON history(op_id)
"""

def migration_steps() -> list[MigrationStep]:
    """Every migration in order."""
    return migrations.steps()


SCHEMA_VERSION = migrations.count()
