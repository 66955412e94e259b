"""Experiments with the model: scenario files, sweep files, the sweep runner and its analysis.

* :mod:`experiments.sweepfile` reads a sweep file (TOML) into a validated :class:`Sweep`
  (:mod:`experiments.sweep_plan`): the base scenario, the levers and uncertainties it varies,
  the design and the outcomes, laid out as a plan of runs;
* :mod:`experiments.designs` turns a design (grid, Latin hypercube, Sobol, Morris) into points;
* :mod:`experiments.dataset` stores finished runs as a partitioned Parquet dataset;
* :mod:`experiments.sweep` runs a sweep on Dask (a local cluster or an existing one) through
  :mod:`experiments.evaluator`, which the calibration and the validation report use too;
* :mod:`experiments.analysis` reads the dataset back and writes a short Markdown report: the
  tables and sensitivity indices of :mod:`experiments.study`, the plots of
  :mod:`experiments.sweep_figures`, written with :mod:`experiments.report_text`.

The runner and the analysis share only the dataset's format, so either can change alone.
"""
