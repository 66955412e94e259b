"""Guided lessons: one policy question walked through step by step, stored as data files.

A lesson (``experiments/lessons/NAME.toml``) names a scenario and a seed, so every laptop in
a class sees the same run, and a sequence of steps. A step may switch levers on (a fresh run
starts), run the model to a date, point at a chart or a place on the map, ask a question and
record outcomes for the worksheet. The format is in ``experiments/lessons/README.md``.

Lessons belong to the app: a step names the app's charts (:data:`CHARTS`) and runs in one of
its modes, so the loader lives beside the views. Names are looked up in
:data:`LESSONS_DIR` unless another folder is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo import Network, load_network
from migmodel.inputs import Number, ScenarioError, check_date, read_toml, unknown_key
from migmodel.measures import OUTCOMES
from migmodel.scenario import Scenario, load_scenario, policy_list
from migmodel.views.figures import PANELS
from migmodel.views.session import MODES as SESSION_MODES

LESSONS_DIR = Path(__file__).resolve().parents[2] / "experiments" / "lessons"
"""The default folder of named lessons (:func:`load_lesson` and :func:`builtin_lessons` take
another as an argument)."""
CHARTS = tuple(PANELS)
"""The charts a step can point at (``chart:NAME``), as the app draws them."""
MODES = tuple(SESSION_MODES)
"""The ways a lesson runs the model: the app's (:data:`migmodel.views.session.MODES`)."""

_LESSON_KEYS = (
    "title",
    "minutes",
    "question",
    "goals",
    "scenario",
    "seed",
    "mode",
    "steps",
    "discussion",
    "sources",
    "teacher",
)
_STEP_KEYS = (
    "title",
    "prompt",
    "notice",
    "highlight",
    "run_to",
    "policies",
    "record",
    "ask",
    "expect",
    "measure",
    "since",
    "zoom",
)
DIRECTIONS = ("up", "down")
MEASURE_KINDS: dict[str, str] = {
    "level": "the last 30 days up to the step's date (a monthly level, like CBP's months)",
    "change": "the change in that 30-day level from the date `since` to the step's date",
    "total": "the total from `since` (default: the scenario's start) to the step's date",
}
"""What a step's ``record`` measures (``measure = "level"`` …)."""
_TEACHER_KEYS = ("expected", "caveats")


@dataclass(frozen=True)
class Step:
    """One step of a lesson.

    Attributes:
        title: a short heading.
        prompt: what to do and look at.
        notice: what to notice, tied to the highlighted elements.
        highlight: elements to point at: ``chart:NAME`` or ``map:place:ID`` or
            ``map:leg:SOURCE>TARGET``.
        run_to: run the model to this date (None: do not run).
        policies: switch these policies on (``[[policies]]`` tables) in a fresh run before
            running; None leaves the levers as they are.
        record: outcomes to write into the worksheet once the step is done.
        ask: a question the student answers in the worksheet ("" for none).
        expect: outcome → ``"up"`` or ``"down"``: the direction of the difference from the
            reference that the teacher notes promise once the step is done (checked by the
            tests on the lesson's seed); for ``measure = "change"``, of the change.
        measure: what ``record`` takes, one of :data:`MEASURE_KINDS`.
        since: the first date of a ``change`` or a ``total`` (None: the scenario's start).
        zoom: the first and last dates the charts show while the step is shown (None: the
            whole scenario).
    """

    title: str
    prompt: str
    notice: str
    highlight: tuple[str, ...] = ()
    run_to: dt.date | None = None
    policies: tuple[dict[str, Any], ...] | None = None
    record: tuple[str, ...] = ()
    ask: str = ""
    expect: dict[str, str] = field(default_factory=dict)
    measure: str = "total"
    since: dt.date | None = None
    zoom: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class Lesson:
    """A validated lesson; see :func:`load_lesson`."""

    key: str
    title: str
    question: str
    goals: tuple[str, ...]
    scenario: str
    seed: int
    mode: str
    steps: tuple[Step, ...]
    discussion: tuple[str, ...]
    sources: tuple[str, ...]
    expected: str
    caveats: str
    minutes: int = 45
    """The time the lesson takes a class: steps walked together, the discussion in groups."""


def builtin_lessons(lessons: Path = LESSONS_DIR) -> list[str]:
    """Return the names of the lessons in ``lessons`` (the built-in ones), in teaching order."""
    return sorted(p.stem for p in lessons.glob("*.toml"))


def load_lesson(name_or_path: str | Path, lessons: Path = LESSONS_DIR) -> Lesson:
    """Load and validate a lesson: a name (of a file in ``lessons``) or the path of a TOML file.

    Raises:
        ScenarioError: naming the file, the step and the key, and what is allowed.
    """
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = lessons / f"{name_or_path}.toml"
        if not path.is_file():
            raise ScenarioError(
                f"no lesson {name_or_path!r}; built-in: {', '.join(builtin_lessons(lessons))}"
            )
    raw = read_toml(path)
    try:
        return _lesson(path.stem, raw)
    except ScenarioError as error:
        raise ScenarioError(f"{path.name}: {error}") from None


def _lesson(key: str, raw: dict[str, Any]) -> Lesson:
    _known_keys("lesson", raw, _LESSON_KEYS)
    scenario = load_scenario(_text(raw, "scenario"))
    network = load_network(scenario.network)
    mode = raw.get("mode", "compare")
    if not isinstance(mode, str) or mode not in MODES:
        raise ScenarioError(f"mode = {mode!r}; allowed: {', '.join(MODES)}")
    seed = int(NUMBERS["seed"].check("seed", raw.get("seed", NUMBERS["seed"].default)))
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ScenarioError("a lesson needs [[steps]]")
    if mode == "single" and any("expect" in s for s in steps if isinstance(s, dict)):
        raise ScenarioError("expect compares with a reference: use mode = compare or ensemble")
    teacher = raw.get("teacher", {})
    if not isinstance(teacher, dict):
        raise ScenarioError("teacher must be a table: [teacher]")
    _known_keys("[teacher]", teacher, _TEACHER_KEYS)
    return Lesson(
        key=key,
        title=_text(raw, "title"),
        question=_text(raw, "question"),
        goals=_texts(raw, "goals"),
        scenario=scenario.name,
        seed=seed,
        mode=mode,
        steps=tuple(_step(i + 1, s, scenario, network) for i, s in enumerate(steps)),
        discussion=_texts(raw, "discussion"),
        sources=_texts(raw, "sources"),
        expected=_text(teacher, "expected", "[teacher] "),
        caveats=_text(teacher, "caveats", "[teacher] "),
        minutes=_minutes(raw),
    )


NUMBERS = {
    "seed": Number(1, 0, 2**32 - 1, "seed", "the seed every laptop runs", integer=True),
    "minutes": Number(45, 10, 180, "minutes", "the time the lesson takes a class", integer=True),
}
"""A lesson's numbers, declared as a scenario's are (:class:`~migmodel.inputs.Number`)."""


def _minutes(raw: dict[str, Any]) -> int:
    if "minutes" not in raw:
        raise ScenarioError(
            "minutes is missing: the time the lesson takes a class, a whole number of minutes "
            f"({NUMBERS['minutes'].describe()}), e.g. minutes = 45"
        )
    return int(NUMBERS["minutes"].check("minutes", raw["minutes"]))


def _step(n: int, raw: Any, scenario: Scenario, network: Network) -> Step:
    where = f"[[steps]] #{n}"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where} must be a table")
    _known_keys(where, raw, _STEP_KEYS)
    run_to = None
    if "run_to" in raw:
        run_to = check_date(f"{where} run_to", raw["run_to"])
        end = scenario.start + dt.timedelta(days=scenario.days)
        if not scenario.start < run_to <= end:
            raise ScenarioError(
                f"{where} run_to = {run_to} is outside the scenario {scenario.name!r}: allowed "
                f"{scenario.start + dt.timedelta(days=1)} to {end}"
            )
    policies = None
    if "policies" in raw:
        policies = tuple(policy_list(raw["policies"]))
        try:
            scenario.replace(policies=list(policies))
        except ScenarioError as error:
            raise ScenarioError(f"{where}: {error}") from None
    expect = raw.get("expect", {})
    if not isinstance(expect, dict):
        raise ScenarioError(f'{where} expect must be a table of outcome = "up" or "down"')
    _texts(raw, "highlight", f"{where} ")
    for name in [*_texts(raw, "record", f"{where} "), *expect]:
        if name not in OUTCOMES:
            raise ScenarioError(unknown_key(f"{where} record/expect", name, OUTCOMES))
    for name, direction in expect.items():
        if not isinstance(direction, str) or direction not in DIRECTIONS:
            raise ScenarioError(f"{where} expect {name} = {direction!r}; allowed: up, down")
    for target in raw.get("highlight", []):
        check_highlight(f"{where} highlight", target, network)
    measure, since = _measure(where, raw, scenario, run_to)
    return Step(
        title=_text(raw, "title", f"{where} "),
        prompt=_text(raw, "prompt", f"{where} "),
        notice=_text(raw, "notice", f"{where} "),
        highlight=tuple(raw.get("highlight", [])),
        run_to=run_to,
        policies=policies,
        record=tuple(raw.get("record", [])),
        ask=raw.get("ask", ""),
        expect=dict(expect),
        measure=measure,
        since=since,
        zoom=_zoom(where, raw, scenario),
    )


def _zoom(where: str, raw: dict[str, Any], scenario: Scenario) -> tuple[dt.date, dt.date] | None:
    if "zoom" not in raw:
        return None
    pair = raw["zoom"]
    if not isinstance(pair, list) or len(pair) != 2:
        raise ScenarioError(f"{where} zoom must be [first date, last date]")
    first, last = (check_date(f"{where} zoom", d) for d in pair)
    end = scenario.start + dt.timedelta(days=scenario.days)
    if not scenario.start <= first < last <= end:
        raise ScenarioError(
            f"{where} zoom = [{first}, {last}] must be two dates in order within "
            f"{scenario.start} to {end}"
        )
    return first, last


def _measure(
    where: str, raw: dict[str, Any], scenario: Scenario, run_to: dt.date | None
) -> tuple[str, dt.date | None]:
    measure = raw.get("measure", "total")
    if measure not in MEASURE_KINDS:
        raise ScenarioError(unknown_key(f"{where} measure", measure, tuple(MEASURE_KINDS)))
    since = None
    if "since" in raw:
        since = check_date(f"{where} since", raw["since"])
        if not scenario.start <= since < (run_to or since + dt.timedelta(days=1)):
            raise ScenarioError(
                f"{where} since = {since} must be from the scenario's start "
                f"({scenario.start}) and before run_to"
            )
    if measure == "change" and since is None:
        raise ScenarioError(f'{where} measure = "change" needs since = the earlier date')
    if measure == "level" and since is not None:
        raise ScenarioError(f'{where} since is for measure = "change" or "total"')
    return measure, since


def check_highlight(where: str, target: str, network: Network) -> None:
    """Check that ``target`` names a chart, a place or a leg the app draws.

    Raises:
        ScenarioError: naming the target and what is allowed.
    """
    kind, _, name = str(target).partition(":")
    ids = set(network.nodes["id"])
    if kind == "chart" and name in CHARTS:
        return
    if kind == "map" and name.startswith("place:") and name[6:] in ids:
        return
    if kind == "map" and name.startswith("leg:"):
        source, _, dest = name[4:].partition(">")
        legs = set(zip(network.edges["source"], network.edges["target"], strict=True))
        if (source, dest) in legs:
            return
    raise ScenarioError(
        f"{where} {target!r} is not an element of the app; allowed: chart:NAME with NAME one "
        f"of {', '.join(CHARTS)}; map:place:ID with a place id of the network; "
        "map:leg:SOURCE>TARGET with a leg of the network"
    )


def _known_keys(where: str, raw: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in raw:
        if key not in allowed:
            raise ScenarioError(unknown_key(where, key, allowed))


def _text(raw: dict[str, Any], key: str, where: str = "") -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}{key} must be a non-empty text")
    return value.strip()


def _texts(raw: dict[str, Any], key: str, where: str = "") -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{where}{key} must be a list of texts")
    return tuple(v.strip() for v in value)
