"""A classroom's load on the app server: N sessions, each stepping a week every 2 seconds.

The Solara server runs every browser session in a thread of one process; this script does
the same server-side work without browsers: N :class:`~migmodel.views.session.Session`
objects with the app's default settings, each in a thread that steps a week every
``--every`` seconds and builds the map's and the charts' options (JSON-encoded, as sent to
the browser). It prints the median and 95th percentile of that per-step server time, the
process's memory with all sessions open, and its memory after they are closed and
collected (what the server returns once tabs close and ``SOLARA_KERNEL_CULL_TIMEOUT`` has
passed). Usage::

    .venv/bin/python scripts/bench_classroom.py --sessions 30 --steps 20
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import threading
import time

import numpy as np
import psutil

from migmodel.views.figures import charts_option, map_option
from migmodel.views.session import Session


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1024**2


def _pupil(session: Session, steps: int, every: float, times: list[float]) -> None:
    next_click = time.monotonic()
    for _ in range(steps):
        began = time.perf_counter()
        session.step(7)
        json.dumps(map_option(session), default=str)
        json.dumps(charts_option(session), default=str)
        times.append(time.perf_counter() - began)
        next_click += every
        time.sleep(max(0.0, next_click - time.monotonic()))


def main() -> None:
    """Open the sessions, step them together, close them; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--steps", type=int, default=20, help="weeks each session steps")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between steps")
    args = parser.parse_args()
    baseline = _rss_mb()
    started = time.perf_counter()
    sessions = [Session() for _ in range(args.sessions)]
    opened = time.perf_counter() - started
    times: list[float] = []
    threads = [
        threading.Thread(target=_pupil, args=(s, args.steps, args.every, times)) for s in sessions
    ]
    peak = _rss_mb()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, _rss_mb())
        time.sleep(0.2)
    ms = np.array(times) * 1000
    sessions.clear()
    threads.clear()
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed arenas until asked
    print(
        f"{args.sessions} sessions, {len(ms)} steps of a week every {args.every:g} s: "
        f"server time per step median {np.median(ms):.0f} ms, p95 "
        f"{np.percentile(ms, 95):.0f} ms, max {ms.max():.0f} ms"
    )
    print(
        f"memory: {baseline:.0f} MB before, {peak:.0f} MB peak with the sessions open, "
        f"{_rss_mb():.0f} MB after they closed; opening them took {opened:.1f} s"
    )


if __name__ == "__main__":
    main()
