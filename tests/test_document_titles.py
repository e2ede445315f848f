"""A document whose stated title or file name holds no letter still comes in (issue 12, finding 15)."""

import pytest

from stancetracker.core.documents import read_document
from stancetracker.core.documents_meta import UNTITLED
from stancetracker.core.sourcetext import add_document


@pytest.mark.parametrize("name, content", [
    ("brief.md", "---\ntitle: '---'\n---\n\nSadr called for the withdrawal of US forces.\n"),
    ("brief.html", "<html><head><title>&lt;</title></head><body><p>Sadr spoke.</p></body></html>"),
    ("brief.txt", "? ?\n\nSadr spoke in Najaf.\n"),
])
def test_a_title_without_a_letter_is_left_out_with_a_warning(store, tmp_path, name, content):
    """The punctuation title is dropped with a warning naming the file and --title; the file name stands in."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    doc = read_document(path)
    assert doc.title == "brief"
    src = add_document(store, doc)
    assert src.title == "brief" and "Sadr" in store.source(src.slug, with_text=True).text


def test_a_file_name_without_a_letter_gives_an_untitled_document(store, tmp_path):
    """With no usable title anywhere, the source is titled 'Untitled document' and the text is kept."""
    path = tmp_path / "---.txt"
    path.write_text("? ?\n\nSadr spoke in Najaf.\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.title == UNTITLED
    assert any(w.field == "title" and str(path) in str(w) for w in doc.warnings)
    assert add_document(store, doc).title == UNTITLED
