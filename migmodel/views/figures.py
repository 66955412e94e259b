"""The map and the charts of a :class:`~migmodel.views.session.Session`, as ECharts options.

The browser draws them (ECharts, bundled with Solara's offline assets), so a step sends only
numbers: the server builds a plain ``dict`` per view, which is also what the tests check.
Each view has a "save as PNG" button that downloads exactly what is on screen.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from experiments.observed import observed
from migmodel.measures import MEASURE
from migmodel.patterns import FLOW_PATTERNS, PATTERN_LABELS
from migmodel.views.text import FEW_AGENTS

if TYPE_CHECKING:
    from migmodel.views.session import Session

WINDOW = 30
"""Charts and the map show flows over the last WINDOW days, comparable to monthly data."""

PATTERN_COLOURS = {
    "northern_triangle": "#1b9e77",
    "transcontinental": "#7570b3",
    "crisis_states": "#d95f02",
    "mexican": "#e7298a",
}
"""One colour per flow pattern everywhere in the app (ColorBrewer Dark2)."""
TOTAL_COLOUR = "#2c3e50"
OBSERVED = "CBP observed (month)"
"""The name of the observed monthly encounters beside a run of a calibrated scenario."""

PANELS: dict[str, tuple[str, str, bool]] = {
    "us_encounters_by_pattern": (
        "us_encounters",
        f"{MEASURE['us_encounters'].label} by flow pattern",
        True,
    ),
    "us_encounters": ("us_encounters", f"{MEASURE['us_encounters'].label}, all patterns", False),
    **{
        key: (key, MEASURE[key].label, False)
        for key in ("mexico_apprehensions", "darien_crossings", "deaths", "legal_entries")
    },
}
"""The charts by name (``chart:NAME`` in a lesson): (measure, title, split by flow pattern)."""
HIGHLIGHT = "#00bcd4"
"""The colour of what a lesson step points at: cyan, in neither the flow scale nor the patterns."""

FLOW_COLOURS = ["#fde725", "#fca636", "#e16462", "#b12a90", "#6a00a8", "#0d0887"]
"""Legs coloured by people a day, light (few) to dark (many); legs nobody uses are grey."""
FLOW_DECADES = 4  # the colour scale spans 1 to 10^4 people a day
MAP_NAME = "migmodel-region"


def rolling(values: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Return sums over the last ``window`` days (fewer at the start) along axis 1."""
    total = np.cumsum(values, axis=1)
    out = total.copy()
    out[:, window:] -= total[:, :-window]
    return out


def sample_days(days_done: int, days_total: int, points: int = 150) -> np.ndarray:
    """Return the day indices charted: about ``points`` over the run, and always the last."""
    if days_done <= 0:
        return np.arange(0)
    stride = max(1, days_total // points)
    return np.unique(np.r_[np.arange(0, days_done, stride), days_done - 1])


SMALL_COUNTS = ("deaths",)
"""Measures counted in a few agents: their panels say how many people one agent is."""


def agent_note(session: Session, measure: str) -> str:
    """Return the note a small-count panel's title carries: its steps are whole agents.

    Deaths move in steps of one agent (200 people at the default scale), so a panel of them
    says so; a rise of one step is one agent's fate, not a trend.
    """
    if measure not in SMALL_COUNTS:
        return ""
    return f" (1 agent = {session.model.scenario.people_per_agent:,} people)"


# ---------------------------------------------------------------------- charts
def panel_layout(columns: int, large: bool = False) -> dict[str, Any]:
    """Return where the six panels and their titles go in ``columns`` columns (in %)."""
    rows = -(-len(PANELS) // columns)
    width, height = 100 / columns, 92 / rows
    grids, titles = [], []
    for i in range(len(PANELS)):
        row, col = divmod(i, columns)
        left, top = f"{2 + width * col:.1f}%", 2 + height * row
        grids.append(
            {
                "left": left,
                "top": f"{top + 0.22 * height:.1f}%",
                "width": f"{width - 6:.1f}%",
                "height": f"{0.62 * height:.1f}%",
            }
        )
        titles.append({"left": left, "top": f"{top:.1f}%"})
    return {"grid": grids, "title": titles}


def charts_option(
    session: Session,
    highlight: tuple[str, ...] = (),
    large: bool = False,
    zoom: tuple[dt.date, dt.date] | None = None,
) -> dict[str, Any]:
    """Return the time-series charts: every panel of :data:`PANELS`, both sides.

    Lines are means over seeds, each value the sum over the last :data:`WINDOW` days. In
    ensemble mode a band spans the lowest to the highest seed, so a difference smaller than
    the bands is noise. Solid lines: the current levers; dashed: the reference. Panels named
    ``chart:NAME`` in ``highlight`` are framed and their titles marked. ``zoom`` (first and
    last date) shows every day of that window alone, as a lesson step may ask.
    """
    first, last, days = _chart_days(session, zoom)
    dates = [(session.start + dt.timedelta(days=int(d))).isoformat() for d in days]
    grids, xs, ys, titles, series = [], [], [], [], []
    font = 15 if large else 11
    wide = panel_layout(3, large)
    for i, (key, (measure, title, by_pattern)) in enumerate(PANELS.items()):
        marked = f"chart:{key}" in highlight
        heading_text = title if marked else title + agent_note(session, measure)
        grid, x, y, heading = _panel_frame(i, heading_text, marked, first, last, font, wide)
        grids.append(grid)
        xs.append(x)
        ys.append(y)
        titles.append(heading)
        panel = _panel_lines(session, i, measure, by_pattern, days, dates)
        if panel:
            panel[0]["markLine"] = _events(session, label=i == 0, large=large)
            if measure in SMALL_COUNTS:
                _few_agents(panel, y, session.model.scenario.people_per_agent, font)
        series += panel
        if measure == "us_encounters" and not by_pattern and shows_observed(session):
            series += _observed(i, first, last)
    return {
        "animation": False,
        "title": titles,
        "grid": grids,
        "xAxis": xs,
        "yAxis": ys,
        **_chart_frame(font),
        "series": series,
        "media": _media(large),  # ECharts takes the option itself as the base
    }


def _chart_frame(font: int) -> dict[str, Any]:
    """What every chart shows whatever the run: tooltip, legend, footnote and PNG button."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {
            "bottom": 0,
            "data": [*PATTERN_LABELS.values(), "All patterns", OBSERVED],
            "textStyle": {"fontSize": font},
        },
        "graphic": [
            {
                "type": "text",
                "right": 10,
                "bottom": 4,
                "style": {
                    "text": f"people in the last {WINDOW} days · solid: current levers · "
                    "dashed: reference",
                    "fontSize": font - 1,
                    "fill": "#555",
                },
            }
        ],
        "toolbox": {
            "right": 8,
            "feature": {
                "saveAsImage": {"name": "migmodel-charts", "title": "PNG", "pixelRatio": 2}
            },
        },
    }


def _chart_days(
    session: Session, zoom: tuple[dt.date, dt.date] | None
) -> tuple[dt.date, dt.date, np.ndarray]:
    """Return the charts' first and last dates and the day indices they plot."""
    start = session.start
    total_days = session.model.scenario.days
    if not zoom:
        days = sample_days(session.days_done, total_days)
        return start, start + dt.timedelta(days=total_days), days
    # every day of the window, and nothing outside it (the y axes fit the window)
    first, last = zoom
    days = np.arange((first - start).days, min((last - start).days + 1, session.days_done))
    return first, last, days[days >= 0]


def _panel_frame(
    i: int,
    title: str,
    marked: bool,
    first: dt.date,
    last: dt.date,
    font: int,
    wide: dict[str, Any],
) -> tuple[dict[str, Any], ...]:
    """Return panel ``i``'s grid, x axis, y axis and title; a marked panel is framed in cyan."""
    grid = {
        **wide["grid"][i],
        "containLabel": True,
        **({"show": True, "borderColor": HIGHLIGHT, "borderWidth": 3} if marked else {}),
    }
    x = {
        "type": "time",
        "gridIndex": i,
        "min": first.isoformat(),
        "max": last.isoformat(),
        "axisLabel": {"fontSize": font - 1, "hideOverlap": True},
    }
    y = {
        "type": "value",
        "gridIndex": i,
        "axisLabel": {"fontSize": font - 1},
        "splitLine": {"lineStyle": {"opacity": 0.4}},
    }
    heading = {
        "text": f"▶ {title}" if marked else title,
        **wide["title"][i],
        "textStyle": {
            "fontSize": font + 1,
            "fontWeight": "bold" if marked else "normal",
            "color": HIGHLIGHT if marked else "#333",
        },
    }
    return grid, x, y, heading


def _panel_lines(
    session: Session,
    i: int,
    measure: str,
    by_pattern: bool,
    days: np.ndarray,
    dates: list[str],
) -> list[dict[str, Any]]:
    """Panel ``i``'s lines for both sides: by flow pattern or all together, with bands."""
    lead = min(WINDOW - 1, session.model.spinup)  # no ramp: the spin-up days count
    series: list[dict[str, Any]] = []
    for side, values in session.series(measure, by_pattern, lead).items():
        values = rolling(values)[:, lead:][:, days]
        if by_pattern:
            runs = {p: values[:, :, k] for k, p in enumerate(FLOW_PATTERNS)}
        else:
            runs = {"all": values}
        for key, by_seed in runs.items():
            label = PATTERN_LABELS.get(key, "All patterns")
            colour = PATTERN_COLOURS.get(key, TOTAL_COLOUR)
            series += _line(i, side, label, colour, dates, by_seed)
    return series


def _few_agents(panel: list[dict[str, Any]], y: dict[str, Any], per_agent: int, font: int) -> None:
    """Draw a small-count panel as what it is: whole agents, mostly fewer than a few.

    Its lines go in steps (a count of agents has no values between); a grey band spans 0 to
    :data:`~migmodel.views.text.FEW_AGENTS` agents, the size below which the Comparison table
    marks a difference †, and the y axis always reaches its top: what lies inside it is a
    few agents' fates, not a trend.
    """
    top = FEW_AGENTS * per_agent
    for line in panel:
        line["step"] = "end"
    highest = max((v for line in panel for _, v in line["data"]), default=0.0)
    y["max"] = None if highest > top else top  # None: ECharts fits the data
    label = f"under {FEW_AGENTS} agents ({top:,} people): a few agents' fates"
    panel[0]["markArea"] = {
        "silent": True,
        "itemStyle": {"color": "rgba(120,120,120,0.12)"},
        "label": {"position": "insideTopLeft", "fontSize": font - 2, "color": "#555"},
        "data": [[{"yAxis": 0, "name": label}, {"yAxis": top}]],
    }


def _events(session: Session, label: bool, large: bool) -> dict[str, Any]:
    """Dashed vertical lines at the start of each dated policy of the current levers."""
    marks = [
        {
            "xAxis": str(p["start"]),
            "name": p["name"].replace("_", " "),
            "label": {"show": label, "formatter": "{b}", "fontSize": 12 if large else 9},
        }
        for p in session.policies()
        if p.get("start")
    ]
    return {
        "symbol": "none",
        "silent": True,
        "lineStyle": {"color": "#888", "type": "dashed", "width": 1},
        "label": {"position": "insideEndTop"},
        "data": marks,
    }


@cache
def observed_months() -> tuple[tuple[str, float], ...]:
    """Return CBP's monthly southwest-border encounters, each dated at the month's last day.

    From the project's data (``experiments/data``), which end in September 2023.
    """
    table = observed()
    months = table[table["series"] == "encounters_month"]
    return tuple(
        ((pd.Period(m, "M").end_time.date()).isoformat(), float(v))
        for m, v in zip(months["period"], months["observed"], strict=True)
    )


def shows_observed(session: Session) -> bool:
    """Return whether the charts put CBP's observed months beside the run.

    Only for a scenario whose drivers were fitted to those months (``historical``, whose
    calibration names its push by month): the dots test its run. Beside a what-if scenario
    such as ``baseline`` (its own steady push, its behaviour parameters borrowed from the
    calibration) they would read as a target it never aimed at.
    """
    return session.model.scenario.drivers is not None


def _observed(grid: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The observed monthly encounters within the scenario's dates, as dots."""
    data = [[d, v] for d, v in observed_months() if start.isoformat() <= d <= end.isoformat()]
    if not data:
        return []
    return [
        {
            "type": "scatter",
            "name": OBSERVED,
            "xAxisIndex": grid,
            "yAxisIndex": grid,
            "data": data,
            "symbolSize": 5,
            "itemStyle": {"color": "#000"},
            "z": 4,
        }
    ]


def _media(large: bool) -> list[dict[str, Any]]:
    """Two columns on a narrow chart, one on a phone: ECharts picks by the chart's width."""
    return [
        {"query": {"maxWidth": width}, "option": panel_layout(columns, large)}
        for width, columns in ((899, 2), (559, 1))
    ]


def _line(
    grid: int, side: str, label: str, colour: str, dates: list[str], by_seed: np.ndarray
) -> list[dict[str, Any]]:
    """One line (mean over seeds) and, with several seeds, its min–max band."""
    reference = side == "reference"
    name = f"{label} (reference)" if reference else label
    common = {"xAxisIndex": grid, "yAxisIndex": grid, "showSymbol": False, "type": "line"}
    mean = by_seed.mean(axis=0).round().tolist()
    out = [
        {
            **common,
            "name": name,
            "data": list(zip(dates, mean, strict=True)),
            "lineStyle": {
                "color": colour,
                "width": 1.6,
                "type": "dashed" if reference else "solid",
            },
            "itemStyle": {"color": colour},
            "z": 3,
        }
    ]
    if by_seed.shape[0] > 1:
        low, high = by_seed.min(axis=0), by_seed.max(axis=0)
        stack = f"band-{grid}-{side}-{label}"
        band = {**common, "name": name, "stack": stack, "lineStyle": {"opacity": 0}}
        band["tooltip"] = {"show": False}
        out += [
            {**band, "data": list(zip(dates, low.round().tolist(), strict=True))},
            {
                **band,
                "areaStyle": {"color": colour, "opacity": 0.08 if reference else 0.18},
                "data": list(zip(dates, (high - low).round().tolist(), strict=True)),
            },
        ]
    return out
