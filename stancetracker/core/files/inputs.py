"""Standard input as a file: ``import -`` reads a CSV piped in.

The importer reads a file twice when it refuses one (to name the bad line)
and measures it for progress, so the stream is first copied to a private
temporary file, bounded in size, removed when the import ends.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from stancetracker.core.model.errors import StanceError

STDIN = "-"
STDIN_NAME = "standard input"
# What standard input may hold; a bigger file is better imported from disk, where it need not be copied.
MAX_STDIN_BYTES = 2 << 30
_BLOCK = 1 << 20


class InputError(StanceError):
    """Standard input cannot be read as asked; nothing was imported."""


def is_stdin(path: Path | str) -> bool:
    """True for ``-`` (``./-`` as a string names a file)."""
    return str(path) == STDIN if isinstance(path, Path) else path == STDIN


@contextlib.contextmanager
def spooled(stream: BinaryIO | None, *, limit: int = MAX_STDIN_BYTES, name: str = "standard-input.csv") -> Iterator[Path]:
    """A private temporary copy of ``stream`` (standard input), removed afterwards.

    Refuses, in one line, a terminal (nothing was piped in) and a stream past ``limit`` bytes.
    """
    if stream is None:
        raise InputError(f"{STDIN_NAME} is closed; pipe a CSV file into it — nothing was imported")
    with contextlib.suppress(AttributeError, ValueError, OSError):
        if stream.isatty():
            raise InputError(f"{STDIN_NAME} is a terminal: pipe a CSV file into it "
                             "(… | stancetracker import -), or give the file's name — nothing was imported")
    folder = Path(tempfile.mkdtemp(prefix="stancetracker-stdin-"))
    try:
        path = folder / name
        copied = 0
        with open(path, "wb") as out:
            while True:
                block = stream.read(_BLOCK)
                if not block:
                    break
                copied += len(block)
                if copied > limit:
                    raise InputError(f"{STDIN_NAME} holds more than {limit:,} bytes; save the data to a file and "
                                     "import that — nothing was imported")
                out.write(block)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["InputError", "MAX_STDIN_BYTES", "STDIN", "STDIN_NAME", "is_stdin", "spooled"]
