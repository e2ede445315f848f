"""CODEBOOK.md is the one source of the level texts; dimensions.csv's codebook column is generated from it
(core/exchange/codebook.py)."""

from __future__ import annotations

import csv
import os

import pytest

from stancetracker.core.exchange import codebook as C
from stancetracker.core.exchange.seeds import seeds_dir
from stancetracker.core.model.entities import Dimension

MD = """# A codebook

## 2. The dimensions

### 2.1 `iran` — Iran

Some words.

| score | meaning | example from the articles |
|---|---|---|
| \u22122 | Confronts Tehran in the open. | An example (000 ¶1). |
| \u22121 | Keeps a distance, with a pipe \\| inside. | — |
| 0 | Mixed. | — |
| +1 | Close to Tehran. | — |
| +2 | Openly in Tehran's camp. | — |

| confidence | when |
|---|---|
| high | not a level table |

### 2.2 `us` — United States

| score | meaning | example from the articles |
|---|---|---|
| -2 | Expel them. | |
| -1 | Hostile in words. | |
| 0 | Neutral. | |
| 1 | Works with them. | |
| 2 | Seeks partnership. | |

## 3. Whom to code

| score | meaning | example from the articles |
|---|---|---|
| 7 | outside any dimension: not read | |
"""


def test_the_markdown_tables_read_as_levels():
    got = C.read_markdown(MD)
    assert got == {
        "iran": {-2: "Confronts Tehran in the open.", -1: "Keeps a distance, with a pipe | inside.", 0: "Mixed.",
                 1: "Close to Tehran.", 2: "Openly in Tehran's camp."},
        "us": {-2: "Expel them.", -1: "Hostile in words.", 0: "Neutral.", 1: "Works with them.",
               2: "Seeks partnership."}}
    # the CSV text reads back through the application's own parser
    text = C.codebook_text(got["iran"])
    assert text.splitlines()[0] == "-2: Confronts Tehran in the open." and text.splitlines()[3] == "1: Close to Tehran."
    assert Dimension(slug="iran", label="Iran").level_texts(text) == got["iran"]


@pytest.mark.parametrize("broken, why", [
    (MD.replace("| 0 | Mixed. | — |\n", ""), "line 5: dimension 'iran' has no row for level 0$"),
    (MD.replace("| +1 | Close", "| +3 | Close"), "line 14: '+3' is not a level"),
    (MD.replace("| 0 | Neutral.", "| -1 | Neutral."), "level -1 of 'us' is given twice"),
    (MD.replace("| 0 | Mixed. |", "| 0 |  |"), "level 0 of 'iran' has no meaning"),
    ("# nothing here\n", "no dimension section"),
])
def test_a_broken_table_is_named_by_its_line(broken, why):
    with pytest.raises(C.CodebookError, match=why.replace("(", r"\(").replace("+", r"\+")):
        C.read_markdown(broken)


def dims_csv(path, newline="\r\n"):
    rows = [["slug", "label", "codebook", "position"],
            ["iran", "Iran", "-2: old text\n2: old other", "1"],
            ["us", "United States, its forces", "", "2"],
            ["militias", "Armed factions", "kept: not in the codebook", "3"]]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator=newline).writerows(rows)
    return rows


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_regenerate_rewrites_only_the_column_and_keeps_the_layout(tmp_path, newline):
    md, table = tmp_path / "CODEBOOK.md", tmp_path / "dimensions.csv"
    md.write_text(MD, encoding="utf-8")
    before = dims_csv(table, newline)
    md_bytes = md.read_bytes()
    found = C.regenerate(md, table)  # a check only
    assert found and all(("iran" in f or "us" in f or "militias" in f) for f in found)
    assert table.read_bytes().decode().startswith("slug,label,codebook,position" + newline)
    assert C.regenerate(md, table, write=True) == found
    assert md.read_bytes() == md_bytes  # the markdown is never written
    with open(table, encoding="utf-8", newline="") as fh:
        after = list(csv.reader(fh))
    assert [r[:2] + r[3:] for r in after] == [r[:2] + r[3:] for r in before]  # every other cell as it was
    assert after[1][2] == C.codebook_text(C.read_markdown(MD)["iran"])
    assert after[3][2] == "kept: not in the codebook"  # a dimension the codebook lacks keeps its text
    assert table.read_bytes().count(b"\r\n") == (4 if newline == "\r\n" else 0)  # the header and 3 rows end so
    assert C.differences(C.read_markdown(MD), C.csv_levels(table)) == ["militias: in the CSV, not in the codebook"]
    assert [p for p in os.listdir(tmp_path) if "partial" in p] == []  # written beside it and renamed


def test_regenerate_refuses_to_write_over_the_markdown_or_a_layout_it_cannot_keep(tmp_path):
    md = tmp_path / "CODEBOOK.md"
    md.write_text(MD, encoding="utf-8")
    with pytest.raises(C.CodebookError, match="is the codebook itself"):
        C.regenerate(md, md, write=True)
    assert md.read_text(encoding="utf-8") == MD
    odd = tmp_path / "quoted.csv"
    odd.write_text('"slug","label","codebook"\n"iran","Iran",""\n"us","US",""\n', encoding="utf-8")
    with pytest.raises(C.CodebookError, match="nothing was written"):
        C.regenerate(md, odd, write=True)
    assert odd.read_text(encoding="utf-8").startswith('"slug"')


def test_the_command_checks_and_writes(tmp_path, capsys):
    md, table = tmp_path / "CODEBOOK.md", tmp_path / "dimensions.csv"
    md.write_text(MD, encoding="utf-8")
    dims_csv(table)
    assert C.main([str(md), str(table)]) == 1
    assert C.main([str(md), str(table), "--write"]) == 0
    assert C.main([str(md), str(table)]) == 1  # militias is in the CSV only: still said
    assert "militias: in the CSV, not in the codebook" in capsys.readouterr().out
    assert C.main([str(md), str(md), "--write"]) == 2


def test_the_seed_codebook_and_dimensions_csv_agree_exactly():
    """The level texts of seeds/dimensions.csv are CODEBOOK.md's (regenerate with
    'python -m stancetracker.core.exchange.codebook seeds/CODEBOOK.md seeds/dimensions.csv --write')."""
    folder = seeds_dir()
    markdown = C.read_markdown((folder / "CODEBOOK.md").read_text(encoding="utf-8"))
    assert set(markdown) == {"iran", "us", "militias", "consensus"}
    assert C.differences(markdown, C.csv_levels(folder / "dimensions.csv")) == []
