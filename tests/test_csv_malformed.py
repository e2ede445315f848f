"""Malformed CSV files: each is refused with the exact line, column and reason,
and the database is left exactly as it was."""

import codecs
import sqlite3

import pytest

from stancetracker.core.exchange.record_import import ImportOptions, import_records, parse_mapping
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.errors import ImportFailed
from stancetracker.core.model.entities import Record

from conftest import fingerprint, write

HEAD = "actor_slug,dimension_slug,date,score,evidence\n"
GOOD = "sadr,iran,2020-01,2,met armed-group leaders\n"


def refused(store, path, message, **opts):
    """Import must fail with exactly ``message`` and change nothing."""
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions(**opts))
    assert str(err.value) == message.format(path=path)
    assert fingerprint(store) == before
    return err.value


def test_missing_column(store, tmp_path):
    """A file without a score column names the missing column."""
    f = write(tmp_path / "f.csv", "actor_slug,dimension_slug,date\nsadr,iran,2020\n")
    refused(store, f, "{path}: line 1, column score: missing column: score; nothing was imported")


def test_bad_date(store, tmp_path):
    """An impossible date names its line and column."""
    f = write(tmp_path / "f.csv", HEAD + GOOD + "sadr,iran,2020-02-30,1,x\n")
    refused(store, f, "{path}: line 3, column date: no day 30 in month 2 of 2020 in '2020-02-30'; nothing was imported")


def test_score_out_of_range(store, tmp_path):
    """A score of 3 is outside -2..2."""
    f = write(tmp_path / "f.csv", HEAD + GOOD + "sadr,us,2020,3,x\n")
    refused(store, f, "{path}: line 3, column score: 3 is outside the range -2 to 2; nothing was imported")


def test_unknown_confidence(store, tmp_path):
    """A confidence other than low, medium or high is refused (the importer, not the schema, checks it)."""
    f = write(tmp_path / "f.csv", "actor_slug,dimension_slug,date,score,confidence\nsadr,iran,2020,1,High\n"
              "sadr,iran,2021,1,sure\n")
    refused(store, f, "{path}: line 3, column confidence: must be low, medium or high, not 'sure'; nothing was imported")


def test_unknown_precision(store, tmp_path):
    """A precision other than day, month or year is refused, naming the precision column."""
    f = write(tmp_path / "f.csv", "actor_slug,dimension_slug,date,date_precision,score\nsadr,iran,2020-05,month,1\n"
              "sadr,iran,2020-05,week,1\n")
    refused(store, f, "{path}: line 3, column date_precision: precision must be day, month or year, not 'week'; "
                      "nothing was imported")


def test_check_constraints_hold_again_after_an_import(store, tmp_path):
    """The importer skips the schema's CHECKs only while inserting rows it validated."""
    f = write(tmp_path / "f.csv", HEAD + GOOD)
    import_records(store, f)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        store.conn.execute("UPDATE records SET confidence = 'sure'")


def test_unknown_actor(store, tmp_path):
    """Unknown actors are listed by name, with the line of the first."""
    f = write(tmp_path / "f.csv", "actor,dimension_slug,date,score\nSadr,iran,2020,1\nAmmar al-Hakim,iran,2021,0\n")
    err = refused(store, f, "{path}: line 3, column actor: unknown actors: Ammar al-Hakim "
                            "(use --create-actors to add them) (and 1 more problem); nothing was imported")
    assert str(err.problems[1]) == "line 3, column actor: unknown actor 'Ammar al-Hakim' (use --create-actors to add it)"


def test_empty_file(store, tmp_path):
    """An empty file is refused as empty."""
    f = write(tmp_path / "f.csv", "")
    refused(store, f, "{path}: line 1: the file is empty; nothing was imported")


def test_header_only(store, tmp_path):
    """A header with no rows is refused: there is nothing to import."""
    f = write(tmp_path / "f.csv", HEAD)
    refused(store, f, "{path}: line 2: the file has a header but no records; nothing was imported")


def test_latin1_file(store, tmp_path):
    """A Latin-1 file is refused at the first undecodable line, with advice."""
    f = write(tmp_path / "f.csv", HEAD + GOOD + "sadr,iran,2021,1,caf\u00e9 talk\n", encoding="latin-1")
    refused(store, f, "{path}: line 3: not valid UTF-8 (byte 0xE9 at character 21); it looks like cp1252 "
                      "(Windows Western European): import it with --encoding cp1252, or save it as UTF-8; "
                      "nothing was imported")


def test_latin1_file_with_encoding_imports(store, tmp_path):
    """Naming the encoding imports the same Latin-1 file correctly."""
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2021,1,caf\u00e9 talk\n", encoding="latin-1")
    import_records(store, f, ImportOptions(encoding="latin-1"))
    assert store.records()[0].evidence == "caf\u00e9 talk"


def test_utf16_with_bom_imports(store, tmp_path):
    """A UTF-16 file with its byte-order mark (Excel's 'Unicode text') is read correctly."""
    f = write(tmp_path / "f.csv", codecs.BOM_UTF16_LE + (HEAD + "sadr,iran,2021,1,الصدر\n").encode("utf-16-le"))
    import_records(store, f)
    assert store.records()[0].evidence == "الصدر"


def test_utf16_without_bom(store, tmp_path):
    """UTF-16 without a byte-order mark shows up as NUL bytes between letters, and the message says so."""
    f = write(tmp_path / "f.csv", (HEAD + GOOD).encode("utf-16-le"))
    refused(store, f, "{path}: line 1: the line contains NUL bytes between its letters: the file looks like UTF-16 "
                      "without a byte-order mark; import it with --encoding utf-16-le, or save it as UTF-8; "
                      "nothing was imported")


def test_one_megabyte_field(store, tmp_path):
    """A 1 MB cell is refused with the line it is on."""
    f = write(tmp_path / "f.csv", HEAD + GOOD + "sadr,iran,2021,1," + "x" * 1_000_000 + "\n")
    refused(store, f, "{path}: line 3: a cell is longer than 131,072 characters; nothing was imported")


def test_long_evidence_over_the_limit(store, tmp_path):
    """Evidence over 20,000 characters is refused by the evidence rule."""
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2021,1," + "y" * 20_001 + "\n")
    refused(store, f, "{path}: line 2, column evidence: is 20,001 characters long; the limit is 20,000; nothing was imported")


def test_nul_byte(store, tmp_path):
    """A NUL byte inside a row is refused."""
    f = write(tmp_path / "f.csv", HEAD + GOOD + "sadr,iran,2021,1,bad\x00note\n")
    refused(store, f, "{path}: line 3: the line contains a NUL byte (is this a binary file?); nothing was imported")


def test_duplicate_uuid_with_different_content_in_file(store, tmp_path):
    """One UUID twice with different scores: the second is refused, nothing overwritten."""
    u = "0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f60"
    f = write(tmp_path / "f.csv", "uuid," + HEAD + f"{u},{GOOD}{u},sadr,iran,2020-01,-2,met armed-group leaders\n")
    refused(store, f, "{path}: line 3, column uuid: a record with uuid " + u + " exists earlier in this file "
                      "with different content (score: '2.0' there, '-2.0' here); nothing is overwritten; nothing was imported")


def test_duplicate_uuid_with_different_content_in_database(store, tmp_path):
    """A UUID already in the database with other content is refused, not applied."""
    r = store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020-01"), score=2,
                                evidence="met armed-group leaders"))
    f = write(tmp_path / "f.csv", "uuid," + HEAD + f"{r.uuid},sadr,iran,2020-01,1,met armed-group leaders\n")
    refused(store, f, "{path}: line 2, column uuid: a record with uuid " + r.uuid + " exists in the database "
                      "with different content (score: '2.0' there, '1.0' here); nothing is overwritten; nothing was imported")


def test_formula_in_score(store, tmp_path):
    """A spreadsheet formula where a score belongs is not a number."""
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,=1+1,x\n")
    refused(store, f, "{path}: line 2, column score: '=1+1' is not a plain decimal number (such as 1, -0.5 or +2; no exponent, digit separator, inf or nan); nothing was imported")


def test_guarded_formula_text_round_trips(store, tmp_path):
    """Evidence guarded by our export ('=...) comes back without the apostrophe."""
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,1,'=SUM(A1)\n")
    import_records(store, f)
    assert store.records()[0].evidence == "=SUM(A1)"


def test_arabic_actor_names(store, tmp_path):
    """An Arabic name not known as an actor is listed intact; once an alias, it matches."""
    f = write(tmp_path / "f.csv", "actor,dimension_slug,date,score\nمقتدى الصدر,iran,2020,1\n")
    refused(store, f, "{path}: line 2, column actor: unknown actors: مقتدى الصدر (use --create-actors to add them) "
                      "(and 1 more problem); nothing was imported")
    store.update_actor("sadr", aliases=["مقتدى الصدر"])
    import_records(store, f)
    assert store.records()[0].actor == "sadr"


def test_mixed_line_endings_keep_line_numbers(store, tmp_path):
    """CRLF and LF mixed: rows import and a bad row's line number is still right."""
    f = write(tmp_path / "f.csv", HEAD.replace("\n", "\r\n") + GOOD + "sadr,us,2021,1,x\r\n" + "sadr,us,20x1,1,x\n")
    refused(store, f, "{path}: line 4, column date: '20x1' is not a date; write YYYY, YYYY-MM, YYYY-MM-DD or "
                      "e.g. '7 November 2021'; nothing was imported")


def test_quoted_newline_inside_a_cell(store, tmp_path):
    """A cell spanning two lines imports whole, and later line numbers count both lines."""
    f = write(tmp_path / "f.csv", HEAD + 'sadr,iran,2020,1,"first line\nsecond line"\nsadr,iran,2021,9,x\n')
    refused(store, f, "{path}: line 4, column score: 9 is outside the range -2 to 2; nothing was imported")
    g = write(tmp_path / "g.csv", HEAD + 'sadr,iran,2020,1,"first line\nsecond line"\n')
    import_records(store, g)
    assert store.records()[0].evidence == "first line\nsecond line"


def test_wrong_number_of_cells(store, tmp_path):
    """A row with too few cells is refused."""
    f = write(tmp_path / "f.csv", HEAD + GOOD + "sadr,iran,2021\n")
    refused(store, f, "{path}: line 3: has 3 cells; the header has 5; nothing was imported")


def test_unknown_column(store, tmp_path):
    """A misspelt header is refused rather than silently ignored."""
    f = write(tmp_path / "f.csv", "actor_slug,dimension_slug,date,score,evidense\n" + GOOD)
    err = refused(store, f, "{path}: line 1, column evidense: unknown column 'evidense'; a stance-record file has "
                            "the columns of 'stancetracker export' (see docs/formats.md); for another layout give a "
                            "mapping (--map actor=COL,date=COL,score=COL,dimension=COL); nothing was imported")
    assert err.problems[0].column == "evidense"


def test_hundred_thousand_columns(store, tmp_path):
    """A header of 100,000 columns is refused up front."""
    f = write(tmp_path / "f.csv", ",".join(f"c{i}" for i in range(100_000)) + "\n")
    refused(store, f, "{path}: line 1: the header has 100,000 columns; at most 1,000 are accepted; nothing was imported")


def test_unterminated_quote(store, tmp_path):
    """A quote never closed is reported, not read as one giant cell."""
    f = write(tmp_path / "f.csv", HEAD + 'sadr,iran,2020,1,"never closed\n')
    refused(store, f, "{path}: line 2: unreadable CSV (unexpected end of data); nothing was imported")


def test_sql_metacharacters_are_just_text(store, tmp_path):
    """SQL in every field is data: an unknown actor, and the tables stay intact."""
    evil = "'; DROP TABLE records; --"
    f = write(tmp_path / "f.csv", HEAD + f"\"{evil}\",\"{evil}\",\"{evil}\",\"{evil}\",\"{evil}\"\n")
    refused(store, f, "{path}: line 2, column actor_slug: unknown actors: " + evil +
                      " (use --create-actors to add them) (and 1 more problem); nothing was imported")
    assert store.count() == 0


def test_bidi_controls_in_evidence(store, tmp_path):
    """Direction overrides hidden in text are refused with the field named."""
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,1,abc\u202edcba\n")
    refused(store, f, "{path}: line 2, column evidence: contains invisible bidirectional-control characters "
                      "(U+202A–202E, U+2066–2069); nothing was imported")


def test_foreign_mapping_names_the_files_own_column(store, tmp_path):
    """In a mapped file, messages use the file's column names."""
    f = write(tmp_path / "f.csv", "Party,Year,Mean\nsadr,2020,11\n")
    refused(store, f, "{path}: line 2, column Mean: 11 is outside the scale 0 to 10; nothing was imported",
            mapping=parse_mapping("actor=Party,date=Year,score=Mean"), dimension="iran", scale=(0.0, 10.0))


def test_every_bad_row_is_reported(store, tmp_path):
    """All bad rows are listed, not only the first."""
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,5,x\n" + GOOD + "sadr,iran,nope,1,x\nsadr,xx,2020,1,x\n")
    err = refused(store, f, "{path}: line 2, column score: 5 is outside the range -2 to 2 (and 2 more problems); "
                            "nothing was imported")
    assert [(p.line, p.column) for p in err.problems] == [(2, "score"), (4, "date"), (5, "dimension_slug")]
