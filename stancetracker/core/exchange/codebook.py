"""The seed codebook's level texts: read from CODEBOOK.md, written into dimensions.csv's ``codebook`` column.

CODEBOOK.md is the one source of truth. Each dimension is a section ``2.x`` whose heading carries the slug in
backticks; its table ``| score | meaning | example from the articles |`` has a row per level −2 … +2 (Unicode
minus and plus signs, or ASCII). The CSV column holds the same meanings as ``-2: text`` … ``2: text`` lines,
the form ``Dimension.level_texts`` reads.

    python -m stancetracker.core.exchange.codebook seeds/CODEBOOK.md seeds/dimensions.csv           # check
    python -m stancetracker.core.exchange.codebook seeds/CODEBOOK.md seeds/dimensions.csv --write   # regenerate

The CSV is rewritten in place of itself (atomically, core/files/outputs.py), keeping its columns, quoting and
line endings; the markdown is only ever read.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
from pathlib import Path

from stancetracker.core.files.outputs import Guarded, open_output
from stancetracker.core.model.entities import Dimension
from stancetracker.core.model.errors import StanceError

LEVELS = (-2, -1, 0, 1, 2)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SECTION = re.compile(r"^2\.\d+\b.*?`([a-z0-9-]+)`")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


class CodebookError(StanceError):
    """The codebook's tables or the CSV cannot be read as they should be; nothing was written."""


def _cells(line: str) -> list[str]:
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(text)]


def _level(cell: str) -> int | None:
    text = cell.replace("\u2212", "-").replace("\u2013", "-").replace("+", "").strip()
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value in LEVELS else None


def _shown(level: int) -> str:
    return "0" if level == 0 else f"{level:+d}".replace("-", "\u2212")


def read_markdown(text: str, name: str = "CODEBOOK.md") -> dict[str, dict[int, str]]:
    """{dimension slug: {level: meaning}} from the codebook's tables; CodebookError names the line of a problem."""
    out: dict[str, dict[int, str]] = {}
    slug: str | None = None
    started: dict[str, int] = {}
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        heading = _HEADING.match(line)
        if heading:
            m = _SECTION.match(heading.group(2))
            slug = m.group(1) if m else (slug if len(heading.group(1)) > 3 else None)
            if m:
                if slug in out:
                    raise CodebookError(f"{name}: line {number}: dimension {slug!r} has a second section")
                out[slug], started[slug] = {}, number
            in_table = False
            continue
        if slug is None or not line.lstrip().startswith("|"):
            in_table = False
            continue
        cells = _cells(line)
        if [c.lower() for c in cells[:2]] == ["score", "meaning"]:
            if out[slug]:
                raise CodebookError(f"{name}: line {number}: a second score table for {slug!r}")
            in_table = True
            continue
        if not in_table or _RULE.match(line.strip()):
            continue
        level = _level(cells[0])
        if level is None:
            raise CodebookError(f"{name}: line {number}: {cells[0]!r} is not a level −2 … +2 ({slug!r})")
        if level in out[slug]:
            raise CodebookError(f"{name}: line {number}: level {cells[0]} of {slug!r} is given twice")
        if len(cells) < 2 or not cells[1]:
            raise CodebookError(f"{name}: line {number}: level {cells[0]} of {slug!r} has no meaning")
        out[slug][level] = " ".join(cells[1].split())
    for s, levels in out.items():
        missing = [lvl for lvl in LEVELS if lvl not in levels]
        if missing:
            raise CodebookError(f"{name}: line {started[s]}: dimension {s!r} has no row for level "
                                f"{_shown(missing[0])}")
    if not out:
        raise CodebookError(f"{name}: no dimension section (a '2.x' heading with its slug in backticks)")
    return {s: dict(sorted(levels.items())) for s, levels in out.items()}


def codebook_text(levels: dict[int, str]) -> str:
    """The CSV column's text of one dimension: ``-2: …`` to ``2: …``, one line a level."""
    return "\n".join(f"{lvl}: {levels[lvl]}" for lvl in sorted(levels))


def csv_levels(path: Path) -> dict[str, dict[int, str]]:
    """{slug: {level: meaning}} of dimensions.csv's ``codebook`` column, as the application reads it."""
    _text, _newline, header, rows = _read_csv(path)
    return {r["slug"]: Dimension(slug=r["slug"], label=r.get("label", "")).level_texts(r.get("codebook", ""))
            for r in (dict(zip(header, row)) for row in rows)}


def differences(markdown: dict[str, dict[int, str]], table: dict[str, dict[int, str]]) -> list[str]:
    """Where the CSV's level texts differ from the markdown's, in words (empty: they agree exactly)."""
    out = []
    for slug in sorted(set(markdown) | set(table)):
        if slug not in table:
            out.append(f"{slug}: in the codebook, not in the CSV")
        elif slug not in markdown:
            out.append(f"{slug}: in the CSV, not in the codebook")
        else:
            for lvl in sorted(set(markdown[slug]) | set(table[slug])):
                if markdown[slug].get(lvl) != table[slug].get(lvl):
                    out.append(f"{slug} {_shown(lvl)}: codebook {markdown[slug].get(lvl)!r} ≠ CSV "
                               f"{table[slug].get(lvl)!r}")
    return out


def _read_csv(path: Path) -> tuple[str, str, list[str], list[list[str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CodebookError(f"{path}: not UTF-8 ({err})") from None
    first_end = text.find("\n")
    newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or "slug" not in rows[0] or "codebook" not in rows[0]:
        raise CodebookError(f"{path}: line 1: a dimensions file needs the columns slug and codebook")
    return text, newline, rows[0], rows[1:]


def _write_rows(header: list[str], rows: list[list[str]], newline: str) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def regenerate(markdown_path: Path, csv_path: Path, *, write: bool = False) -> list[str]:
    """The differences between the codebook and the CSV; with ``write``, the CSV's column made the codebook's.

    The CSV keeps its layout: it must read back to the very same bytes when written unchanged, or nothing is
    written. The markdown is never written (a CSV path naming the same file is refused).
    """
    markdown_path, csv_path = Path(markdown_path), Path(csv_path)
    if csv_path.exists() and markdown_path.exists() and os.path.samefile(csv_path, markdown_path):
        raise CodebookError(f"{csv_path}: is the codebook itself; it is only ever read, so nothing was written")
    levels = read_markdown(markdown_path.read_text(encoding="utf-8"), markdown_path.name)
    text, newline, header, rows = _read_csv(csv_path)
    found = differences(levels, csv_levels(csv_path))
    if not write or not found:
        return found
    if _write_rows(header, rows, newline) != text:
        raise CodebookError(f"{csv_path}: its quoting or line endings are not the csv module's; rewriting it "
                            "would change more than the codebook column, so nothing was written")
    slug_at, book_at = header.index("slug"), header.index("codebook")
    missing = sorted(set(levels) - {row[slug_at] for row in rows if len(row) > slug_at})
    if missing:
        raise CodebookError(f"{csv_path}: no row for dimension {missing[0]!r} of the codebook; nothing was written")
    for row in rows:
        if len(row) > max(slug_at, book_at) and row[slug_at] in levels:
            row[book_at] = codebook_text(levels[row[slug_at]])
    with open_output(csv_path, protect=[Guarded(markdown_path, "the codebook it is generated from")],
                     option="the CSV") as fh:
        fh.write(_write_rows(header, rows, newline))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stancetracker.core.exchange.codebook",
                                     description="Check (or, with --write, regenerate) dimensions.csv's codebook "
                                                 "column from CODEBOOK.md's level tables.")
    parser.add_argument("markdown", type=Path)
    parser.add_argument("csv", type=Path)
    parser.add_argument("--write", action="store_true", help="rewrite the CSV's codebook column")
    args = parser.parse_args(argv)
    try:
        found = regenerate(args.markdown, args.csv, write=args.write)
    except (StanceError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for line in found:
        print(line)
    if args.write:
        print(f"{args.csv}: {'rewrote the codebook column' if found else 'already agrees with the codebook'}")
        return 0
    print("the CSV agrees with the codebook" if not found else f"{len(found)} level text(s) differ", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["CodebookError", "codebook_text", "csv_levels", "differences", "main", "read_markdown", "regenerate"]
