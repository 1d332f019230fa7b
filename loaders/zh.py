"""Chinese names for pages and Markdown reports, from data/zh.yaml (checked strictly).

JSON, CSV and Cypher keep the English names; people reading a page or a report see
the Chinese one first. A name the file does not know is shown as it is.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from policykg.errors import DataError
from policykg.loaders.source import DATA_DIR
from policykg.loaders.yamlio import check_keys, load_yaml

ZH_PATH = DATA_DIR / "zh.yaml"
SECTIONS = ("labels", "statuses", "relations", "properties", "columns")
#: property -> value -> Chinese: the model's own words for values (basis: tiers -> 分档金额).
VALUES = "values"


def load_zh(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """section -> English name -> Chinese name."""
    return _bundled() if path is None else _read(Path(path))


@lru_cache(maxsize=1)
def _bundled() -> dict[str, dict[str, str]]:
    return _read(ZH_PATH)


def _read(p: Path) -> dict[str, dict[str, str]]:
    doc = check_keys(load_yaml(p), {"version", *SECTIONS, VALUES}, str(p), required={"version", *SECTIONS})
    if doc["version"] != 1:
        raise DataError(f"{p}: version: {doc['version']!r} is not supported; write version: 1")
    out: dict[str, dict[str, str]] = {}
    for section in SECTIONS:
        names = doc[section]
        if not isinstance(names, dict):
            raise DataError(f"{p}: {section}: expected a mapping English name -> Chinese name")
        for key, value in names.items():
            if not isinstance(value, str) or not value.strip():
                raise DataError(f"{p}: {section}.{key}: expected a Chinese name, got {value!r}")
        out[section] = {str(k): v for k, v in names.items()}
    values = doc.get(VALUES) or {}
    if not isinstance(values, dict):
        raise DataError(f"{p}: {VALUES}: expected a mapping property -> value -> Chinese")
    for prop, names in values.items():
        if not isinstance(names, dict) or not all(isinstance(v, str) and v.strip() for v in names.values()):
            raise DataError(f"{p}: {VALUES}.{prop}: expected a mapping value -> Chinese name")
    out[VALUES] = {str(prop): {str(k): v for k, v in names.items()} for prop, names in values.items()}
    return out


def zh(section: str, name: str) -> str:
    """The Chinese name of `name` in `section`, else `name` itself."""
    return _bundled()[section].get(name, name)
