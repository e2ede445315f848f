"""What a record import is asked to do (its options, parsed from the command line or the window) and what it did."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from stancetracker.core.model.entities import parse_decimal
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.fields import MAPPED_FIELDS

FOREIGN_FIELDS = MAPPED_FIELDS

# How an import's messages name the controls that would fix a problem: the command line's words by
# default; the window passes its own (its checkbox and its combo box), so no one is told of options
# they cannot see.
CLI_WORDS = {
    "create_actors": "use --create-actors to add {them}",
    "dimension": "or give one --dimension for the whole file",
    "map": "give a mapping (--map actor=COL,date=COL,score=COL,dimension=COL)",
}


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
    # The cell separator (, ; or a tab); None sniffs it from the header line.
    delimiter: str | None = None
    words: dict[str, str] = field(default_factory=lambda: dict(CLI_WORDS))

    def say(self, control: str, **fill: str) -> str:
        """The caller's words for the control that fixes a problem (see CLI_WORDS)."""
        return self.words.get(control, CLI_WORDS[control]).format(**fill)


@dataclass
class ImportResult:
    path: str
    added: int = 0
    unchanged: int = 0
    rejected: int = 0
    created_actors: list[str] = field(default_factory=list)
    created_sources: list[str] = field(default_factory=list)
    # (new actor's name, the existing spelling it is close to, that actor's slug)
    near_duplicates: list[tuple[str, str, str]] = field(default_factory=list)
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

    def near_duplicate_notes(self, *, advice: bool = True) -> list[str]:
        """One line per new actor close to an existing one: created 'X' — close to existing 'Y' (slug).

        ``advice`` adds the command that makes the new spelling an alias instead.
        """
        return [f"created {new!r} — close to existing {old!r} ({slug})"
                + (f"; if they are one actor, add {new!r} as an alias of {slug} "
                   f"('stancetracker actors edit {slug} --add-alias')" if advice else "")
                for new, old, slug in self.near_duplicates]


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


__all__ = ["FOREIGN_FIELDS", "MAX_SCALE_END", "ImportOptions", "ImportResult", "check_scale", "parse_mapping",
           "parse_scale"]


# The usual names of each field's column in other people's spreadsheets, best first.
USUAL_COLUMNS = {
    "actor": ("actor", "actor_slug", "actor_name", "party", "name", "speaker", "organisation", "organization",
              "group", "who"),
    "date": ("date", "year", "yr", "time", "when", "day", "month", "period"),
    "score": ("score", "position", "value", "stance", "mean", "rating"),
    "dimension": ("dimension", "dimension_slug", "issue", "topic", "question"),
    "date_precision": ("date_precision", "precision"),
    "confidence": ("confidence", "certainty"),
    "source": ("source", "source_slug", "document", "doc"),
    "locator": ("locator", "page", "paragraph"),
    "evidence": ("evidence", "note", "notes", "comment", "comments", "quote"),
    "coder": ("coder", "coded_by", "annotator"),
    "uuid": ("uuid", "id"),
}


def _key(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.strip().casefold()).strip("_")


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Field -> column for a foreign file, from the usual column names (year → date, party → actor,
    position → score …); each column is given to one field at most."""
    keyed: dict[str, str] = {}
    for h in header:
        keyed.setdefault(_key(h), h)
    out: dict[str, str] = {}
    used: set[str] = set()
    for fld in FOREIGN_FIELDS:
        for name in USUAL_COLUMNS.get(fld, (fld,)):
            col = keyed.get(name)
            if col is not None and col not in used:
                out[fld] = col
                used.add(col)
                break
    return out
