import numpy as np
import pandas as pd
import pytest

from privacy.exceptions import InputError
from privacy.workload import (
    Workload,
    answers_from_records,
    answers_from_table,
    category_labels,
    default_workload,
    indicator_values,
    score_answers,
    true_answers,
)


def test_indicator_values_reads_booleans_words_and_numbers():
    assert indicator_values(pd.Series([True, False])).tolist() == [1.0, 0.0]
    assert indicator_values(pd.Series(["Yes", "no", "1", "0"])).tolist() == [
        1.0,
        0.0,
        1.0,
        0.0,
    ]


def test_indicator_values_rejects_other_values_naming_them():
    with pytest.raises(InputError, match=r"must be yes/no.*'maybe'"):
        indicator_values(pd.Series(["yes", "maybe"], name="flag"))


def test_missing_values_form_their_own_group_in_the_truth():
    frame = pd.DataFrame({"school": ["A", None, None], "absent": [True, True, False]})
    truth = true_answers(frame, Workload("absent", "school"))
    rates = truth.frames[("school",)]["rate"]
    assert rates.to_dict() == {"(missing)": 0.5, "A": 1.0}
    assert category_labels(pd.Series([None])).tolist() == ["(missing)"]


def test_truth_of_six_students(six_students):
    workload = Workload("chronically_absent", "school", ("grade",))
    truth = true_answers(six_students, workload)
    assert truth.frames[("school",)]["rate"].to_dict() == {"A": 0.75, "B": 0.0}
    assert truth.frames[("school", "grade")]["rate"].tolist() == [0.5, 1.0, 0.0, 0.0]
    assert truth.overall_rate == pytest.approx(0.5)


def test_release_identical_to_the_data_has_no_error(six_students):
    workload = Workload("chronically_absent", "school", ("grade",))
    answers = answers_from_records(
        six_students, six_students, np.zeros(6, dtype=bool), workload
    )
    score = score_answers(true_answers(six_students, workload), answers)
    assert score.workload_error == 0.0
    assert score.answered_share == 1.0
    assert score.cells == 6


def test_fully_generalized_school_answers_every_cell_with_the_overall_rate(
    six_students,
):
    """School hidden: each school's rate is estimated by the overall 50%."""
    workload = Workload("chronically_absent", "school")
    released = six_students.assign(school="*")
    answers = answers_from_records(
        six_students, released, np.zeros(6, dtype=bool), workload
    )
    score = score_answers(true_answers(six_students, workload), answers)
    # |0.5 - 0.75| and |0.5 - 0| in points, averaged: (25 + 50) / 2.
    assert score.workload_error == pytest.approx(37.5)
    # Answered, but only from the coarser group: not at full detail.
    assert score.answered_share == 0.0


def test_suppressed_school_falls_back_to_the_overall_rate(six_students):
    """B's two students withheld: B is estimated by the released overall rate."""
    workload = Workload("chronically_absent", "school")
    suppressed = np.array([False] * 4 + [True] * 2)
    answers = answers_from_records(
        six_students, six_students[~suppressed], suppressed, workload
    )
    score = score_answers(true_answers(six_students, workload), answers)
    # A is exact; B falls back to the released overall rate 3/4: 75 points off.
    assert score.workload_error == pytest.approx(37.5)
    assert score.answered_share == 0.5


def test_release_without_the_outcome_answers_nothing(six_students):
    workload = Workload("chronically_absent", "school")
    released = six_students.drop(columns="chronically_absent")
    answers = answers_from_records(
        six_students, released, np.zeros(6, dtype=bool), workload
    )
    score = score_answers(true_answers(six_students, workload), answers)
    assert score.answered_share == 0.0
    # No information: every cell is read as 50%.
    assert score.workload_error == pytest.approx((25 + 50) / 2)


def test_mismatched_suppression_mask_is_refused(six_students):
    workload = Workload("chronically_absent", "school")
    with pytest.raises(InputError, match="release has 6 rows but 5"):
        answers_from_records(
            six_students,
            six_students,
            np.array([True] + [False] * 5),
            workload,
        )


def test_table_answers_use_margins_for_coarser_groupings():
    published = pd.DataFrame(
        {
            "school": ["A", "A", "B", "A", "B", "All"],
            "grade": ["1", "2", "1", "All", "All", "All"],
            "level": ["school × grade"] * 3 + ["school", "school", "total"],
            "rate": [0.5, 1.0, float("nan"), 0.75, 0.0, 0.5],
        }
    )
    workload = Workload("chronically_absent", "school", ("grade",))
    answers = answers_from_table(published, ["school", "grade"], workload)
    assert answers.frames[("school",)]["rate"].to_dict() == {"A": 0.75, "B": 0.0}
    assert answers.overall_rate == 0.5


def test_default_workload_prefers_school_and_chronic_absence(six_students):
    workload = default_workload(six_students, ["grade", "school"], ["low_income"])
    assert workload == Workload("chronically_absent", "school", ("grade", "low_income"))


def test_default_workload_without_a_yes_no_column_says_what_to_add():
    frame = pd.DataFrame({"school": ["A"], "score": [3.5]})
    with pytest.raises(InputError, match="no yes/no column"):
        default_workload(frame, ["school"], [])


def test_default_workload_without_quasi_identifiers_says_what_to_mark(
    six_students,
):
    with pytest.raises(InputError, match="Mark one on the Data page"):
        default_workload(six_students, [], [])


def test_single_letters_f_and_t_are_not_read_as_yes_no():
    """F is also "female": a gender column must not pass for a flag."""
    with pytest.raises(InputError, match="must be yes/no"):
        indicator_values(pd.Series(["F", "F"], name="gender"))
