"""What the server's routes share: errors, bounded request reading, exclusive writes.

Kept apart from app.py so that app.py and workbench.py both import it (and not each other).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from policykg.errors import InputError, PolicyKGError, redact

#: Upload types the workbench reads, with the bytes each must start with (a .txt or .html has none).
DOCUMENT_TYPES = {".txt": None, ".html": None, ".htm": None, ".docx": b"PK\x03\x04", ".pdf": b"%PDF-"}
REGISTER_TYPES = {".csv": None, ".parquet": b"PAR1"}
ID = re.compile(r"^[a-f0-9]{32}$")


class Forbidden(PolicyKGError):
    """A write asked of a server started without --allow-writes."""


class TooLarge(PolicyKGError):
    """A request body over its bound."""


# --- helpers --------------------------------------------------------------------------------


def day_param(value: str | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{name} {value!r}: not a valid date; use YYYY-MM-DD, e.g. 2026-11-28") from None


def json_response(text: str, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type="application/json")


def error_response(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": redact(detail)}, status_code=status)


async def body_json(request: Request, what: str = "body") -> Any:
    """The request's JSON, read by the same rules as a profile file (depth-bounded, no duplicate keys)."""
    from policykg.engine.profile import _no_duplicates
    from policykg.limits import check_json_depth

    raw = await request.body()
    if not raw.strip():
        raise InputError(f"{what}: empty; send a JSON object (Content-Type: application/json)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what}: not UTF-8; send UTF-8 JSON") from None
    check_json_depth(text, InputError, what)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates(what))
    except json.JSONDecodeError as exc:
        raise InputError(f"{what}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{what}: a value cannot be read ({str(exc).split(';')[0][:100]})") from None


def as_object(doc: Any, what: str) -> dict:
    if not isinstance(doc, dict):
        raise InputError(f"{what}: expected a JSON object, got {type(doc).__name__}")
    return doc


def write_new(path: Path, data: bytes) -> None:
    """Write a new file; never replace one (O_EXCL)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


async def read_upload(request: Request, field_name: str, types: dict, limit: int) -> tuple[str, bytes, str]:
    """(client's file name, bytes, suffix) of one multipart file field, checked by type and size."""
    form = await request.form(max_files=2, max_fields=10, max_part_size=limit)
    item = form.get(field_name)
    if item is None or isinstance(item, str):
        raise InputError(f"{field_name}: no file; send multipart/form-data with a file field {field_name!r}")
    data = await item.read(limit + 1)
    name = item.filename or ""
    if len(data) > limit:
        raise TooLarge(f"{field_name} {name!r}: larger than {limit // (1024 * 1024)} MiB")
    suffix = Path(name).suffix.lower()
    if suffix not in types:
        raise InputError(f"{field_name} {name!r}: the type {suffix or '(none)'} is not read here; "
                         f"send one of {', '.join(types)}")
    magic = types[suffix]
    if magic is not None and not data.startswith(magic):
        raise InputError(f"{field_name} {name!r}: its bytes are not a {suffix} file")
    if not data:
        raise InputError(f"{field_name} {name!r}: the file is empty")
    return name, data, suffix
