"""The side bar's settings: scenario, runs, seed, scale, and a control per policy parameter.

Every control shows its value with its unit, has its help right under it, and changes nothing
the user did not touch (a slider's grid holds the value it starts at). What is typed into a
number field is read with :func:`~migmodel.views.text.parse_number`: text that is not a
number, ``nan`` or a value out of range gets a notice, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import solara

from migmodel.inputs import Number, ScenarioError
from migmodel.population import _COLUMNS as ROW_TYPES
from migmodel.registry import available
from migmodel.scenario import builtin_scenarios
from migmodel.views.prose import HINT, Prose
from migmodel.views.session import MODES, REFERENCES, Session
from migmodel.views.text import allowed, amount, parse_number, slider_step, whole

Act = Callable[[Callable[[], str | None]], None]
SCALE = Number(200, 1, 100_000, "people per agent", "people one agent stands for", integer=True)
SEED = Number(1, 0, 2**32 - 1, "", "the first seed", integer=True)
SLOW_SECONDS = 2.0
SECONDS_PER_AGENT_DAY = 4e-7
"""A day's step per agent before anything was measured (one run of the default scenario at
200 people per agent, 2-core laptop: 16 ms a week for about 5,900 agents)."""
SLOW_MEGABYTES = 1000.0
"""A week's step expected to take longer than this (or runs needing more memory) warns first:
the change is made only when asked for a second time."""


@cache
def policy_labels() -> dict[str, str]:
    """Return each policy's name and one-line description, as the picker lists them.

    Label → name; the policies are looked up once, not at every step.
    """
    return {
        f"{name.replace('_', ' ')}: {cls.summary().rstrip('.')}": name
        for name, cls in sorted(available().items())
    }


def scale_cost(session: Session, people_per_agent: int, seeds: int) -> tuple[float, float]:
    """Estimate a week's step (seconds) and the memory (MB) of runs at another scale.

    Scaled from the runs under way: agents grow as people per agent shrink, and time and
    memory with the agents and the number of runs.
    """
    model = session.model
    ratio = model.scenario.people_per_agent / people_per_agent
    runs = seeds * (1 if session.settings.mode == "single" else 2)
    if session.last_step_days:  # measured on this machine
        per_day = session.last_step_seconds / len(session.runs) / session.last_step_days
    else:
        per_day = SECONDS_PER_AGENT_DAY * model.pop.n
    seconds_a_week = ratio * per_day * runs * 7
    row_bytes = sum(np.dtype(t).itemsize for t in ROW_TYPES.values())
    megabytes = runs * ratio * (model.pop.n * row_bytes + model.counts.nbytes) / 1e6
    return seconds_a_week, megabytes


@solara.component
def Levers(session: Session, act: Act, version: int = 0) -> None:
    """The settings: scenario, mode, seed, scale and the policies, built from their parameters.

    Every change starts fresh runs (a lever does not change a run half-way) and says so.
    """
    s = session.settings
    Prose("### Scenario")
    solara.Select(
        "Scenario",
        values=builtin_scenarios(),
        value=s.scenario,
        on_value=lambda v: act(lambda: session.change(scenario=v)),
    )
    solara.Text(session.written().description, style=HINT)
    Choice("Runs", MODES, s.mode, lambda v: act(lambda: session.change(mode=v)))
    if s.mode != "single":
        Choice(
            "Compare against",
            REFERENCES,
            s.reference,
            lambda v: act(lambda: session.change(reference=v)),
        )
    if s.mode == "ensemble":
        solara.SliderInt(
            f"Seeds: {s.ensemble_size}",
            value=s.ensemble_size,
            min=2,
            max=10,
            on_value=lambda v: act(lambda: _guarded(session, ensemble_size=v)),
        )
        if session.written().calibration is not None:
            solara.Checkbox(
                label="Posterior draws too: run i takes the calibration's draw i, so the bands "
                "carry parameter uncertainty as well as chance",
                value=s.draws,
                on_value=lambda v: act(lambda: session.change(draws=bool(v))),
            )
    NumberField(
        "Seed", SEED, s.seed, lambda v: act(lambda: session.change(seed=int(v))), act, version
    )
    NumberField(
        "People per agent (scale)",
        SCALE,
        session.model.scenario.people_per_agent,
        lambda v: act(lambda: _guarded(session, people_per_agent=int(v))),
        act,
        version,
    )
    Prose("### Policies")
    known = solara.use_memo(available, [])
    for index, spec in enumerate(session.policies()):
        PolicyCard(session, act, index, spec, known[spec["name"]])
    labels = policy_labels()
    solara.Select(
        "Switch on a policy",
        values=list(labels),
        value=None,
        on_value=lambda v: v and act(lambda: session.add_policy(labels[v])),
    ).key(f"add-{version}")  # a new, empty field after each change


def _guarded(session: Session, **changes: Any) -> str:
    """Change the scale or the seeds; a slow choice is first refused with its cost.

    Raises:
        ScenarioError: the first time a slow choice is asked for (the warning), or a value
            that is not allowed.
    """
    ppa = changes.get("people_per_agent", session.model.scenario.people_per_agent)
    seeds = changes.get("ensemble_size", len(session.seeds))
    seeds = seeds if session.settings.mode == "ensemble" else 1
    seconds, megabytes = scale_cost(session, ppa, seeds)
    slow = seconds > SLOW_SECONDS or megabytes > SLOW_MEGABYTES
    if slow and session.pending != changes:
        session.pending = dict(changes)
        raise ScenarioError(
            f"Slow: at {ppa:,} people per agent and {seeds} seed(s) a week's step would take "
            f"about {seconds:,.0f} s and the runs about {megabytes:,.0f} MB of memory. "
            "Choose it again to go ahead."
        )
    session.pending = {}
    return session.change(**changes)


@solara.component
def Choice(
    label: str, options: dict[str, str], value: str, on_value: Callable[[str], None]
) -> None:
    """A select among ``options`` (name → what it means), with the meaning of the choice."""
    with solara.Column(gap="0", classes=["migmodel-control"]):
        solara.Select(label, values=list(options), value=value, on_value=on_value)
        solara.Text(options[value], style=HINT)


@solara.component
def PolicyCard(session: Session, act: Act, index: int, spec: dict[str, Any], cls: type) -> None:
    """One active policy: what it does, when, and a control per declared parameter."""
    if spec.get("start"):
        when = f"from {spec['start']} to {spec.get('end') or 'the end'}"
    else:  # no date of its own: in force before the run starts, so no delay counts
        when = (
            f"in force since before the start date (the spin-up) to {spec.get('end') or 'the end'}"
            "; delays counted from a policy's start, such as processing days, do not apply"
        )
    with solara.Card(spec["name"].replace("_", " "), subtitle=f"{cls.summary()} ({when})"):
        for key, parameter in cls.parameters.items():
            ParameterControl(
                key,
                parameter,
                spec.get(key, parameter.default),
                lambda v, key=key: act(lambda: session.set_parameter(index, key, v)),
                act,
            )
        solara.Button(
            "Switch off",
            icon_name="mdi-close",
            text=True,
            on_click=lambda: act(lambda: session.remove_policy(index)),
        )


@solara.component
def ParameterControl(
    key: str,
    parameter: Number,
    value: float,
    on_value: Callable[[float], None],
    act: Act | None = None,
) -> None:
    """A slider showing its value and unit (or a number field), with its help right under it.

    The slider's grid holds ``value``, so showing it never changes it; a range over several
    orders of magnitude, or a value no round grid holds, gets a number field.
    """
    name = key.replace("_", " ")
    step = slider_step(parameter, value)
    span = parameter.high - parameter.low
    wide = span > 10_000 or (span > 1000 and not parameter.integer)

    def moved(new: float) -> None:
        if abs(new - value) > 1e-9:  # a control never sends a value nobody chose
            on_value(round(new) if parameter.integer else round(new, 6))

    with solara.Column(gap="0", classes=["migmodel-control"]):
        if wide or step is None:
            NumberField(name, parameter, value, on_value, act)
        else:
            solara.SliderFloat(
                f"{name}: {amount(value, parameter.unit)}",
                value=float(value),
                min=parameter.low,
                max=parameter.high,
                step=step,
                on_value=moved,
                thumb_label=False,
            )
        solara.Text(f"{parameter.help}; {allowed(parameter)}.", style=HINT)


@solara.component
def NumberField(
    label: str,
    parameter: Number,
    value: float,
    on_value: Callable[[float], None],
    act: Act | None = None,
    version: int = 0,
) -> None:
    """A text field for a number: commas, ``333e6``, ``$333M`` and ``50%`` are understood.

    What cannot be read (text, ``nan``, out of range) is refused with a notice, and the
    field shows the value in force again.
    """
    shown = whole(value) if float(value).is_integer() else f"{value:g}"

    def typed(text: str) -> None:
        def read() -> str | None:
            number = parse_number(label, text, parameter)
            if number == value:
                return None
            on_value(number)
            return None

        if act is None:
            try:
                read()
            except ScenarioError:
                pass
        else:
            act(read)

    solara.InputText(
        f"{label}: {amount(value, parameter.unit)}" if parameter.unit else label,
        value=shown,
        on_value=typed,
        continuous_update=False,
    ).key(f"{label}-{value}-{version}")  # a refused text is replaced by the value in force
