"""The map and the charts of a :class:`~migmodel.views.session.Session`, as ECharts options.

The browser draws them (ECharts, bundled with Solara's offline assets), so a step sends only
numbers: the server builds a plain ``dict`` per view, which is also what the tests check.
Each view has a "save as PNG" button that downloads exactly what is on screen.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from migmodel.patterns import FLOW_PATTERNS

if TYPE_CHECKING:
    from geo import Network
    from migmodel.views.session import Session

WINDOW = 30
"""Charts and the map show flows over the last WINDOW days, comparable to monthly data."""

PATTERN_LABELS = {
    "northern_triangle": "Northern Triangle",
    "transcontinental": "Trans-continental",
    "crisis_states": "Crisis states",
    "mexican": "Mexican",
}
PATTERN_COLOURS = {
    "northern_triangle": "#1b9e77",
    "transcontinental": "#7570b3",
    "crisis_states": "#d95f02",
    "mexican": "#e7298a",
}
"""One colour per flow pattern everywhere in the app (ColorBrewer Dark2)."""
TOTAL_COLOUR = "#2c3e50"

PANELS: dict[str, tuple[str, str, bool]] = {
    "us_encounters_by_pattern": ("us_encounters", "US border encounters by flow pattern", True),
    "us_encounters": ("us_encounters", "US border encounters, all patterns", False),
    "mexico_apprehensions": ("mexico_apprehensions", "Apprehensions in Mexico", False),
    "darien_crossings": ("darien_crossings", "Darién crossings", False),
    "deaths": ("deaths", "Deaths and disappearances", False),
    "legal_entries": ("legal_entries", "Legal entries (visas, parole)", False),
}
"""The charts by name (``chart:NAME`` in a lesson): (measure, title, split by flow pattern)."""
HIGHLIGHT = "#e67e22"
"""The colour of what a lesson step points at."""

FLOW_COLOURS = ["#fde725", "#fca636", "#e16462", "#b12a90", "#6a00a8", "#0d0887"]
"""Legs coloured by people a day, light (few) to dark (many); legs nobody uses are grey."""
FLOW_DECADES = 4  # the colour scale spans 1 to 10^4 people a day
MAP_NAME = "migmodel-region"
_BOUNDS = [[-119.0, 35.0], [-63.0, -14.0]]  # [west, north], [east, south]


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


# ---------------------------------------------------------------------- map
@cache
def region_geojson(path: Path) -> dict[str, Any]:
    """Return the country and US-state outlines as GeoJSON (read once per file)."""
    return json.loads(path.read_text(encoding="utf-8"))


def map_geojson(network: Network) -> dict[str, Any]:
    """Return the outlines the map draws, from the network's ``countries.geojson``."""
    return region_geojson(network.countries_path())


def map_option(session: Session, highlight: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the map of the current run (first seed) as of the session's date.

    Legs are coloured and thickened by the people setting off on them a day over the last
    :data:`WINDOW` days; places are sized by the people there now; crossings by US encounters
    over the window; the followed migrant's journey is drawn in blue; places and legs named
    in ``highlight`` (``map:place:ID``, ``map:leg:SOURCE>TARGET``) are marked in orange.
    """
    model = session.model
    nodes, edges = model.network.nodes, model.network.edges
    xy = nodes[["lon", "lat"]].to_numpy(float).round(3)
    names = nodes["name"].tolist()
    first = max(model.spinup, model.day - WINDOW)
    days = max(1, model.day - first)
    per_day = model.flows[first : model.day].sum(axis=0) / days
    level = np.where(per_day > 0, np.log10(1 + per_day), -1.0).round(2)
    legs = [
        {
            "name": f"{names[a]} → {names[b]} ({mode}): {f:,.0f} people a day",
            "coords": [xy[a].tolist(), xy[b].tolist()],
            "value": v,
            "lineStyle": {"width": round(0.6 + 1.2 * max(v, 0), 2)},
        }
        for a, b, mode, f, v in zip(
            model.src.tolist(),
            model.dst.tolist(),
            edges["mode"].tolist(),
            per_day.tolist(),
            level.tolist(),
            strict=True,
        )
    ]
    stock = model.stock_by_node()
    places = [
        {
            "name": f"{names[i]}: {s:,.0f} people",
            "value": [*xy[i].tolist(), round(s)],
            "symbolSize": round(3 + 0.12 * np.sqrt(s), 1),
        }
        for i, s in enumerate(stock.tolist())
    ]
    crossing = np.flatnonzero((nodes["kind"] == "crossing").to_numpy())
    met = model.encounters[first : model.day].sum(axis=(0, 1))
    crossings = [
        {
            "name": f"{names[i]}: {met[i]:,.0f} US encounters in {days} days",
            "value": [*xy[i].tolist(), round(float(met[i]))],
            "symbolSize": round(5 + 0.04 * np.sqrt(met[i]), 1),
        }
        for i in crossing.tolist()
    ]
    series: list[dict[str, Any]] = [
        {
            "type": "lines",
            "name": "legs",
            "coordinateSystem": "geo",
            "data": legs,
            "lineStyle": {"opacity": 0.9, "curveness": 0},
            "emphasis": {"lineStyle": {"width": 4}},
        },
        _points("people at a place", places, "circle", "rgba(40,40,40,0.65)"),
        _points("US encounters at a crossing", crossings, "rect", "#c0392b"),
    ]
    series += _journey(session, xy)
    series += _marked(highlight, nodes["id"].tolist(), names, xy)
    return {
        "animation": False,
        "title": {
            "text": f"{session.date:%d %B %Y}",
            "subtext": f"{model.scenario.name}, seed {session.runs[0].seed}; policies: "
            + (", ".join(p["name"].replace("_", " ") for p in session.policies()) or "none"),
            "left": 8,
            "top": 4,
        },
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "toolbox": {
            "right": 8,
            "feature": {"saveAsImage": {"name": "migmodel-map", "title": "PNG", "pixelRatio": 2}},
        },
        "geo": {
            "map": MAP_NAME,
            "roam": True,
            "boundingCoords": _BOUNDS,
            "layoutCenter": ["50%", "52%"],
            "layoutSize": "100%",
            "silent": True,
            "itemStyle": {"areaColor": "#f6f3ea", "borderColor": "#9a9a9a"},
        },
        "visualMap": {
            "type": "continuous",
            "seriesIndex": 0,
            "min": 0,
            "max": FLOW_DECADES,
            "inRange": {"color": FLOW_COLOURS},
            "outOfRange": {"color": "#c8c8c8"},
            "text": [f"{10**FLOW_DECADES:,} a day", "1 a day"],
            "itemHeight": 90,
            "left": 8,
            "bottom": 8,
            "calculable": False,
            "textStyle": {"fontSize": 10},
        },
        "legend": {
            "data": ["people at a place", "US encounters at a crossing"],
            "bottom": 8,
            "right": 8,
            "orient": "vertical",
            "textStyle": {"fontSize": 10},
        },
        "series": series,
    }


def _points(name: str, data: list[dict[str, Any]], symbol: str, colour: str) -> dict[str, Any]:
    return {
        "type": "scatter",
        "name": name,
        "coordinateSystem": "geo",
        "symbol": symbol,
        "data": data,
        "itemStyle": {"color": colour, "borderColor": "white", "borderWidth": 0.5},
        "zlevel": 1,
    }


def _marked(
    highlight: tuple[str, ...], ids: list[str], names: list[str], xy: np.ndarray
) -> list[dict[str, Any]]:
    """What a lesson step points at on the map: rippling places, thick orange legs."""
    index = {node: i for i, node in enumerate(ids)}
    places, legs = [], []
    for target in highlight:
        if target.startswith("map:place:"):
            i = index[target.removeprefix("map:place:")]
            places.append({"name": f"look here: {names[i]}", "value": xy[i].tolist()})
        elif target.startswith("map:leg:"):
            a, b = (index[n] for n in target.removeprefix("map:leg:").split(">"))
            legs.append(
                {
                    "name": f"look here: {names[a]} → {names[b]}",
                    "coords": [xy[a].tolist(), xy[b].tolist()],
                }
            )
    out: list[dict[str, Any]] = []
    if legs:
        out.append(
            {
                "type": "lines",
                "name": "look here",
                "coordinateSystem": "geo",
                "data": legs,
                "lineStyle": {"color": HIGHLIGHT, "width": 6, "opacity": 0.75},
                "zlevel": 3,
            }
        )
    if places:
        out.append(
            {
                "type": "effectScatter",
                "name": "look here",
                "coordinateSystem": "geo",
                "data": places,
                "symbolSize": 18,
                "itemStyle": {"color": HIGHLIGHT},
                "rippleEffect": {"scale": 3},
                "zlevel": 3,
            }
        )
    return out


def _journey(session: Session, xy: np.ndarray) -> list[dict[str, Any]]:
    """The followed migrant's route so far and where it is now."""
    following = session.following
    if following is None or not following.entries:
        return []
    stops = [e.node for e in following.entries if e.event in ("leaves", "arrives", "sent_back")]
    last = following.entries[-1]
    if len(stops) < 2:  # ECharts' polyline needs two points (one point: a TypeError in the page)
        stops = [*stops, last.node, last.node][:2]
    route = {
        "type": "lines",
        "name": f"migrant {following.row}",
        "coordinateSystem": "geo",
        "polyline": True,
        "data": [{"coords": [xy[n].tolist() for n in stops]}],
        "lineStyle": {"color": "#0097e6", "width": 3, "opacity": 0.9},
        "zlevel": 2,
    }
    here = _points(
        f"migrant {following.row}",
        [
            {
                "name": f"migrant {following.row}: {last.event} at {last.place}",
                "value": xy[last.node].tolist(),
                "symbolSize": 14,
            }
        ],
        "pin",
        "#0097e6",
    )
    here["zlevel"] = 2
    return [route, here]


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
    session: Session, highlight: tuple[str, ...] = (), large: bool = False
) -> dict[str, Any]:
    """Return the time-series charts: every panel of :data:`PANELS`, both sides.

    Lines are means over seeds, each value the sum over the last :data:`WINDOW` days. In
    ensemble mode a band spans the lowest to the highest seed, so a difference smaller than
    the bands is noise. Solid lines: the current levers; dashed: the reference. Panels named
    ``chart:NAME`` in ``highlight`` are framed and their titles marked.
    """
    start = session.start
    total_days = session.model.scenario.days
    end = start + dt.timedelta(days=total_days)
    days = sample_days(session.days_done, total_days)
    dates = [(start + dt.timedelta(days=int(d))).isoformat() for d in days]
    grids, xs, ys, titles, series = [], [], [], [], []
    font = 15 if large else 11
    wide = panel_layout(3, large)
    for i, (key, (measure, title, by_pattern)) in enumerate(PANELS.items()):
        marked = f"chart:{key}" in highlight
        grids.append(
            {
                **wide["grid"][i],
                "containLabel": True,
                **({"show": True, "borderColor": HIGHLIGHT, "borderWidth": 3} if marked else {}),
            }
        )
        xs.append(
            {
                "type": "time",
                "gridIndex": i,
                "min": start.isoformat(),
                "max": end.isoformat(),
                "axisLabel": {"fontSize": font - 1, "hideOverlap": True},
            }
        )
        ys.append(
            {
                "type": "value",
                "gridIndex": i,
                "axisLabel": {"fontSize": font - 1},
                "splitLine": {"lineStyle": {"opacity": 0.4}},
            }
        )
        titles.append(
            {
                "text": f"▶ {title}" if marked else title,
                **wide["title"][i],
                "textStyle": {
                    "fontSize": font + 1,
                    "fontWeight": "bold" if marked else "normal",
                    "color": HIGHLIGHT if marked else "#333",
                },
            }
        )
        for side, values in session.series(measure, by_pattern).items():
            values = rolling(values)[:, days]
            if by_pattern:
                runs = {p: values[:, :, k] for k, p in enumerate(FLOW_PATTERNS)}
            else:
                runs = {"all": values}
            for key, by_seed in runs.items():
                label = PATTERN_LABELS.get(key, "All patterns")
                colour = PATTERN_COLOURS.get(key, TOTAL_COLOUR)
                series += _line(i, side, label, colour, dates, by_seed)
    return {
        "animation": False,
        "title": titles,
        "grid": grids,
        "xAxis": xs,
        "yAxis": ys,
        "tooltip": {"trigger": "axis"},
        "legend": {
            "bottom": 0,
            "data": [*PATTERN_LABELS.values(), "All patterns"],
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
        "series": series,
        "media": _media(large),  # ECharts takes the option itself as the base
    }


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
