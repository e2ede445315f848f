"""desktop-install: the desktop entry and icons in the user's folders, so a file manager opens a database."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from stancetracker.core.files import desktop


def entry_point() -> list[str]:
    """The command that starts this stancetracker: its installed script, else this Python with -m."""
    run = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if run is not None and run.name == "stancetracker" and run.is_file():
        return [str(run.absolute())]
    beside = Path(sys.executable).with_name("stancetracker")  # a virtual environment's bin/
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("stancetracker")
    return [found] if found else [sys.executable, "-m", "stancetracker"]


def _refresh_caches(base: Path) -> None:
    """Tell the desktop about the new entry and icons, where its tools are installed (nothing if not)."""
    hicolor = base / "icons" / "hicolor"
    for tool, args, wanted in (("update-desktop-database", ["-q", str(base / "applications")], True),
                               # an icon cache is kept fresh where there is one, never started
                               ("gtk-update-icon-cache", ["-q", "-t", str(hicolor)],
                                (hicolor / "icon-theme.cache").exists())):
        found = shutil.which(tool)
        if found and wanted:
            subprocess.run([found, *args], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=60)


@click.command("desktop-install")
@click.option("--uninstall", is_flag=True, help="Remove the entry and the icons that desktop-install put there.")
def desktop_install(uninstall: bool):
    """Add stancetracker to your desktop's applications, to open .db files from a file manager.

    Writes applications/stancetracker.desktop and the icons under icons/hicolor in $XDG_DATA_HOME (or
    ~/.local/share), and nothing outside that folder.
    """
    base = desktop.xdg_data_home()
    if uninstall:
        removed = desktop.uninstall(base)
        _refresh_caches(base)
        click.echo(f"Removed {len(removed)} file{'s' if len(removed) != 1 else ''} from {base}" if removed
                   else f"Nothing to remove: stancetracker's desktop entry is not in {base}")
        return
    command = entry_point()
    written = desktop.install(command, base)
    _refresh_caches(base)
    click.echo(f"Installed the desktop entry and {len(written) - 1} icons in {base}")
    click.echo(f"  {written[0]}  (runs: {' '.join(command)} FILE)")


COMMANDS = (desktop_install,)
