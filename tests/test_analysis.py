"""``migmodel analyze`` on real sampled sweeps: the indices say what the model does.

The sweeps vary the push on Mexico and on Venezuela over the same range. With beliefs held
at their anchor (a huge ``prior_people``: no outcome moves them, so the share of the pool
that sets out stays 1), departures rise in proportion to each push, and Mexico's baseline
departures (771,000 a year) are 2.56 times Venezuela's (301,000), so a linear model gives
Mexico's push 771² / (771² + 301²) = 0.87 of the variance of departures and Venezuela's 0.13,
elementary effects 2.56 times larger, and Venezuela's push nothing to do with Mexican
encounters. At 20 people per agent the runs are fine enough for this to show through the
noise of the draws. Every draw is seeded, so these
checks give the same numbers each time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

BASE = """
scenario = "baseline"
seeds = 1
[base]
days = 30
spinup_days = 0
people_per_agent = 20
beliefs = {{ prior_people = 10000000 }}
[design]
{design}
[uncertainties]
"push.MEX" = {{ range = [0.5, 2.0] }}
"push.VEN" = {{ range = [0.5, 2.0] }}
[outcomes]
summaries = ["departures", "us_encounters.mexican"]
"""
MEX_SHARE = 771**2 / (771**2 + 301**2)


def migmodel(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migmodel", *args], capture_output=True, text=True, timeout=600
    )


def sweep_and_analyze(folder: Path, design: str) -> tuple[Path, pd.DataFrame]:
    sweep_file = folder / "sweep.toml"
    sweep_file.write_text(BASE.format(design=design))
    out = folder / "out"
    done = migmodel("sweep", str(sweep_file), "--out", str(out), "--workers", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    analysed = migmodel("analyze", str(out))
    assert analysed.returncode == 0, analysed.stderr
    found = pd.read_csv(out / "tables" / "indices.csv").set_index(["outcome", "factor"])
    return out, found


@pytest.fixture(scope="module")
def sobol(tmp_path_factory):
    return sweep_and_analyze(tmp_path_factory.mktemp("sobol"), 'method = "sobol"\nsamples = 32')


def test_sobol_indices_with_intervals(sobol):
    out, found = sobol
    departures = found.loc["departures"]
    for factor, share in (("push.MEX", MEX_SHARE), ("push.VEN", 1 - MEX_SHARE)):
        s1, conf = departures.loc[factor, ["S1", "S1_conf"]]
        assert 0 < conf < 0.5
        assert s1 - conf <= share <= s1 + conf, (factor, s1, conf)
    assert departures.loc["push.MEX", "ST"] > 3 * departures.loc["push.VEN", "ST"]
    mexican = found.loc["us_encounters.mexican"]
    assert mexican.loc["push.MEX", "ST"] > 0.5 > 0.1 > mexican.loc["push.VEN", "ST"]
    report = (out / "report.md").read_text()
    assert "## Sobol' indices" in report and "95% confidence intervals from 1,000" in report
    assert "32 × (2 + 2)" not in report and "128 runs" in report
    assert "| `push.MEX` |" in report
    for figure in ("sobol_indices.png", "scatter.png"):
        assert (out / "figures" / figure).read_bytes()[:4] == b"\x89PNG"


def test_indices_wait_for_every_point(sobol, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(sobol[0], partial)
    next((partial / "runs" / "status=ok").glob("*.parquet")).unlink()
    assert (partial / "tables" / "indices.csv").exists()  # from the complete sweep
    analysed = migmodel("analyze", str(partial))
    assert analysed.returncode == 0, analysed.stderr
    report = (partial / "report.md").read_text()
    assert "127 ok, 0 failed, 1 not run yet" in report
    assert "Not computed: the indices need a result at every point" in report
    assert not (partial / "tables" / "indices.csv").exists()  # no stale indices left
    assert not (partial / "figures" / "sobol_indices.png").exists()


def test_morris_elementary_effects(tmp_path):
    out, found = sweep_and_analyze(tmp_path, 'method = "morris"\nsamples = 8\nlevels = 4')
    departures = found.loc["departures"]
    ratio = departures.loc["push.MEX", "mu_star"] / departures.loc["push.VEN", "mu_star"]
    assert 2.0 < ratio < 3.2  # 771 / 301 = 2.56
    assert (departures["mu"] == departures["mu_star"]).all()  # departures only rise with push
    assert (departures["mu_star_conf"] > 0).all()
    assert (departures["mu_star_conf"] < departures["mu_star"]).all()
    mexican = found.loc["us_encounters.mexican"]
    assert mexican.loc["push.MEX", "mu_star"] > 4 * mexican.loc["push.VEN", "mu_star"]
    report = (out / "report.md").read_text()
    assert "## Morris elementary effects" in report and "μ* (95% CI)" in report
    assert (out / "figures" / "morris_indices.png").is_file()


def test_latin_hypercube_delta_indices(tmp_path):
    out, found = sweep_and_analyze(tmp_path, 'method = "latin"\nsamples = 40')
    departures = found.loc["departures"]
    assert departures.loc["push.MEX", "delta"] > departures.loc["push.VEN", "delta"]
    assert departures.loc["push.MEX", "S1"] > 0.6 > departures.loc["push.VEN", "S1"]
    assert (found["delta_conf"] > 0).all()
    assert "## Delta moment-independent indices" in (out / "report.md").read_text()
