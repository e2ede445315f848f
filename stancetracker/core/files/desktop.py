"""The desktop entry and the icons, put in (and taken out of) the user's XDG folders.

``install`` writes ``applications/stancetracker.desktop`` and the icons
(``icons/hicolor/<n>x<n>/apps/stancetracker.png`` and ``scalable/apps/stancetracker.svg``)
under ``$XDG_DATA_HOME`` (or ``~/.local/share``), never anywhere else: each file
is written beside its place and renamed over it, so a symbolic link found there
is replaced, never followed out of the folder. The entry opens a database from a
file manager (``Exec=… %f``, SQLite's MIME types).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from stancetracker.core.files.paths import home_dir
from stancetracker.core.model.errors import StanceError

APP_ID = "stancetracker"
DESKTOP_FILE = f"{APP_ID}.desktop"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
# What file managers call an SQLite database: the registered type and the older name shared-mime-info still uses.
MIME_TYPES = ("application/vnd.sqlite3", "application/x-sqlite3")
_SAFE_ARG = re.compile(r"[A-Za-z0-9/._+:@=,-]+")


@dataclass(frozen=True)
class Placed:
    """One file of the desktop integration: where it goes and its bytes."""

    path: Path
    data: bytes


def xdg_data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (the XDG rule)."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    return Path(xdg) if os.path.isabs(xdg) else home_dir() / ".local" / "share"


def exec_line(command: list[str]) -> str:
    """The desktop entry's Exec value for ``command`` followed by the file opened, quoted as the spec asks."""
    def arg(a: str) -> str:
        if _SAFE_ARG.fullmatch(a):
            return a
        quoted = "".join("\\" + c if c in '"`$\\' else c for c in a)
        return f'"{quoted}"'
    # A desktop file's string value escapes backslashes again, and % is the field codes' mark.
    return " ".join(arg(a).replace("\\", "\\\\").replace("%", "%%") for a in command) + " %f"


def desktop_entry(command: list[str]) -> str:
    """The packaged desktop entry with its Exec naming ``command`` and the MIME types it opens."""
    text = resource_bytes(DESKTOP_FILE).decode("utf-8")
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):  # in its place, the MIME types after it
            lines += [f"Exec={exec_line(command)}", f"MimeType={';'.join(MIME_TYPES)};"]
        elif not line.startswith(("TryExec=", "MimeType=")):
            lines.append(line)
    return "\n".join(lines) + "\n"


def planned(command: list[str], data_home: Path | None = None) -> list[Placed]:
    """Every file ``install`` writes, with its bytes: the desktop entry, then the icons."""
    base = _checked(data_home)
    files = [Placed(base / "applications" / DESKTOP_FILE, desktop_entry(command).encode("utf-8"))]
    icons = base / "icons" / "hicolor"
    for n in ICON_SIZES:
        files.append(Placed(icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png", resource_bytes(f"icons/{APP_ID}-{n}.png")))
    files.append(Placed(icons / "scalable" / "apps" / f"{APP_ID}.svg", resource_bytes(f"icons/{APP_ID}.svg")))
    return files


def install(command: list[str], data_home: Path | None = None) -> list[Path]:
    """Write the desktop entry and the icons under ``data_home`` (default: :func:`xdg_data_home`)."""
    written = []
    for f in planned(command, data_home):
        _write(f.path, f.data)
        written.append(f.path)
    return written


def uninstall(data_home: Path | None = None) -> list[Path]:
    """Remove what :func:`install` wrote (only those files); returns the ones that were there."""
    removed = []
    for f in planned([APP_ID], data_home):
        if f.path.is_symlink() or f.path.exists():
            f.path.unlink()
            removed.append(f.path)
    return removed


def _checked(data_home: Path | None) -> Path:
    base = Path(data_home) if data_home is not None else xdg_data_home()
    if not base.is_absolute():
        raise StanceError(f"{base}: the data folder must be an absolute path; nothing was installed")
    return base


def resource_bytes(name: str) -> bytes:
    """A file of the installed package's resources, or of ``resources/`` at the top of a source checkout
    (where the package's own folder is imported, as from an unpacked sdist, that is where the files are)."""
    try:
        return resources.files("stancetracker.resources").joinpath(name).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError):
        pass
    checkout = Path(__file__).resolve().parents[3] / "resources" / name
    try:
        return checkout.read_bytes()
    except OSError:
        raise StanceError(f"{name}: missing from this installation of stancetracker; reinstall it") from None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # replaces a link there, never writes through it
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


__all__ = ["DESKTOP_FILE", "ICON_SIZES", "MIME_TYPES", "desktop_entry", "exec_line", "install", "planned",
           "resource_bytes", "uninstall", "xdg_data_home"]
