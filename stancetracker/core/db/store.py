"""The store: every read and write of a stancetracker database goes through here.

Each public write runs in one transaction and is recorded as an
*operation* with one history row per changed entity (before and after as
JSON), so nothing a coder did is lost and any change can be traced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import getpass
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stancetracker.core.db import audit, backups
from stancetracker.core.db.connection import describe_sqlite_error, open_connection
from stancetracker.core.model.dates import PartialDate, utc_now
from stancetracker.core.model.errors import (
    ConflictError,
    DatabaseError,
    NotFound,
    StanceError,
    ValidationError,
)
from stancetracker.core.model.entities import (
    Actor,
    Dimension,
    Event,
    Membership,
    Record,
    Source,
    check_date,
    check_text,
)
from stancetracker.core.db.query import (
    RECORD_FROM,
    ROW_COLUMNS,
    RecordFilter,
    RecordRow,
    order_clause,
    row_from_tuple,
    where_clause,
)
from stancetracker.core.model.stored_values import date_problem, stored_date, stored_text, visible
from stancetracker.core.model.text import name_key, unique_slug


def default_user() -> str:
    """The coder name used when none is given: $STANCETRACKER_CODER or the login name."""
    env = os.environ.get("STANCETRACKER_CODER", "").strip()
    if env:
        return env
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass
class HistoryEntry:
    """One recorded change of one entity."""

    id: int
    op_id: int
    at: str
    user: str
    op_kind: str
    summary: str
    action: str
    before: dict | None
    after: dict | None


class ActorMatcher:
    """Finds actors by slug, name or alias, ignoring case, diacritics and ``al-``."""

    def __init__(self, actors: list[Actor]):
        self.by_slug = {a.slug: a for a in actors}
        self._keys: dict[str, set[str]] = {}
        for a in actors:
            for n in [a.slug, a.name, *a.aliases]:
                k = name_key(n)
                if k:
                    self._keys.setdefault(k, set()).add(a.slug)

    def find(self, text: str) -> list[str]:
        """Slugs of every actor the text may name (more than one means ambiguous)."""
        if text in self.by_slug:
            return [text]
        return sorted(self._keys.get(name_key(text), ()))

    def add(self, actor: Actor) -> None:
        self.by_slug[actor.slug] = actor
        for n in [actor.slug, actor.name, *actor.aliases]:
            self._keys.setdefault(name_key(n), set()).add(actor.slug)


# (operation id, summary) of every operation this process has committed: an interruption
# after a COMMIT must be reported as a saved change, not as "nothing was changed".
COMMITTED: list[tuple[int, str]] = []


class Store:
    """A stancetracker database. Open with :meth:`open`; close when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, *, readonly: bool = False,
                 user: str | None = None, created: bool = False):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.user = user or default_user()
        self.created = created
        self.foreign_file: object | None = None  # a ForeignFile this store reads through, kept open with it
        self._op_id: int | None = None
        self._counts: tuple | None = None
        self._fault: BaseException | None = None  # what ended the operation's transaction, if SQLite did
        # Issue 6: imports and merges back the file up first (backup_before); False turns that off.
        self.auto_backup = True

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False, create: bool = True,
             user: str | None = None) -> "Store":
        """Open a database (creating an empty one if it does not exist), migrating it after a backup copy.

        This is the bare file; core/project.py's ``open_project`` also backs an
        existing file up on opening and seeds a new one.
        """
        conn, created, ro = open_connection(path, readonly=readonly, create=create,
                                            backup=backups.migration_backup)
        return cls(conn, None if str(path) == ":memory:" else Path(path), readonly=ro,
                   user=user, created=created)

    def backup_before(self, reason: str) -> backups.BackupInfo | None:
        """Back the file up before an import or merge (issue 6), unless it is read-only, in memory,
        inside an operation, has ``auto_backup`` off, or its newest backup holds this state."""
        if self.path is None or self.readonly or self._op_id is not None or not self.auto_backup:
            return None
        return backups.backup_if_changed(self.path, reason)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------- transactions
    @contextlib.contextmanager
    def operation(self, kind: str, summary: str = "", details: dict | None = None, *,
                  check_references: bool = True) -> Iterator[int]:
        """One atomic change: a transaction plus its operation row; nests as a savepoint.

        ``check_references=False`` leaves SQLite's foreign-key checks off for
        the transaction, for a caller whose every reference comes from rows it
        read inside it (a big import: ~0.5 s per million records). SQLite
        switches the checks only between transactions, so it applies to an
        outermost operation alone.
        """
        if self.readonly:
            raise DatabaseError(f"{self.path}: the database is open read-only; nothing was changed")
        if self._op_id is not None:
            yield from self._nested()
            return
        if not check_references:
            self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            self.conn.execute("PRAGMA foreign_keys = ON")
            raise DatabaseError(describe_sqlite_error(self.path, err)) from None
        committing = False
        try:
            self._op_id = audit.start_operation(self.conn, self.user, kind, summary, details, utc_now())
            yield self._op_id
            self.check_transaction()
            committing = True
            self.conn.execute("COMMIT")
            COMMITTED.append((self._op_id, summary or kind))
        except sqlite3.Error as err:
            self._rollback()
            if isinstance(err, sqlite3.IntegrityError) and self._fault is None:
                raise
            raise DatabaseError(_unsaved(self.path, self._fault or err)) from None
        except BaseException:
            if committing and not self.conn.in_transaction and (self._op_id, summary or kind) not in COMMITTED:
                # Ctrl-C just after COMMIT returned: the change is saved, and must be reported so.
                COMMITTED.append((self._op_id, summary or kind))
            self._rollback()
            if self._fault is not None:  # whatever the caller made of it, the cause is SQLite's
                raise DatabaseError(_unsaved(self.path, self._fault)) from None
            raise
        finally:
            self._op_id = None
            self._fault = None
            if not check_references:
                self.conn.execute("PRAGMA foreign_keys = ON")

    def _nested(self) -> Iterator[int]:
        """An operation inside another: a savepoint, unless SQLite has already ended the transaction."""
        self.check_transaction()
        self.conn.execute("SAVEPOINT nested_op")
        try:
            yield self._op_id  # type: ignore[misc]
        except BaseException as err:
            if isinstance(err, sqlite3.Error) and not self.conn.in_transaction:
                self.fault(err)
            if self.conn.in_transaction:  # else there is no savepoint left to roll back to (issue 12)
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK TO nested_op")
                    self.conn.execute("RELEASE nested_op")
            raise
        self.check_transaction()
        self.conn.execute("RELEASE nested_op")

    def fault(self, err: BaseException) -> None:
        """Note that SQLite ended the operation's transaction because of ``err`` (the first one counts)."""
        if self._op_id is not None and self._fault is None:
            self._fault = err

    def check_transaction(self) -> None:
        """Raise if SQLite has rolled back the operation's transaction (disk full, I/O error ...).

        SQLite does so on its own for some errors; a statement run after that
        would be committed on its own, outside the operation (issue 12).
        """
        if self._op_id is None or self.conn.in_transaction:
            return
        err = self._fault or sqlite3.OperationalError("SQLite ended the change before it was complete")
        self._fault = err
        raise DatabaseError(_unsaved(self.path, err)) from None

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    @property
    def op_id(self) -> int | None:
        """The id of the operation under way, or None outside one."""
        return self._op_id

    def log(self, entity: str, entity_id: int, action: str, before: audit.State, after: audit.State) -> None:
        """Record one change of one entity in the history of the operation under way."""
        audit.log_change(self.conn, self._op_id, entity, entity_id, action, before, after)

    def record_json(self, rid: int) -> str:
        """A record's state as its history keeps it (JSON text)."""
        return audit.record_state(self.conn, rid)

    # ------------------------------------------------------------- dimensions
    def dimensions(self) -> list[Dimension]:
        rows = self.conn.execute(
            "SELECT slug, label, question, neg_label, pos_label, neg_pole, pos_pole, codebook, position, id "
            "FROM dimensions ORDER BY position, label").fetchall()
        return [Dimension(*map(stored_text, r[:8]), r[8], r[9]) for r in rows]

    def dimension(self, slug_or_label: str) -> Dimension:
        for d in self.dimensions():
            if d.slug == slug_or_label or name_key(d.label) == name_key(slug_or_label):
                return d
        raise NotFound(f"no dimension {slug_or_label!r}; known: {', '.join(d.slug for d in self.dimensions())}")

    def add_dimension(self, dim: Dimension) -> Dimension:
        dim.validate()
        if any(d.slug == dim.slug for d in self.dimensions()):
            raise ValidationError("slug", f"a dimension {dim.slug!r} already exists")
        if not dim.position:
            dim.position = max([d.position for d in self.dimensions()] + [0]) + 1
        with self.operation("create", f"dimension {dim.slug}"):
            cur = self.conn.execute(
                "INSERT INTO dimensions (slug, label, question, neg_label, pos_label, neg_pole, pos_pole, codebook, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [dim.slug, dim.label, dim.question, dim.neg_label, dim.pos_label, dim.neg_pole,
                 dim.pos_pole, dim.codebook, dim.position])
            dim.id = cur.lastrowid
            self.log("dimension", dim.id, "create", None, audit.public_state(dim))
        return dim

    def update_dimension(self, slug: str, **changes) -> Dimension:
        old = self.dimension(slug)
        new = Dimension(**{**audit.public_state(old), **changes, "id": old.id}).validate()
        if new.slug != old.slug:
            raise ValidationError("slug", "a dimension's slug cannot change (records and files refer to it)")
        with self.operation("edit", f"dimension {slug}"):
            self.conn.execute(
                "UPDATE dimensions SET label=?, question=?, neg_label=?, pos_label=?, neg_pole=?, pos_pole=?, "
                "codebook=?, position=? WHERE id=?",
                [new.label, new.question, new.neg_label, new.pos_label, new.neg_pole, new.pos_pole,
                 new.codebook, new.position, old.id])
            self.log("dimension", old.id, "edit", audit.public_state(old), audit.public_state(new))
        return new

    # ----------------------------------------------------------------- actors
    def actors(self, kind: str | None = None) -> list[Actor]:
        aliases: dict[int, list[str]] = {}
        for aid, alias in self.conn.execute("SELECT actor_id, alias FROM actor_aliases ORDER BY id"):
            aliases.setdefault(aid, []).append(alias)
        sql = "SELECT slug, name, kind, colour, description, id FROM actors"
        params: list = []
        if kind:
            sql += " WHERE kind = ?"
            params.append(kind)
        rows = self.conn.execute(sql + " ORDER BY name COLLATE NOCASE", params).fetchall()
        return [Actor(slug=stored_text(s), name=stored_text(n), kind=stored_text(k), colour=stored_text(c),
                      description=stored_text(d), aliases=[stored_text(x) for x in aliases.get(i, [])], id=i)
                for s, n, k, c, d, i in rows]

    def actor_matcher(self) -> ActorMatcher:
        return ActorMatcher(self.actors())

    def actor(self, text: str) -> Actor:
        """An actor by slug, name or alias."""
        matcher = self.actor_matcher()
        found = matcher.find(text)
        if not found:
            raise NotFound(f"no actor {text!r} (by slug, name or alias)")
        if len(found) > 1:
            raise NotFound(f"{text!r} could name several actors: {', '.join(found)}; use the slug")
        return matcher.by_slug[found[0]]

    def add_actor(self, actor: Actor) -> Actor:
        actor.validate()
        self._check_actor_names(actor)
        if not actor.colour:
            actor.colour = _palette_colour(self.conn.execute("SELECT count(*) FROM actors").fetchone()[0])
        with self.operation("create", f"actor {actor.slug}"):
            self.insert_actor(actor)
        return actor

    def insert_actor(self, actor: Actor) -> None:
        """Add an actor and its aliases inside the operation under way; no checks."""
        cur = self.conn.execute(
            "INSERT INTO actors (slug, name, kind, colour, description) VALUES (?, ?, ?, ?, ?)",
            [actor.slug, actor.name, actor.kind, actor.colour, actor.description])
        actor.id = cur.lastrowid
        self.conn.executemany("INSERT INTO actor_aliases (actor_id, alias) VALUES (?, ?)",
                              [(actor.id, a) for a in actor.aliases])
        self.log("actor", actor.id, "create", None, audit.public_state(actor))

    def _check_actor_names(self, actor: Actor, ignore: str | None = None) -> None:
        matcher = self.actor_matcher()
        if actor.slug in matcher.by_slug and actor.slug != ignore:
            raise ValidationError("slug", f"an actor {actor.slug!r} already exists")
        for fld, names in (("name", [actor.name]), ("aliases", actor.aliases)):
            for n in names:
                clash = [s for s in matcher.find(n) if s != (ignore or actor.slug)]
                if clash:
                    raise ValidationError(fld, f"{n!r} already names the actor {clash[0]!r}")

    def update_actor(self, slug: str, **changes) -> Actor:
        old = self.actor(slug)
        new = Actor(**{**audit.public_state(old), **changes, "id": old.id}).validate()
        if new.slug != old.slug:
            raise ValidationError("slug", "an actor's slug cannot change (records and files refer to it)")
        self._check_actor_names(new, ignore=old.slug)
        with self.operation("edit", f"actor {slug}"):
            self.conn.execute("UPDATE actors SET name=?, kind=?, colour=?, description=? WHERE id=?",
                              [new.name, new.kind, new.colour, new.description, old.id])
            self.conn.execute("DELETE FROM actor_aliases WHERE actor_id = ?", [old.id])
            self.conn.executemany("INSERT INTO actor_aliases (actor_id, alias) VALUES (?, ?)",
                                  [(old.id, a) for a in new.aliases])
            self.log("actor", old.id, "edit", audit.public_state(old), audit.public_state(new))
        return new

    def unique_actor_slug(self, name: str) -> str:
        taken = {r[0] for r in self.conn.execute("SELECT slug FROM actors")}
        return unique_slug(name, taken, "actor")

    # ------------------------------------------------------------ memberships
    def memberships(self, actor: str | None = None) -> list[Membership]:
        sql = ("SELECT m.id, am.slug, ag.slug, m.role, m.start, m.start_precision, m.\"end\", m.end_precision, m.note "
               "FROM memberships m JOIN actors am ON am.id = m.member_id JOIN actors ag ON ag.id = m.group_id")
        params: list = []
        if actor:
            sql += " WHERE am.slug = ? OR ag.slug = ?"
            params = [actor, actor]
        out = []
        for mid, member, group, role, start, sp, end, ep, note in self.conn.execute(sql + " ORDER BY m.start, m.id", params):
            out.append(Membership(member=stored_text(member), group=stored_text(group), role=stored_text(role),
                                  start=_date(start, sp), end=_date(end, ep), note=stored_text(note), id=mid))
        return out

    def add_membership(self, m: Membership) -> Membership:
        m.validate()
        ids = self.slug_ids()["actors"]
        for fld in ("member", "group"):
            if getattr(m, fld) not in ids:
                raise ValidationError(fld, f"no actor {getattr(m, fld)!r}")
        with self.operation("create", f"membership {m.member} in {m.group}"):
            cur = self.conn.execute(
                "INSERT INTO memberships (member_id, group_id, role, start, start_precision, \"end\", end_precision, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [ids[m.member], ids[m.group], m.role, m.start.iso if m.start else None,
                 m.start.precision if m.start else None, m.end.iso if m.end else None,
                 m.end.precision if m.end else None, m.note])
            m.id = cur.lastrowid
            self.log("membership", m.id, "create", None, audit.public_state(m))
        return m

    def delete_membership(self, membership_id: int) -> None:
        old = [m for m in self.memberships() if m.id == membership_id]
        if not old:
            raise NotFound(f"no membership {membership_id}")
        with self.operation("delete", f"membership {old[0].member} in {old[0].group}"):
            self.conn.execute("DELETE FROM memberships WHERE id = ?", [membership_id])
            self.log("membership", membership_id, "delete", audit.public_state(old[0]), None)

    # ---------------------------------------------------------------- sources
    def sources(self) -> list[Source]:
        rows = self.conn.execute(
            "SELECT slug, title, publisher, author, url, published, published_precision, kind, language, id "
            "FROM sources ORDER BY title COLLATE NOCASE").fetchall()
        return [Source(slug=stored_text(s), title=stored_text(t), publisher=stored_text(p), author=stored_text(a),
                       url=stored_text(u), published=_date(pub, pp), kind=stored_text(k),
                       language=stored_text(lang), id=i)
                for s, t, p, a, u, pub, pp, k, lang, i in rows]

    def source(self, slug: str, with_text: bool = False) -> Source:
        for s in self.sources():
            if s.slug == slug:
                if with_text:
                    s.text = stored_text(self.conn.execute("SELECT text FROM sources WHERE id = ?", [s.id]).fetchone()[0])
                return s
        raise NotFound(f"no source {slug!r}")

    def add_source(self, src: Source) -> Source:
        src.validate()
        if self.conn.execute("SELECT 1 FROM sources WHERE slug = ?", [src.slug]).fetchone():
            raise ValidationError("slug", f"a source {src.slug!r} already exists")
        with self.operation("create", f"source {src.slug}"):
            self.insert_source(src)
        return src

    def insert_source(self, src: Source) -> None:
        """Add a source inside the operation under way; no checks."""
        cur = self.conn.execute(
            "INSERT INTO sources (slug, title, publisher, author, url, published, published_precision, kind, language, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [src.slug, src.title, src.publisher, src.author, src.url,
             src.published.iso if src.published else None,
             src.published.precision if src.published else None, src.kind, src.language, src.text])
        src.id = cur.lastrowid
        self.log("source", src.id, "create", None, audit.public_state(src, skip=("text",)))

    def update_source(self, slug: str, **changes) -> Source:
        old = self.source(slug, with_text=True)
        new = dataclasses.replace(old, **changes)
        if isinstance(new.published, str):
            new.published = check_date("published", new.published, required=False)
        if "published" not in changes and old.published is None:
            stored = self.conn.execute("SELECT published, published_precision FROM sources WHERE id = ?",
                                       [old.id]).fetchone()
            if stored[0] is not None and date_problem(*stored):
                # Saving would silently erase it: the user decides what the date is.
                raise ValidationError("published", f"the stored date {visible(stored[0], 40)!r} is not a date "
                                      "(it was written by another program); give the publication date, or an "
                                      "empty one to clear it")
        new.validate()
        if new.slug != old.slug:
            raise ValidationError("slug", "a source's slug cannot change (records and files refer to it)")
        with self.operation("edit", f"source {slug}"):
            self.conn.execute(
                "UPDATE sources SET title=?, publisher=?, author=?, url=?, published=?, published_precision=?,"
                " kind=?, language=?, text=? WHERE id=?",
                [new.title, new.publisher, new.author, new.url, new.published.iso if new.published else None,
                 new.published.precision if new.published else None, new.kind, new.language, new.text, old.id])
            self.log("source", old.id, "edit", audit.public_state(old, skip=("text",)), audit.public_state(new, skip=("text",)))
        return new

    def unique_source_slug(self, title: str) -> str:
        taken = {r[0] for r in self.conn.execute("SELECT slug FROM sources")}
        return unique_slug(title, taken, "source", max_len=60)

    # ----------------------------------------------------------------- events
    def events(self) -> list[Event]:
        rows = self.conn.execute(
            "SELECT e.slug, e.date, e.date_precision, e.label, e.description, s.slug, e.id "
            "FROM events e LEFT JOIN sources s ON s.id = e.source_id ORDER BY e.date, e.id").fetchall()
        # An event whose stored date is no date has nowhere to be drawn; it keeps date None
        # (a save must then give one) and `check` lists it.
        return [Event(slug=stored_text(sl), date=_date(d, p), label=stored_text(lab), description=stored_text(desc),
                      source=src, id=i)
                for sl, d, p, lab, desc, src, i in rows]

    def add_event(self, ev: Event) -> Event:
        ev.validate()
        if self.conn.execute("SELECT 1 FROM events WHERE slug = ?", [ev.slug]).fetchone():
            raise ValidationError("slug", f"an event {ev.slug!r} already exists")
        src_id = None
        if ev.source:
            src_id = self.slug_ids()["sources"].get(ev.source)
            if src_id is None:
                raise ValidationError("source", f"no source {ev.source!r}")
        with self.operation("create", f"event {ev.slug}"):
            cur = self.conn.execute(
                "INSERT INTO events (slug, date, date_precision, label, description, source_id) VALUES (?, ?, ?, ?, ?, ?)",
                [ev.slug, ev.date.iso, ev.date.precision, ev.label, ev.description, src_id])
            ev.id = cur.lastrowid
            self.log("event", ev.id, "create", None, audit.public_state(ev))
        return ev

    def update_event(self, slug: str, **changes) -> Event:
        olds = [e for e in self.events() if e.slug == slug]
        if not olds:
            raise NotFound(f"no event {slug!r}")
        old = olds[0]
        new = dataclasses.replace(old, **changes)
        if isinstance(new.date, str):
            new.date = check_date("date", new.date)
        new.validate()
        if new.slug != old.slug:
            raise ValidationError("slug", "an event's slug cannot change")
        src_id = None
        if new.source:
            src_id = self.slug_ids()["sources"].get(new.source)
            if src_id is None:
                raise ValidationError("source", f"no source {new.source!r}")
        with self.operation("edit", f"event {slug}"):
            self.conn.execute("UPDATE events SET date=?, date_precision=?, label=?, description=?, source_id=? WHERE id=?",
                              [new.date.iso, new.date.precision, new.label, new.description, src_id, old.id])
            self.log("event", old.id, "edit", audit.public_state(old), audit.public_state(new))
        return new

    def delete_event(self, slug: str) -> None:
        olds = [e for e in self.events() if e.slug == slug]
        if not olds:
            raise NotFound(f"no event {slug!r}")
        with self.operation("delete", f"event {slug}"):
            self.conn.execute("DELETE FROM events WHERE id = ?", [olds[0].id])
            self.log("event", olds[0].id, "delete", audit.public_state(olds[0]), None)

    # ---------------------------------------------------------------- records
    def slug_ids(self) -> dict[str, dict[str, int]]:
        """Slug -> row id for actors, dimensions and sources."""
        # Keyed by the slug as actors() and the rest show it (stored_text), so a
        # slug another program stored as a BLOB is still found by what is shown.
        return {t: {stored_text(slug): i for slug, i in self.conn.execute(f"SELECT slug, id FROM {t}")}
                for t in ("actors", "dimensions", "sources")}

    def _resolve(self, rec: Record) -> tuple[int, int, int | None]:
        ids = self.slug_ids()
        try:
            actor_id = ids["actors"][rec.actor]
        except KeyError:
            raise ValidationError("actor", f"no actor {rec.actor!r}") from None
        try:
            dim_id = ids["dimensions"][rec.dimension]
        except KeyError:
            raise ValidationError("dimension", f"no dimension {rec.dimension!r}") from None
        src_id = None
        if rec.source:
            src_id = ids["sources"].get(rec.source)
            if src_id is None:
                raise ValidationError("source", f"no source {rec.source!r}")
        return actor_id, dim_id, src_id

    def add_record(self, rec: Record) -> RecordRow:
        """Validate and save a new record; returns it as stored."""
        if not rec.coder:
            rec.coder = self.user
        rec.validate()
        actor_id, dim_id, src_id = self._resolve(rec)
        now = utc_now()
        with self.operation("create", f"record {rec.uuid}"):
            try:
                rid = audit.insert_record(self.conn, [
                    rec.uuid, actor_id, dim_id, rec.date.iso, rec.date.precision, rec.score, rec.confidence,
                    src_id, rec.locator, rec.evidence, rec.coder, rec.created_at or now, rec.updated_at or now])
            except sqlite3.IntegrityError:
                raise ValidationError("uuid", f"a record {rec.uuid} already exists") from None
            self.log("record", rid, "create", None, self.record_json(rid))
        return self.record(rec.uuid)

    def record(self, uuid: str) -> RecordRow:
        row = self.conn.execute(f"SELECT {ROW_COLUMNS} FROM {RECORD_FROM} WHERE r.uuid = ?", [uuid]).fetchone()
        if row is None:
            raise NotFound(f"no record {uuid}")
        return row_from_tuple(row)

    def update_record(self, uuid: str, expected_version: int, **changes) -> RecordRow:
        """Apply changes to a record read at ``expected_version``.

        Raises ConflictError if it has changed since (someone else saved it).
        """
        bad = set(changes) - set(_RECORD_FIELDS[:-1])
        if bad:
            raise ValidationError(sorted(bad)[0], "cannot be changed")
        with self.operation("edit", f"record {uuid}"):
            current = self.record(uuid)
            if current.version != expected_version:
                raise ConflictError(uuid, expected_version, current.version)
            fields = {f: getattr(current, f) for f in _RECORD_FIELDS}
            fields.update(changes)
            new = Record(**fields).validate()
            actor_id, dim_id, src_id = self._resolve(new)
            before = self.record_json(current.id)
            changed = audit.write_record(
                self.conn, current.id, [actor_id, dim_id, new.date.iso, new.date.precision, new.score,
                                        new.confidence, src_id, new.locator, new.evidence, new.coder],
                utc_now(), expected_version=expected_version)
            if changed != 1:  # pragma: no cover - guarded by the IMMEDIATE transaction
                raise ConflictError(uuid, expected_version, None)
            self.log("record", current.id, "edit", before, self.record_json(current.id))
        return self.record(uuid)

    def _set_deleted(self, uuid: str, deleted: bool, expected_version: int | None) -> RecordRow:
        action = "delete" if deleted else "restore"
        with self.operation(action, f"record {uuid}"):
            current = self.record(uuid)
            if expected_version is not None and current.version != expected_version:
                raise ConflictError(uuid, expected_version, current.version)
            if current.deleted == deleted:
                raise StanceError(f"record {uuid} is {'already in the trash' if deleted else 'not in the trash'}")
            before = self.record_json(current.id)
            audit.set_deleted(self.conn, current.id, deleted, utc_now())
            self.log("record", current.id, action, before, self.record_json(current.id))
        return self.record(uuid)

    def delete_record(self, uuid: str, expected_version: int | None = None) -> RecordRow:
        """Move a record to the trash (soft delete)."""
        return self._set_deleted(uuid, True, expected_version)

    def restore_record(self, uuid: str, expected_version: int | None = None) -> RecordRow:
        """Bring a record back from the trash."""
        return self._set_deleted(uuid, False, expected_version)

    def records(self, flt: RecordFilter | None = None, *, sort: str = "date", descending: bool = False,
                limit: int | None = None, offset: int = 0) -> list[RecordRow]:
        """Records matching a filter, as rows with names; pages with limit/offset."""
        where, params = self.filter_sql(flt or RecordFilter())
        sql = f"SELECT {ROW_COLUMNS} FROM {RECORD_FROM} WHERE {where} ORDER BY {order_clause(sort, descending)}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [row_from_tuple(t) for t in self.conn.execute(sql, params)]

    def record_ids(self, flt: RecordFilter | None = None, *, sort: str = "date",
                   descending: bool = False):
        """Row ids of the matching records in display order, as an int64 array.

        Lets a view page through a million records by id without OFFSET scans.
        """
        import numpy as np  # kept out of start-up: the CLI opens stores without NumPy (issue 13)
        where, params = self.filter_sql(flt or RecordFilter())
        joins = RECORD_FROM if sort in ("actor", "dimension", "source") else "records r"
        # One comma-joined string parsed by NumPy: a million ids without a million Python tuples.
        text = self.conn.execute(
            f"SELECT group_concat(id) FROM (SELECT r.id AS id FROM {joins} WHERE {where} "
            f"ORDER BY {order_clause(sort, descending)})", params).fetchone()[0]
        if not text:
            return np.array([], dtype=np.int64)
        return np.array(text.split(","), dtype=np.int64)

    def rows_by_id(self, ids) -> list[RecordRow]:
        """Records for the given row ids, in the order given."""
        ids = [int(i) for i in ids]
        if not ids:
            return []
        found: dict[int, RecordRow] = {}
        for i in range(0, len(ids), 900):
            part = ids[i:i + 900]
            for t in self.conn.execute(
                    f"SELECT {ROW_COLUMNS} FROM {RECORD_FROM} WHERE r.id IN ({','.join('?' * len(part))})", part):
                row = row_from_tuple(t)
                found[row.id] = row
        return [found[i] for i in ids if i in found]

    def coders(self) -> list[str]:
        """Everyone who has coded a record here."""
        # A skip-scan over the coder index: one index probe per coder, not a table scan.
        return [r[0] for r in self.conn.execute(
            "WITH RECURSIVE c(x) AS (SELECT min(coder) FROM records UNION ALL "
            "SELECT (SELECT min(coder) FROM records WHERE coder > c.x) FROM c WHERE c.x IS NOT NULL) "
            "SELECT x FROM c WHERE x IS NOT NULL")]

    def record_counts(self) -> tuple[int, int]:
        """(live records, records in the trash), in one pass; remembered until the data changes."""
        key = (self.conn.total_changes, self.data_version())
        if self._counts is not None and self._counts[0] == key:
            return self._counts[1]
        self._counts = (key, self._count_live_and_trash())
        return self._counts[1]

    def _count_live_and_trash(self) -> tuple[int, int]:
        live = trash = 0
        for deleted, n in self.conn.execute("SELECT deleted, count(*) FROM records GROUP BY deleted"):
            if deleted == 0:
                live += n
            else:  # as in the filters: any other stored flag is the trash
                trash += n
        return live, trash

    def data_version(self) -> int:
        """Changes when another connection commits; cheap enough to poll."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def count(self, flt: RecordFilter | None = None) -> int:
        where, params = self.filter_sql(flt or RecordFilter())
        return self.conn.execute(f"SELECT count(*) FROM records r WHERE {where}", params).fetchone()[0]

    def filter_sql(self, flt: RecordFilter) -> tuple[str, list]:
        """The WHERE clause (over ``records r``) and its parameters for a filter; unknown slugs are NotFound."""
        ids = self.slug_ids()
        for kind, slugs in (("actors", flt.actors), ("dimensions", flt.dimensions)):
            missing = [s for s in slugs if s not in ids[kind]]
            if missing:
                raise NotFound(f"no {kind[:-1]} {missing[0]!r}")
        return where_clause(flt, ids)

    # ---------------------------------------------------------------- history
    def history(self, uuid: str) -> list[HistoryEntry]:
        """Every recorded change of a record, oldest first."""
        rec = self.record(uuid)
        rows = self.conn.execute(
            "SELECT h.id, h.op_id, o.at, o.user, o.kind, o.summary, h.action, h.before, h.after "
            "FROM history h JOIN operations o ON o.id = h.op_id "
            "WHERE h.entity = 'record' AND h.entity_id = ? ORDER BY h.id", [rec.id]).fetchall()
        entries = [HistoryEntry(i, op, stored_text(at), stored_text(user), stored_text(kind), stored_text(summ),
                                stored_text(action), _json_state(b), _json_state(a))
                   for i, op, at, user, kind, summ, action, b, a in rows]
        # Imports store no "after": it is the next change's "before", or the record now.
        for k, e in enumerate(entries):
            if e.after is None and e.action == "import":
                nxt = entries[k + 1].before if k + 1 < len(entries) else None
                e.after = nxt if nxt is not None else _json_state(self.record_json(rec.id))
        return entries

    def date_range(self) -> tuple[str | None, str | None]:
        """First and last real date (ISO) among the live records; a stored date that is none is passed over."""
        ends = []
        for order, agg in (("ASC", "min"), ("DESC", "max")):
            value = self.conn.execute(f"SELECT {agg}(date) FROM records WHERE deleted = 0").fetchone()[0]
            if value is not None and date_problem(value, "day"):
                # Rare (a file written by another program): walk the (deleted, date) index from that end.
                value = next((v for (v,) in self.conn.execute(
                    f"SELECT DISTINCT date FROM records WHERE deleted = 0 ORDER BY date {order}")
                    if not date_problem(v, "day")), None)
            ends.append(value)
        return ends[0], ends[1]

    def invalid_date_count(self) -> int:
        """How many live records have a stored date that is no date (a scan of the date index)."""
        return sum(n for value, n in self.conn.execute(
            "SELECT date, count(*) FROM records WHERE deleted = 0 GROUP BY date") if date_problem(value, "day"))

    def stats(self) -> dict:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]
        live, in_trash = self.record_counts()
        first, last = self.date_range()
        return {
            "records": live,
            "in_trash": in_trash,
            "actors": q("SELECT count(*) FROM actors"),
            "dimensions": q("SELECT count(*) FROM dimensions"),
            "sources": q("SELECT count(*) FROM sources"),
            "events": q("SELECT count(*) FROM events"),
            "coders": len(self.coders()),
            "first_date": first,
            "last_date": last,
            "changes": q("SELECT count(*) FROM operations"),
        }


def _unsaved(path: Path | None, err: BaseException) -> str:
    """The message for an operation that failed on ``err``: what happened, and that nothing was saved."""
    text = describe_sqlite_error(path, err) if isinstance(err, sqlite3.Error) else f"{path}: {err}"
    return text if "nothing was saved" in text else f"{text} — nothing was saved"


_RECORD_FIELDS = ("actor", "dimension", "date", "score", "confidence", "source", "locator",
                  "evidence", "coder", "uuid")

_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]


def _palette_colour(n: int) -> str:
    return _PALETTE[n % len(_PALETTE)]


def _date(value: object, precision: object) -> PartialDate | None:
    """A stored optional date as a PartialDate; None when empty or when it is no date (check lists those)."""
    if value is None or value == "":
        return None
    try:
        return stored_date(value, precision)
    except ValueError:
        return None


def _json_state(text: object) -> dict | None:
    """A history row's before/after; a value that is not a JSON object is kept as text, not fatal."""
    if text is None or text == "":
        return None
    try:
        state = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return {"unreadable": visible(text, 200)}
    return state if isinstance(state, dict) else {"unreadable": visible(text, 200)}




__all__ = ["ActorMatcher", "HistoryEntry", "Store", "check_text", "default_user"]
