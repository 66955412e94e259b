"""`migmodel run --out`: results written aside and renamed into place whole.

A full disk (the writer raising ENOSPC part way) or a Ctrl-C (KeyboardInterrupt part way)
during ``--overwrite`` must leave the previous results whole and readable, and no temporary
folder behind; folders holding files migmodel did not write are refused before the run.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from migmodel.cli import main
from migmodel.outputs import OutputError, check_folder, staged
from migmodel.results import Results

RUN = ["run", "baseline", "--days", "10", "--people-per-agent", "2000", "--quiet"]


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder with the results of seed 1, copied afresh for each test."""
    folder = tmp_path_factory.mktemp("first") / "results"
    assert main([*RUN, "--seed", "1", "--out", str(folder)]) == 0
    yield folder


@pytest.fixture
def results(first: Path, tmp_path: Path) -> Path:
    out = tmp_path / "results"
    shutil.copytree(first, out)
    return out


def _seed(folder: Path) -> int:
    return json.loads((folder / "run.json").read_text())["seed"]


def _fail_after(monkeypatch: pytest.MonkeyPatch, tables: int, error: BaseException) -> None:
    """Make the Parquet writer write ``tables`` tables, then raise ``error``."""
    real = pd.DataFrame.to_parquet
    written = []

    def writer(self: pd.DataFrame, path: object, *args: object, **kwargs: object) -> object:
        if len(written) == tables:
            Path(str(path)).write_bytes(b"PAR1 half a table")  # a truncated file first
            raise error
        written.append(path)
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", writer)


def _intact(folder: Path, first: Path) -> None:
    assert _seed(folder) == 1
    before, after = Results.from_parquet(first), Results.from_parquet(folder)
    pd.testing.assert_frame_equal(before.journeys, after.journeys)
    pd.testing.assert_frame_equal(before.daily, after.daily)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_full_disk_during_overwrite_keeps_the_old_results(
    results: Path, first: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _fail_after(monkeypatch, 3, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    code = main([*RUN, "--seed", "2", "--out", str(results), "--overwrite"])
    err = capsys.readouterr().err
    assert code == 1
    assert "disk full" in err and "Traceback" not in err
    _intact(results, first)


def test_ctrl_c_during_overwrite_keeps_the_old_results(
    results: Path, first: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _fail_after(monkeypatch, 4, KeyboardInterrupt())
    code = main([*RUN, "--seed", "2", "--out", str(results), "--overwrite", "--csv"])
    assert code == 130
    assert "Traceback" not in capsys.readouterr().err
    _intact(results, first)


def test_a_new_folder_is_not_left_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_after(monkeypatch, 2, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    assert main([*RUN, "--out", str(tmp_path / "new")]) == 1
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_the_results_whole(results: Path) -> None:
    assert main([*RUN, "--seed", "2", "--out", str(results), "--overwrite", "--csv"]) == 0
    assert _seed(results) == 2
    assert (results / "journeys.csv").is_file()
    assert [p.name for p in results.parent.iterdir()] == ["results"]
    # and back without --csv: the CSV files of the older run do not linger
    assert main([*RUN, "--seed", "3", "--out", str(results), "--overwrite"]) == 0
    assert _seed(results) == 3 and not (results / "journeys.csv").exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: (d / "daily.parquet").write_text("mine"), "did not write"),
        (lambda d: (d / "notes.txt").write_text("mine"), "did not write"),
    ],
)
def test_folders_holding_other_files_are_refused(
    tmp_path: Path, make: object, message: str, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    make(out)  # type: ignore[operator]
    before = {p.name: p.read_text() for p in out.iterdir()}
    assert main([*RUN, "--out", str(out), "--overwrite"]) == 1
    assert message in capsys.readouterr().err
    assert {p.name: p.read_text() for p in out.iterdir()} == before


def test_out_below_a_file_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "afile").write_text("x")

    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the run started although its results could not be written")

    monkeypatch.setattr("migmodel.cli.run", no_run)
    assert main([*RUN, "--out", str(tmp_path / "afile" / "results")]) == 1
    assert "cannot write in" in capsys.readouterr().err


def test_too_little_free_space_is_refused(tmp_path: Path) -> None:
    free = shutil.disk_usage(tmp_path).free
    with pytest.raises(OutputError, match="MB free"):
        check_folder(tmp_path / "out", ["run.json"], False, need_bytes=free * 2)


def test_staged_cleans_up_after_any_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError), staged(tmp_path / "out") as folder:
        (folder / "x").write_text("x")
        raise ValueError("boom")
    assert list(tmp_path.iterdir()) == []
