"""Broken, huge and hostile .qdpx files are refused in one line that names the file, and change nothing."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.exchange.qdpx import archive
from stancetracker.core.exchange.qdpx.archive import QdpxError
from stancetracker.core.exchange.qdpx.import_ import import_qdpx
from stancetracker.core.model.progress import Cancelled

from conftest import fingerprint
from qdpxfixtures import TXT, hand_project, hand_qdpx, qdpx

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY a "ha">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&i;"/>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&secret;</Description></Project>
"""


def _refused(db_path, path, *words):
    """The command refuses ``path`` in one line naming it and saying ``words``; the database is unchanged."""
    before = fingerprint(db_path)
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import-qdpx", str(path)])
    lines = res.output.strip().splitlines()
    assert res.exit_code == 1, res.output
    assert len(lines) == 1 and "Traceback" not in res.output, res.output
    assert str(path) in lines[0] and "nothing was imported" in lines[0]
    for w in words:
        assert w in lines[0], lines[0]
    assert fingerprint(db_path) == before
    return lines[0]


def test_broken_xml_is_refused_with_its_line(db_path, tmp_path):
    bad = hand_project().replace("</Users>", "</Userz>")
    _refused(db_path, qdpx(tmp_path / "broken.qdpx", bad), "project.qde is not well-formed XML", "line")


def test_a_billion_laughs_is_refused_without_expanding_it(db_path, tmp_path):
    _refused(db_path, qdpx(tmp_path / "laughs.qdpx", LAUGHS), "declares a DTD")


def test_an_external_entity_is_never_read(db_path, tmp_path):
    _refused(db_path, qdpx(tmp_path / "xxe.qdpx", XXE), "declares a DTD")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(db_path, tmp_path):
    # 40 MB of one byte compresses about a thousand to one: a text file never does that.
    bomb = qdpx(tmp_path / "bomb.qdpx", hand_project(), {f"sources/{TXT}.txt": b"a" * (40 << 20)})
    assert bomb.stat().st_size < 1 << 20
    _refused(db_path, bomb, f"sources/{TXT}.txt", "zip bomb")


def test_the_total_unpacked_size_and_the_member_count_are_bounded(db_path, tmp_path, monkeypatch):
    path = hand_qdpx(tmp_path / "hand.qdpx")
    monkeypatch.setattr(archive, "MAX_TOTAL", 1000)
    _refused(db_path, path, "would unpack to", "the limit is 1,000")
    monkeypatch.setattr(archive, "MAX_TOTAL", 1 << 30)
    monkeypatch.setattr(archive, "MAX_MEMBERS", 2)
    _refused(db_path, path, "holds 4 files")


def test_path_traversal_names_are_refused(db_path, tmp_path):
    for name in ("../escape.txt", "sources/../../escape.txt", "/etc/passwd", "C:/x.txt", "sources\\..\\x.txt"):
        path = qdpx(tmp_path / "trav.qdpx", hand_project(), {name: b"x"})
        _refused(db_path, path, "path traversal")
    assert not (tmp_path / "escape.txt").exists()


def test_a_nested_archive_is_never_opened_only_counted(store, tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("project.qde", "<Project/>")
    path = qdpx(tmp_path / "nested.qdpx", hand_project(), {f"sources/{TXT}.txt": "Some words here.",
                                                           "sources/inner.zip": inner.read_bytes()})
    got = import_qdpx(store, path)
    assert got.skipped["archives inside the archive"] == 1


def test_not_a_project_and_no_project_file(db_path, tmp_path):
    _refused(db_path, qdpx(tmp_path / "other.qdpx", "<Book><Title>x</Title></Book>"), "not a REFI-QDA <Project>")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(db_path, empty, "holds no project.qde")
    trunc = hand_qdpx(tmp_path / "trunc.qdpx")
    trunc.write_bytes(trunc.read_bytes()[:200])
    _refused(db_path, trunc, "is not a .qdpx (zip) archive")


def test_odd_parts_are_skipped_and_counted_never_a_crash(store, tmp_path):
    text = "Short text here."
    project = hand_project().replace('startPosition="', 'startPosition="x', 1)  # one bad position
    project = project.replace(f'internal://{TXT}.txt', f'internal://{TXT}.txt', 1)
    path = qdpx(tmp_path / "odd.qdpx", project, {f"sources/{TXT}.txt": text})
    got = import_qdpx(store, path)
    assert got.sources == 1
    assert got.skipped["selections with bad positions"] == 1
    assert got.skipped["selections outside their text"] == 2  # the text is shorter than the file says
    assert any("PlainTextSelection" in d and "Interview notes" in d for d in got.details)
    missing = qdpx(tmp_path / "missing.qdpx", hand_project())
    got = import_qdpx(store, missing)
    assert got.sources == 0 and got.skipped["text sources whose text file is missing"] == 1
    latin = qdpx(tmp_path / "latin.qdpx", hand_project(), {f"sources/{TXT}.txt": "caf\xe9".encode("latin-1")})
    got = import_qdpx(store, latin)
    assert got.skipped["text sources whose text is not UTF-8"] == 1


def test_an_import_stopped_half_way_writes_nothing(store, tmp_path):
    path = hand_qdpx(tmp_path / "hand.qdpx")
    before = fingerprint(store)
    with pytest.raises(Cancelled):
        import_qdpx(store, path, progress=lambda done, total: False)
    assert fingerprint(store) == before


def test_the_archive_error_names_the_file(tmp_path):
    with pytest.raises(QdpxError) as err:
        archive.Archive(tmp_path / "absent.qdpx")
    assert str(err.value) == f"{tmp_path / 'absent.qdpx'}: no such file; nothing was imported"
