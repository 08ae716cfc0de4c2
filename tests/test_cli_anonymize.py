"""Tests for ``python -m privacy anonymize``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import privacy.cli
from privacy.cli import EXIT_USAGE, main

# Four women in their thirties, four men in their forties and one outlier.
PEOPLE_CSV = """age,sex,zip,score
31,F,02139,70
32,F,02139,80
33,F,02139,80
34,F,02139,60
41,M,02134,90
42,M,02134,75
43,M,02134,85
44,M,02134,65
90,F,99999,90
"""
AGE_HIERARCHY = "\n".join(
    f"{age};{age // 10 * 10}-{age // 10 * 10 + 9};{'<50' if age < 50 else '>=50'};*"
    for age in range(1, 100)
)
SEX_HIERARCHY = "F;*\nM;*"


@pytest.fixture(autouse=True)
def only_this_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the parser with this subcommand alone, whatever the others do."""
    monkeypatch.setattr(privacy.cli, "_COMMANDS", ("anonymize",))


@pytest.fixture
def people_file(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE_CSV, encoding="utf-8")
    return path


@pytest.fixture
def hierarchy_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "hierarchies"
    folder.mkdir()
    (folder / "study_hierarchy_age.csv").write_text(AGE_HIERARCHY)
    (folder / "sex.csv").write_text(SEX_HIERARCHY)
    return folder


def anonymize(*arguments: str) -> int:
    return main(["anonymize", *arguments])


def test_anonymize_writes_the_k_anonymous_release(
    people_file, hierarchy_folder, tmp_path
):
    out = tmp_path / "release.csv"
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "age,sex",
        "--hierarchies",
        str(hierarchy_folder),
        "--k",
        "2",
        "--max-suppression",
        "0.2",
        "--out",
        str(out),
    )
    release = pd.read_csv(out, dtype=str)
    # Decades and sex kept cost least; the 90-year-old is suppressed.
    assert status == 0
    assert release["age"].tolist() == ["30-39"] * 4 + ["40-49"] * 4
    assert release["sex"].tolist() == ["F"] * 4 + ["M"] * 4


def test_anonymize_prints_levels_k_suppression_and_loss(
    capsys, people_file, hierarchy_folder, tmp_path
):
    anonymize(
        str(people_file),
        "--quasi-identifiers",
        "age,sex",
        "--hierarchies",
        str(hierarchy_folder),
        "--k",
        "2",
        "--max-suppression",
        "0.2",
        "--out",
        str(tmp_path / "release.csv"),
    )
    printed = capsys.readouterr().out
    assert "age=1, sex=0" in printed
    assert "k achieved" in printed
    assert "1 of 9 (11.1%)" in printed
    assert "information loss (loss)" in printed


def test_anonymize_uses_default_hierarchies_without_a_folder(
    capsys, people_file, tmp_path
):
    out = tmp_path / "release.csv"
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "zip",
        "--k",
        "2",
        "--max-suppression",
        "0.2",
        "--out",
        str(out),
    )
    # ZIP codes get the masking hierarchy and keep their leading zeros.
    assert status == 0
    assert pd.read_csv(out, dtype=str)["zip"].tolist() == ["02139"] * 4 + ["02134"] * 4


def test_anonymize_local_releases_ranges(people_file, tmp_path):
    out = tmp_path / "release.csv"
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "age",
        "--k",
        "4",
        "--local",
        "--out",
        str(out),
    )
    release = pd.read_csv(out)
    assert status == 0
    assert release["age"].value_counts().min() >= 4
    assert release["age"].str.fullmatch(r"\[\d+, \d+\]").all()


def test_anonymize_k_larger_than_the_file_exits_2_with_one_line(
    capsys, people_file, tmp_path
):
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "age",
        "--k",
        "10",
        "--out",
        str(tmp_path / "release.csv"),
    )
    error = capsys.readouterr().err
    assert status == EXIT_USAGE
    assert error.count("\n") == 1
    assert "k = 10 is larger than the table" in error


def test_anonymize_hierarchy_missing_a_value_names_it(
    capsys, people_file, hierarchy_folder, tmp_path
):
    (hierarchy_folder / "sex.csv").write_text("F;*")
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "sex",
        "--hierarchies",
        str(hierarchy_folder),
        "--k",
        "2",
        "--out",
        str(tmp_path / "release.csv"),
    )
    assert status == EXIT_USAGE
    assert "does not cover 1 value(s) found in the data: 'M'" in capsys.readouterr().err


def test_anonymize_missing_hierarchy_folder_exits_2(capsys, people_file, tmp_path):
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "age",
        "--hierarchies",
        str(tmp_path / "nowhere"),
        "--k",
        "2",
        "--out",
        str(tmp_path / "release.csv"),
    )
    assert status == EXIT_USAGE
    assert "No hierarchy folder" in capsys.readouterr().err


def test_anonymize_two_files_for_one_column_exits_2(
    capsys, people_file, hierarchy_folder, tmp_path
):
    (hierarchy_folder / "age.csv").write_text(AGE_HIERARCHY)
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "age",
        "--hierarchies",
        str(hierarchy_folder),
        "--k",
        "2",
        "--out",
        str(tmp_path / "release.csv"),
    )
    assert status == EXIT_USAGE
    assert "Several hierarchy files for 'age'" in capsys.readouterr().err


def test_anonymize_unknown_column_exits_2(capsys, people_file, tmp_path):
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "height",
        "--k",
        "2",
        "--out",
        str(tmp_path / "release.csv"),
    )
    assert status == EXIT_USAGE
    assert "Unknown quasi-identifier column(s) ['height']" in capsys.readouterr().err


def test_anonymize_refuses_to_overwrite_its_input(capsys, people_file):
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "age",
        "--k",
        "2",
        "--out",
        str(people_file),
    )
    assert status == EXIT_USAGE
    assert "is the input file" in capsys.readouterr().err
    assert people_file.read_text(encoding="utf-8") == PEOPLE_CSV


def test_anonymize_local_with_l_exits_2(capsys, people_file, tmp_path):
    status = anonymize(
        str(people_file),
        "--quasi-identifiers",
        "age",
        "--k",
        "2",
        "--local",
        "--sensitive",
        "score",
        "--l",
        "2",
        "--out",
        str(tmp_path / "release.csv"),
    )
    assert status == EXIT_USAGE
    assert "--local makes k-anonymous groups only" in capsys.readouterr().err


def test_anonymize_without_k_is_a_usage_error(capsys, people_file, tmp_path):
    with pytest.raises(SystemExit, match="2"):
        anonymize(
            str(people_file),
            "--quasi-identifiers",
            "age",
            "--out",
            str(tmp_path / "release.csv"),
        )
    assert "--k" in capsys.readouterr().err
