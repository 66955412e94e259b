"""A lesson walked through in one session: the step reached, the answers, the numbers recorded.

:class:`Classroom` is plain Python like :class:`~migmodel.views.session.Session`: the app shows
it, the tests drive it, and it writes the worksheet (HTML) and its data (CSV).
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from migmodel.compare import paired_difference
from migmodel.views.lessons import Lesson, Step
from migmodel.views.session import Session
from migmodel.views.text import outcome_name
from migmodel.views.worksheet import worksheet_html

_MONTH = dt.timedelta(days=29)  # a 30-day window ends 29 days after its first day


class Classroom:
    """The state of a lesson in a session.

    Starting a lesson sets the session to the lesson's scenario, seed and mode, so that every
    student of a class sees the same run.

    Args:
        lesson: the lesson.
        session: the session it runs in.
    """

    def __init__(self, lesson: Lesson, session: Session) -> None:
        self.lesson, self.session = lesson, session
        self.index = 0
        self.done: set[int] = set()
        self.answers: dict[int, str] = {}
        self.discussion: dict[int, str] = {}  # answers to the discussion questions
        self.records: list[dict[str, object]] = []
        self.student = ""
        self.class_code = ""  # typed by the student; kept here, not in a widget's state
        session.change(
            scenario=lesson.scenario,
            seed=lesson.seed,
            mode=lesson.mode,
            reference="no_policies",
            people_per_agent=None,
            policies=None,
        )

    @property
    def step(self) -> Step:
        """The step shown."""
        return self.lesson.steps[self.index]

    @property
    def finished(self) -> bool:
        """True once every step has been done: free play from there on."""
        return len(self.done) == len(self.lesson.steps)

    def highlight(self) -> tuple[str, ...]:
        """The elements the step shown points at."""
        return self.step.highlight

    def zoom(self) -> tuple[dt.date, dt.date] | None:
        """The dates the charts show while the step is shown (None: the whole scenario)."""
        return self.step.zoom

    def go(self, index: int) -> None:
        """Show step ``index`` (clipped to the lesson)."""
        self.index = min(max(index, 0), len(self.lesson.steps) - 1)

    def do(self) -> str:
        """Do the step shown: set its levers, run to its date, record its outcomes.

        Returns:
            A notice saying what was done.
        """
        step, session = self.step, self.session
        said = []
        if step.policies is not None:
            session.change(policies=list(step.policies))
            names = ", ".join(p["name"] for p in step.policies) or "no policy"
            said.append(f"levers set ({names}), fresh runs started")
        if step.run_to is not None and session.date <= step.run_to:
            session.step((step.run_to - session.date).days + 1)
            said.append(f"ran to {step.run_to:%d %B %Y}")
        self._record(step)
        self.done.add(self.index)
        return f"Step {self.index + 1} done: " + ("; ".join(said) or "nothing to run") + "."

    def _record(self, step: Step) -> None:
        self.records = [r for r in self.records if r["step"] != self.index + 1]
        last = self.session.date - dt.timedelta(days=1)
        for row in measured(self.session, step, last):
            self.records.append({"step": self.index + 1, "date": last, **row})

    def records_of(self, index: int) -> pd.DataFrame:
        """Return the numbers recorded at step ``index``."""
        rows = [r for r in self.records if r["step"] == index + 1]
        if not rows:
            return pd.DataFrame()
        return pd.DataFrame(rows).drop(columns=["step", "date"]).dropna(axis=1, how="all")

    # ------------------------------------------------------------------ worksheet
    def records_csv(self) -> str:
        """Return every number recorded so far as CSV (one row per step and outcome)."""
        buffer = io.StringIO()
        pd.DataFrame(self.records).to_csv(buffer, index=False)
        return buffer.getvalue()

    def worksheet(self) -> str:
        """Return the worksheet as a self-contained HTML page (see :func:`worksheet_html`)."""
        return worksheet_html(self)


def measured(session: Session, step: Step, last: dt.date) -> list[dict[str, object]]:
    """Take the measures a step records, as of ``last`` (the last day run).

    ``level``: the 30 days up to ``last``, each side (reaching into the spin-up if need be).
    ``total``: from ``since`` (or the start) to ``last``, each side. ``change``: the current
    run's 30-day level at ``since`` (``before``) and at ``last`` (``after``). Each row has
    the paired difference (current − reference, or after − before), its 95% interval over
    seeds when there are several, and the relative change.
    """
    rows: list[dict[str, object]] = []
    for name in step.record:
        if step.measure == "change":
            assert step.since is not None
            a = session.window(name, step.since - _MONTH, step.since)["current"]
            b = session.window(name, last - _MONTH, last)["current"]
            what = f"change in the 30-day level, {step.since:%d %b %Y} to {last:%d %b %Y}"
            labels = ("before", "after")
        else:
            first = last - _MONTH if step.measure == "level" else step.since or session.start
            sides = session.window(name, first, last)
            a, b = sides.get("reference"), sides["current"]
            what = (
                f"30-day level on {last:%d %b %Y}"
                if step.measure == "level"
                else f"total, {first:%d %b %Y} to {last:%d %b %Y}"
            )
            labels = ("reference", "current")
        row: dict[str, object] = {"outcome": name, "name": outcome_name(name), "measure": what}
        if a is None:
            row["current"] = float(b.mean())
        else:
            stats = paired_difference(pd.DataFrame({name: a}), pd.DataFrame({name: b})).iloc[0]
            row |= {labels[0]: float(stats["a"]), labels[1]: float(stats["b"])}
            row |= {k: float(stats[k]) for k in ("difference", "relative")}
            if len(b) > 1:
                row |= {"low": float(stats["low"]), "high": float(stats["high"])}
            row["people_per_agent"] = session.model.scenario.people_per_agent
        rows.append(row)
    return rows
