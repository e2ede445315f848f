"""The mapping that turns a REFI-QDA project's codes and cases into stance records (TOML or JSON).

::

    [codes]                      # code name (or its path "Parent › Child") -> dimension and score
    "Armed factions › -1 anti-militia" = { dimension = "militias", score = -1 }
    "Pro-Tehran" = { dimension = "iran", score = 2 }

    [cases]                      # case name -> actor (slug, name or alias)
    "Muqtada al-Sadr" = "sadr"

    [defaults]
    confidence = "medium"        # when the file does not say
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from stancetracker.core.db.store import Store
from stancetracker.core.model.entities import CONFIDENCES, check_score
from stancetracker.core.model.errors import NotFound, StanceError, ValidationError

MAX_MAPPING = 4 << 20


class MappingError(StanceError):
    """A mapping file that cannot be used; the message names the file and the entry."""


@dataclass
class Mapping:
    """Code name -> (dimension slug, score); case name -> actor slug; the default confidence."""

    codes: dict[str, tuple[str, float]] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)
    confidence: str = "medium"

    def code(self, path: str, name: str) -> tuple[str, float] | None:
        """The dimension and score of a code, by its full path first, then by its own name."""
        return self.codes.get(code_key(path)) or self.codes.get(code_key(name))


def code_key(name: str) -> str:
    """A name as the mapping matches it: white space and case do not count, '>' is '›'."""
    return " ".join(name.replace(">", "›").split()).casefold()


def read_mapping(path: Path | str, store: Store) -> Mapping:
    """Read and check a mapping file against the database: every dimension and actor it names must exist."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_MAPPING:
            raise MappingError(f"{path}: a mapping file of {path.stat().st_size:,} bytes is too big "
                               f"(limit {MAX_MAPPING:,})")
        raw = path.read_bytes()
    except OSError as err:
        raise MappingError(f"{path}: cannot be read ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except UnicodeDecodeError:
        raise MappingError(f"{path}: is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise MappingError(f"{path}: is not valid JSON (line {err.lineno}: {err.msg})") from None
    except tomllib.TOMLDecodeError as err:
        raise MappingError(f"{path}: is not valid TOML ({err})") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: must hold a table with 'codes' and 'cases'")
    unknown = set(data) - {"codes", "cases", "defaults"}
    if unknown:
        raise MappingError(f"{path}: unknown section {sorted(unknown)[0]!r} (use codes, cases, defaults)")
    m = Mapping()
    for name, value in _table(path, data, "codes").items():
        if not isinstance(value, dict) or "dimension" not in value or "score" not in value:
            raise MappingError(f"{path}: codes.{name!r} needs a dimension and a score, "
                               "e.g. { dimension = \"iran\", score = 1 }")
        try:
            dim = store.dimension(str(value["dimension"])).slug
            score = check_score(value["score"])
        except (NotFound, ValidationError) as err:
            raise MappingError(f"{path}: codes.{name!r}: {err}") from None
        m.codes[code_key(name)] = (dim, score)
    for name, value in _table(path, data, "cases").items():
        try:
            m.cases[code_key(name)] = store.actor(str(value)).slug
        except NotFound as err:
            raise MappingError(f"{path}: cases.{name!r}: {err}") from None
    conf = _table(path, data, "defaults").get("confidence", "medium")
    if conf not in CONFIDENCES:
        raise MappingError(f"{path}: defaults.confidence must be one of {', '.join(CONFIDENCES)}, not {conf!r}")
    m.confidence = conf
    return m


def _table(path: Path, data: dict, name: str) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise MappingError(f"{path}: {name} must be a table of names")
    return value


__all__ = ["Mapping", "MappingError", "code_key", "read_mapping"]
