"""Experiments with the model: scenario files, sweep files, the sweep runner and its analysis.

* :mod:`experiments.sweepfile` reads a sweep file (TOML) into a validated :class:`Sweep`: the
  base scenario, the levers and uncertainties it varies, the design and the outcomes;
* :mod:`experiments.designs` turns a design (grid, Latin hypercube, Sobol, Morris) into points;
* :mod:`experiments.dataset` stores finished runs as a partitioned Parquet dataset;
* :mod:`experiments.sweep` runs a sweep on Dask (a local cluster or an existing one);
* :mod:`experiments.analysis` reads the dataset back: sensitivity indices, tables, plots and a
  short Markdown report.

The runner and the analysis share only the dataset's format, so either can change alone.
"""
