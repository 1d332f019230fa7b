"""Limits on untrusted input: sizes, nesting, numbers, compression ratios.

Every limit has a default and an environment variable that raises (or lowers) it;
a breach is a one-line error naming the limit, the value seen and how to raise it.
The helpers are small and separate so any reader (text, .docx, .html, .pdf, YAML,
JSON, CSV, parquet) can call the ones it needs. See SECURITY.md.

===========================  ===============================  =========================
limit                        environment variable             default
===========================  ===============================  =========================
compilation (--source) size  POLICYKG_MAX_SOURCE_BYTES        20 MB
profile / rules / YAML size  POLICYKG_MAX_DATA_BYTES          2 MB
register field (one cell)    POLICYKG_MAX_FIELD_BYTES         1 MB
register header columns      POLICYKG_MAX_COLUMNS             1000
nesting depth (YAML, JSON)   POLICYKG_MAX_DEPTH               100
number magnitude             POLICYKG_MAX_NUMBER              10^15 (万元, or the unit)
compressed part ratio        POLICYKG_MAX_ZIP_RATIO           100 (uncompressed/compressed)
PDF decoded size             POLICYKG_MAX_PDF_BYTES           200 MB (all its streams)
PDF decoding time            POLICYKG_MAX_PDF_SECONDS         120 s
===========================  ===============================  =========================
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykg.errors import PolicyKGError


@dataclass(frozen=True)
class Limit:
    name: str  # what is limited, for messages
    env: str
    default: float
    unit: str = ""

    @property
    def value(self) -> float:
        raw = os.environ.get(self.env, "").strip().replace("_", "")
        if raw:
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if math.isfinite(value) and value > 0:
                return value
        return self.default

    def hint(self) -> str:
        return f"the limit is {_show(self.value)}{self.unit} ({self.name}); raise it with {self.env}=N if the input is genuine"


def _show(value: float) -> str:
    return f"{value:.15g}"


MB = 1_000_000
SOURCE_BYTES = Limit("compilation size", "POLICYKG_MAX_SOURCE_BYTES", 20 * MB, " bytes")
DATA_BYTES = Limit("profile/rules/YAML file size", "POLICYKG_MAX_DATA_BYTES", 2 * MB, " bytes")
FIELD_BYTES = Limit("one register cell or header line", "POLICYKG_MAX_FIELD_BYTES", 1 * MB, " bytes")
COLUMNS = Limit("register header columns", "POLICYKG_MAX_COLUMNS", 1000, " columns")
DEPTH = Limit("nesting depth", "POLICYKG_MAX_DEPTH", 100, " levels")
NUMBER = Limit("number magnitude", "POLICYKG_MAX_NUMBER", 1e15)
ZIP_RATIO = Limit("compression ratio of one archive part", "POLICYKG_MAX_ZIP_RATIO", 100, "x")
PDF_BYTES = Limit("bytes a PDF's streams may decode to", "POLICYKG_MAX_PDF_BYTES", 200 * MB, " bytes")
PDF_SECONDS = Limit("seconds to decode one PDF", "POLICYKG_MAX_PDF_SECONDS", 120, " s")


def read_bounded(path: str | Path, limit: Limit, error: type[PolicyKGError], shown: str | None = None, *,
                 what: str = "file", regular_only: bool = True) -> bytes:
    """The bytes of `path`, refusing more than `limit` (also for a growing file).

    A FIFO, a device or a socket is refused before anything is read (`policykg.inputs`:
    a FIFO with no writer would block forever); `regular_only=False` lets a pipe through
    (a password given as ``--password-file <(pass show neo4j)``). The file is noted as
    an input of this run, so no ``-o`` replaces it. OS errors are left to the caller
    (it knows how to word them)."""
    from policykg.inputs import open_input

    cap = int(limit.value)
    with open_input(path, error, shown, what, regular_only) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise error(f"{shown or path}: larger than {cap} bytes; {limit.hint()}")
    return data


def check_size(size: int, limit: Limit, error: type[PolicyKGError], where: str) -> None:
    if size > limit.value:
        raise error(f"{where}: {size} bytes is too large; {limit.hint()}")


def check_zip(path: str | Path, error: type[PolicyKGError], shown: str | None = None,
              total: Limit = SOURCE_BYTES) -> None:
    """Refuse a zip archive (.docx, .xlsx...) whose parts would inflate past the ratio or size limits.

    Reads only the central directory (declared sizes); the inflating reader then stops at
    the declared size, so a lying header cannot inflate more (zipfile checks sizes and CRCs)."""
    import zipfile

    where = shown or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip: the reader reports it in its own words
    ratio, cap = ZIP_RATIO.value, total.value
    inflated = 0
    for info in infos:
        inflated += info.file_size
        if info.file_size > 4096 and info.file_size > ratio * max(info.compress_size, 1):
            raise error(f"{where}: part {info.filename} inflates {info.file_size} bytes from {info.compress_size} "
                        f"(more than {ZIP_RATIO.value:g}x: a zip bomb?); {ZIP_RATIO.hint()}")
        if inflated > cap:
            raise error(f"{where}: its parts inflate to more than {cap:.0f} bytes; {total.hint()}")


def json_depth(text: str) -> int:
    """The deepest [ / { nesting of JSON text, counted without recursion (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def check_json_depth(text: str, error: type[PolicyKGError], where: str) -> None:
    if len(text) > DEPTH.value and json_depth(text) > DEPTH.value:
        raise error(f"{where}: nested more than {DEPTH.value:g} levels deep; {DEPTH.hint()}")


def yaml_depth(text: str, loader_cls: Any) -> int:
    """The deepest collection nesting of YAML text, from the parser's events (no recursion)."""
    import yaml

    loader = loader_cls(text)
    depth = deepest = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if deepest > DEPTH.value:
                        break
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        loader.dispose()
    return deepest


def check_number(value: Any, error: type[PolicyKGError], where: str, limit: Limit = NUMBER) -> float:
    """`value` as a float, finite and below the magnitude limit (else `error` naming `where`)."""
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float: too large, whatever the limit
        raise error(f"{where}: {_short(value)} is too large; {limit.hint()}") from None
    except (TypeError, ValueError):
        raise error(f"{where}: {_short(value)} is not a number") from None
    if not math.isfinite(number):
        raise error(f"{where}: {_short(value)} is not a finite number; write a plain number")
    if abs(number) >= limit.value:
        raise error(f"{where}: {_short(value)} is too large; {limit.hint()}")
    return number


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, int) or isinstance(value, bool) else _int_text(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


def _int_text(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # more digits than Python will print
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"


__all__ = [
    "COLUMNS", "DATA_BYTES", "DEPTH", "FIELD_BYTES", "Limit", "NUMBER", "SOURCE_BYTES", "ZIP_RATIO", "check_json_depth",
    "check_number", "check_size", "check_zip", "json_depth", "read_bounded", "yaml_depth",
]
