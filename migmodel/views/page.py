"""The Solara page: controls, map, charts, comparison, a followed migrant, export, about.

``Page`` is what ``app.py`` serves; ``Explorer`` is the same page for a notebook. Each page
(one per browser tab or notebook cell) creates its own :class:`Session`: no model is shared.
The side bar's settings are in :mod:`migmodel.views.levers`, the lesson in
:mod:`migmodel.views.lesson_panel`, the tabs in :mod:`migmodel.views.tabs`.

Components that show the session also take ``version``, a counter the page bumps after every
change: the session stays the same object, so without it Solara would see nothing new. The
side bar and the lesson take ``changed``, bumped by a user's action but not by a step, so a
step does not draw the settings again; and only the tab shown is drawn.

The top bar and the side bar are drawn by plain helpers, not components: they are part of
``Page`` and redraw with it (the date and the timing change at every step).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import solara
import solara.lab

from migmodel.inputs import ScenarioError
from migmodel.views.chart import Chart
from migmodel.views.classroom import Classroom
from migmodel.views.figures import MAP_NAME, charts_option
from migmodel.views.lesson_panel import LessonPanel, LessonPicker, teacher_view
from migmodel.views.levers import Levers
from migmodel.views.maplayers import LEG_VIEWS
from migmodel.views.mapview import map_geojson, map_option
from migmodel.views.prose import Prose
from migmodel.views.session import STEP_DAYS, Session
from migmodel.views.tabs import Comparison, Export, FollowMigrant
from migmodel.views.teacher import ClassPage

ABOUT = (Path(__file__).with_name("about.md")).read_text(encoding="utf-8")
CSS = (Path(__file__).with_name("page.css")).read_text(encoding="utf-8")
SPEEDS = {"slow": 1.0, "medium": 0.3, "fast": 0.0}
"""Pause between steps while playing, in seconds."""
START_NOTICE = "Press Step or Play to run the model."


@solara.component
def Page() -> None:
    """The whole app for one user: a fresh :class:`Session` on the default scenario."""
    session = solara.use_memo(Session, dependencies=[])
    version, set_version = solara.use_state(0)
    changed, set_changed = solara.use_state(0)  # user actions only, not steps
    notice, set_notice = solara.use_state(("info", START_NOTICE))
    teacher = teacher_view(solara.use_router().search)
    playing = solara.use_reactive(False)
    step_size = solara.use_reactive("week")
    speed = solara.use_reactive("medium")
    classroom, set_classroom = solara.use_state(cast(Classroom | None, None))
    side_toggled = solara.use_reactive(False)  # wide screens: hidden; narrow ones: shown
    about = solara.use_reactive(False)
    large = solara.use_reactive(False)  # the projector mode

    def refresh() -> None:
        set_version(lambda v: v + 1)

    def act(action: Callable[[], str | None]) -> None:
        """Run a user action; show its notice, or the problem, in the notice bar."""
        try:
            message = action()
        except (ScenarioError, ValueError) as error:  # a value not allowed: say so
            set_notice(("error", str(error)))
        else:
            if message:
                set_notice(("success", message))
        set_changed(lambda v: v + 1)
        refresh()

    step = _use_stepping(session, playing, (step_size, speed), (notice, set_notice), refresh)

    solara.Title("migmodel: irregular migration to the US southwest border")
    solara.Style(CSS)
    EscapeKey(
        event_escape=lambda _=None: side_toggled.set(False)
    )  # on a narrow screen: closes the settings overlay
    root = ["migmodel-app", "migmodel-side-toggled" if side_toggled.value else "", ""]
    root[2] = "migmodel-large" if large.value else ""
    with solara.Column(gap="0px", classes=[c for c in root if c]):
        _top_bar(session, step, act, playing, (step_size, speed), (side_toggled, about, large))
        with solara.Row(gap="0px", classes=["migmodel-body"]):
            _side(session, act, changed, (classroom, set_classroom), side_toggled)
            with solara.Column(classes=["migmodel-main"]):
                Main(
                    session,
                    act,
                    (version, changed),
                    notice,
                    classroom,
                    set_classroom,
                    teacher,
                    about,
                    large.value,
                )


def _use_stepping(
    session: Session,
    playing: solara.Reactive[bool],
    pace: tuple[solara.Reactive[str], solara.Reactive[str]],
    notice_state: tuple[tuple[str, str], Callable[[tuple[str, str]], None]],
    refresh: Callable[[], None],
) -> Callable[[], None]:
    """The page's step and its play task (a hook: call it once per render of ``Page``).

    Args:
        session: The page's session.
        playing: Whether Play is on; set off when the run ends.
        pace: The step size and the speed chosen in the top bar.
        notice_state: The notice shown and its setter.
        refresh: Bumps the page's version.

    Returns:
        The step one press of Step makes.
    """
    step_size, speed = pace
    notice, set_notice = notice_state

    def step() -> None:
        if session.finished:
            playing.value = False
            set_notice(("info", "The run has reached the end of the scenario; press Reset."))
            return
        session.step(STEP_DAYS[step_size.value])
        if notice[1] == START_NOTICE:  # done: the model runs
            set_notice(("info", ""))
        refresh()

    async def play() -> None:
        while playing.value and not session.finished:
            step()
            await asyncio.sleep(SPEEDS[speed.value])
        playing.value = False

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=False)
    return step


def _top_bar(
    session: Session,
    step: Callable[[], None],
    act: Callable[[Callable[[], str | None]], None],
    playing: solara.Reactive[bool],
    pace: tuple[solara.Reactive[str], solara.Reactive[str]],
    toggles: tuple[solara.Reactive[bool], solara.Reactive[bool], solara.Reactive[bool]],
) -> None:
    """Draws the top bar: settings, date, step, play, reset, pace, about, text size, timing.

    Args:
        session: The page's session.
        step: One press of Step.
        act: Runs a user action and shows its notice.
        playing: Whether Play is on.
        pace: The step size and the speed.
        toggles: The settings overlay, the about card and the large text.
    """
    side_toggled, about, large = toggles
    with solara.Row(classes=["migmodel-topbar"], gap="6px"):
        solara.Button(
            "Settings",
            icon_name="mdi-menu",
            text=True,
            on_click=lambda: side_toggled.set(not side_toggled.value),
            classes=["migmodel-menu"],
        )
        solara.Text(
            f"{session.date:%d %B %Y}",
            classes=["migmodel-date"],
            style={"font-size": "1.5em", "font-weight": "bold"},
        )
        _run_controls(session, step, act, playing, pace)
        solara.Button(
            "About",
            icon_name="mdi-information-outline",
            text=True,
            on_click=lambda: about.set(not about.value),
        )
        solara.Button(
            "Normal text" if large.value else "Large text",
            icon_name="mdi-format-size",
            text=True,
            on_click=lambda: large.set(not large.value),
        )
        solara.Text(
            f"step: {1000 * session.last_step_seconds:.0f} ms to compute · "
            f"day {session.days_done} of {session.model.scenario.days}",
            classes=["migmodel-timing"],
            style={"color": "#666"},
        )


def _run_controls(
    session: Session,
    step: Callable[[], None],
    act: Callable[[Callable[[], str | None]], None],
    playing: solara.Reactive[bool],
    pace: tuple[solara.Reactive[str], solara.Reactive[str]],
) -> None:
    """Draws the top bar's Step, Play or Pause, Reset, step size and speed.

    Args:
        session: The page's session.
        step: One press of Step.
        act: Runs a user action and shows its notice.
        playing: Whether Play is on.
        pace: The step size and the speed.
    """
    step_size, speed = pace
    solara.Button("Step", icon_name="mdi-step-forward", on_click=step, disabled=playing.value)
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
    solara.Select("Speed", values=list(SPEEDS), value=speed, style={"max-width": "7em"})


def _side(
    session: Session,
    act: Callable[[Callable[[], str | None]], None],
    changed: int,
    classroom_state: tuple[Classroom | None, Callable[[Classroom | None], None]],
    side_toggled: solara.Reactive[bool],
) -> None:
    """Draws the side bar: its close button, the lesson picker and the settings.

    Args:
        session: The page's session.
        act: Runs a user action and shows its notice.
        changed: The page's count of user actions.
        classroom_state: The lesson chosen, if any, and its setter.
        side_toggled: Whether the settings overlay is toggled.
    """
    classroom, set_classroom = classroom_state
    with solara.Column(classes=["migmodel-side"]):
        solara.Button(
            "Close settings",
            icon_name="mdi-close",
            text=True,
            on_click=lambda: side_toggled.set(not side_toggled.value),
            classes=["migmodel-close"],
        )
        LessonPicker(session, act, classroom, set_classroom)
        Levers(session, act, changed)


@solara.component_vue("escape.vue")
def EscapeKey(event_escape: Callable[..., None]) -> None:
    """Listens for Escape anywhere on the page (the settings overlay closes on it)."""


@solara.component
def Main(
    session: Session,
    act: Callable[[Callable[[], str | None]], None],
    versions: tuple[int, int],
    notice: tuple[str, str],
    classroom: Classroom | None,
    set_classroom: Callable[[Classroom | None], None],
    teacher: bool,
    about: solara.Reactive[bool],
    large: bool,
) -> None:
    """Everything right of the settings: about, lesson, notice, map, charts and tabs.

    ``versions``: the page's ``version`` (every change) and ``changed`` (user actions).
    """
    version, changed = versions
    highlight = classroom.highlight() if classroom else ()
    legs = solara.use_reactive(LEG_VIEWS["flow"])  # what the map's legs show
    if about.value:
        with solara.Card("About the model", classes=["migmodel-about"]):
            Prose(ABOUT)
            solara.Button("Close", text=True, on_click=lambda: about.set(False))
    if teacher:
        ClassPage(changed)
    if classroom is not None:
        LessonPanel(classroom, act, set_classroom, changed, teacher)
    kind, message = notice
    if message:
        {"info": solara.Info, "success": solara.Success, "error": solara.Error}[kind](
            message, classes=["migmodel-notice"]
        )
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text("Map legs:")
        solara.ToggleButtonsSingle(
            value=legs, values=list(LEG_VIEWS.values()), dense=True, classes=["migmodel-legs"]
        )
    view = {label: name for name, label in LEG_VIEWS.items()}[legs.value]
    Chart(
        lambda: map_option(session, highlight, view),
        (version, large, view),
        "migmodel-map",
        560,
        lambda: {MAP_NAME: map_geojson(session.model.network)},
    ).key("map")  # keyed: each keeps its own widget when a lesson panel appears above
    with solara.Column(classes=["migmodel-charts-box"], style={"width": "100%"}):
        Chart(
            lambda: charts_option(
                session, highlight, large=large, zoom=classroom.zoom() if classroom else None
            ),
            (version, large),
            "migmodel-charts",
            520,
        ).key("charts")
    ViewTabs(session, act, version).key("tabs")  # the tab chosen stays while runs go on


@solara.component
def ViewTabs(
    session: Session, act: Callable[[Callable[[], str | None]], None], version: int
) -> None:
    """The tabs under the charts; only the tab shown is drawn.

    The comparison's table costs more than a step, and nobody sees it from another tab.
    """
    tab = solara.use_reactive(0)
    with solara.lab.Tabs(value=tab):
        with solara.lab.Tab("Comparison"):
            if tab.value == 0:
                Comparison(session, version)
        with solara.lab.Tab("Follow a migrant"):
            if tab.value == 1:
                FollowMigrant(session, act, version)
        with solara.lab.Tab("Export"):
            if tab.value == 2:
                Export(session, version)
        with solara.lab.Tab("About the model"):
            if tab.value == 3:
                Prose(ABOUT)


@solara.component
def Layout(children: list[Any] | None = None) -> None:
    """What ``solara run app.py`` wraps the page in: nothing but the page.

    The page draws its own top bar and settings (Solara's app layout puts a 400-px drawer
    over a phone's screen).
    """
    solara.Column(children=children or [], gap="0px", style={"padding": "0"})


@solara.component
def Explorer() -> None:
    """The app for a Jupyter notebook, where ``Explorer()`` in a cell shows it.

    The page draws its own top bar and settings, as under ``solara run``.
    """
    with Layout():
        Page()
