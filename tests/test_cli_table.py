"""Tests of ``python -m privacy table``."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from privacy.cli.table import register

REPOSITORY = Path(__file__).resolve().parents[1]


def run_table(arguments: list[str]) -> int:
    """Parse and run the subcommand in this process."""
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    parsed = parser.parse_args(["table", *arguments])
    return parsed.handler(parsed)


@pytest.fixture
def students_file(tmp_path: Path) -> Path:
    """A school x grade file with one small cell (A, 2) = 2."""
    rows = (
        [("A", "1", True)] * 15
        + [("A", "2", False)] * 2
        + [("B", "1", False)] * 20
        + [("B", "2", True)] * 12
    )
    path = tmp_path / "students.csv"
    pd.DataFrame(rows, columns=["school", "grade", "absent"]).to_csv(path, index=False)
    return path


def test_table_writes_the_release_without_true_small_counts(students_file, tmp_path):
    out = tmp_path / "release.csv"
    status = run_table([str(students_file), "--by", "school,grade", "--out", str(out)])

    release = pd.read_csv(out, dtype={"grade": str})
    small = release.query("school == 'A' and grade == '2'")
    assert status == 0
    assert small["count"].isna().all()
    assert "count_reason" not in release.columns


def test_table_prints_a_passing_audit(students_file, tmp_path, capsys):
    out = tmp_path / "release.csv"
    run_table(
        [
            *(str(students_file), "--by", "school,grade"),
            *("--preset", "dese-6", "--out", str(out)),
        ]
    )

    printed = capsys.readouterr().out
    assert "rule: dese-6, minimum 6" in printed
    assert "audit: passed" in printed


def test_table_primary_only_prints_the_exposed_cells(students_file, tmp_path, capsys):
    out = tmp_path / "release.csv"
    run_table(
        [
            *(str(students_file), "--by", "school,grade", "--min-count", "5"),
            *("--primary-only", "--out", str(out)),
        ]
    )

    printed = capsys.readouterr().out
    assert "audit: 1 withheld cell(s) exposed" in printed
    assert "count of school=A, grade=2: attacker derives [2, 2]" in printed


def test_table_with_an_indicator_writes_rates(students_file, tmp_path):
    out = tmp_path / "release.csv"
    run_table(
        [
            *(str(students_file), "--by", "school", "--indicator", "absent"),
            *("--min-count", "5", "--out", str(out)),
        ]
    )

    release = pd.read_csv(out)
    assert {"rate", "rate_label"} <= set(release.columns)


def test_table_exits_2_on_an_unknown_column(students_file, tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "privacy",
            "table",
            str(students_file),
            "--by",
            "schol",
            "--out",
            str(tmp_path / "release.csv"),
        ],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 2
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "Unknown column(s) ['schol']" in completed.stderr


def test_table_exits_2_on_a_bad_minimum(students_file, tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "privacy",
            "table",
            str(students_file),
            "--by",
            "school",
            "--min-count",
            "0",
            "--out",
            str(tmp_path / "release.csv"),
        ],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 2
    assert "minimum count must be between 1 and 1000; got 0" in completed.stderr
