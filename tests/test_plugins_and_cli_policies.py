"""Third-party policies through the entry point, policy validation messages, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import migmodel
from migmodel.inputs import ScenarioError
from migmodel.registry import ENTRY_POINT_GROUP, available

PLUGIN = '''
"""A small outside package: a policy that halves Honduran departures."""
from typing import ClassVar

from migmodel.patterns import NATIONALITIES
from migmodel.inputs import Number
from migmodel.policy import Policy


class HalveHonduras(Policy):
    """Cut Honduran departures by a share (test plugin)."""

    name = "halve_honduras"
    parameters: ClassVar = {"share": Number(0.5, 0, 1, "share", "cut in departures")}

    def apply(self, levers, strength, model):
        levers.departures[NATIONALITIES.index("HND")] *= 1 - self.share * strength
'''


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    """Install a tiny package the way pip would lay it out: module + dist-info."""
    (tmp_path / "halve_honduras_pkg.py").write_text(PLUGIN)
    info = tmp_path / "halve_honduras_pkg-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: halve-honduras-pkg\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nhalve_honduras = halve_honduras_pkg:HalveHonduras\n"
    )
    return tmp_path


def test_a_plugin_is_found_through_the_entry_point_and_runs(plugin_path, monkeypatch):
    monkeypatch.syspath_prepend(str(plugin_path))
    assert "halve_honduras" in available()
    base = migmodel.load_scenario("baseline").replace(days=120, spinup_days=30)
    with_plugin = base.replace(policies=[{"name": "halve_honduras", "share": 1.0}])
    journeys = migmodel.run(with_plugin, seed=1).journeys
    assert (journeys.nationality == "HND").sum() == 0
    assert (migmodel.run(base, seed=1).journeys.nationality == "HND").sum() > 0


def test_cli_lists_builtin_and_plugin_policies(plugin_path):
    env = {**os.environ, "PYTHONPATH": str(plugin_path)}
    out = subprocess.run(
        [sys.executable, "-m", "migmodel", "policies"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    for name in [*available(), "halve_honduras"]:
        assert f"{name}:" in out
    assert "extra_visas_per_year" in out and "visas/year" in out


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (
            {"name": "mexico_southern_boarder"},
            r"unknown policy 'mexico_southern_boarder' \(did you mean 'mexico_southern_border'\?\)",
        ),
        (
            {"name": "freight_rail", "intensty": 1},
            r"unknown key 'intensty' \(did you mean 'intensity'\?\)",
        ),
        (
            {"name": "freight_rail", "intensity": 1.5},
            r"\(freight_rail\) intensity = 1\.5 is out of range: allowed 0 ≤ value ≤ 1",
        ),
        (
            {"name": "parole", "appointments_per_day": -1},
            r"appointments_per_day = -1 is out of range",
        ),
        ({"name": "darien", "start": "soon"}, r"start"),
    ],
)
def test_policy_validation_messages(policy, message):
    with pytest.raises(ScenarioError, match=message):
        migmodel.load_scenario("baseline").replace(policies=[policy])


def test_cli_compare_prints_paired_differences(tmp_path):
    scenario = tmp_path / "strict.toml"
    scenario.write_text(
        textwrap.dedent("""
        extends = "baseline"
        days = 120
        spinup_days = 30
        [[policies]]
        name = "us_border"
        intensity = 1.0
    """)
    )
    base = tmp_path / "base.toml"
    base.write_text('extends = "baseline"\ndays = 120\nspinup_days = 30\n')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "migmodel",
            "compare",
            str(base),
            str(scenario),
            "--seeds",
            "3",
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "95% interval" in result.stdout
    released = next(line for line in result.stdout.splitlines() if "released in us" in line)
    assert "-" in released.split("│")[4]  # the difference column: fewer released


def test_cli_compare_rejects_a_bad_seed_count():
    result = subprocess.run(
        [sys.executable, "-m", "migmodel", "compare", "baseline", "baseline", "--seeds", "0"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "must be at least 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_builtin_policy_is_registered_by_entry_point_in_pyproject():
    import inspect
    import tomllib

    import policies.asylum
    import policies.development
    import policies.enforcement
    import policies.pathways
    from migmodel.policy import Policy
    from migmodel.registry import SOURCE_PYPROJECT

    declared = tomllib.loads(SOURCE_PYPROJECT.read_text())["project"]["entry-points"][
        ENTRY_POINT_GROUP
    ]
    defined = {
        cls.name: f"{module.__name__}:{cls.__name__}"
        for module in (
            policies.asylum,
            policies.development,
            policies.enforcement,
            policies.pathways,
        )
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Policy) and cls.name and cls.__module__ == module.__name__
    }
    assert declared == defined
    assert set(defined) <= set(available())


def test_the_policies_package_still_offers_the_old_names():
    import policies
    import policies.base
    import policies.levers
    import policies.registry
    from migmodel import policy, registry

    assert policies.Policy is policies.base.Policy is policy.Policy
    assert policies.Levers is policies.levers.Levers is policy.Levers
    assert policies.available is policies.registry.available is registry.available
