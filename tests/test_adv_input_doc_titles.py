"""A stated title (or a file name) with no letter one can see is left out with a warning; the document comes in."""

from __future__ import annotations

import pytest

from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.coding.sourcetext import add_document


@pytest.mark.parametrize("name, content, shown", [
    ("m.md", "# \u0301\n\nHello\n", "'\u0301' (U+0301)"),
    ("d.md", "# ---\n\nHello\n", "'---' (U+002D U+002D U+002D)"),
])
def test_an_invisible_stated_title_is_left_out(store, tmp_path, name, content, shown):
    # Was: the whole document refused, "title: '\u200b\u200b' … has no letter or digit", naming no option.
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    doc = read_document(path)
    assert add_document(store, doc).title == path.stem
    assert [str(w) for w in doc.warnings] == [
        f"{path}: the title the file states was left out: {shown} has no letter or digit, only punctuation, "
        "marks, symbols or invisible characters; give it with --title"]


@pytest.mark.parametrize("name, content", [
    ("h.html", "<html><head><title>\u200b\u200b</title></head><body><p>Hello</p></body></html>"),
    ("x.txt", "\u200b\nHello\n"),
])
def test_an_invisible_only_title_is_left_out(store, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    doc = read_document(path)
    assert add_document(store, doc).title == path.stem
    assert [str(w) for w in doc.warnings] == [
        f"{path}: the title the file states was left out: it holds only invisible formatting characters; "
        "give it with --title"]


@pytest.mark.parametrize("stem, holds", [("\u200b", "invisible formatting characters"),
                                         ("---", "no letter or digit one can see")])
def test_a_file_name_with_no_letter_gives_untitled(store, tmp_path, stem, holds):
    path = tmp_path / f"{stem}.html"
    path.write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    doc = read_document(path)
    assert add_document(store, doc).title == "Untitled document"
    assert str(doc.warnings[-1]).endswith(f"the file name holds {holds}; the title made from "
                                          "it is 'Untitled document'; give it with --title")


def test_a_soft_hyphen_in_a_stated_title_is_removed_not_a_refusal(store, tmp_path):
    # A title now refuses invisible characters (two sources that look alike must not differ);
    # one a file states is cleaned instead, with a warning.
    path = tmp_path / "p.html"
    path.write_text("<html><head><title>Re\u00adport \u200fX</title></head><body><p>Hi</p></body></html>",
                    encoding="utf-8")
    doc = read_document(path)
    assert add_document(store, doc).title == "Report X"
    assert [str(w) for w in doc.warnings] == [
        f"{path}: invisible formatting characters were removed from the title the file states; give it with --title"]
