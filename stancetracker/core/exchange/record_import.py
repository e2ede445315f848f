"""Importing stance records from CSV: our own layout, or a foreign one through a mapping.

An import is atomic: every row goes in, or none does and the caller gets
every bad row's line, column and reason. Re-importing a file adds nothing:
records are matched by UUID, and rows without one get a UUID derived from
their content.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import itertools
import hashlib
import math
import re
import sqlite3
import uuid as _uuid
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path

from stancetracker.core.db.backups import backup_if_changed
from stancetracker.core.db import bulk_load
from stancetracker.core.files import outputs
from stancetracker.core.db.bulk_load import BulkLoad
from stancetracker.core.exchange.csv_reader import EXPORT_COLUMNS, CsvReader, column_key, unneutralise
from stancetracker.core.model.dates import ISO_TIMESTAMP as _ISO_TIMESTAMP, DateError, parse_date, utc_now
from stancetracker.core.model.errors import ImportFailed, RowProblem, StanceError, ValidationError
from stancetracker.core.model.entities import (
    CONFIDENCES,
    MAX_EVIDENCE,
    MAX_LOCATOR,
    MAX_NAME,
    MAX_TITLE,
    Actor,
    Source,
    check_score,
    check_text,
    parse_decimal,
    parse_score,
    parse_whole,
)
from stancetracker.core.db.store import Store
from stancetracker.core.model.text import name_key

NAMESPACE = _uuid.UUID("6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a11")
FOREIGN_FIELDS = ("actor", "date", "score", "dimension", "date_precision", "confidence", "source",
                  "locator", "evidence", "coder", "uuid")
CHUNK = 5000
MAX_WAITING = 20  # chunks kept while the connection is busy: ~8 MB each with their raw cells (8 was measurably slower)
MAX_PROBLEMS = 10_000
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# What check_text refuses in a one-line field (locator) and in a multi-line one
# (evidence): control characters, and bidirectional overrides.
_BAD_LINE = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# A whole column of timestamps (each may be empty) or of UUIDs, one per line.
_STAMPS = re.compile(rf"(?:(?:{_ISO_TIMESTAMP.pattern[1:-1]})?\n)*")
_UUIDS = re.compile(rf"(?:{_UUID_RE.pattern[1:-1]}\n)*")
_FIRST = itemgetter(slice(0, 1))
# The characters the patterns above treat alike, masked as "0" (see _all_match).
_DIGITS = str.maketrans("0123456789", "0" * 10)
_HEX = str.maketrans("0123456789abcdefABCDEF", "0" * 22)
# OR IGNORE: a row whose UUID came earlier in the file is skipped rather than
# failing its chunk; insert_chunk finds the skipped rows afterwards.
_INSERT = ("INSERT OR IGNORE INTO records (uuid, actor_id, dimension_id, date, date_precision, score, confidence,"
           " source_id, locator, evidence, coder, created_at, updated_at, version, deleted)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")
# Indexes into the insert tuple that make up a record's coded content.
_CONTENT = slice(1, 11)
_CONTENT_NAMES = ("actor", "dimension", "date", "date_precision", "score", "confidence", "source",
                  "locator", "evidence", "coder")


# The cells build_row reads, in its order; a field the file lacks reads as "".
_ROW_FIELDS = ("uuid", "actor", "actor_slug", "dimension", "dimension_slug", "date", "date_precision",
               "score", "confidence", "source", "source_title", "source_url", "source_published",
               "locator", "evidence", "coder", "created_at", "updated_at", "version")
_MISSING = object()


class ImportCancelled(StanceError):
    """The user cancelled an import; nothing was imported."""


@dataclass
class ImportOptions:
    """How to read a file. ``mapping`` (field -> column) makes it a foreign CSV."""

    mapping: dict[str, str] | None = None
    dimension: str | None = None
    scale: tuple[float, float] | None = None
    create_actors: bool = False
    skip_invalid: bool = False
    rejects: Path | str | None = None  # "-" is standard output (core/outputs.py)
    encoding: str | None = None
    # Whether text cells of our own layout carry the export's formula guard
    # (an apostrophe before = + - @ tab CR '): None reads the file's own mark
    # (an export without the guard quotes its first header cell); False reads
    # every cell exactly as it is.
    formula_guard: bool | None = None


@dataclass
class ImportResult:
    path: str
    added: int = 0
    unchanged: int = 0
    rejected: int = 0
    created_actors: list[str] = field(default_factory=list)
    created_sources: list[str] = field(default_factory=list)
    rejects_path: str | None = None
    op_id: int | None = None

    def summary(self) -> str:
        parts = [f"{self.added:,} record{'s' if self.added != 1 else ''} added"]
        if self.unchanged:
            parts.append(f"{self.unchanged:,} already present")
        if self.rejected:
            parts.append(f"{self.rejected:,} rejected (see {self.rejects_path})")
        if self.created_actors:
            parts.append(f"new actors: {', '.join(self.created_actors)}")
        return "; ".join(parts)


def parse_mapping(text: str) -> dict[str, str]:
    """``actor=Party,date=When`` -> {"actor": "Party", "date": "When"}."""
    mapping = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, col = part.partition("=")
        key = key.strip().lower()
        if not sep or not col.strip():
            raise ValidationError("map", f"{part!r} is not FIELD=COLUMN")
        if key not in FOREIGN_FIELDS:
            raise ValidationError("map", f"unknown field {key!r}; fields: {', '.join(FOREIGN_FIELDS)}")
        if key in mapping:  # the later one silently won, as a twice-named column once did
            raise ValidationError("map", f"{key!r} is given twice ({mapping[key]!r} and {col.strip()!r}); "
                                         "give each field one column")
        mapping[key] = col.strip()
    return mapping


# A scale end past this makes the rescaling arithmetic overflow (4 * (hi - lo)
# is inf, inf / inf is nan) and no survey scale comes near it.
MAX_SCALE_END = 1e15


def parse_scale(text: str) -> tuple[float, float]:
    """``0:10`` -> (0.0, 10.0): two different plain decimals (parse_decimal), the file's lowest and highest score."""
    lo, sep, hi = text.partition(":")
    if not sep:
        raise ValidationError("scale", f"{text[:40]!r} is not LO:HI, e.g. 0:10")
    pair = (parse_decimal(lo, "scale"), parse_decimal(hi, "scale"))
    if pair[0] == pair[1]:
        raise ValidationError("scale", f"{text[:40]!r} has two equal ends; give LO:HI with LO and HI different")
    return check_scale(pair)


def check_scale(scale: tuple[float, float]) -> tuple[float, float]:
    """A scale given as numbers: both ends finite and different."""
    lo, hi = (float(x) for x in scale)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValidationError("scale", f"{lo:g}:{hi:g} has an end that is not a finite number")
    if lo == hi:
        raise ValidationError("scale", f"{lo:g}:{hi:g} has two equal ends; give LO:HI with LO and HI different")
    if max(abs(lo), abs(hi)) > MAX_SCALE_END:
        raise ValidationError("scale", f"{lo:g}:{hi:g} has an end beyond ±{MAX_SCALE_END:g}")
    return lo, hi


class _Importer:
    def __init__(self, store: Store, path: Path, opts: ImportOptions):
        self.store, self.path, self.opts = store, path, opts
        self.result = ImportResult(str(path))
        self.problems: list[RowProblem] = []
        self.bad_rows = 0
        self.unknown_actors: dict[str, tuple[int, str]] = {}
        self.seen_content: dict[bytes, int] = {}
        self.now = utc_now()
        self.rejects_writer = None
        self._actor_cache: dict[str, int] = {}
        # Most cells repeat (a few hundred actors, dates and scores in a million
        # rows): build_row validates each distinct raw value once and keeps the
        # result here, keyed by the raw cells. Failures are not kept, so every
        # bad row is checked, and reported, on its own.
        self._actor_ids: dict[tuple[str, str], int] = {}
        self._dim_ids: dict[tuple[str, str], int] = {}
        self._dates: dict[tuple[str, str], tuple[str, str]] = {}
        self._scores: dict[str, float] = {}
        self._confidences: dict[str, str] = {}
        self._source_ids: dict[object, int | None] = {}
        self._versions: dict[str, int] = {}
        self._coders: dict[str, str] = {}
        self.bulk = BulkLoad.inactive()
        self.waiting: list[tuple] = []  # validated chunks not yet inserted (see insert_chunk)
        self.inserted_lines = array("q")  # the line of each inserted row, while the UUID index waits
        self.max_before = 0
        # Text cells of our own layout may carry the export's formula guard (decided in run()).
        self.guarded = False
        self.clean: Callable[[str], str] = str.strip

    def load_lookups(self) -> None:
        """Read the actors, dimensions and sources rows are matched against (inside the transaction).

        Read after the import's write lock is taken, they cannot change
        before it commits: every id a row gets is one read here or one made
        by this import, which is why a big import can skip SQLite's own
        foreign-key checks.
        """
        store = self.store
        self.ids = store.slug_ids()
        self.matcher = store.actor_matcher()
        self.dims = {d.slug: d for d in store.dimensions()}
        self.dim_keys = {name_key(d.label): d.slug for d in self.dims.values()}
        self.sources: dict[tuple, int] = {}
        for s in store.sources():
            self.sources.setdefault(("url", s.url), s.id) if s.url else None
            self.sources.setdefault(("exact", s.title), s.id)
            # A source already in the database is also found by another spelling of its title;
            # sources this import creates are not, so two different titles never become one.
            self.sources.setdefault(("title", name_key(s.title)), s.id)
            self.sources.setdefault(("slug", s.slug), s.id)

    # -- problems ------------------------------------------------------------
    def problem(self, line: int, column: str, reason: str, row: list[str] | None) -> None:
        self.bad_rows += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(line, column, reason))
        if self.opts.skip_invalid and row is not None:
            self.result.rejected += 1
            self.rejects_writer.writerow([line, *row, f"{column}: {reason}" if column else reason])

    # -- lookups -------------------------------------------------------------
    def actor_id(self, slug: str, name: str, line: int) -> int | None:
        if slug and slug in self.ids["actors"]:
            return self.ids["actors"][slug]
        hit = self._actor_cache.get(name) if not slug else None
        if hit is not None:
            return hit
        label = name or slug
        col = "actor_slug" if slug else "actor"
        if not slug:
            found = self.matcher.find(name)
            if len(found) == 1:
                self._actor_cache[name] = self.ids["actors"][found[0]]
                return self._actor_cache[name]
            if len(found) > 1:
                raise ValidationError(col, f"{name!r} could name several actors ({', '.join(found)}); use actor_slug")
        if not label:
            raise ValidationError("actor", "is required")
        if self.opts.create_actors:
            with self.bulk.lock:
                try:
                    actor = Actor(slug=slug or self.store.unique_actor_slug(label), name=name or slug).validate()
                except ValidationError as err:  # reported against the column the value came from
                    raise ValidationError("actor_slug" if slug and err.field == "slug" else "actor" if name else col,
                                          err.reason) from None
                self.store._insert_actor(actor)
            self.ids["actors"][actor.slug] = actor.id
            self.matcher.add(actor)
            self.result.created_actors.append(actor.slug)
            return actor.id
        self.unknown_actors.setdefault(label, (line, col))
        raise ValidationError(col, f"unknown actor {label!r} (use --create-actors to add it)")

    def dimension(self, slug: str, label: str) -> str:
        if self.opts.dimension:
            slug = self.opts.dimension
        if slug:
            if slug in self.dims:
                return slug
            raise ValidationError("dimension_slug" if not self.opts.mapping else "dimension",
                                  f"unknown dimension {slug!r}; known: {', '.join(self.dims)}")
        found = self.dim_keys.get(name_key(label)) or (label if label in self.dims else None)
        if not found:
            raise ValidationError("dimension", f"unknown dimension {label!r}; known: {', '.join(self.dims)}")
        return found

    def source_id(self, title: str, url: str, published: str) -> int | None:
        if not title and not url:
            return None
        key = ("url", url) if url else ("exact", title)
        sid = self.sources.get(key)
        if sid is None and not url:
            sid = self.sources.get(("title", name_key(title)))
        if sid is None and not url and ("slug", title) in self.sources:
            sid = self.sources[("slug", title)]
        if sid is None:
            pub = None
            if published:
                try:
                    pub = parse_date(published)
                except DateError as err:
                    raise ValidationError("source_published", str(err)) from None
            title = check_text("source_title", title or url, max_len=MAX_TITLE, required=True, needs_letter=True)
            with self.bulk.lock:
                try:
                    src = Source(slug=self.store.unique_source_slug(title), title=title,
                                 url=check_text("source_url", url, max_len=2000), published=pub).validate()
                except ValidationError as err:  # the slug and title come from the title cell
                    raise ValidationError("source_url" if err.field == "url" else "source_title", err.reason) from None
                self.store._insert_source(src)
            self.ids["sources"][src.slug] = src.id
            self.result.created_sources.append(src.slug)
            sid = self.sources[key] = src.id
        return sid

    # -- rows ----------------------------------------------------------------
    def build_row(self, line: int, cells: tuple[str, ...]) -> tuple:
        """Validate one row (cells in _ROW_FIELDS order); returns the insert tuple or raises ValidationError.

        The checks run in a fixed order and the first failure is the row's
        reported problem. Repeating cells are looked up in the memo dicts
        (see __init__) and validated only on a miss.
        """
        (uid, actor, actor_slug, dimension, dimension_slug, date, precision, score, confidence, source,
         source_title, source_url, source_published, locator, evidence, coder, created, updated, version) = cells
        clean = self.clean
        actor_id = self._actor_ids.get((actor_slug, actor))
        if actor_id is None:
            actor_id = self._actor_ids[actor_slug, actor] = self.actor_id(clean(actor_slug), clean(actor), line)
        dim_id = self._dim_ids.get((dimension_slug, dimension))
        if dim_id is None:
            dim_id = self._dim_ids[dimension_slug, dimension] = self.ids["dimensions"][
                self.dimension(clean(dimension_slug), clean(dimension))]
        day = self._dates.get((date, precision))
        if day is None:
            day = self._dates[date, precision] = self.date(date.strip(), precision.strip())
        value = self._scores.get(score)
        if value is None:
            value = self._scores[score] = self.score(score)
        conf = self._confidences.get(confidence)
        if conf is None:
            conf = self._confidences[confidence] = self.confidence(confidence)
        key = source if self.opts.mapping is not None else (source_title, source_url, source_published)
        src_id = self._source_ids.get(key, _MISSING)
        if src_id is _MISSING:
            src_id = self._source_ids[key] = self.row_source(source, source_title, source_url, source_published)
        locator, evidence = clean(locator), clean(evidence)
        if len(locator) > MAX_LOCATOR or _BAD_LINE.search(locator):
            check_text("locator", locator, max_len=MAX_LOCATOR)
        if len(evidence) > MAX_EVIDENCE or _BAD_TEXT.search(evidence):
            check_text("evidence", evidence, max_len=MAX_EVIDENCE, multiline=True)
        name = self._coders.get(coder)
        if name is None:
            name = self._coders[coder] = self.coder(coder)
        created = created.strip() or self.now
        updated = updated.strip() or created
        if created is not self.now and not _ISO_TIMESTAMP.match(created):
            raise _bad_timestamp("created_at", created)
        if updated != created and not _ISO_TIMESTAMP.match(updated):
            raise _bad_timestamp("updated_at", updated)
        number = self._versions.get(version)
        if number is None:
            number = self._versions[version] = self.version(version)
        uid = uid.strip()
        if uid and not _UUID_RE.match(uid):
            raise ValidationError("uuid", f"{uid[:60]!r} is not a UUID")
        row = (uid.lower(), actor_id, dim_id, day[0], day[1], value, conf, src_id,
               locator, evidence, name, created, updated, number)
        return row if uid else (self.derived_uuid(row), *row[1:])

    def build_rows(self, lines: Sequence[int], rows: list[list[str]]) -> tuple[list[tuple], list[int], list[list[str]]]:
        """Validate a chunk row by row, reporting each bad row; the good rows, their lines and cells."""
        built: list[tuple] = []
        good_lines: list[int] = []
        good_rows: list[list[str]] = []
        width = self.width
        cells = itemgetter(*self.field_columns)
        pad = [""]
        for line, row in zip(lines, rows):
            if len(row) != width:
                self.problem(line, "", f"has {len(row)} cells; the header has {width}", row)
                continue
            try:
                values = self.build_row(line, cells(row + pad))
            except ValidationError as err:
                self.problem(line, self.column_name(err.field), err.reason, row)
                continue
            built.append(values)
            good_lines.append(line)
            good_rows.append(row)
        return built, good_lines, good_rows

    def build_chunk(self, lines: Sequence[int], rows: list[list[str]]) -> list[tuple] | None:
        """Validate a chunk of rows column by column; None if some row needs build_row.

        The same checks as build_row with the same results (a property test
        compares the two), but each distinct cell is validated once and the
        rest runs at C speed over whole columns: this is what makes a large
        import fast. On any problem the chunk goes to build_row, which names
        each bad row's line and column. Actors and sources, which validating
        may create, are looked up last, once every other cell has passed, so
        a chunk handed back has created nothing build_row would not.
        """
        n = len(rows)
        if set(map(len, rows)) != {self.width}:
            return None
        columns = list(zip(*rows))
        self.pad = ("",) * n
        columns.append(self.pad)  # the cells of fields the file lacks
        (uid, actor, actor_slug, dimension, dimension_slug, date, precision, score, confidence, source,
         source_title, source_url, source_published, locator, evidence, coder, created, updated,
         version) = map(columns.__getitem__, self.field_columns)
        clean = self.clean
        try:
            dim_ids = self._by_slug(self.ids["dimensions"], dimension_slug, not self.opts.dimension)
            if dim_ids is None:
                dim_ids = _memo(self._dim_ids, list(zip(dimension_slug, dimension)),
                                lambda k: self.ids["dimensions"][self.dimension(clean(k[0]), clean(k[1]))])
            days = _memo(self._dates, list(zip(date, precision)), lambda k: self.date(k[0].strip(), k[1].strip()))
            scores = _memo(self._scores, score, self.score)
            confidences = _memo(self._confidences, confidence, self.confidence)
            coders = _memo(self._coders, coder, self.coder)
            versions = _memo(self._versions, version, self.version)
        except ValidationError:
            return None
        locators = self._text_column(locator, MAX_LOCATOR, _BAD_LINE)
        evidences = self._text_column(evidence, MAX_EVIDENCE, _BAD_TEXT)
        created, updated = list(map(str.strip, created)), list(map(str.strip, updated))
        if locators is None or evidences is None or not _all_match(_STAMPS, created, _DIGITS) \
                or (updated != created and not _all_match(_STAMPS, updated, _DIGITS)):
            return None
        if "" in created:
            created = [c or self.now for c in created]
        if "" in updated:
            updated = [u or c for u, c in zip(updated, created)]
        uids = list(map(str.strip, uid))
        derive = not any(uids)
        if not derive:
            if "" in uids or not _all_match(_UUIDS, uids, _HEX):
                return None
            uids = list(map(str.lower, uids))
        try:
            actor_ids = self._by_slug(self.ids["actors"], actor_slug, True)
            if actor_ids is None:
                pairs = list(zip(actor_slug, actor))
                # The line of a key's first row is kept for the list of unknown actors.
                actor_ids = _memo(self._actor_ids, pairs, lambda k: self.actor_id(clean(k[0]), clean(k[1]),
                                                                                    lines[pairs.index(k)]))
            if self.opts.mapping is not None:
                keys: list = list(source)
                sources = _memo(self._source_ids, keys, lambda k: self.row_source(k, "", "", ""))
            else:
                keys = list(zip(source_title, source_url, source_published))
                sources = _memo(self._source_ids, keys, lambda k: self.row_source("", *k))
        except ValidationError:
            return None
        dates, precisions = zip(*days)
        built = list(zip(uids, actor_ids, dim_ids, dates, precisions, scores, confidences, sources, locators,
                         evidences, coders, created, updated, versions))
        if derive:
            built = [(self.derived_uuid(row), *row[1:]) for row in built]
        return built

    def _by_slug(self, ids: dict[str, int], slugs: tuple[str, ...], decides: bool) -> list[int] | None:
        """The ids of a column of known slugs, or None to look its cells up one distinct key at a time.

        A known slug decides the actor (or dimension) whatever the name beside
        it says, as in build_row; a slug is clean text, so the raw cell is the slug.
        """
        if not decides or slugs is self.pad:
            return None
        try:
            return list(map(ids.__getitem__, slugs))
        except KeyError:
            return None

    def _text_column(self, cells: tuple[str, ...], max_len: int, bad: re.Pattern) -> list[str] | None:
        """A column of free text, cleaned as build_row cleans it; None if a cell breaks a rule."""
        if self.guarded and "'" in "".join(map(_FIRST, cells)):
            values = list(map(_unguard, cells))  # some cell may carry the export's formula guard
        else:
            values = list(map(str.strip, cells))
        text = "".join(values)
        # Printable text (Arabic included) holds none of the characters refused.
        if max(map(len, values)) > max_len or (not text.isprintable() and bad.search(text)):
            return None
        return values

    def date(self, text: str, precision: str) -> tuple[str, str]:
        """A date cell and its precision cell -> (ISO date, precision)."""
        try:
            d = parse_date(text, precision or None)
        except DateError as err:
            raise ValidationError("date_precision" if "precision" in str(err) and precision else "date",
                                  str(err)) from None
        return d.iso, d.precision

    def score(self, cell: str) -> float:
        """A score cell -> a score from -2 to 2, rescaled from the file's own scale if one is given."""
        if not self.opts.scale:
            return parse_score(cell)
        score = parse_decimal(cell)
        lo, hi = self.opts.scale
        if not min(lo, hi) <= score <= max(lo, hi):
            raise ValidationError("score", f"{score:g} is outside the scale {lo:g} to {hi:g}")
        # check_score is the last word: the result must be a finite score whatever the arithmetic did.
        return check_score(round(-2.0 + 4.0 * (score - lo) / (hi - lo), 10))

    @staticmethod
    def confidence(cell: str) -> str:
        conf = cell.strip().lower() or "medium"
        if conf not in CONFIDENCES:
            raise ValidationError("confidence", f"must be low, medium or high, not {conf[:40]!r}")
        return conf

    def row_source(self, source: str, title: str, url: str, published: str) -> int | None:
        """The source a row names: a mapped file's source column (else the file itself), or our layout's three."""
        if self.opts.mapping is not None:
            return self.source_id(source.strip(), "", "") if source.strip() else self.file_source()
        return self.source_id(self.clean(title), self.clean(url), published.strip())

    def coder(self, cell: str) -> str:
        """A coder cell -> the coder's name; an empty cell is the user importing the file."""
        return check_text("coder", self.clean(cell) or self.store.user, max_len=MAX_NAME, name=True)

    @staticmethod
    def version(cell: str) -> int:
        version = parse_whole(cell, "version") if cell.strip() else 1
        if version < 1:
            raise ValidationError("version", "must be 1 or more")
        return version

    def derived_uuid(self, row: tuple) -> str:
        key = "\x1f".join(map(str, row[1:10])).encode()
        digest = hashlib.blake2b(key, digest_size=16).digest()
        n = self.seen_content.get(digest, 0)
        self.seen_content[digest] = n + 1
        return str(_uuid.uuid5(NAMESPACE, f"{digest.hex()}#{n}"))

    _file_source: int | None = None

    def file_source(self) -> int:
        if self._file_source is None:
            self._file_source = self.source_id(self.path.name, "", "")
        return self._file_source

    # -- inserting -------------------------------------------------------------
    def insert_chunk(self, chunk: list[tuple], lines: Sequence[int], raws: list[list[str]], fresh: bool,
                     wait: bool = False) -> None:
        """Insert a validated chunk, or keep it for later while the other thread has the connection.

        Waiting for the connection would idle this thread, which can read
        the next chunks meanwhile; chunks are inserted in order either way.
        ``wait`` (and a backlog of MAX_WAITING chunks) makes it wait.
        """
        self.waiting.append((chunk, lines, raws))
        # With --skip-invalid, rows found at insert time (a UUID seen before) go to the
        # rejects file then: inserting at once keeps that file in line order.
        wait = wait or len(self.waiting) >= MAX_WAITING or self.opts.skip_invalid
        if not self.bulk.lock.acquire(blocking=wait):
            return
        try:
            for chunk, lines, raws in self.waiting:
                self._insert_chunk(chunk, lines, raws, fresh)
        finally:
            self.waiting.clear()
            self.bulk.lock.release()

    def _insert_chunk(self, chunk: list[tuple], lines: Sequence[int], raws: list[list[str]], fresh: bool) -> None:
        conn = self.store.conn
        if not fresh:
            existing = {}
            uuids = [r[0] for r in chunk]
            for i in range(0, len(uuids), 30000):
                part = uuids[i:i + 30000]
                for row in conn.execute(
                        "SELECT uuid, actor_id, dimension_id, date, date_precision, score, confidence, source_id,"
                        f" locator, evidence, coder FROM records WHERE uuid IN ({','.join('?' * len(part))})", part):
                    existing[row[0]] = row
            if existing:
                keep = []
                for row, line, raw in zip(chunk, lines, raws):
                    old = existing.get(row[0])
                    if old is None:
                        keep.append((row, line, raw))
                    elif tuple(old[1:]) == row[_CONTENT]:
                        self.result.unchanged += 1
                    else:
                        self.problem(line, "uuid", _difference(row[0], old[1:], row[_CONTENT], "in the database"), raw)
                if not keep:
                    return
                chunk, lines, raws = map(list, zip(*keep))
        with _checked_by_build_row(conn):
            added = conn.executemany(_INSERT, chunk).rowcount
        self.result.added += added
        if added < len(chunk):
            self._skipped_rows(chunk, lines, raws, added)
        if self.bulk.uuid_dropped:  # every row went in: its id says which line it came from
            self.inserted_lines.extend(lines)
        self.bulk.inserted()

    def _skipped_rows(self, chunk: list[tuple], lines: list[int], raws: list[list[str]], added: int) -> None:
        """Sort out the rows of a chunk that were not inserted: same UUID earlier in this file.

        Rowids are handed out in order, so the chunk's last ``added`` rows by
        id are the ones it inserted; a row not among them in sequence was skipped.
        """
        conn = self.store.conn
        newest_first = conn.execute("SELECT uuid FROM records ORDER BY id DESC LIMIT ?", [added]).fetchall()
        inserted = (uuid for (uuid,) in reversed(newest_first))
        expected = next(inserted, None)
        for row, line, raw in zip(chunk, lines, raws):
            if row[0] == expected:
                expected = next(inserted, None)
                continue
            old = conn.execute(
                "SELECT actor_id, dimension_id, date, date_precision, score, confidence, source_id,"
                " locator, evidence, coder FROM records WHERE uuid = ?", [row[0]]).fetchone()
            if old is not None and tuple(old) == row[_CONTENT]:
                self.result.unchanged += 1
            else:
                self.problem(line, "uuid", _difference(row[0], old or (), row[_CONTENT], "earlier in this file"), raw)

    def settle_duplicates(self, delete: bool) -> None:
        """Sort out rows whose UUID came earlier in the file, when the UUID index was built last.

        A big import into an empty table inserts every row and builds the UUID
        index at the end (see bulk_load); if that finds a UUID twice, the
        later rows are compared with the first: the same content counts as
        already present and is taken out again (``delete``), different
        content is reported with the row's line, as a row-by-row insert would.
        """
        if not self.bulk.uuid_dropped:
            return
        conn = self.store.conn
        rows = conn.execute(
            "SELECT id, uuid, actor_id, dimension_id, date, date_precision, score, confidence, source_id,"
            " locator, evidence, coder FROM records"
            " WHERE uuid IN (SELECT uuid FROM records GROUP BY uuid HAVING count(*) > 1) ORDER BY uuid, id").fetchall()
        later: list[int] = []
        found = []
        for uuid, group in itertools.groupby(rows, key=itemgetter(1)):
            first, *rest = group
            for row in rest:
                later.append(row[0])
                if row[2:] == first[2:]:
                    self.result.unchanged += 1
                else:
                    line = self.inserted_lines[row[0] - self.max_before - 1]
                    found.append((line, _difference(uuid, first[2:], row[2:], "earlier in this file")))
        for line, reason in sorted(found):
            self.problem(line, "uuid", reason, None)
        if found or not delete:
            if delete:
                raise ImportFailed(str(self.path), sorted(self.problems, key=attrgetter("line")), self.bad_rows)
            return
        for i in range(0, len(later), 30000):
            part = later[i:i + 30000]
            marks = ",".join("?" * len(part))
            conn.execute(f"DELETE FROM records WHERE id IN ({marks})", part)
            conn.execute(f"DELETE FROM history WHERE op_id = ? AND entity = 'record' AND entity_id IN ({marks})",
                         [self.result.op_id, *part])
        self.result.added -= len(later)

    # -- driver ----------------------------------------------------------------
    def run(self, progress: Callable[[int, int], bool | None] | None) -> ImportResult:
        if not self.opts.skip_invalid:
            return self._run(progress, None)
        rejects, protect = _rejects_output(self.store.path, self.path, self.opts)
        # Put in place only once the records are committed; discarded if the import fails.
        with outputs.open_output(rejects, protect=protect, option="--rejects") as rejects_file:
            self.result.rejects_path = str(rejects)
            return self._run(progress, rejects_file)

    def _run(self, progress: Callable[[int, int], bool | None] | None, rejects_file) -> ImportResult:
        reader = CsvReader(self.path, self.opts.encoding)
        chunks = reader.chunks(CHUNK)
        store = self.store
        conn = store.conn
        size = self.path.stat().st_size if self.path.is_file() else 0
        with store.operation("import", f"import {self.path.name}", {"file": str(self.path)},
                             check_references=size < bulk_load.BIG_FILE) as op_id:
            self.load_lookups()
            self.result.op_id = op_id
            max_before = self.max_before = conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
            fresh = max_before == 0
            self.bulk = bulk = BulkLoad(conn, size, max_before, op_id, fresh=fresh and not self.opts.skip_invalid,
                                        fault=store.fault)
            try:
                first = next(chunks, None)
                header = reader.header
                guard = self.opts.formula_guard
                self.guarded = self.opts.mapping is None and (not reader.unguarded if guard is None else guard)
                self.clean = _unguard if self.guarded else str.strip
                columns = self.columns(header)
                if rejects_file is not None:
                    self.rejects_writer = csv.writer(rejects_file)
                    self.rejects_writer.writerow(["line", *header, "reason"])
                if first is None:
                    raise ImportFailed(str(self.path), [RowProblem(2, "", "the file has a header but no records")])
                self.width = width = len(header)
                # A field the file lacks points past the row's end, at the "" appended to each row.
                self.field_columns = [columns.get(fld, width) for fld in _ROW_FIELDS]
                for lines, rows in _chain(first, chunks):
                    built = self.build_chunk(lines, rows)
                    if built is None:  # some row has a problem: row by row, to name each one
                        built, lines, rows = self.build_rows(lines, rows)
                    if built:
                        # Good rows go in even after a bad one, though the import will then
                        # fail: a UUID repeated further down is found only by inserting.
                        self.insert_chunk(built, lines, rows, fresh)
                    if progress and progress(reader.bytes_read, reader.total_bytes) is False:
                        raise ImportCancelled(f"{self.path}: import cancelled; nothing was imported")
                if self.waiting:
                    self.insert_chunk([], [], [], fresh, wait=True)
                if self.bad_rows and not self.opts.skip_invalid:
                    bulk.stop()
                    self.settle_duplicates(delete=False)
                    problems = sorted(self.problems, key=attrgetter("line"))
                    if self.unknown_actors:
                        names = ", ".join(sorted(self.unknown_actors))
                        problems = [RowProblem(*min(self.unknown_actors.values()),
                                               f"unknown actors: {names} (use --create-actors to add them)")] + problems
                    raise ImportFailed(str(self.path), problems, self.bad_rows + bool(self.unknown_actors))
                bulk.wait()
                if not bulk.unique_uuids():
                    self.settle_duplicates(delete=True)
                bulk.finish()
                if progress:
                    progress(reader.total_bytes, reader.total_bytes)
            finally:
                bulk.stop()
            if not bulk.writes_history:
                # One lean history row per imported record: its imported state is the row
                # itself until the next change, whose history keeps it as "before", so
                # Store.history fills it in rather than storing a million JSON copies.
                conn.execute(
                    "INSERT INTO history (op_id, entity, entity_id, action, before, after)"
                    " SELECT ?, 'record', id, 'import', NULL, NULL FROM records WHERE id > ?",
                    [op_id, max_before])
            conn.execute("UPDATE operations SET summary = ? WHERE id = ?",
                         [f"import {self.path.name}: {self.result.summary()}", op_id])
        return self.result

    def columns(self, header: list[str]) -> dict[str, int]:
        """Field name -> column index, checking the header against the layout."""
        seen = {h: i for i, h in reversed(list(enumerate(header)))}  # CsvReader refused repeated names
        if self.opts.mapping is not None:
            cols = {}
            keyed = {column_key(h): i for h, i in seen.items()}
            for fld, col in self.opts.mapping.items():
                if col not in seen and column_key(col) in keyed:  # --map score=score for a column "Score"
                    col = header[keyed[column_key(col)]]
                if col not in seen:
                    raise ImportFailed(str(self.path), [RowProblem(
                        1, col, f"no such column (mapped to {fld}); the columns are: {', '.join(header[:30])}")])
                cols[fld] = seen[col]
            need = ["actor", "date", "score"] + ([] if self.opts.dimension else ["dimension"])
            missing = [f for f in need if f not in cols]
            if missing:
                raise ImportFailed(str(self.path), [RowProblem(
                    1, "", f"the mapping gives no column for {', '.join(missing)}"
                    + (" (or give one --dimension for the whole file)" if "dimension" in missing else ""))])
            self.labels = {f: header[i] for f, i in cols.items()}
            return cols
        lower = {h.lower(): i for h, i in seen.items()}
        unknown = [h for h in header if h.lower() not in EXPORT_COLUMNS]
        if unknown:
            shown = ", ".join(repr(u[:40]) for u in unknown[:5]) + (f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else "")
            raise ImportFailed(str(self.path), [RowProblem(
                1, unknown[0][:40], f"unknown column{'s' if len(unknown) > 1 else ''} {shown}; a stance-record file "
                "has the columns of 'stancetracker export' (see docs/formats.md); for another layout give a mapping "
                "(--map actor=COL,date=COL,score=COL,dimension=COL)")])
        missing = [c for c in ("date", "score") if c not in lower]
        if "actor" not in lower and "actor_slug" not in lower:
            missing.insert(0, "actor")
        if "dimension" not in lower and "dimension_slug" not in lower and not self.opts.dimension:
            missing.append("dimension_slug")
        if missing:
            raise ImportFailed(str(self.path), [RowProblem(1, missing[0], f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")])
        self.labels = {}
        return lower

    def column_name(self, fld: str) -> str:
        """The file's own name for a field, for messages."""
        if self.opts.mapping is not None:
            alias = {"source_title": "source", "dimension_slug": "dimension"}.get(fld, fld)
            return self.labels.get(alias, fld)
        return fld


def _memo(memo: dict, keys: list, validate: Callable) -> list:
    """Each key's validated value, validating each distinct key not yet in ``memo`` once, in order."""
    try:
        return list(map(memo.__getitem__, keys))  # the usual case: every key seen before
    except KeyError:
        pass
    for key in dict.fromkeys(keys):
        if key not in memo:
            memo[key] = validate(key)
    return list(map(memo.__getitem__, keys))


def _all_match(pattern: re.Pattern, cells: list[str], mask: dict[int, int]) -> bool:
    """True if every cell matches ``pattern``'s one-line form, checked over the column at once.

    The cells of a column usually share one shape (every timestamp written
    as 2024-01-31T12:00:00Z): with the characters ``mask`` stands for masked
    to one, the column is then that shape repeated, which one comparison
    confirms, and the pattern checks the shape once.
    """
    joined = "\n".join(cells) + "\n"
    if joined.count("\n") != len(cells):  # a cell holds a line break
        return False
    masked = joined.translate(mask)
    shape = masked[:masked.index("\n") + 1]
    if masked == shape * len(cells):
        return pattern.fullmatch(shape) is not None
    return pattern.fullmatch(joined) is not None


def _unguard(cell: str) -> str:
    """A text cell of our own layout, without the export's formula guard or outer white space."""
    return (unneutralise(cell) if cell[:1] == "'" else cell).strip()


def _bad_timestamp(column: str, text: str) -> ValidationError:
    return ValidationError(column, f"{text[:40]!r} is not an ISO 8601 timestamp such as 2024-01-31T12:00:00Z")


@contextlib.contextmanager
def _checked_by_build_row(conn: sqlite3.Connection) -> Iterator[None]:
    """Skip the records table's CHECK constraints while inserting rows build_row made.

    SQLite builds a little temporary table for each ``IN (...)`` check of
    every row inserted, which made the checks a third of the insert's time;
    build_row has already enforced each of them (a precision from
    parse_date, a score within -2..2, a known confidence; ``deleted`` is a
    literal 0). NOT NULL, UNIQUE and foreign keys are still enforced.
    """
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


def _chain(first, rest):
    yield first
    yield from rest


def _difference(uuid: str, old: tuple, new: tuple, where: str) -> str:
    for name, a, b in zip(_CONTENT_NAMES, old, new):
        if a != b:
            return (f"a record with uuid {uuid} exists {where} with different content "
                    f"({name}: {str(a)[:40]!r} there, {str(b)[:40]!r} here); nothing is overwritten")
    return f"a record with uuid {uuid} exists {where} with different content"


def import_records(store: Store, path: Path | str, options: ImportOptions | None = None,
                   progress: Callable[[int, int], bool | None] | None = None) -> ImportResult:
    """Import a CSV of stance records; see the module docstring for the guarantees.

    ``progress(bytes_done, bytes_total)`` is called every few thousand rows;
    returning False cancels the import (nothing is imported).
    """
    opts = options or ImportOptions()
    if opts.scale is not None:  # from any caller (the window's spin boxes too): finite, two different ends
        opts.scale = check_scale(opts.scale)
    if opts.dimension:
        store.dimension(opts.dimension)  # raises NotFound with the known slugs
        opts.dimension = store.dimension(opts.dimension).slug
    check_rejects(store.path, Path(path), opts)
    backup_if_changed(store, "import")  # issue 6: a verified backup before every import
    with _no_cyclic_gc():
        return _Importer(store, Path(path), opts).run(progress)


def _rejects_output(db_path: Path | None, path: Path, opts: ImportOptions) -> tuple[Path | str, list[outputs.Guarded]]:
    """Where the rejected rows go, and what that file must not be (core/outputs.py)."""
    rejects = opts.rejects or path.with_name(path.stem + ".rejects.csv")
    return rejects, [*outputs.database_files(db_path), outputs.Guarded(path, "the file being imported")]


def check_rejects(db_path: Path | None, path: Path | str, opts: ImportOptions) -> None:
    """Refuse, before anything is read or written, a rejects file that must not be written."""
    if opts.skip_invalid:
        rejects, protect = _rejects_output(db_path, Path(path), opts)
        outputs.check_output(rejects, protect=protect, option="--rejects")


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector for the length of an import.

    An import makes millions of short-lived lists and tuples, none of them in
    a reference cycle, and the collector ran every few hundred of them: a
    third of the Python time of a million-row import. Reference counting
    still frees every row as soon as it is inserted.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
