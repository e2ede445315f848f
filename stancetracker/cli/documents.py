"""Document commands: add-source (read a file into a source), documents (list, search), passages.

Each command makes one core call and prints its result.
"""

from __future__ import annotations

from pathlib import Path

import click

from stancetracker.cli.base import CliState, one_line
from stancetracker.cli.options import FORMAT, date_option, emit
from stancetracker.cli.progress import QUIET, progress
from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.exchange.documents.base import shown
from stancetracker.core.model.errors import StanceError, ValidationError
from stancetracker.core.model.entities import SOURCE_KINDS
from stancetracker.core.coding.passages import coded_spans, coverage, passage_records, passages
from stancetracker.core.coding.sourcetext import (
    add_document,
    document,
    documents,
    replace_text,
    search_documents,
)


@click.command("add-source")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", help="Title (default: what the file states, else its first heading or name).")
@click.option("--publisher", help="Publisher (default: from the file).")
@click.option("--author", help="Author (default: from the file).")
@click.option("--url", help="Where the document was published (default: from the file).")
@click.option("--published", help="Publication date, YYYY, YYYY-MM or YYYY-MM-DD (default: from the file).")
@click.option("--slug", help="Stable identifier (default: made from the title).")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="article", show_default=True)
@click.option("--replace", "replace", metavar="SLUG",
              help="Read the file again into this existing source: its text is replaced and coded passages "
                   "are re-anchored; any that cannot be found are listed.")
@QUIET
@click.pass_obj
def add_source(obj: CliState, file: Path, title, publisher, author, url, published, slug, kind, replace):
    """Import a document (.txt, .md, .html, .pdf, .docx) as a source with its full text."""
    with progress(f"Reading {file.name}", "pages") as told:
        doc = read_document(file, told)
    for warning in doc.warnings:  # stated metadata that was cleaned or dropped, a link followed
        click.echo(f"warning: {warning}", err=True)
    store = obj.store()
    if replace:
        result = replace_text(store, replace, doc)
        click.echo(f"Replaced the text of {replace} from {shown(file.name)}: {result.summary()}")
        for p, reason in result.lost:
            click.echo(f"  lost: “{one_line(p.quote, 70)}” ({p.start}–{p.end}): {reason}; "
                       f"records {', '.join(u[:8] for u in passage_records(store, p.id)) or 'none'}")
        return
    given = {"title": title, "publisher": publisher, "author": author, "url": url, "slug": slug}
    try:
        src = add_document(store, doc, slug=slug, kind=kind, title=title, publisher=publisher, author=author,
                           url=url, published=date_option(published, "--published"))
    except ValidationError as err:
        # Name what the user can change: the option they gave, else the file the value came from.
        where = f"--{err.field}" if given.get(err.field) else f"{shown(file)}: {err.field}"
        raise StanceError(f"{where}: {err.reason}; nothing was added") from None
    pages = f", {len(doc.pages)} pages" if doc.pages else ""
    click.echo(f"Added source {src.slug}: “{src.title}” ({doc.format}, {len(src.text):,} characters{pages}"
               f"{', published ' + src.published.short() if src.published else ''})")


@click.command("documents")
@click.option("--search", "-s", metavar="TEXT", help="Only documents holding every word (full-text search).")
@FORMAT
@click.pass_obj
def documents_(obj: CliState, search, fmt):
    """List the sources that have text, with how much of each is coded; --search finds words in them."""
    store = obj.store(readonly=True)
    if search:
        hits = search_documents(store, search)
        if fmt != "table":  # no hit is an empty list for a program, not an error
            emit(fmt, "documents --search", ({"source": h.source, "title": h.title,
                                              "snippet": " ".join(h.snippet.split())} for h in hits))
            return
        for h in hits:
            click.echo(f"{h.source:<28} {one_line(h.title, 50):<50}  {' '.join(h.snippet.split())}")
        if not hits:
            raise click.ClickException(f"no document holds every word of {search!r}")
        return
    listed = []
    for slug, title, n in documents(store):
        items = passages(store, slug, lost=None)
        cov = coverage(document(store, slug).text, coded_spans([p for p in items if not p.lost]))
        lost = sum(1 for p in items if p.lost)
        coded = sum(1 for p in items if p.records)
        if fmt != "table":
            listed.append({"source": slug, "title": title, "characters": n, "coded_share": round(cov.share, 4),
                           "paragraphs": len(cov.paragraphs), "passages": coded, "lost": lost})
            continue
        click.echo(f"{slug:<28} {one_line(title, 44):<44} {n:>9,} chars  {cov.share:>4.0%} of "
                   f"{len(cov.paragraphs)} ¶ coded  {coded} passages{f'  {lost} LOST' if lost else ''}")
    if fmt != "table":
        emit(fmt, "documents", listed)


@click.command("passages")
@click.argument("source")
@click.option("--lost", is_flag=True, help="Only the passages that could not be found after the text changed.")
@FORMAT
@click.pass_obj
def passages_(obj: CliState, source, lost, fmt):
    """The coded passages of a source: offsets, page, quote and their records."""
    store = obj.store(readonly=True)
    items = passages(store, source, lost=True if lost else None)
    if fmt != "table":
        emit(fmt, "passages", ({"id": p.id, "source": p.source, "start": p.start, "end": p.end, "page": p.page,
                                "quote": p.quote, "lost": p.lost or None,
                                "records": list(passage_records(store, p.id))} for p in items))
        return
    for p in items:
        page = f"p.{p.page} " if p.page else ""
        state = f"  LOST: {p.lost}" if p.lost else ""
        uuids = ", ".join(u[:8] for u in passage_records(store, p.id))
        click.echo(f"{p.start:>7}–{p.end:<7} {page}“{one_line(p.quote, 70)}” [{uuids or 'no live records'}]{state}")
    if not items:
        click.echo("no lost passages" if lost else f"{source} has no coded passages")


COMMANDS = (add_source, documents_, passages_)
