import numpy as np
import pandas as pd
import pytest

from privacy.datasets import load_builtin
from privacy.effects import _usable_covariates, estimate_program_effect
from privacy.exceptions import InputError
from privacy.synthetic import SUMMER_JOBS_ATTENDANCE_EFFECT


def test_adjusting_for_the_confounder_recovers_the_effect():
    """Within each school participants attend 2 points more (see the doctest)."""
    frame = pd.DataFrame(
        {
            "school": ["A"] * 4 + ["B"] * 4,
            "jobs": [True, True, True, False, True, False, False, False],
            "attendance": [92.0, 92.0, 92.0, 90.0, 97.0, 95.0, 95.0, 95.0],
        }
    )
    naive = estimate_program_effect(frame, "jobs", "attendance", [])
    adjusted = estimate_program_effect(frame, "jobs", "attendance", ["school"])
    assert naive.estimate == pytest.approx(-0.5)
    assert adjusted.estimate == pytest.approx(2.0)
    assert adjusted.adjusted_for == ("school",)
    assert adjusted.records == 8


def test_a_relabelled_covariate_is_adjusted_for_once():
    frame = pd.DataFrame(
        {"school": ["A", "B", "A"], "school_id": ["1", "2", "1"], "x": [1, 2, 3]}
    )
    assert _usable_covariates(frame, ["school", "school_id"], exclude=()) == ["school"]


def test_continuous_numbers_are_not_adjusted_for_as_categories():
    frame = pd.DataFrame({"score": np.arange(50.0), "grade": ["1", "2"] * 25})
    assert _usable_covariates(frame, ["score", "grade"], exclude=()) == ["grade"]


def test_no_participant_is_refused():
    frame = pd.DataFrame({"jobs": [False, False], "attendance": [90.0, 95.0]})
    with pytest.raises(InputError, match="Nobody, or everybody"):
        estimate_program_effect(frame, "jobs", "attendance", [])


def test_missing_outcome_is_refused_naming_it():
    frame = pd.DataFrame({"jobs": [True, False]})
    with pytest.raises(InputError, match="no 'attendance' column"):
        estimate_program_effect(frame, "jobs", "attendance", [])


def test_synthetic_population_effect_is_recovered_when_adjusted():
    """On the whole district the adjusted estimate is within 3 standard errors."""
    table = load_builtin("synthetic").table
    covariates = ["school", "grade", "english_learner", "disability", "low_income"]
    estimate = estimate_program_effect(
        table, "summer_jobs", "attendance_rate", covariates
    )
    assert estimate.estimate == pytest.approx(SUMMER_JOBS_ATTENDANCE_EFFECT, abs=1.0)
    naive = estimate_program_effect(table, "summer_jobs", "attendance_rate", [])
    assert naive.estimate < SUMMER_JOBS_ATTENDANCE_EFFECT - 2
