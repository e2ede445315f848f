"""A report built by hand with every block type, Arabic text and a long table, for the writers' tests."""

from __future__ import annotations

import datetime as _dt
import struct
import zlib

from stancetracker.core.analysis.request import ChartRequest
from stancetracker.core.report.document import (BulletList, Citation, Evidence, Figure, Heading, Paragraph, Report,
                                                Shift, SourceEntry, Table)

ARABIC_TITLE = "موقف التيار الصدري من إيران"
ARABIC_EVIDENCE = "الصدر يرفض التدخل الإيراني في تشكيل الحكومة"
ROWS = 200
COLUMNS = ("Date", "Actor", "Dimension", "Score", "Confidence", "Evidence")


def png(width: int = 40, height: int = 20, rgb: tuple[int, int, int] = (40, 120, 60)) -> bytes:
    """A small valid PNG of one colour (python-docx reads its header for the size)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def uuid_of(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def sample_report(rows: int = ROWS) -> Report:
    """Title block, a figure, a shift, a bullet list, a table of ``rows`` records, sources and method."""
    citations = tuple(Citation(n, f"source-{(n - 1) % 3}", f"para. {n}", f"Author{(n - 1) % 3} 202{(n - 1) % 3}, para. {n}")
                      for n in range(1, rows + 1))
    sources = tuple(SourceEntry(f"source-{k}", f"Author{k} (202{k}). A source numbered {k}. Publisher {k}.")
                    for k in range(3))
    table_rows = []
    for i in range(rows):
        evidence = ARABIC_EVIDENCE if i == 7 else f"Evidence of record {i}: the actor said thing number {i}."
        table_rows.append((f"20{10 + i % 14:02d}-03", "Muqtada al-Sadr", "Iran", f"{(i % 5) - 2:+d}".replace("+0", "0"),
                           "high", evidence))
    blocks = (
        Heading(1, "Muqtada al-Sadr and Iran, 2003–2024"),
        Paragraph("Written 1 December 2026 · coders: tester", style="meta"),
        Paragraph("Scope: Muqtada al-Sadr; Iran; 2003–2024", style="meta"),
        Heading(2, "Charts", anchor="charts"),
        Figure(ChartRequest("timeline", ["sadr"], "iran"), "Figure 1. Muqtada al-Sadr on Iran", 1200, 700,
               alt="A step line of Sadr's stance on Iran"),
        Heading(2, "What changed", anchor="changes"),
        Shift("Muqtada al-Sadr on Iran: +1 (pro-Iran) in 2003 → −1 (anti-Iran) in 2008",
              before=(Evidence("2003", "+1 pro-Iran", "Sadr took Tehran's backing after the invasion.", 1),),
              after=(Evidence("2008", "−1 anti-Iran", ARABIC_EVIDENCE, 2),), sign_change=True),
        Paragraph(ARABIC_TITLE, cites=(2,)),
        BulletList(("First point of the summary", "Second point of the summary")),
        BulletList(("Numbered one", "Numbered two"), numbered=True),
        Heading(2, "Records", anchor="records"),
        Table(COLUMNS, tuple(table_rows), cites=tuple((n,) for n in range(1, rows + 1)),
              row_ids=tuple(uuid_of(i) for i in range(rows)), caption="Table 1. Every record in scope",
              widths=(0.1, 0.16, 0.1, 0.1, 0.1, 0.44)),
        Heading(2, "Sources", anchor="sources"),
        *(Paragraph(s.text) for s in sources),
        Heading(2, "Method", anchor="method"),
        Heading(3, "Iran"),
        Paragraph("How far does the actor accept Iranian influence? −2 openly opposes … +2 openly aligned.",
                  style="note"),
        Paragraph("A quoted line of the codebook.", style="quote"),
    )
    return Report(title="Muqtada al-Sadr and Iran, 2003–2024",
                  created=_dt.datetime(2026, 12, 1, 9, 30, tzinfo=_dt.timezone.utc), blocks=blocks,
                  citations=citations, sources=sources, record_uuids=tuple(uuid_of(i) for i in range(rows)),
                  data_version="sha256:abc123", command_line="stancetracker report --actor sadr -o brief")


__all__ = ["ARABIC_EVIDENCE", "ARABIC_TITLE", "COLUMNS", "ROWS", "png", "sample_report", "uuid_of"]
