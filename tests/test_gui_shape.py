"""The GUI's shape: no SQL, one dialog per file, small shared modules, dialogs named in code."""

import ast
import re
from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parents[1] / "stancetracker" / "gui"
SHARED_DIALOG_MODULES = {"__init__", "entity_dialog", "field_errors", "form_fields", "source_form"}
SQL = re.compile(r"\s*(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)"
                 r"|PRAGMA\s|BEGIN\b|WITH\s+\w+\s+AS)")  # SQL keywords in capitals, as the core writes them


def modules() -> list[Path]:
    return sorted(GUI.rglob("*.py"))


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(GUI.parent)}:{node.lineno}"


def test_no_gui_module_touches_the_database_directly():
    """No sqlite3, no store.conn, no SQL text: reads and writes go through the hub and the core."""
    offenders = []
    for path in modules():
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlite3" for a in node.names):
                offenders.append(f"{where(path, node)} imports sqlite3")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlite3":
                offenders.append(f"{where(path, node)} imports from sqlite3")
            elif isinstance(node, ast.Attribute) and node.attr == "conn":
                offenders.append(f"{where(path, node)} reaches .conn")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
                offenders.append(f"{where(path, node)} holds SQL {node.value[:40]!r}")
    assert offenders == []


def test_dialogs_are_named_in_code_not_looked_up_by_string():
    """No importlib or getattr on a module: a dialog's class is imported where it is opened."""
    offenders = []
    for path in modules():
        for node in ast.walk(tree(path)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] == "importlib" or n == "import_module" for n in names):
                    offenders.append(where(path, node))
    assert offenders == []


def test_one_dialog_per_file():
    """Each module of gui/dialogs (but the shared plumbing) defines exactly one dialog class."""
    offenders = {}
    for path in sorted((GUI / "dialogs").glob("*.py")):
        if path.stem in SHARED_DIALOG_MODULES:
            continue
        dialogs = [n.name for n in tree(path).body if isinstance(n, ast.ClassDef) and n.name.endswith("Dialog")]
        if len(dialogs) != 1:
            offenders[path.name] = dialogs
    assert offenders == {}


@pytest.mark.parametrize("module, limit", [
    ("main_window.py", 350), ("store_job.py", 310), ("opening.py", 310),
    *((f"dialogs/{m}.py", 310) for m in sorted(SHARED_DIALOG_MODULES - {"__init__"})),
    *((f"actions/{p.name}", 310) for p in sorted((GUI / "actions").glob("*.py")))])
def test_window_and_shared_modules_stay_small(module, limit):
    lines = len((GUI / module).read_text(encoding="utf-8").splitlines())
    assert lines <= limit, f"{module} has {lines} lines"


def test_no_function_level_imports():
    """Imports sit at the top; only the launcher defers Qt until it knows a window can open."""
    offenders = []
    for path in modules():
        if path == GUI / "main.py":
            continue
        for fn in ast.walk(tree(path)):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                offenders += [where(path, n) for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert offenders == []


def test_actions_use_no_private_name_of_the_window():
    """The action classes reach the window through its public names only."""
    offenders = []
    for path in sorted((GUI / "actions").glob("*.py")):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                offenders.append(f"{where(path, node)} .{node.attr}")
    assert offenders == []
