"""Domain types and their validation rules."""

from __future__ import annotations

import math
import re
import unicodedata
import uuid as _uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from stancetracker.core.model.dates import ISO_TIMESTAMP, DateError, PartialDate, parse_date
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.text import CONTROL_CLASS, MAX_SLUG, SLUG_RE, has_control_chars, has_letter

CONFIDENCES = ("low", "medium", "high")
ACTOR_KINDS = ("person", "party", "movement", "coalition", "militia", "state", "institution", "other")
SOURCE_KINDS = ("article", "report", "statement", "interview", "news", "book", "document", "other", "opinion")
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
_BIDI_OVERRIDE_CLASS = "\u202a-\u202e\u2066-\u2069"
_BIDI_OVERRIDES = re.compile(f"[{_BIDI_OVERRIDE_CLASS}]")
# Every character check_text refuses in any text, multi-line (True) or one-line (False):
# what check_text and check_text_column both test, so the two cannot disagree.
_REFUSED = {multiline: re.compile(f"[{CONTROL_CLASS[multiline]}{_BIDI_OVERRIDE_CLASS}]") for multiline in (True, False)}
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
    if _REFUSED[multiline].search(value):  # which kind, in this order, names the message
        if "\x00" in value:
            raise ValidationError(fld, "contains a NUL character")
        if has_control_chars(value, allow_newlines=multiline):
            raise ValidationError(fld, "contains control characters")
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


def check_text_column(values: Sequence[str], *, max_len: int, multiline: bool = False) -> bool:
    """True if check_text(max_len, multiline) passes every value, already stripped; the column form of its rule.

    For text that is no name and may be empty: the length and the refused
    characters, tested over the whole column at C speed.
    """
    if not values:
        return True
    text = "".join(values)
    # Printable text (Arabic included) holds none of the characters refused.
    return max(map(len, values)) <= max_len and (text.isprintable() or not _REFUSED[multiline].search(text))


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


def parse_version(text: str) -> int:
    """A version cell (a whole number, 1 or more; empty is 1) -> int."""
    version = parse_whole(text, "version") if text.strip() else 1
    if version < 1:
        raise ValidationError("version", "must be 1 or more")
    return version


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


def check_uuids(values: Sequence[str]) -> list[str] | None:
    """The column form of check_uuid: each value (already stripped) as it gives it, or None if it refuses one."""
    lowered = "\n".join(values).lower()
    if not _lines_match(_UUID_LINES, lowered, len(values), _HEX):
        return None
    return lowered.split("\n") if values else []


def check_timestamp_text(fld: str, text: str) -> str:
    """A timestamp cell (already stripped) in the shape ISO_TIMESTAMP gives it, returned unchanged."""
    if not ISO_TIMESTAMP.match(text):
        raise ValidationError(fld, f"{text[:40]!r} is not an ISO 8601 timestamp such as 2024-01-31T12:00:00Z")
    return text


def check_timestamp_texts(values: Sequence[str]) -> list[str] | None:
    """The column form of check_timestamp_text: the values (already stripped), or None if it refuses one."""
    return list(values) if _lines_match(_STAMP_LINES, "\n".join(values), len(values), _DIGITS) else None


# The one-value patterns above repeated, one value a line: a whole column in one match.
_UUID_LINES = re.compile(rf"(?:{_UUID.pattern[1:-1]}\n)*")
_STAMP_LINES = re.compile(rf"(?:{ISO_TIMESTAMP.pattern[1:-1]}\n)*")
# The characters the patterns treat alike, masked as "0" (see _lines_match).
_DIGITS = str.maketrans("0123456789", "0" * 10)
_HEX = str.maketrans("0123456789abcdef", "0" * 16)


def _lines_match(pattern: re.Pattern, joined: str, n: int, mask: dict[int, int]) -> bool:
    """True if each of the ``n`` values ``joined`` holds (one a line) matches ``pattern``'s one-line form.

    The values of a column usually share one shape (every timestamp written
    as 2024-01-31T12:00:00Z): with the characters ``mask`` stands for masked
    to one, the column is then that shape repeated, which one comparison
    confirms, and the pattern checks the shape once.
    """
    if not n:
        return True
    joined += "\n"
    if joined.count("\n") != n:  # a value holds a line break
        return False
    masked = joined.translate(mask)
    shape = masked[:masked.index("\n") + 1]
    if masked == shape * n:
        return pattern.fullmatch(shape) is not None
    return pattern.fullmatch(joined) is not None


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


def check_date_text(text: str, precision: str) -> PartialDate:
    """A date cell and its precision cell (both stripped; an empty precision is the written one's) -> PartialDate."""
    try:
        return parse_date(text, precision or None)
    except DateError as err:
        raise ValidationError("date_precision" if "precision" in str(err) and precision else "date",
                              str(err)) from None


def check_locator(value: object) -> str:
    return check_text("locator", value, max_len=MAX_LOCATOR)


def check_locators(values: Sequence[str]) -> list[str] | None:
    """The column form of check_locator: the values (already stripped), or None if it refuses one."""
    return list(values) if check_text_column(values, max_len=MAX_LOCATOR) else None


def check_evidence(value: object) -> str:
    return check_text("evidence", value, max_len=MAX_EVIDENCE, multiline=True)


def check_evidences(values: Sequence[str]) -> list[str] | None:
    """The column form of check_evidence: the values (already stripped), or None if it refuses one."""
    return list(values) if check_text_column(values, max_len=MAX_EVIDENCE, multiline=True) else None


def check_coder(value: object) -> str:
    return check_text("coder", value, max_len=MAX_NAME, required=True, name=True)


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

    def level_texts(self, codebook: str | None = None) -> dict[int, str]:
        """Each level's meaning from the codebook's '-2: …' lines (``codebook``, else this dimension's);
        the poles and a neutral middle when it has none."""
        found: dict[int, list[str]] = {}
        current = None
        for line in (self.codebook if codebook is None else codebook or "").split("\n"):
            m = _LEVEL_LINE.match(line)
            if m:
                current = int(m.group(1).replace(MINUS, "-"))
                found[current] = [m.group(2).strip()]
            elif current is not None and line.strip():
                found[current].append(line.strip())
        if found:
            return {lvl: " ".join(found[lvl]) for lvl in sorted(found)}
        return {lvl: text for lvl, text in ((-2, self.neg_pole), (0, "Neutral or mixed, or no discernible line."),
                                            (2, self.pos_pole)) if text}

    def score_label(self, score: float) -> str:
        return score_label(score, self.neg_label or f"anti-{self.label}", self.pos_label or f"pro-{self.label}")


def score_label(score: float, neg_label: str, pos_label: str) -> str:
    """Words for a score: the label of the nearest of the five levels."""
    # Halves round away from zero, as SQLite's round() does in exports.
    level = max(-2, min(2, int(math.copysign(math.floor(abs(score) + 0.5), score))))
    return {-2: f"strongly {neg_label}", -1: neg_label, 0: "neutral/mixed",
            1: pos_label, 2: f"strongly {pos_label}"}[level]


MINUS = "\u2212"  # the typographic minus: "−1" reads as a number where "-1" may read as a dash
_LEVEL_LINE = re.compile(r"^\s*([+\-\u2212]?[0-2])\s*[:.)=]\s*(.*)$")  # a codebook's "-2: …" line


def fmt_score(value: float, signed: bool = True) -> str:
    """A score (or, unsigned, a distance) as every listing and chart writes it: "+1.5", "−0.33", "0".

    At most two decimals, no trailing zeros; zero (or what rounds to it) is "0", never "+0" or "−0".
    """
    if value is None or math.isnan(value):
        return "no value"
    v = round(float(value), 2)
    if v == 0:
        return "0"
    digits = f"{abs(v):.2f}".rstrip("0").rstrip(".")
    if not signed:
        return digits if v > 0 else MINUS + digits
    return ("+" if v > 0 else MINUS) + digits


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
        self.locator = check_locator(self.locator)
        self.evidence = check_evidence(self.evidence)
        self.coder = check_coder(self.coder)
        return self


__all__ = [
    "ACTOR_KINDS", "CONFIDENCES", "LEVELS", "SOURCE_KINDS", "Actor", "DateError", "Dimension",
    "Event", "Membership", "PartialDate", "Record", "Source", "ValidationError",
    "score_label",
]
