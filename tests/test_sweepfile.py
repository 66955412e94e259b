"""Sweep files: validation messages, designs, run ids, and how factors change a scenario."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from experiments.dataset import recorded, runs_schema, start_folder, write_run
from experiments.sweep_plan import run_id
from experiments.sweepfile import SweepError, load_sweep, sweep_from_spec
from migmodel import load_scenario
from migmodel.compare import outcomes
from migmodel.measures import OUTCOMES
from migmodel.simulate import run

GRID = """
scenario = "baseline"
seeds = 3
[base]
days = 20
[levers]
"policies.mexico_southern_border.intensity" = [0, 0.5, 1]
"policies.temporary_worker_visas.extra_visas_per_year" = [0, 100000]
[uncertainties]
"route_choice.sensitivity" = [0.5]
[outcomes]
summaries = ["us_encounters", "deaths"]
"""


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_grid_has_every_combination_and_every_seed_at_every_point(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    plan = sweep.plan
    assert plan.matrix.shape == (6, 3)
    assert plan.matrix[:, 0].tolist() == [0, 0, 0.5, 0.5, 1, 1]  # first factor slowest
    assert plan.matrix[:, 1].tolist() == [0, 100000] * 3
    assert len(plan.runs) == 18
    assert {r.seed for r in plan.runs if r.point == 4} == {0, 1, 2}  # common random numbers
    ids = [r.run_id for r in plan.runs]
    assert len(set(ids)) == len(ids)
    assert sweep.levers[0].kind == "lever" and sweep.uncertainties[0].kind == "uncertainty"


def test_run_ids_depend_on_values_and_seed_only(tmp_path):
    values = {"a": 0.5, "b": 1.0}
    assert run_id(values, 3) == run_id({"b": 1, "a": 0.5}, 3)  # order and int/float alike
    assert run_id(values, 3) != run_id(values, 4)
    assert run_id(values, 3) != run_id({"a": 0.5, "b": 1.5}, 3)
    sweep = load_sweep(write(tmp_path, GRID))
    again = load_sweep(write(tmp_path, GRID.replace("seeds = 3", "seeds = [0, 1, 2]"), "t.toml"))
    assert [r.run_id for r in sweep.plan.runs] == [r.run_id for r in again.plan.runs]
    assert sweep.fingerprint() == again.fingerprint()


def test_nested_tables_and_quoted_names_mean_the_same(tmp_path):
    nested = GRID.replace(
        '"policies.mexico_southern_border.intensity" = [0, 0.5, 1]',
        "policies.mexico_southern_border.intensity = { values = [0, 0.5, 1] }",
    )
    assert load_sweep(write(tmp_path, nested)).fingerprint() == (
        load_sweep(write(tmp_path, GRID, "t.toml")).fingerprint()
    )


def test_factors_change_the_scenario_through_its_own_validation(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    last = sweep.plan.runs[-1]
    scenario = sweep.scenario(last.values)
    params = {p.name: p.params for p in scenario.policies}
    assert params["mexico_southern_border"] == {"intensity": 1.0}
    assert params["temporary_worker_visas"] == {"extra_visas_per_year": 100000.0}
    assert scenario["route_choice"]["sensitivity"] == 0.5
    assert scenario["route_choice"]["risk_weight"] == 5000  # the rest of the table kept
    assert scenario.days == 20  # [base]
    # a policy the base scenario already has is changed, not added twice
    on_enforcement = write(tmp_path, GRID.replace('"baseline"', '"enforcement"'), "e.toml")
    scenario = load_sweep(on_enforcement).scenario(last.values)
    names = [p.name for p in scenario.policies]
    assert names.count("mexico_southern_border") == 1
    southern = next(p for p in scenario.policies if p.name == "mexico_southern_border")
    assert southern.params["intensity"] == 1.0 and southern.ramp_days == 30


def test_the_sweep_runs_the_same_model_as_migmodel_run(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    r = sweep.plan.runs[7]
    by_hand = load_scenario("baseline").replace(
        days=20,
        policies=[
            {"name": "mexico_southern_border", "intensity": r.values[sweep.factors[0].name]},
            {
                "name": "temporary_worker_visas",
                "extra_visas_per_year": r.values[sweep.factors[1].name],
            },
        ],
        route_choice={"sensitivity": 0.5},
    )
    a = outcomes(run(sweep.scenario(r.values), r.seed))
    b = outcomes(run(by_hand, r.seed))
    assert a.equals(b) and a["us_encounters"] > 0


@pytest.mark.parametrize(
    ("method", "extra", "rows"),
    [
        ("sobol", "samples = 8", 8 * (3 + 2)),
        ("sobol", "samples = 8\nsecond_order = true", 8 * (2 * 3 + 2)),
        ("morris", "samples = 5\nlevels = 4", 5 * (3 + 1)),
        ("latin", "samples = 12", 12),
    ],
)
def test_sampled_designs(tmp_path, method, extra, rows):
    text = f"""
    seeds = 2
    [design]
    method = "{method}"
    seed = 7
    {extra}
    [uncertainties]
    "route_choice.sensitivity" = {{ range = [0.25, 1.0] }}
    "enforcement.us_border" = {{ range = [0.6, 0.9] }}
    "reattempt_delay_days.mexican" = {{ range = [5, 30] }}
    """
    sweep = load_sweep(write(tmp_path, textwrap.dedent(text)))
    plan = sweep.plan
    assert sweep.count() == rows == len(plan.matrix)
    assert np.array_equal(plan.unique[plan.row_point], plan.matrix)
    assert len(plan.runs) == 2 * len(plan.unique)
    assert (plan.matrix[:, 0] >= 0.25).all() and (plan.matrix[:, 0] <= 1.0).all()
    days = plan.matrix[:, 2]
    assert np.array_equal(days, np.round(days)) and len(set(days)) > 2  # whole days
    # the same file gives the same points in another process
    code = (
        "from experiments.sweepfile import load_sweep; import sys; "
        "print(','.join(r.run_id for r in load_sweep(sys.argv[1]).plan.runs))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "s.toml")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert other == ",".join(r.run_id for r in plan.runs)


def test_spec_round_trip_keeps_the_fingerprint(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    back = sweep_from_spec(sweep.name, sweep.description, sweep.spec())
    assert back.fingerprint() == sweep.fingerprint()
    assert [r.run_id for r in back.plan.runs] == [r.run_id for r in sweep.plan.runs]
    changed = load_sweep(write(tmp_path, GRID.replace("days = 20", "days = 21"), "t.toml"))
    assert changed.fingerprint() != sweep.fingerprint()


def test_all_outcomes_by_default_and_outcome_names_match_compare(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID.split("[outcomes]")[0]))
    assert sweep.summaries == OUTCOMES
    scenario = load_scenario("baseline").replace(days=5, spinup_days=0)
    assert tuple(outcomes(run(scenario, 0)).index) == OUTCOMES


LEVER = '"policies.mexico_southern_border.intensity"'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("senario = 'baseline'", "unknown key 'senario' (did you mean 'scenario'?)"),
        ("scenario = 'nowhere'", "no built-in scenario 'nowhere'"),
        ("scenario = 'missing/x.toml'", "no such scenario file"),
        ("[base]\ndays = -3", "[base] days = -3 is out of range: allowed 1 ≤ value ≤ 36600"),
        ("[base]\n[[base.policies]]\nname = 'darien'", "[base] cannot change policies"),
        ("[levers]\n'policies.mexico_southern_boarder.intensity' = [0, 1]", "unknown policy "
         "'mexico_southern_boarder' (did you mean 'mexico_southern_border'?)"),
        ("[levers]\n'policies.darien.intensty' = [0, 1]", "unknown key 'intensty' (did you "
         "mean 'intensity'?)"),
        ("[levers]\n'policies.darien' = [0, 1]", "policies.<policy>.<parameter>"),
        (f"[levers]\n{LEVER} = [0, 1.5]", "levers policies.mexico_southern_border.intensity = "
         "1.5 is out of range: allowed 0 ≤ value ≤ 1"),
        (f"[levers]\n{LEVER} = ['high']", "= 'high' must be a number"),
        (f"[levers]\n{LEVER} = []", "must be a non-empty list of numbers"),
        (f"[levers]\n{LEVER} = [0.5, 0.5]", "lists a value twice"),
        (f"[levers]\n{LEVER} = {{ range = [1, 0] }}", "low must be below high"),
        (f"[levers]\n{LEVER} = {{ range = [0, 1] }}", "a grid needs values = [...], or steps"),
        (f"[levers]\n{LEVER} = {{ rnage = [0, 1] }}", "unknown key 'rnage' (did you mean "
         "'range'?)"),
        (f"[levers]\n{LEVER} = 0.5", "give a list of values"),
        ("[uncertainties]\n'push.XYZ' = [1, 2]", "unknown key 'XYZ'; allowed: GTM"),
        ("[uncertainties]\n'push' = [1, 2]", "push is a table: name one of its keys"),
        ("[uncertainties]\n'pusj.HND' = [1, 2]", "unknown parameter 'pusj' (did you mean "
         "'push'?)"),
        ("[levers]\n'days' = [10]\n[uncertainties]\n'days' = [20]", "days is given twice"),
        ("[levers]", "nothing to vary"),
        ("design = 'sobl'\n[levers]\n'days' = [10]", "design = 'sobl' is not a design we "
         "know: unknown key 'sobl' (did you mean 'sobol'?); allowed: grid, latin, sobol, "
         "morris"),
        ("[design]\nmethod = 'sobol'\nsamples = 10\n[uncertainties]\n'days' = { range = [1, 9] }",
         "samples = 10 must be a power of 2"),
        ("[design]\nmethod = 'sobol'\n[uncertainties]\n'days' = { range = [1, 9] }",
         "design sobol needs samples"),
        ("[design]\nmethod = 'sobol'\nsamples = 8\n[levers]\n'days' = [1, 9]",
         "design sobol samples every factor from a range"),
        ("[design]\nmethod = 'grid'\nsamples = 8\n[levers]\n'days' = [1, 9]",
         "[design] samples applies to latin and sobol and morris only, not grid"),
        ("[design]\nmethod = 'morris'\nsamples = 4\nlevels = 3\n"
         "[uncertainties]\n'days' = { range = [1, 9] }", "levels = 3 must be an even"),
        ("seeds = 0\n[levers]\n'days' = [10]", "seeds = 0 must be between 1 and"),
        ("seeds = [1, 1]\n[levers]\n'days' = [10]", "lists a seed twice"),
        ("outcomes = ['death']\n[levers]\n'days' = [10]", "unknown outcome 'death' (did you "
         "mean 'deaths'?)"),
        ("[outcomes]\nseries = ['encounters']\n[levers]\n'days' = [10]", "[outcomes] series: "
         "unknown outcome 'encounters'"),
        ("[outcomes]\nsummaries = ['deaths']\nfrequency = 'week'\n[levers]\n'days' = [10]",
         "frequency = 'week': allowed: month, fiscal_year"),
        ("[levers\n", "not valid TOML"),
    ],
)  # fmt: skip
def test_invalid_sweep_files_get_one_clear_message(tmp_path, text, message):
    with pytest.raises(SweepError) as caught:
        load_sweep(write(tmp_path, text))
    assert message in str(caught.value)
    assert str(caught.value).startswith("s.toml: ")
    assert "\n" not in str(caught.value)


def test_a_policy_on_several_times_in_the_base_is_named_by_its_instance(tmp_path):
    text = "scenario = 'historical'\n[levers]\n'policies.asylum_rule.removal_share' = [0.5]"
    with pytest.raises(SweepError, match="switches asylum_rule on 4 times; say which"):
        load_sweep(write(tmp_path, text))
    text = text.replace("asylum_rule.", "asylum_rule#5.")
    with pytest.raises(SweepError, match="K must be from 1 to 4"):
        load_sweep(write(tmp_path, text))
    sweep = load_sweep(write(tmp_path, text.replace("#5", "#2")))
    rules = [p for p in sweep.scenario({sweep.factors[0].name: 0.5}).policies]
    shares = [p.params["removal_share"] for p in rules if p.name == "asylum_rule"]
    base = [p.params["removal_share"] for p in sweep.base.policies if p.name == "asylum_rule"]
    assert shares == [base[0], 0.5, *base[2:]] and base[1] != 0.5


def test_a_hidden_half_written_file_never_counts_as_a_run(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    out = tmp_path / "out"
    start_folder(out, sweep)
    first, second = sweep.plan.runs[:2]
    row = {"run_id": first.run_id, "point": 0, "replicate": 0, "seed": 0, "error": None}
    write_run(out, runs_schema(sweep), row)
    part = out / "runs" / "status=ok"
    (part / f".{second.run_id}.parquet.123.tmp").write_bytes(b"PAR1 half a file")
    assert recorded(out) == {first.run_id: "ok"}
    # a failure recorded, then the same run succeeds: one record, ok
    failed = {**row, "run_id": second.run_id, "error": "RuntimeError: boom"}
    write_run(out, runs_schema(sweep), failed)
    assert recorded(out) == {first.run_id: "ok", second.run_id: "failed"}
    write_run(out, runs_schema(sweep), {**failed, "error": None})
    assert recorded(out) == {first.run_id: "ok", second.run_id: "ok"}
    assert not (out / "runs" / "status=failed" / f"{second.run_id}.parquet").exists()
