"""Writing a report: its formats and the files beside it, all or nothing.

For ``-o PATH`` (say ``sadr.html``) and the formats asked for, the files are
``sadr.html``, ``sadr.pdf``, ``sadr.docx``, and beside them always
``sadr-records.csv`` (the replication data: the records in scope, exported as
``stancetracker export`` writes them, so the file imports back),
``sadr-sources.json`` (CSL-JSON) and ``sadr-sources.bib`` (BibTeX). A suffix
of a format (``.html``, ``.htm``, ``.pdf``, ``.docx``) is dropped to make the
stem; any other name is the stem as it is.

Every file follows core/files/outputs.py (never the database, its journal or
its backups; written beside the target and renamed into place). They are all
written first and put in place together at the end, so a failure or a cancel
leaves none of them changed. The records are read again before writing: if
they changed since the report was built, nothing is written.

HTML is written here. DOCX comes from ``core/report/docx.py`` and PDF from the
renderer (Qt draws it: ``gui/report_charts.QtChartRenderer.write_pdf``).
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable
from pathlib import Path

from stancetracker.core.db.store import Store
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.files import outputs
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.progress import Progress, tick
from stancetracker.core.report import method
from stancetracker.core.report.citations import bibtex, csl_json
from stancetracker.core.report.document import Figure, Report
from stancetracker.core.report.html import render_html

FORMATS = ("html", "pdf", "docx")
SUFFIXES = {"html": (".html", ".htm"), "pdf": (".pdf",), "docx": (".docx",)}
COMPANIONS = {"csv": "-records.csv", "csl": "-sources.json", "bib": "-sources.bib"}
# PNG resolution of the charts in a DOCX: about 220 dpi when printed at the page's width.
DOCX_DPI = 150


def parse_formats(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """'html,pdf' (or a list) -> ('html', 'pdf'); StanceError naming an unknown format."""
    parts = text.split(",") if isinstance(text, str) else [p for t in text for p in t.split(",")]
    out = []
    for p in (p.strip().lower() for p in parts):
        if not p:
            continue
        if p not in FORMATS:
            raise StanceError(f"no report format {p!r}; use html, pdf or docx (comma-separated)")
        if p not in out:
            out.append(p)
    if not out:
        raise StanceError("no report format given; use html, pdf or docx")
    return tuple(out)


def output_paths(path: Path | str, formats: tuple[str, ...]) -> dict[str, Path]:
    """The file of each format and of each companion file, by kind ('html', …, 'csv', 'csl', 'bib')."""
    p = Path(path)
    all_suffixes = {s for ss in SUFFIXES.values() for s in ss}
    stem = p.with_suffix("") if p.suffix.lower() in all_suffixes else p
    out: dict[str, Path] = {}
    for f in formats:
        out[f] = p if p.suffix.lower() in SUFFIXES[f] else stem.with_name(stem.name + SUFFIXES[f][0])
    for kind, tail in COMPANIONS.items():
        out[kind] = stem.with_name(stem.name + tail)
    return out


def check_paths(store: Store, path: Path | str, formats: tuple[str, ...], option: str = "--output") -> dict[str, Path]:
    """The output files, each checked by the rule of core/files/outputs.py before any work (OutputError)."""
    if outputs.is_stdout(path) or not str(path):
        raise outputs.OutputError(f"{option} {path}: a report is several files; give a file name such as "
                                  "report.html — nothing was written")
    paths = output_paths(path, formats)
    protect = outputs.database_files(store.path)
    outputs.plan_output(path, protect=protect, option=option)  # "-o the.db" is refused as it is, not renamed
    for p in paths.values():
        target = outputs.plan_output(p, protect=protect, option=option)
        if target.kind != "file":
            raise outputs.OutputError(f"{option} {p}: a report is written to files, not to a pipe or a device "
                                      "— nothing was written")
    real = [os.path.realpath(p) for p in paths.values()]
    if len(set(real)) != len(real):
        raise outputs.OutputError(f"{option} {path}: two of the report's files would be the same file "
                                  "— nothing was written")
    return paths


def write_html_stream(store: Store, report: Report, stream, charts=None) -> None:
    """The report's HTML alone to an open binary stream (standard output): no companion files."""
    _check_unchanged(store, report)
    stream.write(render_html(report, charts).encode("utf-8"))
    stream.flush()


def write_report(store: Store, report: Report, path: Path | str, formats=("html",), charts=None,
                 progress: Progress | None = None, option: str = "--output") -> list[Path]:
    """Write the report in ``formats`` and its companion files; returns the files written, in order.

    ``charts`` draws the figures (``svg``, ``png``; ``write_pdf`` for PDF); None leaves them out.
    ``progress(done, total)`` returning False cancels (``progress.Cancelled``), with nothing written.
    """
    formats = parse_formats(formats)
    paths = check_paths(store, path, formats, option)
    _check_writers(formats, charts)  # a format this build cannot write is told before any work
    _check_unchanged(store, report)
    figures = [b for b in report.blocks if isinstance(b, Figure)]
    drawn = sum(len(figures) for f in formats if f in ("html", "docx") and charts is not None)
    total = drawn + len(formats) + len(COMPANIONS)
    done = 0
    cancelled = f"{path}: report cancelled; nothing was written"

    def step() -> None:
        nonlocal done
        done += 1
        tick(progress, done, total, cancelled)

    protect = outputs.database_files(store.path)
    tick(progress, 0, total, cancelled)
    with contextlib.ExitStack() as stack:
        for fmt in formats:
            target = paths[fmt]
            if fmt == "html":
                text = render_html(report, charts, on_figure=step)
                fh = stack.enter_context(outputs.open_output(target, mode="wb", protect=protect, option=option))
                fh.write(text.encode("utf-8"))
            elif fmt == "docx":
                write_docx = _docx_writer()
                fh = stack.enter_context(outputs.open_output(target, mode="wb", protect=protect, option=option))
                write_docx(report, fh, _images(charts, step))
            else:
                tmp = stack.enter_context(outputs.output_path(target, protect=protect, option=option))
                charts.write_pdf(report, tmp)
            step()
        if report.flt is not None:
            tmp = stack.enter_context(outputs.output_path(paths["csv"], protect=protect, option=option))
            export_records(store, tmp, report.flt, option=option)
        step()
        for kind, text in (("csl", csl_json(list(report.sources))), ("bib", bibtex(list(report.sources)))):
            fh = stack.enter_context(outputs.open_output(paths[kind], mode="wb", protect=protect, option=option))
            fh.write(text.encode("utf-8"))
            step()
    written = [paths[f] for f in formats] + ([paths["csv"]] if report.flt is not None else [])
    return written + [paths["csl"], paths["bib"]]


def _check_writers(formats: tuple[str, ...], charts) -> None:
    if "docx" in formats:
        _docx_writer()
    if "pdf" in formats:
        if charts is None or not hasattr(charts, "write_pdf"):
            raise StanceError("PDF output needs the chart renderer, which draws it; use --format html or docx")
        if hasattr(charts, "can_write_pdf") and not charts.can_write_pdf():
            raise StanceError("PDF output is not yet available in this version of stancetracker; "
                              "use --format html or docx")


def _check_unchanged(store: Store, report: Report) -> None:
    """Refuse to write a report whose records changed since it was built (the table and CSV would differ)."""
    if report.flt is None or not report.data_version:
        return
    if method.data_version(store.records(report.flt)) != report.data_version:
        raise StanceError("the records in the report's scope changed since it was built; build it again "
                          "— nothing was written")


def _images(charts, step: Callable[[], None]) -> Callable[[Figure], bytes]:
    """``images(figure) -> PNG bytes`` for the DOCX writer; it always gives an image or raises."""
    def images(fig: Figure) -> bytes:
        if charts is None:
            raise StanceError("a DOCX report with charts needs the chart renderer; leave the charts out "
                              "(--no-charts) or give one")
        try:
            return charts.png(fig.request, round(fig.width * DOCX_DPI / 96), round(fig.height * DOCX_DPI / 96),
                              DOCX_DPI)
        finally:
            step()
    return images


def _docx_writer():
    try:
        write_docx = importlib.import_module("stancetracker.core.report.docx").write_docx
    except ModuleNotFoundError as err:
        if err.name == "stancetracker.core.report.docx":
            raise StanceError("DOCX output is not yet available in this version of stancetracker; "
                              "use --format html") from None
        if err.name == "docx":
            raise StanceError("DOCX output needs the python-docx package, which is not installed") from None
        raise
    return write_docx


__all__ = ["COMPANIONS", "FORMATS", "check_paths", "output_paths", "parse_formats", "write_report"]
