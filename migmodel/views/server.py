"""Serve the app in a background process, for the browser tests and the app benchmark.

Also the way to start headless Chromium that works on these machines with no internet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"
CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium (Playwright cannot download its own browsers here)."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # with no internet, background calls only fail
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(log: Path, offline: bool = True, timeout: float = 120) -> Iterator[str]:
    """Run ``solara run app.py`` on a free local port; yield its address, stop it after.

    Args:
        log: file for the server's output.
        offline: point Solara's CDN address at nothing, so that any web asset not bundled
            with the app fails instead of being fetched from the internet.
        timeout: seconds to wait for the server to answer.

    Raises:
        RuntimeError: the server did not start (its output is in ``log``).
    """
    port = free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    if offline:
        env["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/"
    solara = Path(sys.executable).with_name("solara")
    command = [str(solara), "run", str(APP), "--production", "--host", "127.0.0.1"]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*command, "--port", str(port)], cwd=APP.parent, env=env, stdout=out, stderr=out
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait(url, server, timeout, log)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait(url: str, server: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"the app did not start; see {log}") from None
            time.sleep(0.5)
