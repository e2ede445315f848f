"""Writing alignment networks (core/analysis/network.py) as GraphML and CSV edge lists into a folder.

For each window: ``network-<window>.graphml`` and ``edges-<window>.csv``; for
all of them ``nodes.csv``, ``index.csv`` and ``README.txt`` (docs/formats.md,
"Networks"). Every file follows core/files/outputs.py (never the database, its
journal or its backups; written beside its name and renamed into place), and
all are put in place together at the end, so a failure leaves none changed.
The network is passed in (exchange does not import analysis): any object with
the attributes of ``analysis.network.Network``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
from pathlib import Path

from lxml import etree

from stancetracker.core.files import outputs

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GRAPHML_SCHEMA = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
EDGE_FIELDS = ("source", "target", "weight", "dimensions", "distance", "window_start", "window_end")
NODE_FIELDS = ("id", "label", "kind", "colour", "windows")
INDEX_FIELDS = ("window", "window_start", "window_end", "nodes", "edges", "graphml", "edges_csv")


def file_names(window: str) -> tuple[str, str]:
    """The GraphML and edge-list file names of one window."""
    return f"network-{window}.graphml", f"edges-{window}.csv"


def check_folder(folder: Path | str, protect, option: str = "--output") -> Path:
    """The folder to write in, refused in one line if it is no folder or a guarded place (OutputError)."""
    shown = str(folder)
    if not shown or outputs.is_stdout(folder):
        raise outputs.OutputError(f"{option} {shown or '(empty)'}: a network is several files; give a folder "
                                  "— nothing was written")
    hit = outputs.guarded_by(folder, protect)
    if hit is not None:
        where = "is in" if hit[0].folder else "is"
        raise outputs.OutputError(f"{option} {shown}: {where} {hit[0].what} ({hit[0].path}); choose another folder "
                                  "— nothing was written")
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return Path(folder)
    except (OSError, ValueError) as err:
        raise outputs.OutputError(f"{option} {shown}: cannot be used ({getattr(err, 'strerror', None) or err}) "
                                  "— nothing was written") from None
    if not stat.S_ISDIR(st.st_mode):
        raise outputs.OutputError(f"{option} {shown}: is a file, not a folder; give a folder to write the network "
                                  "in — nothing was written")
    return Path(folder)


def _num(x: float) -> str:
    return repr(round(float(x), 6))


def graphml(net, w) -> bytes:
    """One window's network as a GraphML document (undirected; keys declared for every attribute)."""
    nsmap = {None: GRAPHML_NS, "xsi": XSI_NS}
    root = etree.Element(f"{{{GRAPHML_NS}}}graphml", nsmap=nsmap)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{GRAPHML_NS} {GRAPHML_SCHEMA}")

    def key(kid: str, domain: str, name: str, kind: str) -> None:
        etree.SubElement(root, f"{{{GRAPHML_NS}}}key", id=kid, attrib={"for": domain, "attr.name": name,
                                                                         "attr.type": kind})

    etree.SubElement(root, f"{{{GRAPHML_NS}}}desc").text = (
        f"stancetracker alignment network, window {w.name} ({w.start} to {w.end}); weight = 1 - mean |a - b| / 4 "
        "over the dimensions two actors share")
    # Gephi reads a node key named "color" (#rrggbb) as the node's colour, "label" as its label and an edge key
    # named "weight" as the weight; every other key is an attribute column.
    for kid, name, kind in (("label", "label", "string"), ("kind", "kind", "string"), ("colour", "color", "string"),
                            ("records", "records", "int")):
        key(kid, "node", name, kind)
    for i, (slug, _label) in enumerate(net.dimensions):
        key(f"p{i}", "node", f"position_{slug}", "double")
    if net.carry_forward:
        key("carried", "node", "carried", "string")
    for kid, name, kind in (("weight", "weight", "double"), ("dimensions", "dimensions", "int"),
                            ("distance", "distance", "double"), ("shared", "shared", "string")):
        key(kid, "edge", name, kind)
    graph = etree.SubElement(root, f"{{{GRAPHML_NS}}}graph", id=f"window-{w.name}", edgedefault="undirected")

    def data(parent, kid: str, value) -> None:
        etree.SubElement(parent, f"{{{GRAPHML_NS}}}data", key=kid).text = str(value)

    pkey = {slug: f"p{i}" for i, (slug, _) in enumerate(net.dimensions)}
    for n in w.nodes:
        node = etree.SubElement(graph, f"{{{GRAPHML_NS}}}node", id=n.id)
        for kid, value in (("label", n.label), ("kind", n.kind), ("colour", n.colour), ("records", n.records)):
            data(node, kid, value)
        for slug, value in n.positions.items():
            data(node, pkey[slug], _num(value))
        if net.carry_forward:
            data(node, "carried", " ".join(n.carried))
    for i, e in enumerate(w.edges):
        el = etree.SubElement(graph, f"{{{GRAPHML_NS}}}edge", id=f"e{i}", source=e.source, target=e.target)
        for kid, value in (("weight", _num(e.weight)), ("dimensions", e.dimensions), ("distance", _num(e.distance)),
                           ("shared", " ".join(e.shared))):
            data(el, kid, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _csv(header, rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def edges_csv(w) -> bytes:
    return _csv(EDGE_FIELDS, ([e.source, e.target, _num(e.weight), e.dimensions, _num(e.distance), w.start, w.end]
                              for e in w.edges))


def nodes_csv(net) -> bytes:
    seen: dict[str, list] = {}
    for w in net.windows:
        for n in w.nodes:
            seen.setdefault(n.id, [n.id, n.label, n.kind, n.colour, 0])[4] += 1
    return _csv(NODE_FIELDS, (seen[k] for k in sorted(seen)))


def index_csv(net) -> bytes:
    return _csv(INDEX_FIELDS, ([w.name, w.start, w.end, len(w.nodes), len(w.edges), *file_names(w.name)]
                               for w in net.windows))


def readme(net, scope: str = "") -> bytes:
    carry = ("carried forward: an actor with no record on a dimension in a window keeps the stance in force at "
             "the window's start" if net.carry_forward else
             "not carried forward: a position rests only on records dated in the window")
    size = {"1y": "calendar years", "6m": "half-years (H1: January-June, H2: July-December)",
            "3m": "quarters", "all": "one window over every record"}[net.window]
    lines = [
        "stancetracker alignment networks",
        "",
        f"Windows: {size}; {len(net.windows)} window(s), listed in index.csv.",
        f"Records: {scope or 'every live record'}.",
        "",
        "Nodes are actors with a position in the window. An actor's position on a dimension is the mean of its",
        "records dated in the window (a record counts at its stored date, the first day of its month or year);",
        f"positions are {carry}.",
        "An edge joins two actors with a position on at least one shared dimension:",
        "  distance = mean of |a - b| over the shared dimensions (0 to 4),",
        "  weight   = 1 - distance / 4 (1: the same positions, 0: opposite poles),",
        "  dimensions = how many dimensions they share.",
        "",
        "Files:",
        "  network-<window>.graphml  the window's graph (GraphML: Gephi, visone, Cytoscape, NetworkX, igraph)",
        "  edges-<window>.csv        its edge list: " + ", ".join(EDGE_FIELDS),
        "  nodes.csv                 every actor in any window: " + ", ".join(NODE_FIELDS),
        "  index.csv                 the windows: " + ", ".join(INDEX_FIELDS),
        "",
        "Node attributes in GraphML: label, color (#rrggbb, Gephi's name), kind, records (dated in the window),",
        "position_<dimension> per dimension" + (" and carried (the dimensions carried forward);" if net.carry_forward
                                                 else ";"),
        "edge attributes: weight, dimensions, distance, shared (the dimensions' slugs).",
    ]
    if net.skipped:
        lines += ["", f"{net.skipped} stored record(s) with a value that breaks a rule were left out "
                      "(stancetracker check lists them)."]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_network(net, folder: Path | str, protect=(), option: str = "--output", scope: str = "") -> list[Path]:
    """Write the network's files into ``folder`` (made if missing); returns them, in the order of index.csv."""
    protect = list(protect)
    folder = check_folder(folder, protect, option)
    files: list[tuple[str, bytes]] = []
    for w in net.windows:
        g, e = file_names(w.name)
        files += [(g, graphml(net, w)), (e, edges_csv(w))]
    files += [("nodes.csv", nodes_csv(net)), ("index.csv", index_csv(net)), ("README.txt", readme(net, scope))]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise outputs.OutputError(f"{option} {folder}: the folder cannot be made ({err.strerror}) "
                                  "— nothing was written") from None
    paths = [folder / name for name, _ in files]
    for p in paths:
        outputs.check_output(p, protect=protect, option=option)
    with contextlib.ExitStack() as stack:
        for p, (_, data) in zip(paths, files):
            stack.enter_context(outputs.open_output(p, mode="wb", protect=protect, option=option)).write(data)
    return paths


__all__ = ["EDGE_FIELDS", "INDEX_FIELDS", "NODE_FIELDS", "check_folder", "edges_csv", "file_names", "graphml",
           "index_csv", "nodes_csv", "readme", "write_network"]
