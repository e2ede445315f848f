"""The source's shape (issue 13): modules of at most 600 lines, no import cycle, no private name crossing modules.

Each check reads stancetracker/ with ``ast`` and fails listing every offender
as file:line, so a failure is the to-do list. The checkers are first tried on
a small made-up package, so a pass on the real source means something.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "stancetracker"
MAX_LINES = 600
# Library names that start with an underscore but are documented API, not private.
PUBLIC_UNDERSCORE = frozenset({
    "_replace", "_asdict", "_fields", "_field_defaults", "_make",  # collections.namedtuple
    "_exit",  # os._exit
    "_is_text_encoding",  # codecs.CodecInfo: the documented way to tell text codecs from the rest
})
SELF_NAMES = frozenset({"self", "cls"})


@dataclass(frozen=True)
class Source:
    name: str  # dotted module name; a package's __init__ is the package's name
    path: Path
    rel: str  # the path shown in messages, from the folder holding the package
    text: str
    tree: ast.Module

    def where(self, node: ast.AST) -> str:
        return f"{self.rel}:{getattr(node, 'lineno', 1)}"

    @property
    def is_init(self) -> bool:
        return self.path.name == "__init__.py"


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    where: str
    in_function: bool


def read_sources(root: Path, package: str) -> dict[str, Source]:
    """Every module of ``package`` (a folder under ``root``), keyed by dotted name."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        text = path.read_text(encoding="utf-8")
        out[".".join(parts)] = Source(".".join(parts), path, path.relative_to(root).as_posix(), text,
                                      ast.parse(text, str(path)))
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _ImportFinder(ast.NodeVisitor):
    """Every import statement that runs, with whether it sits inside a function.

    ``if TYPE_CHECKING:`` blocks never run, so they cannot make a cycle.
    """

    def __init__(self) -> None:
        self.found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
        self._depth = 0

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def _function(self, node: ast.AST) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append((node, self._depth > 0))

    visit_ImportFrom = visit_Import


def _absolute(src: Source, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = src.name.split(".")
    base = base if src.is_init else base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def import_edges(sources: dict[str, Source]) -> list[Edge]:
    """Who imports whom among ``sources``, counting every package ``__init__`` an import runs.

    An importer's own enclosing packages are left out: they are initialised
    before it anyway, and counting them would make every re-export a cycle.
    """
    edges = []
    for src in sources.values():
        own = {".".join(src.name.split(".")[:k]) for k in range(1, src.name.count(".") + 1 + (not src.is_init))}
        own.discard(src.name)
        finder = _ImportFinder()
        finder.visit(src.tree)
        for node, in_function in finder.found:
            targets: set[str] = set()
            if isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    targets |= {".".join(parts[:k]) for k in range(1, len(parts) + 1)} - own
            else:
                base = _absolute(src, node)
                parts = base.split(".")
                targets |= {".".join(parts[:k]) for k in range(1, len(parts) + 1)} - own
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in sources else base)
            for target in sorted(t for t in targets if t in sources and t != src.name):
                edges.append(Edge(src.name, target, src.where(node), in_function))
    return edges


def import_cycles(sources: dict[str, Source]) -> list[list[Edge]]:
    """The import edges inside each group of modules that import one another (Tarjan's SCC)."""
    edges = import_edges(sources)
    graph: dict[str, set[str]] = {name: set() for name in sources}
    for e in edges:
        graph[e.importer].add(e.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:  # recursion depth is bounded by the number of modules (~150)
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return [sorted((e for e in edges if e.importer in g and e.imported in g), key=lambda e: e.where)
            for g in sorted(groups, key=min)]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__")) \
        and name not in PUBLIC_UNDERSCORE


def _defined_here(tree: ast.Module) -> set[str]:
    """Private names this module defines: functions, classes, variables, attributes set on anything."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) \
                and isinstance(node.value, ast.Name) and node.value.id in SELF_NAMES:
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" \
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in SELF_NAMES \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            names.add(node.args[1].value)
        # __slots__ = ("_a", "_b") declares attributes too
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__slots__"
                                                  for t in node.targets):
            names |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)
                      and isinstance(c.value, str)}
    return {n for n in names if n.startswith("_")}


def _our_module_names(src: Source, sources: dict[str, Source]) -> dict[str, str]:
    """Local names bound to one of our modules by an import, mapped to that module."""
    bound = {}
    for node in ast.walk(src.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in sources:
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                        alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(src, node)
            for alias in node.names:
                if f"{base}.{alias.name}" in sources:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    return bound


def private_uses(sources: dict[str, Source]) -> list[str]:
    """Every use of another module's private name, as 'file:line: what'.

    Imports of ``_name`` from our modules and ``module._name`` on one of our
    modules always count. ``obj._name`` (and ``getattr(obj, "_name")``) on
    anything but ``self``/``cls`` counts unless this module itself defines a
    ``_name``: attributes have no static type, and a same-named private
    defined here is most likely the object's own class.
    """
    found = []
    for src in sources.values():
        here = _defined_here(src.tree)
        modules = _our_module_names(src, sources)
        for node in ast.walk(src.tree):
            if isinstance(node, ast.ImportFrom):
                base = _absolute(src, node)
                if base.split(".")[0] != PACKAGE:
                    continue
                for alias in node.names:
                    if _private(alias.name):
                        found.append(f"{src.where(node)}: from {base} import {alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == PACKAGE and any(_private(p) for p in parts):
                        found.append(f"{src.where(node)}: import {alias.name}")
            elif isinstance(node, ast.Attribute) and _private(node.attr):
                base = node.value
                if isinstance(base, ast.Name) and base.id in modules:
                    found.append(f"{src.where(node)}: {modules[base.id]}.{node.attr}")
                elif not (isinstance(base, ast.Name) and base.id in SELF_NAMES) and node.attr not in here:
                    found.append(f"{src.where(node)}: {ast.unparse(base)}.{node.attr}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) >= 2 \
                    and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str) \
                    and _private(node.args[1].value):
                obj, attr = node.args[0], node.args[1].value
                if not (isinstance(obj, ast.Name) and obj.id in SELF_NAMES) and attr not in here:
                    found.append(f"{src.where(node)}: {node.func.id}({ast.unparse(obj)}, {attr!r})")
    return sorted(found)


def long_modules(sources: dict[str, Source], limit: int = MAX_LINES) -> list[str]:
    return sorted(f"{src.rel}:1: {n} lines"
                  for src in sources.values() if (n := len(src.text.splitlines())) > limit)


def cycle_report(cycles: list[list[Edge]]) -> list[str]:
    lines = []
    for k, edges in enumerate(cycles, 1):
        modules = sorted({e.importer for e in edges})
        lines.append(f"cycle {k} ({len(modules)} modules: {', '.join(modules)}):")
        lines += [f"  {e.where}: {e.importer} -> {e.imported}{' (in a function)' if e.in_function else ''}"
                  for e in edges]
    return lines


@cache
def _ours() -> dict[str, Source]:
    return read_sources(REPO, PACKAGE)


def _fail_with(what: str, offenders: list[str]) -> None:
    assert not offenders, f"{what}:\n" + "\n".join(offenders)


# ---- the rules, on the real source


def test_no_module_is_over_600_lines():
    """Every module fits in 600 lines; a longer one is doing more than one thing."""
    _fail_with(f"modules over {MAX_LINES} lines", long_modules(_ours()))


def test_no_import_cycle_even_through_function_level_imports():
    """No group of modules imports one another, counting imports inside functions."""
    _fail_with("import cycles (every import inside each)", cycle_report(import_cycles(_ours())))


def test_no_module_uses_another_modules_private_names():
    """No module imports or reaches into another module's ``_private`` name."""
    _fail_with("uses of another module's private names", private_uses(_ours()))


# ---- the checkers, on a made-up package


def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Source]:
    for rel, text in files.items():
        path = tmp_path / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return read_sources(tmp_path, PACKAGE)


def test_a_cycle_hidden_in_a_function_is_found(tmp_path):
    """a imports b at the top, b imports a inside a function: one cycle, both imports listed."""
    src = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from stancetracker import b\n",
        "b.py": "def f():\n    from stancetracker.a import x\n",
        "c.py": "from stancetracker import a\n",
    })
    cycles = import_cycles(src)
    assert [[(e.importer, e.imported, e.where, e.in_function) for e in c] for c in cycles] == [[
        ("stancetracker.a", "stancetracker.b", "stancetracker/a.py:1", False),
        ("stancetracker.b", "stancetracker.a", "stancetracker/b.py:2", True),
    ]]


def test_a_cycle_through_a_package_init_is_found_and_type_checking_is_not(tmp_path):
    """``from pkg import name`` runs pkg/__init__; a TYPE_CHECKING import never runs."""
    src = _package(tmp_path, {
        "__init__.py": "",
        "db/__init__.py": "from stancetracker.db.store import Store\n",
        "db/store.py": "from stancetracker.db import connection\ndef f():\n    import stancetracker.seeds\n",
        "db/connection.py": "",
        "seeds.py": "from stancetracker.db import Store\n",
        "typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from stancetracker.user import U\n",
        "user.py": "import stancetracker.typed\n",
    })
    assert [sorted({e.importer for e in c}) for c in import_cycles(src)] == [
        ["stancetracker.db", "stancetracker.db.store", "stancetracker.seeds"]]


def test_private_names_across_modules_are_found(tmp_path):
    """Imports, module attributes, other objects' attributes and getattr of a private name; own ones pass."""
    src = _package(tmp_path, {
        "__init__.py": "",
        "store.py": "class Store:\n    def _log(self):\n        self._n = 1\n        return self._n\n"
                    "def _helper(other):\n    return other._log()\n",
        "merge.py": "from stancetracker.store import _helper\nfrom stancetracker import store\n"
                    "def f(s):\n    s._log()\n    store._helper(s)\n    getattr(s, '_op_id', None)\n"
                    "    return s.__class__, s._replace(), s.public\n",
    })
    assert private_uses(src) == [
        "stancetracker/merge.py:1: from stancetracker.store import _helper",
        "stancetracker/merge.py:4: s._log",
        "stancetracker/merge.py:5: stancetracker.store._helper",
        "stancetracker/merge.py:6: getattr(s, '_op_id')",
    ]


def test_long_modules_are_found(tmp_path):
    src = _package(tmp_path, {"__init__.py": "", "big.py": "x = 1\n" * 601, "fits.py": "x = 1\n" * 600})
    assert long_modules(src) == ["stancetracker/big.py:1: 601 lines"]
