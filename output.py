"""Render plain rows (lists of dicts) as a table, JSON, CSV or Markdown.

Computing stays apart from drawing: commands hand this module plain data.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import json
import os
import re
import signal
import stat
from datetime import date
from typing import Any, Iterable, Iterator, Sequence

from policykg.errors import InputError, OutputError
from policykg.i18n import Msg, current, tr
from policykg.loaders.zh import load_zh

FORMATS = ("table", "json", "csv", "markdown")

# --- CSV formula injection (OWASP) ---------------------------------------------------------
# A cell starting with = + - @ (or a tab / carriage return) is a formula to Excel, WPS and
# LibreOffice: `=HYPERLINK(...)` or `=cmd|...` from a register would run when the CSV is
# opened. Such text cells get a leading ' (shown, not evaluated); numbers stay numbers.
# `--raw-csv` (RAW_CSV) turns this off for programs that read the CSV.

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
RAW_CSV: contextvars.ContextVar[bool] = contextvars.ContextVar("policykg_raw_csv", default=False)


@contextlib.contextmanager
def raw_csv(enabled: bool = True) -> Iterator[None]:
    """Within the block, CSV written by policykg keeps formula-like cells verbatim (--raw-csv)."""
    token = RAW_CSV.set(enabled)
    try:
        yield
    finally:
        RAW_CSV.reset(token)


def csv_safe(text: str) -> str:
    """`text` made inert in a spreadsheet: a leading ' when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_safe_table(table, raw: bool | None = None):
    """A pyarrow Table with its text columns passed through `csv_safe` (unless raw / RAW_CSV)."""
    if (RAW_CSV.get() if raw is None else raw):
        return table
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            col = table.column(i)
            risky = pc.match_substring_regex(col, r"^[=+\-@\t\r]")
            safe = pc.if_else(risky, pc.binary_join_element_wise(pa.scalar("'", field.type), col, ""), col)
            table = table.set_column(i, field, safe)
    return table


def _cell(value: Any, lang: str = "en") -> str:
    """A cell as text: English for CSV (the machine interface), the reader's language for people."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("yes" if value else "no", lang)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ("；" if lang == "zh" else "; ").join(_cell(v, lang) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Msg):
        return value.render(lang)
    return str(value)


def _people(columns, lang: str):
    """Header and cell functions for a table people read in `lang` (zh: the names of data/zh.yaml)."""
    if lang != "zh":
        return (lambda c: c), (lambda c, v: _cell(v, lang))
    zh = load_zh()

    def head(c: str) -> str:
        return zh["columns"].get(c) or zh["properties"].get(c) or tr(c, lang)

    def cell(c: str, value: Any) -> str:
        if c in STATUS_COLUMNS and isinstance(value, str) and not isinstance(value, Msg):
            return zh["statuses"].get(value, value)
        if isinstance(value, str) and not isinstance(value, Msg) and value in zh["values"].get(c, {}):
            return zh["values"][c][value]  # the model's words for values (layout: articles -> 条文式)
        return _cell(value, lang)
    return head, cell


#: Columns whose values are statuses (data/zh.yaml names them for people).
STATUS_COLUMNS = {"status", "policy_status", "validity"}


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any, indent: int | None = 2) -> str:
    """JSON as the CLI writes it (indented); `indent=None` is compact, and encoded by json's C
    encoder (an indented dump runs in Python: a 150 KB answer costs ~20 ms more per request)."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)


def to_csv(rows: Sequence[dict], columns: Sequence[str] | None = None, raw: bool | None = None) -> str:
    """CSV text; text cells that would start a spreadsheet formula get a leading ' unless `raw`
    (default: the RAW_CSV setting, off unless --raw-csv)."""
    columns = list(columns or (rows[0].keys() if rows else []))
    raw = RAW_CSV.get() if raw is None else raw

    def cell(value: Any) -> str:
        text = _cell(value)
        if raw or isinstance(value, (int, float)):
            return text
        return csv_safe(text)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([cell(c) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buf.getvalue()


def to_markdown(rows: Sequence[dict], columns: Sequence[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    # Markdown is read by people: Chinese names first (data/zh.yaml); JSON and CSV keep English.
    head, cell = _people(columns, "zh")

    lines = ["| " + " | ".join(head(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(esc(cell(c, row.get(c))) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def terminal_width(default: int = 200) -> int:
    """Columns of the terminal stdout is on ($COLUMNS wins), so tables fit it instead of
    wrapping; `default` when stdout is not a terminal (a file or a pipe keeps long lines)."""
    import os
    import sys

    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 0:
        return max(40, int(cols))
    try:
        if sys.stdout.isatty():
            return max(40, os.get_terminal_size(sys.stdout.fileno()).columns)
    except (OSError, ValueError, AttributeError):
        pass
    return default


def to_table(rows: Sequence[dict], columns: Sequence[str] | None = None, title: str | None = None,
             styles: dict[int, str] | None = None, lang: str | None = None) -> str:
    """A terminal table whose widths count Chinese characters as two columns.

    `styles` maps a row index to a rich style (e.g. 'dim' for expired rows).
    """
    from rich.console import Console
    from rich.table import Table

    columns = list(columns or (rows[0].keys() if rows else []))
    head, cell = _people(columns, lang or current())
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(head(c), overflow="fold")
    for i, row in enumerate(rows):
        table.add_row(*[cell(c, row.get(c)) for c in columns], style=(styles or {}).get(i))
    console = Console(width=terminal_width(), record=True, file=io.StringIO(), force_terminal=False, color_system=None)
    console.print(table)
    return console.export_text()


def render(rows: Sequence[dict], fmt: str, columns: Iterable[str] | None = None, title: str | None = None,
           styles: dict[int, str] | None = None, lang: str | None = None) -> str:
    """Rows as json, csv (English: the machine interface), markdown (Chinese) or a table (in `lang`)."""
    columns = list(columns) if columns is not None else None
    if fmt == "json":
        if columns:
            rows = [{c: r.get(c) for c in columns} for r in rows]
        return to_json(list(rows)) + "\n"
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "markdown":
        return (f"## {title}\n\n" if title else "") + to_markdown(rows, columns)
    return to_table(rows, columns, title, styles, lang)


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


# --- terminals: control characters shown, never obeyed -------------------------------------
# A document's text is untrusted: ESC (colours, cursor moves, a retitled window), BEL, backspace or
# a carriage return in a title would act on the reader's terminal. On a terminal they are shown
# escaped (\x1b); files and pipes get the text as it is (JSON escapes them itself).

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """`text` with every control character but tab and newline written as \\xNN."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class TerminalText:
    """A text stream to a terminal that writes control characters escaped (`escape_controls`)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(escape_controls(text) if isinstance(text, str) else text)

    def __getattr__(self, name):  # flush, isatty, encoding, fileno...: the terminal's own
        return getattr(self._stream, name)


def raw_stream(stream):
    """The terminal under a `TerminalText` (for our own escape sequences: rich's progress bar)."""
    return stream._stream if isinstance(stream, TerminalText) else stream


def guard_terminal(stream):
    """`stream` wrapped in `TerminalText` when it is a terminal (else as it is)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError, OSError):
        tty = False
    return TerminalText(stream) if tty and not isinstance(stream, TerminalText) else stream


# --- writing output files ----------------------------------------------------------------

TEMP_PREFIX = ".policykg-"
_TEMP_NAME = re.compile(r"^\.policykg-(\d+)-.*\.tmp$")
_LIVE_TEMPS: set[str] = set()
_LIVE_FOLDERS: set[str] = set()
_HANDLED: dict[int, Any] = {}


def refuse_input_as_output(output: str | os.PathLike, inputs: Iterable[str | os.PathLike | None] = ()) -> None:
    """-o naming an input (the same file, through any link or path) would destroy it: refused.

    The inputs are those given here (a folder: each file in it) and every file this run has
    read (`policykg.inputs`: documents named by a manifest or a rules file's header, the
    manifest itself, a folder's supersedes.yaml...). Compared by device and inode, and by
    resolved path. No option (not --force) overrides this."""
    from policykg.inputs import input_named

    try:
        out_stat = os.stat(output)
        out_key = (out_stat.st_dev, out_stat.st_ino) if stat.S_ISREG(out_stat.st_mode) else None
    except OSError:
        out_key = None
    real = os.path.realpath(output)
    for item in _flat_inputs(inputs):
        if item is None:
            continue
        try:
            in_stat = os.stat(item)
            same = out_key is not None and out_key == (in_stat.st_dev, in_stat.st_ino)
        except OSError:
            same = False
        if same or os.path.realpath(item) == real:
            _refuse(output, item)
    if out_key is not None or os.path.lexists(output):
        item = input_named(output)
        if item is not None:
            _refuse(output, item)


def _refuse(output, item) -> None:
    raise InputError(f"-o {output}: that is the input {item} itself; writing there would replace it: "
                     "choose another -o path (no option overrides this)")


def _flat_inputs(inputs) -> Iterable:
    """Inputs as single paths: a repeated --source (a tuple) is each of its items, a folder each file in it."""
    for item in inputs:
        if isinstance(item, (list, tuple)):
            yield from _flat_inputs(item)
        elif item is not None and os.path.isdir(item):
            yield from (os.path.join(item, name) for name in sorted(os.listdir(item)))
        else:
            yield item


def writes_in_place(path: str | os.PathLike) -> bool:
    """True for a character device, pipe or socket (/dev/null, /dev/stdout to a pipe): written
    directly; a temp file and a rename would replace the device node or the link with a file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if os.path.abspath(path).startswith(("/dev/", "/proc/")) and not stat.S_ISBLK(mode):
        return True  # /dev/stdout redirected to a file (maybe >>): write to the open file, never rename
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def check_output_path(path: str | os.PathLike) -> None:
    """Refuse an -o that can only go wrong: a block device (a disk: never written over), a
    folder, or a symlink whose target does not exist (the file would appear elsewhere)."""
    try:
        st = os.lstat(path)
    except OSError:
        return  # nothing there: a new file
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError:
            raise OutputError(f"{path}: a symlink to {os.readlink(path)}, which does not exist; writing through it "
                              "would create a file elsewhere: remove the link or choose another -o path") from None
    if stat.S_ISBLK(st.st_mode):
        raise OutputError(f"{path}: is a block device (a disk); policykg never writes over one: choose a file")
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path}: is a folder; give a file name, e.g. {os.path.join(str(path), 'out.txt')}")


def sweep_stale_temps(folder: str | os.PathLike) -> list[str]:
    """Delete temp files a killed policykg left in `folder` (named .policykg-<pid>-*.tmp, pid gone)."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = _TEMP_NAME.match(name)
        if not m or int(m.group(1)) == os.getpid() or _pid_alive(int(m.group(1))):
            continue
        path = os.path.join(folder, name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                _remove_folder(path)  # a `temp_folder`
            else:
                os.unlink(path)
            removed.append(name)
        except OSError:
            pass
    return removed


def _remove_folder(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def temp_folder(folder: str | os.PathLike) -> Iterator[str]:
    """A temporary folder in `folder` (named as temp files are, .policykg-<pid>-*.tmp), removed at
    the end, on the signals that remove temp files, and by a later run's sweep if this one is killed."""
    import tempfile

    sweep_stale_temps(folder)
    _guard_signals()
    path = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
    _LIVE_FOLDERS.add(path)
    try:
        yield path
    finally:
        _LIVE_FOLDERS.discard(path)
        _remove_folder(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process: leave its file alone
    return True


def _on_signal(signum, frame):  # noqa: ARG001 - signal handler signature
    for tmp in list(_LIVE_TEMPS):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _LIVE_TEMPS.discard(tmp)
    for path in list(_LIVE_FOLDERS):
        _remove_folder(path)
        _LIVE_FOLDERS.discard(path)
    previous = _HANDLED.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _guard_signals() -> None:
    """Make SIGTERM/SIGHUP/SIGINT delete live temp files before the process dies (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT):
        if sig not in _HANDLED:
            try:
                _HANDLED[sig] = signal.signal(sig, _on_signal)
            except (ValueError, OSError):
                pass


class OutputTarget:
    """Where output for `path` goes: a temp file beside the real file, renamed over it at
    `commit` (regular files and new files; a symlink keeps pointing at the updated file),
    or `path` itself for devices and pipes. `abort` (and any signal) deletes the temp file."""

    def __init__(self, path: str | os.PathLike, inputs: Iterable[str | os.PathLike | None] = ()):
        import tempfile

        self.path = str(path)
        refuse_input_as_output(path, inputs)
        check_output_path(path)
        self.direct = writes_in_place(path)
        self.tmp: str | None = None
        self.fd: int | None = None
        if self.direct:
            self.name = self.path
            return
        self.real = os.path.realpath(path)
        folder = os.path.dirname(self.real)
        if not os.path.isdir(folder):
            raise OutputError(f"{path}: folder {folder} does not exist; create it or choose another -o path")
        sweep_stale_temps(folder)
        _guard_signals()
        try:
            # mkstemp: a random name, O_CREAT|O_EXCL (a planted file or symlink there fails the open, it is
            # never followed), mode 0600 until commit
            self.fd, self.tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write there ({exc.strerror}); choose another -o path") from None
        _LIVE_TEMPS.add(self.tmp)
        self.name = self.tmp

    def open_text(self):
        """A text file object to write the output to: the temp file's own descriptor (never
        reopened by name), or the device/pipe itself, appended to (no O_TRUNC: `>> log` through
        /dev/stdout keeps what was there)."""
        if self.direct:
            return open(self.name, "a", encoding="utf-8", newline="")
        fd, self.fd = self.fd, None
        return os.fdopen(fd, "w", encoding="utf-8", newline="")

    def open_binary(self):
        """A binary file object for writers that take one (pyarrow's Parquet and CSV writers): as
        `open_text`, the temp file's own descriptor, never reopened by name (a name swapped for a
        symlink between mkstemp and the open would be followed)."""
        if self.direct:
            return open(self.name, "ab")
        fd, self.fd = self.fd, None
        return os.fdopen(fd, "wb")

    def _close_fd(self) -> None:
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None

    def commit(self) -> None:
        if self.direct:
            return
        self._close_fd()
        try:
            os.chmod(self.tmp, file_mode(self.real))
            os.replace(self.tmp, self.real)
            _LIVE_TEMPS.discard(self.tmp)
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.path}: cannot write there ({exc.strerror}); choose another -o path") from None

    def abort(self) -> None:
        self._close_fd()
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            _LIVE_TEMPS.discard(self.tmp)


def write_output(path: str, text: str, inputs: Iterable[str | os.PathLike | None] = ()) -> None:
    """Write `text` to `path` as UTF-8, atomically: a failed write leaves nothing behind.

    Refuses a `path` that is one of `inputs`; writes devices and pipes in place."""
    target = OutputTarget(path, inputs)
    try:
        with target.open_text() as fh:
            fh.write(text)
        target.commit()
    except OSError as exc:
        target.abort()
        raise OutputError(f"{path}: cannot write there ({exc.strerror}); choose another -o path") from None
    except BaseException:
        target.abort()
        raise
