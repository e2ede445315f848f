"""A UTF-8 file with one damaged byte is never told to use another encoding, which would garble its names."""

from __future__ import annotations

import pytest

from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.exchange.encodings import guess_encoding
from stancetracker.core.model.errors import ImportFailed

from conftest import fingerprint, write

HEAD = "actor,dimension,date,score,evidence\n"
ARABIC = "".join(f"مقتدى الصدر {i},iran,2020-01-01,1,\n" for i in range(5)).encode()


@pytest.mark.parametrize("stray", [b"\xd8", b"\xff", "مقتدى".encode()[:-1]])
def test_a_stray_byte_in_a_utf8_arabic_file_is_called_damaged(store, tmp_path, stray):
    # Was: "it looks like cp1256 (Windows Arabic): import it with --encoding cp1256",
    # which read every other name as mojibake ("ظ…ظ‚طھط¯ظ") and imported them.
    data = HEAD.encode() + ARABIC + b"sadr,iran,2020-01-01,1,note " + stray + b"\n"
    path = write(tmp_path / "a.csv", data)
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions(create_actors=True))
    at = 29 + len(stray.decode("utf-8", "ignore"))  # the stray byte's character on its line
    assert str(err.value).endswith(
        f"line 7: not valid UTF-8 (byte 0x{stray[-1]:02X} at character {at}); the rest of the "
        "file is UTF-8, so this byte is damaged or stray: correct it (another --encoding would garble the "
        "file's other text); nothing was imported")
    assert fingerprint(store) == before and path.read_bytes() == data


def test_real_single_byte_files_are_still_recognised():
    assert guess_encoding("مقتدى الصدر,iran\n".encode("cp1256")) == "cp1256"
    assert guess_encoding("Müller,Café\n".encode("cp1252")) == "cp1252"


def test_one_stray_byte_at_the_end_of_an_ascii_file_is_not_called_arabic(store, tmp_path):
    # Was: the bad line was appended to a sample that already held it, so "\xff\xff" read as an Arabic word.
    path = write(tmp_path / "a.csv", b"actor,dimension,date,score\nsadr,iran,2020-01-01,1\n\xff")
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions())
    assert "cp1256" not in str(err.value) and "line 3: not valid UTF-8 (byte 0xFF at character 1)" in str(err.value)


TEXT = "actor,dimension,date,score,evidence\nمقتدى الصدر,iran,2020-01-01,1,پیام\n"


@pytest.mark.parametrize("encoding", [None, "utf-32"])
def test_utf32_with_a_mark_is_read_not_taken_for_utf16(store, tmp_path, encoding):
    # Was: the UTF-32 mark FF FE 00 00 begins with UTF-16's, so even --encoding utf-32 met "a NUL byte".
    path = write(tmp_path / "a.csv", TEXT.encode("utf-32"))
    import_records(store, path, ImportOptions(create_actors=True, encoding=encoding))
    assert store.conn.execute("SELECT name FROM actors ORDER BY id DESC LIMIT 1").fetchone()[0] == "مقتدى الصدر"
    assert store.conn.execute("SELECT evidence FROM records").fetchone()[0] == "پیام"


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_without_a_mark_is_named(store, tmp_path, codec):
    path = write(tmp_path / "a.csv", TEXT.encode(codec))
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions(create_actors=True))
    assert str(err.value) == (f"{path}: line 1: the line contains NUL bytes between its letters: the file looks "
                              f"like UTF-32 without a byte-order mark; import it with --encoding {codec}, or save "
                              "it as UTF-8; nothing was imported")


@pytest.mark.parametrize("codec", ["shift_jis", "gb18030", "euc-kr", "big5"])
def test_an_east_asian_file_is_not_told_a_single_byte_encoding(store, tmp_path, codec):
    # Was: Shift-JIS "東京" -> "looks like cp1251", EUC-KR -> cp1256, Big5 -> cp1252: each garbles the names.
    path = write(tmp_path / "a.csv", "actor,dimension,date,score\n東京,iran,2020-01-01,1\n".encode(codec))
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions(create_actors=True))
    assert "it looks like" not in str(err.value)
    assert "save it as UTF-8, or name its encoding with --encoding" in str(err.value)


def test_charmap_is_no_file_encoding(store, tmp_path):
    path = write(tmp_path / "a.csv", TEXT)
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions(create_actors=True, encoding="charmap"))
    assert "'charmap' is not a text encoding a file can be read in" in str(err.value)
