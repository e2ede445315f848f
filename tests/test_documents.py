"""Reading documents into normalised text and metadata, one format at a time."""

from __future__ import annotations

import datetime as dt
import io
import random
import sys
import time

import pypdf
import pytest

from docfixtures import ARTICLE_HTML, MARKDOWN, pdf_bytes, write_docx
from stancetracker.core.model.dates import PartialDate
from stancetracker.core.exchange.documents.reading import SUPPORTED, DocumentError, page_at, read_document
from stancetracker.core.model.errors import StanceError
from stancetracker.core.coding.mentions import paragraphs

ARABIC = "قال الصدر إن الاتفاق مرفوض."


def day(y: int, m: int, d: int) -> PartialDate:
    return PartialDate(dt.date(y, m, d), "day")


def paragraph_texts(text: str) -> list[str]:
    return [text[a:b] for a, b in paragraphs(text)]


def assert_normalised(text: str) -> None:
    assert "\r" not in text and "\n\n\n" not in text
    assert text == text.strip("\n")
    assert all(line == line.rstrip() for line in text.split("\n"))


def refused(path) -> str:
    """The one-line message read_document gives for a file it cannot read."""
    with pytest.raises(DocumentError) as info:
        read_document(path)
    message = str(info.value)
    assert path.name in message and "\n" not in message
    return message


# --- plain text --------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"])
def test_text_encodings(tmp_path, encoding):
    """Every common encoding of a text file gives the same text."""
    text = "Café “quoted” – naïve\n\nSecond paragraph €5"
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.text == text
    assert (doc.format, doc.file_name, doc.title) == ("text", "note.txt", "Café “quoted” – naïve")
    assert doc.pages == [] and page_at(doc.pages, 0) is None


def test_latin1_bytes_undefined_in_cp1252_still_decode(tmp_path):
    path = tmp_path / "odd.text"
    path.write_bytes(b"caf\xe9 \x81 end")
    assert read_document(path).text == "café \x81 end"


def test_text_is_normalised(tmp_path):
    """Line ends, paragraph breaks, trailing spaces, controls and NFC, Arabic intact."""
    raw = ("\r\n \r\nTitle line  \r\nsame para\rline three\u2028line four\u2029next para\t \n"
           "\n\n\n\nbell\x07 and nul\x00 gone\x1b\n\ne\u0301 composed\n" + ARABIC + "\n\n  \n")
    path = tmp_path / "messy.txt"
    path.write_text(raw, encoding="utf-8", newline="")
    doc = read_document(path)
    assert doc.text == ("Title line\nsame para\nline three\nline four\n\nnext para\n\n"
                        "bell and nul gone\n\né composed\n" + ARABIC)
    assert_normalised(doc.text)
    assert paragraph_texts(doc.text)[1] == "next para"
    assert doc.title == "Title line"


def test_text_title_falls_back_to_stem_for_a_long_first_line(tmp_path):
    path = tmp_path / "speech-2021.txt"
    path.write_text("word " * 60 + "\n\nmore")
    assert read_document(path).title == "speech-2021"


def test_two_megabyte_text_is_fast(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(("A line of text with some words in it.  \r\n" * 20 + "\r\n").encode() * 2500)
    start = time.perf_counter()
    doc = read_document(path)
    assert time.perf_counter() - start < 1.0
    assert len(paragraphs(doc.text)) == 2500


# --- Markdown ----------------------------------------------------------------

def test_markdown_front_matter_and_plain_text(tmp_path):
    """Metadata comes from the front matter; the text is what a reader sees."""
    path = tmp_path / "statement.md"
    path.write_text(MARKDOWN.replace("\n", "\r\n"), encoding="utf-8", newline="")
    doc = read_document(path)
    assert paragraph_texts(doc.text) == [
        "Heading that is not the title",
        "Some bold and emphasised words with a link text.",
        "Second section", "item one", "item two", "A quoted line.",
    ]
    assert_normalised(doc.text)
    for markup in ("**", "#", "](", "`", ">", "---", "title:"):
        assert markup not in doc.text
    assert doc.format == "markdown"
    assert doc.title == "Statement on the elections"
    assert doc.author == "Ali Writer"
    assert doc.publisher == "Example Press"
    assert doc.url == "https://example.org/statement"
    assert doc.published == PartialDate(dt.date(2022, 3, 1), "month")


def test_markdown_title_from_first_heading(tmp_path):
    path = tmp_path / "notes.markdown"
    path.write_text("Intro line.\n\n# The *real* title\n\n---\n\nText after a rule.\n")
    doc = read_document(path)
    assert doc.title == "The real title"
    assert doc.published is None and doc.author == ""
    assert doc.text == "Intro line.\n\nThe real title\n\nText after a rule."


def test_markdown_code_and_tables_keep_their_words(tmp_path):
    path = tmp_path / "code.md"
    path.write_text("Intro.\n\n```\nline  one\n    indented\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert read_document(path).text == "Intro.\n\nline  one\n    indented\n\na\n\nb\n\n1\n\n2"


def test_markdown_leading_rule_is_not_front_matter(tmp_path):
    path = tmp_path / "rule.md"
    path.write_text("---\nJust a paragraph between rules.\n---\n\nBody.\n")
    doc = read_document(path)
    assert "Just a paragraph between rules." in doc.text and doc.title == "rule"


# --- web pages ---------------------------------------------------------------

def test_html_article_text_and_metadata(tmp_path):
    """Only the article's words, in order; site furniture and scripts are gone."""
    path = tmp_path / "page.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    doc = read_document(path)
    assert paragraph_texts(doc.text) == [
        "Cleric rejects the deal",
        "By Jane Reporter, 6 November 2021",
        'The cleric said on Sunday that the proposed deal was "unacceptable".',
        "He called for new elections.\nSupporters gathered outside.",
        "We will not accept it.",
        "First point", "Second point",
        ARABIC,
    ]
    for gone in ("SCRIPT-TEXT", "tracking", "font-family", "cookies", "Accept all",
                 "Example News home", "Politics", "Sport", "Share on", "Related:", "Most read",
                 "Copyright"):
        assert gone not in doc.text
    assert_normalised(doc.text)
    assert doc.format == "html"
    assert doc.title == "Cleric rejects the deal"
    assert doc.author == "Jane Reporter"
    assert doc.publisher == "Example News"
    assert doc.url == "https://example.org/2021/11/cleric-rejects-deal"
    assert doc.published == day(2021, 11, 7)
    assert doc.language == "en-GB"


def test_html_fallback_metadata(tmp_path):
    """<title> minus the site name, <time datetime>, JSON-LD author, og:url."""
    page = """<html><head><title>Budget vote delayed | Daily Paper</title>
    <meta property="og:site_name" content="Daily Paper">
    <meta property="og:url" content="https://paper.example/budget">
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Daily Paper"},
      {"@type": "NewsArticle", "author": [{"name": "A. One"}, {"name": "B. Two"}],
       "datePublished": "2019-02-03"}]}</script></head>
    <body><div class="menu">Home News</div>
    <main><p>Intro <time datetime="2019-02-04T08:00:00Z">Monday</time> text.</p>
    <div class="commentary">An opinion paragraph.</div><div id="comments">Reader says hi</div>
    </main></body></html>"""
    path = tmp_path / "budget.htm"
    path.write_text(page)
    doc = read_document(path)
    assert doc.text == "Intro Monday text.\n\nAn opinion paragraph."
    assert doc.title == "Budget vote delayed"
    assert doc.author == "A. One, B. Two"
    assert doc.url == "https://paper.example/budget"
    assert doc.published == day(2019, 2, 4)
    assert doc.language == ""


def test_html_json_ld_date_and_page_wrapped_in_a_form(tmp_path):
    """A page inside one big <form> (as ASP.NET writes them) keeps its text."""
    page = """<html><head><title>Plain</title><script type="application/ld+json">
    {"@type": "Article", "datePublished": "2018-05-06T10:00:00+02:00", "author": "Solo Writer"}
    </script></head><body><form id="aspnetForm"><h1>Headline here</h1><p>Body text.</p>
    <form class="search"><input name="q"><button>Search</button></form></form></body></html>"""
    path = tmp_path / "wrapped.html"
    path.write_text(page)
    doc = read_document(path)
    assert doc.text == "Headline here\n\nBody text."
    assert (doc.title, doc.author, doc.published) == ("Headline here", "Solo Writer", day(2018, 5, 6))


def test_html_declared_charset_is_honoured(tmp_path):
    path = tmp_path / "old.html"
    path.write_bytes('<html><head><meta charset="windows-1252"></head><body><p>“Café”</p>'
                     "</body></html>".encode("cp1252"))
    doc = read_document(path)
    assert doc.text == "“Café”" and doc.title == "old"


def test_html_with_only_furniture_is_refused(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><nav>Home</nav><script>x()</script></body></html>")
    assert "holds no text" in refused(path)


# --- PDF ---------------------------------------------------------------------

PAGES = [["First page opens here.", "It has two lines."],
         ["Second page words.", "poli-", "tics continues"],
         [],
         ["Fourth page ends it."]]
INFO = {"Title": "Annual Report 2021", "Author": "Jane Analyst",
        "CreationDate": "D:20210307120000+01'00'"}


def test_pdf_text_pages_and_metadata(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(PAGES, INFO, lang="en-US"))
    doc = read_document(path)
    assert doc.text == ("First page opens here.\nIt has two lines.\n\n"
                        "Second page words.\npoli-\ntics continues\n\nFourth page ends it.")
    assert_normalised(doc.text)
    pages = doc.pages
    assert pages[0] == 0 and len(pages) == 4
    assert doc.text[pages[1]:].startswith("Second page words.")
    assert doc.text[pages[3]:].startswith("Fourth page")
    assert page_at(pages, 0) == 1
    assert page_at(pages, doc.text.index("two lines")) == 1
    assert page_at(pages, doc.text.index("tics continues")) == 2
    assert page_at(pages, doc.text.index("Fourth")) == 4  # page 3 holds no text
    assert page_at(pages, len(doc.text) - 1) == 4
    assert page_at(pages, -1) is None
    assert doc.format == "pdf"
    assert doc.title == "Annual Report 2021"
    assert doc.author == "Jane Analyst"
    assert doc.published == day(2021, 3, 7)
    assert doc.language == "en-US"


def test_pdf_junk_title_and_no_info(tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf_bytes([["Only page."]], {"Title": "Microsoft Word - minutes_v3.docx"}))
    doc = read_document(path)
    assert (doc.title, doc.author, doc.published, doc.pages) == ("minutes", "", None, [0])


def test_scanned_pdf_is_refused(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_bytes([[], []], INFO))
    assert "no text layer" in refused(path) and "OCR" in refused(path)


def _encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes([["Secret words."]]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_password_protected_pdf_is_refused(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted("secret"))
    assert "protected by a password" in refused(path)


def test_pdf_encrypted_without_a_user_password_reads(tmp_path):
    path = tmp_path / "owner-only.pdf"
    path.write_bytes(_encrypted(""))
    assert read_document(path).text == "Secret words."


@pytest.mark.parametrize("data, reason", [
    (pdf_bytes(PAGES)[:300], "not a readable PDF"),
    (b"%PDF-1.4\n" + bytes(range(256)) * 4, "not a readable PDF"),
    (b"<html>not a pdf</html>", "is not a PDF file"),
])
def test_damaged_pdf_is_refused(tmp_path, data, reason):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    assert reason in refused(path)


# --- Word --------------------------------------------------------------------

def test_docx_text_and_metadata(tmp_path):
    path = write_docx(tmp_path / "speech.docx", title="Speech on reform", author="Office of X",
                      created=dt.datetime(2022, 5, 4, 23, 30, tzinfo=dt.timezone.utc),
                      language="ar-IQ", heading="Reform now",
                      paragraphs=["First paragraph.", "", "   ", ARABIC],
                      table=[["cell a1", "cell b1"], ["cell a2", ""]], after_table="Closing words.")
    doc = read_document(path)
    assert paragraph_texts(doc.text) == ["Reform now", "First paragraph.", ARABIC,
                                         "cell a1", "cell b1", "cell a2", "Closing words."]
    assert_normalised(doc.text)
    assert doc.format == "docx"
    assert doc.title == "Speech on reform"
    assert doc.author == "Office of X"
    assert doc.published == day(2022, 5, 4)
    assert doc.language == "ar-IQ"


def test_docx_title_falls_back_to_heading_then_stem(tmp_path):
    with_heading = write_docx(tmp_path / "a.docx", heading="Heading title", paragraphs=["Text."])
    without = write_docx(tmp_path / "plain-notes.docx", paragraphs=["Text."])
    assert read_document(with_heading).title == "Heading title"
    assert read_document(without).title == "plain-notes"


def test_docx_merged_cells_are_read_once(tmp_path):
    from docx import Document

    doc = Document()
    grid = doc.add_table(rows=3, cols=2)
    grid.cell(0, 0).merge(grid.cell(0, 1)).text = "across"
    grid.cell(1, 0).merge(grid.cell(2, 0)).text = "down"
    grid.cell(1, 1).text = "row two"
    grid.cell(2, 1).text = "row three"
    doc.save(tmp_path / "merged.docx")
    assert read_document(tmp_path / "merged.docx").text == "across\n\ndown\n\nrow two\n\nrow three"


@pytest.mark.parametrize("data", [b"PK\x03\x04 truncated zip", b"\xd0\xcf\x11\xe0 old Word .doc"])
def test_damaged_docx_is_refused(tmp_path, data):
    path = tmp_path / "report.docx"
    path.write_bytes(data)
    assert "not a Word .docx file" in refused(path)


def test_docx_without_text_is_refused(tmp_path):
    path = write_docx(tmp_path / "blank.docx", paragraphs=["", " "])
    assert "holds no text" in refused(path)


# --- every format ------------------------------------------------------------

def test_unknown_suffix_lists_the_supported_kinds(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"whatever")
    message = refused(path)
    assert ".xlsx" in message and all(suffix in message for suffix in SUPPORTED)


def test_missing_file_and_folder(tmp_path):
    assert "no such file" in refused(tmp_path / "gone.pdf")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "folder" in refused(folder)


@pytest.mark.parametrize("suffix", sorted(SUPPORTED))
def test_empty_file_is_refused(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    assert "empty" in refused(path)


@pytest.mark.parametrize("suffix", sorted(SUPPORTED))
def test_whitespace_only_file_is_refused(tmp_path, suffix):
    path = tmp_path / f"blank{suffix}"
    path.write_bytes(b" \r\n\t\n\x00\n")
    assert isinstance(pytest.raises(DocumentError, read_document, path).value, StanceError)


@pytest.mark.parametrize("suffix", sorted(SUPPORTED))
def test_random_bytes_never_escape_as_another_error(tmp_path, suffix):
    rng = random.Random(suffix)
    path = tmp_path / f"noise{suffix}"
    for size in (1, 17, 600):
        path.write_bytes(bytes(rng.randrange(256) for _ in range(size)))
        try:
            doc = read_document(path)
        except DocumentError as err:
            assert "\n" not in str(err)
        else:
            assert_normalised(doc.text)


@pytest.mark.parametrize("module, suffix, package", [
    ("pypdf", ".pdf", "pypdf"), ("lxml", ".docx", "lxml"), ("lxml.etree", ".html", "lxml"),
    ("pyromark", ".md", "pyromark"),
])
def test_missing_library_names_the_package(tmp_path, monkeypatch, module, suffix, package):
    monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(pdf_bytes([["x"]]) if suffix == ".pdf" else b"<p>x</p>")
    assert repr(package) in refused(path)


def test_page_at_without_pages():
    assert page_at([], 5) is None
