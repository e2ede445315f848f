"""Integrity and codebook checks on the seeded dataset (seeds/*.csv).

Reads the CSVs with the standard csv module only, so it tests the data, not
the importer.
"""

from __future__ import annotations

import csv
import re
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from stancetracker.core.coding.mentions import paragraphs as reader_paragraphs
from stancetracker.core.exchange.seeds import record_files

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "seeds"

RECORD_COLUMNS = [
    "uuid", "actor", "actor_slug", "dimension", "dimension_slug", "date",
    "date_precision", "score", "score_label", "confidence", "source_title",
    "source_url", "source_published", "locator", "evidence", "coder",
    "created_at", "updated_at", "version",
]
# Seed sources in the order of the article files 000..004.
SOURCE_FILE_PREFIX = {
    "rasanah-2024": "000_",
    "jamestown-2021": "001_",
    "rferl-2020": "002_",
    "qaani-visit-2022": "003_",
    "sadr-iran-alliance-2020": "004_",
}
NAMED_ACTORS = ["maliki", "kadhimi", "amiri", "khazali", "kataib-hezbollah", "nujaba", "iran"]
REQUIRED_SLUGS = [
    "sadr", "maliki", "kadhimi", "amiri", "khazali", "kataib-hezbollah", "nujaba", "iran",
    "coordination-framework", "state-of-law", "sadrist-movement", "asaib-ahl-al-haq",
    "fatah-alliance", "pmf",
]
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCATOR_RE = re.compile(r"^¶ (\d+)$")  # what the reader writes for a text without pages


def read(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def header(name: str) -> list[str]:
    with open(SEEDS / name, newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f))


@pytest.fixture(scope="module")
def records():
    return read("records.csv")


@pytest.fixture(scope="module")
def actors():
    return {a["slug"]: a for a in read("actors.csv")}


@pytest.fixture(scope="module")
def dimensions():
    return {d["slug"]: d for d in read("dimensions.csv")}


@pytest.fixture(scope="module")
def sources():
    return {s["slug"]: s for s in read("sources.csv")}


def paragraphs(path: Path) -> list[str]:
    """Blocks of non-blank lines; a whitespace-only line counts as blank."""
    paras, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            cur.append(line)
        elif cur:
            paras.append("\n".join(cur))
            cur = []
    if cur:
        paras.append("\n".join(cur))
    return paras


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def score_label(dim: dict[str, str], score: float) -> str:
    level = max(-2, min(2, round(score)))
    return {
        -2: f"strongly {dim['neg_label']}",
        -1: dim["neg_label"],
        0: "neutral/mixed",
        1: dim["pos_label"],
        2: f"strongly {dim['pos_label']}",
    }[level]


def series(records, actor: str, dim: str) -> list[tuple[str, float]]:
    """Per-date mean scores for one actor x dimension, oldest first."""
    by_date = defaultdict(list)
    for r in records:
        if r["actor_slug"] == actor and r["dimension_slug"] == dim:
            by_date[r["date"]].append(float(r["score"]))
    return [(d, sum(v) / len(v)) for d, v in sorted(by_date.items())]


def value_at(records, actor: str, dim: str, day: str) -> float:
    """Last observation carried forward to `day`."""
    past = [v for d, v in series(records, actor, dim) if d <= day]
    assert past, f"no {actor}/{dim} record on or before {day}"
    return past[-1]


def shifts(records, actor: str, dim: str) -> list[tuple[str, str]]:
    """Consecutive observations that move >= 2 points or change sign."""
    s = series(records, actor, dim)
    out = []
    for (d0, v0), (d1, v1) in zip(s, s[1:]):
        if abs(v1 - v0) >= 2 or v0 * v1 < 0:
            out.append((d0, d1))
    return out


# ---------------------------------------------------------------- structure

def test_record_columns_in_order():
    """records.csv, and every other coder's record file, has exactly the 19 documented columns, in order."""
    assert header("records.csv") == RECORD_COLUMNS
    assert all(header(path.name) == RECORD_COLUMNS for path in record_files(SEEDS))


def test_four_dimensions(dimensions):
    """Exactly the four seeded dimensions, positions 1..4, five codebook levels each."""
    assert sorted(dimensions) == sorted(["iran", "us", "militias", "consensus"])
    assert sorted(int(d["position"]) for d in dimensions.values()) == [1, 2, 3, 4]
    for d in dimensions.values():
        lines = d["codebook"].split("\n")
        assert [ln.split(":")[0] for ln in lines] == ["-2", "-1", "0", "1", "2"]
        assert d["neg_label"] and d["pos_label"] and d["neg_pole"] and d["pos_pole"]


def test_actor_slugs_and_colours(actors):
    """Actor slugs are lowercase ASCII/digits/hyphens, required slugs exist, colours are distinct #rrggbb."""
    for slug in actors:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    for slug in REQUIRED_SLUGS:
        assert slug in actors, slug
    colours = [a["colour"].lower() for a in actors.values()]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)
    kinds = {"person", "party", "movement", "coalition", "militia", "state", "institution", "other"}
    assert all(a["kind"] in kinds for a in actors.values())


def test_counts(records, actors, sources):
    """At least 25 actors, 5 sources, 20 events and 120 records, all coded by 'seed'."""
    assert len(actors) >= 25
    assert len(sources) >= 5
    assert len(read("events.csv")) >= 20
    assert len(records) >= 120
    assert {r["coder"] for r in records} == {"seed"}
    placed = {r["actor_slug"] for r in records}
    assert len(placed) >= 25


def test_records_reference_known_entities(records, actors, dimensions, sources):
    """Every record names a known actor, dimension and source (title, URL, published)."""
    by_title = {s["title"]: s for s in sources.values()}
    for r in records:
        assert r["actor_slug"] in actors, r["uuid"]
        assert r["actor"] == actors[r["actor_slug"]]["name"], r["uuid"]
        assert r["dimension_slug"] in dimensions, r["uuid"]
        assert r["dimension"] == dimensions[r["dimension_slug"]]["label"], r["uuid"]
        src = by_title.get(r["source_title"])
        assert src is not None, r["source_title"]
        # The seed leaves source_url empty: title then URL side by side would
        # repeat the Rasanah article's opening lines word for word.
        assert r["source_url"] in ("", src["url"])
        assert r["source_published"] == src["published"]


def test_memberships_and_events_reference_known_entities(actors, sources):
    """Memberships link existing actors; events cite existing sources; event labels fit 40 chars."""
    for m in read("memberships.csv"):
        assert m["member"] in actors and m["group"] in actors, m
        for col in ("start", "end"):
            if m[col]:
                assert DATE_RE.match(m[col]) and m[f"{col}_precision"] in {"day", "month", "year"}
    for e in read("events.csv"):
        assert not e["source"] or e["source"] in sources, e
        assert len(e["label"]) <= 40, e["label"]
        assert DATE_RE.match(e["date"]) and e["date_precision"] in {"day", "month", "year"}


def test_sources_metadata(sources):
    """The five seed articles carry the agreed publication dates and precisions."""
    expected = {
        "rasanah-2024": ("2024", "year"),
        "jamestown-2021": ("2021-11", "month"),
        "rferl-2020": ("2020-01", "month"),
        "qaani-visit-2022": ("2022-01-22", "day"),
        "sadr-iran-alliance-2020": ("2020-02", "month"),
    }
    kinds = {"rasanah-2024": "article", "jamestown-2021": "article", "rferl-2020": "news",
             "qaani-visit-2022": "article", "sadr-iran-alliance-2020": "opinion"}
    for slug, (pub, prec) in expected.items():
        assert (sources[slug]["published"], sources[slug]["published_precision"]) == (pub, prec)
        assert sources[slug]["kind"] == kinds[slug] and sources[slug]["language"] == "en"


def test_uuids_unique_and_valid(records):
    """UUIDs are valid and unique."""
    ids = [r["uuid"] for r in records]
    for i in ids:
        uuid.UUID(i)
    assert len(set(ids)) == len(ids)


def test_no_duplicate_records(records):
    """No two records are identical in every column but the uuid."""
    keys = [tuple(r[c] for c in RECORD_COLUMNS[1:]) for r in records]
    assert len(set(keys)) == len(keys)


def test_scores_dates_and_labels(records, dimensions):
    """Scores are integers -2..2, labels follow the pole rule, dates are first days of their period."""
    for r in records:
        score = int(r["score"])
        assert -2 <= score <= 2
        assert r["score_label"] == score_label(dimensions[r["dimension_slug"]], score), r["uuid"]
        assert r["confidence"] in {"low", "medium", "high"}
        assert DATE_RE.match(r["date"]), r["date"]
        prec = r["date_precision"]
        assert prec in {"day", "month", "year"}
        if prec in {"month", "year"}:
            assert r["date"].endswith("-01")
        if prec == "year":
            assert r["date"][5:7] == "01"
        assert r["evidence"].strip()
        assert r["version"] == "1"


# ---------------------------------------------------------------- locators and copying

def test_locators_point_into_the_articles(records, sources):
    """Each locator is the reader's "¶ N" and names an existing, non-empty paragraph of its article."""
    if not ARTICLES.is_dir():
        pytest.skip("article texts (shared/seeds) not available")
    files = {slug: next(ARTICLES.glob(prefix + "*.txt")) for slug, prefix in SOURCE_FILE_PREFIX.items()}
    by_title = {s["title"]: slug for slug, s in sources.items()}
    cache: dict[str, list[str]] = {}
    for r in records:
        m = LOCATOR_RE.match(r["locator"])
        assert m, r["locator"]
        slug = by_title[r["source_title"]]
        paras = cache.setdefault(slug, paragraphs(files[slug]))
        assert 1 <= int(m.group(1)) <= len(paras), (slug, r["locator"])
    # The codebook's paragraph count is the reader's: the numbers it writes are the ones above.
    for slug, f in files.items():
        text = f.read_text(encoding="utf-8")
        assert len(reader_paragraphs(text)) == len(paragraphs(f)), slug


def test_no_ten_word_runs_copied():
    """No evidence note, description, note or codebook sentence shares a 10-word run with an article."""
    if not ARTICLES.is_dir():
        pytest.skip("article texts (shared/seeds) not available")
    grams = set()
    for f in ARTICLES.glob("*.txt"):
        w = words(f.read_text(encoding="utf-8", errors="ignore"))
        grams.update(" ".join(w[i:i + 10]) for i in range(len(w) - 9))
    # Every coder's records (the first coder's, the reliability study's second coder and consensus records),
    # whole rows: a run may cross from one cell into the next. An article's title is cited, not copied.
    titles = set()
    for src in read("sources.csv"):
        w = words(src["title"])
        titles.update(" ".join(w[i:i + 10]) for i in range(len(w) - 9))
    grams -= titles
    texts = [(path.name, " . ".join(r.values())) for path in record_files(SEEDS) for r in read(path.name)]
    texts += [("events", e["label"] + " . " + e["description"]) for e in read("events.csv")]
    texts += [("actors", a["description"]) for a in read("actors.csv")]
    texts += [("memberships", m["note"]) for m in read("memberships.csv")]
    texts += [("dimensions", " . ".join([d["question"], d["neg_pole"], d["pos_pole"], d["codebook"]]))
              for d in read("dimensions.csv")]
    texts += [("CODEBOOK.md", (SEEDS / "CODEBOOK.md").read_text(encoding="utf-8"))]
    hits = []
    for where, text in texts:
        w = words(text)
        hits += [(where, " ".join(w[i:i + 10])) for i in range(len(w) - 9) if " ".join(w[i:i + 10]) in grams]
    assert not hits, hits[:5]


# ---------------------------------------------------------------- coverage

def test_sadr_coverage(records):
    """Sadr is coded on all four dimensions at 12+ distinct dates between 2003 and 2024."""
    sadr = [r for r in records if r["actor_slug"] == "sadr"]
    assert {r["dimension_slug"] for r in sadr} == {"iran", "us", "militias", "consensus"}
    dates = {r["date"] for r in sadr if "2003" <= r["date"][:4] <= "2024"}
    assert len(dates) >= 12


def test_named_actor_coverage(records):
    """Each named actor has at least three records and the Coordination Framework is coded as itself."""
    counts = defaultdict(int)
    for r in records:
        counts[r["actor_slug"]] += 1
    for slug in NAMED_ACTORS:
        assert counts[slug] >= 3, slug
    assert counts["coordination-framework"] >= 1


# ---------------------------------------------------------------- domain spot checks

def test_sadr_pro_iran_in_late_january_2020(records):
    """Sadr's Iran score at the end of January 2020 (Qom meeting, anti-US march) is at least +1."""
    assert value_at(records, "sadr", "iran", "2020-01-31") >= 1


def test_sadr_for_majority_government_january_2022(records):
    """Every Sadr consensus record in January 2022 is negative (national-majority push)."""
    jan = [int(r["score"]) for r in records
           if r["actor_slug"] == "sadr" and r["dimension_slug"] == "consensus" and r["date"].startswith("2022-01")]
    assert jan and all(s < 0 for s in jan)


def test_sadr_iran_swings(records):
    """Sadr's Iran series shifts towards Tehran in late 2019-early 2020 and away from it by 2021-22."""
    sh = shifts(records, "sadr", "iran")
    assert any(d1.startswith(("2019-12", "2020-01")) for _, d1 in sh)
    assert any(d0.startswith("2020") and d1 >= "2021" for d0, d1 in sh)
    assert value_at(records, "sadr", "iran", "2022-01-31") < 0


def test_kataib_hezbollah_always_anti_us(records):
    """Kata'ib Hezbollah's US score is -1 or lower in every record."""
    kh = [int(r["score"]) for r in records
          if r["actor_slug"] == "kataib-hezbollah" and r["dimension_slug"] == "us"]
    assert kh and all(s <= -1 for s in kh)


def test_coordination_framework_pro_consensus(records):
    """The Coordination Framework's consensus records are all positive."""
    cf = [int(r["score"]) for r in records
          if r["actor_slug"] == "coordination-framework" and r["dimension_slug"] == "consensus"]
    assert cf and all(s > 0 for s in cf)


def test_speculation_is_low_confidence(records):
    """Low-confidence records exist, and records citing speculation passages are never high."""
    assert any(r["confidence"] == "low" for r in records)
    spec = [r for r in records if "¶22 · Speculation" in r["locator"] or "speculat" in r["evidence"].lower()]
    assert spec and all(r["confidence"] == "low" for r in spec)


def test_disputed_qaani_meeting_coded_both_ways(records):
    """The disputed 16 Jan 2022 Qaani-Sadr meeting is coded with both versions, each low confidence."""
    recs = [r for r in records if r["actor_slug"] == "sadr" and r["dimension_slug"] == "iran"
            and r["date"] == "2022-01-16"]
    assert len({r["score"] for r in recs}) >= 2
    assert all(r["confidence"] == "low" for r in recs)
