"""core/analysis reads through core/db only, stays small, and averages same-date records in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np

from stancetracker.core.analysis import chartdata, series
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record

PACKAGE = Path(series.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA)\b.*\b(FROM|INTO|SET|WHERE)\b|\bWHERE\b|\bJOIN\b")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_analysis_runs_no_sql_and_never_touches_the_connection():
    """No sqlite3, no SQL text, no ``.conn``, no where-clause builder: reads go through core/db's functions."""
    for path in MODULES:
        tree = _tree(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(a.name != "sqlite3" for a in node.names), path.name
            elif isinstance(node, ast.ImportFrom):
                assert node.module != "sqlite3", path.name
                assert all(a.name != "where_clause" for a in node.names), path.name
            elif isinstance(node, ast.Attribute):
                assert node.attr != "conn", f"{path.name}:{node.lineno}"
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not SQL.search(node.value), f"{path.name}:{node.lineno}: {node.value[:60]!r}"


def test_analysis_modules_are_small_and_import_at_the_top():
    for path in MODULES:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
        for node in ast.walk(_tree(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
                assert not inner, f"{path.name}: {node.name} imports inside a function"


def test_no_private_name_of_another_module_is_imported_or_used():
    own = {p.stem for p in MODULES}
    for path in MODULES:
        tree = _tree(path)
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("stancetracker"):
                for a in node.names:
                    assert not a.name.startswith("_"), f"{path.name} imports {node.module}.{a.name}"
            if isinstance(node, ast.Import):
                for a in node.names:
                    aliases[a.asname or a.name] = a.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id in own | set(aliases)):
                raise AssertionError(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")


def test_the_request_module_needs_no_numpy():
    """The command line declares the chart options from ``request`` without the chart code."""
    tree = _tree(PACKAGE / "request.py")
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(m == "numpy" or m.startswith("stancetracker.core.analysis.") for m in imported)


def test_same_date_records_are_averaged_by_one_function(monkeypatch, store: Store):
    """Every chart kind reads its scores through series.group_by_date, so one change of rule reaches all."""
    for actor, score in (("sadr", 2), ("sadr", 0), ("maliki", -2), ("maliki", -1)):
        store.add_record(Record(actor=actor, dimension="iran", date=parse_date("2020-01-13"), score=score,
                                evidence="x"))
    calls = []
    real = series.group_by_date

    def highest(dates, scores):
        calls.append(len(dates))
        g = real(dates, scores)
        g.score = g.high.copy()  # a different rule: the highest score of the day
        return g

    monkeypatch.setattr(series, "group_by_date", highest)
    timeline = chartdata.timeline(store, "iran", ["sadr", "maliki"])
    assert [list(t.y) for t in timeline.traces] == [[2.0], [-1.0]]
    prof = chartdata.profile(store, "sadr")
    assert list(prof.traces[[d.slug for d in prof.dimensions].index("iran")].y) == [2.0]
    comp = chartdata.comparison(store, "sadr", "maliki")
    assert np.nanmax(comp.distance) == 3.0
    snap = chartdata.snapshot(store, ["sadr", "maliki"], parse_date("2020-02-01"))
    iran = [d.slug for d in snap.dimensions].index("iran")
    assert list(snap.score[:, iran]) == [2.0, -1.0]
    assert calls


def test_group_by_date_gives_mean_and_range_per_date():
    dates = np.array(["2020-01-01", "2020-01-01", "2020-01-01", "2021-06-01"], dtype="datetime64[D]")
    g = series.group_by_date(dates, np.array([2.0, 0.0, 1.0, -1.0]))
    assert list(g.starts) == [0, 3] and list(g.counts) == [3, 1]
    assert list(g.score) == [1.0, -1.0] and list(g.low) == [0.0, -1.0] and list(g.high) == [2.0, -1.0]
