"""Services bound to this machine: the Dask dashboard and scheduler of the local cluster, and
the sweep folder's housekeeping kept to sweep folders."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest
from rich.console import Console

from experiments.evaluator import dask_client
from experiments.sweep import run_sweep
from experiments.sweepfile import SweepError

SWEEPS = Path(__file__).resolve().parent.parent / "experiments" / "sweeps"


def _listening(port: int) -> set[str]:
    """Return the local addresses of the sockets listening on ``port``."""
    return {
        c.laddr.ip
        for c in psutil.net_connections(kind="tcp")
        if c.status == psutil.CONN_LISTEN and c.laddr.port == port
    }


def test_the_local_cluster_listens_on_localhost_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIGMODEL_DASHBOARD", raising=False)
    with dask_client(1, None, Console(quiet=True)) as (client, _):
        dashboard = urllib.parse.urlparse(client.dashboard_link)
        scheduler = urllib.parse.urlparse(client.scheduler.address)
        assert dashboard.hostname == "127.0.0.1"
        with urllib.request.urlopen(client.dashboard_link, timeout=10) as page:  # it serves
            assert page.status == 200
        for port in (dashboard.port, scheduler.port):
            assert port is not None
            assert _listening(port) == {"127.0.0.1"}, "reachable from other interfaces"


_OFF = """
import urllib.error, urllib.request
from rich.console import Console
from experiments.evaluator import dask_client
with dask_client(1, None, Console(quiet=True)) as (client, _):
    try:
        urllib.request.urlopen(client.dashboard_link, timeout=10)
        print("served", client.dashboard_link)
    except urllib.error.HTTPError as err:
        print(err.code, client.dashboard_link)
"""


def test_the_dashboard_can_be_switched_off() -> None:
    # a process of its own: Dask registers the dashboard's pages once per process
    env = {**os.environ, "MIGMODEL_DASHBOARD": "off"}
    done = subprocess.run(
        [sys.executable, "-c", _OFF], env=env, capture_output=True, text=True, timeout=120
    )
    code, link = done.stdout.split()
    assert code == "404" and urllib.parse.urlparse(link).hostname == "127.0.0.1"


def test_sweep_housekeeping_only_in_a_sweep_folder(tmp_path: Path) -> None:
    out = tmp_path / "not_a_sweep"
    out.mkdir()
    (out / ".notes.tmp").write_text("someone's file")
    with pytest.raises(SweepError, match="holds no sweep"):
        run_sweep(SWEEPS / "enforcement_x_visas.toml", out, workers=1, progress=False)
    assert (out / ".notes.tmp").read_text() == "someone's file"
    assert sorted(p.name for p in out.iterdir()) == [".notes.tmp"]
