"""One door to the database: the audit rows are written by core/db/audit.py, and the exchange and
coding modules that read and write records do so through core/db's functions, without SQL of their own."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "stancetracker"

# Modules that must get every read and write from core/db.
THROUGH_DB = ["core/exchange/merge.py", "core/exchange/csv_export.py", "core/exchange/table_import.py",
              "core/exchange/seeds.py", "core/coding/passages.py", "core/coding/sourcetext.py"]
# Still writing their own lean import history until they call audit.log_imported_records.
PENDING: set[str] = set()  # every writer of audit rows has gone through core/db/audit.py


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_the_audit_module_writes_operations_and_history():
    writers = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
               if any(s in p.read_text(encoding="utf-8").upper()
                      for s in ("INSERT INTO HISTORY", "INSERT INTO OPERATIONS", "UPDATE OPERATIONS"))}
    assert writers - PENDING == {"core/db/audit.py"}


def test_exchange_and_coding_modules_use_no_sqlite_of_their_own():
    for name in THROUGH_DB:
        path = PACKAGE / name
        assert "sqlite3" not in _imports(path), name
        text = path.read_text(encoding="utf-8")
        assert ".execute(" not in text and ".executemany(" not in text, name


def test_the_store_does_not_import_seeds_or_exchange():
    """Seeding a new file is core/project.py's job: the store knows no file formats."""
    for path in (PACKAGE / "core/db").glob("*.py"):
        bad = {m for m in _imports(path) if m.startswith(("stancetracker.core.exchange.seeds",
                                                           "stancetracker.core.exchange.record_import",
                                                           "stancetracker.core.exchange.table_import",
                                                           "stancetracker.core.project"))}
        assert not bad, (path.name, bad)
