"""Named Cypher queries: one query per ``.cypher`` file, loaded by name.

Every file starts with a header of ``//`` comments::

    // name: policy_provisions
    // question: Which provisions does a policy contain, in document order?
    // params: $number (int) the policy's number, 1..13
    // mode: read

``params`` may be repeated (one parameter per line) or say ``none``; the types are
``int``, ``float``, ``string``, ``bool``, ``date`` (an ISO ``YYYY-MM-DD`` string),
``list`` and ``any``. ``mode`` is ``read`` (default) or ``write``.

The files at the top of this folder are the public questions (``policykg queries``
lists them); ``write/`` holds the schema and load statements `policykg load` runs.
This package is the only place Cypher text lives (a test scans every other .py file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from policykg.errors import DataError, InputError

QUERY_DIR = Path(__file__).resolve().parent

PARAM_TYPES = ("int", "float", "string", "bool", "date", "list", "any")
_HEADER = re.compile(r"^//\s*(name|question|params|mode)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^\$(\w+)\s*\((\w+)\)\s*(.*)$")
_USED = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    help: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    question: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    write: bool = False

    @property
    def body(self) -> str:
        """The Cypher without its header comments."""
        return "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("//")).strip()

    def check_mode(self, write: bool) -> None:
        """A query whose header says ``mode: write`` runs only when the caller allows writes (--write)."""
        if self.write and not write:
            from policykg.errors import CypherError

            raise CypherError(f"query {self.name!r} changes the database (its header says mode: write); "
                              "rerun with --write if you mean to change it")

    def check_params(self, values: dict[str, Any]) -> dict[str, Any]:
        """Return `values` checked against the header: every declared parameter given, of its type."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            expected = ", ".join(f"{p.name} ({p.type})" for p in self.params) or "none"
            raise InputError(f"query {self.name!r}: unknown parameter {', '.join(unknown)}; it takes: {expected}")
        checked: dict[str, Any] = {}
        for p in self.params:
            if p.name not in values:
                raise InputError(
                    f"query {self.name!r}: missing parameter {p.name} ({p.type}); "
                    f"give it as --param {p.name}=VALUE ({p.help or p.type})"
                )
            checked[p.name] = _coerce(self.name, p, values[p.name])
        return checked


def _coerce(query: str, p: Param, value: Any) -> Any:
    def bad(expected: str) -> InputError:
        return InputError(
            f"query {query!r}: parameter {p.name}={value!r} is not {expected}; "
            f"give it as --param {p.name}=VALUE ({p.help or p.type})"
        )

    if p.type == "any":
        return value
    if p.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        return value
    if p.type == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("a number")
        return float(value)
    if p.type == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if p.type == "list":
        if not isinstance(value, list):
            raise bad('a JSON list, e.g. ["a","b"]')
        return value
    if p.type == "string":
        if isinstance(value, (dict, list)) or value is None:
            raise bad("a string")
        return value if isinstance(value, str) else str(value)
    if p.type == "date":
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise bad("a date (YYYY-MM-DD)") from None
    raise AssertionError(p.type)  # unreachable: parse() rejects unknown types


def parse(path: Path, name: str) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, list[str]] = {"name": [], "question": [], "params": [], "mode": []}
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("//"):
            break
        m = _HEADER.match(line.strip())
        if m:
            header[m.group(1)].append(m.group(2))
    where = f"{path.relative_to(QUERY_DIR.parent)}"
    if header["name"] != [name]:
        raise DataError(f"{where}: header must say '// name: {name}' (found {header['name'] or 'none'})")
    if not header["question"]:
        raise DataError(f"{where}: header needs '// question: ...' saying what the query answers")
    params = []
    for spec in header["params"]:
        if spec.lower() == "none":
            continue
        m = _PARAM.match(spec)
        if not m or m.group(2) not in PARAM_TYPES:
            raise DataError(f"{where}: bad '// params: {spec}'; write '$name (type) help', type one of {PARAM_TYPES}")
        params.append(Param(m.group(1), m.group(2), m.group(3)))
    mode = (header["mode"] or ["read"])[0]
    if mode not in ("read", "write"):
        raise DataError(f"{where}: '// mode: {mode}' must be read or write")
    return NamedQuery(name, path, text, " ".join(header["question"]), tuple(params), mode == "write")


def _path_of(name: str) -> Path | None:
    if not re.fullmatch(r"(write/)?[A-Za-z0-9_]+", name):
        return None
    path = QUERY_DIR / f"{name}.cypher"
    return path if path.is_file() else None


@lru_cache(maxsize=None)
def load_query(name: str) -> NamedQuery:
    """The named query `name` (e.g. 'counts', or 'write/merge_nodes_Policy' for a load statement)."""
    path = _path_of(name)
    if path is None:
        raise InputError(f"no query named {name!r}; known queries: {', '.join(query_names())} (see `policykg queries`)")
    return parse(path, name)


def has_query(name: str) -> bool:
    return _path_of(name) is not None


def query_names(include_write: bool = False) -> list[str]:
    names = sorted(p.stem for p in QUERY_DIR.glob("*.cypher"))
    if include_write:
        names += sorted(f"write/{p.stem}" for p in (QUERY_DIR / "write").glob("*.cypher"))
    return names


def list_queries(include_write: bool = False) -> list[NamedQuery]:
    """Every named query with its header (the public ones; the load statements too on request)."""
    return [load_query(n) for n in query_names(include_write)]


def used_params(query: NamedQuery) -> set[str]:
    """The $parameters the query's Cypher uses (for the header-vs-body check in the tests)."""
    return set(_USED.findall(query.body))


__all__ = ["NamedQuery", "Param", "QUERY_DIR", "has_query", "list_queries", "load_query", "query_names", "used_params"]
