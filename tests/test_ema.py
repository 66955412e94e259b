"""The EMA Workbench drives the model by parameter names (experiments/ema_example.py)."""

from __future__ import annotations

import numpy as np
from ema_workbench import SequentialEvaluator

from experiments.ema_example import LEVERS, UNCERTAINTIES, ema_model, migration
from migmodel.measures import OUTCOMES

COARSE = {"people_per_agent": 2000, "days": 60, "spinup_days": 20}


def test_a_small_ema_experiment_runs_and_each_row_is_the_run_of_its_parameters():
    model = ema_model(**COARSE)
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=2, policies=2)
    assert len(experiments) == 4
    assert set(outcomes) == {name.replace(".", "_") for name in OUTCOMES}
    assert all(np.isfinite(values).all() for values in outcomes.values())
    assert (outcomes["us_encounters"] > 0).all()
    row = experiments.iloc[3]
    named = {name: row[short] for short, (name, _, _) in {**UNCERTAINTIES, **LEVERS}.items()}
    again = migration(**named, **COARSE)  # the same run, by migmodel's names alone
    assert again == {name: outcomes[name.replace(".", "_")][3] for name in OUTCOMES}
