"""Documents made to hurt the reader (issue 12, findings 11, 12, 13, 15): each is read or refused
with one line naming the file, quickly, and a file's odd metadata never keeps its text out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docfixtures import pdf_bytes, write_docx
from hostile_docs import HTML, MARKDOWN, body, docx_with_body

from stancetracker.cli.main import cli
from stancetracker.core.model import entities as model
from stancetracker.core.exchange.documents.reading import DocumentError, read_document
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.coding.sourcetext import add_document, replace_text
from stancetracker.core.project import open_project

TESTS = Path(__file__).parent


def refused(path: Path) -> str:
    with pytest.raises(DocumentError) as info:
        read_document(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def quickly(fn, bound: float = 2.0):
    start = time.perf_counter()
    result = fn()
    assert time.perf_counter() - start < bound
    return result


# --- only regular files, size before reading (finding 13) ---------------------

def test_fifo_is_refused_at_once(tmp_path):
    """A named pipe with no writer would block an open() for ever; it is refused without opening it."""
    fifo = tmp_path / "notes.txt"
    os.mkfifo(fifo)
    message = quickly(lambda: refused(fifo))
    assert "notes.txt" in message and "named pipe" in message and "only files are read" in message


def test_link_to_dev_zero_is_refused_at_once(tmp_path):
    link = tmp_path / "x.txt"
    link.symlink_to("/dev/zero")
    message = quickly(lambda: refused(link))
    assert "x.txt: is a device (/dev/zero), not a file" in message


def test_folder_and_broken_link(tmp_path):
    (tmp_path / "folder.md").mkdir()
    assert "is a folder" in refused(tmp_path / "folder.md")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    assert "is a link to" in refused(tmp_path / "gone.txt") and "does not exist" in refused(tmp_path / "gone.txt")


def test_200_mb_text_file_is_refused_without_reading_it(tmp_path):
    """Sparse, so the test costs no disk; the reader must refuse it on its size, in a small process."""
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(200 * 1024 * 1024)
    code = ("import sys; from stancetracker.core.exchange.documents.reading import read_document\n"
            "try: read_document(sys.argv[1])\nexcept Exception as e: print(e)\n"
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) // 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(big)], capture_output=True, text=True, timeout=60)
    message, peak_mb = out.stdout.strip().splitlines()
    assert "big.txt: is 200.0 MB; the limit for a text file is 64 MB" in message
    assert int(peak_mb) < 100  # the interpreter and its imports, not the file


def test_link_to_a_file_elsewhere_is_read_with_a_warning_naming_it(tmp_path):
    """A link to a system file (here a stand-in for /etc/passwd) comes in, but never without a word."""
    elsewhere = tmp_path / "etc"
    elsewhere.mkdir()
    (elsewhere / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    link = tmp_path / "brief.txt"
    link.symlink_to(elsewhere / "passwd")
    doc = read_document(link)
    assert doc.file_name == "passwd"
    assert [str(w) for w in doc.warnings] == [f"{link}: this is a link; the file read is {elsewhere / 'passwd'}"]


def test_cli_prints_the_link_warning(db_path, tmp_path):
    real = tmp_path / "real-notes.txt"
    real.write_text("Sadr spoke.\n")
    link = tmp_path / "notes.txt"
    link.symlink_to(real)
    res = CliRunner().invoke(cli, ["--db", str(db_path), "add-source", str(link)])
    assert res.exit_code == 0, res.output
    assert f"warning: {link}: this is a link; the file read is {real}" in res.stderr
    assert "Added source" in res.stdout


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_long_runs_of_spaces_are_normalised_in_linear_time(tmp_path, suffix):
    """Trailing-space removal retried from every space of a run: 20,000 spaces took 7 s."""
    path = tmp_path / f"spaces{suffix}"
    path.write_text("a" + " " * 2_000_000 + "b\n" + "c \t" * 500_000 + "d")
    doc = quickly(lambda: read_document(path), bound=5)
    assert doc.text.startswith("a") and doc.text.endswith("d")


# --- bounded work (findings 11, 12): measured in a child process ----------------

_MEASURE = """
import json, sys, time
from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.model.errors import StanceError
out = {}
for name in sys.argv[1:]:
    start = time.perf_counter()
    try:
        outcome = "read %d" % len(read_document(name).text)
    except StanceError as err:
        outcome = "refused: " + str(err)
    out[name] = [time.perf_counter() - start, outcome]
# VmHWM is this process's own peak; ru_maxrss would carry over the parent's across exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"files": out, "peak_mb": peak // 1024}))
"""


def measure(paths: list[Path]) -> dict:
    res = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, paths)], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout)


def assert_bounded(tmp_path: Path, files: dict, peak_mb: int = 500) -> dict:
    paths = []
    for name, make in files.items():
        path = tmp_path / name
        content = make()
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        paths.append(path)
    result = measure(paths)
    for name, (seconds, outcome) in result["files"].items():
        print(f"{Path(name).name}: {seconds:.2f} s, {outcome[:120]}")
        assert seconds < 10, name
        assert outcome.startswith("read ") or (Path(name).name in outcome and "\n" not in outcome), outcome
    print("peak", result["peak_mb"], "MB")
    assert result["peak_mb"] < peak_mb
    return result["files"]


@pytest.mark.slow
def test_hostile_markdown_is_read_or_refused_within_bounds(tmp_path):
    """Python-Markdown ran for minutes on the first three; every one now takes seconds at most."""
    files = assert_bounded(tmp_path, MARKDOWN)
    outcome = {Path(k).name: v[1] for k, v in files.items()}
    assert outcome["brackets.md"] == "read 150000"
    assert outcome["link-angle.md"].startswith("read ")
    assert "opens more than 50 quotes or lists" in outcome["quotes-5mb.md"]
    assert outcome["prose-5mb.md"].startswith("read ")  # an ordinary long document still comes in


@pytest.mark.slow
def test_hostile_html_is_read_or_refused_within_bounds(tmp_path):
    files = assert_bounded(tmp_path, HTML)
    outcome = {Path(k).name: v[1] for k, v in files.items()}
    assert "nested more deeply" in outcome["deep-100000.html"]
    assert "HTML elements; the limit is 250,000" in outcome["anchors-5mb.html"]
    assert outcome["navs.html"] == "read 4"  # 240,000 navigation bars dropped, the main text kept
    assert outcome["headers-in-article.html"] == "read 719998"  # an article's headers are its own
    assert outcome["flat-paragraphs.html"].startswith("read ")
    assert outcome["prose-5mb.html"].startswith("read ")


@pytest.mark.parametrize("charset", ["base64", "rot13", "zlib", "utf-16", "x-no-such"])
def test_a_page_declaring_a_charset_that_is_not_its_text_encoding_reads_as_utf8(tmp_path, charset):
    page = tmp_path / "page.html"
    page.write_bytes(f'<meta charset="{charset}"><p>Café “quoted”</p>'.encode())
    assert read_document(page).text == "Café “quoted”"


def test_deep_json_ld_does_not_hide_the_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<script type="application/ld+json">' + "[" * 100_000 + "</script><p>Body.</p>")
    assert read_document(page).text == "Body."


# --- Word: the zip is checked before inflating (finding 12) --------------------

def test_docx_part_stated_past_the_limit_is_refused_before_inflating(tmp_path, monkeypatch):
    from stancetracker.core.exchange.documents import from_docx as documents_docx

    monkeypatch.setattr(documents_docx, "MAX_PART", 1_000_000)
    path = docx_with_body(tmp_path / "bomb.docx", body(b"<w:p/>" * 200_000))  # 1.2 MB inflated
    message = quickly(lambda: refused(path))
    assert "bomb.docx: its part word/document.xml would inflate to 1,200,1" in message


def test_docx_whose_header_lies_about_the_size_is_refused(tmp_path):
    """The central directory says 100 bytes; the data inflates to 3 MB: the read stops at the stated size."""
    xml = body(b"<w:p><w:r><w:t>" + b"a" * 3_000_000 + b"</w:t></w:r></w:p>")
    path = docx_with_body(tmp_path / "liar.docx", xml, declared_size=100)
    message = quickly(lambda: refused(path))
    assert message.startswith(f"{path}: not a readable Word document")


@pytest.mark.slow
def test_zip_bomb_docx_is_refused_quickly_and_small(tmp_path):
    """A 300 MB body (about 300 KB zipped) is refused on its stated size, nothing inflated."""
    path = docx_with_body(tmp_path / "bomb.docx", body(b" " * 300_000_000))
    assert path.stat().st_size < 1_000_000
    result = measure([path])
    seconds, outcome = result["files"][str(path)]
    assert seconds < 2 and "would inflate to 300,000,1" in outcome and result["peak_mb"] < 150


@pytest.mark.slow
def test_five_million_paragraphs_are_refused_within_bounds(tmp_path):
    """Half a megabyte zipped, five million empty paragraphs: refused at a limit, not read for minutes."""
    path = docx_with_body(tmp_path / "many.docx", body(b"<w:p/>" * 5_000_000))
    assert path.stat().st_size < 600_000
    result = measure([path])
    seconds, outcome = result["files"][str(path)]
    assert seconds < 10 and result["peak_mb"] < 500
    assert "many.docx: " in outcome and ("paragraphs" in outcome or "XML tags" in outcome)


@pytest.mark.slow
def test_a_long_ordinary_word_document_is_read_within_bounds(tmp_path):
    """Some 40,000 paragraphs of three runs each, a table and headings: read, not refused."""
    run = b"<w:r><w:t xml:space='preserve'>Sadr said on Sunday that the deal was unacceptable. </w:t></w:r>"
    para = b"<w:p>" + run * 3 + b"</w:p>"
    table = b"<w:tbl>" + (b"<w:tr>" + b"<w:tc>" + para + b"</w:tc>" * 1 + b"</w:tr>") * 100 + b"</w:tbl>"
    path = docx_with_body(tmp_path / "long.docx", body(para * 40_000 + table))
    result = measure([path])
    seconds, outcome = result["files"][str(path)]
    print(f"{seconds:.2f} s, {outcome[:60]}, peak {result['peak_mb']} MB")
    assert outcome.startswith("read ") and seconds < 10 and result["peak_mb"] < 500


def test_deeply_nested_docx_tables_are_refused_in_plain_words(tmp_path):
    cell = b"<w:tbl><w:tr><w:tc>" * 200 + b"<w:p/>" + b"</w:tc></w:tr></w:tbl>" * 200
    message = refused(docx_with_body(tmp_path / "deep.docx", body(cell)))
    assert message.endswith("deep.docx: its XML is nested more than 256 levels deep; it is not an ordinary "
                            "Word document")


def test_docx_with_too_many_members_is_refused(tmp_path, monkeypatch):
    from stancetracker.core.exchange.documents import from_docx as documents_docx

    monkeypatch.setattr(documents_docx, "MAX_MEMBERS", 20)
    path = write_docx(tmp_path / "parts.docx", paragraphs=["x"])
    with zipfile.ZipFile(path, "a") as z:
        for i in range(20):
            z.writestr(f"media/{i}.bin", b"x")
    assert "holds 37 parts" in refused(path)


# --- the source text limit (finding 3's sibling) -------------------------------

def test_text_past_the_source_limit_is_refused_while_reading(tmp_path, monkeypatch):
    """Every reader stops at the model's MAX_TEXT; the database is never asked to hold more."""
    monkeypatch.setattr(model, "MAX_TEXT", 1000)
    files = {"a.txt": "word " * 300, "a.md": "word " * 300, "a.html": "<p>word</p>" * 300,
             "a.pdf": pdf_bytes([["word " * 60]] * 5)}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        assert "the most a source can hold" in refused(path), name
    docx = write_docx(tmp_path / "a.docx", paragraphs=["word " * 100] * 5)
    assert "more than 1,000 characters" in refused(docx)


def test_replace_text_keeps_to_the_source_limit(store, monkeypatch):
    monkeypatch.setattr(model, "MAX_TEXT", 1000)
    from stancetracker.core.exchange.documents.reading import DocumentText

    add_document(store, DocumentText("Short text.", "text", "a.txt", title="A"), slug="a")
    with pytest.raises(ValidationError, match="the limit is 1,000"):
        replace_text(store, "a", "x" * 1001)
    assert store.source("a", with_text=True).text == "Short text."


@pytest.mark.slow
def test_real_limit_fifty_million_characters_from_a_small_docx(tmp_path):
    """About 60 MB of text zipped into a few hundred KB: refused at 50,000,000 characters."""
    para = b"<w:p><w:r><w:t>" + b"a" * 10_000_000 + b"</w:t></w:r></w:p>"
    path = docx_with_body(tmp_path / "huge.docx", body(para * 6))
    result = measure([path])
    seconds, outcome = result["files"][str(path)]
    assert "more than 50,000,000 characters" in outcome and seconds < 10 and result["peak_mb"] < 500


# --- metadata is a hint (finding 15) -------------------------------------------

def test_huge_pdf_author_is_dropped_with_a_warning(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes([["Sadr withdrew."]], {"Title": "Report", "Author": "A" * 100_000}))
    doc = read_document(path)
    assert (doc.text, doc.title, doc.author) == ("Sadr withdrew.", "Report", "")
    assert [str(w) for w in doc.warnings] == [
        f"{path}: the author the file states was left out: it is 100,000 characters long; the limit is 200; "
        "give it with --author"]


def test_og_title_with_an_escape_character_is_cleaned(tmp_path):
    path = tmp_path / "page.html"
    path.write_text('<meta property="og:title" content="Deal \x1b[31mrejected"><p>Body.</p>')
    doc = read_document(path)
    assert doc.title == "Deal [31mrejected"
    assert [w.field for w in doc.warnings] == ["title"]
    assert "control characters were removed from the title the file states; give it with --title" in \
        str(doc.warnings[0])


def test_file_name_with_a_line_break_makes_a_clean_title(tmp_path):
    path = tmp_path / "two\nlines.txt"
    path.write_text("x" * 300)  # a first line too long to be a title, so the name is used
    doc = read_document(path)
    assert doc.title == "two lines" and doc.file_name == "two lines.txt"
    assert str(doc.warnings[0]).startswith(str(tmp_path) + "/two\\x0alines.txt: the file name holds line breaks")


def test_unreadable_stated_date_is_left_out_with_a_warning(tmp_path):
    path = tmp_path / "n.md"
    path.write_text("---\ntitle: Note\ndate: 2021-02-30\n---\n\nBody.\n")
    doc = read_document(path)
    assert doc.published is None and doc.title == "Note"
    assert str(doc.warnings[0]).endswith("('2021-02-30') is not a date we can read; it was left out; "
                                         "give it with --published")


def test_bidi_override_in_an_author_is_removed(tmp_path):
    path = write_docx(tmp_path / "s.docx", author="Ali\u202e Writer", paragraphs=["Text."])
    doc = read_document(path)
    assert doc.author == "Ali Writer" and doc.warnings[0].field == "author"


def test_cli_imports_the_document_warns_and_the_option_overrides(db_path, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes([["Sadr withdrew."]], {"Title": "Report", "Author": "A" * 100_000}))
    res = CliRunner().invoke(cli, ["--db", str(db_path), "add-source", str(path)])
    assert res.exit_code == 0, res.output
    assert res.stderr.startswith(f"warning: {path}: the author the file states was left out") and \
        "--author" in res.stderr
    res = CliRunner().invoke(cli, ["--db", str(db_path), "add-source", str(path), "--author", "R. Searcher",
                                   "--slug", "report-2"])
    assert res.exit_code == 0, res.output
    with open_project(db_path) as s:
        assert (s.source("report").author, s.source("report-2").author) == ("", "R. Searcher")


def test_gui_dialog_shows_the_warnings(qtbot, store, tmp_path):
    from stancetracker.gui.dialogs.document import QtDocumentDialog
    from stancetracker.gui.hub import QtStoreHub

    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes([["Sadr withdrew."]], {"Title": "Report", "Author": "A" * 100_000}))
    dlg = QtDocumentDialog(QtStoreHub(store), read_document(path))
    qtbot.addWidget(dlg)
    assert not dlg.notes.isHidden()
    assert "The author the file states was left out" in dlg.notes.text() and "Author field" in dlg.notes.text()
    assert dlg.author.text() == ""


# --- storing the text: linear too ----------------------------------------------

def _clean_text_by_hand(text: str, pages: list[int]) -> tuple[str, list[int]]:
    bidi = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    kept = "".join(c for c in text if c not in bidi)
    moved = [p - sum(1 for c in text[:p] if c in bidi) for p in pages]
    lead = len(kept) - len(kept.lstrip())
    kept = kept.strip()
    return kept, [min(max(p - lead, 0), len(kept)) for p in moved]


def test_clean_text_moves_page_starts_past_removed_direction_controls():
    import random

    from stancetracker.core.coding.sourcetext import clean_text

    rng = random.Random(7)
    for _ in range(200):
        text = "".join(rng.choice(["a", " ", "\n", "\u202e", "\u2066", "b"]) for _ in range(rng.randrange(40)))
        pages = sorted(rng.sample(range(len(text) + 1), rng.randrange(min(4, len(text) + 1))))
        assert clean_text(text, pages) == _clean_text_by_hand(text, pages), (text, pages)


def test_clean_text_of_a_long_text_with_direction_controls_is_quick():
    """It went character by character in Python: seconds and gigabytes for a book-length text."""
    from stancetracker.core.coding.sourcetext import clean_text

    text = ("word \u202e" * 2_000_000)
    cleaned, pages = quickly(lambda: clean_text(text, [0, 5_000_000, 10_000_000]), bound=3)
    assert len(cleaned) == 9_999_999 and pages == [0, 4_166_667, 8_333_334]


def test_a_bad_override_is_refused_naming_its_option(db_path, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Sadr spoke.\n")
    res = CliRunner().invoke(cli, ["--db", str(db_path), "add-source", str(path), "--author", "A" * 300])
    assert res.exit_code == 1
    assert res.output.strip().endswith("--author: is 300 characters long; the limit is 200; nothing was added")
    with open_project(db_path) as s:
        assert [x.slug for x in s.sources() if x.title == "Sadr spoke."] == []


def test_pdf_whose_drawing_instructions_inflate_past_the_limit_is_refused(tmp_path, monkeypatch):
    """A compressed content stream can inflate to millions of instructions; counted before extracting."""
    import io

    import pypdf
    from pypdf.generic import ContentStream

    from stancetracker.core.exchange.documents import from_pdf as documents_pdf

    monkeypatch.setattr(documents_pdf, "MAX_CONTENT", 2**20)
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes([["x"], ["y"]]))))
    page = writer.pages[1]
    stream = ContentStream(None, writer)
    stream.set_data(b"BT /F1 12 Tf " + b"(a) Tj " * 200_000 + b"ET")
    page.replace_contents(stream)
    page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "dense.pdf"
    path.write_bytes(out.getvalue())
    assert path.stat().st_size < 20_000
    assert refused(path).endswith("dense.pdf: its pages' drawing instructions pass 1 MB by page 2; it is not an "
                                  "ordinary document (print it to a new PDF, or save its text, and import that)")
