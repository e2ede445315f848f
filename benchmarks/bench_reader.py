#!/usr/bin/env python
"""Benchmark the document reader and the search across documents (issue 7).

Builds, in a temporary database:

  a. a ~2 MB document naming 300 known actors, with 5,000 coded passages
     (each with a live record), and times showing it in the reader with all
     highlights — from ``open_document`` until the view has painted (target < 1 s);
  b. 10,000 documents of ~3 KB each, and times a full-text search across them
     (``sourcetext.search_documents``, median of several queries; target < 100 ms).

The figures are informational: the script exits 0 whether targets are met or not.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_reader.py
    python benchmarks/bench_reader.py --doc-mb 2 --passages 5000 --actors 300 --documents 10000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
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
from stancetracker.core.db.store import Store  # noqa: E402
from stancetracker.core.project import open_project  # noqa: E402

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


def bench_reader(store: Store, slug: str) -> float:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
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
    t0 = time.perf_counter()
    reader.open_document(slug)
    app.processEvents()
    reader.view.viewport().grab()  # paints the visible lines with their highlights
    elapsed = time.perf_counter() - t0
    marked = sum(1 for b in reader.view.visible_blocks() if b.layout().formats())
    print(f"  lines on screen with highlights: {marked}")
    w._poll.stop()
    w.hide()
    return elapsed


def make_documents(store: Store, n: int, rng: random.Random, names: list[str]) -> None:
    rows = []
    for i in range(n):
        text = make_text(3000, names[:50], rng)
        rows.append((f"bench-doc-{i:05d}", f"Benchmark document {i}", text))
    with store.operation("create", "benchmark documents"):
        store.conn.executemany("INSERT INTO sources (slug, title, text, format) VALUES (?, ?, ?, 'text')", rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--doc-mb", type=float, default=2.0)
    ap.add_argument("--passages", type=int, default=5000)
    ap.add_argument("--actors", type=int, default=300)
    ap.add_argument("--documents", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    random.seed(args.seed)
    with tempfile.TemporaryDirectory(prefix="stancetracker-bench-") as tmp:
        store = open_project(Path(tmp) / "bench.db", user="bench")
        names = make_actors(store, args.actors)
        text = make_text(int(args.doc_mb * 2**20), names, rng)
        src = add_document(store, DocumentText(text, "text", "big.txt", title="Big document"))
        t = time.perf_counter()
        code_passages(store, src.slug, text, args.passages, rng)
        n_passages = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        print(f"document: {len(text) / 2**20:.2f} MB, {len(paragraphs(text)):,} paragraphs, "
              f"{n_passages:,} coded passages (set up in {time.perf_counter() - t:.1f} s), "
              f"{len(store.actors())} actors")
        shown = bench_reader(store, src.slug)
        print(f"a. reader shows the document with all highlights: {shown * 1000:.0f} ms (target < 1000 ms)")

        t = time.perf_counter()
        make_documents(store, args.documents, rng, names)
        print(f"{args.documents:,} documents of ~3 KB indexed in {time.perf_counter() - t:.1f} s")
        times, counts = [], []
        for q in ("withdrawal talks", "Najaf", "Name007", "budget oil ministry", "protest", "reform crisis"):
            t = time.perf_counter()
            hits = search_documents(store, q)
            times.append(time.perf_counter() - t)
            counts.append(len(hits))
        print(f"b. search across {args.documents + 1:,} documents: median {statistics.median(times) * 1000:.1f} ms, "
              f"max {max(times) * 1000:.1f} ms (target < 100 ms; hits per query capped at 100: {counts})")
        store.close()


if __name__ == "__main__":
    sys.exit(main())
