"""The teacher's per-session limits: ensemble size and scale, refused in one line."""

from __future__ import annotations

import pytest

from migmodel.scenario import ScenarioError
from migmodel.views.session import Session, Settings


def test_limits_set_at_start_refuse_heavy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGMODEL_MAX_ENSEMBLE", "3")
    monkeypatch.setenv("MIGMODEL_MIN_PEOPLE_PER_AGENT", "500")
    session = Session(Settings(mode="single", people_per_agent=1000))
    before = session.runs
    with pytest.raises(ScenarioError, match="at most 3"):
        session.change(mode="ensemble", ensemble_size=10)
    with pytest.raises(ScenarioError, match="at least 500 people per agent"):
        session.change(people_per_agent=1)
    assert session.runs is before and session.settings.people_per_agent == 1000
    session.change(mode="ensemble", ensemble_size=3)  # within the limits
    assert len(session.runs) == 6  # 3 seeds, both sides
    with pytest.raises(ScenarioError, match="at least 500"):
        Session(Settings(people_per_agent=10))


def test_a_bad_limit_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGMODEL_MAX_ENSEMBLE", "lots")
    with pytest.raises(ScenarioError, match="MIGMODEL_MAX_ENSEMBLE"):
        Session()
