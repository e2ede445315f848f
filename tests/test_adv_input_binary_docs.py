"""A binary file named .txt, .md or .html is refused with what it looks like, not stored as a source of garbage."""

from __future__ import annotations

import random
import sqlite3

import pytest

from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.exchange.documents.base import DocumentError


def _sqlite(tmp_path) -> bytes:
    db = tmp_path / "x.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    return db.read_bytes()


@pytest.mark.parametrize("suffix, kind", [(".txt", "text file"), (".md", "Markdown file"), (".html", "web page")])
@pytest.mark.parametrize("make, looks", [
    (lambda tmp: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "; it looks like a PNG image"),
    (lambda tmp: b"PK\x03\x04\x14\x00\x00\x00" + bytes(200), "; it looks like a ZIP archive (as a Word .docx is)"),
    (_sqlite, "; it looks like an SQLite database"),
    (lambda tmp: random.Random(7).randbytes(5000), " (NUL or control bytes)"),
])
def test_a_binary_file_is_not_read_as_text(tmp_path, suffix, kind, make, looks):
    # Was: decoded as Windows-1252 and added: "Added source png: “PNG” (text, 41,894 characters)".
    path = tmp_path / f"b{suffix}"
    path.write_bytes(make(tmp_path))
    with pytest.raises(DocumentError) as err:
        read_document(path)
    assert str(err.value) == f"{path}: is not a {kind}: it holds binary data{looks}"


def test_a_stray_control_byte_in_real_text_is_still_read(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"Hello\x07 world\x00\nsecond line " * 3)
    assert read_document(path).text.startswith("Hello world")
