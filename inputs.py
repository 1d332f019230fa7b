"""The files this run has read, so that no output ever replaces one of them.

Every reader of untrusted input opens its file through `open_input` (via
`policykg.limits.read_bounded`, the YAML/text reader, the register reader): it refuses
what is not a regular file (a FIFO would block forever, /dev/zero never ends, a socket
cannot be read) with its own message, and notes the file's identity (device and inode,
and its resolved path). `policykg.output` then refuses an ``-o`` that is any file read,
however it was named: directly, by a corpus manifest, by a folder, by a rules file's
``documents:``. The CLI starts each command with `forget_inputs` (one run, one set).
"""

from __future__ import annotations

import errno
import os
import stat
import threading

from policykg.errors import PolicyKGError

_LOCK = threading.Lock()
#: (st_dev, st_ino) -> the path as it was given; and resolved path -> the same.
_BY_INODE: dict[tuple[int, int], str] = {}
_BY_PATH: dict[str, str] = {}


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular_message(shown: str, kind: str, what: str = "file") -> str:
    noun = "" if what == "file" else f" {what}"
    return (f"{shown}: is {kind}, not a regular file; save the{noun} content to an ordinary file and pass that "
            "(a pipe or device is never read: it could block or never end)")


def note_input(path: str | os.PathLike, st: os.stat_result | None = None) -> None:
    """Remember `path` as read by this run (by inode and by resolved path)."""
    try:
        st = st or os.stat(path)
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return
    with _LOCK:
        _BY_INODE.setdefault((st.st_dev, st.st_ino), str(path))
        _BY_PATH.setdefault(real, str(path))


def open_input(path: str | os.PathLike, error: type[PolicyKGError], shown: str | None = None,
               what: str = "file", regular_only: bool = True):
    """`path` opened for reading in binary, refusing a non-regular file before any read.

    Opened with O_NONBLOCK first, so that a FIFO with no writer cannot block the open; the
    check is on the open file (fstat), so the file cannot be swapped between check and read.
    OSErrors (missing, permissions) are left to the caller, which knows how to word them."""
    shown = str(path) if shown is None else shown
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        kind = kind_of(st.st_mode)
        if stat.S_ISDIR(st.st_mode):  # the caller words it, as for any OS error ("Is a directory")
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if kind is not None and regular_only:
            raise error(not_regular_message(shown, kind, what))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    if kind is None:
        note_input(path, st)
    return fh


def check_regular(path: str | os.PathLike, error: type[PolicyKGError], shown: str | None = None,
                  what: str = "file") -> None:
    """Refuse a path that exists but is not a regular file (readers that open by name themselves);
    note it as an input when it is one."""
    try:
        st = os.stat(path)
    except OSError:
        return
    kind = kind_of(st.st_mode)
    if kind is not None and not stat.S_ISDIR(st.st_mode):
        raise error(not_regular_message(str(path) if shown is None else shown, kind, what))
    if kind is None:
        note_input(path, st)


def input_named(path: str | os.PathLike) -> str | None:
    """The input (as it was given) that `path` is, by inode or resolved path; None if it is none."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return None
    try:
        st = os.stat(path)
        key = (st.st_dev, st.st_ino)
    except OSError:
        key = None
    with _LOCK:
        if key is not None and key in _BY_INODE:
            return _BY_INODE[key]
        return _BY_PATH.get(real)


def forget_inputs() -> None:
    """Start a new run: no file counts as read (the CLI calls it before each command)."""
    with _LOCK:
        _BY_INODE.clear()
        _BY_PATH.clear()


def inputs_read() -> list[str]:
    with _LOCK:
        return sorted(set(_BY_INODE.values()))


__all__ = ["check_regular", "forget_inputs", "input_named", "inputs_read", "kind_of", "note_input", "open_input",
           "not_regular_message"]
