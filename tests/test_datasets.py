"""The built-in datasets: shipped files, declared roles, loaders."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from privacy.datasets import (
    BUILTIN_DATASETS,
    SYNTHETIC_ROLES,
    UCI_ROLES,
    Dataset,
    load_builtin,
)
from privacy.exceptions import InputError
from privacy.roles import ColumnRole, columns_with_role
from privacy.synthetic import COLUMNS

REPOSITORY = Path(__file__).resolve().parents[1]
DATA = REPOSITORY / "data"
SHARED_DATA = REPOSITORY.parent / "shared" / "data"

DESE_FILES = (
    "boston_attendance.csv",
    "boston_class_size_selected_populations.csv",
    "boston_enrollment_by_grade.csv",
    "boston_enrollment_by_race_gender_pct.csv",
)
# Checksums of the unmodified UCI originals, as their provenance records them.
UCI_MD5 = {
    "student-mat.csv": "4dc304be95c60de6ee13fb8769469dd7",
    "student-por.csv": "973e7bacf3a16bd16e92185dfd64706b",
}


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


# Shipped files ------------------------------------------------------------


def test_every_shipped_data_folder_has_a_provenance() -> None:
    folders = [path for path in DATA.iterdir() if path.is_dir()]
    assert {folder.name for folder in folders} >= {
        "dese-boston",
        "uci-student-performance",
    }
    for folder in folders:
        assert (folder / "PROVENANCE.md").is_file(), folder


def test_dese_provenance_carries_the_citation() -> None:
    text = (DATA / "dese-boston" / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "Massachusetts DESE, School and District Profiles" in text
    for name in DESE_FILES:
        assert name in text


def test_uci_provenance_carries_the_attribution() -> None:
    text = (DATA / "uci-student-performance" / "PROVENANCE.md").read_text(
        encoding="utf-8"
    )
    assert "CC BY 4.0" in text
    assert "10.24432/C5TG7T" in text
    assert "Cortez" in text and "Silva" in text


@pytest.mark.parametrize("name", sorted(UCI_MD5))
def test_shipped_uci_files_are_the_unmodified_originals(name: str) -> None:
    assert _md5(DATA / "uci-student-performance" / name) == UCI_MD5[name]


@pytest.mark.parametrize("name", DESE_FILES)
def test_shipped_dese_files_equal_the_reviewed_copies(name: str) -> None:
    source = SHARED_DATA / "bps-dese-profiles" / name
    if not source.exists():
        pytest.skip(f"the reviewed copy {source} is not on this machine")
    assert _md5(DATA / "dese-boston" / name) == _md5(source)


# Registry -----------------------------------------------------------------


def test_builtin_names() -> None:
    assert list(BUILTIN_DATASETS) == ["synthetic", "uci-student-mat", "uci-student-por"]
    assert all(description for description in BUILTIN_DATASETS.values())


def test_unknown_name_is_rejected_with_the_known_names() -> None:
    with pytest.raises(
        InputError,
        match=re.escape(
            "Unknown built-in dataset 'adult'. Choose one of 'synthetic', "
            "'uci-student-mat', 'uci-student-por'."
        ),
    ):
        load_builtin("adult")


# UCI ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows"), [("uci-student-mat", 395), ("uci-student-por", 649)]
)
def test_uci_tables_have_their_published_shape(name: str, rows: int) -> None:
    dataset = load_builtin(name)
    assert dataset.table.shape == (rows, 33)
    assert dataset.kind == "real"
    assert "CC BY 4.0" in dataset.source


@pytest.mark.parametrize("name", ["uci-student-mat", "uci-student-por"])
def test_uci_grades_are_integers_despite_the_quoting(name: str) -> None:
    table = load_builtin(name).table
    for column in ("G1", "G2", "G3", "age", "absences"):
        assert pd.api.types.is_integer_dtype(table[column]), column


def test_uci_math_counts_match_the_provenance() -> None:
    table = load_builtin("uci-student-mat").table
    assert table["school"].value_counts().to_dict() == {"GP": 349, "MS": 46}
    assert table["sex"].value_counts().to_dict() == {"F": 208, "M": 187}


def test_uci_roles_cover_every_column_and_name_the_quasi_identifiers() -> None:
    dataset = load_builtin("uci-student-por")
    assert set(dataset.roles) == set(dataset.table.columns)
    quasi_identifiers = columns_with_role(dataset.roles, ColumnRole.QUASI_IDENTIFIER)
    assert {"school", "sex", "age", "address"} <= set(quasi_identifiers)
    assert not columns_with_role(dataset.roles, ColumnRole.DIRECT_IDENTIFIER)
    sensitive = set(columns_with_role(dataset.roles, ColumnRole.SENSITIVE))
    assert {"failures", "health", "Dalc", "Walc", "absences", "G1", "G2", "G3"} <= (
        sensitive
    )


def test_uci_sample_is_seeded_and_sized() -> None:
    first = load_builtin("uci-student-mat", seed=3, students=40).table
    again = load_builtin("uci-student-mat", seed=3, students=40).table
    assert len(first) == 40
    pd.testing.assert_frame_equal(first, again)


def test_uci_sample_larger_than_the_table_is_rejected() -> None:
    with pytest.raises(InputError, match="has 395 students; cannot sample 396"):
        load_builtin("uci-student-mat", students=396)


@pytest.mark.parametrize("students", [0, -1, 2.5, True])
def test_uci_bad_sample_size_is_rejected(students: object) -> None:
    with pytest.raises(InputError, match="number of students must be a whole"):
        load_builtin("uci-student-por", students=students)  # type: ignore[arg-type]


def test_uci_bad_seed_is_rejected() -> None:
    with pytest.raises(
        InputError, match=re.escape("seed must be a whole number of 0 or more; got -2.")
    ):
        load_builtin("uci-student-por", seed=-2)


# Synthetic ----------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_sample() -> Dataset:
    return load_builtin("synthetic", year="2022-23", seed=5, students=300)


def test_synthetic_roles_are_declared_for_every_column(
    synthetic_sample: Dataset,
) -> None:
    assert tuple(synthetic_sample.roles) == COLUMNS
    assert synthetic_sample.roles == SYNTHETIC_ROLES


def test_synthetic_roles_follow_the_design(synthetic_sample: Dataset) -> None:
    roles = synthetic_sample.roles
    assert columns_with_role(roles, ColumnRole.DIRECT_IDENTIFIER) == [
        "student_id",
        "full_name",
    ]
    assert columns_with_role(roles, ColumnRole.QUASI_IDENTIFIER) == [
        "date_of_birth",
        "home_zip",
        "neighborhood",
        "school",
        "school_id",
        "grade",
        "gender",
        "race_ethnicity",
    ]
    assert columns_with_role(roles, ColumnRole.SENSITIVE) == [
        "english_learner",
        "disability",
        "low_income",
        "ela_score",
        "math_score",
    ]
    # Attendance is the outcome under study, shared from tier 3 on.
    assert roles["chronically_absent"] == ColumnRole.OTHER


def test_synthetic_dataset_can_be_loaded_again_from_its_origin(
    synthetic_sample: Dataset,
) -> None:
    origin = dict(synthetic_sample.origin)
    again = load_builtin(origin.pop("builtin"), **origin)
    assert again.table.equals(synthetic_sample.table)


def test_synthetic_dataset_carries_year_sample_and_source(
    synthetic_sample: Dataset,
) -> None:
    assert len(synthetic_sample.table) == 300
    assert synthetic_sample.kind == "synthetic"
    assert "2022-23" in synthetic_sample.name
    assert "sample of 300" in synthetic_sample.name
    assert "Massachusetts DESE, School and District Profiles" in (
        synthetic_sample.source
    )
    assert any("no longer DESE's" in note for note in synthetic_sample.notes)


def test_synthetic_roles_are_a_copy_the_caller_may_edit() -> None:
    dataset = load_builtin("synthetic", students=10)
    dataset.roles["school"] = ColumnRole.OTHER
    assert SYNTHETIC_ROLES["school"] == ColumnRole.QUASI_IDENTIFIER


def test_synthetic_bad_year_is_rejected_with_the_valid_years() -> None:
    with pytest.raises(
        InputError, match=r"school year '2030-31'\. Choose one of 2017-18"
    ):
        load_builtin("synthetic", year="2030-31")


def test_uci_roles_constant_matches_the_file_columns() -> None:
    table = load_builtin("uci-student-mat").table
    assert list(UCI_ROLES) == list(table.columns)
