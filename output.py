"""Render plain rows (lists of dicts) as a table, JSON, CSV or Markdown.

Computing stays apart from drawing: commands hand this module plain data.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any, Iterable, Sequence

from policykg.errors import OutputError

FORMATS = ("table", "json", "csv", "markdown")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def to_csv(rows: Sequence[dict], columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue()


def to_markdown(rows: Sequence[dict], columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(esc(_cell(row.get(c))) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def to_table(rows: Sequence[dict], columns: Sequence[str] | None = None, title: str | None = None,
             styles: dict[int, str] | None = None) -> str:
    """A terminal table whose widths count Chinese characters as two columns.

    `styles` maps a row index to a rich style (e.g. 'dim' for expired rows).
    """
    from rich.console import Console
    from rich.table import Table

    columns = list(columns or (rows[0].keys() if rows else []))
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c, overflow="fold")
    for i, row in enumerate(rows):
        table.add_row(*[_cell(row.get(c)) for c in columns], style=(styles or {}).get(i))
    console = Console(width=200, record=True, file=io.StringIO(), force_terminal=False, color_system=None)
    console.print(table)
    return console.export_text()


def render(rows: Sequence[dict], fmt: str, columns: Iterable[str] | None = None, title: str | None = None,
           styles: dict[int, str] | None = None) -> str:
    columns = list(columns) if columns is not None else None
    if fmt == "json":
        if columns:
            rows = [{c: r.get(c) for c in columns} for r in rows]
        return to_json(list(rows)) + "\n"
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "markdown":
        return (f"## {title}\n\n" if title else "") + to_markdown(rows, columns)
    return to_table(rows, columns, title, styles)


def file_mode(target: str) -> int:
    """The mode a new output file should get: the replaced file's, else 0666 less the umask.

    (mkstemp creates 0600 files; a report meant to be circulated must stay readable.)
    """
    import os

    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_output(path: str, text: str) -> None:
    """Write `text` to `path` as UTF-8, atomically: a failed write leaves nothing behind."""
    import os
    import tempfile

    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputError(f"{path}: folder {folder} does not exist; create it or choose another -o path")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".policykg-", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write there ({exc.strerror}); choose another -o path") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, file_mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"{path}: cannot write there ({exc.strerror}); choose another -o path") from None
