"""Domain types and their validation rules."""

from __future__ import annotations

import math
import re
import unicodedata
import uuid as _uuid
from dataclasses import dataclass, field

from stancetracker.core.model.dates import DateError, PartialDate, parse_date
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.text import MAX_SLUG, SLUG_RE, has_control_chars, has_letter

CONFIDENCES = ("low", "medium", "high")
ACTOR_KINDS = ("person", "party", "movement", "coalition", "militia", "state", "institution", "other")
SOURCE_KINDS = ("article", "report", "statement", "interview", "news", "book", "document", "other")
LEVELS = (-2, -1, 0, 1, 2)
SCORE_MIN, SCORE_MAX = -2.0, 2.0

MAX_NAME = 200
MAX_TITLE = 1000
MAX_LOCATOR = 500
MAX_EVIDENCE = 20_000
MAX_TEXT = 50_000_000

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Direction overrides and isolates can make a name read differently from what
# it holds ("Trojan source"); refused everywhere. LRM/RLM are refused in names.
_BIDI_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_MARKS = re.compile("[\u200e\u200f\u061c]")
# Zero-width (non-)joiners shape Persian and Arabic words (and emoji): allowed in names.
_JOINERS = "\u200c\u200d"


def check_text(fld: str, value: object, *, max_len: int, required: bool = False,
               multiline: bool = False, name: bool = False, needs_letter: bool = False) -> str:
    """Validate a free-text field and return it stripped of outer white space.

    A ``name`` (or a field that ``needs_letter``) must hold a letter or digit one can see.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(fld, "must be text")
    value = value.strip()
    if required and not value:
        raise ValidationError(fld, "is required")
    if len(value) > max_len:
        raise ValidationError(fld, f"is {len(value):,} characters long; the limit is {max_len:,}")
    if "\x00" in value:
        raise ValidationError(fld, "contains a NUL character")
    if has_control_chars(value, allow_newlines=multiline):
        raise ValidationError(fld, "contains control characters")
    if _BIDI_OVERRIDES.search(value):
        raise ValidationError(fld, "contains invisible bidirectional-control characters (U+202A–202E, U+2066–2069)")
    if name and _BIDI_MARKS.search(value):
        raise ValidationError(fld, "contains invisible direction marks (U+200E/U+200F/U+061C)")
    if name and not value.isascii():
        hidden = next((ch for ch in value if ch not in _JOINERS and unicodedata.category(ch) == "Cf"), None)
        if hidden is not None:
            raise ValidationError(fld, f"contains an invisible character (U+{ord(hidden):04X}), which would make "
                                       "two names that look alike differ")
    if value and (name or needs_letter) and not has_letter(value):
        points = " ".join(f"U+{ord(ch):04X}" for ch in value[:6]) + (" …" if len(value) > 6 else "")
        raise ValidationError(fld, f"{value[:20]!r} ({points}) has no letter or digit, only punctuation, "
                                   "marks, symbols or invisible characters")
    return value


def check_slug(fld: str, value: object) -> str:
    """A slug: lower-case ASCII letters, digits and single hyphens."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(fld, "is required")
    value = value.strip()
    if not SLUG_RE.match(value):
        raise ValidationError(fld, f"{value[:60]!r} is not a slug (lower-case letters, digits and hyphens, e.g. 'state-of-law')")
    if len(value) > MAX_SLUG:  # said apart: a long, well-formed slug was told it was no slug at all
        raise ValidationError(fld, f"is {len(value):,} characters long; the limit is {MAX_SLUG}")
    return value


# A plain decimal: optional sign (ASCII or U+2212 minus), digits, optional
# fraction. No exponent, digit separator ("0_2"), inf or nan: float() takes
# those, and each once turned a cell into a score nobody wrote. Arabic-Indic
# digits (and the Arabic decimal separator) are what spreadsheets in Arabic
# locales write, so they are read as digits; other scripts' digits are not.
_DECIMAL = re.compile(r"[+\-\u2212]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)")
_ARABIC_DIGITS = str.maketrans("\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
                               "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9\u066b",
                               "01234567890123456789.")
_WHOLE = re.compile(r"[+\-]?[0-9]+")
MAX_NUMBER_TEXT = 400  # the plain form of any float from -2 to 2 fits (subnormals too)


def parse_decimal(text: str, fld: str = "score") -> float:
    """A plain decimal number written as text (see _DECIMAL) -> float; ValidationError naming the value."""
    s = text.strip()
    if not s:
        raise ValidationError(fld, "is required")
    shown = repr(s[:40]) + ("…" if len(s) > 40 else "")
    plain = s.translate(_ARABIC_DIGITS)
    # "١1" mixes two sets of digits and is refused; an ASCII point between Arabic-Indic
    # digits ("۱.۵") is how many keyboards write the fraction, and is read.
    if len(s) > MAX_NUMBER_TEXT or not _DECIMAL.fullmatch(plain) or (plain != s
                                                                       and any(c in s for c in "0123456789")):
        raise ValidationError(fld, f"{shown} is not a plain decimal number (such as 1, -0.5 or +2; "
                                   "no exponent, digit separator, inf or nan)")
    value = float(plain.replace("\u2212", "-")) + 0.0  # + 0.0 makes -0.0 plain 0.0
    if not math.isfinite(value):  # 309 digits or more: float() gives inf, which no one wrote
        raise ValidationError(fld, f"{shown} is too large a number")
    return value


def parse_whole(text: str, fld: str) -> int:
    """A whole number written as text (optional sign, digits) -> int; int() alone would take "1_0" as 10."""
    s = text.strip()
    plain = s.translate(_ARABIC_DIGITS)
    if not _WHOLE.fullmatch(plain) or len(s) > 18 or (plain != s and any(c in s for c in "0123456789")):
        raise ValidationError(fld, f"{s[:20]!r} is not a whole number")
    return int(plain)


def parse_score(text: str, fld: str = "score") -> float:
    """A score cell (plain decimal, -2 to +2) -> float; the one parser of scores written as text."""
    value = parse_decimal(text, fld)
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValidationError(fld, f"{value:g} is outside the range -2 to 2")
    return value


def check_score(value: object, fld: str = "score") -> float:
    """A finite number from -2 to +2 (text is read by parse_score)."""
    if isinstance(value, bool):
        raise ValidationError(fld, "must be a number from -2 to 2")
    if isinstance(value, str):
        return parse_score(value, fld)
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(fld, "must be a number from -2 to 2")
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValidationError(fld, f"{value:g} is outside the range -2 to 2")
    return float(value) + 0.0  # normalise -0.0


def check_confidence(value: object) -> str:
    if value is None or value == "":
        return "medium"
    if not isinstance(value, str) or value.strip().lower() not in CONFIDENCES:
        raise ValidationError("confidence", f"must be low, medium or high, not {str(value)[:40]!r}")
    return value.strip().lower()


def check_uuid(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("uuid", "must be text")
    s = value.strip().lower()
    if not _UUID.match(s):
        raise ValidationError("uuid", f"{value[:60]!r} is not a UUID")
    return s


def check_date(fld: str, value: object, precision: str | None = None, required: bool = True) -> PartialDate | None:
    if isinstance(value, PartialDate):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(fld, "is required")
        return None
    try:
        return parse_date(value, precision or None)
    except DateError as err:
        raise ValidationError(fld, str(err)) from None


def check_colour(value: object) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not _COLOUR.match(value.strip()):
        raise ValidationError("colour", f"{str(value)[:40]!r} is not a colour like #1f77b4")
    return value.strip().lower()


def new_uuid() -> str:
    return str(_uuid.uuid4())


@dataclass
class Dimension:
    """The question a stance answers, with its two poles."""

    slug: str
    label: str
    question: str = ""
    neg_label: str = ""
    pos_label: str = ""
    neg_pole: str = ""
    pos_pole: str = ""
    codebook: str = ""
    position: int = 0
    id: int | None = None

    def validate(self) -> "Dimension":
        self.slug = check_slug("slug", self.slug)
        self.label = check_text("label", self.label, max_len=MAX_NAME, required=True, name=True)
        self.neg_label = check_text("neg_label", self.neg_label, max_len=MAX_NAME, name=True) or f"anti-{self.label}"
        self.pos_label = check_text("pos_label", self.pos_label, max_len=MAX_NAME, name=True) or f"pro-{self.label}"
        self.question = check_text("question", self.question, max_len=MAX_TITLE, multiline=True)
        self.neg_pole = check_text("neg_pole", self.neg_pole, max_len=MAX_TITLE, multiline=True)
        self.pos_pole = check_text("pos_pole", self.pos_pole, max_len=MAX_TITLE, multiline=True)
        self.codebook = check_text("codebook", self.codebook, max_len=MAX_EVIDENCE, multiline=True)
        if isinstance(self.position, str):
            self.position = parse_whole(self.position, "position") if self.position.strip() else 0
        try:
            self.position = int(self.position or 0)
        except (TypeError, ValueError):
            raise ValidationError("position", "must be a whole number") from None
        return self

    def score_label(self, score: float) -> str:
        return score_label(score, self.neg_label or f"anti-{self.label}", self.pos_label or f"pro-{self.label}")


def score_label(score: float, neg_label: str, pos_label: str) -> str:
    """Words for a score: the label of the nearest of the five levels."""
    # Halves round away from zero, as SQLite's round() does in exports.
    level = max(-2, min(2, int(math.copysign(math.floor(abs(score) + 0.5), score))))
    return {-2: f"strongly {neg_label}", -1: neg_label, 0: "neutral/mixed",
            1: pos_label, 2: f"strongly {pos_label}"}[level]


@dataclass
class Actor:
    """A person, party, coalition, militia, state or institution."""

    slug: str
    name: str
    kind: str = "other"
    aliases: list[str] = field(default_factory=list)
    colour: str = ""
    description: str = ""
    id: int | None = None

    def validate(self) -> "Actor":
        self.slug = check_slug("slug", self.slug)
        self.name = check_text("name", self.name, max_len=MAX_NAME, required=True, name=True)
        kind = (self.kind or "other").strip().lower()
        if kind not in ACTOR_KINDS:
            raise ValidationError("kind", f"must be one of {', '.join(ACTOR_KINDS)}, not {kind[:40]!r}")
        self.kind = kind
        aliases = []
        for a in self.aliases:
            a = check_text("aliases", a, max_len=MAX_NAME, name=True)
            if a and a not in aliases and a != self.name:
                aliases.append(a)
        self.aliases = aliases
        self.colour = check_colour(self.colour)
        self.description = check_text("description", self.description, max_len=MAX_TITLE, multiline=True)
        return self


@dataclass
class Membership:
    """An actor's place in another actor over time (member, leader, split from …)."""

    member: str
    group: str
    role: str = "member"
    start: PartialDate | None = None
    end: PartialDate | None = None
    note: str = ""
    id: int | None = None

    def validate(self) -> "Membership":
        self.member = check_slug("member", self.member)
        self.group = check_slug("group", self.group)
        if self.member == self.group:
            raise ValidationError("group", "an actor cannot be a member of itself")
        self.role = check_text("role", self.role, max_len=MAX_NAME, name=True) or "member"
        self.note = check_text("note", self.note, max_len=MAX_TITLE, multiline=True)
        if self.start and self.end and self.end.end() < self.start.value:
            raise ValidationError("end", "ends before it starts")
        return self


@dataclass
class Source:
    """A document stances are coded from."""

    slug: str
    title: str
    publisher: str = ""
    author: str = ""
    url: str = ""
    published: PartialDate | None = None
    kind: str = "article"
    language: str = ""
    text: str = ""
    id: int | None = None

    def validate(self) -> "Source":
        self.slug = check_slug("slug", self.slug)
        # A title is a name: an invisible character in it makes two sources that look alike differ.
        self.title = check_text("title", self.title, max_len=MAX_TITLE, required=True, name=True)
        self.publisher = check_text("publisher", self.publisher, max_len=MAX_NAME)
        self.author = check_text("author", self.author, max_len=MAX_NAME)
        self.url = check_text("url", self.url, max_len=2000)
        kind = (self.kind or "other").strip().lower()
        if kind not in SOURCE_KINDS:
            raise ValidationError("kind", f"must be one of {', '.join(SOURCE_KINDS)}, not {kind[:40]!r}")
        self.kind = kind
        self.language = check_text("language", self.language, max_len=20)
        self.text = check_text("text", self.text, max_len=MAX_TEXT, multiline=True)
        return self


@dataclass
class Event:
    """A dated landmark drawn on charts."""

    slug: str
    date: PartialDate
    label: str
    description: str = ""
    source: str | None = None
    id: int | None = None

    def validate(self) -> "Event":
        self.slug = check_slug("slug", self.slug)
        self.date = check_date("date", self.date)
        self.label = check_text("label", self.label, max_len=80, required=True, name=True)  # drawn on charts: a name
        self.description = check_text("description", self.description, max_len=MAX_TITLE, multiline=True)
        self.source = check_slug("source", self.source) if self.source else None
        return self


@dataclass
class Record:
    """One coded observation: actor x dimension x date -> score, with its evidence.

    ``actor``, ``dimension`` and ``source`` are slugs.
    """

    actor: str
    dimension: str
    date: PartialDate
    score: float
    confidence: str = "medium"
    source: str | None = None
    locator: str = ""
    evidence: str = ""
    coder: str = ""
    uuid: str = field(default_factory=new_uuid)
    created_at: str = ""
    updated_at: str = ""
    version: int = 1
    deleted: bool = False
    id: int | None = None

    def validate(self) -> "Record":
        self.uuid = check_uuid(self.uuid)
        self.actor = check_slug("actor", self.actor)
        self.dimension = check_slug("dimension", self.dimension)
        self.date = check_date("date", self.date)
        self.score = check_score(self.score)
        self.confidence = check_confidence(self.confidence)
        self.source = check_slug("source", self.source) if self.source else None
        self.locator = check_text("locator", self.locator, max_len=MAX_LOCATOR)
        self.evidence = check_text("evidence", self.evidence, max_len=MAX_EVIDENCE, multiline=True)
        self.coder = check_text("coder", self.coder, max_len=MAX_NAME, required=True, name=True)
        return self


__all__ = [
    "ACTOR_KINDS", "CONFIDENCES", "LEVELS", "SOURCE_KINDS", "Actor", "DateError", "Dimension",
    "Event", "Membership", "PartialDate", "Record", "Source", "ValidationError",
    "score_label",
]
