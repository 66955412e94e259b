"""The effects the lessons' teacher notes quote, with intervals over posterior draws and seeds.

For each step of a lesson in compare or ensemble mode that measures totals, the step's run
(the lesson's scenario with the levers of that step, or of the last step that set them)
against its reference (the scenario with no policies), as the app runs them: the class's own
run (seed 1, the posterior median), then every pair of posterior draw × seed, with the median
relative difference, its 95% interval (2.5th to 97.5th percentiles of the paired differences)
and the share of its variance that comes from the draws (the rest from the seeds).

    .venv/bin/python scripts/lesson_effects.py [02 03 ...] [--draws 20] [--seeds 2]

It takes about a minute per step and per 10 pairs at the lessons' scale (200 people per agent;
lesson 04's six-year runs take five times as long).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import pandas as pd

from migmodel.compare import compare_scenarios
from migmodel.scenario import Scenario, load_scenario
from migmodel.views.lessons import Lesson, builtin_lessons, load_lesson


def compared_steps(lesson: Lesson) -> Iterator[tuple[int, Scenario, Scenario, list[str]]]:
    """Yield (step number, reference, run, outcomes) for each step that measures an effect."""
    written = load_scenario(lesson.scenario)
    policies: list[dict[str, Any]] = written.to_dict()["policies"]
    for number, step in enumerate(lesson.steps, start=1):
        if step.policies is not None:
            policies = list(step.policies)
        if lesson.mode == "single" or step.measure != "total" or not policies or not step.run_to:
            continue
        days = (step.run_to - written.start).days + 1
        reference = written.replace(policies=[], days=days)
        yield number, reference, written.replace(policies=policies, days=days), list(step.record)


def effects(lesson: Lesson, draws: list[int], seeds: list[int]) -> pd.DataFrame:
    """Return one row per step and recorded outcome: the class's run and the interval."""
    rows = []
    for number, reference, run, record in compared_steps(lesson):
        own = compare_scenarios(reference, run, seeds=[lesson.seed])
        spread = compare_scenarios(reference, run, seeds=seeds, draws=draws)
        for outcome in record:
            base = spread.loc[outcome, "a"]
            rows.append(
                {
                    "step": number,
                    "outcome": outcome,
                    "seed 1": own.loc[outcome, "relative"],
                    "difference, seed 1": own.loc[outcome, "difference"],
                    "mean": spread.loc[outcome, "relative"],
                    "low": spread.loc[outcome, "low"] / base,
                    "high": spread.loc[outcome, "high"] / base,
                    "from draws": spread.loc[outcome, "from_draws"],
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    """Print the effects of the lessons named (default: all) as tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 02 06 (default: all)")
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    names = [n for n in builtin_lessons() if not args.lessons or n[:2] in args.lessons]
    draws, seeds = list(range(1, args.draws + 1)), list(range(1, args.seeds + 1))
    for name in names:
        table = effects(load_lesson(name), draws, seeds)
        if len(table):
            print(f"\n{name}: draws 1–{args.draws} × seeds 1–{args.seeds}")
            print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
