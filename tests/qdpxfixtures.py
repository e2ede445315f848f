"""What the REFI-QDA tests share: the schema, a coded document, and .qdpx archives written by hand."""

from __future__ import annotations

import zipfile
import os
from pathlib import Path

from lxml import etree

from stancetracker.core.coding.passages import add_coded_record
from stancetracker.core.coding.sourcetext import add_document
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.documents.base import DocumentText
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record

# The REFI-QDA schema (MIT, qdasoftware.org) is reference material kept beside the repository, not in it:
# $STANCETRACKER_REFI_QDA_XSD, or shared/refi-qda/ next to the checkout. Without it, exports are still
# checked in every other way and only the schema validation is skipped.
XSD = Path(os.environ.get("STANCETRACKER_REFI_QDA_XSD")
           or Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Project-mrt2019.xsd")
NS = "urn:QDA-XML:project:1.0"

# Invented wording (not from any article), with Arabic script and an emoji to hold offsets to code points.
TEXT = ("Statement of 4 March 2020\n\n"
        "The cleric told a rally in Kufa that the factions must hand their weapons to the state. 🙂\n\n"
        "He added that ties with Tehran would stay close: «علاقات وثيقة».\n\n"
        "A closing line with nothing coded.\n")


def schema() -> etree.XMLSchema | None:
    """The REFI-QDA project schema, or None where it is not available."""
    return etree.XMLSchema(etree.parse(str(XSD))) if XSD.is_file() else None


def assert_valid(root) -> None:
    """``root`` (a project.qde) validates against the REFI-QDA schema, where the schema is available."""
    xsd = schema()
    if xsd is not None:
        assert xsd.validate(root), xsd.error_log


def coded_document(store: Store) -> tuple[str, list[str]]:
    """A document with two coded passages (three records, one with a fractional score); its slug and UUIDs."""
    src = add_document(store, DocumentText(text=TEXT, format="txt", file_name="statement.txt",
                                           title="Statement in Kufa", publisher="Invented Wire",
                                           published=parse_date("2020-03-04")))
    a = TEXT.index("The cleric")
    b = TEXT.index("the state.") + len("the state.")
    c = TEXT.index("He added")
    d = TEXT.index("».") + 1
    uuids = []
    for dim, score, conf, start, end, evidence in (
            ("militias", -2.0, "high", a, b, "Told a rally the factions must give their weapons to the state."),
            ("iran", 1.5, "medium", c, d, "Said ties with Tehran would stay close."),
            ("iran", 1.0, "low", a, b, "Speech read as friendly to Tehran's allies.")):
        rec = Record(actor="sadr", dimension=dim, date=parse_date("2020-03-04"), score=score, confidence=conf,
                     source=src.slug, evidence=evidence, coder="amal")
        uuids.append(add_coded_record(store, rec, start, end).uuid)
    return src.slug, uuids


def qdpx(path: Path, project: bytes | str, members: dict[str, bytes | str] | None = None,
         compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A .qdpx holding ``project`` as project.qde and ``members`` beside it."""
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        z.writestr("project.qde", project if isinstance(project, bytes) else project.encode("utf-8"))
        for name, data in (members or {}).items():
            z.writestr(name, data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


# A project written by hand the way the REFI-QDA 1.5 specification describes it: two users, a codebook of
# nested codes, a text source (its text in sources/, lines ended CRLF as Windows programs write them) with
# several selections, a case, a note, and parts stancetracker cannot use (a PDF and a picture source).
U1, U2 = "8A1C1E4F-0000-4000-8000-000000000001", "8A1C1E4F-0000-4000-8000-000000000002"
SRC, TXT = "5B2D3C4E-0000-4000-8000-0000000000A1", "5B2D3C4E-0000-4000-8000-0000000000A2"
CODE_STANCE, CODE_IRAN, CODE_PRO, CODE_ANTI = (f"6C3E4D5F-0000-4000-8000-00000000000{i}" for i in range(1, 5))
SEL1, SEL2, SEL3 = (f"7D4F5E6A-0000-4000-8000-00000000000{i}" for i in range(1, 4))
CASE, NOTE = "9E5A6F7B-0000-4000-8000-000000000001", "9E5A6F7B-0000-4000-8000-000000000002"
HAND_TEXT = "Line one about the weather.\r\nThe minister praised Tehran's help.\r\nHe also criticised it later.\r\n"


def _pos(phrase: str) -> tuple[int, int]:
    start = HAND_TEXT.index(phrase)
    return start, start + len(phrase)


def hand_project() -> str:
    s1, e1 = _pos("praised Tehran's help")
    s2, e2 = _pos("criticised it later")
    s3, e3 = _pos("weather")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Hand made" origin="by hand" creatingUserGUID="{U1}">
  <Users>
    <User guid="{U1}" name="Layla"/>
    <User guid="{U2}" name="Omar"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{CODE_STANCE}" name="Stances" isCodable="false">
        <Code guid="{CODE_IRAN}" name="Iran" isCodable="true">
          <Description>Positions on Iran</Description>
          <Code guid="{CODE_PRO}" name="Pro" isCodable="true"/>
          <Code guid="{CODE_ANTI}" name="Anti" isCodable="true"/>
        </Code>
      </Code>
    </Codes>
  </CodeBook>
  <Cases>
    <Case guid="{CASE}" name="The minister">
      <SelectionRef targetGUID="{SEL1}"/>
      <SelectionRef targetGUID="{SEL2}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{SRC}" name="Interview notes" plainTextPath="internal://{TXT}.txt" creatingUser="{U1}">
      <PlainTextSelection guid="{SEL1}" name="praise" startPosition="{s1}" endPosition="{e1}" creatingUser="{U1}"
          creationDateTime="2021-05-02T10:00:00Z">
        <Coding guid="1F000000-0000-4000-8000-000000000001" creatingUser="{U1}" creationDateTime="2021-05-02T10:00:00Z">
          <CodeRef targetGUID="{CODE_PRO}"/>
          <NoteRef targetGUID="{NOTE}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{SEL2}" name="criticism" startPosition="{s2}" endPosition="{e2}" creatingUser="{U2}"
          creationDateTime="2021-06-09T08:30:00Z">
        <Coding guid="1F000000-0000-4000-8000-000000000002" creatingUser="{U2}" creationDateTime="2021-06-09T08:30:00Z">
          <CodeRef targetGUID="{CODE_ANTI}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{SEL3}" name="weather" startPosition="{s3}" endPosition="{e3}" creatingUser="{U2}"/>
    </TextSource>
    <PDFSource guid="2A000000-0000-4000-8000-000000000001" name="Scan" path="internal://2A000000-0000-4000-8000-000000000002.pdf">
      <PDFSelection guid="2A000000-0000-4000-8000-000000000003" page="1" firstX="1" firstY="1" secondX="9" secondY="9"/>
    </PDFSource>
    <PictureSource guid="2B000000-0000-4000-8000-000000000001" name="Photo" path="internal://2B000000-0000-4000-8000-000000000002.jpg">
      <PictureSelection guid="2B000000-0000-4000-8000-000000000003" firstX="1" firstY="1" secondX="9" secondY="9"/>
    </PictureSource>
  </Sources>
  <Notes>
    <Note guid="{NOTE}" name="Memo on the praise" creatingUser="{U1}">
      <PlainTextContent>The minister thanked Tehran for its help after the floods.</PlainTextContent>
    </Note>
  </Notes>
</Project>
"""


def hand_qdpx(path: Path) -> Path:
    return qdpx(path, hand_project(), {f"sources/{TXT}.txt": HAND_TEXT.encode("utf-8"),
                                       "sources/2A000000-0000-4000-8000-000000000002.pdf": b"%PDF-1.4 not read",
                                       "sources/2B000000-0000-4000-8000-000000000002.jpg": b"\xff\xd8 not read"})
