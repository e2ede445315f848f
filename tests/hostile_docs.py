"""Hostile document files built in the tests (and the fuzzer): small on disk, costly to a careless reader."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docfixtures import write_docx

N = 5_000_000  # characters: the size up to which any Markdown, HTML or Word file is read or refused quickly

MARKDOWN = {
    "brackets.md": lambda: "[" * 150_000,
    "link-angle.md": lambda: "[a](<" * 30_000,
    "nested-list.md": lambda: "".join("  " * i + "- x\n" for i in range(1500)) * 2,
    "brackets-5mb.md": lambda: "[" * N,
    "emphasis-5mb.md": lambda: "*a_" * (N // 3),
    "quotes-5mb.md": lambda: ">" * N,
    "list-line-5mb.md": lambda: "1. " * (N // 3),
    "references-5mb.md": lambda: "[a]" * (N // 3) + "\n\n[a]: /u\n",
    "code-spans-5mb.md": lambda: "`a" * (N // 2),
}

_PROSE = ("Sadr said on Sunday that the *proposed* deal was **unacceptable** and called for "
          "[new elections](https://example.org/x); the `Framework` disagreed. ")


def prose_markdown() -> str:
    """About 5 MB of ordinary Markdown: headings, paragraphs with inline markup, lists and quotes."""
    block = f"## Section\n\n{_PROSE * 4}\n\n- {_PROSE}\n- {_PROSE}\n\n> {_PROSE}\n\n"
    return block * (N // len(block))


def prose_html() -> str:
    block = f"<h2>Section</h2><p>{_PROSE * 4}</p><ul><li>{_PROSE}</li></ul><blockquote><em>{_PROSE}</em></blockquote>"
    return "<html><body><article>" + block * (N // len(block)) + "</article></body></html>"


MARKDOWN["prose-5mb.md"] = prose_markdown

HTML = {
    "prose-5mb.html": prose_html,
    "deep-100000.html": lambda: "<div>" * 100_000 + "deep",
    "anchors-5mb.html": lambda: "<a>" * (N // 3),
    "articles-5mb.html": lambda: "<article>x" * (N // 10),
    "headers-deep.html": lambda: "<article>" + "<header>x" * 400_000,
    "headers-in-article.html": lambda: "<article>" + "<header>x</header>" * 240_000 + "</article>",
    "navs.html": lambda: "<nav>x</nav>" * 240_000 + "<main><p>kept</p></main>",
    "forms.html": lambda: "<form><p>x" * 2_000 + "</form>" * 2_000,
    "flat-paragraphs.html": lambda: "<p>x</p>" * 240_000,
    "json-ld-deep.html": lambda: '<script type="application/ld+json">' + "[" * (N - 60) + "</script><p>t</p>",
}

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(path: Path, body_xml: bytes, *, declared_size: int | None = None) -> Path:
    """A real .docx whose word/document.xml is replaced by ``body_xml`` (its size in the zip optionally falsified)."""
    base = io.BytesIO()
    write_docx(base, paragraphs=["placeholder"])  # type: ignore[arg-type]
    src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = body_xml if item.filename == "word/document.xml" else src.read(item)
            z.writestr(item.filename, data)
    data = bytearray(out.getvalue())
    if declared_size is not None:
        _falsify_central_size(data, "word/document.xml", declared_size)
    path.write_bytes(bytes(data))
    return path


def _falsify_central_size(data: bytearray, name: str, size: int) -> None:
    """Write ``size`` as the member's uncompressed size in the zip's central directory (the header lies)."""
    entry = data.find(b"PK\x01\x02" + bytes(), 0)
    while entry != -1:
        name_len = int.from_bytes(data[entry + 28:entry + 30], "little")
        if data[entry + 46:entry + 46 + name_len] == name.encode():
            data[entry + 24:entry + 28] = size.to_bytes(4, "little")
            return
        entry = data.find(b"PK\x01\x02", entry + 4)
    raise AssertionError(name)


def body(paragraphs: bytes) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W.encode() + b"><w:body>" + paragraphs + \
        b"</w:body></w:document>"
