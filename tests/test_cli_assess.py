"""Tests for ``python -m privacy assess``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from privacy.cli import EXIT_USAGE, main

REPOSITORY = Path(__file__).resolve().parents[1]

# Classes by (grade, gender): (9, F) x3, (10, M) x2, (11, F) x1.
SCHOOL_CSV = """grade,gender,score
9,F,70
9,F,80
9,F,80
10,M,60
10,M,90
11,F,75
"""
POPULATION_CSV = "grade,gender\n" + "9,F\n" * 6 + "10,M\n" * 4 + "11,F\n" * 2


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = tmp_path / "school.csv"
    path.write_text(SCHOOL_CSV, encoding="utf-8")
    return path


@pytest.fixture
def population_file(tmp_path: Path) -> Path:
    path = tmp_path / "population.csv"
    path.write_text(POPULATION_CSV, encoding="utf-8")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *arguments: str) -> dict:
    """Run ``assess --json`` and return the printed object."""
    status = main(["assess", *arguments, "--json"])
    assert status == 0
    return json.loads(capsys.readouterr().out)


def test_assess_json_reports_k_and_prosecutor_figures(capsys, school_file):
    values = run_json(capsys, str(school_file), "--quasi-identifiers", "grade,gender")

    assert values["records"] == 6
    assert values["equivalence_classes"] == 3
    assert values["k"] == 1
    assert values["sample_uniques"] == 1
    assert values["prosecutor_risk_max"] == 1.0
    assert values["prosecutor_risk_avg"] == 0.5
    assert values["records_at_risk"] == 6


def test_assess_json_leaves_out_l_and_t_without_sensitive(capsys, school_file):
    values = run_json(capsys, str(school_file), "--quasi-identifiers", "grade")

    assert "l_distinct" not in values
    assert "t_closeness_ordered" not in values


def test_assess_json_adds_l_and_t_with_sensitive(capsys, school_file):
    """Scores are numbers, so the ordered distance is reported too."""
    values = run_json(
        capsys, str(school_file), "--quasi-identifiers", "grade", "--sensitive", "score"
    )

    assert values["l_distinct"] == 1
    assert values["l_entropy"] == pytest.approx(1.0)
    assert 0 < values["t_closeness_equal"] <= 1
    assert 0 < values["t_closeness_ordered"] <= 1


def test_assess_json_uses_population_for_journalist_and_marketer(
    capsys, school_file, population_file
):
    """Population classes of 6, 4 and 2: marketer (3/6 + 2/4 + 1/2) / 6."""
    values = run_json(
        capsys,
        str(school_file),
        "--quasi-identifiers",
        "grade,gender",
        "--population",
        str(population_file),
    )

    assert values["journalist_risk_max"] == pytest.approx(1 / 2)
    assert values["marketer_risk"] == pytest.approx(1.5 / 6)
    assert values["population_records"] == 12


def test_assess_sampling_fraction_adds_population_uniques_estimate(capsys, school_file):
    """One unique, classes of 3, 2, 1: a census keeps the one unique."""
    values = run_json(
        capsys,
        str(school_file),
        "--quasi-identifiers",
        "grade",
        "--sampling-fraction",
        "1",
    )

    assert values["population_uniques_estimate"] == 1.0


def test_assess_prints_population_uniques_estimate_last(capsys, school_file):
    main(
        [
            "assess",
            str(school_file),
            "--quasi-identifiers",
            "grade",
            "--sampling-fraction",
            "1",
        ]
    )

    last = capsys.readouterr().out.splitlines()[-1]
    assert last.split() == ["population", "uniques", "(estimate)", "1.0"]


def test_assess_sampling_fraction_out_of_range_exits_two(capsys, school_file):
    status = main(
        [
            "assess",
            str(school_file),
            "--quasi-identifiers",
            "grade",
            "--sampling-fraction",
            "2",
        ]
    )

    assert status == EXIT_USAGE
    assert "sampling fraction must be in (0, 1]; got 2.0" in capsys.readouterr().err


def test_assess_threshold_changes_records_at_risk(capsys, school_file):
    """At 0.5, only the unique grade-11 record is above the threshold."""
    values = run_json(
        capsys, str(school_file), "--quasi-identifiers", "grade", "--threshold", "0.5"
    )

    assert values["records_at_risk"] == 1


def test_assess_prints_aligned_lines(capsys, school_file):
    status = main(["assess", str(school_file), "--quasi-identifiers", "grade"])

    lines = capsys.readouterr().out.splitlines()
    value_columns = {len(line) - len(line.split("  ")[-1].lstrip()) for line in lines}
    assert status == 0
    assert lines[0].split() == ["records", "6"]
    assert len(value_columns) == 1


def test_assess_prints_records_at_risk_with_share_and_threshold(capsys, school_file):
    main(["assess", str(school_file), "--quasi-identifiers", "grade"])

    output = capsys.readouterr().out
    assert "records at risk" in output
    assert "6 (100.0%, risk > 0.2: classes under 5 records)" in output


def test_assess_unknown_column_exits_two_listing_columns(capsys, school_file):
    status = main(["assess", str(school_file), "--quasi-identifiers", "zip"])

    error = capsys.readouterr().err
    assert status == EXIT_USAGE
    assert "Available columns: grade, gender, score" in error
    assert error.count("\n") == 1


def test_assess_missing_file_exits_two(capsys, tmp_path):
    status = main(["assess", str(tmp_path / "absent.csv"), "--quasi-identifiers", "a"])

    assert status == EXIT_USAGE
    assert "absent.csv" in capsys.readouterr().err


def test_assess_threshold_out_of_range_exits_two(capsys, school_file):
    status = main(
        ["assess", str(school_file), "--quasi-identifiers", "grade", "--threshold", "0"]
    )

    assert status == EXIT_USAGE
    assert "threshold must be a probability in (0, 1]" in capsys.readouterr().err


def test_assess_threshold_that_is_not_a_number_exits_two(capsys, school_file):
    with pytest.raises(SystemExit, match="2"):
        main(
            [
                "assess",
                str(school_file),
                "--quasi-identifiers",
                "grade",
                "--threshold",
                "high",
            ]
        )

    assert "invalid float value: 'high'" in capsys.readouterr().err


def test_assess_empty_quasi_identifier_list_exits_two(capsys, school_file):
    status = main(["assess", str(school_file), "--quasi-identifiers", " , "])

    assert status == EXIT_USAGE
    assert "--quasi-identifiers names no column" in capsys.readouterr().err


def test_python_dash_m_privacy_assess_prints_json(school_file):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "privacy",
            "assess",
            str(school_file),
            "--quasi-identifiers",
            "grade,gender",
            "--json",
        ],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["k"] == 1
