"""Line numbers across a block boundary that falls inside a run of line ends (CR CR LF)."""

from __future__ import annotations

import csv
import io

import pytest

from stancetracker.core.exchange import csv_reader
from stancetracker.core.exchange.csv_reader import CsvReader


@pytest.mark.parametrize("block", range(5, 30))
def test_cr_cr_lf_cut_anywhere_numbers_lines_as_csv_reader_does(tmp_path, monkeypatch, block):
    """A block ending after the first CR of CR CR LF once counted the CRLF as two lines."""
    text = 'h1,h2\n",",aaa\r\r\n,\nlast,x'
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    want, done = [], reader.line_num
    for row in reader:
        if row and (len(row) > 1 or row[0].strip()):
            want.append((done + 1, row))
        done = reader.line_num
    monkeypatch.setattr(csv_reader, "CHUNK_TEXT", block)
    got = [(line, row) for lines, rows in CsvReader(path).chunks(7) for line, row in zip(lines, rows)]
    assert got == want
