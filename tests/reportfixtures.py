"""What the report tests share: a seeded database made once, a small chart renderer, the HTML parsed."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.db.store import Store

from conftest import seeded_records


def seeded_copy(cache: Path, target: Path) -> Path:
    """A copy of a database made by ``stancetracker --db … init`` (once, in ``cache``), at ``target``."""
    master = cache / "seeded.db"
    if not master.exists():
        res = CliRunner().invoke(cli, ["--db", str(master), "init"])
        assert res.exit_code == 0 and f"{seeded_records()} records" in res.output, res.output
    shutil.copyfile(master, target)
    return target


def open_seeded(cache: Path, target: Path) -> Store:
    return Store.open(seeded_copy(cache, target), user="tester")


class FakeCharts:
    """A renderer drawing each request as a tiny SVG naming it (for tests of the core without Qt)."""

    def __init__(self):
        self.drawn: list[tuple[str, tuple[str, ...], str | None]] = []

    def svg(self, request, width, height) -> bytes:
        self.drawn.append((request.kind, tuple(request.actors), request.dimension))
        label = f"{request.kind} {' '.join(request.actors)} {request.dimension or ''}"
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
                f"<text x='10' y='20'>{label}</text></svg>").encode()

    def png(self, request, width, height, dpi=96) -> bytes:
        raise AssertionError("the HTML writer draws SVG only")


def parse_html(path_or_text) -> lxml.html.HtmlElement:
    text = path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text
    return lxml.html.document_fromstring(text)
