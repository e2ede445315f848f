"""CSV dialects: the delimiter sniffed from the header line (comma, semicolon, tab), --delimiter, and the hint."""

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.exchange.csv_reader import CsvReader, parse_delimiter, sniff_delimiter
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.exchange.table_import import import_table
from stancetracker.core.model.errors import ImportFailed

from conftest import fingerprint, write


def evidence(store):
    return sorted((r.actor, r.dimension, r.score, r.evidence) for r in store.records(None, limit=None))


def test_a_semicolon_file_with_quoted_commas_tabs_and_semicolons_imports(store, tmp_path):
    """Excel's semicolon CSV (European locales): quoted cells keep every other delimiter and line breaks."""
    f = write(tmp_path / "semi.csv", 'actor;dimension_slug;date;score;evidence\r\n'
                                     'sadr;iran;2021-03;1;"met envoys; then, later\tleft"\r\n'
                                     'maliki;us;2020;-1,5;plain\r\n'  # a decimal comma is a cell, not a split
                                     'kadhimi;iran;2020;0;"two\r\nlines; here"\r\n')
    with pytest.raises(ImportFailed) as err:  # -1,5 is no score (the cell is whole, not split at its comma)
        import_records(store, f)
    assert "line 3, column score" in str(err.value)
    f.write_bytes(f.read_bytes().replace(b"-1,5", b"-1.5"))
    assert import_records(store, f).added == 3
    assert evidence(store) == [("kadhimi", "iran", 0.0, "two\r\nlines; here"), ("maliki", "us", -1.5, "plain"),
                               ("sadr", "iran", 1.0, "met envoys; then, later\tleft")]


def test_a_tab_file_with_quoted_commas_and_semicolons_imports(store, tmp_path):
    f = write(tmp_path / "tabs.tsv", 'actor\tdimension_slug\tdate\tscore\tevidence\n'
                                     'Moqtada al-Sadr\tiran\t2021\t2\t"a, b; c"\n'
                                     'maliki\tus\t2020\t-2\tno quotes, but a comma; and a semicolon\n')
    assert import_records(store, f).added == 2
    assert [e for *_, e in evidence(store)] == ["no quotes, but a comma; and a semicolon", "a, b; c"]


def test_the_sniffer_reads_the_header_line_only():
    assert sniff_delimiter("a,b,c\n") == ","
    assert sniff_delimiter("a;b;c\r\n") == ";"
    assert sniff_delimiter("a\tb\tc\n") == "\t"
    assert sniff_delimiter('"x;y;z",b\n') == ","  # what is quoted does not count
    assert sniff_delimiter('"x,y";b;c\n') == ";"
    assert sniff_delimiter("single\n") == "," and sniff_delimiter("") == ","


def test_a_comma_file_whose_cells_hold_semicolons_stays_comma(store, tmp_path):
    """Aliases are written a;b in a comma file: the header decides, not the rows."""
    f = write(tmp_path / "actors.csv", "slug,name,kind,aliases\nhakim,Ammar al-Hakim,person,Hakim;al-Hakim;A. Hakim\n")
    reader = CsvReader(f)
    assert list(reader.rows()) == [(2, ["hakim", "Ammar al-Hakim", "person", "Hakim;al-Hakim;A. Hakim"])]
    assert reader.delimiter == ","


def test_a_semicolon_table_file_imports(store, tmp_path):
    f = write(tmp_path / "events.csv", 'slug;date;label\nsummit;2022-03-01;"Summit; Baghdad"\n')
    assert import_table(store, f) == ("events", 1, 0)
    assert any(e.label == "Summit; Baghdad" for e in store.events())


def test_a_forced_delimiter_is_used_and_a_wrong_one_explained(store, tmp_path):
    f = write(tmp_path / "semi.csv", "actor;dimension_slug;date;score\nsadr;iran;2021;1\n")
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, f, ImportOptions(delimiter=","))
    assert "the header looks separated by semicolons, not commas: import it with --delimiter ';'" in str(err.value)
    assert fingerprint(store) == before
    assert import_records(store, f, ImportOptions(delimiter=";")).added == 1
    tabs = write(tmp_path / "tabs.csv", "actor\tdimension_slug\tdate\tscore\nsadr\tus\t2021\t1\n")
    with pytest.raises(ImportFailed) as err:
        import_records(store, tabs, ImportOptions(delimiter=";"))
    assert "separated by tabs, not semicolons: import it with --delimiter tab" in str(err.value)


def test_delimiter_option_spellings():
    assert [parse_delimiter(x) for x in (",", ";", "tab", "TAB", "\\t", "\t")] == [",", ";", "\t", "\t", "\t", "\t"]
    with pytest.raises(ValueError):
        parse_delimiter("|")


def test_the_cli_takes_delimiter_and_refuses_a_bad_one_in_one_line(db_path, tmp_path):
    f = write(tmp_path / "semi.csv", "actor;dimension_slug;date;score\nsadr;iran;2021;1\n")
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(f), "--delimiter", ","])
    assert res.exit_code == 1 and "--delimiter ';'" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(f), "--delimiter", "pipe"])
    assert res.exit_code == 2 and "give , ; or tab" in res.output
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(f), "--delimiter", ";"])
    assert res.exit_code == 0 and "1 record added" in res.output
