"""A sweep's results folder: a partitioned Parquet dataset that grows one run at a time.

::

    DIR/sweep.json                          the sweep: its spec, fingerprint and size
    DIR/sweep.toml                          the sweep file as it was given, for the record
    DIR/sessions.jsonl                      one line per finished `migmodel sweep` session
    DIR/runs/status=ok/<run_id>.parquet     one row per run: parameters, seed, outcomes, time
    DIR/runs/status=failed/<run_id>.parquet one row per failed run, with its error
    DIR/series/<run_id>.parquet             a run's time series, when the sweep records them

``DIR/runs`` is a hive-partitioned dataset: ``pandas.read_parquet(DIR / "runs")`` reads it
with a ``status`` column. Each file is written to a hidden temporary name, flushed to disk
and then renamed, so a run is either wholly recorded or not at all: a sweep killed at any
moment leaves only complete files (Parquet readers skip the hidden ones) and a resumed sweep
knows exactly which runs are done from the file names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from experiments.sweepfile import Sweep, SweepError, sweep_from_spec
from migmodel.simulate import __version__

FORMAT = 1
"""Version of the folder layout, stored in ``sweep.json``."""

SPEC_FILE = "sweep.json"
STATUSES = ("ok", "failed")
RUN_COLUMNS = ("run_id", "point", "replicate", "seed")
INFO_COLUMNS = ("seconds", "worker", "finished", "migmodel_version", "error", "traceback")


def runs_schema(sweep: Sweep) -> pa.Schema:
    """Return the columns of a run's row: ids, factors, outcomes, then run information."""
    return pa.schema(
        [
            ("run_id", pa.string()),
            ("point", pa.int64()),
            ("replicate", pa.int64()),
            ("seed", pa.int64()),
            *([("draw", pa.int64())] if sweep.draws else []),
            *((f.name, pa.float64()) for f in sweep.factors),
            *((name, pa.float64()) for name in sweep.summaries),
            ("seconds", pa.float64()),
            ("worker", pa.string()),
            ("finished", pa.timestamp("ms", tz="UTC")),
            ("migmodel_version", pa.string()),
            ("error", pa.string()),
            ("traceback", pa.string()),
        ]
    )


def check_folder(folder: Path, sweep: Sweep, resume: bool) -> bool:
    """Check that ``folder`` may receive ``sweep``'s runs; return whether it holds them already.

    A missing or empty folder is fine; a folder holding this very sweep is fine when
    ``resume`` is set. Nothing in the folder is changed.

    Raises:
        SweepError: the folder is a file, holds something else, holds a sweep and ``resume``
            is not set, or holds a different sweep (the message says what differs).
    """
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"--out {folder} is a file, not a folder")
    if (folder / SPEC_FILE).exists():
        record = read_record(folder)
        if not resume:
            done = len(recorded(folder))
            raise SweepError(
                f"--out {folder} already holds the sweep '{record['name']}' ({done} of "
                f"{record['runs']} runs recorded); pass --resume to continue it, or choose "
                "another --out"
            )
        if record["fingerprint"] != sweep.fingerprint():
            changes = "; ".join(_differences(record["spec"], sweep.spec())) or "its spec"
            raise SweepError(
                f"--out {folder} holds a different sweep than this file describes ({changes}); "
                "results of different sweeps must not mix: choose another --out, or restore "
                "the sweep file"
            )
        return True
    if folder.is_dir() and any(not p.name.startswith(".") for p in folder.iterdir()):
        raise SweepError(f"--out {folder} is not empty and holds no sweep; choose another --out")
    return False


def start_folder(folder: Path, sweep: Sweep, source_text: str = "", source_name: str = "") -> None:
    """Write ``sweep.json`` (and ``sweep.toml``) into a new folder, before its first run."""
    folder.mkdir(parents=True, exist_ok=True)
    if source_text:
        _write_text(folder / "sweep.toml", source_text)
    plan = sweep.plan
    record = {
        "format": FORMAT,
        "name": sweep.name,
        "description": sweep.description,
        "sweep_file": source_name,
        "fingerprint": sweep.fingerprint(),
        "design_points": len(plan.matrix),
        "points": len(plan.unique),
        "runs": len(plan.runs),
        "migmodel_version": __version__,
        "created": _now().isoformat(),
        "spec": sweep.spec(),
    }
    _write_text(folder / SPEC_FILE, json.dumps(record, indent=2))


def read_record(folder: Path) -> dict[str, Any]:
    """Return ``sweep.json`` of a results folder.

    Raises:
        SweepError: the folder is missing or holds no sweep.
    """
    if not folder.is_dir():
        raise SweepError(f"{folder}: no such folder")
    path = folder / SPEC_FILE
    if not path.is_file():
        raise SweepError(
            f"{folder} holds no sweep (no {SPEC_FILE}); run `migmodel sweep FILE --out {folder}`"
        )
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise SweepError(f"{path}: unreadable ({err})") from None
    if record.get("format") != FORMAT:
        raise SweepError(f"{path}: format {record.get('format')!r}, expected {FORMAT}")
    return record


def read_sweep(folder: Path) -> Sweep:
    """Rebuild the sweep a results folder holds."""
    record = read_record(folder)
    return sweep_from_spec(record["name"], record["description"], record["spec"])


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder for one session; refuse if another session holds it.

    The lock is the operating system's (``flock``): it ends with the process, however it ends.
    """
    ours = (folder / SPEC_FILE).exists()
    if not ours and any(p.name != ".lock" for p in folder.iterdir()):
        raise SweepError(f"--out {folder} is not empty and holds no sweep; choose another --out")
    handle = open(folder / ".lock", "w")  # held for the whole session
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SweepError(
                f"--out {folder} is in use by another `migmodel sweep`; wait for it to end"
            ) from None
        if ours:  # housekeeping only in a folder with the sweep's own marker
            _remove_temporary(folder)
        yield
    finally:
        handle.close()


def recorded(folder: Path) -> dict[str, str]:
    """Return the status of every run recorded in ``folder``, by run id (``ok`` wins)."""
    out: dict[str, str] = {}
    for status in reversed(STATUSES):  # failed first, so that ok overrides it
        part = folder / "runs" / f"status={status}"
        if part.is_dir():
            out.update((p.stem, status) for p in part.glob("*.parquet"))
    return out


def write_run(
    folder: Path, schema: pa.Schema, row: dict[str, Any], series: pd.DataFrame | None = None
) -> None:
    """Record one finished run: its series first, then its row (which marks it done)."""
    status = "ok" if row.get("error") is None else "failed"
    if series is not None and status == "ok":
        table = pa.Table.from_pandas(series, preserve_index=False)
        _write_atomic(table, folder / "series" / f"{row['run_id']}.parquet")
    table = pa.Table.from_pylist([row], schema=schema)
    _write_atomic(table, folder / "runs" / f"status={status}" / f"{row['run_id']}.parquet")
    if status == "ok":  # a failed run retried with success: drop the failure
        (folder / "runs" / "status=failed" / f"{row['run_id']}.parquet").unlink(missing_ok=True)


def read_runs(folder: Path) -> pd.DataFrame:
    """Return every recorded run, one row each, with a ``status`` column.

    Raises:
        SweepError: no run is recorded yet.
    """
    if not recorded(folder):
        raise SweepError(f"{folder}: no run is recorded yet")
    data = pads.dataset(folder / "runs", format="parquet", partitioning="hive")
    table = data.to_table().to_pandas()
    table["status"] = table["status"].astype(str)
    table = table.sort_values(["run_id", "status"], ascending=[True, False])  # ok before failed
    table = table.drop_duplicates("run_id")
    return table.sort_values(["point", "replicate"]).reset_index(drop=True)


def read_series(folder: Path) -> pd.DataFrame | None:
    """Return the time series of the runs that recorded them (a long table), or None."""
    part = folder / "series"
    if not part.is_dir() or not any(part.glob("*.parquet")):
        return None
    return pads.dataset(part, format="parquet").to_table().to_pandas()


def log_session(folder: Path, entry: dict[str, Any]) -> None:
    """Append one line about a finished session to ``sessions.jsonl``."""
    with open(folder / "sessions.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"ended": _now().isoformat(), **entry}) + "\n")


def _write_atomic(table: pa.Table, path: Path) -> None:
    """Write a Parquet file under a hidden name, flush it to disk, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as f:
        pq.write_table(table, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _remove_temporary(folder: Path) -> None:
    """Delete the hidden files a killed session may have left half written."""
    for pattern in ("runs/*/.*.tmp", "series/.*.tmp", ".*.tmp"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)


def _differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Return up to three readable differences between two specs."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{where}.{key}" if where else str(key)
            if key not in new:
                out.append(f"{path} removed")
            elif key not in old:
                out.append(f"{path} added")
            else:
                out.extend(_differences(old[key], new[key], path))
        return out[:3]
    return [] if old == new else [f"{where}: {_short(old)} → {_short(new)}"]


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
