"""How charts, listings and reports put scores and provenance into words (no Qt, no NumPy).

One place for the rules, so a chart, its hover text, the shifts panel, the CLI
and a report say the same thing the same way:

- a number is written by :func:`fmt_score` ("+1.5", "−0.33", "0"; never "+0");
- a single value keeps its level label ("+1 pro-Iran"); several records on one
  date, a snapshot cell or a comparison are an average and say so, with their
  spread ("−1.5 (average of 2: −2 to −1)") — never a strong level label;
- the source line names the sources the drawn records cite in a short
  author–date form, the coders and the date of the data, and wraps between
  its parts (never inside a word) when it is narrow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from stancetracker.core.model.entities import MINUS, Dimension, fmt_score
from stancetracker.core.model.stored_values import visible

X_TITLE = "Date"
SEPARATOR = " · "
_NAME_MAX = 30  # characters of a publisher, author or title in the short form of a source


# ---- numbers and values

@dataclass(frozen=True)
class Averaged:
    """What stands behind one shown value: the mean of ``n`` scores ranging from ``low`` to ``high``."""

    mean: float
    n: int = 1
    low: float = math.nan
    high: float = math.nan

    @property
    def agree(self) -> bool:
        """One score, or several that are all the same."""
        return self.n <= 1 or not (self.high > self.low)


def averaged(values: Iterable[float] | Averaged) -> Averaged:
    """The mean, count and range of some scores (an Averaged is returned as it is)."""
    if isinstance(values, Averaged):
        return values
    vals = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not vals:
        return Averaged(math.nan, 0)
    return Averaged(sum(vals) / len(vals), len(vals), min(vals), max(vals))


def value_text(values: Iterable[float] | Averaged, dim: Dimension | None = None) -> str:
    """A shown value in words: "+1 pro-Iran" for one score, "−1.5 (average of 2: −2 to −1)" for several.

    Several records that agree keep the level label and say how many they are.
    Without a dimension, the level label is left out.
    """
    v = averaged(values)
    if v.n == 0 or math.isnan(v.mean):
        return "no value"
    if v.agree:
        text = fmt_score(v.mean) + (f" {dim.score_label(v.mean)}" if dim is not None else "")
        return text + (f" ({v.n} records agree)" if v.n > 1 else "")
    return f"{fmt_score(v.mean)} (average of {v.n}: {fmt_score(v.low)} to {fmt_score(v.high)})"


def distance_text(diffs: Sequence[float]) -> str:
    """A comparison's distance on a date: "mean distance 1.25 over 3 dimensions (0.5 to 2)"."""
    vals = [float(d) for d in diffs if not math.isnan(float(d))]
    if not vals:
        return "no dimension with evidence for both"
    mean = sum(vals) / len(vals)
    text = f"mean distance {fmt_score(mean, signed=False)} over {len(vals)} dimension{'s' if len(vals) != 1 else ''}"
    if max(vals) > min(vals):
        text += f" ({fmt_score(min(vals), signed=False)} to {fmt_score(max(vals), signed=False)})"
    return text


class ShiftLike(Protocol):
    """What shift_text reads of a ``series.Shift`` (named here, not imported: series imports wording)."""

    before: float
    after: float
    before_date: object
    after_date: object
    before_value: Averaged | None
    after_value: Averaged | None
    sign_change: bool


def shift_text(sh: ShiftLike, name: str, dim: Dimension) -> str:
    """One line naming a shift: who, on what, from what (and when) to what (and when)."""
    sign = " (sign change)" if sh.sign_change else ""
    before = sh.before_value or Averaged(sh.before)
    after = sh.after_value or Averaged(sh.after)
    return (f"{name} on {dim.label}: {value_text(before, dim)} on {sh.before_date} → "
            f"{value_text(after, dim)} on {sh.after_date}{sign}")


# ---- axis titles

def short_label(dim: Dimension) -> str:
    """A dimension's label without its parenthesis: "Armed factions (PMF, …)" is "Armed factions"."""
    label = visible(dim.label, 80)
    head = label.split(" (", 1)[0].strip()
    return head or label


def stance_title(dim: Dimension) -> str:
    """The y axis title of a plot of stances on one dimension."""
    return f"Stance on {short_label(dim)}"


# ---- sources

def _clip(text: str, limit: int = _NAME_MAX) -> str:
    """Text cut at a word boundary to about ``limit`` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(" ,;:–-") + "…"


def _surname(author: str) -> str:
    first = re.split(r";| and | & ", author)[0].strip()
    several = first != author.strip()
    if "," in first:  # "Smith, John"
        name = first.split(",", 1)[0].strip()
    else:
        name = first.split()[-1] if first.split() else ""
    return f"{name} et al." if name and several else name


def short_source(publisher: str, author: str = "", title: str = "", published: str = "") -> str:
    """A source in short author–date form: the publisher (or the author's surname, or the title) and year.

    "Jamestown Foundation (Terrorism Monitor …)" with 2021-11 is "Jamestown Foundation 2021"; with no
    date recorded the year is "n.d.".
    """
    publisher, author, title = (visible(t, 300) for t in (publisher, author, title))
    name = re.split(r" \(|, | – | — ", publisher.strip(), maxsplit=1)[0].strip()
    name = _clip(name) or _clip(_surname(author)) or _clip(title) or "untitled source"
    year = str(published or "")[:4]
    return f"{name} {year if re.fullmatch(r'[0-9]{4}', year) else 'n.d.'}"


@dataclass(frozen=True)
class SourceLine:
    """The provenance printed under a chart, in parts: its sources, coders, data date, counts and notes.

    ``sources`` are short names, most cited first (names shared by several
    sources appear once); ``n_sources`` how many distinct sources there are.
    """

    sources: list[tuple[str, int]] = field(default_factory=list)  # (short name, how many sources it stands for)
    n_sources: int = 0
    unsourced: int = 0
    coders: list[str] = field(default_factory=list)
    data_as_of: str = ""  # an ISO day, '' when unknown
    drawn: int = 0
    total: int = 0
    first: str = ""
    last: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. the fade horizon, records left out
    database: str = ""

    def sources_part(self, max_names: int = 3) -> str:
        """'Sources: Carnegie 2023, The New Arab 2022 and 3 more' (with the records that cite none)."""
        if not self.sources:
            text = "Sources: none cited"
        else:
            shown = self.sources[:max(1, max_names)]
            names = [n for n, _ in shown]
            more = self.n_sources - sum(k for _, k in shown)
            head = "Source: " if self.n_sources == 1 else "Sources: "
            if more > 0:
                text = head + ", ".join(names) + f" and {more} more"
            else:
                text = head + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
        if self.unsourced and self.sources:
            text += f" ({self.unsourced:,} record{'s' if self.unsourced != 1 else ''} cite{'s' if self.unsourced == 1 else ''} none)"
        return text

    def coders_part(self, max_names: int = 4) -> str:
        if not self.coders:
            return ""
        names = [c or "(no coder)" for c in self.coders]
        shown = ", ".join(names[:max_names]) + (f" and {len(names) - max_names} more" if len(names) > max_names else "")
        return f"coder{'s' if len(names) > 1 else ''}: {shown}"

    def parts(self, max_names: int = 3, brief: bool = False) -> list[str]:
        """The line's parts; ``brief`` keeps only what a narrow chart cannot do without."""
        out = [self.sources_part(max_names), self.coders_part(2 if brief else 4)]
        if self.data_as_of:
            out.append(f"data as of {self.data_as_of}")
        counts = f"{self.drawn:,} of {self.total:,} records"
        if self.first and not brief:
            counts += f" dated {self.first} to {self.last}"
        out.append(counts)
        out += self.notes[-1:] if brief else self.notes
        if self.database and not brief:
            out.append(f"[{self.database}]")
        return [p for p in out if p]

    def text(self) -> str:
        """The whole line on one line."""
        return SEPARATOR.join(self.parts())

    def __str__(self) -> str:
        return self.text()

    def lines(self, width: int = 100, fits: Callable[[str], bool] | None = None, max_lines: int = 3) -> list[str]:
        """The line wrapped to ``width`` characters (or to what ``fits`` accepts), shortened to ``max_lines``.

        Breaks fall between parts where they can and between words otherwise,
        never inside a word; when even that takes too many lines, fewer sources
        are named ("and N more") and then only the essential parts are kept.
        """
        fits = fits or (lambda s: len(s) <= width)
        tried: list[str] = []
        for names, brief in ((3, False), (2, False), (1, False), (1, True)):
            tried = wrap_parts(self.parts(names, brief), fits)
            if len(tried) <= max_lines:
                break
        return tried


def wrap_parts(parts: Sequence[str], fits: Callable[[str], bool] | int) -> list[str]:
    """Parts joined by " · " into lines that ``fits`` accepts (an int: that many characters).

    A part that fits on a line is never broken; one that does not is broken
    after its commas, then between words. A single word wider than the line stands on its own line,
    whole (it is never cut).
    """
    if isinstance(fits, int):
        limit = fits
        fits = lambda s: len(s) <= limit
    lines: list[str] = []
    cur = ""
    for part in parts:
        joined = cur + SEPARATOR + part if cur else part
        if fits(joined):
            cur = joined
            continue
        if cur:
            lines.append(cur)
            cur = ""
        if fits(part):
            cur = part
            continue
        # A list ("A 2023, B 2022 and 3 more") breaks after its commas before it breaks between words.
        for chunk in re.split(r"(?<=,) ", part):
            cand = cur + " " + chunk if cur else chunk
            if fits(cand):
                cur = cand
                continue
            if cur:
                lines.append(cur)
                cur = ""
            if fits(chunk):
                cur = chunk
                continue
            for word in chunk.split(" "):
                cand = cur + " " + word if cur else word
                if fits(cand) or not cur:
                    cur = cand
                else:
                    lines.append(cur)
                    cur = word
    if cur:
        lines.append(cur)
    return lines


def source_line(cited: Sequence, unsourced: int, coders: Sequence[str], latest_change: str | None,
                drawn: int, total: int, first: str | None = None, last: str | None = None,
                notes: Sequence[str] = (), database: str = "") -> SourceLine:
    """A :class:`SourceLine` from what core/db read about the drawn records.

    ``cited`` are the cited sources, most cited first, each with ``publisher``,
    ``author``, ``title`` and ``published`` (stored text; shown made visible).
    """
    names: dict[str, int] = {}
    for c in cited:
        key = short_source(c.publisher, c.author, c.title, c.published)
        names[key] = names.get(key, 0) + 1
    return SourceLine(
        sources=list(names.items()), n_sources=len(cited), unsourced=unsourced,
        coders=[visible(c, 40) for c in coders], data_as_of=(latest_change or "")[:10],
        drawn=drawn, total=total, first=str(first or ""), last=str(last or ""),
        notes=[n for n in notes if n], database=visible(database, 80),
    )


__all__ = [
    "MINUS", "SEPARATOR", "X_TITLE", "Averaged", "SourceLine", "averaged", "distance_text", "fmt_score",
    "shift_text", "short_label", "short_source", "source_line", "stance_title", "value_text",
    "wrap_parts",
]
