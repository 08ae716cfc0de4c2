"""Shared fixtures: small tables whose answers are obvious by hand."""

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from privacy.roles import ColumnRole

# Continuous integration runs the same property examples every time, so that a
# red run is reproducible and a green one is not luck; developers' runs keep
# exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_DATA = REPOSITORY.parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """Path of a peer test file beside the repository, or skip the test."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"peer data {path} is not available on this machine")
    return path


@pytest.fixture
def six_students() -> pd.DataFrame:
    """Two schools: A has four students (three chronically absent), B two (none)."""
    return pd.DataFrame(
        {
            "student_id": ["000101", "000102", "000103", "000104", "000105", "000106"],
            "school": ["A", "A", "A", "A", "B", "B"],
            "grade": ["1", "1", "2", "2", "1", "2"],
            "gender": ["F", "M", "F", "M", "F", "M"],
            "low_income": [True, True, False, False, True, False],
            "chronically_absent": [True, False, True, True, False, False],
        }
    )


@pytest.fixture
def six_student_roles() -> dict[str, ColumnRole]:
    return {
        "student_id": ColumnRole.DIRECT_IDENTIFIER,
        "school": ColumnRole.QUASI_IDENTIFIER,
        "grade": ColumnRole.QUASI_IDENTIFIER,
        "gender": ColumnRole.QUASI_IDENTIFIER,
        "low_income": ColumnRole.SENSITIVE,
        "chronically_absent": ColumnRole.OTHER,
    }
