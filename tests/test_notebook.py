"""The app's views inside a Jupyter notebook: the example notebook runs in a real kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "experiments" / "notebooks" / "explore.ipynb"


def test_the_example_notebook_runs_and_shows_the_app(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    explorer, table = (c for c in notebook.cells if c.cell_type == "code")
    shown = [o for o in explorer.outputs if o.output_type == "display_data"]
    assert shown and "application/vnd.jupyter.widget-view+json" in shown[0]["data"]
    text = table.outputs[0]["data"]["text/plain"]
    assert "mexico_apprehensions" in text and "difference" in text
