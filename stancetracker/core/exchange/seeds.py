"""The seeded dataset: loaded into every new database through the normal import code."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.exchange.seed_study import load_study_seeds
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.table_import import import_table

SEED_TABLES = ("dimensions", "actors", "memberships", "sources", "events")


def seeds_dir() -> Path:
    """Where the seed files are: the installed package data, else the source tree."""
    try:
        packaged = Path(str(resources.files("stancetracker") / "seeds"))
        if (packaged / "dimensions.csv").exists():
            return packaged
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    return Path(__file__).resolve().parents[3] / "seeds"


def record_files(folder: Path | None = None) -> list[Path]:
    """The seed folder's record files in load order: the first coder's ``records.csv``, then each
    ``records-*.csv`` in name order (the other coders' and the consensus records)."""
    folder = folder or seeds_dir()
    return [p for p in [folder / "records.csv", *sorted(folder.glob("records-*.csv"))] if p.exists()]


def load_seeds(store: Store, folder: Path | None = None) -> dict[str, int]:
    """Load every seed file present into ``store``; returns added counts per table.

    One operation, all or nothing: the tables, the records (``records.csv``, then each ``records-*.csv`` in name
    order: the other coders' and the consensus records), then the reliability study (its units and coders)
    and the consensus records' links (core/exchange/seed_study.py), which refer to the records.
    """
    folder = folder or seeds_dir()
    counts: dict[str, int] = {}
    with store.operation("seed", f"load the seeded dataset from {folder.name}/"):
        for table in SEED_TABLES:
            f = folder / f"{table}.csv"
            if f.exists():
                counts[table] = import_table(store, f, table)[1]
        for records in record_files(folder):
            counts["records"] = counts.get("records", 0) + import_records(store, records).added
        counts.update({k: n for k, n in load_study_seeds(store, folder).items() if n})
    return counts
