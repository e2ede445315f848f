"""The report's method section: the codebook of each dimension in scope, the coding rules, what stands
behind the report, and the data version with the command that reproduces it.

The data version is the SHA-256 of the records in scope, one line each in the
order of their UUIDs: the UUID, the version and every coded value (actor,
dimension, date and precision, score, confidence, source, locator, evidence,
coder). Any edit, addition or removal in scope changes it; a change outside
the scope, or building the report again, does not.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import shlex

from stancetracker.core.analysis import agreement
from stancetracker.core.analysis import alpha as A
from stancetracker.core.db.query import DEFAULT_VIEW, RecordRow
from stancetracker.core.db.store import Store
from stancetracker.core.model.entities import Dimension
from stancetracker.core.report.document import Block, Heading, Paragraph, Table
from stancetracker.core.report.scope import ReportScope, ResolvedScope, resolve
from stancetracker.core.report.text import plain, score_text, text_block


DATES_TEXT = (
    "Each record is dated when the stance was held or expressed, not when the source was published, and as "
    "precisely as the source allows: a day, a month or a year. A date is stored as the first day of its "
    "period with its precision (January 2020 is 2020-01-01, month precision), and the table prints it at that "
    "precision. Relative dates in a source (\"last year\") are resolved against its publication date. A stance "
    "holds from its date until the next record of the same actor on the same dimension; records on the same "
    "date are averaged, and their spread is kept.")
CONFIDENCE_TEXT = (
    "Confidence says how firmly the source supports the score for that actor at that date. High: the source "
    "reports, in its own voice, a dated public statement or action from which the score follows directly. "
    "Medium: an author's characterisation, a reported private meeting, or one step of interpretation. Low: "
    "speculation, unnamed or contested sources, accusations and weak inferences.")
SHIFTS_TEXT = (
    "A shift is a change between two consecutive observations of an actor on a dimension of 2 points or more, "
    "or a change of sign; \"What changed\" lists every shift in scope with the records on both sides.")


def data_version(rows: list[RecordRow]) -> str:
    """The SHA-256 (hex) of the records, in UUID order, by what each holds (see the module's docstring)."""
    h = hashlib.sha256()
    for r in sorted(rows, key=lambda r: r.uuid):
        date = r.date.iso if r.date else r.stored.get("date", "")
        precision = r.date.precision if r.date else r.stored.get("date_precision", "")
        score = repr(float(r.score)) if r.score is not None else r.stored.get("score", "")
        line = [r.uuid, r.version, r.actor, r.dimension, date, precision, score, r.confidence, r.source or "",
                r.locator, r.evidence, r.coder]
        h.update(json.dumps(line, ensure_ascii=False, default=str).encode("utf-8") + b"\n")
    return h.hexdigest()


def levels(d: Dimension) -> list[tuple[int, str]]:
    """Each level's meaning from the dimension's codebook ('-2: …' lines); the poles when it has none."""
    return [(lvl, plain(text)) for lvl, text in d.level_texts(text_block(d.codebook)).items()]


def command_for(store: Store, scope: ReportScope, rs: ResolvedScope | None = None,
                output: str = "report.html", formats: tuple[str, ...] = ("html",), charts: bool = True) -> str:
    """The command line that writes this report again (names by slug; the database by its file name)."""
    args = ["stancetracker"]
    if store.path is not None:
        args += ["--db", store.path.name]
    args.append("report")
    if rs is None:
        rs = resolve(store, scope)
    for a in rs.actor_slugs if rs.chosen_actors else ():
        args += ["--actor", a]
    for d in rs.dimension_slugs if rs.chosen_dimensions else ():
        args += ["--dimension", d]
    if rs.since:
        args += ["--since", rs.since.short()]
    if rs.until:
        args += ["--until", rs.until.short()]
    flt = scope.flt
    if flt is not None:
        for c in flt.coders:
            args += ["--coder", c]
        if flt.min_confidence:
            args += ["--min-confidence", flt.min_confidence]
        if flt.query.strip():
            args += ["--query", flt.query.strip()]
    if rs.flt.view != DEFAULT_VIEW:  # the command line reads the consensus view unless told otherwise
        args += ["--view", rs.flt.view]
    if scope.title.strip():
        args += ["--title", plain(scope.title)]
    if tuple(formats) != ("html",):
        args += ["--format", ",".join(formats)]
    if not charts:
        args.append("--no-charts")
    args += ["-o", output]
    return " ".join(shlex.quote(a) for a in args)


def method_section(rs: ResolvedScope, rows: list[RecordRow], coders: list[str], n_sources: int, version: str,
                   store: Store, now: _dt.datetime, command: str) -> list[Block]:
    """Headings, paragraphs and tables of the method section."""
    out: list[Block] = [Heading(2, "Method", "method"), Paragraph(
        "Each record is one coded observation: an actor's stance on one question (a dimension) at one date, "
        "scored from −2 to +2, with the source and the place in it, the analyst's note of what the source "
        "reports, a confidence and the coder's name.")]
    for d in rs.dimensions:
        out.append(Heading(3, f"Dimension: {plain(d.label)}", f"dimension-{d.slug}"))
        if d.question.strip():
            out.append(Paragraph(text_block(d.question)))
        rows_ = tuple((score_text(lvl), d.score_label(lvl), text) for lvl, text in levels(d))
        out.append(Table(("Score", "Label", "Meaning"), rows_, caption=f"Levels of {plain(d.label)}",
                         widths=(0.1, 0.25, 0.65)))
    out += [Heading(3, "Dates, precision and confidence", "coding"), Paragraph(DATES_TEXT),
            Paragraph(CONFIDENCE_TEXT), Paragraph(SHIFTS_TEXT)]
    out.append(Heading(3, "What stands behind this report", "counts"))
    n = len(rows)
    out.append(Paragraph(
        f"{n:,} record{'s' if n != 1 else ''} from {n_sources:,} source{'s' if n_sources != 1 else ''}, coded by "
        f"{len(coders):,} coder{'s' if len(coders) != 1 else ''}" + (f" ({', '.join(coders)})." if coders else ".")))
    out += agreement_blocks(store, rs.flt)
    db = store.path.name if store.path is not None else "an in-memory database"
    stamp = now.astimezone(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    out += [Heading(3, "Data version", "version"),
            Paragraph(f"Data version {version[:16]} (SHA-256 of the {n:,} records in scope, by UUID, version and "
                      f"content: {version}), read from {db} on {stamp}.", style="note"),
            Paragraph("This report is written again, from the same records, by:", style="note"),
            Paragraph(command, style="quote")]
    return out


def agreement_blocks(store: Store, flt) -> list[Block]:
    """How far coders agree on the units in scope (docs/reliability.md), or that no unit was coded twice."""
    result = agreement.agreement(store, flt)
    out: list[Block] = [Heading(3, "Agreement between coders", "agreement")]
    if result.alpha is None or result.ci95 is None:
        out.append(Paragraph(
            f"No agreement figure stands behind these scores: {result.note or 'no unit was coded by two coders'} "
            "in the scope of this report (a unit is a passage, or a source and locator, × actor × dimension)."))
        return out
    lo, hi = result.ci95
    text = (f"{result.units:,} units in scope were coded by two or more coders ({', '.join(result.coders)}), "
            f"{result.values:,} values in all. Krippendorff's alpha ({result.level}) is {result.alpha:.3f}, "
            f"95% bootstrap interval {lo:.3f} to {hi:.3f} ({A.DEFAULT_BOOTSTRAP:,} draws of units, seed "
            f"{A.DEFAULT_SEED}).")
    for pair in result.pairs:
        a, b = pair["coders"]
        exact, within = pair.get("exact"), pair.get("within_one")
        if exact is not None and within is not None:
            text += (f" {a} and {b} gave the same score on {exact:.0%} of the {pair['units']:,} units both "
                     f"coded, and scores within one point on {within:.0%}.")
    out.append(Paragraph(text))
    return out


__all__ = ["CONFIDENCE_TEXT", "DATES_TEXT", "command_for", "data_version", "agreement_blocks", "levels", "method_section"]
