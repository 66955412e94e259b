"""A lesson walked through in one session: the step reached, the answers, the numbers recorded.

:class:`Classroom` is plain Python like :class:`~migmodel.views.session.Session`: the app shows
it, the tests drive it, and it writes the worksheet (HTML) and its data (CSV).
"""

from __future__ import annotations

import datetime as dt
import html
import io

import numpy as np
import pandas as pd

from migmodel.lessons import Lesson, Step
from migmodel.simulate import __version__
from migmodel.views.figures import PATTERN_COLOURS, PATTERN_LABELS, WINDOW, rolling
from migmodel.views.session import REFERENCES, Session


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
        self.records: list[dict[str, object]] = []
        self.student = ""
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
        if not step.record:
            return
        table = self.session.outcomes()
        for name in step.record:
            row = table.loc[name]
            self.records.append(
                {
                    "step": self.index + 1,
                    "date": self.session.date - dt.timedelta(days=1),
                    "outcome": name,
                    **{k: float(v) for k, v in row.items()},
                }
            )

    def records_of(self, index: int) -> pd.DataFrame:
        """Return the numbers recorded at step ``index``."""
        rows = [r for r in self.records if r["step"] == index + 1]
        return pd.DataFrame(rows).drop(columns=["step", "date"]) if rows else pd.DataFrame()

    # ------------------------------------------------------------------ worksheet
    def records_csv(self) -> str:
        """Return every number recorded so far as CSV (one row per step and outcome)."""
        buffer = io.StringIO()
        pd.DataFrame(self.records).to_csv(buffer, index=False)
        return buffer.getvalue()

    def worksheet(self) -> str:
        """Return the worksheet as a self-contained HTML page.

        It holds the lesson's question and goals; for each step its prompt, what to notice,
        the numbers recorded and the student's answer; a chart of the run so far; the
        discussion questions; the sources; and what is needed to reproduce the run.
        """
        lesson, session = self.lesson, self.session
        e = html.escape
        parts = [
            f"<h1>{e(lesson.title)}</h1>",
            f"<p class='who'>Student: {e(self.student) or '…'} · {dt.date.today():%d %B %Y}</p>",
            f"<p class='question'>{e(lesson.question)}</p>",
            "<h2>Goals</h2><ul>" + "".join(f"<li>{e(g)}</li>" for g in lesson.goals) + "</ul>",
        ]
        for i, step in enumerate(lesson.steps):
            parts.append(f"<h2>Step {i + 1}: {e(step.title)}</h2>")
            parts.append(f"<p>{e(step.prompt)}</p><p class='notice'>Notice: {e(step.notice)}</p>")
            if i not in self.done:
                parts.append("<p class='todo'>Not done yet.</p>")
            records = self.records_of(i)
            if not records.empty:
                parts.append(records.to_html(index=False, float_format="{:,.0f}".format))
            if step.ask:
                answer = e(self.answers.get(i, "")) or "&nbsp;"
                parts.append(f"<p class='ask'>{e(step.ask)}</p><div class='answer'>{answer}</div>")
        parts.append(f"<h2>The run so far</h2>{_chart(session)}")
        parts.append(
            "<h2>Discussion</h2><ol>" + "".join(f"<li>{e(q)}</li>" for q in lesson.discussion)
        )
        parts.append(
            "</ol><h2>Sources</h2><ul>" + "".join(f"<li>{e(s)}</li>" for s in lesson.sources)
        )
        reference = REFERENCES[session.settings.reference]
        parts.append(
            f"</ul><p class='small'>migmodel {e(__version__)}, scenario "
            f"{e(session.model.scenario.name)}, seed {session.settings.seed}, "
            f"{session.model.scenario.people_per_agent} people per agent, reference: "
            f"{e(reference)}. The same scenario and seed give the same run on any computer.</p>"
        )
        return _PAGE.format(title=e(lesson.title), body="\n".join(parts))


def _chart(session: Session, width: int = 640, height: int = 220) -> str:
    """US encounters by flow pattern (30-day sums): current solid, reference dashed, as SVG."""
    series = session.series("us_encounters", by_pattern=True)
    if session.days_done < 2:
        return "<p>Nothing run yet.</p>"
    top = max(float(rolling(v).mean(axis=0).max()) for v in series.values()) or 1.0
    lines = []
    for side, values in series.items():
        mean = rolling(values).mean(axis=0)  # days × patterns
        x = np.linspace(40, width - 10, mean.shape[0])
        for k, pattern in enumerate(PATTERN_COLOURS):
            y = height - 20 - (height - 40) * mean[:, k] / top
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
            dash = " stroke-dasharray='5 4'" if side == "reference" else ""
            lines.append(
                f"<polyline fill='none' stroke='{PATTERN_COLOURS[pattern]}' stroke-width='1.6'"
                f"{dash} points='{points}'/>"
            )
    legend = " · ".join(
        f"<span style='color:{PATTERN_COLOURS[p]}'>{PATTERN_LABELS[p]}</span>"
        for p in PATTERN_COLOURS
    )
    start, end = session.start, session.date - dt.timedelta(days=1)
    return (
        f"<svg width='{width}' height='{height}' role='img'>"
        f"<text x='40' y='12' font-size='11'>US border encounters, last {WINDOW} days "
        f"(peak {top:,.0f})</text>{''.join(lines)}"
        f"<text x='40' y='{height - 4}' font-size='10'>{start:%d %b %Y}</text>"
        f"<text x='{width - 10}' y='{height - 4}' font-size='10' text-anchor='end'>"
        f"{end:%d %b %Y}</text></svg><p class='small'>{legend}; solid: your run, dashed: "
        "reference</p>"
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.4; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; margin-top: 1.6em; }}
.question {{ font-weight: bold; }} .notice {{ color: #8a4b08; }} .todo {{ color: #b00; }}
.answer {{ border: 1px solid #999; min-height: 4em; padding: .4em; white-space: pre-wrap; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 2px 8px; }}
td {{ text-align: right; }} .small {{ font-size: .85em; color: #555; }}
</style></head>
<body>
{body}
</body></html>
"""
