"""What one user of the app is doing: the chosen scenario and levers, and the runs under way.

A :class:`Session` is plain Python (no widgets), so everything the app shows can be computed
and tested without a browser. Every browser tab (and every notebook cell showing the app)
holds its own session: two users never drive the same model.

A session always runs the *current* settings (the scenario with the user's levers) and, when
comparing, a *reference* on the same seeds: the scenario with no policies, or as written.
In ensemble mode both run on several seeds, so the charts can show bands.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import time
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from migmodel.compare import MAIN_MEASURES, paired_difference
from migmodel.diary import Entry
from migmodel.measures import MEASURES
from migmodel.model import MigrationModel
from migmodel.patterns import FLOW_PATTERNS
from migmodel.population import FINAL
from migmodel.scenario import Scenario, ScenarioError, load_scenario
from migmodel.simulate import collect
from migmodel.views import limits

Mode = Literal["single", "compare", "ensemble"]
Reference = Literal["no_policies", "as_written"]

MODES: dict[str, str] = {
    "single": "one run",
    "compare": "one run beside a reference run on the same seed",
    "ensemble": "several seeds of both, with bands",
}
REFERENCES: dict[str, str] = {
    "no_policies": "the scenario with no policies",
    "as_written": "the scenario as written, before your lever changes",
}
STEP_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 30}
"""The step sizes the app offers."""


@dataclass(frozen=True)
class Settings:
    """Everything a user chooses; a change of settings starts fresh runs.

    Attributes:
        scenario: a built-in scenario name.
        seed: the first seed; an ensemble runs ``seed, seed + 1, ...``.
        people_per_agent: the scale (None: the scenario's own).
        mode: one of :data:`MODES`.
        reference: what the comparison runs, one of :data:`REFERENCES`.
        ensemble_size: seeds per run in ensemble mode.
        draws: in ensemble mode, member *i* also takes the calibration's posterior draw
            *i* + 1, so the bands carry parameter uncertainty as well as seeds' (calibrated
            scenarios only, such as ``historical``).
        policies: the active policies as ``[[policies]]`` tables (dicts); None: the
            scenario's own.
    """

    scenario: str = "baseline"
    seed: int = 1
    people_per_agent: int | None = None
    mode: Mode = "compare"
    reference: Reference = "no_policies"
    ensemble_size: int = 5
    policies: tuple[dict[str, Any], ...] | None = None
    draws: bool = False


@dataclass
class Run:
    """One model under way: which side of the comparison it is on, its seed and draw."""

    side: Literal["current", "reference"]
    seed: int
    model: MigrationModel
    draw: int = 0


@dataclass
class Following:
    """The migrant being followed and its diary so far."""

    row: int
    entries: list[Entry] = field(default_factory=list)


class Session:
    """The state of one user's app: settings, runs under way and the migrant followed.

    Args:
        settings: the initial settings (default: the default scenario, compared with no
            policies, seed 1).

    Raises:
        ScenarioError: the settings name an unknown scenario or an invalid lever value.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._written: tuple[str, Scenario] | None = None
        self.runs: list[Run] = []
        self.following: Following | None = None
        self.last_step_seconds = 0.0
        self.last_step_days = 0
        self.pending: dict[str, Any] = {}  # a slow change asked for once (views.levers)
        self.reset()

    # ------------------------------------------------------------------ settings
    def written(self) -> Scenario:
        """Return the chosen scenario as its file defines it (read once per scenario)."""
        name = self.settings.scenario
        if self._written is None or self._written[0] != name:
            self._written = (name, load_scenario(name))
        return self._written[1]

    def policies(self) -> list[dict[str, Any]]:
        """Return the active policies as ``[[policies]]`` tables (the levers shown)."""
        if self.settings.policies is not None:
            return [dict(p) for p in self.settings.policies]
        return [dict(p) for p in self.written().to_dict()["policies"]]

    def current_scenario(self) -> Scenario:
        """Return the scenario with the user's levers and scale (validated)."""
        return self._scaled(self.written().replace(policies=self.policies()))

    def reference_scenario(self) -> Scenario:
        """Return what the comparison runs: no policies, or the scenario as written."""
        written = self.written()
        if self.settings.reference == "no_policies":
            written = written.replace(policies=[])
        return self._scaled(written)

    def _scaled(self, scenario: Scenario) -> Scenario:
        ppa = self.settings.people_per_agent
        return scenario if ppa is None else scenario.replace(people_per_agent=ppa)

    def change(self, **changes: Any) -> str:
        """Change settings and start fresh runs with them; return a notice saying so.

        Raises:
            ScenarioError: a value is not allowed; the settings and runs stay as they were.
        """
        seed = changes.get("seed", 0)
        if not (isinstance(seed, int) and 0 <= seed < 2**32):
            raise ScenarioError(f"seed = {seed!r} must be a whole number from 0 to {2**32 - 1}")
        if changes.get("scenario", self.settings.scenario) != self.settings.scenario:
            changes.setdefault("policies", None)  # a new scenario brings its own policies
        if "policies" in changes and changes["policies"] is not None:
            changes["policies"] = tuple(dict(p) for p in changes["policies"])
        old = self.settings
        self.settings = replace(old, **changes)
        try:  # check the new settings before dropping the runs under way
            limits.check(len(self.seeds), self.current_scenario().people_per_agent)
            self.reference_scenario()
        except ScenarioError:
            self.settings = old
            raise
        self.reset()
        return f"Settings changed: fresh runs started from {self.start:%d %b %Y}."

    def set_parameter(self, index: int, key: str, value: float) -> str:
        """Set parameter ``key`` of active policy number ``index``; start fresh runs."""
        policies = self.policies()
        policies[index][key] = value
        return self.change(policies=policies)

    def add_policy(self, name: str) -> str:
        """Switch on a policy, from the scenario's start, with its default parameters."""
        return self.change(policies=[*self.policies(), {"name": name}])

    def remove_policy(self, index: int) -> str:
        """Switch off active policy number ``index``."""
        policies = self.policies()
        del policies[index]
        return self.change(policies=policies)

    # ------------------------------------------------------------------ runs
    @property
    def seeds(self) -> list[int]:
        """The seeds run on each side."""
        n = self.settings.ensemble_size if self.settings.mode == "ensemble" else 1
        return [self.settings.seed + i for i in range(n)]

    def reset(self) -> None:
        """Start the runs again from the scenario's start date (spin-up done)."""
        current = self.current_scenario()
        limits.check(len(self.seeds), current.people_per_agent)  # the teacher's, at start
        sides: list[tuple[Literal["current", "reference"], Scenario]] = [("current", current)]
        if self.settings.mode != "single":
            sides.append(("reference", self.reference_scenario()))
        self.runs = [
            Run(side, seed, MigrationModel(self._drawn(scenario, k), seed=seed), draw)
            for side, scenario in sides
            for k, seed in enumerate(self.seeds)
            for draw in [self.draw_of(k)]
        ]
        for r in self.runs:
            r.model.run(r.model.spinup)
        self.following = None

    def draw_of(self, member: int) -> int:
        """Return the posterior draw ensemble member ``member`` uses (0: the median)."""
        drawn = self.settings.draws and self.settings.mode == "ensemble"
        return member + 1 if drawn and self.written().calibration is not None else 0

    def _drawn(self, scenario: Scenario, member: int) -> Scenario:
        draw = self.draw_of(member)
        return scenario.with_draw(draw) if draw else scenario

    @property
    def model(self) -> MigrationModel:
        """The current run on the first seed: the one the map shows."""
        return self.runs[0].model

    @property
    def start(self) -> dt.date:
        """The scenario's start date."""
        return self.model.scenario.start

    @property
    def date(self) -> dt.date:
        """The date of the next day to simulate."""
        return self.model.date

    @property
    def days_done(self) -> int:
        """Days simulated since the start date."""
        return self.model.day - self.model.spinup

    @property
    def finished(self) -> bool:
        """True once the runs have reached the scenario's end."""
        return self.model.day >= self.model.total_days

    def step(self, days: int = 7) -> float:
        """Advance every run by ``days`` days (less at the end); return the seconds it took."""
        began = time.perf_counter()
        for r in self.runs:
            r.model.run(days)
        if self.following is not None and self.model.diary is not None:
            self.following.entries = self.model.diary.of(self.following.row)
        self.last_step_seconds = time.perf_counter() - began
        self.last_step_days = days
        return self.last_step_seconds

    # ------------------------------------------------------------------ what to show
    def series(
        self, measure: str, by_pattern: bool = False, lead: int = 0
    ) -> dict[str, np.ndarray]:
        """Return daily values of ``measure`` so far, for each side, stacked over seeds.

        Args:
            measure: one of the model's measures.
            by_pattern: keep the flow patterns apart.
            lead: days of the spin-up to put first (at most the spin-up), so that a running
                sum has its whole window from the start date on.

        Returns:
            ``{"current": array, "reference": array}`` (the latter only when comparing); each
            array has shape (seeds, days) or, ``by_pattern``, (seeds, days, patterns).
        """
        k = MEASURES.index(measure)
        out: dict[str, list[np.ndarray]] = {}
        for r in self.runs:
            m = r.model
            values = m.counts[m.spinup - min(lead, m.spinup) : m.day, :, k]
            out.setdefault(r.side, []).append(values if by_pattern else values.sum(axis=1))
        return {side: np.stack(v) for side, v in out.items()}

    def window(self, outcome: str, first: dt.date, last: dt.date) -> dict[str, np.ndarray]:
        """Return each side's sum of ``outcome`` from ``first`` to ``last`` (both included).

        ``outcome`` is a measure or ``us_encounters.PATTERN``. A window may reach back into the
        spin-up (before the start date), so a 30-day level early in a run is a full 30 days.

        Returns:
            ``{"current": sums, "reference": sums}``, one sum per seed.

        Raises:
            ScenarioError: the window is not within the days simulated so far.
        """
        measure, _, pattern = outcome.partition(".")
        k = MEASURES.index(measure)
        p = FLOW_PATTERNS.index(pattern) if pattern else slice(None)
        out: dict[str, list[float]] = {}
        for r in self.runs:
            m = r.model
            a = m.spinup + (first - self.start).days
            b = m.spinup + (last - self.start).days + 1
            if a < 0 or b > m.day or a >= b:
                raise ScenarioError(f"{first} to {last} is not within the days run so far")
            out.setdefault(r.side, []).append(float(m.counts[a:b, p, k].sum()))
        return {side: np.array(v) for side, v in out.items()}

    def outcomes(self) -> pd.DataFrame:
        """Return the main outcomes so far: each side's mean over seeds and the difference.

        One row per outcome, with columns ``reference``, ``current``, ``difference`` and, on
        several seeds, the 95% interval of the paired difference (``low``, ``high``).
        """
        rows: dict[str, list[pd.Series]] = {}
        for r in self.runs:
            rows.setdefault(r.side, []).append(run_outcomes(r.model))
        current = pd.DataFrame(rows["current"])
        if "reference" not in rows:
            return pd.DataFrame({"current": current.mean()})
        table = paired_difference(pd.DataFrame(rows["reference"]), current)
        table = table.rename(columns={"a": "reference", "b": "current"})
        columns = ["reference", "current", "difference", "relative"]
        if len(current) > 1:
            columns[3:3] = ["low", "high"]
        return table[columns]

    # ------------------------------------------------------------------ following
    def follow(self, row: int | None = None) -> Following:
        """Follow migrant ``row`` (default: one drawn at random among those under way).

        The current run is replayed from its first day with a diary for that migrant (same
        scenario and seed, so the same run), which gives its whole journey so far.

        Raises:
            ScenarioError: ``row`` is not a migrant of the run, or nobody is under way yet.
        """
        model = self.model
        if row is None:
            under_way = np.flatnonzero(~FINAL[model.pop.column("status")])
            if under_way.size == 0:
                raise ScenarioError("nobody is under way yet: step the model first")
            pick = np.random.default_rng([self.settings.seed, model.day, len(under_way)])
            row = int(pick.choice(under_way))
        if not 0 <= row < model.pop.n:
            raise ScenarioError(f"no migrant {row}: this run has migrants 0 to {model.pop.n - 1}")
        replay = MigrationModel(model.scenario, seed=self.runs[0].seed)
        diary = replay.follow([row])
        replay.run(model.day)
        self.runs[0].model = replay
        self.following = Following(row, diary.of(row))
        return self.following

    def stop_following(self) -> None:
        """Stop following a migrant."""
        self.following = None
        self.model.diary = None

    # ------------------------------------------------------------------ export
    def export(self, kind: Literal["csv", "parquet"]) -> bytes:
        """Return the runs' tables so far as a ZIP of CSV or Parquet files.

        Each run is a folder ``<side>_seed<seed>/`` with the tables of
        :class:`~migmodel.results.Results` and a ``run.json`` giving scenario, seed and version.
        """
        buffer = io.BytesIO()
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w") as archive:
            for r in self.runs:
                folder = Path(tmp) / f"{r.side}_seed{r.seed}"
                collect(r.model).to_parquet(folder, csv=kind == "csv")
                for path in sorted(folder.iterdir()):
                    if kind == "csv" and path.suffix == ".parquet":
                        continue
                    archive.write(path, f"{folder.name}/{path.name}")
        return buffer.getvalue()


def run_outcomes(model: MigrationModel) -> pd.Series:
    """Return a run's main outcomes so far, as :func:`migmodel.compare.outcomes` does.

    Summed straight from the model's daily counts (the app asks at every step; building the
    ``daily`` table first took longer than the step).
    """
    done = model.counts[model.spinup : model.day].sum(axis=0)  # patterns × measures
    out = {m: float(done[:, MEASURES.index(m)].sum()) for m in MAIN_MEASURES}
    encounters = done[:, MEASURES.index("us_encounters")]
    out |= {f"us_encounters.{p}": float(encounters[k]) for k, p in enumerate(FLOW_PATTERNS)}
    return pd.Series(out, dtype=float)


__all__ = ["MODES", "REFERENCES", "STEP_DAYS", "Session", "Settings", "run_outcomes"]
