"""Reading a REFI-QDA project into plain values: users, codes, cases, notes, text sources and selections.

Nothing here touches the database. What stancetracker cannot use (PDF,
picture, audio and video sources, their selections, codings of a whole
source, external text files) is counted in ``skipped``, never an error.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from stancetracker.core.exchange.qdpx.archive import MAX_SOURCE, Archive, QdpxError
from stancetracker.core.exchange.qdpx.model import Element, PATH_SEPARATOR

# What the database refuses in a text (control characters, bidirectional overrides): dropped on the way
# in, with the selections' offsets moved to match.
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]|\r(?=\n)")
_MEDIA = {"PDFSource": "PDF sources", "PictureSource": "picture sources", "AudioSource": "audio sources",
          "VideoSource": "video sources"}


@dataclass
class Coding:
    guid: str
    code: str           # code GUID
    user: str           # user GUID, or ""
    created: str        # xsd:dateTime text, or ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Selection:
    guid: str
    name: str
    start: int
    end: int
    user: str
    created: str
    codings: list[Coding] = field(default_factory=list)


@dataclass
class TextSource:
    guid: str
    name: str
    description: str
    text: str
    selections: list[Selection] = field(default_factory=list)


@dataclass
class Note:
    name: str
    description: str
    text: str


@dataclass
class Case:
    name: str
    selections: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


@dataclass
class Project:
    users: dict[str, str] = field(default_factory=dict)                 # guid -> name
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)     # guid -> (path, name)
    cases: list[Case] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)
    sources: list[TextSource] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    details: list[str] = field(default_factory=list)                    # one line per thing skipped, first few

    def skip(self, what: str, detail: str = "", n: int = 1) -> None:
        self.skipped[what] += n
        if detail and len(self.details) < 20:
            self.details.append(detail)


def _local(el: Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: Element, name: str | None = None) -> list[Element]:
    return [c for c in el if isinstance(c.tag, str) and (name is None or _local(c) == name)]


def _child_text(el: Element, name: str) -> str:
    found = _children(el, name)
    return (found[0].text or "") if found else ""


def _guid(el: Element, attr: str = "guid") -> str:
    return (el.get(attr) or "").strip().strip("{}").lower()


def read_project(archive: Archive) -> Project:
    """The project's parts stancetracker can use, and a count of the rest."""
    root = archive.project()
    if _local(root) != "Project":
        raise QdpxError(archive.path, f"project.qde holds <{_local(root) or root.tag}>, not a REFI-QDA <Project>")
    p = Project()
    if archive.nested:
        p.skip("archives inside the archive", n=archive.nested)
    for part in _children(root):
        kind = _local(part)
        if kind == "Users":
            for u in _children(part, "User"):
                p.users[_guid(u)] = (u.get("name") or u.get("id") or "").strip()
        elif kind == "CodeBook":
            for codes in _children(part, "Codes"):
                _codes(codes, "", p)
        elif kind == "Cases":
            for c in _children(part, "Case"):
                p.cases.append(Case((c.get("name") or "").strip(),
                                    {_guid(r, "targetGUID") for r in _children(c, "SelectionRef")},
                                    {_guid(r, "targetGUID") for r in _children(c, "SourceRef")}))
        elif kind == "Sources":
            for s in _children(part):
                _source(archive, s, p)
        elif kind == "Notes":
            for n in _children(part, "Note"):
                text = _child_text(n, "PlainTextContent") or _internal_text(archive, n, p, "note") or ""
                p.notes[_guid(n)] = Note((n.get("name") or "").strip(), _child_text(n, "Description"), text)
        elif kind in ("Variables", "Links", "Sets", "Graphs"):
            p.skip(kind.lower(), n=len(_children(part)))
    return p


def _codes(parent: Element, path: str, p: Project) -> None:
    for c in _children(parent, "Code"):
        name = (c.get("name") or "").strip()
        full = f"{path}{PATH_SEPARATOR}{name}" if path else name
        p.codes[_guid(c)] = (full, name)
        _codes(c, full, p)


def _internal_text(archive: Archive, el: Element, p: Project, what: str) -> str | None:
    """The text an element's plainTextPath names inside the archive, or None (skipped, with why)."""
    ref = (el.get("plainTextPath") or "").strip()
    name = el.get("name") or el.get("guid") or "?"
    if not ref:
        return None
    if not ref.lower().startswith("internal://"):
        p.skip(f"{what}s with external text files", f"{_local(el)} {name!r}: its text {ref[:80]!r} is outside "
                                                     "the archive")
        return None
    member = "sources/" + ref[len("internal://"):]
    data = archive.read(member, MAX_SOURCE)
    if data is None:
        p.skip(f"{what}s whose text file is missing", f"{_local(el)} {name!r}: no {member} in the archive")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        p.skip(f"{what}s whose text is not UTF-8", f"{_local(el)} {name!r}: {member} is not UTF-8 "
                                                   f"(byte {err.start:,})")
        return None


def _source(archive: Archive, el: Element, p: Project) -> None:
    kind = _local(el)
    if kind != "TextSource":
        p.skip(_MEDIA.get(kind, f"{kind} sources"))
        sels = [c for c in el.iter() if isinstance(c.tag, str) and _local(c).endswith("Selection")]
        if sels:
            p.skip("graphic and media selections", n=len(sels))
        return
    name = (el.get("name") or "").strip()
    inline = _children(el, "PlainTextContent")
    raw = (inline[0].text or "") if inline else _internal_text(archive, el, p, "text source")
    if raw is None:
        if not el.get("plainTextPath"):
            p.skip("text sources without text", f"TextSource {name!r} has neither text nor a text file")
        return
    text, moved = _clean(raw)
    src = TextSource(_guid(el), name, _child_text(el, "Description"), text)
    for s in _children(el, "PlainTextSelection"):
        sel = _selection(s, src, moved, raw, p)
        if sel is not None:
            src.selections.append(sel)
    if _children(el, "Coding"):
        p.skip("codings of a whole source", n=len(_children(el, "Coding")))
    p.sources.append(src)


def _selection(s: Element, src: TextSource, moved, raw: str, p: Project) -> Selection | None:
    label = f"TextSource {src.name!r}, PlainTextSelection {s.get('guid') or '?'}"
    try:
        start, end = int(s.get("startPosition", "")), int(s.get("endPosition", ""))
    except ValueError:
        p.skip("selections with bad positions", f"{label}: positions {s.get('startPosition')!r}..."
                                                f"{s.get('endPosition')!r} are not whole numbers")
        return None
    if not 0 <= start < end <= len(raw):
        p.skip("selections outside their text", f"{label}: {start}..{end} is outside its {len(raw):,} characters")
        return None
    start, end = moved(start), moved(end)
    # The database's passages start and end on words: white space at the edges is trimmed.
    while start < end and src.text[start].isspace():
        start += 1
    while end > start and src.text[end - 1].isspace():
        end -= 1
    if start >= end:
        p.skip("selections of white space only", f"{label} selects no words")
        return None
    sel = Selection(_guid(s), (s.get("name") or "").strip(), start, end, _guid(s, "creatingUser"),
                    s.get("creationDateTime") or "")
    for c in _children(s, "Coding"):
        refs = _children(c, "CodeRef")
        if not refs:
            p.skip("codings without a code", f"{label}: a Coding has no CodeRef")
            continue
        sel.codings.append(Coding(_guid(c), _guid(refs[0], "targetGUID"), _guid(c, "creatingUser"),
                                  c.get("creationDateTime") or "",
                                  [_guid(n, "targetGUID") for n in _children(c, "NoteRef")]))
    return sel


def _clean(raw: str):
    """The text as the database keeps it, and a function moving offsets in ``raw`` onto it."""
    dropped = [m.start() for m in _DROP.finditer(raw)]
    text = _DROP.sub("", raw) if dropped else raw
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())

    def moved(offset: int) -> int:
        new = offset - bisect.bisect_left(dropped, offset) - lead
        return max(0, min(new, len(stripped)))

    return stripped, moved


__all__ = ["Case", "Coding", "Note", "Project", "Selection", "TextSource", "read_project"]
