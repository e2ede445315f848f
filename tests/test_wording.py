"""How scores and provenance are put into words (core, no Qt): the rules every chart, the shifts
list, the CLI and a report share — zero is "0", averages say so with their spread, and the
source line names short sources, coders and the data date and wraps without cutting a word."""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

import pytest

from stancetracker.core.analysis import chartdata as cd
from stancetracker.core.analysis import series
from stancetracker.core.analysis.wording import (
    Averaged,
    SourceLine,
    distance_text,
    fmt_score,
    shift_text,
    short_label,
    short_source,
    source_line,
    value_text,
    wrap_parts,
)
from stancetracker.core.db.chart_sources import drawn_sources
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Dimension, Record, Source

IRAN = Dimension("iran", "Iran", neg_label="anti-Iran", pos_label="pro-Iran")


# ---- numbers

@pytest.mark.parametrize("value, text", [
    (0, "0"), (0.0, "0"), (-0.0, "0"), (0.001, "0"), (-0.004, "0"),
    (1, "+1"), (2.0, "+2"), (-1, "−1"), (-2, "−2"), (1.5, "+1.5"), (-1.5, "−1.5"),
    (4 / 3, "+1.33"), (-2 / 3, "−0.67"), (0.25, "+0.25"), (0.1, "+0.1"),
])
def test_fmt_score_writes_zero_as_0_and_signs_everything_else(value, text):
    """Zero (or what rounds to it) is "0", never "+0" or "−0"; at most two decimals, a real minus."""
    assert fmt_score(value) == text


def test_fmt_score_unsigned_is_for_distances():
    """A distance has no sign: "2.5", "0", and NaN is said in words."""
    assert fmt_score(2.5, signed=False) == "2.5"
    assert fmt_score(0.0, signed=False) == "0"
    assert fmt_score(float("nan")) == "no value"


# ---- values

def test_a_single_value_keeps_its_level_label():
    assert value_text([1], IRAN) == "+1 pro-Iran"
    assert value_text([-2], IRAN) == "−2 strongly anti-Iran"
    assert value_text([0], IRAN) == "0 neutral/mixed"
    assert value_text(Averaged(-1.3), IRAN) == "−1.3 anti-Iran"  # an imported fraction is one value


def test_several_values_are_an_average_with_their_spread_and_no_level_label():
    """Two records of −2 and −1 are "−1.5 (average of 2: −2 to −1)", never "strongly anti-Iran"."""
    text = value_text([-2, -1], IRAN)
    assert text == "−1.5 (average of 2: −2 to −1)"
    assert "strongly" not in text and "anti-Iran" not in text
    assert value_text([1, 2], IRAN) == "+1.5 (average of 2: +1 to +2)"
    assert value_text([-1, 0, 2], IRAN) == "+0.33 (average of 3: −1 to +2)"
    assert value_text([-1, 1], IRAN) == "0 (average of 2: −1 to +1)"  # a mean of zero is "0" too


def test_several_values_that_agree_keep_the_label_and_say_how_many():
    assert value_text([1, 1], IRAN) == "+1 pro-Iran (2 records agree)"
    assert value_text(Averaged(1.0, 3, 1.0, 1.0), IRAN) == "+1 pro-Iran (3 records agree)"


def test_value_text_without_values_or_a_dimension():
    assert value_text([], IRAN) == "no value"
    assert value_text([float("nan")], IRAN) == "no value"
    assert value_text([1]) == "+1"


def test_a_distance_is_a_mean_over_dimensions_with_its_spread():
    assert distance_text([1.0, 3.0, 3.5, float("nan")]) == "mean distance 2.5 over 3 dimensions (1 to 3.5)"
    assert distance_text([2.0]) == "mean distance 2 over 1 dimension"
    assert distance_text([float("nan")]) == "no dimension with evidence for both"


@dataclass
class _Shift:
    before: float
    after: float
    before_date: str
    after_date: str
    before_value: Averaged | None
    after_value: Averaged | None

    @property
    def sign_change(self) -> bool:
        return self.before * self.after < 0


def test_a_shift_names_both_sides_as_averages_or_single_values():
    sh = _Shift(-1.5, 1.0, "2019-10-01", "2020-01-13", Averaged(-1.5, 2, -2, -1), None)
    assert shift_text(sh, "Sadr", IRAN) == ("Sadr on Iran: −1.5 (average of 2: −2 to −1) on 2019-10-01 → "
                                            "+1 pro-Iran on 2020-01-13 (sign change)")


def test_short_label_drops_the_parenthesis():
    assert short_label(Dimension("m", "Armed factions (PMF, Iran-aligned militias)")) == "Armed factions"
    assert short_label(IRAN) == "Iran"


# ---- sources

@pytest.mark.parametrize("publisher, author, title, published, short", [
    ("Carnegie", "", "", "2023-05-01", "Carnegie 2023"),
    ("Policy Centre (Monitor, vol. 3, issue 2)", "J. Doe", "", "2021-11", "Policy Centre 2021"),
    ("Daily Paper, English edition", "", "", "2022", "Daily Paper 2022"),
    ("", "Jane Roe", "", "2020-02", "Roe 2020"),
    ("", "Roe, Jane; Poe, Edgar", "", "2019", "Roe et al. 2019"),
    ("", "", "A short note", "", "A short note n.d."),
    ("", "", "A very long title of a made-up test article about nothing", "2018",
     "A very long title of a made-up… 2018"),
    ("", "", "", "soon", "untitled source n.d."),  # a stored date that is no date gives no year
])
def test_a_source_is_named_by_publisher_or_author_and_year(publisher, author, title, published, short):
    assert short_source(publisher, author, title, published) == short


def test_short_source_spells_out_control_characters():
    """Stored text from other programs is made visible, not obeyed (a direction override, a newline)."""
    text = short_source("Evil\u202ePress", "", "", "2020")
    assert "\u202e" not in text and "\\u202e" in text


@dataclass
class _Cited:
    publisher: str
    author: str = ""
    title: str = ""
    published: str = ""


def _line(n_sources: int = 5, **kw) -> SourceLine:
    cited = [_Cited(p, published=y) for p, y in
             [("Carnegie", "2023"), ("The New Arab", "2022"), ("Daily Paper", "2021"), ("Weekly Review", "2020"),
              ("Monthly Digest", "2019")][:n_sources]]
    args = dict(unsourced=0, coders=["ana", "tester"], latest_change="2026-12-01T09:30:00Z", drawn=12, total=40,
                first="2019-01-01", last="2024-05-01", notes=["faded when evidence is over 12 months old"],
                database="stancetracker.db")
    args.update(kw)
    return source_line(cited, **args)


def test_the_source_line_names_sources_coders_and_the_data_date_not_just_the_file():
    text = _line().text()
    assert text.startswith("Sources: Carnegie 2023, The New Arab 2022, Daily Paper 2021 and 2 more · ")
    assert "coders: ana, tester" in text
    assert "data as of 2026-12-01" in text
    assert "12 of 40 records dated 2019-01-01 to 2024-05-01" in text
    assert text.endswith(" · [stancetracker.db]")  # the file is a small last part, in brackets


def test_the_source_line_counts_what_it_does_not_name():
    assert _line(1).sources_part() == "Source: Carnegie 2023"
    assert _line(2).sources_part() == "Sources: Carnegie 2023 and The New Arab 2022"
    assert _line(3).sources_part() == "Sources: Carnegie 2023, The New Arab 2022 and Daily Paper 2021"
    assert _line(4).sources_part() == "Sources: Carnegie 2023, The New Arab 2022, Daily Paper 2021 and 1 more"
    assert _line(5).sources_part(max_names=1) == "Sources: Carnegie 2023 and 4 more"
    assert _line(0).sources_part() == "Sources: none cited"
    assert _line(2, unsourced=3).sources_part() == ("Sources: Carnegie 2023 and The New Arab 2022 "
                                                    "(3 records cite none)")


def test_sources_with_the_same_short_name_are_named_once_and_counted_as_sources():
    cited = [_Cited("Carnegie", published="2023-01"), _Cited("Carnegie", published="2023-06"),
             _Cited("Other", published="2020"), _Cited("Third", published="2019"), _Cited("Fourth", published="2018")]
    line = source_line(cited, 0, ["ana"], None, 5, 5)
    assert line.sources_part() == "Sources: Carnegie 2023, Other 2020, Third 2019 and 1 more"
    assert line.sources_part(max_names=1) == "Sources: Carnegie 2023 and 3 more"


def test_many_coders_are_shortened_with_and_n_more():
    line = _line(coders=["a", "b", "c", "d", "e", "f"])
    assert "coders: a, b, c, d and 2 more" in line.text()
    assert "coder: ana ·" in _line(coders=["ana"]).text()


def test_wrap_breaks_between_parts_and_never_inside_a_word():
    parts = ["Sources: Carnegie 2023, The New Arab 2022 and 3 more", "coders: ana, tester", "data as of 2026-12-01"]
    assert wrap_parts(parts, 200) == [" · ".join(parts)]
    assert wrap_parts(parts, 75) == ["Sources: Carnegie 2023, The New Arab 2022 and 3 more · coders: ana, tester",
                                     "data as of 2026-12-01"]
    # A part too long for the line breaks after its commas first, then between words.
    assert wrap_parts(parts, 30) == ["Sources: Carnegie 2023,", "The New Arab 2022 and 3 more", "coders: ana, tester",
                                     "data as of 2026-12-01"]
    words = " ".join(parts).split()
    for width in range(5, 90):
        lines = wrap_parts(parts, width)
        assert " ".join(lines).replace(" · ", " ").split() == [w for w in words if w != "·"], width
        assert all(len(l) <= width or " " not in l for l in lines), width  # over-long only as one whole word


def test_lines_shorten_to_fit_max_lines_at_narrow_widths():
    """Narrow: fewer sources are named ("and N more"), then only the essential parts are kept."""
    line = _line()
    wide = line.lines(width=400)
    assert wide == [line.text()]
    narrow = line.lines(width=60, max_lines=3)
    assert len(narrow) <= 3
    joined = " ".join(narrow)
    assert "Carnegie 2023" in joined and "more" in joined and "data as of 2026-12-01" in joined
    assert "coder" in joined
    assert all(len(l) <= 60 for l in narrow)
    tiny = line.lines(width=20, max_lines=3)  # cannot fit: the shortest form, still whole words
    brief = " ".join(line.parts(1, brief=True))
    assert " ".join(tiny).replace(" · ", " ").split() == brief.split()  # every word whole, none lost
    assert tiny[0] == "Sources: Carnegie" and "4 more" in brief


def test_a_measuring_function_decides_what_fits():
    """The GUI wraps by measured text width: ``fits`` replaces the character count."""
    line = _line()
    lines = line.lines(fits=lambda s: len(s) * 6 <= 600)
    assert all(len(l) <= 100 for l in lines) and len(lines) >= 2


# ---- what core/db reads for the line, and the chart data that carry it

def add(store, actor, dim, date, score, source=None, coder="tester"):
    rec = Record(actor=actor, dimension=dim, date=parse_date(date), score=score, confidence="medium",
                 source=source, evidence=f"{actor} {dim} {date}", coder=coder)
    return store.add_record(rec).uuid


@pytest.fixture
def sourced(store):
    store.add_source(Source("carnegie-23", "A made-up report", publisher="Carnegie Endowment (Middle East)",
                            published=parse_date("2023-05")))
    store.add_source(Source("arab-22", "A made-up column", publisher="The New Arab",
                            published=parse_date("2022-01-02")))
    add(store, "sadr", "iran", "2021-01-01", -2, "carnegie-23")
    add(store, "sadr", "iran", "2021-01-01", -1, "carnegie-23", coder="ana")
    add(store, "sadr", "iran", "2022-01-01", 1, "arab-22")
    add(store, "sadr", "iran", "2022-06-01", 0)
    add(store, "maliki", "us", "2022-06-01", 1, "paper-a")  # another actor and dimension: not on a Sadr timeline
    return store


def test_drawn_sources_reads_the_cited_sources_most_cited_first(sourced):
    flt = RecordFilter(actors=["sadr"], dimensions=["iran"])
    got = drawn_sources(sourced, flt)
    assert [(s.slug, s.records) for s in got.sources] == [("carnegie-23", 2), ("arab-22", 1)]
    assert got.unsourced == 1
    assert got.latest_change == max(r.updated_at for r in sourced.records(flt))
    until = drawn_sources(sourced, flt, until="2021-12-31")
    assert [s.slug for s in until.sources] == ["carnegie-23"] and until.unsourced == 0


def test_latest_change_passes_over_stored_timestamps_that_are_not_timestamps(sourced):
    """A file made elsewhere may hold "yesterday" in updated_at: it is not the data's date."""
    conn = sqlite3.connect(sourced.path)
    conn.execute("UPDATE records SET updated_at = '2025-03-04T05:06:07Z' WHERE date = '2022-01-01'")
    conn.execute("UPDATE records SET updated_at = 'yesterday' WHERE date = '2022-06-01'")
    conn.execute("UPDATE records SET updated_at = '2024-01-01T00:00:00Z' WHERE date = '2021-01-01'")
    conn.commit()
    conn.close()
    got = drawn_sources(sourced, RecordFilter(actors=["sadr"], dimensions=["iran"]))
    assert got.latest_change == "2025-03-04T05:06:07Z"


def test_chart_data_carry_the_source_line_axis_titles_and_average_texts(sourced):
    """Every chart kind says which sources, coders and data date stand behind it, and never '+0'."""
    for kind, actors in (("timeline", ["sadr"]), ("profile", ["sadr"]), ("compare", ["sadr", "maliki"]),
                         ("snapshot", ["sadr", "maliki"])):
        data = cd.build(sourced, cd.ChartRequest(kind, actors, "iran", at=parse_date("2022-06-30")))
        assert "Carnegie Endowment 2023" in data.source and "The New Arab 2022" in data.source, kind
        assert "coders: ana, tester" in data.source and "data as of 20" in data.source, kind
        assert "[test.db]" in data.source and data.source == data.source_line.text(), kind
        assert "+0" not in data.source, kind
    tl = cd.build(sourced, cd.ChartRequest("timeline", ["sadr"], "iran"))
    assert (tl.x_title, tl.y_title) == ("Date", "Stance on Iran")
    assert "(1 record cites none)" in tl.source
    assert value_text(tl.traces[0].value(0), tl.dimension) == "−1.5 (average of 2: −2 to −1)"
    pr = cd.build(sourced, cd.ChartRequest("profile", ["sadr"]))
    assert pr.x_title == "Date" and pr.y_titles == [short_label(d) for d in pr.dimensions]
    snap = cd.build(sourced, cd.ChartRequest("snapshot", ["sadr"], at=parse_date("2021-06-01")))
    iran = [d.slug for d in snap.dimensions].index("iran")
    assert snap.cells[0][iran] == "−1.5 (average of 2: −2 to −1)"
    assert (snap.row_title, snap.column_title) == ("Actor", "Dimension")


def test_shifts_carry_the_average_behind_each_side(sourced):
    found = series.shifts(sourced, ["sadr"], ["iran"])
    first = found[0]
    assert first.before_value == Averaged(-1.5, 2, -2.0, -1.0)
    assert shift_text(first, "Sadr", sourced.dimension("iran")) == (
        "Sadr on Iran: −1.5 (average of 2: −2 to −1) on 2021-01-01 → +1 pro-Iran on 2022-01-01 (sign change)")


def test_comparison_hover_labels_averages_and_the_mean_distance(sourced):
    """Where one side's value is the average of two records, the hover says so, with the distance."""
    add(sourced, "maliki", "iran", "2021-06-01", 1)
    c = cd.build(sourced, cd.ChartRequest("compare", ["sadr", "maliki"]))
    i = [str(d) for d in c.dates].index("2021-06-01")
    assert c.describe(i) == ("2021-06-01: mean distance 2.5 over 1 dimension\n"
                             "  Iran: Muqtada al-Sadr −1.5 (average of 2: −2 to −1), Nouri al-Maliki +1 pro-Iran → 2.5")
    j = [str(d) for d in c.dates].index("2021-01-01")
    assert c.describe(j) == "2021-01-01: no dimension with evidence for both"


def test_drawn_sources_takes_mixed_stored_types_and_a_missing_source(sourced):
    """A file made elsewhere: a coder stored as a blob beside text ones, a source id that points nowhere."""
    conn = sqlite3.connect(sourced.path)
    conn.execute("UPDATE records SET coder = x'7a7a' WHERE date = '2022-01-01'")
    conn.execute("UPDATE records SET source_id = 999 WHERE date = '2022-06-01' AND actor_id = "
                 "(SELECT id FROM actors WHERE slug = 'sadr')")
    conn.commit()
    conn.close()
    got = drawn_sources(sourced, RecordFilter(actors=["sadr"], dimensions=["iran"]))
    assert [c.coder for c in got.coders] == ["ana", "tester", b"zz"]  # SQLite's order: text before blobs
    assert sum(c.count for c in got.coders) == 4
    assert [s.slug for s in got.sources] == ["carnegie-23", "arab-22"] and got.unsourced == 1
    line = cd.build(sourced, cd.ChartRequest("timeline", ["sadr"], "iran")).source
    assert "coders: ana, tester, zz" in line and "(1 record cites none)" in line
