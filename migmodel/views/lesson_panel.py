"""The lesson in the app: the picker in the side bar and the panel above the map.

Teacher notes (the expected answers) are shown only in the teacher view: the page opened with
``?teacher`` in its address, or every page of a server started with ``MIGMODEL_TEACHER=1``.
Students' pages hold no trace of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import solara

from migmodel.views.classroom import Classroom
from migmodel.views.handout import answer_key_html, handout_html
from migmodel.views.lessons import Lesson, builtin_lessons, load_lesson
from migmodel.views.prose import Prose
from migmodel.views.submissions import hand_in
from migmodel.views.text import record_table

Act = Callable[[Callable[[], str | None]], None]


def teacher_view(search: str | None) -> bool:
    """Return whether a page is the teacher's.

    It is with ``?teacher`` in its address, or on a server started with ``MIGMODEL_TEACHER=1``.
    """
    if os.environ.get("MIGMODEL_TEACHER", "") not in ("", "0"):
        return True
    return "teacher" in [part.split("=")[0] for part in (search or "").split("&")]


def lesson_label(name: str, lesson: Lesson) -> str:
    """Return a lesson as the picker lists it: number, title, steps and time."""
    number = name.split("_")[0]
    return f"{number}. {lesson.title} ({len(lesson.steps)} steps, {lesson.minutes} min)"


def records_markdown(caption: str, headers: list[str], rows: list[list[str]]) -> str:
    """Return a recorded table as Markdown under its caption (what it measures)."""
    lines = [f"*{caption}*\n", "| " + " | ".join(headers) + " |"]
    lines.append("|---" + "|---:" * (len(headers) - 1) + "|")
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def teacher_notes(lesson: Lesson) -> str:
    """Return a lesson's teacher notes as Markdown."""
    return (
        f"**Expected observations.** {lesson.expected}\n\n"
        f"**Caveats of the model.** {lesson.caveats}\n\n"
        "**Sources.**\n\n" + "\n".join(f"- {source}" for source in lesson.sources)
    )


@solara.component
def LessonPicker(
    session: object,
    act: Act,
    classroom: Classroom | None,
    set_classroom: Callable[[Classroom | None], None],
) -> None:
    """Choose a guided lesson; it sets the scenario, seed and runs every student shares."""
    titles = solara.use_memo(  # read once, not at every step
        lambda: {lesson_label(n, load_lesson(n)): n for n in builtin_lessons()}, dependencies=[]
    )

    def start(title: str | None) -> str | None:
        if not title:
            return None
        room = Classroom(load_lesson(titles[title]), session)  # type: ignore[arg-type]
        set_classroom(room)
        seed = room.lesson.seed
        return f"Lesson started: {room.lesson.title}. Everyone on seed {seed} sees the same run."

    shown = {v: k for k, v in titles.items()}
    Prose("### Lesson")
    solara.Select(
        "Guided lesson",
        values=list(titles),
        value=shown[classroom.lesson.key] if classroom else None,
        on_value=lambda title: act(lambda: start(title)),
    )


@solara.component
def LessonPanel(
    room: Classroom,
    act: Act,
    set_classroom: Callable[[Classroom | None], None],
    version: int = 0,
    teacher: bool = False,
) -> None:
    """The lesson beside the views: the step, what to notice, the answer, the worksheet."""
    lesson, step, i = room.lesson, room.step, room.index
    n = len(lesson.steps)
    with solara.Card(lesson.title, subtitle=lesson.question, classes=["migmodel-lesson"]):
        Prose(f"**Step {i + 1} of {n}: {step.title}**\n\n{step.prompt}")
        Prose(f"**What to notice** (marked in cyan): {step.notice}", style={"color": "#8a4b08"})
        with solara.Row(style={"flex-wrap": "wrap"}):
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
            Prose(records_markdown(*record_table(records)), style={"font-size": "0.9em"})
        if room.finished:
            solara.Success(
                "Lesson done: the levers and controls are yours (free play). "
                "Download your worksheet below."
            )
        # keyed: the records and notices that appear above it must not make it a new widget
        WorksheetBar(room, act, set_classroom).key(f"worksheet-{lesson.key}")
        if teacher:
            with solara.Details("Teacher notes"):
                Prose(teacher_notes(lesson), classes=["migmodel-teacher-notes"])
            Printables(lesson)


@solara.component
def Printables(lesson: Lesson) -> None:
    """The teacher's downloads: the lesson's handout and its answer key, to print."""
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        for label, stem, page in (
            ("Handout to print (HTML)", "handout", handout_html),
            ("Answer key to print (HTML)", "answer-key", answer_key_html),
        ):
            solara.FileDownload(
                lambda page=page: page(lesson),
                filename=f"{lesson.key}-{stem}.html",
                label=label,
                mime_type="text/html",
            )


@solara.component
def WorksheetBar(
    room: Classroom, act: Act, set_classroom: Callable[[Classroom | None], None]
) -> None:
    """The student's name and class code, the worksheet's downloads, and leaving the lesson.

    The name and class code live in ``room``, so a field drawn again keeps what was typed.
    """
    key = room.lesson.key
    code, set_code = solara.use_state(room.class_code)  # the state redraws the Hand in button

    def type_code(text: str) -> None:
        room.class_code = text
        set_code(text)

    with solara.Column(style={"margin-top": "8px"}):
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.InputText(
                "Your name",
                value=room.student,
                on_value=lambda name: setattr(room, "student", name),
                continuous_update=True,
            )
            solara.InputText("Class code", value=code, on_value=type_code, continuous_update=True)
            solara.Button(
                "Hand in",
                icon_name="mdi-send",
                disabled=not code.strip(),
                on_click=lambda: act(lambda: hand_in(room, code)),
            )
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.FileDownload(
                room.worksheet,
                filename=f"worksheet-{key}.html",
                label="Worksheet (HTML)",
                mime_type="text/html",
            )
            solara.FileDownload(
                room.records_csv,
                filename=f"worksheet-{key}.csv",
                label="Worksheet data (CSV)",
                mime_type="text/csv",
            )
            solara.Button(
                "Leave the lesson",
                text=True,
                on_click=lambda: act(lambda: set_classroom(None) or "Lesson closed."),
            )
