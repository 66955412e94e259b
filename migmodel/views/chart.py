"""An ECharts figure that, at each step, sends the browser only what changed.

Solara's ECharts widget replaces the whole chart at every change of its option (ECharts'
``setOption(option, notMerge=true)``): every step rebuilt the map's outlines, the six panels,
their axes and legends. :class:`ChartWidget` keeps the last whole option the browser holds
(the *base*) and, when a new option differs from it only in values (the series' data, a
title's text, an axis' dates), sends a *patch* that the browser merges in
(``setOption(patch, notMerge=false)``). Anything else (a series more or less, a new style)
sends the whole option again. :func:`option_patch` is plain Python, tested without a browser.

The patch goes to the browser as JSON text, not as a synced dict: a dict of thousands of
small objects is walked by ipywidgets (looking for binary buffers) on the server and made
deeply reactive by Vue in the browser, at every step, for nothing; a string is neither.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import solara
import traitlets
from solara.components.echarts import EchartsWidget

Option = dict[str, Any]


def same_shape(a: Any, b: Any) -> bool:
    """Return whether merging ``b`` into ``a`` (ECharts' merge mode) leaves exactly ``b``.

    True when their dicts have the same keys and their lists of dicts the same lengths,
    at every depth; values (numbers, texts, lists of values) may differ.
    """
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()):
            return False
        return all(same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list) and any(isinstance(x, dict) for x in a + b):
        return len(a) == len(b) and all(same_shape(x, y) for x, y in zip(a, b, strict=True))
    return True


def option_patch(base: Option, new: Option, volatile: set[str]) -> Option | None:
    """Return what turns the chart drawn from ``base`` into ``new``, or None if it cannot.

    The patch holds every series' data (matched by position: no names, so duplicated names
    cannot mismatch) and every other top-level key that differs from ``base`` or is in
    ``volatile`` (keys an earlier patch changed, which must now be set again). It is taken
    against the base, not against the previous patch, so one patch on the base is always
    the whole picture (as when the browser draws the widget again).

    Returns:
        The patch, or None when ``new`` differs from ``base`` in anything but values: the
        whole option must be sent.
    """
    if base.keys() != new.keys():
        return None
    old_series, new_series = base.get("series", []), new.get("series", [])
    if len(old_series) != len(new_series):
        return None
    for a, b in zip(old_series, new_series, strict=True):
        rest_a = {k: v for k, v in a.items() if k != "data"}
        rest_b = {k: v for k, v in b.items() if k != "data"}
        if rest_a != rest_b:
            return None
    patch: Option = {"series": [{"data": s.get("data", [])} for s in new_series]}
    for key in new.keys() - {"series"}:
        if key in volatile or base[key] != new[key]:
            if not same_shape(base[key], new[key]):
                return None
            patch[key] = new[key]
    return patch


class ChartWidget(EchartsWidget):
    """Solara's ECharts widget with a ``patch`` merged into the chart (see the module)."""

    template_file = (__file__, "echarts_patch.vue")
    patch_json = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.volatile: set[str] = set()
        self.patches = 0  # patches sent since the last whole option (for the tests)
        self.patch: Option = {}  # what patch_json holds

    def show(self, option: Option) -> None:
        """Draw ``option``: as a patch on the base when it can be, else whole."""
        patch = option_patch(self.option, option, self.volatile) if self.option else None
        if patch is None:
            self.volatile = set()
            self.patches = 0
            self.patch, self.patch_json = {}, ""
            self.option = option
        else:
            self.volatile |= patch.keys() - {"series"}
            self.patches += 1
            self.patch = patch
            self.patch_json = json.dumps(patch, separators=(",", ":"))

    def drawn(self) -> Option:
        """Return the option the browser draws: the base with the patch merged in."""
        if not self.patch:
            return self.option
        pairs = zip(self.option["series"], self.patch["series"], strict=True)
        series = [{**s, **p} for s, p in pairs]
        return {**self.option, **self.patch, "series": series}


@solara.component
def Chart(
    option: Callable[[], Option],
    version: object,
    name: str,
    height: int,
    maps: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """An ECharts figure whose option is rebuilt when ``version`` changes.

    The widget is made once (with ``maps()``, the outlines a map draws); then each change
    sends only what changed (:meth:`ChartWidget.show`): the option and the outlines are
    large, and passing them through the component tree on every step would cost more than
    drawing them. It is redrawn at its new size when its box changes (the settings opening
    or closing).
    """
    widget = solara.use_memo(
        lambda: ChartWidget(
            option={},
            maps=maps() if maps else {},
            attributes={"style": f"height: {height}px; width: 100%;", "class": name},
            responsive=True,  # redrawn at its new size when the settings open or close
        ),
        dependencies=[],
    )
    solara.use_effect(lambda: widget.show(option()), [version])
    solara.Column(children=[widget], style={"width": "100%"})
