"""The command line: one core call per command (see README for examples)."""

from __future__ import annotations

import contextlib
import shutil
import signal
import sqlite3
import sys
import textwrap
import threading
from pathlib import Path

import click

from stancetracker import __version__
from stancetracker.core.analysis import series
from stancetracker.cli.options import date_option as _date_option
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.db.connection import describe_sqlite_error
from stancetracker.core.exchange.record_import import (
    ImportOptions,
    check_rejects,
    import_records,
    parse_mapping,
    parse_scale,
)
from stancetracker.core.model.errors import ImportFailed, StanceError, ValidationError
from stancetracker.core.project import open_for_reading
from stancetracker.core.db.schema_audit import ForeignSchema
from stancetracker.core.model.entities import (
    ACTOR_KINDS,
    CONFIDENCES,
    SOURCE_KINDS,
    Actor,
    Dimension,
    Event,
    Source,
)
from stancetracker.core.files.outputs import check_output, database_files, to_stdout
from stancetracker.core.files.paths import default_db_path
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.exchange.seeds import load_seeds
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project
from stancetracker.core.model.stored_values import visible
from stancetracker.core.exchange.table_import import detect_table, import_table
from stancetracker.core.exchange.csv_reader import CsvReader


class _Group(click.Group):
    """Turns every error a user can cause into one line and a non-zero exit."""

    def invoke(self, ctx: click.Context):
        from stancetracker.core.db import store as _store
        _store.COMMITTED.clear()
        try:
            return self._invoke(ctx)
        except (KeyboardInterrupt, click.ClickException, OSError) as err:
            if not isinstance(err, KeyboardInterrupt) and not _SIGINT.is_set():
                raise
            # A Ctrl-C inside one of SQLite's callbacks (our authorizer) comes back as "not
            # authorized": whatever failed after a Ctrl-C, the Ctrl-C is what happened.
            click.echo(err=True)  # ends the terminal's ^C
            if not _store.COMMITTED:
                raise _Interrupted("Interrupted; nothing was left half-done") from None
            op_id, what = _store.COMMITTED[-1]
            raise _Interrupted(f"Interrupted after the change was saved as operation {op_id} ({what}); what the "
                               "command had still to write after it (a --rejects file, say) was not written — "
                               f"'stancetracker revert {op_id}' undoes the change") from None

    def _invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ImportFailed as err:
            for p in err.problems[1:20]:
                click.echo(f"  {p}", err=True)
            raise click.ClickException(str(err)) from None
        except StanceError as err:
            raise click.ClickException(str(err)) from None
        except BrokenPipeError:  # output piped into head or less, which closed early
            sys.stderr.close()
            sys.exit(0)
        except sqlite3.Error as err:
            state = ctx.find_object(_Ctx)
            where = state.db_path if state is not None else Path("database")
            raise click.ClickException(describe_sqlite_error(where, err)) from None
        except OSError as err:
            raise click.ClickException(_os_message(err)) from None


class _Interrupted(click.ClickException):
    """Ctrl-C, told as what it left: nothing, or a change already saved."""

    exit_code = 130


def _os_message(err: Exception) -> str:
    if isinstance(err, OSError):
        where = f"{err.filename}: " if getattr(err, "filename", None) else ""
        return f"{where}{err.strerror or err}"
    return f"database error: {err}"


class _Ctx:
    def __init__(self, db: Path | None, coder: str | None):
        self.db_path = db or default_db_path()
        self.coder = coder
        self._store: Store | None = None

    def store(self, *, readonly: bool = False) -> Store:
        if self._store is None:
            if self.db_path == default_db_path():
                self.db_path.parent.mkdir(parents=True, exist_ok=True)
            # A command that only reads still opens read-write (the file itself may be
            # read-only, which the core detects): an older database must be upgradable
            # by any command. Reading commands skip the backup-on-open, and never
            # create a database (issue 12): only init and writing commands do.
            try:
                self._store = open_project(self.db_path, user=self.coder, backup=not readonly, create=not readonly)
            except ForeignSchema as err:
                if not readonly:
                    raise
                # Reading fires no trigger; it goes ahead, read-only, and says what is wrong.
                self._store = open_for_reading(self.db_path, err, user=self.coder)
                click.echo(f"Warning: {err}", err=True)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()




def _filter(store: Store, actor, dimension, since, until, coder, query, min_confidence, trash=False) -> RecordFilter:
    return RecordFilter(
        actors=[store.actor(a).slug for a in actor], dimensions=[store.dimension(d).slug for d in dimension],
        since=_date_option(since, "--since"), until=_date_option(until, "--until"), coders=list(coder),
        min_confidence=min_confidence, query=query or "", deleted=trash)


def filter_options(f):
    """The record filter shared by export, records and charts."""
    opts = [
        click.option("--actor", "-a", multiple=True, help="Actor slug, name or alias (repeatable)."),
        click.option("--dimension", "-d", multiple=True, help="Dimension slug or label (repeatable)."),
        click.option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", help="Up to this date, inclusive."),
        click.option("--coder", multiple=True, help="Only records by this coder (repeatable)."),
        click.option("--query", "-q", help="Full-text search in evidence and locator."),
        click.option("--min-confidence", type=click.Choice(CONFIDENCES), help="Lowest confidence to include."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


@click.group(cls=_Group, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Database file (default: stancetracker.db in your user data folder).")
@click.option("--coder", help="Your name as coder (default: $STANCETRACKER_CODER or your login).")
@click.version_option(__version__, prog_name="stancetracker")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, coder: str | None):
    """stancetracker: code, keep and chart political actors' stances over time.

    With no command, opens the desktop application.
    """
    state = _Ctx(db, coder)
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        from stancetracker.app import run_gui
        sys.exit(run_gui(state.db_path, explicit=db is not None))


@cli.command()
@click.option("--no-seed", is_flag=True, help="Create an empty database, without the seeded dataset.")
@click.pass_obj
def init(obj: _Ctx, no_seed: bool):
    """Create a new database (with the seeded dataset)."""
    if obj.db_path.exists() and obj.db_path.stat().st_size > 0:
        raise click.ClickException(f"{obj.db_path}: already exists; nothing was changed")
    obj.db_path.parent.mkdir(parents=True, exist_ok=True)
    store = open_project(obj.db_path, seed=not no_seed, user=obj.coder)
    obj._store = store
    st = store.stats()
    click.echo(f"Created {obj.db_path} with {st['records']} records, {st['actors']} actors, "
               f"{st['dimensions']} dimensions, {st['sources']} sources and {st['events']} events.")


@cli.command()
@click.pass_obj
def seed(obj: _Ctx):
    """Load the seeded dataset into the database (what is already there is kept)."""
    counts = load_seeds(obj.store())
    click.echo("Seeded: " + ", ".join(f"{n} {t}" for t, n in counts.items()))


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--map", "mapping", help="Foreign CSV: actor=COL,date=COL,score=COL,dimension=COL[,confidence=COL,…].")
@click.option("--dimension", help="One dimension (slug) for every row of the file.")
@click.option("--scale", help="Rescale the file's scores from LO:HI onto -2..2 (e.g. 0:10).")
@click.option("--create-actors", is_flag=True, help="Create actors the file names but the database lacks.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows; write the rejected ones to a CSV.")
@click.option("--rejects", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write rejected rows (- for standard output).")
@click.option("--encoding", help="The file's encoding if not UTF-8 (e.g. cp1256 for Windows Arabic, cp1252).")
@click.option("--no-formula-guard", is_flag=True,
              help="Read every cell exactly: the file has no export formula guard to undo.")
@click.pass_obj
def import_(obj: _Ctx, file: Path, mapping, dimension, scale, create_actors, skip_invalid, rejects, encoding,
            no_formula_guard):
    """Import records (or actors, sources, events, dimensions) from a CSV file.

    All rows go in, or none do and every bad row is listed.
    """
    opts = ImportOptions(mapping=parse_mapping(mapping) if mapping else None, dimension=dimension,
                         scale=parse_scale(scale) if scale else None, create_actors=create_actors,
                         skip_invalid=skip_invalid, rejects=rejects, encoding=encoding,
                         formula_guard=False if no_formula_guard else None)
    check_rejects(obj.db_path, file, opts)  # before the database is opened (and backed up)
    store = obj.store()
    if not mapping:
        table = _sniff_table(file, encoding)
        if table:
            table, added, same = import_table(store, file, table)
            click.echo(f"{file}: {added} {table} added, {same} already present")
            return
    result = import_records(store, file, opts)
    click.echo(f"{file}: {result.summary()}", err=skip_invalid and rejects is not None and to_stdout(rejects))


def _sniff_table(file: Path, encoding) -> str | None:
    reader = CsvReader(file, encoding)
    try:
        next(reader.rows(), None)
    except ImportFailed:
        return None
    return detect_table(reader.header)


@cli.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="CSV file to write (- for standard output).")
@filter_options
@click.option("--excel", is_flag=True, help="Add a UTF-8 byte-order mark so Excel reads Arabic script correctly.")
@click.option("--no-formula-guard", is_flag=True, help="Write cells exactly (for programs, not spreadsheets).")
@click.pass_obj
def export(obj: _Ctx, output, actor, dimension, since, until, coder, query, min_confidence, excel, no_formula_guard):
    """Export records matching the filter to CSV (columns: see README)."""
    check_output(output, protect=database_files(obj.db_path))  # before the database is opened
    store = obj.store(readonly=True)
    flt = _filter(store, actor, dimension, since, until, coder, query, min_confidence)
    n = export_records(store, output, flt, excel=excel, guard_formulas=not no_formula_guard)
    # With the CSV on standard output, the summary goes to standard error.
    click.echo(f"Wrote {n:,} records to {output}", err=to_stdout(output))


@cli.command()
@filter_options
@click.option("--trash", is_flag=True, help="Show the records in the trash instead.")
@click.option("--limit", default=50, show_default=True, help="At most this many rows (0: all).")
@click.pass_obj
def records(obj: _Ctx, actor, dimension, since, until, coder, query, min_confidence, trash, limit):
    """List records as a readable table."""
    store = obj.store(readonly=True)
    flt = _filter(store, actor, dimension, since, until, coder, query, min_confidence, trash)
    rows = store.records(flt, limit=limit or None)
    total = store.count(flt)
    width = shutil.get_terminal_size((120, 20)).columns
    ev_width = max(20, width - 82)
    click.echo(f"{'date':<10}  {'actor':<20}  {'dimension':<10}  {'score':>5}  {'label':<22}  {'conf':<6}  evidence")
    marked = 0
    for r in rows:
        score = f"{r.score:>+5.2g}" if r.score is not None else f"{r.shown('score')[:5]:>5}"
        mark = "!" if r.problems else " "
        marked += bool(r.problems)
        click.echo(f"{r.shown('date')[:10]:<10}{mark} {visible(r.actor_name, 20):<20}  {visible(r.dimension, 10):<10}  "
                   f"{score}  {r.score_label[:22]:<22}  {visible(r.confidence, 6):<6}  "
                   f"{visible(_one_line(r.evidence, ev_width), ev_width)}")
    click.echo(f"({len(rows)} of {total:,} records)")
    if marked:
        click.echo(f"note: {marked} record{'s' if marked != 1 else ''} marked ! hold{'s' if marked == 1 else ''} "
                   "a value that breaks a rule (stancetracker check lists them)", err=True)


def _one_line(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@click.option("--actor", "-a", multiple=True, help="Actor slug, name or alias (repeatable; default all).")
@click.option("--dimension", "-d", multiple=True, help="Dimension (repeatable; default all).")
@click.pass_obj
def shifts(obj: _Ctx, actor, dimension):
    """List shifts (a change of >= 2 points or of sign) with the evidence on each side."""
    store = obj.store(readonly=True)
    actors = [store.actor(a).slug for a in actor] or None
    dims = [store.dimension(d).slug for d in dimension] or None
    skipped: dict[str, int] = {}
    found = series.shifts(store, actors, dims, skipped=skipped)
    names = {a.slug: a.name for a in store.actors()}
    labels = {d.slug: d for d in store.dimensions()}
    wrap = lambda t: textwrap.fill(" ".join(t.split()), width=100, initial_indent="      ", subsequent_indent="      ")
    for sh in found:
        dim = labels[sh.dimension]
        click.echo(f"{names[sh.actor]} on {dim.label}: {sh.before:+.2g} ({dim.score_label(sh.before)}) on "
                   f"{sh.before_date} -> {sh.after:+.2g} ({dim.score_label(sh.after)}) on {sh.after_date}"
                   f"{'  [sign change]' if sh.sign_change else ''}")
        for side, recs in (("before", sh.before_records), ("after", sh.after_records)):
            for r in recs:
                where = visible(f"{r.source_title or 'no source'}{', ' + r.locator if r.locator else ''}", 300)
                click.echo(f"   {side}: {r.score:+g} [{r.confidence}] {where}")
                if r.evidence:
                    click.echo(wrap(visible(r.evidence, 5000)))
        click.echo("")
    click.echo(f"{len(found)} shift{'s' if len(found) != 1 else ''}")
    if skipped:
        click.echo(f"note: {series.skipped_note(skipped)}", err=True)


@cli.command()
@click.pass_obj
def stats(obj: _Ctx):
    """Counts of what the database holds."""
    store = obj.store(readonly=True)
    click.echo(f"database: {store.path}")
    for k, v in store.stats().items():
        click.echo(f"{k.replace('_', ' ')}: {v if v is not None else '-'}")
    bad = store.invalid_date_count()
    if bad:
        click.echo(f"note: {bad:,} record{'s' if bad != 1 else ''} with a date that is not a real date "
                   "(left out of the first and last date; stancetracker check lists them)", err=True)


@cli.command()
@click.argument("uuid")
@click.pass_obj
def history(obj: _Ctx, uuid):
    """Every recorded change of one record: who, when, before and after."""
    store = obj.store(readonly=True)
    for h in store.history(uuid):
        click.echo(f"{h.at}  {h.user}  {h.action}")
        if h.before and h.after:
            for k in h.after:
                if h.before.get(k) != h.after.get(k) and k not in ("updated_at", "version"):
                    click.echo(f"    {k}: {h.before.get(k)!r} -> {h.after.get(k)!r}")
        elif h.after:
            click.echo(f"    {h.after.get('actor')} / {h.after.get('dimension')} / {h.after.get('date')}: "
                       f"{h.after.get('score')}")


# ---------------------------------------------------------------- actors
@cli.group(cls=_Group, invoke_without_command=True)
@click.option("--kind", type=click.Choice(ACTOR_KINDS), help="Only actors of this kind.")
@click.pass_context
def actors(ctx: click.Context, kind):
    """List actors; 'add' and 'edit' create and change them."""
    if ctx.invoked_subcommand is None:
        for a in ctx.obj.store(readonly=True).actors(kind):
            aliases = f"  ({'; '.join(a.aliases)})" if a.aliases else ""
            click.echo(f"{a.slug:<26} {a.name:<32} {a.kind:<12}{aliases}")


@actors.command("add")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(ACTOR_KINDS), default="other", show_default=True)
@click.option("--alias", multiple=True, help="Another spelling (repeatable).")
@click.option("--colour", help="Chart colour, #rrggbb.")
@click.option("--description", default="")
@click.pass_obj
def actors_add(obj: _Ctx, slug, name, kind, alias, colour, description):
    """Create an actor."""
    a = obj.store().add_actor(Actor(slug=slug, name=name, kind=kind, aliases=list(alias), colour=colour or "",
                                    description=description))
    click.echo(f"Added actor {a.slug} ({a.name})")


@actors.command("edit")
@click.argument("actor")
@click.option("--name")
@click.option("--kind", type=click.Choice(ACTOR_KINDS))
@click.option("--alias", multiple=True, help="Replace the aliases with these (repeatable).")
@click.option("--add-alias", multiple=True, help="Add an alias (repeatable).")
@click.option("--colour")
@click.option("--description")
@click.pass_obj
def actors_edit(obj: _Ctx, actor, name, kind, alias, add_alias, colour, description):
    """Change an actor's name, kind, aliases, colour or description."""
    store = obj.store()
    current = store.actor(actor)
    changes = {k: v for k, v in dict(name=name, kind=kind, colour=colour, description=description).items() if v is not None}
    if alias or add_alias:
        changes["aliases"] = list(alias or current.aliases) + list(add_alias)
    a = store.update_actor(current.slug, **changes)
    click.echo(f"Updated actor {a.slug} ({a.name})")


# ------------------------------------------------------------ dimensions
@cli.group(cls=_Group, invoke_without_command=True)
@click.pass_context
def dimensions(ctx: click.Context):
    """List dimensions; 'add' and 'edit' create and change them."""
    if ctx.invoked_subcommand is None:
        for d in ctx.obj.store(readonly=True).dimensions():
            click.echo(f"{d.slug:<12} {d.label:<40} -2: {d.neg_label} … +2: {d.pos_label}")


def _dimension_options(f):
    for o in reversed([
        click.option("--question", help="The question a stance on it answers."),
        click.option("--neg", "neg_pole", help="What -2 means, in a sentence."),
        click.option("--pos", "pos_pole", help="What +2 means, in a sentence."),
        click.option("--neg-label", help="Short name of the -2 pole (e.g. anti-EU)."),
        click.option("--pos-label", help="Short name of the +2 pole (e.g. pro-EU)."),
        click.option("--codebook", help="What each level means."),
    ]):
        f = o(f)
    return f


@dimensions.command("add")
@click.argument("slug")
@click.option("--label", required=True)
@_dimension_options
@click.pass_obj
def dimensions_add(obj: _Ctx, slug, label, question, neg_pole, pos_pole, neg_label, pos_label, codebook):
    """Create a dimension, e.g. dimensions add eu --label "European Union" --neg "…" --pos "…"."""
    d = obj.store().add_dimension(Dimension(
        slug=slug, label=label, question=question or "", neg_pole=neg_pole or "", pos_pole=pos_pole or "",
        neg_label=neg_label or "", pos_label=pos_label or "", codebook=codebook or ""))
    click.echo(f"Added dimension {d.slug} ({d.label})")


@dimensions.command("edit")
@click.argument("slug")
@click.option("--label")
@_dimension_options
@click.pass_obj
def dimensions_edit(obj: _Ctx, slug, label, question, neg_pole, pos_pole, neg_label, pos_label, codebook):
    """Change a dimension's label, poles or codebook text."""
    changes = {k: v for k, v in dict(label=label, question=question, neg_pole=neg_pole, pos_pole=pos_pole,
                                     neg_label=neg_label, pos_label=pos_label, codebook=codebook).items()
               if v is not None}
    d = obj.store().update_dimension(obj.store().dimension(slug).slug, **changes)
    click.echo(f"Updated dimension {d.slug} ({d.label})")


# ---------------------------------------------------------------- events
@cli.group(cls=_Group, invoke_without_command=True)
@click.pass_context
def events(ctx: click.Context):
    """List events (dated landmarks drawn on charts); 'add' creates one."""
    if ctx.invoked_subcommand is None:
        for e in ctx.obj.store(readonly=True).events():
            when = e.date.short() if e.date else "(no date)"  # its stored date is none: check lists it
            click.echo(f"{when:<10}  {visible(e.slug, 30):<30} {visible(e.label, 80)}")


@events.command("add")
@click.argument("slug")
@click.option("--date", "when", required=True, help="YYYY, YYYY-MM, YYYY-MM-DD or '7 November 2021'.")
@click.option("--label", required=True, help="Short label drawn on charts.")
@click.option("--description", default="")
@click.option("--source", help="Slug of a source that reports it.")
@click.pass_obj
def events_add(obj: _Ctx, slug, when, label, description, source):
    """Create an event."""
    e = obj.store().add_event(Event(slug=slug, date=_date_option(when, "--date"), label=label,
                                    description=description, source=source))
    click.echo(f"Added event {e.slug} on {e.date}")


# --------------------------------------------------------------- sources
@cli.group(cls=_Group, invoke_without_command=True)
@click.pass_context
def sources(ctx: click.Context):
    """List sources (documents records are coded from); 'add' creates one."""
    if ctx.invoked_subcommand is None:
        for s in ctx.obj.store(readonly=True).sources():
            click.echo(f"{s.slug:<28} {str(s.published or ''):<10}  {s.title[:70]}")


@sources.command("add")
@click.option("--title", required=True)
@click.option("--slug", help="Stable identifier (default: made from the title).")
@click.option("--publisher", default="")
@click.option("--author", default="")
@click.option("--url", default="")
@click.option("--published", help="Publication date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="article", show_default=True)
@click.option("--language", default="")
@click.pass_obj
def sources_add(obj: _Ctx, title, slug, publisher, author, url, published, kind, language):
    """Create a source."""
    store = obj.store()
    s = store.add_source(Source(slug=slug or store.unique_source_slug(title), title=title, publisher=publisher,
                                author=author, url=url, published=_date_option(published, "--published"),
                                kind=kind, language=language))
    click.echo(f"Added source {s.slug}")


_SIGINT = threading.Event()  # set by a Ctrl-C, which SQLite's callbacks may turn into another error


def _on_sigint(signum, frame) -> None:
    _SIGINT.set()
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: no traceback ever reaches the user."""
    with contextlib.suppress(ValueError, OSError):  # not the main thread, or no signals here
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_sigint)
    try:
        cli.main(prog_name="stancetracker")
    except KeyboardInterrupt:
        click.echo("Interrupted; nothing was left half-done.", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as err:  # a bug: say so in one line, keep the details out of the way
        click.echo(f"stancetracker: internal error: {type(err).__name__}: {err} "
                   "(please report this; your database was not changed by the failed command)", err=True)
        sys.exit(70)


__all__ = ["cli", "main", "ValidationError"]


from stancetracker.cli.charts import chart as _chart  # noqa: E402
cli.add_command(_chart)

from stancetracker.cli.safety import register as _register_safety  # noqa: E402
_register_safety(cli)

from stancetracker.cli.documents import register as _register_documents  # noqa: E402
_register_documents(cli)
