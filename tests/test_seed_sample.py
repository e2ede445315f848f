"""The seeded reliability study's sample can be drawn again from the first coder's records (CODEBOOK.md §9).

Reads the seed CSVs with the csv module only: the sample rule is a fact about
the data, stated in the codebook, that anyone can re-run without the
application.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def read(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def codebook_rule() -> tuple[int, int]:
    """The seed and the number of other units the codebook says were drawn."""
    text = (SEEDS / "CODEBOOK.md").read_text(encoding="utf-8")
    m = re.search(r"random\.Random\((\d+)\)\.sample\(sorted\(others\), (\d+)\)", text)
    assert m, "CODEBOOK.md §9 must state the draw as random.Random(SEED).sample(sorted(others), N)"
    return int(m.group(1)), int(m.group(2))


def first_coder_units() -> list[str]:
    slug_of = {s["title"]: s["slug"] for s in read("sources.csv")}
    return sorted({f"{slug_of[r['source_title']]}|at {r['locator']}|{r['actor_slug']}|{r['dimension_slug']}"
                   for r in read("records.csv") if r["coder"] == "seed"})


def test_the_study_is_every_sadr_unit_and_a_seeded_random_draw_of_the_rest():
    seed, n = codebook_rule()
    assert n >= 40
    keys = first_coder_units()
    sadr = [k for k in keys if k.split("|")[2] == "sadr"]
    others = [k for k in keys if k.split("|")[2] != "sadr"]
    expected = sorted(sadr + random.Random(seed).sample(others, n))
    shipped = sorted(r["unit"] for r in read("study_units.csv") if r["study"] == "seed-reliability")
    assert shipped == expected
    study = next(s for s in read("studies.csv") if s["slug"] == "seed-reliability")
    rule = json.loads(study["rule"])
    assert (rule["coder"], rule["seed"], rule["random_others"], rule["all_of_actors"]) == ("seed", seed, n, ["sadr"])


def test_the_second_coder_coded_only_study_units():
    units = {r["unit"] for r in read("study_units.csv")}
    slug_of = {s["title"]: s["slug"] for s in read("sources.csv")}
    b = [r for r in read("records-seed-b.csv")]
    assert b and {r["coder"] for r in b} == {"seed-b"}
    for r in b:
        key = f"{slug_of[r['source_title']]}|at {r['locator']}|{r['actor_slug']}|{r['dimension_slug']}"
        assert key in units, key
    # One record per unit: the second coder coded each unit once.
    assert len({(r["source_title"], r["locator"], r["actor_slug"], r["dimension_slug"]) for r in b}) == len(b)
