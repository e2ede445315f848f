"""Shortcuts by each platform's conventions (issue 16, item 10): no two actions share keys, none taken by the system.

Qt's standard keys differ by platform and a test runs on one, so their
bindings on the others are written out here from Qt's documented table
(QKeySequence::StandardKey), for the standard keys the window uses.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

from stancetracker.gui.actions.menu import KEY_SPEC, MAC, PC
from stancetracker.gui.main_window import QtMainWindow

PLATFORMS = ("windows", "macos", "kde", "gnome")
STANDARD = {  # standard key: bindings on Windows, macOS, KDE, GNOME (Qt writes ⌘ as Ctrl, ⌃ as Meta)
    "New": (["Ctrl+N"],) * 4, "Open": (["Ctrl+O"],) * 4, "Save": (["Ctrl+S"],) * 4,
    "SaveAs": ([], ["Ctrl+Shift+S"], ["Ctrl+Shift+S"], ["Ctrl+Shift+S"]),
    "Quit": ([], ["Ctrl+Q"], ["Ctrl+Q"], ["Ctrl+Q"]),
    "Undo": (["Ctrl+Z", "Alt+Backspace"], ["Ctrl+Z"], ["Ctrl+Z"], ["Ctrl+Z"]),
    "Redo": (["Ctrl+Y", "Ctrl+Shift+Z", "Alt+Shift+Backspace"], ["Ctrl+Shift+Z"], ["Ctrl+Shift+Z"],
             ["Ctrl+Shift+Z"]),
    "Delete": (["Del"], ["Del", "Meta+D"], ["Del"], ["Del"]),
    "Find": (["Ctrl+F"],) * 4,
    "FindNext": (["F3", "Ctrl+G"], ["Ctrl+G"], ["F3"], ["Ctrl+G", "F3"]),
    "FindPrevious": (["Shift+F3", "Ctrl+Shift+G"], ["Ctrl+Shift+G"], ["Shift+F3"], ["Ctrl+Shift+G", "Shift+F3"]),
    "HelpContents": (["F1"], ["Ctrl+?"], ["F1"], ["F1"]),
}
RESERVED = {  # keys the system or desktop takes before an application sees them
    "windows": {"Alt+F4", "Ctrl+Esc", "Alt+Tab", "Ctrl+Alt+Del", "Ctrl+Shift+Esc", "Alt+Space"},
    "macos": {"Ctrl+H", "Ctrl+M", "Ctrl+Alt+H", "Ctrl+Alt+M", "Ctrl+`", "Ctrl+Tab", "Ctrl+Space", "Ctrl+Alt+Esc",
              "Ctrl+Shift+3", "Ctrl+Shift+4", "Ctrl+Shift+5", "Ctrl+Meta+Q", "Ctrl+Alt+D", "Ctrl+Shift+Q",
              "Ctrl+Shift+/", "F11", "F12", "Ctrl+,"},
    "kde": {"Alt+F4", "Alt+Tab", "Ctrl+Alt+Del", "Ctrl+Alt+L", "Ctrl+F1", "Ctrl+F2", "Ctrl+F3", "Ctrl+F4",
            "Alt+F1", "Alt+F2", "Alt+F3", "Ctrl+Esc", "Alt+Space"},
    "gnome": {"Alt+F4", "Alt+Tab", "Ctrl+Alt+Del", "Ctrl+Alt+T", "Ctrl+Alt+L", "Ctrl+Alt+D", "Ctrl+Alt+Left",
              "Ctrl+Alt+Right", "Ctrl+Alt+Up", "Ctrl+Alt+Down", "Alt+F1", "Alt+F2", "Alt+F7", "Alt+F8",
              "Alt+F10", "Alt+Space"},
}


def norm(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText)


@pytest.fixture(scope="module")
def actions(qapp, tmp_path_factory):
    from conftest import make_store
    tmp = tmp_path_factory.mktemp("keys")
    w = QtMainWindow(make_store(tmp / "k.db"), QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    w._poll.stop()
    found = [(a.text().replace("&", ""), a.property(KEY_SPEC), [norm(k.toString()) for k in a.shortcuts()])
             for a in w.actions() + w.table.actions()]
    yield found
    w.hub.store.close()
    w.deleteLater()


def expand(spec: str, platform: str) -> list[str]:
    keys = []
    for k in filter(None, spec.split("|")):
        if k.startswith(MAC) or k.startswith(PC):
            if k.startswith(MAC) != (platform == "macos"):
                continue
            k = k.split(":", 1)[1]
        if k.startswith("std:"):
            keys += STANDARD[k[4:]][PLATFORMS.index(platform)]
        else:
            keys.append(k)
    return [norm(k) for k in keys]


def test_every_shortcut_is_declared_where_it_can_be_checked(actions):
    """Each action with keys says how they were written (a standard key or text), so the table above applies."""
    undeclared = [name for name, spec, keys in actions if keys and spec is None]
    assert undeclared == []
    used = {k[4:] for _, spec, _ in actions for k in (spec or "").replace(MAC, "").replace(PC, "").split("|")
            if k.startswith("std:")}
    assert used <= set(STANDARD), used - set(STANDARD)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_two_actions_share_a_key_and_none_is_the_systems(actions, platform):
    owner: dict[str, str] = {}
    clashes, reserved = [], []
    for name, spec, _ in actions:
        for key in dict.fromkeys(expand(spec or "", platform)):
            if key in owner and owner[key] != name:
                clashes.append(f"{key}: {owner[key]} and {name}")
            owner[key] = name
            if key in {norm(k) for k in RESERVED[platform]}:
                reserved.append(f"{key}: {name}")
    assert clashes == [] and reserved == []


def test_the_usual_keys_do_the_usual_things(actions):
    by_name = {name: set(keys) for name, _, keys in actions}
    assert "Ctrl+Shift+S" in by_name["Backup copy…"]  # Save As: a copy of the database under another name
    assert "Ctrl+Shift+S" not in by_name["Sources…"]
    assert "Ctrl+H" not in by_name["Record history…"] and "Ctrl+M" not in by_name["Merge a colleague's database or CSV…"]
    assert "Ctrl+Z" in by_name["Undo"] and "Ctrl+Shift+Z" in by_name["Redo"]


def test_on_this_platform_no_two_actions_share_a_key(actions):
    """The keys Qt actually gave the actions here, standard ones included."""
    owner, clashes = {}, []
    for name, _, keys in actions:
        for key in keys:
            if key in owner and owner[key] != name:
                clashes.append(f"{key}: {owner[key]} and {name}")
            owner[key] = name
    assert clashes == []
