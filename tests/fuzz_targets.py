"""What the fuzzer feeds: one target per kind of input file, each a real loader on a real file.

A target copies the project's own files into a scratch folder once, then writes one mutated
variant at a time and loads it the way the command line does (scenarios also through the
run's preflight checks; networks through the model's nationality check). See
``fuzzing`` (``tests/fuzzing.py``) for the mutations and :func:`run` for a whole campaign.
"""

from __future__ import annotations

import functools
import random
import shutil
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fuzzing import dumps, mutate_csv, mutate_data, mutate_text, outcome

from experiments.calibrate import load_calibration
from experiments.sweepfile import load_sweep
from geo import DATA_DIR, load_network
from migmodel.drivers import load_drivers
from migmodel.preflight import check_network, check_runnable
from migmodel.scenario import load_scenario
from migmodel.views.lessons import load_lesson

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = ROOT / "experiments"
TARGETS = ("scenario", "drivers", "network", "sweep", "lesson", "calibration")
"""The kinds of input fuzzed."""


@dataclass
class Campaign:
    """The outcomes of a fuzzing campaign: counts by target and the tracebacks found."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    tracebacks: list[tuple[str, str, str]] = field(default_factory=list)  # target, input, text

    def line(self, target: str) -> str:
        """Return one line of figures for ``target``."""
        c = self.counts[target]
        return (
            f"{target}: {sum(c.values())} cases, {c['ok']} accepted, {c['error']} refused with "
            f"one line, {c['traceback']} tracebacks"
        )


def run(targets: tuple[str, ...], cases: int, seed: int, scratch: Path) -> Campaign:
    """Fuzz each of ``targets`` with ``cases`` variants (seeded) in the folder ``scratch``."""
    campaign = Campaign()
    for target in targets:
        rng = random.Random(f"{seed}-{target}")
        folder = scratch / target
        make, load = _TARGETS[target](folder)
        counts: Counter[str] = Counter()
        for _ in range(cases):
            written = make(rng)
            kind, text = outcome(functools.partial(load, written))
            counts[kind] += 1
            if kind == "traceback":
                campaign.tracebacks.append((target, written.read_text(errors="replace"), text))
        campaign.counts[target] = counts
    return campaign


# ------------------------------------------------------------------------------ targets
Maker = Callable[[random.Random], Path]
Loader = Callable[[Path], object]


def _toml_maker(seeds: list[Path], out: Path) -> Maker:
    texts = [p.read_text(encoding="utf-8") for p in seeds]

    def make(rng: random.Random) -> Path:
        text = rng.choice(texts)
        if rng.random() < 0.6:
            text = dumps(mutate_data(tomllib.loads(text), rng))
        else:
            text = mutate_text(text, rng)
        out.write_text(text, encoding="utf-8", errors="surrogatepass")
        return out

    return make


def _layout(folder: Path) -> Path:
    """Copy the scenarios and the historical calibration into ``folder`` as in the repo."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(EXPERIMENTS / "scenarios", folder / "scenarios")
    shutil.copytree(
        EXPERIMENTS / "calibration" / "historical", folder / "calibration" / "historical"
    )
    return folder


def _scenario(folder: Path) -> tuple[Maker, Loader]:
    _layout(folder)
    seeds = sorted((folder / "scenarios").glob("*.toml"))
    return _toml_maker(seeds, folder / "scenarios" / "fuzzed.toml"), lambda p: check_runnable(
        load_scenario(p)
    )


def _drivers(folder: Path) -> tuple[Maker, Loader]:

    folder.mkdir(parents=True, exist_ok=True)
    text = (EXPERIMENTS / "calibration" / "historical" / "push.csv").read_text()
    out = folder / "push.csv"

    def make(rng: random.Random) -> Path:
        out.write_text(mutate_csv(text, rng), encoding="utf-8", errors="surrogatepass")
        return out

    return make, load_drivers


def _network(folder: Path) -> tuple[Maker, Loader]:

    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(DATA_DIR, folder)
    originals = {p.name: p.read_text() for p in DATA_DIR.glob("*.csv")}

    def make(rng: random.Random) -> Path:
        for name, text in originals.items():
            (folder / name).write_text(text)
        name = rng.choice(sorted(originals))
        mutated = mutate_csv(originals[name], rng)
        (folder / name).write_text(mutated, encoding="utf-8", errors="surrogatepass")
        return folder / name

    return make, lambda p: check_network(load_network(p.parent))


def _sweep(folder: Path) -> tuple[Maker, Loader]:

    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((EXPERIMENTS / "sweeps").glob("*.toml"))
    return _toml_maker(seeds, folder / "fuzzed.toml"), lambda p: load_sweep(p).count()


def _lesson(folder: Path) -> tuple[Maker, Loader]:

    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((EXPERIMENTS / "lessons").glob("*.toml"))
    return _toml_maker(seeds, folder / "fuzzed.toml"), load_lesson


def _calibration(folder: Path) -> tuple[Maker, Loader]:

    _layout(folder)
    seeds = sorted((EXPERIMENTS / "calibration").glob("*.toml"))
    return _toml_maker(seeds, folder / "calibration" / "fuzzed.toml"), load_calibration


_TARGETS: dict[str, Callable[[Path], tuple[Maker, Loader]]] = {
    "scenario": _scenario,
    "drivers": _drivers,
    "network": _network,
    "sweep": _sweep,
    "lesson": _lesson,
    "calibration": _calibration,
}
