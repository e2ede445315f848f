"""`stancetracker report` end to end on the seeded dataset, with the real Qt chart renderer."""

from __future__ import annotations

import base64
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import seeded_consensus_view
from reportfixtures import parse_html, seeded_copy
from stancetracker.cli.main import cli
from stancetracker.core.db.store import Store
from stancetracker.core.report.build import build_report
from stancetracker.core.report.document import Figure
from stancetracker.core.report.scope import ReportScope

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def db(tmp_path_factory, tmp_path) -> Path:
    return seeded_copy(tmp_path_factory.getbasetemp(), tmp_path / "s.db")


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), "report", *args])


@pytest.mark.slow
def test_the_sadr_report_is_written_with_its_charts_and_companions_and_says_so(db, tmp_path, qapp):
    out = tmp_path / "out"
    out.mkdir()
    res = run(db, "--actor", "sadr", "-o", str(out / "sadr.html"))
    assert res.exit_code == 0, res.output
    names = ["sadr.html", "sadr-records.csv", "sadr-sources.json", "sadr-sources.bib"]
    n = len(seeded_consensus_view("sadr"))  # the consensus view, the command line's default
    assert res.output.splitlines() == [f"Wrote the report of {n} records (27 citations, 5 sources):",
                                       *[f"  {out / n}" for n in names]]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    doc = parse_html(out / "sadr.html")
    assert len(doc.xpath("//tr[@data-uuid]")) == n
    imgs = doc.xpath("//figure/img/@src")
    assert len(imgs) == 5  # four timelines and the profile
    for src in imgs:
        root = etree.fromstring(base64.b64decode(src.split(",", 1)[1]))  # a whole SVG document each
        assert root.tag == f"{SVG}svg"
        texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
        assert "Muqtada al-Sadr" in texts or "Sadr" in texts
    command = doc.xpath("//section[@id='method']//blockquote")[0].text_content()
    assert command == "stancetracker --db s.db report --actor sadr -o sadr.html"
    assert len(json.loads((out / "sadr-sources.json").read_text(encoding="utf-8"))) == 5


@pytest.mark.slow
def test_the_command_in_the_method_section_writes_the_same_data_again(db, tmp_path, monkeypatch, qapp):
    first = tmp_path / "first.html"
    assert run(db, "-a", "Moqtada al-Sadr", "-d", "iran", "--since", "2019", "--min-confidence", "medium",
               "--no-charts", "-o", str(first)).exit_code == 0
    doc = parse_html(first)
    command = doc.xpath("//section[@id='method']//blockquote")[0].text_content()
    assert command == ("stancetracker --db s.db report --actor sadr --dimension iran --since 2019 "
                       "--min-confidence medium --no-charts -o first.html")
    again = tmp_path / "again"
    again.mkdir()
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)[1:]
    args[args.index("-o") + 1] = str(again / "first.html")
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    version = "//meta[@name='stancetracker-data-version']/@content"
    assert parse_html(again / "first.html").xpath(version) == doc.xpath(version)
    assert (again / "first-records.csv").read_bytes() == (tmp_path / "first-records.csv").read_bytes()


@pytest.mark.parametrize(("args", "message"), [
    (("--actor", "nobody", "-o", "r.html"), "Error: no actor 'nobody' (by slug, name or alias)"),
    (("--actor", "sadr", "--since", "2030", "-o", "r.html"), "Error: no records in the scope of the report"),
    (("--actor", "sadr", "--since", "soon", "-o", "r.html"), "Error: Invalid value for --since: 'soon' is not a date"),
    (("--format", "odt", "-o", "r.html"), "Error: no report format 'odt'; use html, pdf or docx"),
    (("-o", "missing/r.html"), "Error: --output missing/r.html: the folder"),
    (("-o", "s.db"), "Error: --output s.db: is the database; choose another file — nothing was written"),
])
def test_bad_input_is_one_line_and_nothing_is_written(db, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    before = db.read_bytes()
    res = run(Path("s.db"), *args)
    # The error is one line (a usage error, as click gives it, is preceded by the usage hint).
    lines = res.output.strip().splitlines()
    assert res.exit_code in (1, 2) and lines[-1].startswith(message), res.output
    assert "Traceback" not in res.output and (len(lines) == 1 or lines[0].startswith("Usage:"))
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("s.db")) in ([], ["backups"])
    assert db.read_bytes() == before


def test_pdf_before_its_writer_exists_is_one_line(db, tmp_path, monkeypatch, qapp):
    from stancetracker.gui import report_charts
    monkeypatch.setattr(report_charts, "report_pdf", None)  # as in a build without gui/report_pdf.py
    res = run(db, "--actor", "sadr", "--no-charts", "--format", "pdf", "-o", str(tmp_path / "r.pdf"))
    assert res.exit_code == 1 and res.output == (
        "Error: PDF output is not yet available in this version of stancetracker; use --format html or docx\n")
    assert not list(tmp_path.glob("r*"))


@pytest.mark.slow
def test_report_help_loads_neither_numpy_nor_qt():
    code = ("import sys\nfrom stancetracker.cli.main import main\nsys.argv = ['stancetracker', 'report', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('numpy', 'PySide6', 'pyqtgraph') if m in sys.modules), file=sys.stderr)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert "--format" in r.stdout and r.stderr.strip().splitlines()[-1] == "[]", r.stderr


@pytest.mark.slow
def test_the_qt_renderer_draws_each_kind_as_svg_and_png(db, qapp):
    """The real renderer: a well-formed SVG and a PNG of the asked size for every figure of a two-actor report."""
    from PySide6.QtGui import QImage

    from stancetracker.gui.report_charts import QtChartRenderer
    with Store.open(db, readonly=True) as store:
        report = build_report(store, ReportScope(actors=("sadr", "maliki"), dimensions=("iran",)))
        figures = [b for b in report.blocks if isinstance(b, Figure)]
        assert {f.request.kind for f in figures} == {"timeline", "compare", "profile"}
        with QtChartRenderer(store) as charts:
            for f in figures:
                root = etree.fromstring(charts.svg(f.request, 600, 400))
                assert root.tag == f"{SVG}svg"
                img = QImage.fromData(charts.png(f.request, 600, 400, 96), "PNG")
                assert img.width() == 600 and img.height() >= 400  # taller when its plots and key need it
                # Not blank: the chart draws something other than its white background.
                colours = {img.pixel(x, y) for x in range(0, 600, 7) for y in range(0, 400, 7)}
                assert len(colours) > 3, f.request.kind


@pytest.mark.slow
def test_all_three_formats_are_written_or_a_missing_writer_is_named_before_any_work(db, tmp_path, qapp):
    """HTML, DOCX and PDF together: the files of each writer this build has, or one line naming the missing one."""
    import importlib.util

    missing = [name for name in ("stancetracker.core.report.docx", "stancetracker.gui.report_pdf")
               if importlib.util.find_spec(name) is None]
    res = run(db, "--actor", "sadr", "--format", "html,pdf,docx", "-o", str(tmp_path / "sadr.html"))
    made = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("s.db") and p.name != "backups")
    if missing:
        assert res.exit_code == 1 and "output is not yet available in this version" in res.output, res.output
        assert len(res.output.strip().splitlines()) == 1 and made == []
    else:
        assert res.exit_code == 0, res.output
        assert made == sorted(["sadr.html", "sadr.pdf", "sadr.docx", "sadr-records.csv", "sadr-sources.json",
                               "sadr-sources.bib"])
        assert all((tmp_path / n).stat().st_size > 0 for n in made)


def test_report_to_standard_output_is_the_html_alone(db, tmp_path, monkeypatch, qapp):
    """`report -o -` writes the HTML to standard output (the summary to standard error) and no file;
    PDF or DOCX to standard output is refused before any work."""
    here = tmp_path / "cwd"
    here.mkdir()
    res = subprocess.run([sys.executable, "-m", "stancetracker", "--db", str(db), "report", "-a", "sadr",
                          "--no-charts", "-o", "-"], capture_output=True, cwd=here, env={**os.environ,
                          "QT_QPA_PLATFORM": "offscreen"}, timeout=120)
    assert res.returncode == 0, res.stderr
    page = parse_html(res.stdout.decode("utf-8"))
    n = len(seeded_consensus_view("sadr"))
    assert page.xpath("//h1") and f"Wrote the report of {n} records" in res.stderr.decode()
    assert list(here.iterdir()) == []  # no file named "-", no companion files
    res = run(db, "-a", "sadr", "--format", "html,pdf", "-o", "-")
    assert res.exit_code == 2 and "takes the HTML alone" in res.output
