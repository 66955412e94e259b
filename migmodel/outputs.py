"""Output folders that never lie: written aside, then renamed into place whole.

A command that writes a folder of results (``migmodel run --out``) first checks the folder
can be written (:func:`check_folder`): its parent is writable, there is room for the
estimate, and the folder holds nothing but files the command itself writes. It then writes
everything into a hidden temporary folder beside it (:func:`staged`) and renames that into
place only when complete. Replacing older results swaps the two folders with the interrupt
signal held back, so a full disk, an error or a Ctrl-C during the write leaves the old
results whole and no half-written table behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo.files import check_path


class OutputError(Exception):
    """An output folder cannot be written, or holds what the command must not replace."""


def check_folder(
    out: Path, owned: Iterable[str], overwrite: bool, need_bytes: int = 0, what: str = "--out"
) -> Path:
    """Check, before any work, that ``out`` can receive a command's results.

    Args:
        out: the folder the results go to (created if missing).
        owned: names of the files the command writes; the first is its marker (``run.json``).
        overwrite: whether results already there may be replaced.
        need_bytes: the space the results are expected to take.
        what: how the user named the folder, for messages.

    Returns:
        ``out`` as an absolute path.

    Raises:
        OutputError: ``out`` is a file, holds other files, holds results and ``overwrite`` is
            False, its parent cannot be written, or the disk lacks the space.
    """
    out = Path(os.path.abspath(check_path(out, OutputError)))
    names = list(owned)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{what} {out} is a file, not a folder")
    if out.is_dir():
        present = sorted(p.name for p in out.iterdir())
        foreign = [n for n in present if n not in names]
        if present and names[0] not in present:  # no marker: none of it is ours
            foreign = present
        if foreign:
            raise OutputError(
                f"{what} {out} holds {foreign[0]!r}, which migmodel did not write: choose an "
                "empty or new folder"
            )
        if present and not overwrite:
            raise OutputError(
                f"{what} {out} already holds results; pass --overwrite to replace them"
            )
    parent = next((p for p in out.parents if p.exists()), Path.cwd())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{what} {out}: cannot write in {parent}")
    free = shutil.disk_usage(parent).free
    if need_bytes > free:
        raise OutputError(
            f"{what} {out}: the results need about {need_bytes / 1e6:,.0f} MB and "
            f"{parent} has {free / 1e6:,.0f} MB free"
        )
    return out


@contextlib.contextmanager
def staged(out: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``out``; on success, put it in place of ``out``.

    On any error (a full disk) or interrupt the temporary folder is removed and ``out`` is
    left as it was.

    Raises:
        OutputError: the write failed for want of space or permission (the cause is named).
    """
    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.parent / f".{out.name}.{os.getpid()}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        yield temporary
        _swap(temporary, out)
    except OSError as err:
        shutil.rmtree(temporary, ignore_errors=True)
        cause = os.strerror(err.errno) if err.errno else str(err)
        full = " (disk full)" if err.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        raise OutputError(
            f"could not write {out}: {cause}{full}; nothing there was changed"
        ) from None
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _swap(new: Path, out: Path) -> None:
    """Put folder ``new`` at ``out``; an older ``out`` is removed after, never before."""
    old = out.parent / f".{out.name}.{os.getpid()}.old"
    with _no_interrupt():
        if out.exists():
            os.rename(out, old)
            try:
                os.rename(new, out)
            except OSError:
                os.rename(old, out)
                raise
        else:
            os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (in the main thread) for the two renames of a swap."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
