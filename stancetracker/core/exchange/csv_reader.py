"""Reading CSV files defensively, line numbers kept; the record CSV layout."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import operator
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stancetracker.core.exchange.encodings import codec_name, describe, guess_encoding, wide_without_mark
from stancetracker.core.model.errors import ImportFailed, RowProblem
from stancetracker.core.model.fields import CSV_COLUMNS
from stancetracker.core.model.text import without_format_chars

EXPORT_COLUMNS = CSV_COLUMNS  # the record layout's header, from the one list of fields
MAX_COLUMNS = 1000
# Python's csv module refuses larger cells; keeping its limit bounds memory.
MAX_CELL = 131_072
# A row (all its lines) may hold this many characters: a record row of our
# layout is under 30,000, so only a broken or hostile file comes near it.
MAX_ROW_TEXT = 2_000_000
# What one chunk of rows may read: a few MB of rows in memory at a time,
# and 5,000 rows of our 19 columns fit, so record imports keep their chunks.
CHUNK_TEXT = 4_000_000
CHUNK_CELLS = 100_000


def unneutralise(cell: str) -> str:
    """Undo the export's formula guard: a leading apostrophe before = + - @ tab CR."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r'":
        return cell[1:]
    return cell


@dataclass
class CsvReader:
    """Rows of a CSV file with the line each starts on; problems raise ImportFailed.

    Reading is bounded whatever the file holds: no row past MAX_ROW_TEXT
    characters or MAX_COLUMNS cells, and each chunk of rows stops after
    CHUNK_TEXT characters or CHUNK_CELLS cells, so memory never depends on
    how the file is shaped.
    """

    path: Path
    encoding: str | None = None
    header: list[str] = field(default_factory=list)
    bytes_read: int = 0
    decoding: str = ""
    total_bytes: int = 0
    # The export marks a file written without the formula guard (see csv_export.UNGUARDED_MARK).
    unguarded: bool = False
    # The cell separator: None sniffs it from the header line (comma, semicolon or tab; see sniff_delimiter).
    delimiter: str | None = None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (line number, cells) for each data row, after reading the header."""
        for lines, rows in self.chunks(256):
            yield from zip(lines, rows)

    def chunks(self, size: int) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        """Data rows in lists of up to ``size``, each with the lines its rows start on.

        Files are parsed a chunk at a time at C speed: only a line's bounds
        are checked in Python. Anything wrong with the file itself (a byte
        the encoding cannot decode, a NUL byte, broken quoting, a row too
        long) stops the fast reading, and the file is read again line by line
        to name the exact line; such a problem is fatal to an import, so the
        second reading only happens when the file is refused.
        """
        self.total_bytes = self.path.stat().st_size if self.path.exists() else 0
        with self._open() as raw, self._text(raw, careful=False) as text:
            try:
                yield from self._parse(_Source(text), size, raw)
                return
            except (UnicodeDecodeError, _NulFound, _BadQuoting, _RowTooLong):
                pass
        self._locate_problem()

    def _open(self):
        path = self.path
        try:
            mode = os.stat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                # A FIFO or device could block, never end, or not be read twice (the careful reading).
                raise ImportFailed(str(path), [RowProblem(0, "", "is not a regular file (a pipe or a device); "
                                                                 "save the data to a file and import that")])
            fh = open(path, "rb")
            if stat.S_ISREG(mode) and fh.read(16) == b"SQLite format 3\x00":
                fh.close()  # a database given to import (its own, or one to merge) is no CSV with a NUL byte
                raise ImportFailed(str(path), [RowProblem(0, "", "is an SQLite database, not a CSV file; to bring "
                                                                 "in another database's records use 'stancetracker "
                                                                 "merge'")])
            fh.seek(0)
            return fh
        except FileNotFoundError:
            raise ImportFailed(str(path), [RowProblem(0, "", "no such file")]) from None
        except IsADirectoryError:
            raise ImportFailed(str(path), [RowProblem(0, "", "is a folder, not a CSV file")]) from None
        except OSError as err:
            raise ImportFailed(str(path), [RowProblem(0, "", f"cannot read the file ({err.strerror})")]) from None

    @contextlib.contextmanager
    def _text(self, raw, careful: bool) -> Iterator[io.TextIOWrapper]:
        """The file as text: UTF-16 with a BOM, the encoding asked for, else UTF-8.

        Lines end at LF, CRLF or a lone CR. The careful reading decodes with
        ``surrogateescape``, so a byte the encoding cannot decode shows up on
        its own line as a lone surrogate rather than as an error raised
        thousands of lines later by a decoder reading ahead.
        """
        head = raw.read(_MARK_PEEK)
        raw.seek(0)
        # UTF-32's little-endian mark begins with UTF-16's, so it is looked for first.
        if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            self.decoding, codec = "UTF-32", "utf-32"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.decoding, codec = "UTF-16", "utf-16"
        elif self.encoding and _codec(self.path, self.encoding) not in ("utf-8", "utf-8-sig"):
            self.decoding = codec = _codec(self.path, self.encoding)
        else:
            self.decoding, codec = "UTF-8", "utf-8"
            if head.startswith(codecs.BOM_UTF8):
                raw.read(3)
                head = head[3:]
        # Only the first cell quoted: a program that quotes every cell (R's write.csv,
        # QUOTE_ALL) writes '"uuid","actor"', and its copy of a guarded export keeps the guard.
        self.unguarded = (codec == "utf-8" and head.startswith(UNGUARDED_MARK)
                          and head[len(UNGUARDED_MARK):len(UNGUARDED_MARK) + 1] not in (b'"', b""))
        with io.TextIOWrapper(raw, encoding=codec, errors="surrogateescape" if careful else "strict",
                              newline="") as text:
            yield text

    def _parse(self, source: "_Source", size: int, raw) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        self._sniff(source)
        feed = _LineFeed(source.readline)
        reader = csv.reader(feed, strict=True, delimiter=self.delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFailed(str(self.path), [RowProblem(1, "", "the file is empty")]) from None
        except csv.Error:
            raise _BadQuoting from None
        self._check_header(header)
        width = len(header)
        size = max(1, min(size, CHUNK_CELLS // max(width, 1)))
        done = yield from self._parse_blocks(source, size, raw, reader.line_num)
        yield from self._parse_lines(reader, feed, size, raw, done - reader.line_num, width)

    def _parse_blocks(self, source: "_Source", size: int, raw, done: int):
        """Rows from blocks of whole lines parsed at C speed, while every row is one line; returns lines read.

        A line with an odd number of quotes may open a cell that goes on to the
        next line: from there on the file is read line by line (_parse_lines),
        which bounds rows of many lines.
        """
        while True:
            lines = source.block()
            if not lines:
                break
            if source.quoted and any(map(_ODD.__and__, map(_count_quotes, lines))):
                source.push_back(lines)
                break
            if max(map(len, lines)) >= MAX_ROW_TEXT:
                raise _RowTooLong
            try:
                rows = list(csv.reader(lines, strict=True, delimiter=self.delimiter))
            except csv.Error:
                raise _BadQuoting from None
            if len(rows) != len(lines):  # pragma: no cover - even quotes keep each row on its line
                raise _BadQuoting
            starts = range(done + 1, done + 1 + len(lines))
            done += len(lines)
            widths = list(map(len, rows))
            if max(widths) > MAX_COLUMNS:
                line = starts[next(i for i, n in enumerate(widths) if n > MAX_COLUMNS)]
                raise self._too_wide(line, len(self.header))
            if min(widths) <= 1:
                keep = [i for i, row in enumerate(rows) if row and (len(row) > 1 or row[0].strip())]
                rows, starts = [rows[i] for i in keep], [starts[i] for i in keep]
            # A chunk never holds more than one block's text (CHUNK_TEXT) or `size` rows.
            self.bytes_read = raw.tell()
            for at in range(0, len(rows), size):
                yield starts[at:at + size], rows[at:at + size]
        return done

    def _sniff(self, source: "_Source") -> None:
        """Choose the delimiter from the header line alone (the rows are then read at C speed with it)."""
        if self.delimiter is None:
            first = source.readline(MAX_ROW_TEXT)
            if first:
                source.push_back([first])
            self.delimiter = sniff_delimiter(first)

    def _too_wide(self, line: int, width: int) -> ImportFailed:
        return ImportFailed(str(self.path), [RowProblem(line, "", (
            f"has more than {MAX_COLUMNS:,} cells (the header has {width:,}); "
            "is this a CSV file with commas between its cells?"))])

    def _parse_lines(self, reader, feed: "_LineFeed", size: int, raw, offset: int,
                     width: int) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        """Rows read line by line with each line's bounds checked (rows may span lines); ``offset``: lines read before."""
        done = offset + reader.line_num
        while True:
            rows: list[list[str]] = []
            feed.start(rows)
            try:
                rows.extend(itertools.islice(reader, size))
            except _ChunkFull:  # the rows read so far are whole; the next row's first line waits in feed
                pass
            except csv.Error:
                raise _BadQuoting from None  # which row failed is not known here
            if not rows:
                break
            after = offset + reader.line_num
            lines: Sequence[int] = range(done + 1, done + 1 + len(rows))
            if after - done != len(rows):  # some row spans several lines
                lines = _line_starts(done + 1, rows)
            done = after
            widths = list(map(len, rows))
            if max(widths) > MAX_COLUMNS:
                raise self._too_wide(lines[next(i for i, n in enumerate(widths) if n > MAX_COLUMNS)], width)
            if min(widths) <= 1:
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
        seen: dict[str, str] = {}
        for h in self.header:
            key = column_key(h)
            if key in seen and h:
                first = seen[key]
                same = "twice" if first == h else f"twice, as {first[:40]!r} and {h[:40]!r}"
                raise ImportFailed(str(self.path), [RowProblem(1, h[:40], (
                    f"the column appears {same} (column names are compared ignoring case, surrounding "
                    "space and Unicode form); keep one of them"))])
            seen.setdefault(key, h)

    # -- the careful reading, which names the line of a problem -----------------
    def _locate_problem(self) -> None:
        """Read the file row by row and raise ImportFailed naming the line of its first problem."""
        path = self.path
        with self._open() as raw, self._text(raw, careful=True) as text:
            physical = _CarefulLines(self, text, raw)
            feed = _LineFeed(physical.readline)
            reader = csv.reader(feed, strict=True, delimiter=self.delimiter or ",")
            last_line = 0
            try:
                self._check_header(next(reader))
                last_line = reader.line_num
                feed.start([])
                for _row in reader:
                    last_line = reader.line_num
                    feed.start([])
            except StopIteration:
                raise ImportFailed(str(path), [RowProblem(1, "", "the file is empty")]) from None
            except _RowTooLong:
                raise ImportFailed(str(path), [RowProblem(last_line + 1, "", (
                    f"the row is longer than {MAX_ROW_TEXT:,} characters (is a quote left open?)"))]) from None
            except csv.Error as err:
                msg = str(err)
                msg = (f"a cell is longer than {MAX_CELL:,} characters" if "field larger" in msg
                       else f"unreadable CSV ({msg})")
                raise ImportFailed(str(path), [RowProblem(last_line + 1, "", msg)]) from None
        raise ImportFailed(str(path), [RowProblem(0, "", "the file changed while it was read")])


class _CarefulLines:
    """The careful reading's lines, each checked for NUL bytes and undecodable bytes with its line number."""

    def __init__(self, reader: CsvReader, text: io.TextIOWrapper, raw):
        self.reader, self.text, self.raw = reader, text, raw
        self.lineno = 0

    def readline(self, limit: int) -> str:
        line = self.text.readline(limit)
        if not line:
            return line
        self.lineno += 1
        if "\x00" in line:
            hint = _utf16_hint(line.encode("utf-8", "surrogateescape")) if self.reader.decoding == "UTF-8" else ""
            raise _nul(self.reader.path, self.lineno, hint)
        bad = _ESCAPED.search(line)
        if bad:
            raise self.undecodable(line, bad.start())
        return line

    def undecodable(self, line: str, at: int) -> ImportFailed:
        byte = ord(line[at]) - 0xDC00
        where = f"byte 0x{byte:02X} at character {at + 1}"
        path = self.reader.path
        if self.reader.decoding != "UTF-8":
            return ImportFailed(str(path), [RowProblem(self.lineno, "", (
                f"cannot be decoded as {self.reader.decoding} ({where}); name the file's own encoding "
                "with --encoding"))])
        self.raw.seek(0)
        # The bad line may lie past the sample, so it is added then (on a line of
        # its own, or its first byte would join the sample's last into one "word");
        # a sample that holds the whole file holds it already, and counting it twice skews the guess.
        sample = self.raw.read(_SAMPLE)
        if len(sample) == _SAMPLE:
            sample += b"\n" + line.encode("utf-8", "surrogateescape")
        guess = guess_encoding(sample)
        if guess == "utf-8":  # another encoding would garble every name the file holds
            advice = ("the rest of the file is UTF-8, so this byte is damaged or stray: correct it "
                      "(another --encoding would garble the file's other text)")
        elif guess:
            advice = f"it looks like {describe(guess)}: import it with --encoding {guess}, or save it as UTF-8"
        else:
            advice = ("save it as UTF-8, or name its encoding with --encoding "
                      "(e.g. cp1256 for Windows Arabic, cp1252 for Windows Western European)")
        return ImportFailed(str(path), [RowProblem(self.lineno, "", f"not valid UTF-8 ({where}); {advice}")])


_count_quotes = operator.methodcaller("count", '"')
_ODD = 1  # _ODD.__and__(n): n is odd
# Line ends as the csv module knows them (newline=""): LF, CRLF, a lone CR.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")
# Characters str.splitlines also breaks at, which are ordinary text to a CSV file.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class _Source:
    """The text a CSV file holds, as whole lines: one at a time, or a block of them read at C speed."""

    def __init__(self, text: io.TextIOWrapper):
        self.text = text
        self.pending: list[str] = []  # lines handed back, read again first
        self.carry = ""  # the start of a line whose end the next block holds
        self.quoted = True  # whether the last block held a quote at all

    def readline(self, limit: int) -> str:
        if self.pending:
            return self.pending.pop()
        if self.carry:
            line, self.carry = self.carry + self.text.readline(max(1, limit - len(self.carry))), ""
            return line
        return self.text.readline(limit)

    def push_back(self, lines: list[str]) -> None:
        self.pending.extend(reversed(lines))

    def block(self) -> list[str]:
        """The next whole lines, about CHUNK_TEXT characters of them; [] at the end of the file."""
        if self.pending:
            lines, self.pending = self.pending[::-1], []
            return lines
        read = self.text.read(CHUNK_TEXT)
        while read.endswith("\r"):  # a CRLF split between two reads is one line end
            more = self.text.read(1)  # (a run of CRs ends with the last one, which may be a CRLF's)
            read += more
            if not more:
                break
        if "\x00" in read:
            raise _NulFound
        if len(self.carry) + len(read) >= MAX_ROW_TEXT and "\n" not in read and "\r" not in read:
            raise _RowTooLong
        text, self.carry = self.carry + read, ""
        self.quoted = '"' in text
        if not read:  # the end of the file: what is left is its last line, without a line end
            return [text] if text else []
        if any(ch in text for ch in _OTHER_BREAKS):
            # Only up to the last line end: on an unfinished last line the pattern would be
            # tried at each of its characters, each time to its end (quadratic in its length).
            end = max(text.rfind("\n"), text.rfind("\r")) + 1
            lines = _LINE.findall(text, 0, end)
        else:
            lines = text.splitlines(keepends=True)
            if lines and not lines[-1].endswith(("\n", "\r")):
                lines.pop()  # the unfinished last line is carried (below)
        self.carry = text[sum(map(len, lines)):]
        return lines or self.block()


class _LineFeed:
    """The lines csv.reader parses, read with bounds (a reader's only Python code per line).

    No row may run past MAX_ROW_TEXT characters (_RowTooLong), and a chunk
    ends (_ChunkFull) at the first row boundary after CHUNK_TEXT
    characters. A request for a line is at a row boundary when the chunk's
    list of rows has grown since the last request: ``list.extend`` appends
    each row the reader returns before asking for the next.
    """

    def __init__(self, readline: Callable[[int], str]):
        self.readline = readline
        self.pending: str | None = None
        self.start([])

    def start(self, rows: list) -> None:
        """Count a new chunk, whose rows are appended to ``rows``."""
        self.rows, self.seen, self.used, self.row_start = rows, 0, 0, 0

    def __iter__(self) -> "_LineFeed":
        return self

    def __next__(self) -> str:
        line = self.pending
        if line is None:
            line = self.readline(MAX_ROW_TEXT)
            if not line:
                raise StopIteration
            if "\x00" in line:
                raise _NulFound
        else:
            self.pending = None
        if len(self.rows) != self.seen:  # the line starts a row
            self.seen = len(self.rows)
            if self.used >= CHUNK_TEXT:
                self.pending = line
                raise _ChunkFull
            self.row_start = self.used
        self.used += len(line)
        if self.used - self.row_start >= MAX_ROW_TEXT:
            raise _RowTooLong
        return line


# The first bytes of a file the export wrote without the formula guard: its
# first header cell quoted, which every CSV reader reads as plain uuid.
UNGUARDED_MARK = b'"uuid",'
_MARK_PEEK = 16
_SAMPLE = 256 << 10
_ESCAPED = re.compile("[\udc80-\udcff]")


class _BadQuoting(Exception):
    """The csv module could not parse a row (the careful reading names its line)."""


class _NulFound(Exception):
    """A NUL byte in the file (the careful reading names its line)."""


class _RowTooLong(Exception):
    """A row longer than MAX_ROW_TEXT characters (the careful reading names its line)."""


class _ChunkFull(Exception):
    """A chunk has read its share of text; the next row goes in the next chunk."""


DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def sniff_delimiter(header_line: str) -> str:
    """The delimiter a header line uses: of comma, semicolon and tab, the one most often outside quotes.

    A comma unless another is strictly more frequent, so a one-column header, or
    one whose names hold no separator at all, reads as before.
    """
    outside = "".join(header_line.split('"')[::2])  # text between quoted parts (a "" inside quotes splits evenly)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > counts[","] else ","


def parse_delimiter(text: str) -> str:
    """``--delimiter``: ``,`` ``;`` ``tab`` or ``\\t`` (or a tab character) as the delimiter."""
    value = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}.get(text.strip().lower(), text)
    if value not in DELIMITERS:
        raise ValueError(f"{text[:10]!r} is not a delimiter stancetracker reads; give , ; or tab")
    return value


def other_delimiter_hint(header: list[str], delimiter: str) -> str:
    """When a header is one column holding another delimiter: the message's hint (else "")."""
    if len(header) != 1:
        return ""
    for d, name in DELIMITERS.items():
        if d != delimiter and d in header[0]:
            option = "tab" if d == "\t" else repr(d)
            return (f"the header looks separated by {name}s, not {DELIMITERS.get(delimiter, delimiter)}s: "
                    f"import it with --delimiter {option}")
    return ""


def column_key(name: str) -> str:
    """The key under which two spellings of a column name are one column: case, outer space, Unicode form,
    invisible characters."""
    return without_format_chars(unicodedata.normalize("NFKC", name)).strip().casefold()


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


def _nul(path: Path, line: int, hint: str = "") -> ImportFailed:
    return ImportFailed(str(path), [RowProblem(line, "", hint or "the line contains a NUL byte (is this a binary file?)")])


def _utf16_hint(data: bytes) -> str:
    """A message for a line of UTF-16 or UTF-32 read as UTF-8 (NULs between its letters), else ""."""
    codec = wide_without_mark(data)
    if codec is None:
        return ""
    return (f"the line contains NUL bytes between its letters: the file looks like {codec[:6].upper()} without a "
            f"byte-order mark; import it with --encoding {codec}, or save it as UTF-8")


def _codec(path: Path, encoding: str) -> str:
    codec = codec_name(encoding)
    if codec is None:
        raise ImportFailed(str(path), [RowProblem(0, "", (
            f"{encoding[:40]!r} is not a text encoding a file can be read in "
            "(e.g. utf-8, cp1256 for Windows Arabic, cp1252, utf-16)"))])
    return codec
