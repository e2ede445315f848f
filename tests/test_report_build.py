"""The report's content (core/report/build.py): what a brief on Sadr holds, and the data version."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import seeded_consensus_view
from reportfixtures import open_seeded
from stancetracker.core.analysis import series
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.model.errors import NotFound
from stancetracker.core.report import method
from stancetracker.core.report.build import RECORD_COLUMNS, build_report
from stancetracker.core.report.document import BulletList, Figure, Heading, Paragraph, Shift, Table
from stancetracker.core.report.scope import EmptyScope, ReportScope
from stancetracker.core.report.text import date_text, score_text, text_block

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def seeded(tmp_path_factory, tmp_path):
    store = open_seeded(tmp_path_factory.getbasetemp(), tmp_path / "s.db")
    yield store
    store.close()


def blocks_of(report, kind):
    return [b for b in report.blocks if isinstance(b, kind)]


def records_table(report) -> Table:
    (table,) = [t for t in blocks_of(report, Table) if t.columns == RECORD_COLUMNS]
    return table


def section(report, anchor: str) -> list:
    """The blocks of the section whose heading has ``anchor``, up to the next section."""
    out, inside = [], False
    for b in report.blocks:
        if isinstance(b, Heading) and b.level == 2:
            inside = b.anchor == anchor
            continue
        if inside:
            out.append(b)
    return out


def test_a_report_on_sadr_has_every_record_of_his_once_with_a_resolving_citation(seeded):
    """One table row per record in scope (UUID kept); each sourced row cites a note whose source is in the bibliography."""
    report = build_report(seeded, ReportScope(actors=("Sadr",)), now=NOW)
    expected = seeded.records(RecordFilter(actors=["sadr"], view="consensus"))
    # the consensus view, as the seed files give it: where the study's adjudication settled Sadr's records,
    # the consensus record stands in for them
    assert sorted(report.record_uuids) == sorted(r.uuid for r in expected) == sorted(seeded_consensus_view("sadr"))
    table = records_table(report)
    assert table.row_ids == report.record_uuids
    by_uuid = {r.uuid: r for r in expected}
    numbers = {c.number: c for c in report.citations}
    assert sorted(numbers) == list(range(1, len(report.citations) + 1))
    keys = {e.key for e in report.sources}
    assert keys == {r.source for r in expected if r.source}
    for uuid, row, cites in zip(table.row_ids, table.rows, table.cites):
        rec = by_uuid[uuid]
        assert row[1] == "Muqtada al-Sadr" and row[5] == rec.evidence
        assert row[0].endswith(f"({rec.date.precision})")
        assert (len(cites) == 1) == bool(rec.source)
        for n in cites:
            assert numbers[n].source_slug == rec.source and numbers[n].source_slug in keys
    # The same source and locator is one number, however many records cite it.
    pairs = {(c.source_slug, c.locator) for c in report.citations}
    assert len(pairs) == len(report.citations)


def test_the_title_block_names_title_date_coders_and_scope(seeded):
    report = build_report(seeded, ReportScope(actors=("sadr",), since=parse_date("2019"),
                                              until=parse_date("2022")), now=NOW)
    assert report.blocks[0] == Heading(1, "Stances of Muqtada al-Sadr, 2019–2022", "top")
    meta = [b.text for b in report.blocks if isinstance(b, Paragraph) and b.style == "meta"]
    assert meta[0] == "Date: 2 December 2026, 12:00 UTC"
    shown = seeded.records(report.flt)
    assert meta[1] == "Coders: " + ", ".join(sorted({r.coder for r in shown}))
    assert meta[2] == "Actors: Muqtada al-Sadr"
    assert meta[3].startswith("Dimensions: Iran, United States")
    assert meta[4].startswith("Period: 2019 to 2022 (records dated ")
    assert all(r.date.value.year in range(2019, 2023) for r in shown)
    # which view it is, and how many consensus records stand in for the records they settle
    n_consensus = sum(1 for r in shown if r.coder == "seed-adj")
    assert n_consensus and meta[5] == (f"View: consensus; {n_consensus} of the {len(shown)} records are consensus "
                                       "records from adjudication, each standing in for the coders' records it "
                                       "settles")


def test_charts_are_a_timeline_per_dimension_the_comparison_of_two_and_each_profile(seeded):
    one = build_report(seeded, ReportScope(actors=("sadr",)), now=NOW)
    kinds = [(f.request.kind, tuple(f.request.actors), f.request.dimension) for f in blocks_of(one, Figure)]
    dims = [d.slug for d in seeded.dimensions()]
    assert kinds == [("timeline", ("sadr",), d) for d in dims] + [("profile", ("sadr",), None)]
    two = build_report(seeded, ReportScope(actors=("sadr", "maliki"), dimensions=("iran",)), now=NOW)
    kinds = [(f.request.kind, tuple(f.request.actors)) for f in blocks_of(two, Figure)]
    assert kinds == [("timeline", ("sadr", "maliki")), ("compare", ("sadr", "maliki")),
                     ("profile", ("sadr",)), ("profile", ("maliki",))]
    assert [f.caption.split(".")[0] for f in blocks_of(two, Figure)] == [f"Figure {i}" for i in range(1, 5)]
    assert not blocks_of(build_report(seeded, ReportScope(actors=("sadr",)), now=NOW, charts=False), Figure)


def test_what_changed_lists_every_shift_with_the_evidence_and_citations_of_both_sides(seeded):
    report = build_report(seeded, ReportScope(actors=("sadr",)), now=NOW)
    found = series.shifts(seeded, ["sadr"], None, RecordFilter(view="consensus"))  # the report's view
    shown = blocks_of(report, Shift)
    assert len(shown) == len(found) > 0
    numbers = {c.number: c for c in report.citations}
    for block, sh in zip(shown, found):
        assert block.sign_change == sh.sign_change
        assert block.summary.startswith("Muqtada al-Sadr on ")
        for side, recs in ((block.before, sh.before_records), (block.after, sh.after_records)):
            assert [e.text for e in side] == [r.evidence for r in recs]
            for e, r in zip(side, recs):
                assert numbers[e.cite].source_slug == r.source
    averaged = [b for b in shown if "average of" in b.summary]
    assert averaged and all(" to " in b.summary for b in averaged)  # the spread goes with the average


def test_the_sources_section_has_a_note_per_citation_and_an_entry_per_source(seeded):
    report = build_report(seeded, ReportScope(actors=("sadr",)), now=NOW)
    blocks = section(report, "sources")
    (notes,) = [b for b in blocks if isinstance(b, BulletList)]
    assert notes.numbered and notes.items == tuple(c.text for c in report.citations)
    assert notes.anchors == tuple(f"cite-{c.number}" for c in report.citations)
    entries = [b for b in blocks if isinstance(b, Paragraph) and b.anchor.startswith("src-")]
    assert [p.text for p in entries] == [e.text for e in report.sources]
    assert any(e.text.startswith("Jameel, Rami. 2021. “Assassination Attempt") for e in report.sources)


def test_the_method_section_gives_each_dimension_its_question_and_levels_and_the_counts(seeded):
    report = build_report(seeded, ReportScope(actors=("sadr",), dimensions=("iran", "us")), now=NOW)
    blocks = section(report, "method")
    headings = [b.text for b in blocks if isinstance(b, Heading)]
    assert headings[:2] == ["Dimension: Iran", "Dimension: United States"]
    iran = seeded.dimension("iran")
    levels = [b for b in blocks if isinstance(b, Table)][0]
    assert [r[0] for r in levels.rows] == ["−2", "−1", "0", "+1", "+2"]
    assert [r[1] for r in levels.rows] == [iran.score_label(s) for s in (-2, -1, 0, 1, 2)]
    assert levels.rows[0][2] in iran.codebook  # the codebook's own words for the level
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert iran.question in texts
    n = len(report.record_uuids)
    coders = sorted({r.coder for r in seeded.records(report.flt)})
    assert f"{n} records from {len(report.sources)} sources, coded by {len(coders)} coder{'s' * (len(coders) > 1)} " \
           f"({', '.join(coders)})." in texts
    assert any(report.data_version in t and "s.db" in t for t in texts)
    assert texts[-1] == report.command_line == (
        "stancetracker --db s.db report --actor sadr --dimension iran --dimension us -o report.html")


def test_no_actor_means_every_actor_with_records_in_scope(seeded):
    report = build_report(seeded, ReportScope(dimensions=("us",)), now=NOW)
    expected = seeded.records(RecordFilter(dimensions=["us"], view="consensus"))
    assert sorted(report.record_uuids) == sorted(r.uuid for r in expected)
    assert set(report.flt.actors) == {r.actor for r in expected}
    timelines = [f for f in blocks_of(report, Figure) if f.request.kind == "timeline"]
    assert len(timelines) == 1 and len(timelines[0].request.actors) <= 6


def test_a_scope_that_names_nothing_known_or_selects_nothing_is_refused_in_words(seeded):
    with pytest.raises(NotFound, match="no actor 'nobody'"):
        build_report(seeded, ReportScope(actors=("nobody",)))
    with pytest.raises(NotFound, match="no dimension 'weather'"):
        build_report(seeded, ReportScope(dimensions=("weather",)))
    with pytest.raises(EmptyScope, match="no records in the scope of the report"):
        build_report(seeded, ReportScope(actors=("sadr",), since=parse_date("2030")))
    with pytest.raises(EmptyScope, match="ends .* before it starts"):
        build_report(seeded, ReportScope(since=parse_date("2022"), until=parse_date("2019")))


def test_the_data_version_follows_the_records_in_scope_and_nothing_else(seeded):
    scope = ReportScope(actors=("sadr",))
    first = build_report(seeded, scope, now=NOW).data_version
    assert build_report(seeded, scope, now=NOW + dt.timedelta(days=1)).data_version == first
    other = seeded.records(RecordFilter(actors=["maliki"]))[0]
    seeded.update_record(other.uuid, other.version, evidence="changed outside the scope")
    assert build_report(seeded, scope, now=NOW).data_version == first
    mine = seeded.records(RecordFilter(actors=["sadr"], view="consensus"))[3]
    seeded.update_record(mine.uuid, mine.version, evidence=mine.evidence + " (checked)")
    edited = build_report(seeded, scope, now=NOW).data_version
    assert edited != first
    seeded.delete_record(mine.uuid)
    assert build_report(seeded, scope, now=NOW).data_version not in (first, edited)


def test_arabic_evidence_is_kept_as_written_and_reordering_controls_are_spelled_out(seeded):
    arabic = "قال الصدر إن الحكومة يجب أن تكون حكومة أغلبية وطنية"
    seeded.add_record(Record(actor="sadr", dimension="consensus", date=parse_date("2022-01"), score=-2,
                             source="qaani-visit-2022", locator="¶12", evidence=arabic, coder="ana"))
    report = build_report(seeded, ReportScope(actors=("sadr",), dimensions=("consensus",)), now=NOW)
    assert arabic in [row[5] for row in records_table(report).rows]
    coders = sorted({r.coder for r in seeded.records(report.flt)} - {"ana"})
    assert f"Coders: {', '.join(['ana', *coders])}" in [b.text for b in report.blocks if isinstance(b, Paragraph)]
    assert text_block("a\u202eb\u2066c\u200fd\nline") == "a\\u202eb\\u2066c\u200fd\nline"


def test_scores_and_dates_read_as_coded():
    assert [score_text(s) for s in (0, -0.0, 1, -2, 1.5, -0.25)] == ["0", "0", "+1", "−2", "+1.5", "−0.25"]
    assert [date_text(parse_date(t)) for t in ("2019", "2019-12", "2019-12-07")] == ["2019", "Dec 2019",
                                                                                    "7 Dec 2019"]


def test_levels_fall_back_to_the_poles_when_the_codebook_is_empty(seeded):
    dim = seeded.dimension("iran")
    dim.codebook = ""
    assert [lvl for lvl, _ in method.levels(dim)] == [-2, 0, 2]
    assert method.levels(dim)[0][1] == dim.neg_pole


def test_the_window_s_record_filter_can_be_passed_as_the_scope(seeded):
    """Actors, dimensions and dates left empty in the scope are taken from its filter."""
    named = build_report(seeded, ReportScope(actors=("sadr",), dimensions=("iran",), since=parse_date("2019")),
                         now=NOW)
    flt = RecordFilter(actors=["sadr"], dimensions=["iran"], since=parse_date("2019"), view="consensus")
    given = build_report(seeded, ReportScope(flt=flt), now=NOW)
    assert given.record_uuids == named.record_uuids and given.data_version == named.data_version
    assert given.command_line == ("stancetracker --db s.db report --actor sadr --dimension iran --since 2019 "
                                  "-o report.html")
    # The window showing one coder's records of every coder: the report holds those, and says how to get them again.
    flt = RecordFilter(actors=["sadr"], dimensions=["iran"], since=parse_date("2019"), coders=["seed"], view="all")
    first = build_report(seeded, ReportScope(flt=flt), now=NOW)
    assert sorted(first.record_uuids) == sorted(r.uuid for r in seeded.records(flt)) and \
        {r.coder for r in seeded.records(flt)} == {"seed"}
    assert first.command_line == ("stancetracker --db s.db report --actor sadr --dimension iran --since 2019 "
                                  "--coder seed --view all -o report.html")
