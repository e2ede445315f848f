"""Reading a ``.qdpx`` archive defensively: bounded sizes and counts, safe names, safe XML.

Nothing is extracted to disk: members are read into memory, each within
its declared size and all within the limits below, so a zip bomb, a name
like ``../../x`` or an archive nested in the archive cannot reach the file
system or exhaust memory.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from stancetracker.core.exchange.qdpx.model import Element, QDE
from stancetracker.core.model.errors import StanceError

MAX_MEMBERS = 20_000
MAX_TOTAL = 1 << 30          # 1 GiB uncompressed, summed over what is read
MAX_QDE = 200 << 20          # project.qde itself
MAX_SOURCE = 100 << 20       # one source's text (the database's own limit is 50 million characters)
MAX_RATIO = 200              # uncompressed / compressed, beyond which a member is a bomb, not text
_NESTED = (".zip", ".qdpx", ".qdc", ".jar", ".7z", ".rar", ".gz", ".tar")


class QdpxError(StanceError):
    """A .qdpx file that cannot be read; the message names the file and the part."""

    def __init__(self, path: Path | str, message: str):
        super().__init__(f"{path}: {message}; nothing was imported")
        self.path = str(path)


def _safe_name(name: str) -> bool:
    """True for a member name that stays inside the archive's folder."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    return not any(part == ".." for part in name.split("/"))


class Archive:
    """An open .qdpx: its ``project.qde`` tree and its ``Sources/`` members, read on demand."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._read_total = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise QdpxError(path, "no such file") from None
        except IsADirectoryError:
            raise QdpxError(path, "is a folder, not a .qdpx file") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as err:
            raise QdpxError(path, f"is not a .qdpx (zip) archive ({err})") from None
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            self.close()
            raise QdpxError(path, f"holds {len(infos):,} files; a project archive may hold {MAX_MEMBERS:,}")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_TOTAL:
            self.close()
            raise QdpxError(path, f"would unpack to {declared:,} bytes; the limit is {MAX_TOTAL:,}")
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.nested = 0
        for info in infos:
            if not _safe_name(info.filename):
                self.close()
                raise QdpxError(path, f"holds a file named {info.filename[:80]!r}, which points outside the "
                                      "archive (path traversal)")
            if info.is_dir():
                continue
            if info.filename.lower().endswith(_NESTED):
                self.nested += 1  # never opened: an archive inside the archive is not a source we read
                continue
            # Folder names differ in case between programs (Sources/, sources/).
            self.members[posixpath.normpath(info.filename).lower()] = info

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def read(self, name: str, limit: int) -> bytes | None:
        """A member's bytes (None if there is none), refused past ``limit`` or the archive's total."""
        info = self.members.get(posixpath.normpath(name).lower())
        if info is None:
            return None
        if info.flag_bits & 0x1:
            raise QdpxError(self.path, f"{info.filename} is encrypted")
        if info.file_size > limit:
            raise QdpxError(self.path, f"{info.filename} would unpack to {info.file_size:,} bytes; "
                                       f"the limit is {limit:,}")
        if info.compress_size and info.file_size > 1 << 20 and info.file_size / info.compress_size > MAX_RATIO:
            raise QdpxError(self.path, f"{info.filename} is compressed {info.file_size // info.compress_size:,} "
                                       "to 1 (a zip bomb, not a project)")
        chunks, size = [], 0
        try:
            with self._zip.open(info) as fh:
                # The declared size bounds zipfile's output, but a lying header is read no further than the limit.
                while chunk := fh.read(1 << 20):
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > limit or self._read_total > MAX_TOTAL:
                        raise QdpxError(self.path, f"{info.filename} unpacks to more than its limit "
                                                   f"({min(limit, MAX_TOTAL):,} bytes)")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as err:
            raise QdpxError(self.path, f"{info.filename} cannot be unpacked ({err})") from None
        return b"".join(chunks)

    def project(self) -> Element:
        """The root element of ``project.qde``, parsed with entities, DTDs and the network all off."""
        data = self.read(QDE, MAX_QDE)
        if data is None:
            raise QdpxError(self.path, f"holds no {QDE} (is it a REFI-QDA project?)")
        return parse_qde(self.path, data)


def parse_qde(path: Path | str, data: bytes) -> Element:
    """Parse the project XML safely: no entity is expanded, no DTD or network is read, no huge tree."""
    if _DOCTYPE.match(data.removeprefix(b"\xef\xbb\xbf")):
        raise QdpxError(path, _DTD_REFUSED)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        line = f" at line {err.lineno}" if getattr(err, "lineno", None) else ""
        raise QdpxError(path, f"{QDE} is not well-formed XML{line} ({_first_line(str(err))})") from None
    doctype = root.getroottree().docinfo
    if doctype.internalDTD is not None or doctype.doctype:
        # A project needs no DTD; one that declares entities is an expansion attack (billion laughs).
        raise QdpxError(path, _DTD_REFUSED)
    return root


# A DTD is refused before parsing (libxml2 would otherwise stop a billion laughs only at its own limit).
_DOCTYPE = re.compile(rb"^\s*(<\?xml[^>]*\?>)?(\s|<!--.*?-->|<\?.*?\?>)*<!DOCTYPE", re.S)
_DTD_REFUSED = (f"{QDE} declares a DTD (<!DOCTYPE …>), which a REFI-QDA project never needs; refused rather "
                "than expand its entities")


def _first_line(text: str) -> str:
    return text.splitlines()[0][:160] if text else "no detail"


__all__ = ["Archive", "MAX_MEMBERS", "MAX_QDE", "MAX_SOURCE", "MAX_TOTAL", "QdpxError", "parse_qde"]
