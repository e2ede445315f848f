#!/usr/bin/env python
"""Run the hostile-input properties for many more examples.

    python benchmarks/fuzz_long.py                 # 10,000 examples of each kind
    python benchmarks/fuzz_long.py --examples 50000 --seed 1
    python benchmarks/fuzz_long.py --only documents --only databases --examples 1000

Kinds: ``csv`` (tests/test_fuzz.py's importer property), ``dates`` (the date
parser), ``documents`` (benchmarks/fuzz_docs.py: text, Markdown, HTML, Word
and PDF files through the reader and add-source) and ``databases``
(benchmarks/fuzz_dbs.py: hostile database files through open, check, import,
merge and restore). Prints how many inputs were accepted or refused; exits 1
if any one was neither (with hypothesis' falsifying example for the first two).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz_dbs  # noqa: E402
import fuzz_docs  # noqa: E402

KINDS = ("csv", "dates", "documents", "databases")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=10_000, help="examples per property (default 10,000)")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed, for a repeatable run")
    ap.add_argument("--only", action="append", choices=KINDS, help="run only this kind (repeatable)")
    args = ap.parse_args()
    kinds = args.only or KINDS
    failed = False
    for kind, module in (("documents", fuzz_docs), ("databases", fuzz_dbs)):
        if kind in kinds:
            start = time.perf_counter()
            failed |= module.report(args.examples, args.seed or 0)
            print(f"{kind}: {time.perf_counter() - start:.0f} s")
    if not {"csv", "dates"} & set(kinds):
        return 1 if failed else 0
    opts = dict(max_examples=args.examples, **tf._FUZZ)
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

        chosen = [("importer", importer, outcomes)] if "csv" in kinds else []
        chosen += [("date parser", dates, date_outcomes)] if "dates" in kinds else []
        for name, test, counts in chosen:
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
