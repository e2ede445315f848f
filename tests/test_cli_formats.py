"""--format csv|json|jsonl: every listing command prints the fields docs/formats.md lists, parsed as a program would."""

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.coding.passages import add_coded_record
from stancetracker.core.exchange import listing
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record, Source
from stancetracker.core.project import open_project

from conftest import REPO

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
TEXT = ("The council met in the spring. Its spokesman said the group would keep its arms "
        "until the state could protect the shrines.\n\nA second paragraph says nothing of note.")


def documented_fields() -> dict[str, list[str]]:
    """Each '### `command`' section of docs/formats.md's listings part: the field names of its table."""
    doc = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    part = doc[doc.index("## Listings for programs"):]
    part = part[:part.index("\n## ", 1)] if "\n## " in part[1:] else part  # up to the next section
    sections = re.split(r"^### `([^`]+)`\s*$", part, flags=re.M)[1:]
    return {name: re.findall(r"^\| `([a-z0-9_]+)` \|", body, flags=re.M) for name, body in zip(sections[::2], sections[1::2])}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The seeded dataset, a source with text and one record coded from a passage of it."""
    path = tmp_path_factory.mktemp("formats") / "seeded.db"
    store = open_project(path, user="tester")
    store.add_source(Source(slug="council-note", title="A council note", published=parse_date("2022-05"),
                            text=TEXT))
    start = TEXT.index("keep its arms")
    rec = add_coded_record(store, Record(actor="sadr", dimension="militias", date=parse_date("2022-05-03"), score=1,
                                         source="council-note", evidence="Says the group keeps its arms for now."),
                           start, start + len("keep its arms"))
    store.close()
    return path, rec.uuid


def run(db, *args):
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert res.exit_code == 0, res.output + res.stderr
    return res.stdout


def command_args(uuid):
    return {"records": ["records", "--limit", "0"], "stats": ["stats"], "shifts": ["shifts"], "actors": ["actors"],
            "dimensions": ["dimensions"], "sources": ["sources"], "events": ["events"],
            "operations": ["operations"], "history": ["history", uuid], "documents": ["documents"],
            "documents --search": ["documents", "--search", "shrines"], "passages": ["passages", "council-note"]}


def test_the_doc_lists_each_listing_commands_fields_as_the_code_writes_them():
    """docs/formats.md has one section per listing, naming the fields in the order they are written."""
    assert documented_fields() == {k: list(v) for k, v in listing.FIELDS.items()}


@pytest.mark.slow
def test_every_listing_in_every_format_holds_the_documented_fields(seeded):
    """json parses to objects with exactly the documented fields; jsonl is one such object a line; csv has them as header."""
    db, uuid = seeded
    fields = documented_fields()
    for name, args in command_args(uuid).items():
        data = json.loads(run(db, *args, "--format", "json"))
        items = [data] if name == "stats" else data
        assert isinstance(items, list) and items, name
        assert all(list(item) == fields[name] for item in items), name
        lines = run(db, *args, "--format", "jsonl").splitlines()
        assert [json.loads(line) for line in lines] == items, name
        rows = list(csv.reader(io.StringIO(run(db, *args, "--format", "csv"))))
        assert rows[0] == fields[name] and len(rows) == len(items) + 1, name


def test_records_carry_the_uuid_and_their_values(seeded):
    """A script finds a coded record by its UUID, with its score a number and its dates ISO."""
    db, uuid = seeded
    items = json.loads(run(db, "records", "--limit", "0", "--format", "json"))
    mine = next(r for r in items if r["uuid"] == uuid)
    assert (mine["actor_slug"], mine["dimension_slug"], mine["score"], mine["date"], mine["date_precision"]) == \
        ("sadr", "militias", 1.0, "2022-05-03", "day")
    assert mine["source_slug"] == "council-note" and mine["problems"] == [] and mine["deleted"] is False
    assert all(STAMP.match(r["created_at"]) and STAMP.match(r["updated_at"]) for r in items)
    assert uuid in run(db, "records", "--limit", "0", "--uuid", "--actor", "sadr")


def test_passages_and_history_point_at_the_records(seeded):
    db, uuid = seeded
    (p,) = json.loads(run(db, "passages", "council-note", "--format", "json"))
    assert p["records"] == [uuid] and TEXT[p["start"]:p["end"]] == p["quote"] == "keep its arms"
    steps = json.loads(run(db, "history", uuid, "--format", "json"))
    assert steps[0]["after"]["uuid"] == uuid and STAMP.match(steps[0]["at"])


def test_csv_cells_hold_lists_as_json_and_none_as_empty(seeded):
    db, _ = seeded
    rows = list(csv.DictReader(io.StringIO(run(db, "actors", "--format", "csv"))))
    sadr = next(r for r in rows if r["slug"] == "sadr")
    assert "Moqtada al-Sadr" in json.loads(sadr["aliases"])
    records = list(csv.DictReader(io.StringIO(run(db, "records", "--limit", "0", "--format", "csv"))))
    assert {r["problems"] for r in records} == {"[]"} and {r["deleted"] for r in records} == {"false"}


def test_an_unknown_format_is_refused_in_one_line(seeded):
    db, _ = seeded
    res = CliRunner().invoke(cli, ["--db", str(db), "actors", "--format", "xml"])
    assert res.exit_code == 2 and "'xml' is not one of" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.slow
def test_timestamps_have_one_shape_in_the_export_too(seeded, tmp_path):
    """Stored timestamps with and without fractions (seeds, new records) come out alike, and re-import as the same."""
    db, uuid = seeded
    out = tmp_path / "all.csv"
    run(db, "export", "-o", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert {len(r["created_at"]) for r in rows} == {27} and all(STAMP.match(r["updated_at"]) for r in rows)
    fresh = tmp_path / "fresh.db"
    run(fresh, "init")  # the seeded dataset: the coded record is the one new to it
    run(fresh, "import", str(out), "--create-actors")
    again = tmp_path / "again.csv"
    run(fresh, "export", "-o", str(again))
    assert sorted(again.read_bytes().splitlines()) == sorted(out.read_bytes().splitlines())


STORED_FORMS = ["2026-11-21T00:00:00Z", "2026-12-02T14:50:00.123456Z", "2026-12-02T14:50:00.1234567Z",
                "2026-12-02 14:50:00.12Z", "2024-01-31 12:00", "2024-01-31T12:00:00.5+03:00",
                "2024-01-31T12:00:00+0300", "not a time"]


def test_the_export_and_the_listings_write_every_stored_form_alike(tmp_path):
    """However a timestamp was stored (by us, by the seeds, by another program), export and JSON agree."""
    import sqlite3

    from stancetracker.core.exchange.csv_export import export_records
    from stancetracker.core.model.dates import timestamp_out
    from conftest import make_store

    db = tmp_path / "forms.db"
    store = make_store(db)
    for i, _ in enumerate(STORED_FORMS):
        store.add_record(Record(actor="sadr", dimension="iran", date=parse_date(f"{2000 + i}"), score=1))
    store.close()
    conn = sqlite3.connect(db)
    for i, form in enumerate(STORED_FORMS):  # as another program might have left them
        conn.execute("UPDATE records SET created_at = ?, updated_at = ? WHERE date LIKE ?", [form, form, f"{2000 + i}%"])
    conn.commit()
    conn.close()
    store = open_project(db, user="tester")
    out = tmp_path / "forms.csv"
    export_records(store, out)
    store.close()
    exported = {r["date"][:4]: r["created_at"] for r in csv.DictReader(out.open(encoding="utf-8", newline=""))}
    listed = {r["date"][:4]: r["created_at"] for r in json.loads(run(db, "records", "--limit", "0", "--format", "json"))}
    expected = {f"{2000 + i}": timestamp_out(form) for i, form in enumerate(STORED_FORMS)}
    assert exported == listed == expected
    assert expected["2005"] == "2024-01-31T09:00:00.500000Z" and expected["2007"] == "not a time"


def test_json_never_holds_nan_even_from_a_stored_state():
    """NaN is no JSON: a non-finite number (in history edited by another program) is written as null."""
    out = io.StringIO()
    listing.write("jsonl", "operations", [{"id": 1, "at": "x", "user": "u", "kind": "k", "summary": "s",
                                           "changes": float("nan"), "reverts": [float("inf"), 1.5]}], out)
    assert json.loads(out.getvalue(), parse_constant=lambda c: pytest.fail(c)) == {
        "id": 1, "at": "x", "user": "u", "kind": "k", "summary": "s", "changes": None, "reverts": [None, 1.5]}
