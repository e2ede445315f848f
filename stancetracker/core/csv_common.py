"""Reading CSV files defensively, line numbers kept; the record CSV layout."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
from collections.abc import Iterator, Sequence
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
    decoding: str = ""
    total_bytes: int = 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (line number, cells) for each data row, after reading the header."""
        for lines, rows in self.chunks(256):
            yield from zip(lines, rows)

    def chunks(self, size: int) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        """Data rows in lists of up to ``size``, each with the lines its rows start on.

        Files are parsed a chunk at a time at C speed: no Python code runs per
        line or per row. Anything wrong with the file itself (a byte the
        encoding cannot decode, a NUL byte, broken quoting) stops the fast
        reading, and the file is read again line by line to name the exact
        line; such a problem is fatal to an import, so the second reading
        only happens when the file is refused.
        """
        self.total_bytes = self.path.stat().st_size if self.path.exists() else 0
        with self._open() as raw, self._text(raw, careful=False) as lines:
            try:
                yield from self._parse(lines, size, raw)
                return
            except (UnicodeDecodeError, _NulFound, _BadQuoting):
                pass
        self._locate_problem()

    def _open(self):
        path = self.path
        try:
            return open(path, "rb")
        except FileNotFoundError:
            raise ImportFailed(str(path), [RowProblem(0, "", "no such file")]) from None
        except IsADirectoryError:
            raise ImportFailed(str(path), [RowProblem(0, "", "is a folder, not a CSV file")]) from None
        except OSError as err:
            raise ImportFailed(str(path), [RowProblem(0, "", f"cannot read the file ({err.strerror})")]) from None

    @contextlib.contextmanager
    def _text(self, raw, careful: bool) -> Iterator[Iterator[str]]:
        """The file's lines as text: UTF-16 with a BOM, the encoding asked for, else UTF-8."""
        head = raw.read(4)
        raw.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.decoding = "UTF-16"
        elif self.encoding and _codec(self.path, self.encoding) != "utf-8":
            self.decoding = self.encoding
        else:
            self.decoding = ""
            if head.startswith(codecs.BOM_UTF8):
                raw.read(3)
            if careful:
                yield self._lines(raw)
                return
            # NUL bytes are looked for a block at a time as the file is read.
            with io.TextIOWrapper(io.BufferedReader(_NulGuard(raw), _READ_SIZE), encoding="utf-8",
                                  newline="") as text:
                yield text
            return
        with io.TextIOWrapper(raw, encoding="utf-16" if self.decoding == "UTF-16" else self.decoding,
                              newline="") as text:
            yield self._text_lines(text)

    def _parse(self, lines: Iterator[str], size: int, raw) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFailed(str(self.path), [RowProblem(1, "", "the file is empty")]) from None
        except csv.Error:
            raise _BadQuoting from None
        self._check_header(header)
        done = reader.line_num
        while True:
            try:
                rows = list(itertools.islice(reader, size))
            except csv.Error:
                raise _BadQuoting from None  # which row failed is not known here
            if not rows:
                break
            after = reader.line_num
            lines: Sequence[int] = range(done + 1, done + 1 + len(rows))
            if after - done != len(rows):  # some row spans several lines
                lines = _line_starts(done + 1, rows)
            done = after
            if min(map(len, rows)) <= 1:
                keep = [i for i, row in enumerate(rows) if row and (len(row) > 1 or row[0].strip())]
                rows, lines = [rows[i] for i in keep], [lines[i] for i in keep]
            self.bytes_read = raw.tell()
            if rows:
                yield lines, rows
        self.bytes_read = self.total_bytes

    def _check_header(self, header: list[str]) -> None:
        if len(header) > MAX_COLUMNS:
            raise ImportFailed(str(self.path), [RowProblem(1, "", f"the header has {len(header):,} columns; "
                                                     f"at most {MAX_COLUMNS:,} are accepted")])
        self.header = [h.strip().lstrip("\ufeff") for h in header]

    # -- the careful reading, which names the line of a problem -----------------
    def _locate_problem(self) -> None:
        """Read the file row by row and raise ImportFailed naming the line of its first problem."""
        path = self.path
        with self._open() as raw, self._text(raw, careful=True) as lines:
            reader = csv.reader(lines, strict=True)
            last_line = 0
            try:
                self._check_header(next(reader))
                last_line = reader.line_num
                for _row in reader:
                    last_line = reader.line_num
            except StopIteration:
                raise ImportFailed(str(path), [RowProblem(1, "", "the file is empty")]) from None
            except csv.Error as err:
                msg = str(err)
                msg = (f"a cell is longer than {MAX_CELL:,} characters" if "field larger" in msg
                       else f"unreadable CSV ({msg})")
                raise ImportFailed(str(path), [RowProblem(last_line + 1, "", msg)]) from None
            except UnicodeDecodeError as err:
                raise ImportFailed(str(path), [RowProblem(
                    last_line + 1, "", f"cannot be decoded as {self.decoding} ({err.reason})")]) from None
        raise ImportFailed(str(path), [RowProblem(0, "", "the file changed while it was read")])

    def _lines(self, raw) -> Iterator[str]:
        lineno = 0
        for line in raw:
            lineno += 1
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

    def _text_lines(self, text) -> Iterator[str]:
        for lineno, line in enumerate(text, 1):
            if "\x00" in line:
                raise _nul(self.path, lineno)
            yield line


_READ_SIZE = 1 << 20


class _BadQuoting(Exception):
    """The csv module could not parse a row (the careful reading names its line)."""


class _NulFound(Exception):
    """A NUL byte in a file read as UTF-8 (the careful reading names its line)."""


class _NulGuard(io.RawIOBase):
    """A binary file that refuses NUL bytes as it is read, a block at a time at C speed.

    Python 3.11's csv module accepts NUL in cells; a NUL in a CSV file means
    a binary file or a wrong encoding, so it is refused before parsing.
    """

    def __init__(self, raw):
        self.raw = raw
        self.block = bytearray(_READ_SIZE)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), len(self.block))
        n = self.raw.readinto(memoryview(self.block)[:size])
        if n and self.block.find(b"\x00", 0, n) >= 0:
            raise _NulFound
        buffer[:n] = memoryview(self.block)[:n]
        return n


def _line_starts(first: int, rows: list[list[str]]) -> list[int]:
    """The line each row starts on, counting the line breaks inside quoted cells.

    Lines end at LF, CRLF or a lone CR, as the text reader splits them.
    """
    starts = []
    line = first
    for row in rows:
        starts.append(line)
        cells = "\x00".join(row)  # a separator, so a CR ending one cell and an LF starting the next count twice
        line += 1 + cells.count("\n") + cells.count("\r") - cells.count("\r\n")
    return starts


def _nul(path: Path, line: int) -> ImportFailed:
    return ImportFailed(str(path), [RowProblem(line, "", "the line contains a NUL byte (is this a binary file?)")])


def _codec(path: Path, encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ImportFailed(str(path), [RowProblem(0, "", f"unknown encoding {encoding!r}")]) from None
