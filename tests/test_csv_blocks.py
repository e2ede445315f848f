"""The CSV reader's block-at-a-time path gives exactly the rows and lines csv.reader gives (issue 12 speed)."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stancetracker.core.exchange import csv_reader as csv_common
from stancetracker.core.exchange.csv_reader import CsvReader
from stancetracker.core.model.errors import ImportFailed

cells = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\u2028\x85é')), max_size=8)
rows = st.lists(st.lists(cells, min_size=2, max_size=4), min_size=1, max_size=40)
endings = st.sampled_from(["\n", "\r\n", "\r"])


def _reference(text: str) -> list[tuple[int, list[str]]]:
    """(line the row starts on, cells) by csv.reader over the whole text, blank rows left out."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    out, done = [], reader.line_num
    for row in reader:
        start = done + 1
        done = reader.line_num
        if row and (len(row) > 1 or row[0].strip()):
            out.append((start, row))
    return out


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows, ending=endings, block=st.integers(min_value=5, max_value=60), last_end=st.booleans())
def test_blocks_and_lines_agree_with_csv_reader(tmp_path_factory, monkeypatch, data, ending, block, last_end):
    """Any mix of quoted line breaks, CR/CRLF/LF, U+2028 and blocks cut anywhere: same rows, same lines."""
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=ending).writerows([["h1", "h2", "h3", "h4"], *data])
    text = buf.getvalue() if last_end else buf.getvalue()[:-len(ending)]
    path = tmp_path_factory.mktemp("b") / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    with monkeypatch.context() as m:
        m.setattr(csv_common, "CHUNK_TEXT", block)  # blocks end anywhere: mid-line, between CR and LF
        got = [(line, row) for lines, part in CsvReader(path).chunks(7) for line, row in zip(lines, part)]
    assert got == _reference(text)


def test_a_crlf_split_between_two_blocks_is_one_line_end(tmp_path, monkeypatch):
    """A block that ends between CR and LF does not make an empty line (line numbers stay right)."""
    text = "a,b\r\n" + "".join(f"{i},x\r\n" for i in range(50))
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    monkeypatch.setattr(csv_common, "CHUNK_TEXT", 4)
    got = [(line, row) for lines, part in CsvReader(path).chunks(100) for line, row in zip(lines, part)]
    assert got == [(i + 2, [str(i), "x"]) for i in range(50)]


def test_a_crlf_after_a_lone_cr_at_a_block_end_is_one_line_end(tmp_path, monkeypatch):
    """CR, then CRLF, cut after the first CR: two line ends, not three (found by the property above)."""
    text = "h1,h2,h3,h4\n,,,a\r\r\n,"
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    for block in range(3, 12):
        monkeypatch.setattr(csv_common, "CHUNK_TEXT", block)
        got = [(line, row) for lines, part in CsvReader(path).chunks(7) for line, row in zip(lines, part)]
        assert got == _reference(text) == [(2, ["", "", "", "a"]), (4, ["", ""])], block


def test_a_long_unfinished_line_after_an_other_line_break_is_read_in_linear_time(tmp_path):
    """U+001E (or any break csv.reader does not know) then a 1M-character cell: refused for its size at once.

    The block's lines were found by a pattern tried at every character of the
    unfinished last line, each time to its end: a 2 MB file took over ten minutes.
    """
    path = tmp_path / "f.csv"
    path.write_bytes(("actor,evidence\r\n\x1e,x\r\n" + 'sadr,"' + "y" * (1 << 20)).encode("utf-16"))
    with pytest.raises(ImportFailed, match="longer than"):
        list(CsvReader(path).chunks(7))
