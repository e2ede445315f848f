"""The text of sources: documents read in, corrected, and searched.

A document becomes a source that keeps its full text (and, for a PDF, where
each page starts). When the text is replaced — corrected by hand or the file
read again — every coded passage is re-anchored by its quote and context;
any that cannot be found again is marked lost and reported, not moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stancetracker.core.coding.anchors import Anchor, reanchor
from stancetracker.core.exchange.documents.reading import DocumentText, page_at
from stancetracker.core.coding.mentions import fold
from stancetracker.core.model.entities import Source, check_date
from stancetracker.core.coding.passages import Passage, parse_pages, passages, source_text
from stancetracker.core.db import passage_rows
from stancetracker.core.db.query import fts_query
from stancetracker.core.db.store import Store

# Invisible direction overrides and isolates: the model refuses them in any
# field (they can make text read differently from what it holds). In a
# document they are formatting left over from the page, so they are dropped.
_BIDI_CHARS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_CONTROLS = re.compile(f"[{_BIDI_CHARS}]")


def clean_text(text: str, pages: list[int]) -> tuple[str, list[int]]:
    """Text as stored (outer white space and bidi controls dropped), with page offsets moved to match.

    Counted with ``str.count`` between page starts, not character by character in Python:
    a 50-million-character text took seconds and gigabytes that way.
    """
    if _BIDI_CONTROLS.search(text):
        new_pages, removed, last = [], 0, 0
        for p in sorted(pages):
            removed += sum(text.count(c, last, p) for c in _BIDI_CHARS)
            last = max(last, p)
            new_pages.append(p - removed)
        text, pages = _BIDI_CONTROLS.sub("", text), new_pages
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    return text, [min(max(p - lead, 0), len(text)) for p in pages]


def add_document(store: Store, doc: DocumentText, *, slug: str | None = None, kind: str = "article",
                 **overrides) -> Source:
    """Save a document as a new source with its text; ``overrides`` replace metadata read from the file
    (title, publisher, author, url, published — empty values are ignored)."""
    meta = {k: getattr(doc, k) for k in ("title", "publisher", "author", "url", "published", "language")}
    meta.update({k: v for k, v in overrides.items() if v})
    if isinstance(meta["published"], str):
        meta["published"] = check_date("published", meta["published"], required=False)
    title = (meta["title"] or doc.file_name).strip()
    text, pages = clean_text(doc.text, doc.pages)
    src = Source(slug=slug or store.unique_source_slug(title), title=title, publisher=meta["publisher"],
                 author=meta["author"], url=meta["url"], published=meta["published"], kind=kind,
                 language=meta["language"], text=text)
    with store.operation("create", f"document {src.slug} from {doc.file_name}"):
        store.add_source(src)
        _set_document_info(store, src.slug, pages, doc.format, doc.file_name)
    return src


def _set_document_info(store: Store, slug: str, pages: list[int], fmt: str | None = None,
                       file_name: str | None = None) -> None:
    """Store how the text was read; a format or file name left out keeps the one stored."""
    passage_rows.set_document_info(store, slug, ",".join(map(str, pages)), fmt, file_name)


@dataclass
class DocumentInfo:
    """A source with text, as the reader shows it."""

    source: Source
    format: str
    file_name: str
    pages: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.source.text


def document(store: Store, slug: str) -> DocumentInfo:
    src = store.source(slug, with_text=True)
    fmt, file_name, pages = passage_rows.document_info(store, src.id)
    return DocumentInfo(src, fmt, file_name, parse_pages(pages))


def documents(store: Store) -> list[tuple[str, str, int]]:
    """(slug, title, characters) of every source that has text."""
    return passage_rows.document_list(store)


@dataclass(frozen=True)
class Reanchoring:
    """What became of each passage when a source's text was replaced."""

    kept: list[Passage]
    moved: list[tuple[Passage, Anchor]]
    lost: list[tuple[Passage, str]]
    found_again: list[tuple[Passage, Anchor]]

    def summary(self) -> str:
        parts = [f"{len(self.kept)} passages unchanged", f"{len(self.moved)} moved with their words"]
        if self.found_again:
            parts.append(f"{len(self.found_again)} lost before and found again")
        parts.append(f"{len(self.lost)} could not be found" if self.lost else "none lost")
        return ", ".join(parts)


def replace_text(store: Store, slug: str, doc: DocumentText | str, pages: list[int] | None = None) -> Reanchoring:
    """Replace a source's text (a corrected text or the re-read document) and re-anchor its passages.

    One transaction: the text, every passage's new offsets and every lost
    passage's reason change together, each in the history.
    """
    if isinstance(doc, DocumentText):
        text, pages, fmt, file_name = doc.text, doc.pages, doc.format, doc.file_name
    else:
        text, pages, fmt, file_name = doc, pages or [], None, None
    text, pages = clean_text(text, pages)
    source_id, old_text, old_pages = source_text(store, slug)
    kept, moved, lost, again = [], [], [], []
    with store.operation("edit", f"text of source {slug}"):
        store.update_source(slug, text=text)
        # The source's own history row leaves texts out; the replaced one is kept here, so no
        # version of a document a record was coded from is ever lost.
        store.log("source", source_id, "text", {"text": old_text, "pages": old_pages},
                   {"characters": len(text), "pages": pages})
        _set_document_info(store, slug, pages, fmt, file_name)
        for p in passages(store, slug, lost=None):
            result = reanchor(p.anchor, text)
            if result.new is None:
                if not p.lost:
                    lost.append((p, result.reason))
                    _update_passage(store, p, p.anchor, result.reason, p.page)
                continue
            new = result.new
            if p.lost:
                again.append((p, new))
            elif (new.start, new.end) == (p.start, p.end) and new == p.anchor:
                kept.append(p)
                continue
            else:
                moved.append((p, new))
            _update_passage(store, p, new, "", page_at(pages, new.start))
    return Reanchoring(kept, moved, lost, again)


def _update_passage(store: Store, p: Passage, a: Anchor, lost: str, page: int | None) -> None:
    passage_rows.move_passage(store, p.id, {"start": p.start, "end": p.end, "lost": p.lost},
                              a.start, a.end, a.prefix, a.suffix, page, lost)


# ------------------------------------------------------------------ search
@dataclass(frozen=True)
class DocumentHit:
    """A source whose title or text matches a search, with a short excerpt."""

    source: str
    title: str
    snippet: str


def search_documents(store: Store, query: str, limit: int = 100) -> list[DocumentHit]:
    """Sources whose text or title holds every word of ``query`` (full-text index), best first."""
    q = fts_query(query)
    if not q:
        return []
    # Long texts get their excerpt from find_words, not from FTS5.
    rows = passage_rows.search_sources(store, q, limit, _SNIPPET_LIMIT)
    hits = []
    for sid, slug, title, snippet in rows:
        if snippet is None:
            text = passage_rows.text_of(store, sid)
            snippet = _excerpt(text, query)
        hits.append(DocumentHit(slug, title, snippet))
    return hits


_SNIPPET_LIMIT = 100_000


def _excerpt(text: str, query: str, width: int = 70) -> str:
    """The words around the first match of ``query``, the match marked as snippet() marks it."""
    words = query.split()
    quick = re.search(r"\W+".join(map(re.escape, words)), text, re.IGNORECASE) if words else None
    hit = (quick.start(), quick.end()) if quick else find_words(text, query)  # folding is the slow way
    if hit is None:  # matched on the title only
        return text[:2 * width] + ("…" if len(text) > 2 * width else "")
    s, e = hit
    a, b = max(0, s - width), min(len(text), e + width)
    return f"{'…' if a else ''}{text[a:s]}«{text[s:e]}»{text[e:b]}{'…' if b < len(text) else ''}"


def _patterns(query: str) -> list[re.Pattern]:
    """The query's words as patterns over folded text: the whole phrase, then its first word alone."""
    words = fold(query).replace("\x00", "").split()
    if not words:
        return []
    return [re.compile(r"\s+".join(_word_pattern(w) for w in words)), re.compile(_word_pattern(words[0]))]


def find_all(text: str, query: str, folded: str | None = None) -> list[tuple[int, int]]:
    """Every place the words of ``query`` occur in ``text``, ignoring case and diacritics:
    the whole phrase where it occurs, else its first word."""
    folded = fold(text) if folded is None else folded
    for pattern in _patterns(query):
        hits = [(m.start(), m.end()) for m in pattern.finditer(folded)]
        if hits:
            return hits
    return []


def find_words(text: str, query: str, after: int = 0, folded: str | None = None) -> tuple[int, int] | None:
    """The next place ``query`` occurs at or after ``after``, wrapping round to the top."""
    folded = fold(text) if folded is None else folded
    for pattern in _patterns(query):
        m = pattern.search(folded, after) or pattern.search(folded)
        if m:
            return m.start(), m.end()
    return None


def _word_pattern(word: str) -> str:
    """A folded word as a pattern that skips the dropped apostrophes (NUL in folded text)."""
    return "\x00?".join(re.escape(c) for c in word)
