"""The HTML report (core/report/html.py), parsed: self-contained, every record and source there, links resolve."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from reportfixtures import FakeCharts, open_seeded, parse_html
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record, Source
from stancetracker.core.report.build import build_report
from stancetracker.core.report.document import Figure
from stancetracker.core.report.html import render_html
from stancetracker.core.report.scope import ReportScope

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)
ARABIC = "قال الصدر إن الحكومة يجب أن تكون حكومة أغلبية وطنية"
TEXT_TAGS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "figcaption", "caption", "blockquote", "title")


@pytest.fixture
def seeded(tmp_path_factory, tmp_path):
    store = open_seeded(tmp_path_factory.getbasetemp(), tmp_path / "s.db")
    yield store
    store.close()


@pytest.fixture
def sadr(seeded):
    """The Sadr report with one Arabic record and a source whose URL is a script, and its HTML."""
    seeded.add_source(Source("bad-link", "A source with a script for a URL", url="javascript:alert(1)"))
    seeded.add_record(Record(actor="sadr", dimension="consensus", date=parse_date("2022-01"), score=-2,
                             source="bad-link", locator="¶12", evidence=ARABIC, coder="ana"))
    report = build_report(seeded, ReportScope(actors=("sadr",)), now=NOW)
    charts = FakeCharts()
    return report, render_html(report, charts), charts


def test_every_record_in_scope_is_a_row_and_every_cited_source_an_entry(sadr):
    report, text, _ = sadr
    doc = parse_html(text)
    rows = doc.xpath("//tr[@data-uuid]")
    assert [r.get("data-uuid") for r in rows] == list(report.record_uuids)
    assert all(r.get("id") == f"record-{r.get('data-uuid')}" for r in rows)
    entries = doc.xpath("//p[@class='bib']")
    assert [e.get("id") for e in entries] == [f"src-{e.key}" for e in report.sources]
    assert {c.source_slug for c in report.citations} == {e.key for e in report.sources}
    assert [e.text_content() for e in entries] == [e.text for e in report.sources]


def test_every_citation_number_and_note_link_resolves_inside_the_file(sadr):
    report, text, _ = sadr
    doc = parse_html(text)
    ids = set(doc.xpath("//@id"))
    links = doc.xpath("//a[starts-with(@href, '#')]/@href")
    assert links and all(h[1:] in ids for h in links)
    cited = {int(a.text) for a in doc.xpath("//sup[@class='cites']/a")}
    assert cited == {c.number for c in report.citations}
    for c in report.citations:
        (note,) = doc.xpath(f"//li[@id='cite-{c.number}']")
        assert note.text_content() == c.text
        assert note.xpath("a/@href") == [f"#src-{c.source_slug}"]
    # Each row's citation is the note of its own source.
    table_cites = [tr.xpath(".//sup/a/@href") for tr in doc.xpath("//tr[@data-uuid]")]
    table = next(b for b in report.blocks if getattr(b, "row_ids", ()) == report.record_uuids)
    assert table_cites == [[f"#cite-{n}" for n in c] for c in table.cites]


def test_nothing_is_loaded_from_outside_and_there_is_no_script(sadr):
    """Images are data: URIs; the only outside links are the sources' http(s) addresses in the bibliography."""
    report, text, _ = sadr
    doc = parse_html(text)
    assert not doc.xpath("//script | //iframe | //object | //embed | //link | //base")
    assert not re.search(r"\son\w+\s*=", text)  # no event handler attributes
    assert all(s.startswith("data:image/svg+xml;base64,") for s in doc.xpath("//@src"))
    assert "url(" not in text and "@import" not in text
    outside = doc.xpath("//a[not(starts-with(@href, '#'))]")
    urls = {e.key: e.url for e in report.sources}
    assert outside, "the Rasanah entry's address is a link"
    for a in outside:
        (entry,) = a.xpath("ancestor::p[@class='bib']")
        assert a.get("href") == urls[entry.get("id")[4:]] and a.get("href").startswith("https://")
    assert "javascript:alert(1)" in doc.xpath("//p[@id='src-bad-link']")[0].text_content()
    assert not doc.xpath("//a[contains(@href, 'javascript')]")
    (csp,) = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert "default-src 'none'" in csp and "img-src data:" in csp


def test_every_text_element_takes_its_direction_from_its_text_so_arabic_reads_right_to_left(sadr):
    _, text, _ = sadr
    doc = parse_html(text)
    assert doc.get("lang") == "en" and doc.get("dir") == "ltr"
    for tag in TEXT_TAGS:
        for el in doc.iter(tag):
            assert el.get("dir") == "auto", (tag, el.text_content()[:40])
    cells = [td for td in doc.iter("td") if ARABIC in td.text_content()]
    assert len(cells) == 1 and cells[0].get("dir") == "auto"


def test_each_figure_is_its_chart_embedded_with_its_caption(sadr):
    report, text, charts = sadr
    doc = parse_html(text)
    figures = [b for b in report.blocks if isinstance(b, Figure)]
    imgs = doc.xpath("//figure/img")
    assert len(imgs) == len(figures) == len(charts.drawn) == 5
    for img, fig in zip(imgs, figures):
        svg = base64.b64decode(img.get("src").split(",", 1)[1]).decode()
        assert f"{fig.request.kind} {' '.join(fig.request.actors)}" in svg
        assert img.get("alt") == fig.alt
        assert img.getparent().xpath("figcaption")[0].text_content() == fig.caption
    plain = parse_html(render_html(report, charts=None))
    assert not plain.xpath("//img") and len(plain.xpath("//div[@class='nochart']")) == 5


def test_it_prints_on_a4_with_each_section_on_a_new_page_and_table_headers_repeated(sadr):
    _, text, _ = sadr
    doc = parse_html(text)
    css = doc.xpath("//style")[0].text
    assert "@page { size: A4;" in css
    assert re.search(r"@media print \{.*section \{ break-before: page;.*header \+ section \{ break-before: auto;",
                     css, re.S)
    assert "thead { display: table-header-group; }" in css
    assert [s.get("id") for s in doc.xpath("//section")] == ["charts", "changes", "records", "sources", "method"]
    assert all(t.xpath("thead/tr/th") for t in doc.iter("table"))
