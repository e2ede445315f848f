"""Where a command's output may go: the one rule for every file stancetracker writes.

- ``-`` is standard output.
- A file the command reads, the open database, its ``-wal``, ``-shm`` and
  ``-journal`` files and its ``backups/`` folder are never written: the same
  file is recognised through symbolic links, hard links and other spellings
  of its path, and the command is refused before anything is written.
- Standard output, ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, an existing
  FIFO or character device are written to as they are, never replaced.
- Any other target is written to a ``.partial`` file beside the real file
  (a symbolic link is followed, and so kept), synced, and renamed over it;
  on any failure or interruption the ``.partial`` file is removed and the
  old file stays as it was.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from stancetracker.core.model.errors import StanceError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, so no sweeping of stale .partial files
    fcntl = None

STDOUT = "-"
# A .partial file unlocked for this long belongs to a writer that was killed.
STALE_AFTER = 10.0

_FD_PATH = re.compile(r"^/(?:dev/fd|proc/(?:self|thread-self|\d+)/fd)/(\d+)$")
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


class OutputError(StanceError):
    """An output that must not or cannot be written; nothing was changed under its name."""


@dataclass(frozen=True)
class Guarded:
    """A file no output may land on, or with ``folder`` a folder no output may land in."""

    path: Path
    what: str
    folder: bool = False


BACKUP_DIR = "backups"


def backup_dir(db_path: Path | str) -> Path:
    """The folder holding a database's backups (core/db/backups.py writes them, through this module)."""
    return Path(db_path).resolve().parent / BACKUP_DIR


def database_files(db_path: Path | str | None, *, backups: bool = True) -> list[Guarded]:
    """The database, the files SQLite keeps beside it and (with ``backups``) its backups folder."""
    if db_path is None or str(db_path) == ":memory:":
        return []
    names = list(dict.fromkeys([Path(db_path), Path(os.path.realpath(db_path))]))  # SQLite uses the real path
    out = [Guarded(p, "the database") for p in names]
    for p in names:
        out += [Guarded(Path(f"{p}-wal"), "the database's write-ahead log"),
                Guarded(Path(f"{p}-shm"), "the database's shared-memory file"),
                Guarded(Path(f"{p}-journal"), "the database's rollback journal")]
    if backups:
        out.append(Guarded(backup_dir(db_path), "the database's backups folder", folder=True))
    return out


def is_stdout(path: Path | str) -> bool:
    """True for ``-`` (``./-`` as a string names a file)."""
    return str(path) == STDOUT if isinstance(path, Path) else path == STDOUT


def to_stdout(path: Path | str) -> bool:
    """True when ``path`` writes to this process's standard output (``-``, ``/dev/stdout``, a link to it …)."""
    if is_stdout(path) or _std_fd(path) == 1:
        return True
    try:
        st = os.stat(path)
        return _identity(st) == _identity(os.fstat(1))
    except (OSError, ValueError):
        return False


def _identity(st: os.stat_result | None) -> tuple[int, int] | None:
    return (st.st_dev, st.st_ino) if st is not None else None


def _stat(path: Path | str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _in_folder(real: str, target_st: os.stat_result | None, g: Guarded) -> bool:
    folder = os.path.realpath(g.path)
    if real == folder or real.startswith(folder.rstrip(os.sep) + os.sep):
        return True
    ident = _identity(_stat(g.path))
    if ident is None:
        return False
    # The same folder reached by another path (a bind mount, say): compare each parent's identity.
    if target_st is not None and stat.S_ISDIR(target_st.st_mode) and _identity(target_st) == ident:
        return True
    return any(_identity(_stat(p)) == ident for p in Path(real).parents)


def guarded_by(path: Path | str, protect: Iterable[Guarded], st: os.stat_result | None = None) -> tuple[Guarded, bool] | None:
    """Which guarded file ``path`` is (and whether only through a link), or None if it may be written.

    ``st`` is the target's stat if known (a file descriptor's, say); the
    answer is the same for any path that reaches the same file.
    """
    real = os.path.realpath(path)
    if st is None:
        st = _stat(path)
    ident = _identity(st)
    absolute = os.path.abspath(path)
    parent = _identity(_stat(os.path.dirname(real) or "."))
    for g in protect:
        if g.folder:
            if _in_folder(real, st, g):
                return g, False
            continue
        greal = os.path.realpath(g.path)
        if absolute == os.path.abspath(g.path):
            return g, False
        if real == greal:
            return g, True
        if ident is not None and ident == _identity(_stat(g.path)):
            return g, True  # a hard link, or the file behind a /dev/fd path
        # Not there yet but the same name in the same folder reached another way.
        if (ident is None and os.path.basename(real) == os.path.basename(greal)
                and parent is not None and parent == _identity(_stat(os.path.dirname(greal) or "."))):
            return g, True
    return None


@dataclass
class _Target:
    """Where an output goes once the rule has been applied."""

    kind: str  # "stdout", "fd", "stream" (FIFO or character device) or "file"
    shown: str
    option: str
    fd: int | None = None
    real: Path | None = None
    mode: int | None = None  # an existing file's permissions, kept by its replacement

    def fail(self, reason: str) -> OutputError:
        return OutputError(f"{self.option} {self.shown}: {reason}" if self.option else f"{self.shown}: {reason}")


def _std_fd(path: Path | str) -> int | None:
    text = os.path.abspath(path) if str(path) else ""
    if text in _STD_NAMES:
        return _STD_NAMES[text]
    m = _FD_PATH.match(text)
    if m and (not text.startswith("/proc/") or text.split("/")[2] in ("self", "thread-self", str(os.getpid()))):
        return int(m[1])
    return None


def _refuse_guarded(t: _Target, hit: tuple[Guarded, bool] | None) -> None:
    if hit is None:
        return
    g, linked = hit
    if g.folder:
        raise t.fail(f"is in {g.what} ({g.path}); choose a file elsewhere — nothing was written")
    what = f"another name for {g.what} ({g.path})" if linked else g.what
    raise t.fail(f"is {what}; choose another file — nothing was written")


def _stdout_binary() -> IO[bytes]:
    out = sys.stdout
    return getattr(out, "buffer", out)


def plan_output(path: Path | str, *, protect: Iterable[Guarded] = (), option: str = "--output") -> _Target:
    """Apply the rule to ``path``; raises OutputError with one line if it must not or cannot be written."""
    protect = list(protect)
    shown = str(path)
    t = _Target("file", shown, option)
    if is_stdout(path):
        t.kind = "stdout"
        if sys.stdout is None:  # started with standard output closed
            raise t.fail("standard output is closed — nothing was written")
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            _refuse_guarded(t, guarded_by(f"/proc/self/fd/{_stdout_binary().fileno()}", protect,
                                          os.fstat(_stdout_binary().fileno())))
        return t
    if not shown:
        raise t.fail("no file name given")
    seps = tuple(c for c in (os.sep, os.altsep) if c)
    if shown.endswith(seps) or os.path.basename(shown) in (".", ".."):
        # The real path drops a trailing slash: the file would be written where the folder was meant.
        raise t.fail("names a folder, not a file; give the name of a file to write — nothing was written")
    fd = _std_fd(path)
    if fd is not None:
        try:
            st = os.fstat(fd)
        except OSError:
            raise t.fail(f"file descriptor {fd} is not open — nothing was written") from None
        _refuse_guarded(t, guarded_by(path, protect, st))
        if stat.S_ISDIR(st.st_mode):
            raise t.fail("is a folder — nothing was written")
        t.kind, t.fd = "fd", fd
        return t
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise t.fail(f"cannot be used ({reason}) — nothing was written") from None
    _refuse_guarded(t, guarded_by(path, protect, st))
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise t.fail("is a folder; give the name of a file to write — nothing was written")
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
            t.kind = "stream"
            return t
        if not stat.S_ISREG(st.st_mode):
            kind = "block device" if stat.S_ISBLK(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "special file"
            raise t.fail(f"is a {kind}, not a file — nothing was written")
    real = Path(os.path.realpath(path))
    folder = real.parent
    fst = _stat(folder)
    if fst is None or not stat.S_ISDIR(fst.st_mode):
        what = "does not exist" if fst is None else "is not a folder"
        raise t.fail(f"the folder {folder} {what} — nothing was written")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise t.fail(f"cannot write in the folder {folder} (permission denied) — nothing was written")
    if st is not None and not os.access(real, os.W_OK):
        raise t.fail("the file is read-only — nothing was written")
    t.real, t.mode = real, (stat.S_IMODE(st.st_mode) if st is not None else None)
    return t


def check_output(path: Path | str, *, protect: Iterable[Guarded] = (), option: str = "--output") -> None:
    """Refuse now, before any work, an output ``open_output`` would refuse."""
    plan_output(path, protect=protect, option=option)


def replace_target(path: Path | str) -> Path:
    """The file an atomic replacement of ``path`` renames onto: a symbolic link's target, so the link is kept."""
    return Path(os.path.realpath(path))


class _Sink(io.RawIOBase):
    """Unbuffered writes to one destination; a failed write becomes one line naming the output."""

    def __init__(self, write, target: _Target, keep_pipe_errors: bool = False):
        self._write = write
        self._target = target
        self._keep_pipe_errors = keep_pipe_errors

    def writable(self) -> bool:
        return True

    def discard(self) -> None:
        """Drop whatever the buffers above still hold (so closing them later writes nothing)."""
        self._write = len

    def write(self, data) -> int:
        try:
            n = self._write(data)
        except BrokenPipeError:
            if self._keep_pipe_errors:  # standard output piped into head: the CLI ends quietly
                raise
            raise self._target.fail("the program reading it stopped before the end") from None
        except OSError as err:
            raise self._target.fail(f"could not be written ({err.strerror or err})"
                                    + (f"; {self._target.real} was not changed" if self._target.real else "")) from None
        return len(data) if n is None else n


def _wrap(sink: _Sink, mode: str, encoding: str) -> IO:
    buffered = io.BufferedWriter(sink, 1 << 16)
    if "b" in mode:
        return buffered
    return io.TextIOWrapper(buffered, encoding=encoding, newline="")


@contextlib.contextmanager
def _stream(t: _Target) -> Iterator[_Sink]:
    """A sink writing to standard output, a file descriptor, a FIFO or a device, as it is."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    if t.kind == "stdout":
        out = _stdout_binary()
        sink = _Sink(out.write, t, keep_pipe_errors=True)
        try:
            yield sink
            out.flush()
        finally:
            sink.discard()
        return
    if t.kind == "fd":
        try:
            fd = os.dup(t.fd)
        except OSError as err:
            raise t.fail(f"cannot be written ({err.strerror}) — nothing was written") from None
    else:
        try:  # a FIFO waits here for its reader, as for any program writing to one
            fd = os.open(t.shown, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError as err:
            raise t.fail(f"cannot be opened for writing ({err.strerror}) — nothing was written") from None
    # Standard output by another name ends quietly too when its reader (head, say) has had enough.
    sink = _Sink(lambda data: os.write(fd, data), t, keep_pipe_errors=t.kind == "fd" and t.fd == 1)
    try:
        yield sink
    finally:
        sink.discard()
        os.close(fd)


def _short(name: str, limit: int = 120) -> str:
    """``name`` cut to ``limit`` bytes, so the .partial name stays within the file system's limit."""
    while len(os.fsencode(name)) > limit:
        name = name[:-1]
    return name


def _partial_prefix(real: Path) -> str:
    return f".{_short(real.name)}."


def _new_partial(t: _Target) -> tuple[int, Path]:
    try:
        fd, name = tempfile.mkstemp(prefix=_partial_prefix(t.real), suffix=".partial", dir=t.real.parent)
    except OSError as err:
        raise t.fail(f"cannot write in the folder {t.real.parent} ({err.strerror}) — nothing was written") from None
    if fcntl is not None:
        # Held while the file is written: a .partial file nobody holds is a killed writer's leftover.
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _sweep(t.real, Path(name))
    return fd, Path(name)


def _sweep(real: Path, mine: Path) -> None:
    """Remove the .partial files of ``real`` left by writers that were killed."""
    prefix = _partial_prefix(real)
    pattern = re.compile(re.escape(prefix) + r"[a-z0-9_]{8}\.partial$")
    with contextlib.suppress(OSError):
        entries = [e for e in os.scandir(real.parent) if pattern.match(e.name) and e.name != mine.name]
        for e in entries:
            with contextlib.suppress(OSError):
                if time.time() - e.stat(follow_symlinks=False).st_mtime < STALE_AFTER or not e.is_file(follow_symlinks=False):
                    continue
                fd = os.open(e.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    os.unlink(e.path)
                finally:
                    os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); a folder that cannot be opened is left as it is."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _put_in_place(t: _Target, tmp: Path) -> None:
    """Rename a complete, synced ``tmp`` over the target (keeping its permissions)."""
    try:
        # mkstemp makes the file private (0600); a new output gets what open() would give it.
        os.chmod(tmp, t.mode if t.mode is not None else 0o666 & ~_umask())
        os.replace(tmp, t.real)
    except OSError as err:
        raise t.fail(f"could not be put in place ({err.strerror}); {t.real} was not changed") from None
    fsync_dir(t.real.parent)


def _umask() -> int:
    """This process's umask, read without changing it where the system tells it."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it, at once put back
    os.umask(mask)
    return mask


@contextlib.contextmanager
def open_output(path: Path | str, *, mode: str = "w", protect: Iterable[Guarded] = (),
                option: str = "--output", encoding: str = "utf-8") -> Iterator[IO]:
    """A file object for an output; it is committed when the block ends cleanly, discarded if it raises.

    ``mode`` is "w" (text, no newline translation, as csv wants) or "wb".
    ``protect`` lists what must not be written (see ``database_files``);
    ``option`` names the option in messages.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode {mode!r}: use 'w' or 'wb'")
    t = plan_output(path, protect=protect, option=option)
    if t.kind != "file":
        with _stream(t) as sink:
            fh = _wrap(sink, mode, encoding)
            yield fh
            fh.flush()
        return
    fd, tmp = _new_partial(t)
    raw = os.fdopen(fd, "wb", buffering=0)
    sink = _Sink(raw.write, t)
    try:
        fh = _wrap(sink, mode, encoding)
        yield fh
        fh.flush()
        _sync(t, raw)
        raw.close()
        _put_in_place(t, tmp)
    except BaseException:
        sink.discard()
        raw.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _sync(t: _Target, fh) -> None:
    try:
        os.fsync(fh.fileno())
    except OSError as err:
        raise t.fail(f"could not be written ({err.strerror}); {t.real} was not changed") from None


@contextlib.contextmanager
def output_path(path: Path | str, *, protect: Iterable[Guarded] = (), option: str = "--output") -> Iterator[Path]:
    """A fresh file name for writers that need one (SQLite); committed like ``open_output``.

    For standard output, a FIFO or a device the file is made in a private
    temporary folder and its bytes are written to the target at the end.
    """
    t = plan_output(path, protect=protect, option=option)
    if t.kind != "file":
        folder = Path(tempfile.mkdtemp(prefix="stancetracker-"))
        try:
            tmp = folder / "output"
            yield tmp
            with open(tmp, "rb") as src, _stream(t) as sink:
                fh = _wrap(sink, "wb", "utf-8")
                shutil.copyfileobj(src, fh, 1 << 20)
                fh.flush()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    fd, tmp = _new_partial(t)
    try:
        try:
            yield tmp
            with open(tmp, "rb+") as done:  # the caller may have renamed a new file in under this name
                _sync(t, done)
        finally:
            os.close(fd)
        _put_in_place(t, tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


__all__ = ["Guarded", "OutputError", "STDOUT", "check_output", "database_files", "guarded_by", "is_stdout",
           "open_output", "output_path", "plan_output", "replace_target", "to_stdout"]
