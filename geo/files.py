"""Reading the files an input names, safely: regular files only, and bounded in size.

Scenario, network, drivers, sweep, lesson and calibration files may name other files; a name
could point at ``/dev/zero`` (endless), a FIFO (a read that never returns), a folder, or a
path no system accepts. :func:`read_text` refuses all of these with the caller's own error
class and a one-line message, before reading more than the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_TEXT_BYTES = 64 * 1024 * 1024
"""The largest input file read (64 MB): far above any real scenario, network or drivers file."""

MAX_PATH_CHARS = 4096
MAX_NAME_CHARS = 255


def check_path(path: str | os.PathLike[str], error: type[Exception]) -> Path:
    """Return ``path`` as a Path, or raise ``error`` if no file system could hold it."""
    text = os.fspath(path)
    if "\x00" in text:
        raise error(f"{text!r}: a path cannot hold a NUL character")
    if len(text) > MAX_PATH_CHARS or any(len(p) > MAX_NAME_CHARS for p in Path(text).parts):
        raise error(
            f"{text[:60]}...: path too long (at most {MAX_NAME_CHARS} characters a name, "
            f"{MAX_PATH_CHARS} in all)"
        )
    return Path(text)


def read_bytes(
    path: str | os.PathLike[str], error: type[Exception], limit: int = MAX_TEXT_BYTES
) -> bytes:
    """Return the content of the regular file ``path``, at most ``limit`` bytes.

    Raises:
        error: the path is invalid, missing, not a regular file (a folder, a device, a FIFO),
            unreadable, or larger than ``limit``; the message names the path.
    """
    path = check_path(path, error)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except (OSError, ValueError) as err:
        raise error(f"{path}: cannot be read ({getattr(err, 'strerror', None) or err})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise error(f"{path}: is {kind}, not a regular file")
    if info.st_size > limit:
        raise error(f"{path}: {_mb(info.st_size)} is larger than the limit of {_mb(limit)}")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as err:
        raise error(f"{path}: cannot be read ({err.strerror or err})") from None
    if len(data) > limit:
        raise error(f"{path}: larger than the limit of {_mb(limit)}")
    return data


def read_text(
    path: str | os.PathLike[str], error: type[Exception], limit: int = MAX_TEXT_BYTES
) -> str:
    """Return the UTF-8 text of the regular file ``path`` (see :func:`read_bytes`).

    Raises:
        error: as :func:`read_bytes`, or the file is not UTF-8 text.
    """
    data = read_bytes(path, error, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise error(f"{path}: not UTF-8 text (byte {err.start})") from None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
