"""export-network: alignment networks per time window as GraphML and CSV edge lists (issue 17, item 10)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner
from lxml import etree

from stancetracker.cli.main import cli
from stancetracker.core.analysis.network import edge, network, window_of, windows_between
from stancetracker.core.analysis.positions import positions
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.exchange import listing
from stancetracker.core.exchange.network_export import EDGE_FIELDS, write_network
from stancetracker.core.files.outputs import OutputError, database_files
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.project import open_project

from conftest import fingerprint, make_store

G = "{http://graphml.graphdrawing.org/xmlns}"


def rec(actor: str, dimension: str, date: str, score: float) -> Record:
    return Record(actor=actor, dimension=dimension, date=parse_date(date), score=score, confidence="high",
                  source="paper-a", evidence=f"{actor} on {dimension}", coder="tester")


# Sadr and Maliki agree, Kadhimi opposes both, Kata'ib Hezbollah shares no dimension with anyone;
# in 2022 only Maliki says anything.
RECORDS = [("sadr", "iran", "2021-02-01", 2), ("sadr", "iran", "2021-08-01", 1), ("sadr", "us", "2021-05-01", -2),
           ("maliki", "iran", "2021-03-01", 2), ("maliki", "us", "2021-06-01", -2),
           ("kadhimi", "iran", "2021-04-01", -2), ("kadhimi", "us", "2021-04-01", 2),
           ("kataib-hezbollah", "consensus", "2021-07-01", 1),
           ("maliki", "iran", "2022-05-01", 1)]


@pytest.fixture
def coded(tmp_path):
    store = make_store(tmp_path / "net.db")
    for r in RECORDS:
        store.add_record(rec(*r))
    yield store
    store.close()


def edges_of(window) -> dict[tuple[str, str], object]:
    return {(e.source, e.target): e for e in window.edges}


def test_calendar_windows():
    assert window_of(dt.date(2021, 12, 31), "1y") == ("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert window_of(dt.date(2021, 6, 30), "6m") == ("2021-H1", dt.date(2021, 1, 1), dt.date(2021, 6, 30))
    assert window_of(dt.date(2021, 7, 1), "6m") == ("2021-H2", dt.date(2021, 7, 1), dt.date(2021, 12, 31))
    assert window_of(dt.date(2021, 11, 5), "3m") == ("2021-Q4", dt.date(2021, 10, 1), dt.date(2021, 12, 31))
    names = [w[0] for w in windows_between(dt.date(2020, 11, 1), dt.date(2021, 4, 1), "3m")]
    assert names == ["2020-Q4", "2021-Q1", "2021-Q2"]
    assert windows_between(dt.date(2020, 11, 1), dt.date(2021, 4, 1), "all") == \
        [("all", dt.date(2020, 11, 1), dt.date(2021, 4, 1))]


def test_agreeing_opposing_and_unconnected_actors_in_a_year(coded):
    net = network(coded, window="1y")
    w2021, w2022 = net.windows
    assert (w2021.name, w2021.start, w2021.end) == ("2021", "2021-01-01", "2021-12-31")
    nodes = {n.id: n for n in w2021.nodes}
    assert set(nodes) == {"sadr", "maliki", "kadhimi", "kataib-hezbollah"}
    # Sadr's two Iran records in 2021 (+2 in February, +1 in August) average to 1.5.
    assert nodes["sadr"].positions == {"iran": 1.5, "us": -2.0} and nodes["sadr"].records == 3
    assert (nodes["kataib-hezbollah"].label, nodes["kataib-hezbollah"].kind) == ("Kata'ib Hezbollah", "militia")
    e = edges_of(w2021)
    assert set(e) == {("maliki", "sadr"), ("kadhimi", "sadr"), ("kadhimi", "maliki")}  # Kata'ib: no shared dimension
    close = e[("maliki", "sadr")]
    assert (close.dimensions, close.distance, close.weight) == (2, 0.25, 1 - 0.25 / 4)
    far = e[("kadhimi", "maliki")]
    assert (far.dimensions, far.distance, far.weight) == (2, 4.0, 0.0)  # opposite poles on both
    assert e[("kadhimi", "sadr")].weight == pytest.approx(1 - 3.75 / 4)
    # 2022: only Maliki has a record; nothing is carried forward by default.
    assert [n.id for n in w2022.nodes] == ["maliki"] and w2022.edges == []
    assert w2022.nodes[0].positions == {"iran": 1.0}


def test_carrying_the_last_position_forward(coded):
    net = network(coded, window="1y", carry_forward=True)
    w2022 = net.windows[1]
    nodes = {n.id: n for n in w2022.nodes}
    assert set(nodes) == {"sadr", "maliki", "kadhimi", "kataib-hezbollah"}
    # The stance in force at 2022-01-01 is the latest observation (+1 of August 2021), not 2021's mean.
    assert nodes["sadr"].positions == {"iran": 1.0, "us": -2.0} and nodes["sadr"].carried == ("iran", "us")
    assert nodes["sadr"].records == 0
    # Maliki's own 2022 record wins over his carried 2021 position; his US stance is carried.
    assert nodes["maliki"].positions == {"iran": 1.0, "us": -2.0} and nodes["maliki"].carried == ("us",)
    assert nodes["maliki"].records == 1
    assert edges_of(w2022)[("maliki", "sadr")].weight == 1.0
    assert network(coded, window="1y", carry_forward=True).windows[0].nodes == network(coded, window="1y").windows[0].nodes


def test_quarters_keep_empty_windows_and_filters_apply(coded):
    net = network(coded, window="3m")
    assert [w.name for w in net.windows] == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1", "2022-Q2"]
    assert net.windows[3].nodes == [] and net.windows[4].nodes == []
    q1 = {n.id: n.positions for n in net.windows[0].nodes}
    assert q1 == {"sadr": {"iran": 2.0}, "maliki": {"iran": 2.0}}
    assert edges_of(net.windows[0])[("maliki", "sadr")].weight == 1.0
    only_us = network(coded, RecordFilter(dimensions=["us"]), window="all")
    (w,) = only_us.windows
    assert (w.start, w.end) == ("2021-04-01", "2021-06-01")
    assert {n.id for n in w.nodes} == {"sadr", "maliki", "kadhimi"} and only_us.dimensions == [("us", "United States")]


def test_edge_rule_needs_a_shared_dimension():
    from stancetracker.core.analysis.network import Node
    a = Node("a", "A", "person", "#000000", {"iran": 2.0, "us": 0.0}, 2)
    b = Node("b", "B", "person", "#000000", {"us": 2.0}, 1)
    c = Node("c", "C", "person", "#000000", {"iran": -2.0}, 1)
    assert edge(b, c) is None
    # Only the shared dimension counts: a and b differ by 2 on the United States.
    assert (edge(a, b).dimensions, edge(a, b).distance, edge(a, b).weight, edge(a, b).shared) == (1, 2.0, 0.5, ("us",))


def _graph(path):
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{G}graphml"
    keys = {k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.iter(f"{G}key")}
    (graph,) = root.iter(f"{G}graph")
    assert graph.get("edgedefault") == "undirected"
    for d in root.iter(f"{G}data"):
        assert d.get("key") in keys, d.get("key")  # every value has its key declared
        assert keys[d.get("key")][0] == etree.QName(d.getparent()).localname

    def values(el):
        return {keys[d.get("key")][1]: d.text for d in el.iter(f"{G}data")}
    nodes = {n.get("id"): values(n) for n in graph.iter(f"{G}node")}
    edges = [(e.get("source"), e.get("target"), values(e)) for e in graph.iter(f"{G}edge")]
    return keys, nodes, edges


def test_graphml_and_csv_files(coded, tmp_path):
    out = tmp_path / "made" / "here"
    paths = write_network(network(coded, window="1y"), out, protect=database_files(coded.path))
    assert sorted(p.name for p in paths) == sorted(["network-2021.graphml", "edges-2021.csv", "network-2022.graphml",
                                                    "edges-2022.csv", "nodes.csv", "index.csv", "README.txt"])
    keys, nodes, edges = _graph(out / "network-2021.graphml")
    declared = {(f, n, t) for f, n, t in keys.values()}
    assert {("node", "label", "string"), ("node", "kind", "string"), ("node", "color", "string"),
            ("edge", "weight", "double"), ("edge", "dimensions", "int"), ("edge", "distance", "double"),
            ("node", "position_iran", "double")} <= declared
    assert nodes["sadr"]["label"] == "Muqtada al-Sadr" and nodes["sadr"]["color"] == "#1f77b4"
    assert float(nodes["sadr"]["position_iran"]) == 1.5
    by_pair = {(s, t): v for s, t, v in edges}
    assert float(by_pair[("maliki", "sadr")]["weight"]) == 0.9375 and by_pair[("maliki", "sadr")]["dimensions"] == "2"
    assert float(by_pair[("kadhimi", "maliki")]["weight"]) == 0.0
    assert not any("kataib-hezbollah" in pair for pair in by_pair)
    rows = list(csv.DictReader(io.StringIO((out / "edges-2021.csv").read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == EDGE_FIELDS and len(rows) == 3
    assert {(r["source"], r["target"]): float(r["weight"]) for r in rows} == \
        {k: float(v["weight"]) for k, v in by_pair.items()}
    assert {(r["window_start"], r["window_end"]) for r in rows} == {("2021-01-01", "2021-12-31")}
    index = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8"))))
    assert [(r["window"], r["nodes"], r["edges"], r["graphml"]) for r in index] == \
        [("2021", "4", "3", "network-2021.graphml"), ("2022", "1", "0", "network-2022.graphml")]
    nodes_csv = {r["id"]: r for r in csv.DictReader(io.StringIO((out / "nodes.csv").read_text(encoding="utf-8")))}
    assert nodes_csv["maliki"]["windows"] == "2" and nodes_csv["kadhimi"]["kind"] == "person"
    assert "weight   = 1 - distance / 4" in (out / "README.txt").read_text(encoding="utf-8")
    _, empty_nodes, empty_edges = _graph(out / "network-2022.graphml")
    assert list(empty_nodes) == ["maliki"] and empty_edges == []


def test_a_bad_output_folder_is_refused(coded, tmp_path):
    net = network(coded, window="1y")
    protect = database_files(coded.path)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    for bad, words in ((a_file, "is a file, not a folder"), (coded.path, "is the database"),
                       ("-", "several files"), (coded.path.parent / "backups" / "net", "is in the database's backups folder")):
        with pytest.raises(OutputError, match=words):
            write_network(net, bad, protect=protect)
    assert a_file.read_text(encoding="utf-8") == "mine"
    assert not (coded.path.parent / "backups" / "net").exists()


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    open_project(path, user="tester").close()
    return path


def test_seeded_database_end_to_end(seeded, tmp_path):
    """The seeded dataset: a network per year whose weights follow the rule from the positions in the file."""
    out = tmp_path / "networks"
    res = run(seeded, "export-network", "--window", "1y", "-o", str(out))
    assert res.exit_code == 0, res.output + res.stderr
    assert "windows" in res.stdout and str(out) in res.stdout
    index = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8"))))
    assert len(index) > 5 and sum(int(r["edges"]) for r in index) > 50
    store = open_project(seeded, user="tester", readonly=True, backup=False, create=False)
    try:
        # export-network reads the consensus view, as every published output does by default
        yearly = {(p.actor_slug, p.dimension_slug, p.period): p.mean
                  for p in positions(store, RecordFilter(view="consensus"), period="year")}
    finally:
        store.close()
    checked = 0
    for row in index:
        _, nodes, edges = _graph(out / row["graphml"])
        assert len(nodes) == int(row["nodes"]) and len(edges) == int(row["edges"])
        for actor, values in nodes.items():
            for name, text in values.items():
                if name.startswith("position_"):  # a year's position is positions --period year's mean
                    assert float(text) == pytest.approx(yearly[(actor, name[len("position_"):], row["window"])],
                                                        abs=1e-6)
        for s, t, v in edges:
            a = {k: float(x) for k, x in nodes[s].items() if k.startswith("position_")}
            b = {k: float(x) for k, x in nodes[t].items() if k.startswith("position_")}
            shared = a.keys() & b.keys()
            assert shared and int(v["dimensions"]) == len(shared)
            distance = sum(abs(a[k] - b[k]) for k in shared) / len(shared)
            assert float(v["distance"]) == pytest.approx(distance, abs=1e-6)
            assert float(v["weight"]) == pytest.approx(1 - distance / 4, abs=1e-6)
            checked += 1
        rows = list(csv.DictReader(io.StringIO((out / row["edges_csv"]).read_text(encoding="utf-8"))))
        assert [(r["source"], r["target"]) for r in rows] == [(s, t) for s, t, _ in edges]
    assert checked == sum(int(r["edges"]) for r in index)


def test_bad_output_is_refused_in_one_line_and_the_database_is_unchanged(seeded, tmp_path):
    before = fingerprint(seeded)
    for target in (str(seeded), "-"):
        res = run(seeded, "export-network", "-o", target)
        assert res.exit_code != 0 and "Traceback" not in res.output + res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert "nothing was written" in res.stderr
    res = run(seeded, "export-network", "--window", "2y", "-o", str(tmp_path / "x"))
    assert res.exit_code == 2 and "'2y' is not one of" in res.stderr
    assert fingerprint(seeded) == before


def test_agreement_takes_every_format(tmp_path):
    db = tmp_path / "agree.db"
    store = make_store(db)
    for i, (a, b) in enumerate(((2, 2), (1, 0), (0, 0), (-1, -1), (-2, -1)), 1):
        for coder, score in (("alice", a), ("bob", b)):
            store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=score,
                                    confidence="high", source="paper-a", locator=f"¶{i}", evidence="read",
                                    coder=coder))
    store.close()
    fields = list(listing.FIELDS["agreement"])
    as_json = json.loads(run(db, "agreement", "--format", "json").stdout)
    assert list(as_json) == fields and as_json["units"] == 5 and as_json["coders"] == ["alice", "bob"]
    assert json.loads(run(db, "agreement", "--json").stdout) == as_json  # the old flag is an alias
    (line,) = run(db, "agreement", "--format", "jsonl").stdout.splitlines()
    assert json.loads(line) == as_json
    header, row = csv.reader(io.StringIO(run(db, "agreement", "--format", "csv").stdout))
    assert header == fields and float(row[1]) == pytest.approx(as_json["alpha"])
    assert json.loads(row[fields.index("pairs")]) == as_json["pairs"]
    assert "Krippendorff's alpha (ordinal)" in run(db, "agreement").stdout


def test_files_are_put_in_place_together_or_not_at_all(coded, tmp_path):
    """A file that cannot be written (here a folder in its place) stops the export before any file changes."""
    out = tmp_path / "nets"
    write_network(network(coded, window="all"), out, protect=database_files(coded.path))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "edges-2021.csv").mkdir()
    with pytest.raises(OutputError, match="edges-2021.csv: is a folder"):
        write_network(network(coded, window="1y"), out, protect=database_files(coded.path))
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before and not (out / "network-2021.graphml").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


def test_the_cli_filter_narrows_the_network(seeded, tmp_path):
    out = tmp_path / "two"
    res = run(seeded, "export-network", "--window", "all", "--actor", "sadr", "--actor", "maliki",
              "--dimension", "iran", "-o", str(out))
    assert res.exit_code == 0, res.output + res.stderr
    _, nodes, edges = _graph(out / "network-all.graphml")
    assert set(nodes) == {"sadr", "maliki"} and [(s, t) for s, t, _ in edges] == [("maliki", "sadr")]
    assert {k for v in nodes.values() for k in v if k.startswith("position_")} == {"position_iran"}
    assert "actors sadr, maliki; dimensions iran" in (out / "README.txt").read_text(encoding="utf-8")
