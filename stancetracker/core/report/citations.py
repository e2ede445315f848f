"""The bibliography: one author–date style for every source, and the same entries as CSL-JSON and BibTeX.

The style (close to Chicago author–date, in plain text): the creator, the
year, the title in quotation marks, the publisher and the full date when it is
more precise than a year, then the URL::

    Jameel, Rami. 2021. “Assassination Attempt against ….” Jamestown Foundation, November 2021.

The creator is the source's author; a source with no author is listed by its
title. Short forms in notes are the creator's family name (or the title's
first words) and the year, with a, b … when two sources share both
("Jameel 2021", "“Iran Forming New Alliances” 2020"). A source with no date
has "n.d.". Keys (BibTeX and CSL ``id``) are the source slugs, which are
already lower-case ASCII letters, digits and hyphens.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.entities import Source
from stancetracker.core.model.stored_values import visible
from stancetracker.core.report.document import SourceEntry

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
# Words that make an author a body, not a person: listed as written, never inverted.
_BODY_WORDS = frozenset("""
agency alliance association bureau center centre college committee council court department embassy forum
foundation front government group institute institution league ministry monitor movement network news office
organisation organization party press project service society studies survey team unit university
""".split())
_CSL_TYPES = {"article": "article", "report": "report", "statement": "speech", "interview": "interview",
              "news": "article-newspaper", "book": "book", "document": "document", "other": "document"}


@dataclass(frozen=True)
class Name:
    """One author: a person (family, given) or a body written as it is (``literal``)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    @property
    def sort_key(self) -> str:
        return (self.family or self.literal).casefold()

    def inverted(self) -> str:
        """'Jameel, Rami' for a person, the name itself for a body."""
        if self.literal:
            return self.literal
        return f"{self.family}, {self.given}" if self.given else self.family

    def natural(self) -> str:
        return self.literal or " ".join(p for p in (self.given, self.family) if p)

    def csl(self) -> dict:
        if self.literal:
            return {"literal": self.literal}
        out = {"family": self.family}
        if self.given:
            out["given"] = self.given
        return out


def split_authors(text: str) -> list[Name]:
    """The authors of a source's author field ('A; B', 'A and B'), each as a person or a body."""
    text = " ".join(text.split())
    if not text:
        return []
    parts = [p.strip() for p in re.split(r";|\s+and\s+|\s+&\s+", text) if p.strip()]
    return [_name(p) for p in parts]


def _name(text: str) -> Name:
    words = text.split()
    is_body = (len(words) < 2 or len(words) > 4 or any(w.strip("(),.").casefold() in _BODY_WORDS for w in words)
               or not all(w[:1].isupper() or w.startswith(("al-", "el-", "bin", "ibn", "van", "von", "de"))
                          for w in words) or any(ch.isdigit() or ch in "()/," for ch in text))
    if is_body:
        return Name(literal=text)
    return Name(family=words[-1], given=" ".join(words[:-1]))


def year_of(date: PartialDate | None) -> str:
    return f"{date.value.year:04d}" if date is not None else "n.d."


def full_date(date: PartialDate) -> str:
    """'November 2021', '22 January 2022' (a year alone says nothing more than the year after the creator)."""
    v = date.value
    if date.precision == "month":
        return f"{_MONTHS[v.month - 1]} {v.year:04d}"
    if date.precision == "day":
        return f"{v.day} {_MONTHS[v.month - 1]} {v.year:04d}"
    return ""


def short_title(title: str, words: int = 4) -> str:
    parts = title.split()
    cut = " ".join(parts[:words]).rstrip(",.:;?!")
    return cut + ("…" if len(parts) > words else "")


def _clean(text: str) -> str:
    return visible(" ".join(text.split()), 2000)


def _end(text: str) -> str:
    """``text`` ending in one full stop (or its own ? or !)."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", "…")) else text + "."


@dataclass
class Bibliography:
    """The entries of the cited sources, in author–date order, and their short forms by source slug."""

    entries: list[SourceEntry]
    short: dict[str, str]  # slug -> "Jameel 2021"

    def entry(self, slug: str) -> SourceEntry:
        return next(e for e in self.entries if e.key == slug)


def bibliography(sources: list[Source]) -> Bibliography:
    """Entries for ``sources`` (each once), sorted by creator, year and title."""
    seen: dict[str, Source] = {}
    for s in sources:
        seen.setdefault(s.slug, s)
    rows = []
    for s in seen.values():
        authors = split_authors(_clean(s.author))
        title = _clean(s.title) or s.slug
        sort = authors[0].sort_key if authors else title.casefold().lstrip("“\"'")
        rows.append((sort, year_of(s.published), title.casefold(), s, authors, title))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    # Two sources with the same creator and year are told apart by a letter: 2020a, 2020b.
    base_short: dict[str, str] = {}
    for _, year, _, s, authors, title in rows:
        base_short[s.slug] = _short_creator(authors, title)
    groups: dict[tuple[str, str], list[str]] = {}
    for _, year, _, s, _, _ in rows:
        groups.setdefault((base_short[s.slug], year), []).append(s.slug)
    suffix = {slug: (chr(ord("a") + i) if len(slugs) > 1 else "")
              for slugs in groups.values() for i, slug in enumerate(slugs)}
    entries, short = [], {}
    for _, year, _, s, authors, title in rows:
        shown_year = year + suffix[s.slug]
        short[s.slug] = f"{base_short[s.slug]} {shown_year}"
        entries.append(SourceEntry(key=s.slug, text=_entry_text(s, authors, title, shown_year),
                                   csl=_csl(s, authors, title), url=_clean(s.url)))
    return Bibliography(entries, short)


def _short_creator(authors: list[Name], title: str) -> str:
    if not authors:
        return f"“{short_title(title)}”"
    first = authors[0].family or authors[0].literal
    if len(authors) == 2:
        return f"{first} and {authors[1].family or authors[1].literal}"
    return first + (" et al." if len(authors) > 2 else "")


def _entry_text(s: Source, authors: list[Name], title: str, year: str) -> str:
    quoted = f"“{_end(title)}”"
    if authors:
        names = [authors[0].inverted()] + [a.natural() for a in authors[1:]]
        creator = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", and " + names[-1]
        parts = [_end(creator), _end(year), quoted]
    else:
        parts = [quoted, _end(year)]
    tail = [p for p in (_clean(s.publisher), full_date(s.published) if s.published else "") if p]
    if tail:
        parts.append(_end(", ".join(tail)))
    url = _clean(s.url)
    if url:
        parts.append(url)
    return " ".join(parts)


def _csl(s: Source, authors: list[Name], title: str) -> dict:
    item: dict = {"id": s.slug, "type": _CSL_TYPES.get(s.kind, "document"), "title": title}
    if authors:
        item["author"] = [a.csl() for a in authors]
    if s.publisher.strip():
        item["publisher"] = _clean(s.publisher)
    if s.published is not None:
        v = s.published.value
        parts = [v.year] + ([v.month] if s.published.precision in ("month", "day") else []) + (
            [v.day] if s.published.precision == "day" else [])
        item["issued"] = {"date-parts": [parts]}
    if s.url.strip():
        item["URL"] = _clean(s.url)
    if s.language.strip():
        item["language"] = _clean(s.language)
    return item


def csl_json(entries: list[SourceEntry]) -> str:
    """The entries as a CSL-JSON array (what Zotero, pandoc and citeproc read)."""
    return json.dumps([e.csl for e in entries], ensure_ascii=False, indent=2) + "\n"


_BIB_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIB_SPECIAL = re.compile(r"[\\{}%&$#_~^]")
_BIB_TYPES = {"book": "book", "report": "techreport"}
_BIB_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bib_escape(text: str) -> str:
    """Text for a BibTeX field: TeX's special characters escaped, anything else (Arabic …) kept as UTF-8."""
    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES[m.group()], " ".join(text.split()))


def _bib_url(url: str) -> str:
    # A URL field is read verbatim: nothing is escaped, but a brace would end the field.
    return "".join({"{": "%7B", "}": "%7D", " ": "%20"}.get(ch, ch) for ch in url.strip())


def _bib_name(n: dict) -> str:
    if "literal" in n:
        return "{" + bib_escape(n["literal"]) + "}"  # a body: never split into family and given names
    return bib_escape(n["family"]) + (", " + bib_escape(n["given"]) if n.get("given") else "")


def bibtex(entries: list[SourceEntry]) -> str:
    """The entries as BibTeX (UTF-8; biber and bibtex8 read it), keyed as in the CSL-JSON."""
    out = []
    for e in entries:
        c = e.csl
        kind = _BIB_TYPES.get(c.get("type", ""), "misc")
        fields: list[tuple[str, str]] = []
        if c.get("author"):
            fields.append(("author", " and ".join(_bib_name(n) for n in c["author"])))
        fields.append(("title", "{" + bib_escape(c.get("title", "")) + "}"))  # double braces: keep the case
        if c.get("publisher"):
            fields.append(("institution" if kind == "techreport" else "publisher", bib_escape(c["publisher"])))
        parts = c.get("issued", {}).get("date-parts", [[]])[0]
        if parts:
            fields.append(("year", f"{parts[0]:04d}"))
            fields.append(("date", "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))))
        if len(parts) > 1:
            fields.append(("month", _BIB_MONTHS[parts[1] - 1]))
        if c.get("URL"):
            fields.append(("url", _bib_url(c["URL"])))
        if c.get("language"):
            fields.append(("language", bib_escape(c["language"])))
        body = ",\n".join(f"  {k} = {v}" if k == "month" else f"  {k} = {{{v}}}" for k, v in fields)
        out.append(f"@{kind}{{{e.key},\n{body}\n}}\n")
    return "\n".join(out)


def citation_line(source: Source, locator: str = "") -> str:
    """One source cited for the clipboard: the author–date form with the locator, then the full entry
    ("Jameel 2021, ¶ 4. Jameel, Aisha. 2021. “Title.” Publisher, 3 May 2021. https://…")."""
    bib = bibliography([source])
    short = bib.short[source.slug] + (f", {locator.strip()}" if locator.strip() else "")
    return f"({short}) {bib.entry(source.slug).text}"


__all__ = ["Bibliography", "Name", "bib_escape", "bibliography", "bibtex", "citation_line", "csl_json", "full_date",
           "short_title", "split_authors", "year_of"]
