"""Scores and scales a review tried after issue 12: every one stored as written or refused in one line."""

from __future__ import annotations

import pytest

from stancetracker.core.exchange.record_import import ImportOptions, import_records, parse_scale
from stancetracker.core.model.errors import ImportFailed, ValidationError

from conftest import fingerprint, write

HEAD = "actor_slug,dimension_slug,date,score\n"
HUGE = "9" * 308  # about 1e308: finite, but 4 * (hi - lo) overflows


@pytest.mark.parametrize("cell", ["0", "5", "10"])
def test_a_scale_at_the_edge_of_float_is_refused_not_turned_into_nan(store, tmp_path, cell):
    # Was: -1e308:1e308 gave the score nan, reported as a uuid "earlier in this file".
    path = write(tmp_path / "s.csv", HEAD + f"sadr,iran,2020-01-01,{cell}\n")
    before = fingerprint(store)
    with pytest.raises(ValidationError) as err:
        import_records(store, path, ImportOptions(scale=parse_scale(f"-{HUGE}:{HUGE}")))
    assert str(err.value) == "scale: -1e+308:1e+308 has an end beyond ±1e+15"
    with pytest.raises(ValidationError):
        import_records(store, path, ImportOptions(scale=(-1e308, 1e308)))  # the window's path
    assert fingerprint(store) == before


def test_a_number_too_long_for_a_float_is_named_as_written():
    # Was: "0:inf has an end that is not a finite number", a value nobody wrote.
    with pytest.raises(ValidationError) as err:
        parse_scale("0:" + "9" * 399)
    assert str(err.value) == "scale: '" + "9" * 40 + "'… is too large a number"


def test_a_score_too_long_for_a_float_is_refused_with_its_line(store, tmp_path):
    path = write(tmp_path / "s.csv", HEAD + "sadr,iran,2020-01-01,1" + "0" * 330 + "\n")
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions(scale=(0, 10)))
    assert "line 2, column score: '1" in str(err.value) and "is too large a number" in str(err.value)


def test_a_reversed_scale_is_read_as_inverted(store, tmp_path):
    path = write(tmp_path / "s.csv", HEAD + "sadr,iran,2020-01-01,10\nsadr,iran,2021-01-01,0\n")
    import_records(store, path, ImportOptions(scale=parse_scale("10:0")))
    scores = [r[0] for r in store.conn.execute("SELECT score FROM records ORDER BY date")]
    assert scores == [-2.0, 2.0]


def test_a_well_formed_slug_past_the_limit_is_told_its_length(store, tmp_path):
    # Was: "'bbb…' is not a slug (lower-case letters, digits and hyphens …)": it is all of those.
    from stancetracker.core.exchange.table_import import import_table

    path = write(tmp_path / "actors.csv", f"slug,name,kind\n{'b' * 101},Long,person\n{'a' * 100},Just,person\n")
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_table(store, path)
    assert str(err.value) == (f"{path}: line 2, column slug: is 101 characters long; the limit is 100; "
                              "nothing was imported")
    assert fingerprint(store) == before


@pytest.mark.parametrize("cell, value", [("۱.۵", 1.5), ("\u0661.\u0665", 1.5), ("-۰.۵", -0.5)])
def test_arabic_indic_digits_with_an_ascii_point_are_read(store, tmp_path, cell, value):
    # Was: refused as "not a plain decimal number", though "۱٫۵" (Arabic separator) was read.
    path = write(tmp_path / "s.csv", HEAD + f"sadr,iran,2020-01-01,{cell}\n")
    import_records(store, path, ImportOptions())
    assert store.conn.execute("SELECT score FROM records").fetchone()[0] == value


def test_a_field_mapped_twice_is_refused():
    # Was: "actor=Name,actor=Dim" silently used Dim, the later one.
    from stancetracker.core.exchange.record_import import parse_mapping

    with pytest.raises(ValidationError) as err:
        parse_mapping("actor=Name,date=When,actor=Dim")
    assert str(err.value) == "map: 'actor' is given twice ('Name' and 'Dim'); give each field one column"


@pytest.mark.parametrize("title", ["\u200bReport X", "Report\u00adX", "Report X\u2060"])
def test_a_source_title_with_an_invisible_character_is_refused(store, tmp_path, title):
    # Was: "\u200bReport X" and "Report X" became two sources that look the same.
    path = write(tmp_path / "s.csv", "actor,dimension,date,score,source_title\n"
                 f"sadr,iran,2020-01-01,1,Report X\nsadr,iran,2020-01-02,1,{title}\n")
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions())
    assert "line 3, column source_title: contains an invisible character (U+" in str(err.value)
    assert fingerprint(store) == before


def test_an_event_label_with_an_invisible_character_is_refused(store, tmp_path):
    # Was: accepted, though the format says labels, like names, hold no invisible characters.
    from stancetracker.core.exchange.table_import import import_table

    path = write(tmp_path / "events.csv", "slug,date,label\nev1,2020-01-01,\u200bElection\n")
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_table(store, path)
    assert str(err.value) == (f"{path}: line 2, column label: contains an invisible character (U+200B), which "
                              "would make two names that look alike differ; nothing was imported")
    assert fingerprint(store) == before
