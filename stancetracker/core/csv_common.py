"""Reading CSV files defensively, line numbers kept; the record CSV layout."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ImportFailed, RowProblem

EXPORT_COLUMNS = (
    "uuid", "actor", "actor_slug", "dimension", "dimension_slug", "date", "date_precision", "score",
    "score_label", "confidence", "source_title", "source_url", "source_published", "locator",
    "evidence", "coder", "created_at", "updated_at", "version",
)
MAX_COLUMNS = 1000
# Python's csv module refuses larger cells; keeping its limit bounds memory.
MAX_CELL = 131_072
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unneutralise(cell: str) -> str:
    """Undo the export's formula guard: a leading apostrophe before = + - @ tab CR."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r'":
        return cell[1:]
    return cell


@dataclass
class CsvReader:
    """Rows of a CSV file with the line each starts on; problems raise ImportFailed."""

    path: Path
    encoding: str | None = None
    header: list[str] = field(default_factory=list)
    bytes_read: int = 0
    total_bytes: int = 0

    def _lines(self, raw) -> Iterator[str]:
        lineno = 0
        for line in raw:
            lineno += 1
            self.bytes_read += len(line)
            if b"\x00" in line:
                raise _nul(self.path, lineno)
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as err:
                bad = line[err.start]
                col = len(line[:err.start].decode("utf-8", "replace")) + 1
                raise ImportFailed(str(self.path), [RowProblem(
                    lineno, "", f"not valid UTF-8 (byte 0x{bad:02X} at character {col}); save the file "
                    "as UTF-8, or name its encoding (e.g. --encoding latin-1)")]) from None

    def _counting(self, text) -> Iterator[str]:
        n = 0
        for line in text:
            n += 1
            if n & 0xFFF == 0:  # the progress bar needs bytes read, not exactly
                self.bytes_read = text.buffer.tell()
            yield line
        self.bytes_read = self.total_bytes

    def _text_lines(self, text) -> Iterator[str]:
        for lineno, line in enumerate(text, 1):
            if "\x00" in line:
                raise _nul(self.path, lineno)
            yield line

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (line number, cells) for each data row, after reading the header."""
        path = self.path
        try:
            raw = open(path, "rb")
        except FileNotFoundError:
            raise ImportFailed(str(path), [RowProblem(0, "", "no such file")]) from None
        except IsADirectoryError:
            raise ImportFailed(str(path), [RowProblem(0, "", "is a folder, not a CSV file")]) from None
        except OSError as err:
            raise ImportFailed(str(path), [RowProblem(0, "", f"cannot read the file ({err.strerror})")]) from None
        with contextlib.ExitStack() as stack:
            stack.enter_context(raw)
            wrap = lambda enc: stack.enter_context(io.TextIOWrapper(raw, encoding=enc, newline=""))
            self.total_bytes = path.stat().st_size
            head = raw.read(4)
            raw.seek(0)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                lines: Iterator[str] = self._text_lines(wrap("utf-16"))
            elif self.encoding and _codec(self.path, self.encoding) != "utf-8":
                lines = self._text_lines(wrap(self.encoding))
            else:
                # Check the bytes once at C speed (NUL bytes, invalid UTF-8) so the
                # parse itself can run through the fast text decoder; a problem is
                # reported with its line number by the slow per-line reader.
                bad_at = _first_bad_byte(raw)
                raw.seek(0)
                if head.startswith(codecs.BOM_UTF8):
                    raw.read(3)
                    self.bytes_read = 3
                if bad_at is None:
                    lines = self._counting(wrap("utf-8"))
                else:
                    lines = self._lines(raw)
            reader = csv.reader(lines, strict=True)
            last_line = 0
            try:
                try:
                    header = next(reader)
                except StopIteration:
                    raise ImportFailed(str(path), [RowProblem(1, "", "the file is empty")]) from None
                last_line = reader.line_num
                if len(header) > MAX_COLUMNS:
                    raise ImportFailed(str(path), [RowProblem(1, "", f"the header has {len(header):,} columns; "
                                                          f"at most {MAX_COLUMNS:,} are accepted")])
                self.header = [h.strip().lstrip("\ufeff") for h in header]
                for row in reader:
                    start = last_line + 1
                    last_line = reader.line_num
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue  # blank line
                    yield start, row
            except csv.Error as err:
                msg = str(err)
                if "field larger" in msg:
                    msg = f"a cell is longer than {MAX_CELL:,} characters"
                elif "NUL" in msg:
                    msg = "the line contains a NUL byte (is this a binary file?)"
                else:
                    msg = f"unreadable CSV ({msg})"
                raise ImportFailed(str(path), [RowProblem(last_line + 1, "", msg)]) from None
            except UnicodeDecodeError as err:
                raise ImportFailed(str(path), [RowProblem(
                    last_line + 1, "", f"cannot be decoded as {self.encoding or 'UTF-16'} ({err.reason})")]) from None


def _nul(path: Path, line: int) -> ImportFailed:
    return ImportFailed(str(path), [RowProblem(line, "", "the line contains a NUL byte (is this a binary file?)")])


def _codec(path: Path, encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ImportFailed(str(path), [RowProblem(0, "", f"unknown encoding {encoding!r}")]) from None


def _first_bad_byte(raw, chunk_size: int = 16 << 20) -> int | None:
    """Offset of a chunk holding a NUL byte or invalid UTF-8, or None if the file is clean."""
    offset = 0
    carry = b""
    while True:
        chunk = raw.read(chunk_size)
        if not chunk:
            break
        data = carry + chunk
        if b"\x00" in data:
            return offset
        cut = data.rfind(b"\n") + 1 if len(chunk) == chunk_size else len(data)
        try:
            data[:cut].decode("utf-8")
        except UnicodeDecodeError:
            return offset
        carry = data[cut:]
        offset += cut
    return None
