"""The report's content: from the records in scope to a :class:`~document.Report` any writer renders.

Sections, in order: the title block; the charts that fit the scope; what
changed (each shift with the evidence on both sides); the records, one table
row each with a numbered citation; the sources (the notes the numbers point
to, and the bibliography); the method (see :mod:`method`). Citations are
numbered in the order of the records table, one number per source and
locator, and the evidence quoted under "what changed" cites the same numbers.
Only the analysts' own evidence notes are quoted, never a source's text.
"""

from __future__ import annotations

import datetime as _dt

from stancetracker.core.analysis import series as _series
from stancetracker.core.analysis.annotations import join_names
from stancetracker.core.analysis.wording import value_text
from stancetracker.core.analysis.request import ChartRequest
from stancetracker.core.db.consensus import consensus_ids
from stancetracker.core.db.query import RecordFilter, RecordRow
from stancetracker.core.db.store import Store
from stancetracker.core.model.entities import Dimension
from stancetracker.core.report import method
from stancetracker.core.report.citations import Bibliography, bibliography
from stancetracker.core.report.document import (
    Block,
    BulletList,
    Citation,
    Evidence,
    Figure,
    Heading,
    Paragraph,
    Report,
    Shift,
    Table,
)
from stancetracker.core.report.scope import ReportScope, ResolvedScope, period_text, resolve
from stancetracker.core.report.text import date_text, plain, score_text, text_block

# A timeline of more actors than this is a tangle: with no actors chosen, the ones with most records are drawn.
MAX_TIMELINE_ACTORS = 6
# Profiles are drawn for the chosen actors, or for all of them when there are this few.
MAX_PROFILES = 3
# Chart sizes in 96-dpi pixels: about a printed page's width (17 cm is 640 px), so that a PDF, which lays
# the chart out at its printed size, and a screen, which scales the image, show the same proportions.
TIMELINE_SIZE = {"width": 960, "height": 680}
PROFILE_SIZE = {"width": 960, "height": 1100}
RECORD_COLUMNS = ("Date", "Actor", "Dimension", "Score", "Confidence", "Evidence", "Source")
RECORD_WIDTHS = (0.09, 0.1, 0.12, 0.11, 0.11, 0.33, 0.14)


class _Citer:
    """Numbers citations by first use: one number per source and locator."""

    def __init__(self, bib: Bibliography):
        self.bib = bib
        self.numbers: dict[tuple[str, str], int] = {}
        self.citations: list[Citation] = []

    def cite(self, row: RecordRow) -> tuple[int, ...]:
        if not row.source:
            return ()
        key = (row.source, locator_text(plain(row.locator), plain(row.source_title)))
        if key not in self.numbers:
            n = len(self.citations) + 1
            self.numbers[key] = n
            short = self.bib.short.get(row.source, row.source)
            self.citations.append(Citation(n, row.source, key[1], f"{short}, {key[1]}" if key[1] else short))
        return (self.numbers[key],)


def locator_text(locator: str, title: str) -> str:
    """The locator without a trailing ' · <the title's first words>…', which the note already names."""
    head, sep, tail = locator.rpartition(" · ")
    fold = lambda s: s.replace("\u2019", "'").replace("\u2018", "'").rstrip("…").strip().casefold()
    if sep and head and fold(tail) and fold(title).startswith(fold(tail)):
        return head
    return locator


def build_report(store: Store, scope: ReportScope, command_line: str = "",
                 now: _dt.datetime | None = None, charts: bool = True) -> Report:
    """The report on the records in ``scope`` (NotFound / EmptyScope in one line when it cannot be built).

    ``charts=False`` leaves the figures out.
    """
    rs = resolve(store, scope)
    now = now or _dt.datetime.now(_dt.timezone.utc)
    dims = {d.slug: d for d in store.dimensions()}
    order = {d.slug: i for i, d in enumerate(rs.dimensions)}
    rows = sorted(store.records(rs.flt), key=lambda r: (r.date.value if r.date else _dt.date.max,
                                                        plain(r.actor_name).casefold(), order.get(r.dimension, 0), r.id))
    sources = {s.slug: s for s in store.sources()}
    cited = list(dict.fromkeys(r.source for r in rows if r.source and r.source in sources))
    bib = bibliography([sources[s] for s in cited])
    citer = _Citer(bib)
    records_table = _records_table(rows, dims, citer)  # first: it numbers the citations
    title = plain(rs.title) or default_title(rs, rows)
    coders = sorted({plain(r.coder) for r in rows if r.coder}, key=str.casefold)
    blocks: list[Block] = [Heading(1, title, "top"), *_title_block(rs, rows, coders, now),
                           *_view_line(rs, rows, coders, consensus_ids(store))]
    if charts:
        blocks += _figures(rs, rows)
    blocks += _what_changed(store, rs, dims, citer)
    blocks += [Heading(2, "Records", "records"),
               Paragraph(f"Every record in the scope of this report, by date ({len(rows):,}). Each cites its "
                         "source and the place in it (the locator); the numbers are listed under Sources.",
                         style="note"),
               records_table]
    blocks += _sources(bib, citer, rows)
    version = method.data_version(rows)
    command = command_line or method.command_for(store, scope, rs)
    blocks += method.method_section(rs, rows, coders, len(cited), version, store, now, command)
    return Report(title=title, created=now, blocks=tuple(blocks), citations=tuple(citer.citations),
                  sources=tuple(bib.entries), record_uuids=tuple(r.uuid for r in rows), data_version=version,
                  command_line=command, language="en", flt=rs.flt)


def default_title(rs: ResolvedScope, rows: list[RecordRow]) -> str:
    """'Stances of Muqtada al-Sadr, 2003–2024'; 'Stances of 12 actors, …' when none were chosen and many."""
    if rs.chosen_actors or len(rs.actors) <= 3:
        who = join_names([plain(a.name) for a in rs.actors])
    else:
        who = f"{len(rs.actors)} actors"
    years = sorted({r.date.value.year for r in rows if r.date})
    span = "" if not years else f", {years[0]}" if years[0] == years[-1] else f", {years[0]}–{years[-1]}"
    return f"Stances of {who}{span}"


def _title_block(rs: ResolvedScope, rows: list[RecordRow], coders: list[str], now: _dt.datetime) -> list[Block]:
    dated = [r.date for r in rows if r.date]
    first, last = (min(dated), max(dated)) if dated else (None, None)
    period = period_text(rs.since, rs.until)
    if first:
        period += f" (records dated {date_text(first)} to {date_text(last)})"
    actors = ", ".join(plain(a.name) for a in rs.actors)
    if not rs.chosen_actors:
        actors = f"all actors with records in scope: {actors}"
    lines = [f"Date: {now.astimezone(_dt.timezone.utc).strftime('%-d %B %Y, %H:%M UTC')}",
             f"Coders: {', '.join(coders) or 'not recorded'}",
             f"Actors: {actors}",
             f"Dimensions: {', '.join(plain(d.label) for d in rs.dimensions)}",
             f"Period: {period}"]
    narrowing = []
    if rs.flt.coders:
        narrowing.append(f"records by {', '.join(rs.flt.coders)}")
    if rs.flt.min_confidence and rs.flt.min_confidence != "low":
        narrowing.append(f"{rs.flt.min_confidence} confidence or more")
    if rs.flt.query.strip():
        narrowing.append(f"evidence or locator matching {plain(rs.flt.query.strip())!r}")
    if narrowing:
        lines.append(f"Only: {'; '.join(narrowing)}")
    return [Paragraph(line, style="meta") for line in lines]


def _view_line(rs: ResolvedScope, rows: list[RecordRow], coders: list[str], consensus: set[int]) -> list[Block]:
    """Whose records the report holds, when it matters: how many consensus records stand in for the
    records they settle, every coder's records side by side, or one coder's only (docs/reliability.md)."""
    view = rs.flt.view
    if view.startswith("coder:"):
        return [Paragraph(f"View: only the records of coder {plain(view[6:])}", style="meta")]
    n_consensus = sum(1 for r in rows if r.id in consensus)
    if view == "consensus" and n_consensus:
        return [Paragraph(f"View: consensus; {n_consensus:,} of the {len(rows):,} records are consensus records "
                          "from adjudication, each standing in for the coders' records it settles", style="meta")]
    if view == "all" and len(coders) > 1:
        return [Paragraph("View: every coder's records, so a unit two coders coded appears once for each"
                          + (f", beside the {n_consensus:,} consensus records settling such units"
                             if n_consensus else ""),
                          style="meta")]
    return []


def _chart_filter(rs: ResolvedScope) -> RecordFilter:
    return RecordFilter(since=rs.since, until=rs.until, coders=list(rs.flt.coders),
                        min_confidence=rs.flt.min_confidence, query=rs.flt.query, **rs.flt.scoped())


def _figures(rs: ResolvedScope, rows: list[RecordRow]) -> list[Block]:
    """A timeline per dimension, the comparison of two actors, each actor's profile."""
    flt = _chart_filter(rs)
    names = {a.slug: plain(a.name) for a in rs.actors}
    period = period_text(rs.since, rs.until)
    figures: list[Figure] = []
    for d in rs.dimensions:
        on_dim = [a for a in rs.actor_slugs if rs.counts.get((a, d.slug))]
        if not on_dim:
            continue
        drawn = on_dim
        if not rs.chosen_actors and len(on_dim) > MAX_TIMELINE_ACTORS:
            drawn = sorted(on_dim, key=lambda a: -rs.counts[(a, d.slug)])[:MAX_TIMELINE_ACTORS]
        n = sum(rs.counts[(a, d.slug)] for a in drawn)
        who = join_names([names[a] for a in drawn])
        more = f" (the {len(drawn)} of {len(on_dim)} actors with most records)" if drawn != on_dim else ""
        figures.append(Figure(
            ChartRequest("timeline", drawn, d.slug, rs.since, rs.until, title=f"{who} on {plain(d.label)}", flt=flt),
            f"{plain(d.label)}: {who}{more}, {period}. Each step is a coded stance, held until the next "
            f"({n:,} records); −2 {d.score_label(-2)} to +2 {d.score_label(2)}.",
            alt=f"Timeline of {who} on {plain(d.label)} from {n:,} records.", **TIMELINE_SIZE))
    if len(rs.actors) == 2:
        a, b = rs.actor_slugs
        figures.append(Figure(
            ChartRequest("compare", [a, b], since=rs.since, until=rs.until, flt=flt,
                         title=f"{names[a]} and {names[b]}"),
            f"How far apart {names[a]} and {names[b]} stand, over the dimensions both have records on.",
            alt=f"Comparison of {names[a]} and {names[b]}.", **TIMELINE_SIZE))
    if rs.chosen_actors or len(rs.actors) <= MAX_PROFILES:
        for a in rs.actor_slugs:
            figures.append(Figure(
                ChartRequest("profile", [a], since=rs.since, until=rs.until, flt=flt, title=names[a]),
                f"Profile of {names[a]}: every dimension with records, and the groups the actor belongs to.",
                alt=f"Profile of {names[a]} on every dimension.", **PROFILE_SIZE))
    if not figures:
        return []
    numbered = [Figure(f.request, f"Figure {i}. {f.caption}", f.width, f.height, f.alt)
                for i, f in enumerate(figures, 1)]
    return [Heading(2, "Charts", "charts"), *numbered]


def _what_changed(store: Store, rs: ResolvedScope, dims: dict[str, Dimension], citer: _Citer) -> list[Block]:
    found = _series.shifts(store, rs.actor_slugs, rs.dimension_slugs, rs.flt)
    names = {a.slug: plain(a.name) for a in rs.actors}
    out: list[Block] = [Heading(2, "What changed", "changes")]
    if not found:
        out.append(Paragraph("No shift in the scope of this report: no two consecutive observations of an actor "
                             "on a dimension differ by 2 points or more or change sign."))
        return out
    out.append(Paragraph(
        f"{len(found)} shift{'s' if len(found) != 1 else ''}: a change of 2 points or more, or of sign, between "
        "two consecutive observations of an actor on a dimension, with the evidence on each side in the "
        "analyst's words.", style="note"))
    for sh in found:
        d = dims[sh.dimension]
        before, after = _side(sh.before_records, d, citer), _side(sh.after_records, d, citer)
        summary = (f"{names.get(sh.actor, sh.actor)} on {plain(d.label)}: "
                   f"{_position(sh.before, sh.before_records, d)} {_when(sh.before_records)} → "
                   f"{_position(sh.after, sh.after_records, d)} {_when(sh.after_records)}")
        out.append(Shift(summary, before, after, sign_change=sh.sign_change))
    return out


def _position(score: float, recs: list[RecordRow], d: Dimension) -> str:
    """'+1 pro-Iran'; several records: '−0.5 (average of 2: −1 to 0)', as every chart and listing says it."""
    scores = [r.score for r in recs if r.score is not None]
    return value_text(scores or [score], d)


def _when(recs: list[RecordRow]) -> str:
    dates = [r.date for r in recs if r.date]
    if not dates:
        return ""
    coarsest = max(dates, key=lambda p: ("day", "month", "year").index(p.precision))
    return ("on " if coarsest.precision == "day" else "in ") + date_text(coarsest)


def _side(recs: list[RecordRow], d: Dimension, citer: _Citer) -> tuple[Evidence, ...]:
    out = []
    for r in recs:
        cites = citer.cite(r)
        score = f"{score_text(r.score)} {d.score_label(r.score)}" if r.score is not None else r.shown("score")
        out.append(Evidence(date_text(r.date) if r.date else r.shown("date"), score,
                            text_block(r.evidence) or "(no evidence note)", cites[0] if cites else 0))
    return tuple(out)


def _records_table(rows: list[RecordRow], dims: dict[str, Dimension], citer: _Citer) -> Table:
    cells, cites = [], []
    for r in rows:
        d = dims.get(r.dimension)
        if r.score is None:
            score = r.shown("score")
        else:
            score = f"{score_text(r.score)} {d.score_label(r.score) if d else r.score_label}"
        date = f"{date_text(r.date)} ({r.date.precision})" if r.date else r.shown("date")
        c = citer.cite(r)
        where = citer.citations[c[0] - 1].text if c else "no source recorded"
        cells.append((date, plain(r.actor_name), plain(r.dimension_label), score, plain(r.confidence),
                      text_block(r.evidence), where))
        cites.append(c)
    return Table(RECORD_COLUMNS, tuple(cells), tuple(cites), tuple(r.uuid for r in rows),
                 caption=f"Records in scope ({len(rows):,})", widths=RECORD_WIDTHS)


def _sources(bib: Bibliography, citer: _Citer, rows: list[RecordRow]) -> list[Block]:
    out: list[Block] = [Heading(2, "Sources", "sources")]
    unsourced = sum(1 for r in rows if not r.source)
    intro = (f"{len(bib.entries)} source{'s' if len(bib.entries) != 1 else ''} cited. The notes give, for each "
             "citation number, the source and the place in it; the bibliography lists the sources by author and "
             "date. The same entries are written beside this report as CSL-JSON and BibTeX.")
    if unsourced:
        intro += f" {unsourced:,} record{'s have' if unsourced != 1 else ' has'} no source recorded."
    out.append(Paragraph(intro, style="note"))
    if citer.citations:
        out += [Heading(3, "Notes", "notes"),
                BulletList(tuple(c.text for c in citer.citations), numbered=True,
                           anchors=tuple(f"cite-{c.number}" for c in citer.citations))]
    out.append(Heading(3, "Bibliography", "bibliography"))
    out += [Paragraph(e.text, anchor=f"src-{e.key}") for e in bib.entries]
    return out


__all__ = ["MAX_PROFILES", "MAX_TIMELINE_ACTORS", "RECORD_COLUMNS", "build_report", "default_title"]
