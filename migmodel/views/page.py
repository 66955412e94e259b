"""The Solara page: controls, map, charts, comparison, a followed migrant, export, about.

``Page`` is what ``app.py`` serves; ``Explorer`` is the same page for a notebook. Each page
(one per browser tab or notebook cell) creates its own :class:`Session`: no model is shared.

Components that show the session also take ``version``, a counter the page bumps after every
change: the session stays the same object, so without it Solara would see nothing new.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import markdown
import pandas as pd
import solara
import solara.lab
from solara.components.echarts import EchartsWidget

from migmodel.diary import EVENTS
from migmodel.lessons import builtin_lessons, load_lesson
from migmodel.scenario import builtin_scenarios
from migmodel.schema import Number, ScenarioError
from migmodel.views.classroom import Classroom
from migmodel.views.figures import MAP_NAME, charts_option, map_geojson, map_option
from migmodel.views.session import MODES, REFERENCES, STEP_DAYS, Session
from policies import available

ABOUT = (Path(__file__).with_name("about.md")).read_text(encoding="utf-8")
CSS = """
.migmodel-prose table { border-collapse: collapse; margin: 4px 0; }
.migmodel-prose th, .migmodel-prose td { border-bottom: 1px solid #ddd; padding: 2px 8px; }
.migmodel-prose td { text-align: right; } .migmodel-prose td:first-child { text-align: left; }
"""
SPEEDS = {"slow": 1.0, "medium": 0.3, "fast": 0.0}
"""Pause between steps while playing, in seconds."""
_LOCAL = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown converter (making one costs more than converting a page)."""
    if not hasattr(_LOCAL, "markdown"):
        _LOCAL.markdown = markdown.Markdown(extensions=["tables"])
    return _LOCAL.markdown


HINT = {"color": "#555", "font-size": "0.9em"}
"""The style of the explanations under controls."""


@solara.component
def Prose(text: str, style: dict[str, str] | None = None) -> None:
    """Markdown turned into HTML here, so the browser needs nothing more to show it.

    (Solara's own Markdown loads KaTeX from the CDN for math, which is not bundled, and would
    read dollar amounts as math.)
    """
    body = solara.use_memo(lambda: _markdown().reset().convert(text), [text])
    css = ";".join(f"{k}: {v}" for k, v in (style or {}).items())
    solara.HTML(tag="div", unsafe_innerHTML=body, style=css, classes=["migmodel-prose"])


@solara.component
def Page() -> None:
    """The whole app for one user: a fresh :class:`Session` on the default scenario."""
    session = solara.use_memo(Session, dependencies=[])
    version, set_version = solara.use_state(0)
    notice, set_notice = solara.use_state(("info", "Press Step or Play to run the model."))
    playing = solara.use_reactive(False)
    step_size = solara.use_reactive("week")
    speed = solara.use_reactive("medium")
    classroom, set_classroom = solara.use_state(cast(Classroom | None, None))
    highlight = classroom.highlight() if classroom else ()

    def refresh() -> None:
        set_version(lambda v: v + 1)

    def act(action: Callable[[], str | None]) -> None:
        """Run a user action; show its notice, or the problem, in the notice bar."""
        try:
            message = action()
        except ScenarioError as error:
            set_notice(("error", str(error)))
        else:
            if message:
                set_notice(("success", message))
        refresh()

    def step() -> None:
        if session.finished:
            playing.value = False
            set_notice(("info", "The run has reached the end of the scenario; press Reset."))
            return
        session.step(STEP_DAYS[step_size.value])
        refresh()

    async def play() -> None:
        while playing.value and not session.finished:
            step()
            await asyncio.sleep(SPEEDS[speed.value])
        playing.value = False

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=False)

    solara.Title("migmodel: irregular migration to the US southwest border")
    solara.Style(CSS)
    with solara.Column(style={"padding": "0"}):  # one root: Solara's app layout wraps it
        with solara.Sidebar(), solara.Column(style={"width": "370px"}):  # a drawer of fixed width
            LessonPicker(session, act, classroom, set_classroom)
            Levers(session, act, version)
        with solara.Column(style={"padding": "8px"}):
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Text(
                    f"{session.date:%d %B %Y}",
                    classes=["migmodel-date"],
                    style={"font-size": "1.6em", "font-weight": "bold", "min-width": "11em"},
                )
                solara.Button(
                    "Step", icon_name="mdi-step-forward", on_click=step, disabled=playing.value
                )
                solara.Button(
                    "Pause" if playing.value else "Play",
                    icon_name="mdi-pause" if playing.value else "mdi-play",
                    on_click=lambda: playing.set(not playing.value),
                    color="primary",
                )
                solara.Button(
                    "Reset",
                    icon_name="mdi-restart",
                    on_click=lambda: act(lambda: session.reset() or "Runs restarted."),
                )
                solara.ToggleButtonsSingle(value=step_size, values=list(STEP_DAYS))
                solara.Select("Speed", values=list(SPEEDS), value=speed, style={"max-width": "8em"})
                solara.Text(
                    f"step: {1000 * session.last_step_seconds:.0f} ms to compute · "
                    f"day {session.days_done} of {session.model.scenario.days}",
                    classes=["migmodel-timing"],
                    style={"color": "#666"},
                )
            if classroom is not None:
                LessonPanel(classroom, act, set_classroom, version)
            kind, message = notice
            {"info": solara.Info, "success": solara.Success, "error": solara.Error}[kind](
                message, classes=["migmodel-notice"]
            )
            Chart(
                lambda: map_option(session, highlight),
                version,
                "migmodel-map",
                560,
                lambda: {MAP_NAME: map_geojson(session.model.network)},
            ).key("map")  # keyed: each keeps its own widget when a lesson panel appears above
            Chart(lambda: charts_option(session, highlight), version, "migmodel-charts", 520).key(
                "charts"
            )
            with solara.lab.Tabs():
                with solara.lab.Tab("Comparison"):
                    Comparison(session, version)
                with solara.lab.Tab("Follow a migrant"):
                    FollowMigrant(session, act, version)
                with solara.lab.Tab("Export"):
                    Export(session, version)
                with solara.lab.Tab("About the model"):
                    Prose(ABOUT)


@solara.component
def Explorer() -> None:
    """The app for a Jupyter notebook, where ``Explorer()`` in a cell shows it.

    It wraps :func:`Page` in Solara's app layout, which ``solara run`` adds by itself: the
    layout holds the side bar (in a notebook, behind the menu icon of its title bar).
    """
    with solara.AppLayout(title="migmodel"):
        Page()


@solara.component
def Chart(
    option: Callable[[], dict[str, Any]],
    version: int,
    name: str,
    height: int,
    maps: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """An ECharts figure whose option is rebuilt when ``version`` changes.

    The widget is made once (with ``maps()``, the outlines a map draws) and only its
    ``option`` is replaced: the option and the outlines are large, and passing them through
    the component tree on every step would cost more than drawing them.
    """
    widget = solara.use_memo(
        lambda: EchartsWidget(
            option={},
            maps=maps() if maps else {},
            attributes={"style": f"height: {height}px; width: 100%;", "class": name},
        ),
        dependencies=[],
    )

    def update() -> None:
        widget.option = option()

    solara.use_effect(update, [version])
    solara.Column(children=[widget], style={"width": "100%"})


@solara.component
def LessonPicker(
    session: Session,
    act: Callable[[Callable[[], str | None]], None],
    classroom: Classroom | None,
    set_classroom: Callable[[Classroom | None], None],
) -> None:
    """Choose a guided lesson; it sets the scenario, seed and runs every student shares."""
    titles = solara.use_memo(  # read once, not at every step
        lambda: {load_lesson(name).title: name for name in builtin_lessons()}, dependencies=[]
    )

    def start(title: str | None) -> str | None:
        if not title:
            return None
        room = Classroom(load_lesson(titles[title]), session)
        set_classroom(room)
        seed = room.lesson.seed
        return f"Lesson started: {room.lesson.title}. Everyone on seed {seed} sees the same run."

    Prose("### Lesson")
    solara.Select(
        "Guided lesson",
        values=list(titles),
        value=classroom.lesson.title if classroom else None,
        on_value=lambda title: act(lambda: start(title)),
    )


@solara.component
def LessonPanel(
    room: Classroom,
    act: Callable[[Callable[[], str | None]], None],
    set_classroom: Callable[[Classroom | None], None],
    version: int = 0,
) -> None:
    """The lesson beside the views: the step, what to notice, the answer, the worksheet."""
    lesson, step, i = room.lesson, room.step, room.index
    n = len(lesson.steps)
    with solara.Card(lesson.title, subtitle=lesson.question, classes=["migmodel-lesson"]):
        Prose(f"**Step {i + 1} of {n}: {step.title}**\n\n{step.prompt}")
        Prose(f"**What to notice** (marked in orange): {step.notice}", style={"color": "#8a4b08"})
        with solara.Row():
            solara.Button("Previous", disabled=i == 0, on_click=lambda: act(lambda: room.go(i - 1)))
            solara.Button(
                "Do this step again" if i in room.done else "Do this step",
                color="primary",
                on_click=lambda: act(room.do),
            )
            solara.Button("Next", disabled=i == n - 1, on_click=lambda: act(lambda: room.go(i + 1)))
        if step.ask:
            Prose(f"**Question:** {step.ask}")
            solara.InputTextArea(
                "Your answer",
                value=room.answers.get(i, ""),
                on_value=lambda text: room.answers.__setitem__(i, text),
                continuous_update=True,
            ).key(f"answer-{lesson.key}-{i}")
        records = room.records_of(i)
        if not records.empty:
            Prose(_records_table(records), style={"font-size": "0.9em"})
        if room.finished:
            solara.Success(
                "Lesson done: the levers and controls are yours (free play). "
                "Download your worksheet below."
            )
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.InputText(
                "Your name",
                value=room.student,
                on_value=lambda name: setattr(room, "student", name),
                continuous_update=True,
            )
            solara.FileDownload(
                room.worksheet,
                filename=f"worksheet-{lesson.key}.html",
                label="Worksheet (HTML)",
                mime_type="text/html",
            )
            solara.FileDownload(
                room.records_csv,
                filename=f"worksheet-{lesson.key}.csv",
                label="Worksheet data (CSV)",
                mime_type="text/csv",
            )
            solara.Button(
                "Leave the lesson",
                text=True,
                on_click=lambda: act(lambda: set_classroom(None) or "Lesson closed."),
            )
        with solara.Details("Teacher notes"):
            Prose(
                f"**Expected observations.** {lesson.expected}\n\n"
                f"**Caveats of the model.** {lesson.caveats}\n\n"
                "**Sources.**\n\n" + "\n".join(f"- {source}" for source in lesson.sources)
            )


def _records_table(records: pd.DataFrame) -> str:
    """The numbers recorded at a step, as a Markdown table."""
    columns = [c for c in ("reference", "current", "difference") if c in records]
    lines = [
        "| recorded (people so far) | " + " | ".join(columns) + " |",
        "|---" + "|---:" * len(columns) + "|",
    ]
    for _, row in records.iterrows():
        cells = [f"{row[c]:+,.0f}" if c == "difference" else f"{row[c]:,.0f}" for c in columns]
        lines.append(f"| {str(row['outcome']).replace('_', ' ')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


@solara.component
def Levers(
    session: Session, act: Callable[[Callable[[], str | None]], None], version: int = 0
) -> None:
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
            "Seeds",
            value=s.ensemble_size,
            min=2,
            max=10,
            on_value=lambda v: act(lambda: session.change(ensemble_size=v)),
        )
    solara.InputInt(
        "Seed",
        value=s.seed,
        on_value=lambda v: act(lambda: session.change(seed=int(v))),
        continuous_update=False,
    )
    solara.InputInt(
        "People per agent (scale)",
        value=session.model.scenario.people_per_agent,
        on_value=lambda v: act(lambda: session.change(people_per_agent=int(v))),
        continuous_update=False,
    )
    Prose("### Policies")
    known = available()
    for index, spec in enumerate(session.policies()):
        PolicyCard(session, act, index, spec, known[spec["name"]])
    solara.Select(
        "Switch on a policy",
        values=sorted(known),
        value=None,
        on_value=lambda v: v and act(lambda: session.add_policy(v)),
    ).key(f"add-{version}")  # a new, empty field after each change


@solara.component
def Choice(
    label: str, options: dict[str, str], value: str, on_value: Callable[[str], None]
) -> None:
    """A select among ``options`` (name → what it means), with the meaning of the choice."""
    solara.Select(label, values=list(options), value=value, on_value=on_value)
    solara.Text(options[value], style=HINT)


@solara.component
def PolicyCard(
    session: Session,
    act: Callable[[Callable[[], str | None]], None],
    index: int,
    spec: dict[str, Any],
    cls: type,
) -> None:
    """One active policy: what it does, when, and a control per declared parameter."""
    when = f"from {spec.get('start') or 'the start'} to {spec.get('end') or 'the end'}"
    with solara.Card(spec["name"].replace("_", " "), subtitle=f"{cls.summary()} ({when})"):
        for key, parameter in cls.parameters.items():
            ParameterControl(
                key,
                parameter,
                spec.get(key, parameter.default),
                lambda v, key=key: act(lambda: session.set_parameter(index, key, v)),
            )
        solara.Button(
            "Switch off",
            icon_name="mdi-close",
            text=True,
            on_click=lambda: act(lambda: session.remove_policy(index)),
        )


@solara.component
def ParameterControl(
    key: str, parameter: Number, value: float, on_value: Callable[[float], None]
) -> None:
    """A slider (or, for ranges over several orders of magnitude, a number field)."""
    label = f"{key.replace('_', ' ')} ({parameter.unit})"
    wide = parameter.high - parameter.low > 1000 and not parameter.integer
    if wide or parameter.high - parameter.low > 10_000:
        field = solara.InputInt if parameter.integer else solara.InputFloat
        field(label, value=value, on_value=on_value, continuous_update=False)
    elif parameter.integer:
        solara.SliderInt(
            label,
            value=int(value),
            min=int(parameter.low),
            max=int(parameter.high),
            on_value=on_value,
        )
    else:
        solara.SliderFloat(
            label,
            value=float(value),
            min=parameter.low,
            max=parameter.high,
            step=(parameter.high - parameter.low) / 100,
            on_value=on_value,
        )
    solara.Text(
        f"{parameter.help} (allowed {parameter.describe()})",
        style=HINT,
    )


@solara.component
def Comparison(session: Session, version: int = 0) -> None:
    """The main outcomes so far: reference, current levers and the difference."""
    table = session.outcomes()
    if "reference" not in table:
        Prose("Choose *compare* or *ensemble* under **Runs** to compare with a reference.")
        return
    seeds = len(session.seeds)
    columns = ["outcome (people so far)", "reference", "current levers", "difference"]
    columns += ["95% interval", "%"] if seeds > 1 else ["%"]
    lines = ["| " + " | ".join(columns) + " |", "|---" + "|---:" * (len(columns) - 1) + "|"]
    for name, row in table.iterrows():
        cells = [str(name).replace("us_encounters.", "US encounters: ").replace("_", " ")]
        cells += [f"{row['reference']:,.0f}", f"{row['current']:,.0f}"]
        cells += [f"{row['difference']:+,.0f}"]
        if seeds > 1:
            cells += [f"{row['low']:+,.0f} to {row['high']:+,.0f}"]
        relative = row["relative"]
        cells += ["" if relative != relative else f"{100 * relative:+.1f}%"]
        lines.append("| " + " | ".join(cells) + " |")
    Prose(
        f"Reference: **{REFERENCES[session.settings.reference]}**, on the same "
        f"{'seeds' if seeds > 1 else 'seed'} ({', '.join(map(str, session.seeds))}). "
        + (
            "The interval is a 95% confidence interval of the paired difference over seeds: "
            "a difference whose interval includes 0 may be noise."
            if seeds > 1
            else "One seed shows one possible run: use *ensemble* to tell signal from noise."
        )
    )
    Prose("\n".join(lines), style={"font-size": "0.9em"})


@solara.component
def FollowMigrant(
    session: Session, act: Callable[[Callable[[], str | None]], None], version: int = 0
) -> None:
    """Pick a migrant (or a random one) and see its journey on the map and as a timeline."""
    row, set_row = solara.use_state(0)

    def follow(which: int | None) -> str:
        found = session.follow(which)
        return f"Following migrant {found.row}: its journey is drawn in blue on the map."

    with solara.Row(style={"align-items": "center"}):
        solara.Button(
            "Follow a random migrant",
            icon_name="mdi-dice-5",
            on_click=lambda: act(lambda: follow(None)),
        )
        solara.InputInt("Migrant number", value=row, on_value=set_row, continuous_update=False)
        solara.Button("Follow", on_click=lambda: act(lambda: follow(row)))
        if session.following:
            solara.Button(
                "Stop following",
                text=True,
                on_click=lambda: act(lambda: session.stop_following() or "Stopped following."),
            )
    following = session.following
    if following is None:
        Prose(
            "Nobody is followed. The run is replayed from its first day to find the whole "
            "journey (same scenario and seed, so the same run); then it goes on as you step."
        )
        return
    migrant = session.model.migrant(following.row)
    pattern = migrant.flow_pattern.replace("_", " ")
    Prose(
        f"**Migrant {following.row}**: {migrant.nationality} ({pattern}), a party of "
        f"{migrant.people:,.0f} people, now **{migrant.status.replace('_', ' ')}** at "
        f"{migrant.place}; {migrant.budget_usd:,.0f} USD each left."
    )
    lines = ["| date | event | place | detail |", "|---|---|---|---|"]
    lines += [
        f"| {e.date:%d %b %Y} | {EVENTS[e.event].split(' (')[0]} | {e.place} | {e.detail} |"
        for e in following.entries
    ]
    Prose("\n".join(lines), style={"font-size": "0.9em"})


@solara.component
def Export(session: Session, version: int = 0) -> None:
    """Download the runs' data as CSV or Parquet; the map and charts have their own PNG icon."""
    stem = f"migmodel-{session.model.scenario.name}-{session.date:%Y%m%d}"
    Prose(
        "The tables of every run so far (daily observables, journeys, encounters by crossing, "
        "flows on each leg) with a `run.json` recording scenario, seed and version. For a "
        "picture of the map or the charts, use the PNG icon at the top right of each."
    )
    with solara.Row():
        solara.FileDownload(
            lambda: session.export("csv"), filename=f"{stem}-csv.zip", label="Data as CSV (zip)"
        )
        solara.FileDownload(
            lambda: session.export("parquet"),
            filename=f"{stem}-parquet.zip",
            label="Data as Parquet (zip)",
        )
