"""Tests for ``python -m privacy synth``."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from privacy.cli.synth import register
from privacy.exceptions import InputError
from privacy.synthetic import COLUMNS, generate_population

REPOSITORY = Path(__file__).resolve().parents[1]


def _parser() -> argparse.ArgumentParser:
    """A parser holding only the ``synth`` subcommand."""
    parser = argparse.ArgumentParser(prog="python -m privacy")
    register(parser.add_subparsers(dest="command", required=True))
    return parser


def _run(*arguments: str) -> int:
    parsed = _parser().parse_args(["synth", *arguments])
    return parsed.handler(parsed)


def _full_command_line_or_skip() -> None:
    """Skip until every subcommand module of ``python -m privacy`` exists."""
    for name in ("assess", "anonymize", "table", "decrypt"):
        try:
            importlib.import_module(f"privacy.cli.{name}")
        except ModuleNotFoundError:
            pytest.skip(f"the {name!r} subcommand is not part of this checkout yet")


@pytest.fixture
def written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    out = tmp_path / "population.csv"
    status = _run("--students", "400", "--seed", "5", "--out", str(out))
    assert status == 0
    return out, capsys.readouterr().out


def test_synth_prints_one_line_with_the_row_count_and_path(
    written: tuple[Path, str],
) -> None:
    out, printed = written
    assert printed == f"Wrote 400 students to {out}\n"


def test_synth_round_trip_keeps_leading_zeros(written: tuple[Path, str]) -> None:
    out, _printed = written
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(table.columns) == COLUMNS
    assert len(table) == 400
    assert table["student_id"].str.fullmatch("[0-9]{6}").all()
    assert table["home_zip"].str.fullmatch("02[0-9]{3}").all()
    assert table["school_id"].str.fullmatch("0035[0-9]{4}").all()


def test_synth_writes_iso_dates(written: tuple[Path, str]) -> None:
    out, _printed = written
    dates = pd.read_csv(out, dtype=str)["date_of_birth"]
    assert dates.str.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}").all()


def test_synth_file_holds_the_library_population(written: tuple[Path, str]) -> None:
    out, _printed = written
    expected = generate_population("2024-25", seed=5, students=400)
    table = pd.read_csv(out, dtype={"student_id": str})
    assert table["student_id"].tolist() == expected["student_id"].tolist()
    assert table["days_absent"].tolist() == expected["days_absent"].tolist()
    assert table["ela_score"].isna().sum() == expected["ela_score"].isna().sum()


def test_synth_whole_district_for_an_older_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "district.csv"
    assert _run("--year", "2017-18", "--out", str(out)) == 0
    rows = len(pd.read_csv(out, usecols=["student_id"], dtype=str))
    assert rows == 52664
    assert capsys.readouterr().out == f"Wrote 52664 students to {out}\n"


def test_synth_unknown_year_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _run("--year", "2030-31", "--out", str(tmp_path / "x.csv"))
    assert stopped.value.code == 2
    assert "invalid choice: '2030-31'" in capsys.readouterr().err


def test_synth_zero_students_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="number of students must be a whole"):
        _run("--students", "0", "--out", str(tmp_path / "x.csv"))


def test_synth_missing_output_folder_raises_input_error(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "x.csv"
    with pytest.raises(InputError, match=r"does not exist\. Create it"):
        _run("--students", "5", "--out", str(out))
    assert not out.exists()


def test_synth_requires_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        _run("--students", "5")
    assert stopped.value.code == 2
    assert "--out" in capsys.readouterr().err


# Through the full command line, once every subcommand exists ----------------


def test_main_synth_bad_year_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    _full_command_line_or_skip()
    result = subprocess.run(
        [sys.executable, "-m", "privacy", "synth", "--year", "1999-00", "--out",
         str(tmp_path / "x.csv")],
        cwd=REPOSITORY, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "invalid choice: '1999-00'" in result.stderr


def test_main_synth_bad_sample_size_prints_one_line_and_exits_2(
    tmp_path: Path,
) -> None:
    _full_command_line_or_skip()
    result = subprocess.run(
        [sys.executable, "-m", "privacy", "synth", "--students", "-4", "--out",
         str(tmp_path / "x.csv")],
        cwd=REPOSITORY, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("python -m privacy synth: error: ")
    assert "number of students must be a whole number" in result.stderr


def test_main_synth_writes_the_file(tmp_path: Path) -> None:
    _full_command_line_or_skip()
    out = tmp_path / "sample.csv"
    result = subprocess.run(
        [sys.executable, "-m", "privacy", "synth", "--students", "25", "--seed",
         "9", "--out", str(out)],
        cwd=REPOSITORY, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout == f"Wrote 25 students to {out}\n"
    assert len(pd.read_csv(out, dtype=str)) == 25
