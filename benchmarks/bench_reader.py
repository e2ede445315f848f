#!/usr/bin/env python
"""Benchmark the document reader and the search across documents (issue 7), each beside a plain reference.

Builds, in a temporary database:

  a. a ~2 MB document naming 300 known actors, with 5,000 coded passages
     (each with a live record), and times showing it in the reader with all
     highlights — from ``open_document`` until the view has painted (target < 1 s);
     the reference, run before each of ours: a plain ``QPlainTextEdit`` of the
     reader's size given the same text and painted once;
  b. 10,000 documents of ~3 KB each, and times a full-text search across them
     (``sourcetext.search_documents``, median over several queries; target < 100 ms);
     the reference, run before each query: the same full-text MATCH, bare, through
     Python's sqlite3 (ids only: no snippets, no join).

The figures are informational: the script exits 0 whether targets are met or not.

    python benchmarks/bench_reader.py                 # 5 runs of the reader, 12 queries
    python benchmarks/bench_reader.py --quick         # a 0.5 MB document, 1,000 documents
    python benchmarks/bench_reader.py --doc-mb 2 --passages 5000 --actors 300 --documents 10000
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from stancetracker.core.model.dates import parse_date  # noqa: E402
from stancetracker.core.exchange.documents.reading import DocumentText  # noqa: E402
from stancetracker.core.coding.mentions import paragraphs  # noqa: E402
from stancetracker.core.model.entities import Actor, Record  # noqa: E402
from stancetracker.core.coding.passages import add_coded_record  # noqa: E402
from stancetracker.core.coding.sourcetext import add_document, search_documents  # noqa: E402
from stancetracker.core.db.query import fts_query  # noqa: E402
from stancetracker.core.db.store import Store  # noqa: E402
from stancetracker.core.project import open_project  # noqa: E402
from reference import compare, machine, summary  # noqa: E402

WORDS = ("the government parliament bloc cleric framework militia faction minister election protest street "
         "coalition alliance ministry budget oil Tehran Washington Baghdad Najaf Basra security forces "
         "agreement withdrawal talks statement supporters rivals crisis reform").split()


def make_actors(store: Store, n: int) -> list[str]:
    names = []
    with store.operation("create", "benchmark actors"):
        for i in range(n):
            name = f"Actor{i:03d} al-Name{i:03d}"
            store.add_actor(Actor(slug=f"bench-actor-{i:03d}", name=name, kind="person",
                                  aliases=[f"Name{i:03d}"], colour=f"#{random.randrange(0x1000000):06x}"))
            names.append(name)
    return names


def make_text(size: int, names: list[str], rng: random.Random) -> str:
    paras, total = [], 0
    while total < size:
        sentence_count = rng.randint(2, 6)
        sentences = []
        for _ in range(sentence_count):
            words = rng.choices(WORDS, k=rng.randint(8, 22))
            if rng.random() < 0.6:
                words.insert(rng.randrange(len(words)), rng.choice(names))
            sentences.append(" ".join(words).capitalize() + ".")
        p = " ".join(sentences)
        paras.append(p)
        total += len(p) + 2
    return "\n\n".join(paras)


def code_passages(store: Store, slug: str, text: str, n: int, rng: random.Random) -> None:
    """n passages of 20-200 characters at random places (several per paragraph when n is large)."""
    paras = paragraphs(text)
    with store.operation("create", "benchmark passages"):
        for _ in range(n):
            s, e = rng.choice(paras)
            start = rng.randrange(s, max(s + 1, e - 20))
            end = min(e, start + rng.randint(20, 200))
            add_coded_record(store, Record(actor="bench-actor-000", dimension="iran", date=parse_date("2022"),
                                           score=rng.choice((-2, -1, 0, 1, 2)), source=slug), start, end)


def bench_reader(store: Store, slug: str, other: str, text: str, runs: int):
    """Time open_document until painted, alternating with a bare QPlainTextEdit given the same text."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QPlainTextEdit
    from stancetracker.gui.main_window import QtMainWindow
    app = QApplication.instance() or QApplication([])
    settings = QSettings(str(Path(store.path).with_suffix(".ini")), QSettings.Format.IniFormat)
    settings.setValue("coder", "bench")
    w = QtMainWindow(store, settings)
    w.resize(1600, 950)
    w.show()
    w.documents.dock.show()
    app.processEvents()
    reader = w.documents.reader
    plain = QPlainTextEdit()
    plain.resize(reader.view.size())
    plain.show()
    app.processEvents()

    def ref() -> float:
        plain.setPlainText("")  # untimed: as ours shows another document first
        app.processEvents()
        t0 = time.perf_counter()
        plain.setPlainText(text)
        app.processEvents()
        plain.viewport().grab()
        return time.perf_counter() - t0

    def ours() -> float:
        reader.open_document(other)  # untimed: the reader keeps a document it already shows
        app.processEvents()
        t0 = time.perf_counter()
        reader.open_document(slug)
        app.processEvents()
        reader.view.viewport().grab()  # paints the visible lines with their highlights
        return time.perf_counter() - t0

    ref()  # untimed: the text layout's first-time costs
    fig = compare("reader shows the document with all highlights", "QPlainTextEdit, same text", ref, ours,
                  runs, max_seconds=1.0)
    marked = sum(1 for b in reader.view.visible_blocks() if b.layout().formats())
    print(f"   lines on screen with highlights: {marked}; view {reader.view.width()}x{reader.view.height()}")
    plain.close()
    w.editor.clear_for_new(keep_context=False)  # nothing unsaved: close() asks no question
    w.close()  # also closes the store
    return fig


def make_documents(store: Store, n: int, rng: random.Random, names: list[str]) -> None:
    rows = []
    for i in range(n):
        text = make_text(3000, names[:50], rng)
        rows.append((f"bench-doc-{i:05d}", f"Benchmark document {i}", text))
    with store.operation("create", "benchmark documents"):
        store.conn.executemany("INSERT INTO sources (slug, title, text, format) VALUES (?, ?, ?, 'text')", rows)


def bench_search(db: Path, store: Store, n_docs: int, runs: int):
    """search_documents over several queries, each after the same MATCH run bare."""
    queries = ("withdrawal talks", "Najaf", "Name007", "budget oil ministry", "protest", "reform crisis")
    plan = iter([queries[i % len(queries)] for i in range(runs)])
    bare = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    current: list[str] = []
    counts: list[int] = []

    def ref() -> float:
        current[:] = [next(plan)]
        t0 = time.perf_counter()
        bare.execute("SELECT rowid FROM sources_fts WHERE sources_fts MATCH ? ORDER BY rank LIMIT 100",
                     [fts_query(current[0])]).fetchall()
        return time.perf_counter() - t0

    def ours() -> float:
        t0 = time.perf_counter()
        hits = search_documents(store, current[0])
        seconds = time.perf_counter() - t0
        counts.append(len(hits))
        return seconds

    fig = compare(f"search across {n_docs:,} documents", "bare FTS5 MATCH", ref, ours, runs, max_seconds=0.1)
    print(f"   (max {max(fig.ours) * 1000:.1f} ms; hits per query, capped at 100: {counts[:len(queries)]})")
    bare.close()
    return fig


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--doc-mb", type=float, default=2.0)
    ap.add_argument("--passages", type=int, default=5000)
    ap.add_argument("--actors", type=int, default=300)
    ap.add_argument("--documents", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5, help="runs of the reader and its reference (default 5)")
    ap.add_argument("--queries", type=int, default=12, help="searches timed, each after its reference")
    ap.add_argument("--quick", action="store_true",
                    help="0.5 MB, 1,000 passages, 100 actors, 1,000 documents, 3 runs: under 30 s")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.quick:
        args.doc_mb, args.passages, args.actors, args.documents, args.runs = 0.5, 1000, 100, 1000, 3
    print(machine(), flush=True)
    rng = random.Random(args.seed)
    random.seed(args.seed)
    with tempfile.TemporaryDirectory(prefix="stancetracker-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        store = open_project(db, user="bench")
        names = make_actors(store, args.actors)
        text = make_text(int(args.doc_mb * 2**20), names, rng)
        src = add_document(store, DocumentText(text, "text", "big.txt", title="Big document"))
        other = add_document(store, DocumentText("A short note.", "text", "other.txt", title="Other document"))
        t = time.perf_counter()
        code_passages(store, src.slug, text, args.passages, rng)
        n_passages = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        print(f"document: {len(text) / 2**20:.2f} MB, {len(paragraphs(text)):,} paragraphs, "
              f"{n_passages:,} coded passages (set up in {time.perf_counter() - t:.1f} s), "
              f"{len(store.actors())} actors", flush=True)
        reader = bench_reader(store, src.slug, other.slug, text, args.runs)

        store = open_project(db, user="bench", backup=False)
        t = time.perf_counter()
        make_documents(store, args.documents, rng, names)
        print(f"{args.documents:,} documents of ~3 KB indexed in {time.perf_counter() - t:.1f} s", flush=True)
        search = bench_search(db, store, args.documents + 2, args.queries)
        store.close()
    summary([reader, search], f"reader: {len(text) / 2**20:.2f} MB, {n_passages:,} passages; "
                              f"search: {args.documents + 2:,} documents")


if __name__ == "__main__":
    sys.exit(main())
