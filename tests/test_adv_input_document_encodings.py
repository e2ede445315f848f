"""Documents in UTF-16/32 without a mark, and pages whose charset declaration lies, are read as written."""

from __future__ import annotations

import pytest

from stancetracker.core.exchange.documents.reading import read_document

TEXT = "Hello world.\nمقتدى الصدر said something.\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32", "utf-16"])
def test_a_text_file_in_utf16_or_utf32_keeps_its_letters(tmp_path, codec):
    # Was: UTF-16 without a mark decoded as UTF-8, its NULs dropped: "EB*/I 'D5/1" for the Arabic.
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode(codec))
    assert read_document(path).text == TEXT.rstrip("\n")


def test_utf32_with_a_mark_keeps_letters_past_the_basic_plane(tmp_path):
    # Was: read as UTF-16 (its mark begins with UTF-16's), which splits each character in two.
    path = tmp_path / "a.txt"
    path.write_bytes("Hello 𝔸𝔹 world 😀\n".encode("utf-32"))
    assert read_document(path).text == "Hello 𝔸𝔹 world 😀"


PAGE = '<html><head><meta charset="{}"><title>T {}</title></head><body><p>Hello {}</p></body></html>'


@pytest.mark.parametrize("charset, cell", [
    ("idna", "x"), ("undefined", "x"), ("punycode", "x"),  # were: "not a readable web page", or no text at all
    ("unicode-escape", r"\u0041\N{BELL}"), ("raw-unicode-escape", r"\u0041"),  # were: turned into "A🔔"
    ("utf-7", "+AGEAYgBj-"),  # was: read as "abc", the encoding browsers refuse for smuggling markup
])
def test_a_charset_that_is_no_file_encoding_is_ignored(tmp_path, charset, cell):
    path = tmp_path / "p.html"
    path.write_text(PAGE.format(charset, cell, cell), encoding="utf-8")
    doc = read_document(path)
    assert doc.text == f"Hello {cell}" and doc.title == f"T {cell}"


def test_a_page_in_utf16_without_a_mark_is_read(tmp_path):
    path = tmp_path / "p.html"
    path.write_bytes(PAGE.format("utf-8", "مقتدى", "مقتدى").encode("utf-16-le"))
    assert read_document(path).text == "Hello مقتدى"
