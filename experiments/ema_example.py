"""migmodel in the EMA Workbench: the model as a function of parameters named as in sweep files.

The `EMA Workbench <https://emaworkbench.readthedocs.io>`_ (``pip install ema-workbench``;
installed with migmodel's ``dev`` extra) explores a model over uncertainties and levers. It
calls a plain function with one keyword argument per parameter; :func:`migration` is that
function: it sets the parameters by name on a scenario (:meth:`migmodel.Scenario.set`), runs
it and returns its outcomes (totals over the run, :data:`migmodel.measures.OUTCOMES`).

EMA names must be Python identifiers, so each parameter gets a short name and, as its
``variable_name``, the dotted name migmodel knows it by::

    from ema_workbench import SequentialEvaluator
    from experiments.ema_example import ema_model

    model = ema_model(people_per_agent=1000)
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=20, policies=4)

Any other tool that calls a function of named numbers (SALib, optuna) wraps the model the same
way: ``migration(**{"route_choice.sensitivity": 1.5, "days": 365})``.
"""

from __future__ import annotations

import functools
from typing import Any

from ema_workbench import Constant, Model, RealParameter, ScalarOutcome

from migmodel.compare import outcomes
from migmodel.measures import OUTCOMES
from migmodel.scenario import Scenario, load_scenario
from migmodel.simulate import run

UNCERTAINTIES = {
    "sensitivity": ("route_choice.sensitivity", 0.5, 2.0),
    "hnd_push": ("push.HND", 0.5, 1.5),
}
"""Short EMA name → (migmodel's name, lowest, highest): what is uncertain."""
LEVERS = {
    "southern_border": ("policies.mexico_southern_border.intensity", 0.0, 1.0),
}
"""Short EMA name → (migmodel's name, lowest, highest): what policy may choose."""


@functools.cache
def _base(scenario: str) -> Scenario:
    return load_scenario(scenario)


def migration(scenario: str = "baseline", seed: int = 1, **parameters: Any) -> dict[str, float]:
    """Run ``scenario`` with ``parameters`` set by name; return its outcomes.

    Args:
        scenario: a built-in scenario's name or a scenario file's path.
        seed: the run's random seed.
        **parameters: migmodel's names (``route_choice.sensitivity``, ``days``,
            ``policies.mexico_southern_border.intensity``) and their values.

    Returns:
        Each of :data:`~migmodel.measures.OUTCOMES` summed over the run (people).
    """
    results = run(_base(scenario).set(parameters), seed=int(seed))
    return {name: float(value) for name, value in outcomes(results).items()}


def _identifier(outcome: str) -> str:
    return outcome.replace(".", "_")  # us_encounters.mexican → us_encounters_mexican


def ema_model(scenario: str = "baseline", **constants: Any) -> Model:
    """Return an EMA Workbench model of ``scenario`` over :data:`UNCERTAINTIES` and :data:`LEVERS`.

    Args:
        scenario: the scenario every experiment starts from.
        **constants: values fixed in every experiment, by migmodel's name where it is an
            identifier (``people_per_agent=1000``, ``days=365``, ``seed=2``).

    Returns:
        A ``Model`` whose outcomes are :data:`~migmodel.measures.OUTCOMES` (dots written as
        underscores: ``us_encounters_mexican``).
    """
    model = Model("migmodel", function=migration)
    model.uncertainties = [
        RealParameter(short, low, high, variable_name=name)
        for short, (name, low, high) in UNCERTAINTIES.items()
    ]
    model.levers = [
        RealParameter(short, low, high, variable_name=name)
        for short, (name, low, high) in LEVERS.items()
    ]
    model.constants = [
        Constant("scenario", scenario),
        *(Constant(name, value) for name, value in constants.items()),
    ]
    model.outcomes = [ScalarOutcome(_identifier(name), variable_name=name) for name in OUTCOMES]
    return model
