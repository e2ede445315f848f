"""A Word part with a DTD is refused (or its properties left out), never read with its text cut short."""

from __future__ import annotations

import io
import zipfile

import pytest

from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.exchange.documents.base import DocumentError

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="xml" ContentType="application/xml"/></Types>')
_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/><Relationship Id="r2" Type="http://schemas.openxmlformats.org/'
         'package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
_CORE = ('<?xml version="1.0"?>{dtd}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
         'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T {ref}</dc:title>'
         '</cp:coreProperties>')


def _docx(path, document: str, core: str | None = None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document)
        if core:
            z.writestr("docProps/core.xml", core)
    path.write_bytes(buf.getvalue())
    return path


def _body(text: str, dtd: str = "") -> str:
    return (f'<?xml version="1.0"?>{dtd}<w:document {_W}><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            '</w:body></w:document>')


@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///no/such/secret">]>',  # external entity (XXE)
    '<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',  # parameter entity
    '<!DOCTYPE d [<!ENTITY x "harmless">]>',
])
def test_a_document_part_with_a_dtd_is_refused(tmp_path, dtd):
    # Was: "A &x; B" came in as "A": the entity unresolved (good), the text after it lost without a word.
    path = _docx(tmp_path / "d.docx", _body("A &x; B" if "ENTITY x" in dtd else "A", dtd))
    with pytest.raises(DocumentError) as err:
        read_document(path)
    assert str(err.value) == (f"{path}: its part word/document.xml declares a DTD (<!DOCTYPE …>), which Word "
                              "never writes; it is not an ordinary Word document")


def test_properties_with_a_dtd_are_left_out_with_a_warning(tmp_path):
    core = _CORE.format(dtd='<!DOCTYPE d [<!ENTITY x SYSTEM "file:///no/such/secret">]>', ref="&x;")
    doc = read_document(_docx(tmp_path / "d.docx", _body("Hello"), core))
    assert doc.text == "Hello" and doc.title == "d"
    assert [w.reason for w in doc.warnings] == [
        "the document's properties (docProps/core.xml) could not be read (its part docProps/core.xml declares "
        "a DTD (<!DOCTYPE …>), which Word never writes; it is not an ordinary Word document); title, author and "
        "date are left to you"]


def test_billion_laughs_is_refused_quickly(tmp_path):
    lol = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    path = _docx(tmp_path / "d.docx", _body("&a9;", f"<!DOCTYPE d [{lol}]>"))
    with pytest.raises(DocumentError):
        read_document(path)
