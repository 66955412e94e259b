"""Per-session limits for a classroom server, set by the teacher when the server starts.

One browser session can otherwise ask for a run the server cannot hold for thirty pupils at
once (an ensemble of 10 at one person per agent took 29 s and 2.5 GB). The limits come from
the environment, so ``make run MAX_ENSEMBLE=3 MIN_PEOPLE_PER_AGENT=200`` sets them:

* ``MIGMODEL_MAX_ENSEMBLE``: the most seeds an ensemble may run (default 10);
* ``MIGMODEL_MIN_PEOPLE_PER_AGENT``: the finest scale a session may choose (default 1).
"""

from __future__ import annotations

import os

from migmodel.inputs import ScenarioError

MAX_ENSEMBLE_ENV = "MIGMODEL_MAX_ENSEMBLE"
MIN_PEOPLE_PER_AGENT_ENV = "MIGMODEL_MIN_PEOPLE_PER_AGENT"


def _whole(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ScenarioError(f"{name} = {text!r} must be a whole number ≥ 1")
    return int(text)


def max_ensemble() -> int:
    """Return the most seeds an ensemble may run on this server."""
    return _whole(MAX_ENSEMBLE_ENV, 10)


def min_people_per_agent() -> int:
    """Return the finest scale (fewest people per agent) a session may choose."""
    return _whole(MIN_PEOPLE_PER_AGENT_ENV, 1)


def check(ensemble_size: int, people_per_agent: float) -> None:
    """Refuse settings beyond this server's limits, in one line a pupil can read.

    Raises:
        ScenarioError: the ensemble is too large or the scale too fine.
    """
    if ensemble_size > max_ensemble():
        raise ScenarioError(
            f"ensemble of {ensemble_size} seeds: this server allows at most {max_ensemble()}"
        )
    if people_per_agent < min_people_per_agent():
        raise ScenarioError(
            f"1 agent = {people_per_agent:g} people: this server allows at least "
            f"{min_people_per_agent()} people per agent"
        )
