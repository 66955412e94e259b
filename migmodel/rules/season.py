"""The calendar of departures: the season of the year, and COVID-19's border closures of 2020.

**Season.** Departures follow a monthly profile taken from the US southwest-border encounters
of fiscal years 2018 and 2019, the last two years before the pandemic and Title 42
(``experiments/data/cbp_sw_encounters_monthly.csv``, CBP_NW_GDI): each year's months divided
by that year's mean, the two years averaged in logs, so that the twelve factors average 1.
Encounters come a few weeks after departures (journeys of two to six weeks), so each month's
departures take the *next* month's encounter factor (a judgement). FY2019's spring surge
(May 2019 at 1.77 times its year's mean) makes the spring peak larger than FY2018's alone.

**COVID-19.** Guatemala, Honduras and El Salvador closed their borders in mid-March 2020 and
the US restricted non-essential travel from Mexico on 21 March 2020; southwest-border
encounters fell from 36,687 in February 2020 to 17,106 in April (0.47 of February) and were
back to 33,049 in June (CBP_NW_GDI). Departures are multiplied by :data:`COVID_DEPARTURES`
from :data:`COVID_START` to :data:`COVID_END`, with two weeks' ramp at each end. The depth is
the April/February ratio of encounters, applied to departures (a judgement: some of April's
encounters were already repeat crossings under Title 42).
"""

from __future__ import annotations

import datetime as dt

ENCOUNTER_PROFILE: tuple[float, ...] = (
    0.776,  # January
    0.900,
    1.226,
    1.269,
    1.466,
    1.138,
    0.972,
    0.918,
    0.874,
    0.781,
    0.838,
    0.842,  # December
)
"""US encounters by calendar month relative to the mean month, FY2018–FY2019 (CBP_NW_GDI)."""

DEPARTURE_PROFILE: tuple[float, ...] = (*ENCOUNTER_PROFILE[1:], ENCOUNTER_PROFILE[0])
"""Departures by calendar month: the next month's encounter factor."""

COVID_START = dt.date(2020, 3, 16)
"""Central American border closures (mid-March 2020)."""
COVID_END = dt.date(2020, 6, 30)
"""Encounters were back to 90% of February's level in June 2020 (CBP_NW_GDI)."""
COVID_DEPARTURES = 17_106 / 36_687
"""Departures during the closures relative to before: April/February 2020 encounters."""
_RAMP_DAYS = 14


def season(date: dt.date) -> float:
    """Return the seasonal factor of departures on ``date`` (the twelve average 1)."""
    return DEPARTURE_PROFILE[date.month - 1]


def covid(date: dt.date) -> float:
    """Return the factor of departures from COVID-19's border closures on ``date``."""
    if not COVID_START <= date <= COVID_END:
        return 1.0
    ramp = min((date - COVID_START).days, (COVID_END - date).days) / _RAMP_DAYS
    return 1.0 - (1.0 - COVID_DEPARTURES) * min(1.0, ramp)


def departure_factor(date: dt.date, seasonal: bool = True) -> float:
    """Return the calendar's factor on departures: the season times COVID-19's closures.

    Args:
        date: the day.
        seasonal: apply the monthly profile (scenarios may switch it off).
    """
    return (season(date) if seasonal else 1.0) * covid(date)
