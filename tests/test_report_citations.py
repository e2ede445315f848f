"""The bibliography (core/report/citations.py): one author–date style, CSL-JSON and BibTeX of the same entries."""

from __future__ import annotations

import json
import re

from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Source
from stancetracker.core.report.citations import bib_escape, bibliography, bibtex, csl_json

SOURCES = [
    Source("jameel-2021", "Assassination Attempt against Prime Minister Al-Khadimi", "Jamestown Foundation",
           "Rami Jameel", "", parse_date("2021-11")),
    Source("rasanah-2024", "Rifts Within Iraqi Shiite Parties: Will Maliki Succeed?", "Rasanah (IIIS)", "Rasanah",
           "https://example.org/rifts?p=1&x=2", parse_date("2024")),
    Source("anon-2020", "Iran Forming New Alliances In Iraq", "An Iran news service", "", "", parse_date("2020-01")),
    Source("undated", "A statement with no date", "", "", "", None),
    Source("jameel-2021b", "Another piece by the same author", "Jamestown Foundation", "Rami Jameel", "",
           parse_date("2021-03-05")),
    Source("arabic", "العراق والتحالفات الجديدة", "مركز الدراسات", "", "", parse_date("2022"), language="ar"),
    Source("odd", "50% of A&B {really} $5 #1 a_b ~ ^ \\ end", "Pub & Co", "Ann Smith and Bob Jones", "", None),
]


def test_entries_follow_one_author_date_pattern_sorted_by_creator_and_year():
    bib = bibliography(SOURCES)
    texts = {e.key: e.text for e in bib.entries}
    assert texts["jameel-2021b"] == ("Jameel, Rami. 2021a. “Another piece by the same author.” Jamestown "
                                     "Foundation, 5 March 2021.")
    assert texts["jameel-2021"].startswith("Jameel, Rami. 2021b. “Assassination Attempt")
    assert texts["rasanah-2024"] == ("Rasanah. 2024. “Rifts Within Iraqi Shiite Parties: Will Maliki Succeed?” "
                                     "Rasanah (IIIS). https://example.org/rifts?p=1&x=2")
    assert texts["anon-2020"] == "“Iran Forming New Alliances In Iraq.” 2020. An Iran news service, January 2020."
    assert texts["undated"] == "“A statement with no date.” n.d."
    assert texts["odd"].startswith("Smith, Ann, and Bob Jones. n.d.")
    assert bib.short["jameel-2021b"] == "Jameel 2021a" and bib.short["rasanah-2024"] == "Rasanah 2024"
    assert bib.short["anon-2020"] == "“Iran Forming New Alliances…” 2020"
    assert bib.short["odd"] == "Smith and Jones n.d."
    sort_keys = [e.text.lstrip("“").casefold() for e in bib.entries]
    assert sort_keys == sorted(sort_keys)


def test_csl_json_has_one_item_per_source_with_dates_at_their_precision():
    bib = bibliography(SOURCES + SOURCES[:2])  # a source cited twice is one entry
    items = json.loads(csl_json(bib.entries))
    assert [i["id"] for i in items] == [e.key for e in bib.entries] and len(items) == len(SOURCES)
    by_id = {i["id"]: i for i in items}
    assert by_id["jameel-2021"]["author"] == [{"family": "Jameel", "given": "Rami"}]
    assert by_id["rasanah-2024"]["author"] == [{"literal": "Rasanah"}]
    assert by_id["jameel-2021b"]["issued"] == {"date-parts": [[2021, 3, 5]]}
    assert by_id["jameel-2021"]["issued"] == {"date-parts": [[2021, 11]]}
    assert by_id["rasanah-2024"]["issued"] == {"date-parts": [[2024]]}
    assert "issued" not in by_id["undated"] and "author" not in by_id["anon-2020"]
    assert by_id["arabic"]["title"] == "العراق والتحالفات الجديدة" and by_id["arabic"]["language"] == "ar"
    assert all(isinstance(i["title"], str) and i["type"] for i in items)


def _braced(text: str, i: int) -> int:
    """The index just past the brace group opening at ``text[i]`` (AssertionError if it never closes)."""
    assert text[i] == "{"
    depth = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        i += 1
        if depth == 0:
            return i
    raise AssertionError(f"unbalanced braces in {text!r}")


def parse_bibtex(text: str) -> dict[str, dict[str, str]]:
    """A small BibTeX reader: entries and their fields, braces counted (fails on an unbalanced brace)."""
    entries: dict[str, dict[str, str]] = {}
    pos = 0
    head = re.compile(r"@(\w+)\{([^,\s]+),")
    field = re.compile(r"\s*(\w+) = ")
    while (m := head.search(text, pos)):
        fields: dict[str, str] = {"type": m.group(1)}
        i = m.end()
        while (fm := field.match(text, i)):
            i = fm.end()
            if text[i] == "{":
                end = _braced(text, i)
                fields[fm.group(1)] = text[i + 1:end - 1]
            else:
                end = re.compile(r"\w+").match(text, i).end()
                fields[fm.group(1)] = text[i:end]
            i = end
            if text[i] == ",":
                i += 1
        assert text[i:].lstrip().startswith("}"), text[i:i + 40]
        entries[m.group(2)] = fields
        pos = i
    return entries


def test_bibtex_entries_parse_with_the_csl_keys_and_escape_tex_specials():
    bib = bibliography(SOURCES)
    text = bibtex(bib.entries)
    entries = parse_bibtex(text)
    assert list(entries) == [e.key for e in bib.entries]
    odd = entries["odd"]
    assert odd["title"] == ("{50\\% of A\\&B \\{really\\} \\$5 \\#1 a\\_b \\textasciitilde{} "
                            "\\textasciicircum{} \\textbackslash{} end}")
    assert odd["author"] == "Smith, Ann and Jones, Bob" and odd["publisher"] == "Pub \\& Co"
    assert entries["rasanah-2024"]["author"] == "{Rasanah}"  # a body is never split into names
    assert entries["rasanah-2024"]["url"] == "https://example.org/rifts?p=1&x=2"  # verbatim field
    assert entries["arabic"]["title"] == "{العراق والتحالفات الجديدة}"  # UTF-8 kept, not escaped
    assert entries["jameel-2021b"]["month"] == "mar" and entries["jameel-2021b"]["date"] == "2021-03-05"
    for block in text.split("\n\n"):
        unescaped = re.sub(r"\\.", "", block)
        assert unescaped.count("{") == unescaped.count("}"), block


def test_bib_escape_leaves_nothing_tex_would_read_as_markup():
    for ch in "{}%&$#_~^\\":
        escaped = bib_escape(f"a{ch}b")
        assert re.sub(r"\\(textbackslash|textasciitilde|textasciicircum)\{\}|\\[{}%&$#_]", "", escaped) == "ab"
