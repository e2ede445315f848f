"""Reliability: studies (blind double coding), agreement between coders, adjudication and positions.

The study commands load no NumPy; agreement and positions load it inside the command (issue 13).
"""

from __future__ import annotations

import json

import click

from stancetracker.cli.base import CliState
from stancetracker.cli.options import BLIND_STUDY, FORMAT, emit, filter_options, record_filter, who_sees
from stancetracker.core.db import studies as S
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.units import describe
from stancetracker.core.model.entities import CONFIDENCES, fmt_score
from stancetracker.core.model.stored_values import visible


# ------------------------------------------------------------------ studies
@click.group("study")
def study_group():
    """Reliability studies: a sample of units that several coders code blind."""


@study_group.command("create")
@click.argument("slug")
@click.option("--name", default="", help="The study's name (default: its slug).")
@click.option("--source", "-s", "sources", multiple=True, help="Only units of this source (slug; repeatable).")
@click.option("--actor", "-a", multiple=True, help="Only units of this actor (repeatable).")
@click.option("--dimension", "-d", multiple=True, help="Only units on this dimension (repeatable).")
@click.option("--random", "size", type=click.IntRange(1), help="Draw this many of those units at random.")
@click.option("--seed", type=int, default=1, show_default=True, help="The random draw's seed (reproducible).")
@click.pass_obj
def study_create(obj: CliState, slug, name, sources, actor, dimension, size, seed):
    """Make a study of the units the sample rule picks among the records there are now."""
    store = obj.store()
    actors = [store.actor(a).slug for a in actor]
    dims = [store.dimension(d).slug for d in dimension]
    rule = {"sources": list(sources), "actors": actors, "dimensions": dims, "size": size,
            "seed": seed if size else None}
    units = S.sample_units(store, sources, actors, dims, size, seed)
    st = S.create_study(store, slug, name, units, rule)
    click.echo(f"Made study {st.slug} ({st.units} unit{'s' if st.units != 1 else ''}); assign coders with "
               f"'stancetracker study assign {st.slug} CODER…'")


def _study_item(st: S.Study) -> dict:
    return {"slug": st.slug, "name": st.name, "units": st.units, "rule": st.rule, "created_at": st.created_at,
            "coders": [{"coder": c, "coded": st.coded.get(c, 0), "done_at": d} for c, d in st.coders.items()]}


@study_group.command("list")
@FORMAT
@click.pass_obj
def study_list(obj: CliState, fmt):
    """List the studies: units, coders and how far each has got."""
    found = S.studies(obj.store(readonly=True))
    if fmt != "table":
        emit(fmt, "study list", map(_study_item, found))
        return
    for st in found:
        coders = ", ".join(f"{c} {st.coded.get(c, 0)}/{st.units}{' done' if d else ''}" for c, d in st.coders.items())
        click.echo(f"{st.slug:<20} {st.units:>5} units  {visible(st.name, 40):<40} {coders or '(no coders)'}")
    click.echo(f"{len(found)} stud{'ies' if len(found) != 1 else 'y'}")


@study_group.command("show")
@click.argument("slug")
@click.pass_obj
def study_show(obj: CliState, slug):
    """A study's sample rule, coders, progress and units."""
    store = obj.store(readonly=True)
    st = S.study(store, slug)
    click.echo(f"{st.slug}: {visible(st.name, 200)} (made {st.created_at[:10]})")
    click.echo(f"sample rule: {json.dumps(st.rule, sort_keys=True)}")
    for c, d in st.coders.items():
        state = f"done {d[:19].replace('T', ' ')}" if d else "coding blind"
        click.echo(f"coder {c}: {st.coded.get(c, 0)} of {st.units} units coded, {state}")
    if not st.coders:
        click.echo("no coders assigned yet")
    for unit in S.study_units(store, slug):
        click.echo(f"  {visible(describe(unit), 200)}")


@study_group.command("assign")
@click.argument("slug")
@click.argument("coders", nargs=-1, required=True)
@click.pass_obj
def study_assign(obj: CliState, slug, coders):
    """Assign coders to a study; each codes its units blind until 'study done'."""
    st = S.assign(obj.store(), slug, list(coders))
    click.echo(f"Study {st.slug}: coders {', '.join(st.coders)}")


@study_group.command("done")
@click.argument("slug")
@click.pass_obj
def study_done(obj: CliState, slug):
    """Mark the study done for --coder: blindness ends, and their records on its units join the study."""
    store = obj.store()
    n = S.mark_done(store, slug, store.user)
    click.echo(f"{store.user} is done with study {slug}: {n} record{'s' if n != 1 else ''} joined it")


# ---------------------------------------------------------------- agreement
@click.command()
@click.option("--study", "study_slug", help="Only this study's units and coders.")
@click.option("--source", "-s", "sources", multiple=True, help="Only units of this source (repeatable).")
@click.option("--actor", "-a", multiple=True, help="Actor (repeatable).")
@click.option("--dimension", "-d", multiple=True, help="Dimension (repeatable).")
@click.option("--coder", multiple=True, help="Only these coders (repeatable).")
@click.option("--level", type=click.Choice(("nominal", "ordinal", "interval")), default="ordinal", show_default=True,
              help="Level of measurement of the scores.")
@FORMAT
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@BLIND_STUDY
@click.pass_obj
def agreement(obj: CliState, study_slug, sources, actor, dimension, coder, level, fmt, as_json):
    """Agreement between coders: Krippendorff's alpha with its 95% interval, per pair of coders, per dimension."""
    from stancetracker.core.analysis.agreement import agreement as measure

    store = obj.store(readonly=True)
    if study_slug:
        S.study(store, study_slug)  # NotFound for an unknown one
    flt = who_sees(store, RecordFilter(actors=[store.actor(a).slug for a in actor],
                                       dimensions=[store.dimension(d).slug for d in dimension], coders=list(coder)))
    result = measure(store, flt, level, study_slug, sources=list(sources))
    if as_json or fmt != "table":
        emit("json" if as_json else fmt, "agreement", [result.as_json()])
        return
    a = "not defined" if result.alpha is None else f"{result.alpha:.3f}"
    ci = f" (95% interval {result.ci95[0]:.3f} to {result.ci95[1]:.3f})" if result.ci95 else ""
    click.echo(f"Krippendorff's alpha ({level}): {a}{ci}")
    click.echo(f"{result.units} units coded by two or more coders, {result.values} pairable values; "
               f"coders: {', '.join(result.coders) or 'none'}")
    if result.note:
        click.echo(f"note: {result.note}")
    for p in result.pairs:
        kappa = "—" if p["kappa_quadratic"] is None else f"{p['kappa_quadratic']:.3f}"
        click.echo(f"{p['coders'][0]} × {p['coders'][1]}: {p['units']} units, exact {p['exact']:.0%}, "
                   f"within one {p['within_one']:.0%}, quadratic kappa {kappa}, same confidence "
                   f"{p['confidence_exact']:.0%}")
    conf = result.confidence
    if conf.get("alpha") is not None:
        click.echo(f"confidence: alpha (ordinal) {conf['alpha']:.3f}")
    for dim, tables in result.confusion.items():
        for pair, t in tables.items():
            click.echo(f"\n{dim}: {pair} (rows {t['rows']}, columns {t['columns']})")
            click.echo("      " + "".join(f"{fmt_score(v):>5}" for v in t["values"]))
            for v, row in zip(t["values"], t["matrix"]):
                click.echo(f"{fmt_score(v):>5} " + "".join(f"{n:>5}" for n in row))


# ------------------------------------------------------------- adjudication
@click.group("adjudicate")
def adjudicate_group():
    """The units where coders disagree, and consensus records that settle them."""


def _disagreement_item(d) -> dict:
    source, _place, actor, dim = (d.unit.split("|") + ["", "", "", ""])[:4]
    return {"unit_id": d.id, "unit": d.unit, "source_slug": source, "actor_slug": actor, "dimension_slug": dim,
            "distance": d.distance, "coders": d.coders,
            "records": [{"uuid": r.uuid, "coder": r.coder, "date": r.date.iso if r.date else None, "score": r.score,
                         "confidence": r.confidence, "locator": r.locator, "evidence": r.evidence}
                        for r in d.records]}


@adjudicate_group.command("list")
@filter_options
@click.option("--min-distance", type=click.FloatRange(0, 4), default=1.0, show_default=True,
              help="Coders' scores at least this far apart.")
@click.option("--sign", is_flag=True, help="Also the units where one coder scored above 0 and another below.")
@FORMAT
@click.pass_obj
def adjudicate_list(obj: CliState, actor, dimension, since, until, coder, query, min_confidence, min_distance, sign,
                    fmt):
    """The queue: units where coders disagree, each coder's score, confidence and evidence side by side."""
    from stancetracker.core.coding.adjudication import queue

    store = obj.store(readonly=True)
    found = queue(store, record_filter(store, actor, dimension, since, until, coder, query, min_confidence),
                  min_distance, sign)
    if fmt != "table":
        emit(fmt, "adjudicate list", map(_disagreement_item, found))
        return
    for d in found:
        click.echo(f"{d.id}  {visible(d.label, 200)}  (apart by {fmt_score(d.distance)})")
        for r in d.records:
            click.echo(f"    {visible(r.coder, 20):<20} {r.shown('score'):>4} [{visible(r.confidence, 6)}] "
                       f"{visible(r.date.short() if r.date else r.shown('date'), 12)}  "
                       f"{visible(' '.join(r.evidence.split()), 160)}")
    click.echo(f"{len(found)} unit{'s' if len(found) != 1 else ''} to adjudicate")


@adjudicate_group.command("settle")
@click.argument("unit")
@click.option("--score", type=click.FloatRange(-2, 2), required=True, help="The consensus score.")
@click.option("--confidence", type=click.Choice(CONFIDENCES),
              help="Its confidence (default: the lowest of the records it settles).")
@click.option("--evidence", help="Its evidence note (default: says whose records it settles).")
@click.pass_obj
def adjudicate_settle(obj: CliState, unit, score, confidence, evidence):
    """Write the consensus record of a unit (by its id from 'adjudicate list'), linked to the records it settles."""
    from stancetracker.core.coding.adjudication import settle

    store = obj.store()
    row = settle(store, unit, score, confidence, evidence)
    click.echo(f"Settled {unit}: consensus record {row.uuid} ({fmt_score(row.score)}, {row.confidence}) by "
               f"{row.coder}; 'stancetracker revert' of the last operation takes it back")


# ---------------------------------------------------------------- positions
@click.command()
@filter_options
@click.option("--period", type=click.Choice(("month", "quarter", "year")),
              help="One position per period instead of per date.")
@FORMAT
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv.")
@click.pass_obj
def positions(obj: CliState, actor, dimension, since, until, coder, query, min_confidence, period, fmt, as_json,
              as_csv):
    """Positions per actor × dimension × date: the mean of the records, its range and 68% interval, and counts."""
    from stancetracker.core.analysis.positions import positions as find

    fmt = "json" if as_json else "csv" if as_csv else fmt
    store = obj.store(readonly=True)
    found = find(store, record_filter(store, actor, dimension, since, until, coder, query, min_confidence),
                 period or "date")
    if fmt != "table":
        emit(fmt, "positions", (p.item() for p in found))
        return
    click.echo(f"{'actor':<20}  {'dimension':<10}  {'date':<10}  {'mean':>5}  {'range':<11}  {'68% interval':<13}  "
               "records sources coders")
    for p in found:
        rng = f"{fmt_score(p.low)} to {fmt_score(p.high)}" if p.records > 1 else ""
        ival = f"{p.interval[0]:.2f} to {p.interval[1]:.2f}" if p.interval else ""
        click.echo(f"{visible(p.actor, 20):<20}  {visible(p.dimension_slug, 10):<10}  {p.period:<10}  "
                   f"{p.mean:>5.2f}  {rng:<11}  {ival:<13}  {p.records:>7} {p.sources:>7} {p.coders:>6}")
    click.echo(f"{len(found)} position{'s' if len(found) != 1 else ''} (mean of the records on each date or period)")


COMMANDS = (study_group, agreement, adjudicate_group, positions)
