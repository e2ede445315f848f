#!/usr/bin/env python
"""Fuzz the document reader and add-source with hostile text, Markdown, HTML, Word and PDF files.

    python benchmarks/fuzz_docs.py                       # 2,000 examples per kind
    python benchmarks/fuzz_docs.py --examples 10000 --seed 1

Each example is a generated file (random structure, deep nesting, repeated
markup, damaged zips and PDFs, metadata that breaks every rule) read by
``read_document`` and, if read, saved with ``add_document`` into a temporary
database. Every one must be accepted or refused with a one-line StanceError,
within a time bound; the database must pass ``PRAGMA integrity_check`` and
hold exactly the accepted documents. ``run()`` returns the counts.
"""

from __future__ import annotations

import argparse
import html
import io
import random
import re
import signal
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from conftest import make_store  # noqa: E402
from docfixtures import pdf_bytes, write_docx  # noqa: E402

from stancetracker.core.exchange.documents.reading import read_document  # noqa: E402
from stancetracker.core.model.errors import StanceError  # noqa: E402
from stancetracker.core.coding.sourcetext import add_document  # noqa: E402

KINDS = ("text", "markdown", "html", "docx", "pdf")
SUFFIX = {"text": ".txt", "markdown": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
TIME_BOUND = 10.0  # seconds per example

_NASTY = ["\x00", "\x1b[31m", "\r", "\r\n", "\u2028", "\u2029", "\u202e", "\u2066", "\u200f", "\ufeff", "\x7f",
          "\x85", "\v", "\f", "e\u0301", "قال الصدر", "\U0001F600", "\ud800", "&amp;", "&#0;", "&#x202e;"]


def _nasty(rng: random.Random, n: int = 40) -> str:
    """A short string of ordinary and hostile characters."""
    return "".join(rng.choice(_NASTY) if rng.random() < 0.3 else rng.choice("abc Sadr-al ")
                   for _ in range(rng.randrange(n)))


def _field(rng: random.Random) -> str:
    """A metadata value: ordinary, empty, hostile, or far too long."""
    return rng.choice([lambda: "Jane Reporter", lambda: "", lambda: _nasty(rng),
                       lambda: "A" * rng.choice([201, 2001, 100_000]), lambda: "2021-02-30",
                       lambda: "garbage", lambda: "\n".join(["two", "lines"])])()


def _repeat(rng: random.Random, pieces: list[str], budget: int) -> str:
    """One piece repeated (the shape that makes parsers super-linear), or a random mix of them."""
    if rng.random() < 0.5:
        piece = rng.choice(pieces)
        return piece * rng.randrange(1, max(2, budget // max(1, len(piece))))
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(1, budget // 4 + 2)))


def _budget(rng: random.Random) -> int:
    return rng.choice([50, 500, 5_000, 50_000, 400_000])


def make_text(rng: random.Random) -> bytes:
    choice = rng.randrange(4)
    if choice == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
    text = _repeat(rng, [_nasty(rng, 10), "word ", "\n", "\n\n", "\r", " \t"], _budget(rng))
    encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
    return text.encode(encoding, errors="replace") if choice < 3 else b"\xff\xfe" + text.encode("utf-8", "replace")


_MD = ["[", "]", "](", "[a](<", "<", ">", "> ", "- ", "* ", "1. ", "  ", "    ", "*", "**", "_", "`", "```\n",
       "|", "|-", "!", "![", "&amp;", "#", "# ", "\n", "\n\n", "---\n", "[a]: /u\n", "<div>", "</div>", "\\", "word "]


def make_markdown(rng: random.Random) -> bytes:
    front = ""
    if rng.random() < 0.4:
        keys = ["title", "author", "publisher", "url", "date", "published", "language", _nasty(rng, 8)]
        front = "---\n" + "".join(f"{rng.choice(keys)}: {_field(rng)}\n" for _ in range(rng.randrange(6)))
        front += rng.choice(["---\n", "...\n", ""])
    return (front + _repeat(rng, _MD, _budget(rng))).encode("utf-8", "surrogatepass")


_TAGS = ["div", "p", "a", "article", "main", "header", "nav", "form", "pre", "br", "table", "tr", "td", "li",
         "ul", "script", "style", "svg", "time", "h1", "span", "template", "title", "meta", "head", "body"]


def make_html(rng: random.Random) -> bytes:
    head = []
    for _ in range(rng.randrange(4)):
        prop = rng.choice(["og:title", "og:site_name", "author", "article:published_time", "og:url", "date"])
        head.append(f'<meta property="{prop}" content="{_field(rng)}">')
    if rng.random() < 0.3:
        ld = rng.choice(['{"author": {"name": "%s"}, "datePublished": "%s"}' % (_nasty(rng), _field(rng)),
                         "[" * rng.randrange(1, 100_000), '{"@graph": [' * 50])
        head.append(f'<script type="application/ld+json">{ld}</script>')
    if rng.random() < 0.2:
        head.append(f'<meta charset="{rng.choice(["utf-8", "base64", "rot13", "zlib", "x-bogus", "utf-16"])}">')
    pieces = [f"<{t}>" for t in _TAGS] + [f"</{t}>" for t in _TAGS] + ["text ", _nasty(rng, 10), "<!--", "-->",
                                                                         '<div class="menu">', "<", "&"]
    page = "<html lang='%s'><head>%s</head><body>%s" % (_nasty(rng, 30), "".join(head),
                                                          _repeat(rng, pieces, _budget(rng)))
    return page.encode("utf-8", "replace")


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_DOCX_XML = ["<w:p>", "</w:p>", "<w:p/>", "<w:r>", "</w:r>", "<w:t>x</w:t>", "<w:t>", "</w:t>", "<w:tab/>",
             "<w:br/>", "<w:tbl>", "</w:tbl>", "<w:tr>", "</w:tr>", "<w:tc>", "</w:tc>",
             '<w:tcPr><w:vMerge/></w:tcPr>', "<w:hyperlink>", "</w:hyperlink>", "word ", "&amp;", "&bogus;",
             '<!DOCTYPE x [<!ENTITY a "aaaa">]>', "&a;"]


# Characters XML 1.0 cannot hold at all: Word never writes them, so the well-formed trees leave them out.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _docx_tree(rng: random.Random, budget: int) -> str:
    """Well-formed body XML: paragraphs, runs, tables and merged cells nested at random, hostile text escaped."""
    out: list[str] = []
    open_tags: list[str] = []
    children = {"": ["w:p", "w:tbl"], "w:tbl": ["w:tr"], "w:tr": ["w:tc"], "w:tc": ["w:p", "w:tbl", "w:tcPr"],
                "w:p": ["w:r", "w:hyperlink"], "w:hyperlink": ["w:r"], "w:r": ["w:t", "w:tab", "w:br"]}
    while len(out) < budget:
        parent = open_tags[-1] if open_tags else ""
        options = children.get(parent, [])
        if not options or (open_tags and rng.random() < 0.45):
            if not open_tags:
                break
            out.append(f"</{open_tags.pop()}>")
            continue
        tag = rng.choice(options)
        if tag == "w:t":
            out.append(f"<w:t>{html.escape(_XML_INVALID.sub('', _nasty(rng, 30)))}</w:t>")
        elif tag in ("w:tab", "w:br"):
            out.append(f"<{tag}/>")
        elif tag == "w:tcPr":
            out.append('<w:tcPr><w:vMerge w:val="%s"/></w:tcPr>' % rng.choice(["restart", "continue"]))
        else:
            out.append(f"<{tag}>")
            open_tags.append(tag)
    out.extend(f"</{t}>" for t in reversed(open_tags))
    return "".join(out)


def make_docx(rng: random.Random) -> bytes:
    base = io.BytesIO()
    write_docx(base, paragraphs=["placeholder"])
    data = base.getvalue()
    choice = rng.randrange(5)
    if choice == 0:  # flipped or cut bytes of a real file
        raw = bytearray(data)
        for _ in range(rng.randrange(1, 20)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw[: rng.randrange(1, len(raw) + 1)] if rng.random() < 0.3 else raw)
    src = zipfile.ZipFile(io.BytesIO(data))
    body = _repeat(rng, _DOCX_XML, _budget(rng)) if rng.random() < 0.4 else _docx_tree(rng, _budget(rng))
    xml = ('<?xml version="1.0"?><w:document %s><w:body>%s</w:body></w:document>' % (_W, body))
    if choice == 1:
        xml = '<?xml version="1.0"?><w:document %s><w:body>%s</w:body></w:document>' % (
            _W, "<w:p/>" * rng.choice([10, 100_000, 1_000_000]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            part = src.read(item)
            if item.filename == "word/document.xml":
                part = xml.encode("utf-8", "surrogatepass")
            elif item.filename == "docProps/core.xml" and rng.random() < 0.7:
                part = _core_xml(rng)
            z.writestr(item.filename, part)
        if choice == 2:
            for i in range(rng.randrange(100)):
                z.writestr(f"media/{i}.bin", b"\0" * rng.randrange(10_000))
    return out.getvalue()


def _core_xml(rng: random.Random) -> bytes:
    """Core properties with hostile values, escaped or (sometimes) not even valid XML."""
    esc = (lambda v: v) if rng.random() < 0.2 else html.escape
    return ('<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>%s</dc:title><dc:creator>%s</dc:creator>'
            '<dcterms:created>%s</dcterms:created><dc:language>%s</dc:language></cp:coreProperties>'
            % tuple(esc(_field(rng)) for _ in range(4))).encode("utf-8", "surrogatepass")


def make_pdf(rng: random.Random) -> bytes:
    pages = [[_nasty(rng, 60).encode("latin-1", "replace").decode("latin-1") for _ in range(rng.randrange(4))]
             for _ in range(rng.randrange(1, 5))]
    info = {k: _field(rng).encode("latin-1", "replace").decode("latin-1")
            for k in rng.sample(["Title", "Author", "CreationDate"], rng.randrange(4))}
    if rng.random() < 0.3:
        info["CreationDate"] = rng.choice(["D:2021", "D:20211399", "D:", "D:99999999"])
    data = bytearray(pdf_bytes(pages, info, lang=_nasty(rng, 30).encode("latin-1", "replace").decode("latin-1")))
    if rng.random() < 0.4:
        for _ in range(rng.randrange(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    if rng.random() < 0.2:
        data = data[: rng.randrange(1, len(data))]
    return bytes(data)


MAKERS: dict[str, Callable[[random.Random], bytes]] = {
    "text": make_text, "markdown": make_markdown, "html": make_html, "docx": make_docx, "pdf": make_pdf,
}


class _TooSlow(Exception):
    pass


def _alarm(_signum, _frame):
    raise _TooSlow


def run(examples: int, seed: int = 0, kinds: tuple[str, ...] = KINDS) -> dict:
    """Fuzz ``examples`` files of each kind; counts of accepted, refused and failed, per kind and in all."""
    rng = random.Random(seed)
    counts: dict[str, Counter] = {k: Counter() for k in kinds}
    failures: list[str] = []
    reasons: Counter = Counter()
    slowest = 0.0
    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory(prefix="stancetracker-fuzz-docs-") as tmp:
        folder = Path(tmp)
        store = make_store(folder / "fuzz.db")
        store.auto_backup = False
        sources_before = len(store.sources())
        try:
            for i in range(examples):
                for kind in kinds:
                    path = folder / f"example-{i}{SUFFIX[kind]}"
                    path.write_bytes(MAKERS[kind](rng))
                    start = time.perf_counter()
                    outcome = _one(store, path, use_alarm)
                    took = time.perf_counter() - start
                    slowest = max(slowest, took)
                    if took > TIME_BOUND and not outcome.startswith("failed"):
                        outcome = f"failed: took {took:.1f} s"
                    counts[kind][outcome.split(":")[0]] += 1
                    if outcome.startswith("refused"):
                        reasons[outcome.split(": ", 2)[-1][:60]] += 1
                    if outcome.startswith("failed"):
                        keep = folder.parent / f"stancetracker-fuzz-failure-{seed}-{i}{SUFFIX[kind]}"
                        keep.write_bytes(path.read_bytes())
                        failures.append(f"{kind} #{i}: {outcome} (kept as {keep})")
                    path.unlink()
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        integrity = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
        stored = len(store.sources()) - sources_before
        store.close()
    total = sum(counts.values(), Counter())
    if stored != total["accepted"]:
        failures.append(f"the database holds {stored} new sources for {total['accepted']} accepted documents")
    return {"examples": examples, "seed": seed, "accepted": total["accepted"], "refused": total["refused"],
            "failures": total["failed"] + (stored != total["accepted"]) + (integrity != "ok"),
            "per_kind": {k: dict(v) for k, v in counts.items()}, "slowest_s": round(slowest, 2),
            "integrity": integrity, "failure_examples": failures[:20],
            "common_refusals": reasons.most_common(12)}


def _one(store, path: Path, use_alarm: bool) -> str:
    """"accepted", "refused: ..." or "failed: ..." for one file, read and saved."""
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, TIME_BOUND * 3)  # a hang in Python code is stopped and counted
    try:
        doc = read_document(path)
        add_document(store, doc)
        return "accepted"
    except StanceError as err:
        message = str(err)
        if "\n" in message or path.name not in message:
            return f"failed: a refusal that is not one line naming the file: {message[:200]!r}"
        return f"refused: {message}"
    except _TooSlow:
        return f"failed: still running after {TIME_BOUND * 3:.0f} s"
    except Exception as err:  # anything else is a bug: a traceback a user would see
        return f"failed: {type(err).__name__}: {str(err)[:200]}"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


def report(examples: int, seed: int = 0, kinds: tuple[str, ...] = KINDS) -> bool:
    """Run and print the counts; True if any example failed (fuzz_long.py calls this too)."""
    start = time.perf_counter()
    result = run(examples, seed, kinds)
    for kind, counts in result["per_kind"].items():
        print(f"{kind:9} " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    print(f"documents: {result['accepted']:,} accepted, {result['refused']:,} refused with a message, "
          f"{result['failures']} failures; slowest {result['slowest_s']} s; integrity_check "
          f"{result['integrity']}; {time.perf_counter() - start:.0f} s in all")
    for reason, n in result["common_refusals"]:
        print(f"  refused {n:>5,}: {reason}")
    for line in result["failure_examples"]:
        print("  " + line)
    return bool(result["failures"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=2_000, help="examples per kind (default 2,000)")
    ap.add_argument("--seed", type=int, default=0, help="random seed, for a repeatable run")
    ap.add_argument("--kind", action="append", choices=KINDS, help="only this kind (repeatable)")
    args = ap.parse_args()
    return 1 if report(args.examples, args.seed, tuple(args.kind) if args.kind else KINDS) else 0


if __name__ == "__main__":
    sys.exit(main())
