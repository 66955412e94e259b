"""Compare two scenarios on the same seeds: the paired difference in the main outcomes.

Running both scenarios with the same seed makes their random draws start alike, so the
difference of each pair is mostly the scenarios' doing; the spread of the paired differences
over seeds gives a 95% confidence interval (Student's t), which says what is signal and what is
noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from migmodel.patterns import FLOW_PATTERNS
from migmodel.results import Results
from migmodel.results import totals as daily_totals
from migmodel.scenario import Scenario
from migmodel.simulate import run

MAIN_MEASURES = (
    "departures",
    "us_encounters",
    "mexico_apprehensions",
    "darien_crossings",
    "deaths",
    "legal_entries",
    "returns",
    "released_in_us",
)
"""The measures :func:`outcomes` reports, in total and for US encounters by pattern."""

OUTCOMES = (*MAIN_MEASURES, *(f"us_encounters.{pattern}" for pattern in FLOW_PATTERNS))
"""The names of the outcomes :func:`outcomes` returns, in its order."""


def outcomes(results: Results | pd.DataFrame) -> pd.Series:
    """Return a run's main outcomes, summed over the run (people).

    Args:
        results: the run's :class:`Results`, or just its ``daily`` table (e.g. of a run
            still under way, from :func:`~migmodel.simulate.daily_table`).
    """
    totals = daily_totals(results.daily if isinstance(results, Results) else results)
    out = {measure: totals[measure].sum() for measure in MAIN_MEASURES}
    for pattern in FLOW_PATTERNS:
        out[f"us_encounters.{pattern}"] = totals["us_encounters"].get(pattern, 0.0)
    return pd.Series(out, dtype=float)


def paired_difference(a: pd.DataFrame, b: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Summarise B − A over paired rows (one row per seed, one column per outcome).

    Returns:
        One row per outcome: ``a``, ``b`` (means), ``difference`` (mean of B − A), ``low``,
        ``high`` (its confidence interval), ``relative`` (difference ÷ mean of A).
    """
    diff = b - a
    n = len(diff)
    half = (
        stats.t.ppf(0.5 + level / 2, n - 1) * diff.std(ddof=1) / np.sqrt(n)
        if n > 1
        else pd.Series(np.nan, index=diff.columns)
    )
    mean = diff.mean()
    return pd.DataFrame(
        {
            "a": a.mean(),
            "b": b.mean(),
            "difference": mean,
            "low": mean - half,
            "high": mean + half,
            "relative": mean / a.mean().replace(0, np.nan),
        }
    )


def compare(
    a: Scenario,
    b: Scenario,
    seeds: Sequence[int],
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run ``a`` and ``b`` on the same ``seeds`` and return :func:`paired_difference`."""
    rows_a, rows_b = [], []
    for i, seed in enumerate(seeds):
        rows_a.append(outcomes(run(a, seed)))
        rows_b.append(outcomes(run(b, seed)))
        if progress is not None:
            progress(i + 1, len(seeds))
    return paired_difference(pd.DataFrame(rows_a), pd.DataFrame(rows_b))
