"""Merging a colleague's work: another stancetracker database, or a CSV in our export layout.

The other database is a file made elsewhere (issue 12): it is read read-only
with nothing left beside it, refused if its schema holds objects we did not
make, and every row it offers is checked by the rules of stored_values; rows
that break one are listed in ``plan.refused`` and never merged.

:func:`plan_merge` compares without changing anything: records are matched
by UUID (new / identical / conflicting), actors, dimensions and sources by
slug (missing here / different). :func:`apply_merge` then makes the whole
merge one operation in one transaction, after a backup: new records and
missing reference rows are added, a conflict is resolved to *their* side only
when the caller says so, and every row it adds or changes gets a history row
(action ``merge``), so ``revert.revert_operation`` can undo it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stancetracker.core.files import outputs
from stancetracker.core.db import merging
from stancetracker.core.db.merge_links import TheirLinks, add_links, pending, their_links
from stancetracker.core.db.audit import log_records_after, public_state, set_summary, write_record
from stancetracker.core.db.backups import copy_verified, migration_backup, state_key
from stancetracker.core.exchange.csv_reader import CsvReader
from stancetracker.core.db.connection import (
    SQLITE_HEADER,
    Connection,
    check_file,
    open_connection,
    plain_errors,
    schema_state,
)
from stancetracker.core.model.dates import utc_now
from stancetracker.core.model.progress import Progress, tick
from stancetracker.core.model.errors import ConflictError, DatabaseError, StanceError, ValidationError
from stancetracker.core.db.foreign import ForeignFile, bounded, open_foreign
from stancetracker.core.model.entities import Actor, Dimension, Source
from stancetracker.core.model.fields import CONTENT_FIELDS, SHOWN_STATE
from stancetracker.core.db.schema import SCHEMA_VERSION
from stancetracker.core.db.schema_audit import audit, harmful, refusal
from stancetracker.core.db.store import Store
from stancetracker.core.db.stored_rows import read_actors, read_dimensions, read_source_text, read_sources
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.model.stored_values import (
    Problem,
    actor_problems,
    alias_problems,
    describe,
    dimension_problems,
    record_problems,
    source_problems,
    stored_date,
)

_LIMITS = merging.TEXT_LIMITS
_KEYS = tuple(key for key, _ in SHOWN_STATE)
_REF_FIELDS = {"dimensions": ("label", "question", "neg_label", "pos_label", "neg_pole", "pos_pole", "codebook"),
               "actors": ("name", "kind", "aliases", "description"),
               "sources": ("title", "publisher", "author", "url", "published", "kind", "language")}
CHUNK = 5000
REFUSED_KEPT = 1000  # refused rows whose details a plan keeps; the rest are counted (a hostile file may hold millions)


@dataclass
class RecordConflict:
    """One UUID on both sides with different content; ``fields`` names what differs."""

    uuid: str
    ours: dict
    theirs: dict
    fields: list[str]


@dataclass
class RefDifference:
    """An actor, dimension or source: missing here (``new``, will be added) or ``different`` (ours kept)."""

    table: str
    slug: str
    status: str
    ours: dict | None
    theirs: dict
    fields: list[str] = field(default_factory=list)
    note: str = ""

    def describe(self) -> str:
        kind = self.table[:-1]
        if self.status == "new":
            name = self.theirs.get("name") or self.theirs.get("label") or self.theirs.get("title") or ""
            return f"{kind} {self.slug} ({name}): not here; will be added{'; ' + self.note if self.note else ''}"
        diffs = "; ".join(f"{f}: ours {_short(self.ours.get(f))}, theirs {_short(self.theirs.get(f))}"
                          for f in self.fields)
        return f"{kind} {self.slug} differs (ours is kept): {diffs}"


@dataclass
class RefusedRow:
    """A row of the other file that breaks our rules: it is not merged (issue 12)."""

    table: str
    key: str
    problems: list[Problem]

    def describe(self) -> str:
        return f"{self.table} {self.key}: {describe(self.problems)}"


@dataclass
class MergePlan:
    """What a merge would do; nothing is changed until :func:`apply_merge`."""

    other: Path
    kind: str
    new: list[dict] = field(default_factory=list)
    identical: int = 0
    conflicts: list[RecordConflict] = field(default_factory=list)
    references: list[RefDifference] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)  # the first REFUSED_KEPT of them
    refused_count: int = 0
    base: tuple = ()
    _to_add: dict = field(default_factory=dict, repr=False)
    links: TheirLinks = field(default_factory=TheirLinks, repr=False)  # their studies and passages

    def refuse(self, row: RefusedRow) -> None:
        """Count a refused row; keep its details while there are fewer than REFUSED_KEPT."""
        self.refused_count += 1
        if len(self.refused) < REFUSED_KEPT:
            self.refused.append(row)

    def summary(self) -> str:
        new_refs = [r for r in self.references if r.status == "new"]
        diff_refs = [r for r in self.references if r.status == "different"]
        parts = [f"{len(self.new):,} new record{'s' if len(self.new) != 1 else ''}",
                 f"{self.identical:,} identical", f"{len(self.conflicts):,} in conflict"]
        if new_refs:
            parts.append(f"{len(new_refs)} actor/dimension/source rows to add")
        if diff_refs:
            parts.append(f"{len(diff_refs)} that differ (ours kept)")
        if self.refused_count:
            parts.append(f"{self.refused_count:,} row{'s' if self.refused_count != 1 else ''} refused (they break "
                         "the rules)")
        return f"{self.other.name}: " + ", ".join(parts)


@dataclass
class MergeResult:
    op_id: int | None  # None: there was nothing to merge, so no operation was recorded
    added: int = 0
    taken_theirs: int = 0
    kept_ours: int = 0
    identical: int = 0
    references_added: int = 0
    backup: Path | None = None

    def summary(self) -> str:
        if self.op_id is None:
            return f"nothing to merge ({self.identical:,} identical, {self.kept_ours:,} conflicts kept ours)"
        return (f"{self.added:,} records added, {self.taken_theirs:,} conflicts resolved to theirs, "
                f"{self.kept_ours:,} kept ours, {self.identical:,} identical skipped, "
                f"{self.references_added} actors/dimensions/sources added (operation {self.op_id})")


def _short(v) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "…'"


def _ours_by_uuid(conn: Connection, uuids: list[str]) -> dict[str, dict]:
    out = {}
    for t in merging.rows_by_uuid(conn, merging.RECORD_SELECT, uuids):
        d = dict(zip(_KEYS, t))
        d["deleted"] = bool(d["deleted"])
        out[d["uuid"]] = d
    return out


def _differs(a: dict, b: dict) -> list[str]:
    return [f for f in CONTENT_FIELDS if (a.get(f) or None) != (b.get(f) or None)
            and not (f == "score" and a[f] == b[f])]


def _ref_dict(table: str, item) -> dict:
    d = public_state(item, skip=("text", "position", "colour"))
    if table == "actors":
        d["aliases"] = sorted(d["aliases"])
    return d


# -------------------------------------------------------------------- plan
def plan_merge(store: Store, other_path: Path | str, encoding: str | None = None) -> MergePlan:
    """Compare another database or export CSV with ``store``; changes nothing, there or here.

    Another database is read read-only, leaving nothing beside it; every row
    it offers is checked by the rules of stored_values, and those that break
    one are listed in ``plan.refused`` instead of being merged.
    """
    other_path = Path(other_path)
    if not other_path.exists():
        raise StanceError(f"{other_path}: no such file")
    if not other_path.is_file():
        check_file(other_path)  # names a folder, a FIFO or a device as what it is
    # The same file by any name (a hard link, /proc/self/fd/N) or one of its -wal/-shm/-journal files.
    hit = outputs.guarded_by(other_path, outputs.database_files(store.path, backups=False)) if store.path else None
    if hit is not None:
        g, linked = hit
        what = f"another name for {g.what} ({g.path})" if linked else g.what
        if g.what == "the database":
            raise StanceError(f"{other_path}: is {what} itself; nothing to merge")
        raise StanceError(f"{other_path}: is {what}, not a database to merge; nothing was merged")
    with open(other_path, "rb") as fh:
        head = fh.read(4096)
    is_db = head.startswith(SQLITE_HEADER)
    if not is_db and _binary(head):
        # A database whose header is gone (damaged, encrypted) read as a CSV gave advice
        # about text encodings; a NUL byte outside UTF-16/32 text is no CSV at all.
        raise StanceError(f"{other_path}: is neither a stancetracker database (it does not begin as an SQLite "
                          "file: damaged or encrypted?) nor an export CSV; nothing was merged")
    if not is_db:
        other = _csv_as_store(store, other_path, encoding)
        try:
            return _plan(store, other, other_path, "csv")
        finally:
            other.close()
    foreign = open_foreign(other_path)
    tmp = Path(tempfile.mkdtemp(prefix="stancetracker-merge-"))
    try:
        with plain_errors(other_path), bounded(foreign.conn, other_path):
            conn = _their_connection(foreign, other_path, tmp)
            try:
                with bounded(conn, other_path):
                    return _plan(store, Store(conn, other_path, readonly=True), other_path, "db")
            finally:
                if conn is not foreign.conn:
                    conn.close()
    finally:
        foreign.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _their_connection(foreign: ForeignFile, path: Path, tmp: Path) -> Connection:
    """The other file's connection once its schema is known to be ours; an older one is upgraded in a copy in ``tmp``."""
    ours, version = schema_state(foreign.conn)
    if not ours:
        raise DatabaseError(f"{path}: is an SQLite database, but not a stancetracker one; nothing was merged")
    if version > SCHEMA_VERSION:
        raise DatabaseError(f"{path}: was made by a newer version of stancetracker (schema {version}); "
                            "update stancetracker to merge it — nothing was merged")
    bad = harmful(audit(foreign.conn))
    if bad:
        raise refusal(path, bad, "it is not merged (nothing was changed, there or here)", on_copy=True)
    if version == SCHEMA_VERSION:
        return foreign.conn
    # Their file is left as it is: the upgrade runs on a private copy.
    copy_verified(foreign.conn, tmp / "other.db", path)
    conn, _created, _ro = open_connection(tmp / "other.db", backup=migration_backup)
    return conn


def _plan(store: Store, other: Store, other_path: Path, kind: str) -> MergePlan:
    plan = MergePlan(other_path, kind, base=state_key(store.conn))
    refused_refs = _plan_references(store, other, plan)
    ours_refs = store.slug_ids()
    theirs_ok = {t: {r.slug for r in plan._to_add.get(t, [])} | set(ours_refs[t])
                 for t in ("actors", "dimensions", "sources")}
    batch: list[dict] = []
    for d in _their_rows(other.conn, plan, refused_refs, theirs_ok):
        batch.append(d)
        if len(batch) >= CHUNK:
            _plan_records(store, batch, plan)
            batch = []
    _plan_records(store, batch, plan)
    if kind == "db":
        plan.links = their_links(other.conn)
    return plan


def _their_rows(conn, plan: MergePlan, refused_refs: dict[str, set], known: dict[str, set]) -> Iterator[dict]:
    """Their records that pass every rule; the others go to ``plan.refused``."""
    for uuid, actor_id, no_actor, dimension_id, no_dimension in merging.dangling_records(conn):
        plan.refuse(RefusedRow("records", _key(uuid), [
            (column, f"refers to {column} id {_key(ref)}, which their file does not have")
            for column, ref, missing in (("actor", actor_id, no_actor), ("dimension", dimension_id, no_dimension))
            if missing]))
    seen: set[str] = set()
    for t in merging.record_rows(conn, merging.THEIR_RECORD_SELECT):
        d = dict(zip(_KEYS, t))
        problems = record_problems(d)
        if t[-1]:
            problems.append(("source", "refers to a source their file does not have"))
        if isinstance(d["uuid"], str):
            if d["uuid"].lower() in seen:
                problems.append(("uuid", "appears more than once in the file"))
            seen.add(d["uuid"].lower())
        for column, length in zip(_LIMITS, t[len(_KEYS):-1]):
            if d[column] is None and length is not None:
                problems.append((column, f"is {length:,} characters long; the limit is {_LIMITS[column]:,}"))
        for column, table in (("actor", "actors"), ("dimension", "dimensions"), ("source", "sources")):
            slug = d[column]
            if slug is None and column == "source":
                continue
            if slug in refused_refs[table]:
                problems.append((column, f"{slug!r} was refused (see its own line)"))
            elif slug not in known[table]:
                problems.append((column, f"{str(slug)[:60]!r} is in neither database"))
        if problems:
            plan.refuse(RefusedRow("records", _key(d["uuid"]), problems))
            continue
        d["deleted"] = bool(d["deleted"])
        yield d


def _key(value) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 and text.isprintable() else repr(text[:57]) + "…"


def _plan_records(store: Store, batch: list[dict], plan: MergePlan) -> None:
    ours = _ours_by_uuid(store.conn, [d["uuid"] for d in batch])
    for theirs in batch:
        mine = ours.get(theirs["uuid"])
        if mine is None:
            plan.new.append(theirs)
            continue
        diff = _differs(mine, theirs)
        if diff:
            plan.conflicts.append(RecordConflict(theirs["uuid"], mine, theirs, diff))
        else:
            plan.identical += 1


def _their_references(other: Store, plan: MergePlan) -> tuple[dict[str, list], dict[str, set]]:
    """Their dimensions, actors and sources as model objects, each checked; (valid ones, refused slugs)."""
    conn = other.conn
    valid: dict[str, list] = {"dimensions": [], "actors": [], "sources": []}
    refused: dict[str, set] = {t: set() for t in valid}
    for row in read_dimensions(conn):
        if _refuse(plan, refused, "dimensions", row, dimension_problems(row)):
            continue
        valid["dimensions"].append(Dimension(**{k: row[k] for k in row if k != "id"}, id=row["id"]))
    for row in read_actors(conn):
        problems = actor_problems(row) + alias_problems(row)
        if _refuse(plan, refused, "actors", row, problems):
            continue
        valid["actors"].append(Actor(slug=row["slug"], name=row["name"], kind=row["kind"], aliases=row["aliases"],
                                     colour=row["colour"], description=row["description"], id=row["id"]))
    for row in read_sources(conn, text=False):
        if _refuse(plan, refused, "sources", row, source_problems(row)):
            continue
        published = (stored_date(row["published"], row["published_precision"])
                     if row["published"] is not None else None)
        valid["sources"].append(Source(slug=row["slug"], title=row["title"], publisher=row["publisher"],
                                       author=row["author"], url=row["url"], published=published, kind=row["kind"],
                                       language=row["language"], id=row["id"]))
    return valid, refused


def _refuse(plan: MergePlan, refused: dict[str, set], table: str, row: dict, problems: list[Problem]) -> bool:
    if not problems:
        return False
    plan.refuse(RefusedRow(table, _key(row.get("slug")), problems))
    refused[table].add(row.get("slug"))
    return True


def _plan_references(store: Store, other: Store, plan: MergePlan) -> dict[str, set]:
    """Fill in the plan's reference rows; returns the slugs of theirs that were refused, by table."""
    ours_all = {"dimensions": {d.slug: d for d in store.dimensions()},
                "actors": {a.slug: a for a in store.actors()},
                "sources": {s.slug: s for s in store.sources()}}
    theirs_all, refused = _their_references(other, plan)
    matcher = store.actor_matcher()
    for table in ("dimensions", "actors", "sources"):
        for item in theirs_all[table]:
            t = _ref_dict(table, item)
            mine = ours_all[table].get(item.slug)
            if mine is None:
                if table == "sources" and not _load_text(other.conn, item, plan, refused):
                    continue
                note = ""
                if table == "actors":
                    clash = sorted({s for n in [item.name, *item.aliases] for s in matcher.find(n)})
                    if clash:
                        note = f"its names also name {', '.join(clash)} here (aliases that clash are left out)"
                plan.references.append(RefDifference(table, item.slug, "new", None, t, note=note))
                plan._to_add.setdefault(table, []).append(item)
                continue
            o = _ref_dict(table, mine)
            diff = [f for f in _REF_FIELDS[table] if o.get(f) != t.get(f)]
            if diff:
                plan.references.append(RefDifference(table, item.slug, "different", o, t, diff))
    return refused


def _load_text(conn, item: Source, plan: MergePlan, refused: dict[str, set]) -> bool:
    """Give a source to be added its full text, unless the text breaks the rules (then it is refused)."""
    row = read_source_text(conn, item.id)
    problems = [p for p in source_problems({"slug": item.slug, "title": item.title, "kind": item.kind, **row})
                if p[0] == "text"]
    if problems:
        plan.refuse(RefusedRow("sources", item.slug, problems))
        refused["sources"].add(item.slug)
        return False
    item.text = row.get("text") or ""
    return True


def _binary(head: bytes) -> bool:
    """True for bytes that no text file holds: a NUL, unless a UTF-16 or UTF-32 byte-order mark begins them."""
    if b"\x00" not in head or head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False
    # UTF-16 without a byte-order mark: NULs between the letters, all on one side (the reader says so).
    even, odd = head[0::2], head[1::2]
    return not any(z.count(0) >= 0.9 * len(z) and o.count(0) <= 0.1 * len(o)
                   for z, o in ((even, odd), (odd, even)) if z and o)


def _csv_as_store(store: Store, path: Path, encoding: str | None = None) -> Store:
    """Read an export CSV through the importer into a private in-memory copy of our reference tables."""
    tmp = Store.open(":memory:", user=store.user)
    try:
        with tmp.operation("seed", "reference tables of the open database"):
            for d in store.dimensions():
                merging.copy_dimension(tmp, d)
            for a in store.actors():
                tmp.insert_actor(dataclasses.replace(a, id=None))
            for s in store.sources():
                tmp.insert_source(dataclasses.replace(s, id=None))
            _add_csv_dimensions(tmp, path, encoding)
        import_records(tmp, path, ImportOptions(create_actors=True, encoding=encoding))
    except BaseException:
        tmp.close()
        raise
    return tmp


def _add_csv_dimensions(tmp: Store, path: Path, encoding: str | None = None) -> None:
    """Dimensions a CSV names by slug but we lack (the importer would refuse them)."""
    reader = CsvReader(path, encoding)
    known = {d.slug for d in tmp.dimensions()}
    cols: dict[str, int] | None = None
    for _line, row in reader.rows():
        if cols is None:
            cols = {h.lower(): i for i, h in enumerate(reader.header)}
            if "dimension_slug" not in cols:
                return
        i, j = cols["dimension_slug"], cols.get("dimension")
        slug = row[i].strip() if i < len(row) else ""
        if slug and slug not in known:
            label = row[j].strip() if j is not None and j < len(row) else ""
            try:
                dim = Dimension(slug=slug, label=label or slug).validate()
            except ValidationError:
                continue  # the importer reports the bad cell
            merging.copy_dimension(tmp, dataclasses.replace(dim, position=len(known) + 1))
            known.add(slug)


# ------------------------------------------------------------------- apply
def apply_merge(store: Store, plan: MergePlan, choices: dict[str, str] | None = None,
                progress: Progress | None = None, *,
                skip_invalid: bool = False) -> MergeResult:
    """Carry out a plan as one undoable operation (kind ``merge``).

    ``choices`` maps a conflicting UUID to ``"ours"`` or ``"theirs"``; a
    conflict not named keeps ours. ``progress(done, total)`` is called every
    few thousand records; returning False cancels (nothing is changed).
    A plan with refused rows merges nothing unless ``skip_invalid`` accepts
    the valid rows alone.
    """
    if plan.refused_count and not skip_invalid:
        n = plan.refused_count
        more = f" (and {n - 1:,} more)" if n > 1 else ""
        raise StanceError(f"{plan.other}: {n:,} row{'s' if n != 1 else ''} break{'s' if n == 1 else ''} the rules, "
                          f"first {plan.refused[0].describe()}{more}; nothing was merged — merge the valid rows "
                          "alone with --skip-invalid")
    choices = dict(choices or {})
    conflicts = {c.uuid: c for c in plan.conflicts}
    for uuid, side in choices.items():
        if uuid not in conflicts:
            raise ValidationError("choices", f"{uuid} is not one of the conflicting records of this merge")
        if side not in ("ours", "theirs"):
            raise ValidationError("choices", f"{uuid}: choose 'ours' or 'theirs', not {side!r}")
    _check_unchanged(store, plan, None)
    theirs = [conflicts[u] for u, side in choices.items() if side == "theirs"]
    if not (plan.new or theirs or plan._to_add or pending(store, plan.links)):
        return MergeResult(op_id=None, identical=plan.identical, kept_ours=len(conflicts))
    backup = store.backup_before("merge")
    result = MergeResult(op_id=0, identical=plan.identical, kept_ours=len(conflicts) - len(theirs),
                         backup=backup.path if backup else None)
    conn = store.conn
    with store.operation("merge", f"merge {plan.other.name}", {"file": str(plan.other)}) as op_id:
        result.op_id = op_id
        _check_unchanged(store, plan, op_id)  # again, now that the write lock is held
        result.references_added = _add_references(store, plan)
        ids = store.slug_ids()
        max_before = merging.max_record_id(conn)
        total = len(plan.new) + len(theirs)
        rows = []
        for n, d in enumerate(plan.new, 1):
            rows.append(_insert_tuple(d, ids))
            if len(rows) >= CHUNK or n == len(plan.new):
                merging.add_merged_records(store, rows)
                rows = []
                tick(progress, n, total, f"{plan.other}: merge cancelled; nothing was changed")
        result.added = len(plan.new)
        log_records_after(conn, op_id, "merge", max_before)
        add_links(store, plan.links, [d["uuid"] for d in plan.new])
        now = utc_now()
        for c in theirs:
            row = merging.record_version(conn, c.uuid)
            if row is None or row[1] != c.ours["version"]:
                raise ConflictError(c.uuid, c.ours["version"], row[1] if row else None)
            before = store.record_json(row[0])
            t = _insert_tuple(c.theirs, ids)
            write_record(conn, row[0], t[1:11], now, deleted=bool(t[14]))
            store.log("record", row[0], "merge", before, store.record_json(row[0]))
            result.taken_theirs += 1
        if progress:
            progress(total, total)
        set_summary(conn, op_id, f"merge {plan.other.name}: {result.summary().rsplit(' (', 1)[0]}")
    return result


def _check_unchanged(store: Store, plan: MergePlan, op_id: int | None) -> None:
    now = merging.last_state(store.conn, op_id)
    if now != tuple(plan.base[:2]):
        raise StanceError(f"{store.path}: the database changed since the merge was planned; "
                          "plan it again (nothing was merged)")


def _insert_tuple(d: dict, ids: dict[str, dict[str, int]]) -> tuple:
    try:
        actor_id = ids["actors"][d["actor"]]
        dim_id = ids["dimensions"][d["dimension"]]
    except KeyError as err:
        raise StanceError(f"record {d['uuid']}: refers to {err.args[0]!r}, which is in neither database") from None
    src_id = ids["sources"].get(d["source"]) if d["source"] else None
    return (d["uuid"], actor_id, dim_id, d["date"], d["date_precision"], d["score"], d["confidence"], src_id,
            d["locator"], d["evidence"], d["coder"], d["created_at"], d["updated_at"], d["version"],
            int(d["deleted"]))


def _add_references(store: Store, plan: MergePlan) -> int:
    n = 0
    for dim in plan._to_add.get("dimensions", []):
        merging.add_dimension(store, dim)
        n += 1
    matcher = store.actor_matcher()
    for actor in plan._to_add.get("actors", []):
        aliases = [a for a in actor.aliases if not matcher.find(a)]
        new = dataclasses.replace(actor, aliases=aliases, id=None)
        merging.add_actor(store, new)
        matcher.add(new)
        n += 1
    for src in plan._to_add.get("sources", []):
        merging.add_source(store, src)
        n += 1
    return n


def conflict_table(c: RecordConflict) -> list[tuple[str, str, str]]:
    """(field, ours, theirs) for every shown field of a conflict, differing ones first."""
    shown = [*CONTENT_FIELDS, "updated_at", "version"]
    order = c.fields + [f for f in shown if f not in c.fields]
    return [(f, json.dumps(c.ours.get(f), ensure_ascii=False), json.dumps(c.theirs.get(f), ensure_ascii=False))
            for f in order]


__all__ = ["MergePlan", "MergeResult", "RecordConflict", "RefDifference", "RefusedRow", "apply_merge",
           "conflict_table", "plan_merge"]
