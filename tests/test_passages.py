"""Documents as sources, coded passages, re-anchoring after edits, coverage and search (issue 7)."""

from __future__ import annotations

import json

import pytest

from stancetracker.core.model.dates import parse_date
from stancetracker.core.exchange.documents.reading import DocumentText
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.coding.mentions import MentionFinder
from stancetracker.core.model.entities import Record
from stancetracker.core.coding.passages import (
    add_coded_record,
    coverage,
    guess_actor,
    passage_of_record,
    passage_records,
    passages,
)
from stancetracker.core.coding.sourcetext import (
    add_document,
    document,
    find_all,
    find_words,
    replace_text,
    search_documents,
)

TEXT = ("Sadr and the framework\n\n"
        "In August the cleric Muqtada al-Sadr told his bloc to leave parliament.\n\n"
        "Nouri al-Maliki answered that the Coordination Framework would form the government alone.\n\n"
        "Observers expected the standoff to last into the winter.")


def _doc(text: str = TEXT, **meta) -> DocumentText:
    return DocumentText(text=text, format="text", file_name="standoff.txt", title="The standoff",
                        published=parse_date("2022-08-30"), **meta)


def _code(store, slug: str, words: str, actor: str = "sadr", dimension: str = "consensus", nth: int = 0):
    text = document(store, slug).text
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    rec = Record(actor=actor, dimension=dimension, date=parse_date("2022-08-30"), score=-2, source=slug)
    return add_coded_record(store, rec, start, start + len(words))


def test_document_becomes_a_source_with_text_and_metadata(store):
    src = add_document(store, _doc(), author="A. Analyst")
    info = document(store, src.slug)
    assert info.text == TEXT
    assert (info.source.title, info.source.author, info.source.published.short()) == (
        "The standoff", "A. Analyst", "2022-08-30")
    assert (info.format, info.file_name, info.pages) == ("text", "standoff.txt", [])


def test_coded_record_points_at_exactly_the_quoted_words(store):
    src = add_document(store, _doc())
    words = "told his bloc to leave parliament"
    row = _code(store, src.slug, words)
    p = passage_of_record(store, row.uuid)
    assert TEXT[p.start:p.end] == words == p.quote
    assert TEXT[p.start - len(p.prefix):p.start] == p.prefix and TEXT[p.end:p.end + len(p.suffix)] == p.suffix
    # A second record on the same words shares the passage.
    row2 = _code(store, src.slug, words, dimension="iran")
    assert passage_of_record(store, row2.uuid).id == p.id
    assert passage_records(store, p.id) == [row.uuid, row2.uuid]
    assert [x.records for x in passages(store, src.slug)] == [2]
    # A record in the trash no longer counts.
    store.delete_record(row2.uuid)
    assert passage_records(store, p.id) == [row.uuid]


def test_bad_offsets_are_refused_and_nothing_is_saved(store):
    src = add_document(store, _doc())
    before = store.count()
    rec = Record(actor="sadr", dimension="iran", date=parse_date("2022"), score=1, source=src.slug)
    with pytest.raises(ValidationError, match="do not select words"):
        add_coded_record(store, rec, 10, len(TEXT) + 5)
    with pytest.raises(ValidationError, match="do not select words"):
        add_coded_record(store, rec, 22, 24)  # only the blank line between paragraphs
    assert store.count() == before and passages(store, src.slug, lost=None) == []


def test_reanchoring_after_inserts_before_inside_and_after_passages(store):
    src = add_document(store, _doc())
    a = _code(store, src.slug, "Muqtada al-Sadr told his bloc")                       # text inserted before it
    b = _code(store, src.slug, "the Coordination Framework would form the government")  # edited inside
    c = _code(store, src.slug, "Observers expected", actor="maliki")                   # text inserted after it
    new = (TEXT.replace("In August", "In late August 2022, after weeks of protest,")
               .replace("would form the government", "would, in its view, form the government")
               .replace("into the winter.", "into the winter. A new paragraph follows.\n\nMore."))
    result = replace_text(store, src.slug, new)
    assert len(result.moved) == 2 and [p.quote for p, _ in result.lost] == [
        "the Coordination Framework would form the government"]
    assert "no longer in the text" in result.lost[0][1]
    info = document(store, src.slug)
    assert info.text == new
    for row in (a, c):
        p = passage_of_record(store, row.uuid)
        assert new[p.start:p.end] == p.quote and not p.lost
    lost = passage_of_record(store, b.uuid)
    assert lost.lost and lost.quote == "the Coordination Framework would form the government"
    assert [p.quote for p in passages(store, src.slug, lost=True)] == [lost.quote]
    assert store.record(b.uuid).deleted is False  # the record stays; only its anchor is lost
    # The replaced text is kept in the history.
    (old,) = store.conn.execute("SELECT before FROM history WHERE entity = 'source' AND action = 'text'").fetchone()
    assert json.loads(old)["text"] == TEXT
    # Putting the words back finds the lost passage again.
    again = replace_text(store, src.slug, TEXT)
    assert [p.id for p, _ in again.found_again] == [lost.id]
    assert not passage_of_record(store, b.uuid).lost


def test_a_quote_that_now_occurs_twice_is_placed_by_its_context_or_reported(store):
    src = add_document(store, _doc())
    row = _code(store, src.slug, "the cleric")
    # The same words appear earlier with other surroundings: context decides.
    result = replace_text(store, src.slug, "A note on the cleric.\n\n" + TEXT)
    p = passage_of_record(store, row.uuid)
    assert not result.lost and TEXT.index("the cleric") + len("A note on the cleric.\n\n") == p.start


def test_coverage_and_next_uncoded_paragraph(store):
    src = add_document(store, _doc())
    _code(store, src.slug, "Nouri al-Maliki answered", actor="maliki")
    items = passages(store, src.slug)
    cov = coverage(TEXT, [(p.start, p.end) for p in items])
    assert cov.coded == [False, False, True, False] and cov.share == 0.25
    third = cov.paragraphs[2]
    assert cov.next_uncoded(0) == cov.paragraphs[1]
    assert cov.next_uncoded(third[0]) == cov.paragraphs[3]
    assert cov.next_uncoded(len(TEXT)) == cov.paragraphs[0]  # wraps round


def test_actor_guessed_from_mentions_in_or_before_the_selection(store):
    finder = MentionFinder(store.actors())
    mentions = finder.find(TEXT)
    assert [m.actor for m in mentions] == ["sadr", "maliki", "coordination-framework"]
    sel = TEXT.index("told his bloc")
    assert guess_actor(mentions, sel, sel + 10) == "sadr"       # named just before
    s = TEXT.index("answered that the Coordination")
    assert guess_actor(mentions, s, s + 40) == "coordination-framework"  # named inside
    assert guess_actor(mentions, 0, 5) is None


def test_search_across_documents_and_find_in_text(store):
    add_document(store, _doc())
    other = add_document(store, _doc("Kata'ib Hezbollah fired on the embassy.\n\nThe government condemned it.",
                                     ), title="Embassy attack")
    hits = search_documents(store, "embassy")
    assert [h.source for h in hits] == [other.slug] and "«embassy»" in hits[0].snippet
    assert {h.source for h in search_documents(store, "government")} == {other.slug, "the-standoff"}
    text = document(store, other.slug).text
    s, e = find_words(text, "KATAIB hezbollah")
    assert text[s:e] == "Kata'ib Hezbollah"
    assert find_all(TEXT, "the") and find_words(TEXT, "nowhere-to-be-found") is None


def test_check_reports_passages_whose_text_was_changed_behind_our_back(store, tmp_path):
    from stancetracker.core.db.integrity import check
    src = add_document(store, _doc())
    _code(store, src.slug, "told his bloc")
    assert "every coded passage quotes the words at its offsets" in "\n".join(check(store.path).lines())
    store.conn.execute("UPDATE sources SET text = 'X' || text WHERE slug = ?", [src.slug])  # e.g. by sqlite3
    report = check(store.path)
    assert not report.ok and "no longer quote the words" in "\n".join(report.lines())
