"""Strict YAML reading: duplicate keys and unknown keys are errors naming file and key.

`read_text_file` is the one way policykg reads a text file (rules, profiles, YAML,
register headers): any OS error (no such file, a directory, a path through a file, no
permission) or a decoding error becomes a one-line error naming the file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Hashable
from pathlib import Path
from typing import IO, Any, Callable

import yaml

from policykg.errors import DataError, PolicyKGError
from policykg.inputs import open_input
from policykg.limits import DATA_BYTES, DEPTH, Limit, read_bounded, yaml_depth


# libyaml's parser when PyYAML was built with it (the rules file parses ~10x faster);
# construction, and so the strict checks below, stay in Python either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):  # YAML allows `? [a]` and `? {a: 1}` as keys: refused
            what = {"dict": "mapping"}.get(type(key).__name__, type(key).__name__)
            raise DataError(
                f"{loader.name}: line {key_node.start_mark.line + 1}: a key is a {what}, not a name; "
                "write keys as plain names (key: value)"
            )
        if key in mapping:
            raise DataError(
                f"{loader.name}: line {key_node.start_mark.line + 1}: duplicate key {key!r}; "
                "keep one of the two entries"
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class DatesAsTextLoader(_StrictLoader):
    """Strict, and leaves dates as text so the caller can check them naming the field
    (PyYAML itself raises a bare ValueError for 2025-02-30)."""


DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _StrictLoader.yaml_implicit_resolvers.items()
}


def read_text_file(path: str | Path, what: str = "file", *, error: type[PolicyKGError] = DataError,
                   name: str | None = None, encoding: str = "utf-8", newline: str | None = None,
                   read: Callable[[IO[str]], Any] | None = None,
                   not_text: str = "not UTF-8 text; save it as UTF-8", limit: Limit | None = DATA_BYTES) -> Any:
    """The text of `path` (or `read(fh)` of it), every failure an `error` naming the file.

    `what` names the file in hints ("profile", "register"); `name` is how messages show
    the path (default: as given). FileNotFoundError says "no such file"; any other OS
    error (a directory, a path through a file, no permission) "cannot be read
    (<reason>)"; undecodable bytes `not_text`.
    """
    p = Path(path)
    shown = str(p) if name is None else name
    try:
        if limit is not None:  # bounded: /dev/zero or a 1 GB file is refused after `limit` bytes
            raw = read_bounded(p, limit, error, shown, what=what)
            fh = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline=newline)
            return fh.read() if read is None else read(fh)
        with open_input(p, error, shown, what) as raw_fh:  # a FIFO or a device is refused, never waited on
            fh = io.TextIOWrapper(raw_fh, encoding=encoding, newline=newline)
            return fh.read() if read is None else read(fh)
    except FileNotFoundError:
        raise error(f"{shown}: no such file") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise error(f"{shown}: cannot be read ({reason}); give the path of a readable {what} file") from None
    except UnicodeDecodeError:
        raise error(f"{shown}: {not_text}") from None
    except LookupError:
        raise error(f"{shown}: unknown encoding {encoding!r}") from None


def load_yaml(path: str | Path, loader: type[_StrictLoader] = _StrictLoader) -> Any:
    """Parse a YAML file strictly; errors name the file (and line) and say how to fix."""
    p = Path(path)
    return load_yaml_text(read_text_file(p, "YAML"), str(p), loader)


def load_yaml_text(text: str, name: str, loader: type[_StrictLoader] = _StrictLoader) -> Any:
    """Parse YAML text strictly. The nesting depth is checked on the parser's events first
    (building a 100,000-deep list would overflow the C stack), and a number Python will not
    convert (over 4300 digits) is a DataError too."""
    try:
        depth = yaml_depth(text, loader)
    except yaml.YAMLError as exc:
        _syntax(exc, name)
    if depth > DEPTH.value:
        raise DataError(f"{name}: nested more than {DEPTH.value:g} levels deep; {DEPTH.hint()}")
    parser = loader(text)
    parser.name = name
    try:
        return parser.get_single_data()
    except DataError:
        raise
    except yaml.YAMLError as exc:
        _syntax(exc, name)
    except (ValueError, OverflowError, RecursionError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{name}: a value cannot be read ({detail.split(';')[0][:100]}); write numbers with at most 15 "
                        "significant digits") from None
    finally:
        parser.dispose()


def _syntax(exc: yaml.YAMLError, name: str):
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark is not None else "somewhere"
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    raise DataError(f"{name}: {where}: invalid YAML ({problem}); fix the syntax there") from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_lone_surrogates(doc: Any, name: str, error: type[PolicyKGError] = DataError) -> Any:
    """`doc` unless a text (value or key) in it holds a lone surrogate (JSON's "\\ud800" escape):
    not a character, so it cannot be written out as UTF-8 later; one error naming the key.
    Walked with a stack (no nesting exhausts the recursion limit). YAML refuses these itself."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            m = _SURROGATE.search(value)
            if m:
                where = f"{name}: {path}" if path else name
                raise error(f"{where}: the text holds a lone surrogate (\\u{ord(m.group()):04x}), which is not a "
                            "character; write the text itself in UTF-8, or the pair of escapes of a character")
        elif isinstance(value, dict):
            for k, v in value.items():
                key = str(k).encode("utf-8", "backslashreplace").decode("utf-8")  # shown escaped
                stack.append((k, f"{path}.{key}" if path else key))
                stack.append((v, f"{path}.{key}" if path else key))
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    return doc


def check_keys(mapping: Any, allowed: set[str], where: str, required: set[str] = frozenset()) -> dict:
    """Return `mapping` if it is a dict whose keys are all `allowed` and include `required`."""
    if not isinstance(mapping, dict):
        raise DataError(f"{where}: expected a mapping, got {type(mapping).__name__}")
    unknown = sorted(set(map(str, mapping)) - allowed)
    if unknown:
        raise DataError(
            f"{where}: unknown key {unknown[0]!r}; allowed keys are {', '.join(sorted(allowed))}"
        )
    missing = sorted(required - set(mapping))
    if missing:
        raise DataError(f"{where}: missing required key {missing[0]!r}")
    return mapping
