"""Validating an import's rows: the header, then each chunk column by column, or row by row to name bad rows.

Every cell goes through the rule of its field (core/model/fields.py,
entities.py): the column-at-a-time fast path (build_chunk) calls a rule's
whole-column form, or its one-value form once per distinct cell; the
row-by-row path (build_row) calls the one-value forms. A property test
holds the two to the same results.
"""

from __future__ import annotations

import hashlib
import uuid as _uuid
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path

from stancetracker.core.db.bulk_load import BulkLoad
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.csv_reader import EXPORT_COLUMNS, column_key, other_delimiter_hint, unneutralise
from stancetracker.core.exchange.record_options import ImportOptions, ImportResult
from stancetracker.core.model.entities import (
    MAX_TITLE,
    Actor,
    Source,
    check_coder,
    check_confidence,
    check_date_text,
    check_evidence,
    check_evidences,
    check_locator,
    check_locators,
    check_score,
    check_text,
    check_timestamp_text,
    check_timestamp_texts,
    check_uuid,
    check_uuids,
    parse_decimal,
    parse_score,
    parse_version,
)
from stancetracker.core.model.dates import DateError, parse_date
from stancetracker.core.model.errors import ImportFailed, RowProblem, ValidationError
from stancetracker.core.model.fields import IMPORT_CELLS
from stancetracker.core.model.text import name_key
from stancetracker.core.model.suggest import NEAR_DUPLICATE_SCORE, did_you_mean

NAMESPACE = _uuid.UUID("6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a11")
MAX_PROBLEMS = 10_000
_FIRST = itemgetter(slice(0, 1))
_MISSING = object()
# What a derived UUID is made from: the insert tuple's actor to evidence, the coder left out.
# Derived UUIDs are stored, so this must never change (a re-import would add every row again).
_DERIVED_FROM = slice(1, 10)


class Problems:
    """The bad rows of an import: kept (up to MAX_PROBLEMS) and, with --skip-invalid, written to the rejects file."""

    def __init__(self, result: ImportResult, skip_invalid: bool):
        self.result, self.skip_invalid = result, skip_invalid
        self.found: list[RowProblem] = []
        self.bad_rows = 0
        self.rejects_writer = None

    def add(self, line: int, column: str, reason: str, row: list[str] | None) -> None:
        self.bad_rows += 1
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(RowProblem(line, column, reason))
        if self.skip_invalid and row is not None:
            self.result.rejected += 1
            self.rejects_writer.writerow([line, *row, f"{column}: {reason}" if column else reason])


class RowBuilder:
    """Turns a file's rows into insert tuples (the records table's columns, field order, ``deleted`` left out)."""

    def __init__(self, store: Store, path: Path, opts: ImportOptions, result: ImportResult, problems: Problems,
                 now: str):
        self.store, self.path, self.opts, self.result, self.problems = store, path, opts, result, problems
        self.now = now
        self.bulk = BulkLoad.inactive()  # the import's load, whose lock guards the connection (set by the driver)
        self.unknown_actors: dict[str, tuple[int, str]] = {}
        self.seen_content: dict[bytes, int] = {}
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
        # Text cells of our own layout may carry the export's formula guard (decided by read_header).
        self.guarded = False
        self.clean: Callable[[str], str] = str.strip
        self._file_source: int | None = None
        self.labels: dict[str, str] = {}
        self.delimiter = ","

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
        # The actors before the import, which suggestions and near-duplicate notes are drawn from:
        # a fixed list, so each look-up is one RapidFuzz call, however many actors the file creates.
        self.existing = store.actor_matcher()
        self._hints: dict[str, str] = {}
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

    # -- the header ------------------------------------------------------------
    def read_header(self, header: list[str], guarded: bool, delimiter: str = ",") -> None:
        """Check the header against the layout (or the mapping) and find each field's cell."""
        self.guarded = guarded
        self.delimiter = delimiter
        self.clean = _unguard if guarded else str.strip
        columns = self.columns(header)
        self.width = width = len(header)
        # A field the file lacks points past the row's end, at the "" appended to each row.
        self.field_columns = [columns.get(fld, width) for fld in IMPORT_CELLS]

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
                    hint = other_delimiter_hint(header, self.delimiter)
                    raise ImportFailed(str(self.path), [RowProblem(
                        1, col, f"no such column (mapped to {fld}); " + (hint or
                                f"the columns are: {', '.join(header[:30])}"))])
                cols[fld] = seen[col]
            need = ["actor", "date", "score"] + ([] if self.opts.dimension else ["dimension"])
            missing = [f for f in need if f not in cols]
            if missing:
                raise ImportFailed(str(self.path), [RowProblem(
                    1, "", f"the mapping gives no column for {', '.join(missing)}"
                    + (f" ({self.opts.say('dimension')})" if "dimension" in missing else ""))])
            self.labels = {f: header[i] for f, i in cols.items()}
            return cols
        lower = {h.lower(): i for h, i in seen.items()}
        unknown = [h for h in header if h.lower() not in EXPORT_COLUMNS]
        hint = other_delimiter_hint(header, self.delimiter) if unknown else ""
        if hint:
            raise ImportFailed(str(self.path), [RowProblem(1, unknown[0][:40], f"unknown column {unknown[0][:40]!r}; {hint}")])
        if unknown:
            shown = ", ".join(repr(u[:40]) for u in unknown[:5]) + (f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else "")
            raise ImportFailed(str(self.path), [RowProblem(
                1, unknown[0][:40], f"unknown column{'s' if len(unknown) > 1 else ''} {shown}; a stance-record file "
                "has the columns of 'stancetracker export' (see docs/formats.md); for another layout "
                + self.opts.say("map"))])
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
                self.store.insert_actor(actor)
            near = self.existing.closest(actor.name, cutoff=NEAR_DUPLICATE_SCORE)
            if near:  # made as asked, but said: a misspelling makes a second actor silently
                self.result.near_duplicates.append((actor.name, *near[0]))
            self.ids["actors"][actor.slug] = actor.id
            self.matcher.add(actor)
            self.result.created_actors.append(actor.slug)
            return actor.id
        self.unknown_actors.setdefault(label, (line, col))
        hint = self.hint(label)
        raise ValidationError(col, f"unknown actor {label!r} ({hint + ' or ' if hint else ''}"
                                   f"{self.opts.say('create_actors', them='it')})")

    def hint(self, label: str) -> str:
        """'did you mean …?' for an unknown actor name, worked out once per name."""
        if label not in self._hints:
            self._hints[label] = did_you_mean(self.existing.closest(label))
        return self._hints[label]

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
                self.store.insert_source(src)
            self.ids["sources"][src.slug] = src.id
            self.result.created_sources.append(src.slug)
            sid = self.sources[key] = src.id
        return sid

    def row_source(self, source: str, title: str, url: str, published: str) -> int | None:
        """The source a row names: a mapped file's source column (else the file itself), or our layout's three."""
        if self.opts.mapping is not None:
            return self.source_id(source.strip(), "", "") if source.strip() else self.file_source()
        return self.source_id(self.clean(title), self.clean(url), published.strip())

    def file_source(self) -> int:
        if self._file_source is None:
            self._file_source = self.source_id(self.path.name, "", "")
        return self._file_source

    # -- one cell, by its field's rule -----------------------------------------
    @staticmethod
    def date(text: str, precision: str) -> tuple[str, str]:
        """A date cell and its precision cell -> (ISO date, precision)."""
        day = check_date_text(text, precision)
        return day.iso, day.precision

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
        return check_confidence(cell.strip().lower())  # an empty or blank cell is the default

    def coder(self, cell: str) -> str:
        """A coder cell -> the coder's name; an empty cell is the user importing the file."""
        return check_coder(self.clean(cell) or self.store.user)

    def derived_uuid(self, row: tuple) -> str:
        key = "\x1f".join(map(str, row[_DERIVED_FROM])).encode()
        digest = hashlib.blake2b(key, digest_size=16).digest()
        n = self.seen_content.get(digest, 0)
        self.seen_content[digest] = n + 1
        return str(_uuid.uuid5(NAMESPACE, f"{digest.hex()}#{n}"))

    # -- rows ----------------------------------------------------------------
    def build_row(self, line: int, cells: tuple[str, ...]) -> tuple:
        """Validate one row (cells in IMPORT_CELLS order); returns the insert tuple or raises ValidationError.

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
        locator, evidence = check_locator(clean(locator)), check_evidence(clean(evidence))
        name = self._coders.get(coder)
        if name is None:
            name = self._coders[coder] = self.coder(coder)
        created = created.strip() or self.now
        updated = updated.strip() or created
        if created is not self.now:
            check_timestamp_text("created_at", created)
        if updated != created:
            check_timestamp_text("updated_at", updated)
        number = self._versions.get(version)
        if number is None:
            number = self._versions[version] = parse_version(version)
        uid = uid.strip()
        row = (check_uuid(uid) if uid else uid, actor_id, dim_id, day[0], day[1], value, conf, src_id,
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
                self.problems.add(line, "", f"has {len(row)} cells; the header has {width}", row)
                continue
            try:
                values = self.build_row(line, cells(row + pad))
            except ValidationError as err:
                self.problems.add(line, self.column_name(err.field), err.reason, row)
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
            versions = _memo(self._versions, version, parse_version)
        except ValidationError:
            return None
        locators = self._text_column(locator, check_locators)
        evidences = self._text_column(evidence, check_evidences)
        if locators is None or evidences is None:
            return None
        created, updated = list(map(str.strip, created)), list(map(str.strip, updated))
        if "" in created:
            created = [c or self.now for c in created]
        if "" in updated:
            updated = [u or c for u, c in zip(updated, created)]
        if check_timestamp_texts(created) is None or (updated != created and check_timestamp_texts(updated) is None):
            return None
        uids = list(map(str.strip, uid))
        derive = not any(uids)
        if not derive:
            uids = check_uuids(uids)
            if uids is None:
                return None
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

    def _text_column(self, cells: tuple[str, ...], rule: Callable[[list[str]], list[str] | None]) -> list[str] | None:
        """A column of free text, cleaned as build_row cleans it, through its field's column ``rule``."""
        if self.guarded and "'" in "".join(map(_FIRST, cells)):
            return rule(list(map(_unguard, cells)))  # some cell may carry the export's formula guard
        return rule(list(map(str.strip, cells)))


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


def _unguard(cell: str) -> str:
    """A text cell of our own layout, without the export's formula guard or outer white space."""
    return (unneutralise(cell) if cell[:1] == "'" else cell).strip()


__all__ = ["MAX_PROBLEMS", "NAMESPACE", "Problems", "RowBuilder"]
