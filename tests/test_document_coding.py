"""Every document format end to end: read a file, code a passage, re-read an edited file (issue 7).

The same three paragraphs are written as text, Markdown, HTML, PDF (one
paragraph per page) and DOCX. For each: the source's metadata and text, the
actors named in it, a coded passage whose offsets hold exactly the quoted
words (and its page, for the PDF), then re-reading an edited file that adds
words before, inside and after coded passages.
"""

from __future__ import annotations

import datetime as dt

import pytest
from docfixtures import pdf_bytes, write_docx

from stancetracker.core.model.dates import parse_date
from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.coding.mentions import MentionFinder
from stancetracker.core.model.entities import Record
from stancetracker.core.coding.passages import add_coded_record, passage_of_record, passages
from stancetracker.core.coding.sourcetext import add_document, document, replace_text

PARAS = ["Muqtada al-Sadr told his bloc to leave parliament.",
         "Nouri al-Maliki answered that the Framework would govern alone.",
         "Kata'ib Hezbollah blamed the cleric for the clashes."]
EDITED = ["In June, Muqtada al-Sadr told his bloc to leave parliament.",                 # before
          "Nouri al-Maliki answered that the Framework would, he said, govern alone.",  # inside
          "Kata'ib Hezbollah blamed the cleric for the clashes. Calm returned."]       # after
TITLE = "The standoff"


def write(fmt: str, folder, paras: list[str]):
    if fmt == "text":
        path = folder / "standoff.txt"
        path.write_text(TITLE + "\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    elif fmt == "markdown":
        path = folder / "standoff.md"
        path.write_text(f"---\ntitle: {TITLE}\nauthor: A. Writer\npublished: 2022-08-30\n---\n\n"
                        + "\n\n".join(f"*{p}*" if i == 1 else p for i, p in enumerate(paras)) + "\n",
                        encoding="utf-8")
    elif fmt == "html":
        path = folder / "standoff.html"
        body = "".join(f"<p>{p}</p>" for p in paras)
        path.write_text(f"<html><head><title>{TITLE}</title><meta name='author' content='A. Writer'>"
                        f"<meta property='article:published_time' content='2022-08-30T10:00:00Z'></head>"
                        f"<body><nav>Home | World</nav><article><h1>{TITLE}</h1>{body}</article>"
                        f"<footer>Copyright</footer></body></html>", encoding="utf-8")
    elif fmt == "pdf":
        path = folder / "standoff.pdf"
        path.write_bytes(pdf_bytes([[p] for p in paras], info={"Title": TITLE, "Author": "A. Writer",
                                                                "CreationDate": "D:20220830100000Z"}))
    else:
        path = write_docx(folder / "standoff.docx", title=TITLE, author="A. Writer",
                          created=dt.datetime(2022, 8, 30, 10, tzinfo=dt.timezone.utc), paragraphs=paras)
    return path


FORMATS = ["text", "markdown", "html", "pdf", "docx"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_code_and_reanchor(fmt, store, tmp_path):
    src = add_document(store, read_document(write(fmt, tmp_path, PARAS)))
    info = document(store, src.slug)
    assert info.format == fmt and src.title == TITLE
    if fmt != "text":
        assert src.author == "A. Writer" and src.published.short() == "2022-08-30"
    text = info.text.replace("’", "'")  # a PDF's standard font encoding draws ' as a right quote
    for p in PARAS:
        assert p in text
    assert "Home | World" not in info.text and "*" not in info.text and "Copyright" not in info.text
    found = [(text[m.start:m.end], m.actor) for m in MentionFinder(store.actors()).find(info.text)]
    assert found == [("Muqtada al-Sadr", "sadr"), ("Nouri al-Maliki", "maliki"),
                     ("Kata'ib Hezbollah", "kataib-hezbollah")]

    coded = {}
    for words, actor in (("told his bloc to leave parliament", "sadr"),
                         ("the Framework would govern alone", "maliki"),
                         ("blamed the cleric", "kataib-hezbollah")):
        start = info.text.index(words)
        row = add_coded_record(store, Record(actor=actor, dimension="consensus", date=parse_date("2022-08"),
                                             score=-1, source=src.slug), start, start + len(words))
        p = passage_of_record(store, row.uuid)
        assert info.text[p.start:p.end] == words == p.quote
        coded[words] = row.uuid
    pages = [passage_of_record(store, u).page for u in coded.values()]
    assert pages == ([1, 2, 3] if fmt == "pdf" else [None, None, None])

    result = replace_text(store, src.slug, read_document(write(fmt, tmp_path, EDITED)))
    new = document(store, src.slug).text
    assert [p.quote for p, _ in result.lost] == ["the Framework would govern alone"]
    for words in ("told his bloc to leave parliament", "blamed the cleric"):
        p = passage_of_record(store, coded[words])
        assert new[p.start:p.end] == words and not p.lost
        if fmt == "pdf":
            assert p.page == [1, 2, 3][list(coded).index(words)]
    assert [p.quote for p in passages(store, src.slug, lost=True)] == ["the Framework would govern alone"]
