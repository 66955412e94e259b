"""Compare two scenarios on the same seeds: the paired difference in the main outcomes.

Running both scenarios with the same seed makes their random draws start alike, so the
difference of each pair is mostly the scenarios' doing; the spread of the paired differences
over seeds gives a 95% confidence interval (Student's t), which says what is signal and what is
noise.

With posterior draws of a calibrated scenario (``draws``), each pair is one draw and one seed:
the interval is then the 2.5th to 97.5th percentile of the paired differences over draws and
seeds, so it carries both the parameters' uncertainty and the seeds', and the law of total
variance splits the spread between them (``from_draws``: the share of the variance of the
differences due to the draws, the rest to the seeds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from migmodel.measures import MAIN_MEASURES
from migmodel.patterns import FLOW_PATTERNS
from migmodel.results import Results
from migmodel.results import totals as daily_totals
from migmodel.scenario import Scenario
from migmodel.simulate import run


def outcomes(results: Results | pd.DataFrame) -> pd.Series:
    """Return a run's outcomes (:data:`~migmodel.measures.OUTCOMES`), summed over the run.

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


def draw_difference(a: pd.DataFrame, b: pd.DataFrame, draws: pd.Series) -> pd.DataFrame:
    """Summarise B − A over paired rows from several posterior draws (and seeds in each).

    Args:
        a: scenario A's outcomes, one row per (draw, seed) run, one column per outcome.
        b: scenario B's, in the same rows.
        draws: the draw of each row.

    Returns:
        One row per outcome: ``a``, ``b``, ``difference`` (means), ``low``, ``high`` (2.5th and
        97.5th percentiles of the paired differences), ``relative`` and ``from_draws`` (the
        share of the differences' variance between draws; the rest is within draws, the seeds').
    """
    diff = (b - a).set_axis(draws.to_numpy())
    total = diff.var(ddof=0)
    between = diff.groupby(level=0).mean().var(ddof=0)
    mean = diff.mean()
    return pd.DataFrame(
        {
            "a": a.mean(),
            "b": b.mean(),
            "difference": mean,
            "low": diff.quantile(0.025),
            "high": diff.quantile(0.975),
            "relative": mean / a.mean().replace(0, np.nan),
            "from_draws": (between / total.replace(0, np.nan)).clip(0, 1),
        }
    )


def compare_scenarios(
    a: Scenario,
    b: Scenario,
    seeds: Sequence[int],
    progress: Callable[[int, int], None] | None = None,
    draws: Sequence[int] = (),
) -> pd.DataFrame:
    """Run ``a`` and ``b`` on the same ``seeds`` (and posterior ``draws``); return the summary.

    Without draws, :func:`paired_difference`; with draws (of both scenarios' calibrations,
    see :meth:`~migmodel.scenario.Scenario.with_draw`), :func:`draw_difference`.
    """
    pairs = [(k, seed) for k in (draws or [None]) for seed in seeds]
    rows_a, rows_b = [], []
    for i, (k, seed) in enumerate(pairs):
        first, second = (a, b) if k is None else (a.with_draw(k), b.with_draw(k))
        rows_a.append(outcomes(run(first, seed)))
        rows_b.append(outcomes(run(second, seed)))
        if progress is not None:
            progress(i + 1, len(pairs))
    table_a, table_b = pd.DataFrame(rows_a), pd.DataFrame(rows_b)
    if not draws:
        return paired_difference(table_a, table_b)
    return draw_difference(table_a, table_b, pd.Series([k for k, _ in pairs]))
