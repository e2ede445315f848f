"""Paragraphs of a document and the mentions of known actors in it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from stancetracker.core.model.entities import Actor
from stancetracker.core.model.text import name_key

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks of text separated by blank lines."""
    out, pos = [], 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        if text[pos:m.start()].strip():
            out.append(_trim(text, pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append(_trim(text, pos, len(text)))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_FOLD_CACHE: dict[str, str] = {}
_DROPPED = "'’‘`ʼʻ´ʿʾ"
_SEPARATORS = "-_‐‑–—/.,;:()\"!?"
_ARTICLES = {"al", "el"}
_TOKEN = re.compile(r"\S+")


def _fold_char(ch: str) -> str:
    """One character as name matching sees it: '' when dropped, ' ' for a separator."""
    folded = _FOLD_CACHE.get(ch)
    if folded is None:
        parts = []
        for c in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(c) or c in _DROPPED:
                continue
            parts.append(" " if (c in _SEPARATORS or c.isspace()) else c.casefold())
        folded = _FOLD_CACHE[ch] = "".join(parts)
    return folded


def fold(text: str) -> str:
    """The text folded for matching, one character for one, so offsets carry over.

    Case and diacritics fold away, apostrophes become NUL (ignored inside
    words), separators become spaces. A character that would fold into
    several (a ligature, German ß) keeps its first letter.
    """
    table = {}
    for ch in set(text):  # distinct characters only: fast on long documents
        f = _fold_char(ch)
        table[ord(ch)] = (f[0] if f else "\x00")
    return text.translate(table)


def _token(m: re.Match) -> tuple[int, int, str]:
    """(start, end, word) of a folded token, as name_key sees it: a possessive 's is not part of
    the name ("Sadr's"), nor the joined Arabic article (the mark still covers it)."""
    s, e, w = m.start(), m.end(), m.group()
    if w.endswith("\x00s") and len(w) > 2:
        e, w = e - 2, w[:-2]
    w = w.replace("\x00", "")
    if w.startswith("ال") and len(w) > 3:  # the Arabic article is written joined to the name: الصدر
        w = w[2:]
    return s, e, w


@dataclass(frozen=True)
class Mention:
    """A known actor named at text[start:end]."""

    start: int
    end: int
    actor: str


class MentionFinder:
    """Finds every known actor's name or alias in a text, ignoring case, diacritics and the al- article."""

    def __init__(self, actors: list[Actor]):
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        seen = set()
        for a in actors:
            for n in (a.name, *a.aliases):
                words = tuple(name_key(n).split())
                if not words or len(" ".join(words)) < 3 or words in seen:
                    continue
                seen.add(words)
                self.by_first.setdefault(words[0], []).append((words, a.slug))
        for cands in self.by_first.values():
            cands.sort(key=lambda c: len(c[0]), reverse=True)  # "muqtada sadr" before "muqtada"

    def find(self, text: str) -> list[Mention]:
        """Mentions in reading order; longer names win over their first words."""
        folded = fold(text)
        tokens = [_token(m) for m in _TOKEN.finditer(folded)]
        words = [(s, e, w) for s, e, w in tokens if w]
        out: list[Mention] = []
        i, n = 0, len(words)
        while i < n:
            s, e, w = words[i]
            cands = self.by_first.get(w)
            if cands is None or w in _ARTICLES:
                i += 1
                continue
            matched = None
            for key, slug in cands:
                j, k, end = i + 1, 1, e
                while k < len(key) and j < n:
                    if words[j][2] in _ARTICLES and words[j][2] != key[k]:
                        j += 1
                        continue
                    if words[j][2] != key[k]:
                        break
                    end = words[j][1]
                    j, k = j + 1, k + 1
                if k == len(key):
                    matched = (slug, j, end)
                    break
            if matched is None:
                i += 1
                continue
            slug, j, end = matched
            start = words[i - 1][0] if i and words[i - 1][2] in _ARTICLES and words[i - 1][1] >= s - 1 else s
            out.append(Mention(start, end, slug))
            i = j
        return out
