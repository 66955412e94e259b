"""The map of a :class:`~migmodel.views.session.Session`, as an ECharts option.

Split from :mod:`migmodel.views.figures` (the charts and the colours both share).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from migmodel.views.figures import FLOW_COLOURS, FLOW_DECADES, HIGHLIGHT, MAP_NAME, WINDOW
from migmodel.views.maplayers import apply_layer, crossing_size, place_size

if TYPE_CHECKING:
    from geo import Network
    from migmodel.views.session import Session

_BOUNDS = [[-119.0, 35.0], [-63.0, -14.0]]  # [west, north], [east, south]


# ---------------------------------------------------------------------- map
@cache
def region_geojson(path: Path) -> dict[str, Any]:
    """Return the country and US-state outlines as GeoJSON (read once per file)."""
    return json.loads(path.read_text(encoding="utf-8"))


def map_geojson(network: Network) -> dict[str, Any]:
    """Return the outlines the map draws, from the network's ``countries.geojson``."""
    return region_geojson(network.countries_path())


def map_option(
    session: Session, highlight: tuple[str, ...] = (), view: str = "flow"
) -> dict[str, Any]:
    """Return the map of the current run (first seed) as of the session's date.

    Legs are coloured and thickened by the people setting off on them a day over the last
    :data:`WINDOW` days; places are sized by the people there now; crossings by US encounters
    over the window; the followed migrant's journey is drawn in blue; places and legs named
    in ``highlight`` (``map:place:ID``, ``map:leg:SOURCE>TARGET``) are marked in cyan.
    ``view`` chooses what the legs show (:data:`~migmodel.views.maplayers.LEG_VIEWS`).
    """
    model = session.model
    nodes = model.network.nodes
    xy = nodes[["lon", "lat"]].to_numpy(float).round(3)
    names = nodes["name"].tolist()
    first = max(model.spinup, model.day - WINDOW)
    series: list[dict[str, Any]] = [
        {
            "type": "lines",
            "name": "legs",
            "coordinateSystem": "geo",
            "data": _legs(session, xy, names, first),
            "lineStyle": {"opacity": 0.9, "curveness": 0},
            "emphasis": {"lineStyle": {"width": 4}},
        },
        _points("people at a place", _places(session, xy, names), "circle", "rgba(40,40,40,0.65)"),
        _points(
            "US encounters at a crossing", _crossings(session, xy, names, first), "rect", "#c0392b"
        ),
    ]
    series += _journey(session, xy)
    series += _marked(highlight, nodes["id"].tolist(), names, xy)
    option = {
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
        **_map_frame(),
        "series": series,
    }
    return apply_layer(option, session, view)


def _map_frame() -> dict[str, Any]:
    """What every map draws whatever the run: the region, the flow colour scale, the legend.

    A new dict each time: the page may change an option it was given.
    """
    return {
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
        "graphic": [
            {
                "type": "text",
                "left": 8,
                "bottom": 112,
                "style": {
                    "text": f"people setting off on a leg,\na day (last {WINDOW} days)",
                    "fontSize": 10,
                    "fill": "#333",
                },
            }
        ],
        "legend": {
            "data": ["people at a place", "US encounters at a crossing"],
            "bottom": 8,
            "right": 8,
            "orient": "vertical",
            "textStyle": {"fontSize": 10},
        },
    }


def _legs(session: Session, xy: np.ndarray, names: list[str], first: int) -> list[dict[str, Any]]:
    """Every leg, coloured and thickened by the people setting off on it a day since ``first``."""
    model = session.model
    days = max(1, model.day - first)
    per_day = model.flows[first : model.day].sum(axis=0) / days
    level = np.where(per_day > 0, np.log10(1 + per_day), -1.0).round(2)
    return [
        {
            "name": f"{names[a]} → {names[b]} ({mode}): {f:,.0f} people a day",
            "coords": [xy[a].tolist(), xy[b].tolist()],
            "value": v,
            "lineStyle": {"width": round(0.6 + 1.2 * max(v, 0), 2)},
        }
        for a, b, mode, f, v in zip(
            model.src.tolist(),
            model.dst.tolist(),
            model.network.edges["mode"].tolist(),
            per_day.tolist(),
            level.tolist(),
            strict=True,
        )
    ]


def _places(session: Session, xy: np.ndarray, names: list[str]) -> list[dict[str, Any]]:
    """Every place, sized by the people there now."""
    stock = session.model.stock_by_node()
    return [
        {
            "name": f"{names[i]}: {s:,.0f} people",
            "value": [*xy[i].tolist(), round(s)],
            "symbolSize": place_size(s),
        }
        for i, s in enumerate(stock.tolist())
    ]


def _crossings(
    session: Session, xy: np.ndarray, names: list[str], first: int
) -> list[dict[str, Any]]:
    """Every crossing, sized by US encounters since ``first``; the three busiest named."""
    model = session.model
    days = max(1, model.day - first)
    crossing = np.flatnonzero((model.network.nodes["kind"] == "crossing").to_numpy())
    met = model.encounters[first : model.day].sum(axis=(0, 1))
    busiest = set(crossing[np.argsort(-met[crossing])[:3]].tolist()) if met.any() else set()
    return [
        {
            "name": f"{names[i]}: {met[i]:,.0f} US encounters in {days} days",
            "value": [*xy[i].tolist(), round(float(met[i]))],
            "symbolSize": crossing_size(met[i]),
            "label": {  # the main crossings named on the map
                "show": i in busiest,
                "formatter": names[i],
                "position": "right",
                "fontSize": 10,
            },
        }
        for i in crossing.tolist()
    ]


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
    """What a lesson step points at on the map: rippling places, thick cyan legs."""
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
