"""What a REFI-QDA project calls things: the namespace, stable GUIDs, code names and the codebook's levels."""

from __future__ import annotations

import math
import uuid
from typing import Any

from stancetracker.core.model.entities import Dimension

NS = "urn:QDA-XML:project:1.0"
Element = Any  # an lxml element (lxml names its class privately)
QDE = "project.qde"
# Every GUID we write is uuid5 of this namespace and a key made of our own
# UUIDs and slugs, so exporting the same data twice gives the same GUIDs.
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "stancetracker:refi-qda:1")
LEVELS = (-2, -1, 0, 1, 2)
PATH_SEPARATOR = " › "


def guid(kind: str, *key: object) -> str:
    """The stable GUID of one thing we export: ``kind`` (source, code, case …) and its key."""
    return str(uuid.uuid5(_GUID_NAMESPACE, kind + ":" + "\x1f".join(map(str, key))))


def tag(name: str) -> str:
    """An element name in the project namespace, as lxml spells it."""
    return f"{{{NS}}}{name}"


def level_name(dim: Dimension, level: int) -> str:
    """The code name of one level of a dimension: "+1 pro-Iran", "0 neutral/mixed"."""
    sign = "+" if level > 0 else ""
    return f"{sign}{level} {dim.score_label(level)}"


def level_texts(dim: Dimension) -> dict[int, str]:
    """Each level's meaning from the dimension's codebook ('-2: …' lines), else the poles."""
    return dim.level_texts()


def nearest_level(score: float) -> int:
    """The hand-coding level a score falls on (halves away from zero, as score_label rounds)."""
    return max(-2, min(2, int(math.copysign(math.floor(abs(score) + 0.5), score))))


def count(n: int, things: str) -> str:
    """ "1 source", "3 sources": ``things`` is the plural, its last word made singular for one."""
    return f"{n:,} {things[:-1] if n == 1 and things.endswith('s') else things}"
