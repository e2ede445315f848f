#!/usr/bin/env python
"""Run the hostile-input properties of tests/test_fuzz.py for many more examples.

    python benchmarks/fuzz_long.py                 # 10,000 examples each
    python benchmarks/fuzz_long.py --examples 50000 --seed 1

Prints how many inputs were imported or refused (and dates parsed or
refused); exits 1 with hypothesis' falsifying example if a property fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

from hypothesis import given, seed as hyp_seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import test_fuzz as tf  # noqa: E402
from conftest import make_store  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=10_000, help="examples per property (default 10,000)")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed, for a repeatable run")
    args = ap.parse_args()
    opts = dict(max_examples=args.examples, **tf._FUZZ)
    failed = False
    with tempfile.TemporaryDirectory(prefix="stancetracker-fuzz-") as tmp:
        folder = Path(tmp)
        store = make_store(folder / "fuzz.db")
        store.auto_backup = False
        outcomes: dict[str, int] = {}

        @settings(**opts)
        @given(content=tf.files, create_actors=st.booleans())
        def importer(content, create_actors):
            tf.import_property(store, folder, content, create_actors, outcomes)

        date_outcomes: dict[str, int] = {}

        @settings(**opts)
        @given(text=tf.date_texts, precision=tf.precisions)
        def dates(text, precision):
            tf.date_property(text, precision, date_outcomes)

        for name, test, counts in (("importer", importer, outcomes), ("date parser", dates, date_outcomes)):
            if args.seed is not None:
                test = hyp_seed(args.seed)(test)
            start = time.perf_counter()
            try:
                test()
                status = "passed"
            except Exception as err:  # hypothesis re-raises the falsifying example's error
                status = f"FAILED: {type(err).__name__}: {err}"
                failed = True
            took = time.perf_counter() - start
            total = sum(counts.values())
            print(f"{name}: {status}; {total:,} calls in {took:.1f} s "
                  f"({', '.join(f'{k} {v:,}' for k, v in sorted(counts.items()))})")
        ok = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
        print(f"database after the run: integrity_check {ok}; {store.count():,} records")
        store.close()
    return 1 if failed or ok != "ok" else 0


if __name__ == "__main__":
    sys.exit(main())
