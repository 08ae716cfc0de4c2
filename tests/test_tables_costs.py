"""Tests of subgroup costs, the DP comparison and differencing across releases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from privacy.exceptions import InputError
from privacy.tables import DisclosureRule, protect_table
from privacy.tables_costs import (
    SMALL_SCHOOL_STUDENTS,
    compare_with_dp,
    cost_by_subgroup,
    default_subgroups,
    differencing_risks,
    subgroup_cost_figure,
)


@pytest.fixture
def students() -> pd.DataFrame:
    """Grade 1 has 20 students, grade 2 has 3 (all with disabilities)."""
    return pd.DataFrame(
        {
            "grade": ["1"] * 20 + ["2"] * 3,
            "disability": [False] * 20 + [True] * 3,
            "absent": [True] * 10 + [False] * 10 + [True, False, False],
        }
    )


def test_cost_by_subgroup_falls_on_the_small_group(students):
    # Grade 2 (3 students) is primary; grade 1 is withheld beside it, so
    # every cell and every student loses its number.
    protected = protect_table(students, ["grade"], DisclosureRule("n5", 5))
    costs = cost_by_subgroup(students, protected).set_index("subgroup")

    assert costs.loc["Students with disabilities", "students"] == 3
    assert costs.loc["Students with disabilities", "withheld_student_share"] == 1.0
    assert costs.loc["All students", "withheld_cell_share"] == 1.0


def test_cost_by_subgroup_counts_only_the_cells_a_group_is_in():
    table = pd.DataFrame(
        {
            "grade": ["1"] * 30 + ["2"] * 30 + ["3"] * 2,
            "disability": [False] * 30 + [False] * 28 + [True] * 2 + [False] * 2,
        }
    )
    protected = protect_table(table, ["grade"], DisclosureRule("n5", 5))
    costs = cost_by_subgroup(table, protected).set_index("subgroup")

    # Students with disabilities are all in grade 2: one cell.
    assert costs.loc["Students with disabilities", "cells"] == 1


def test_cost_by_subgroup_rejects_another_table(students):
    protected = protect_table(students, ["grade"], DisclosureRule("n5", 5))
    with pytest.raises(InputError, match="has 2 records but the protected table"):
        cost_by_subgroup(students.head(2), protected)


def test_default_subgroups_mark_small_schools():
    table = pd.DataFrame(
        {"school": ["Big"] * SMALL_SCHOOL_STUDENTS + ["Small"] * 3},
    )
    subgroups = default_subgroups(table)
    name = f"Small schools (< {SMALL_SCHOOL_STUDENTS} students)"

    assert subgroups[name].sum() == 3


def test_default_subgroups_list_each_race_group():
    table = pd.DataFrame({"race_ethnicity": ["Asian", "White", None]})
    subgroups = default_subgroups(table)

    assert {"Asian", "White", "(missing)"} <= set(subgroups)


def test_subgroup_cost_figure_draws_one_bar_per_subgroup_and_measure(students):
    protected = protect_table(students, ["grade"], DisclosureRule("n5", 5))
    costs = cost_by_subgroup(students, protected)
    figure = subgroup_cost_figure(costs)

    assert [trace.name for trace in figure.data] == [
        "students withheld",
        "cells withheld",
    ]
    assert list(figure.data[0].x) == costs["withheld_student_share"].tolist()


def test_compare_with_dp_counts_match_at_large_epsilon(students):
    protected = protect_table(students, ["grade"], DisclosureRule("n5", 5))
    comparison = compare_with_dp(students, protected, 1000.0, random_state=3)

    assert comparison.cells["noisy_count"].tolist() == [20, 3]
    laplace = comparison.measures.set_index("method").loc["laplace"]
    assert laplace["withheld_cell_share"] == 0.0
    assert laplace["expected_count_mean_absolute_error"] == pytest.approx(0.001)


def test_compare_with_dp_error_is_near_one_over_epsilon():
    grades = [str(grade) for grade in range(1, 201)]
    table = pd.DataFrame({"grade": np.repeat(grades, 30)})
    protected = protect_table(table, ["grade"], DisclosureRule("n5", 5))
    comparison = compare_with_dp(table, protected, 0.5, random_state=11)

    laplace = comparison.measures.set_index("method").loc["laplace"]
    # Rounding shaves a little off Laplace's 1/epsilon = 2.
    assert 1.5 < laplace["count_mean_absolute_error"] < 2.5


def test_compare_with_dp_rates_report_the_same_error_measure(students):
    protected = protect_table(
        students, ["grade"], DisclosureRule("n5", 5), indicator="absent"
    )
    comparison = compare_with_dp(students, protected, 1000.0, random_state=5)
    measures = comparison.measures.set_index("method")

    assert measures.loc["suppression", "rate_mean_relative_error"] == 1.0
    assert measures.loc["laplace", "rate_mean_relative_error"] < 0.01
    assert measures.loc["laplace", "expected_count_mean_absolute_error"] == 0.002


def test_differencing_flags_a_nested_pair_isolating_few_students():
    all_students = pd.DataFrame({"school": ["A", "B"], "count": [120.0, 80.0]})
    without_program = pd.DataFrame({"school": ["A", "B"], "count": [117.0, 60.0]})
    risks = differencing_risks(
        {"all students": all_students, "without summer jobs": without_program}, 10
    )

    assert risks["school"].tolist() == ["A"]
    assert risks["difference"].tolist() == [3.0]
    assert risks["release_b"].tolist() == ["without summer jobs"]


def test_differencing_ignores_withheld_cells_and_large_differences():
    year_one = pd.DataFrame({"school": ["A", "B"], "count": [np.nan, 80.0]})
    year_two = pd.DataFrame({"school": ["A", "B"], "count": [50.0, 95.0]})
    risks = differencing_risks({"2023-24": year_one, "2024-25": year_two}, 10)

    assert risks.empty


def test_differencing_checks_every_pair_of_three_releases():
    releases = {
        "2022-23": pd.DataFrame({"school": ["A"], "count": [100.0]}),
        "2023-24": pd.DataFrame({"school": ["A"], "count": [120.0]}),
        "2024-25": pd.DataFrame({"school": ["A"], "count": [118.0]}),
    }
    risks = differencing_risks(releases, 10)

    assert list(zip(risks["release_a"], risks["release_b"], strict=True)) == [
        ("2023-24", "2024-25")
    ]


def test_differencing_needs_two_releases():
    with pytest.raises(InputError, match="at least two releases; got 1"):
        differencing_risks({"only": pd.DataFrame({"school": ["A"], "count": [1]})}, 10)


def test_differencing_needs_a_shared_key():
    releases = {
        "a": pd.DataFrame({"school": ["A"], "count": [1]}),
        "b": pd.DataFrame({"grade": ["1"], "count": [1]}),
    }
    with pytest.raises(InputError, match="share no key column"):
        differencing_risks(releases, 10)


def test_protect_table_reports_the_cost_by_subgroup(students):
    protected = protect_table(students, ["grade"], DisclosureRule("n5", 5))

    assert protected.subgroup_costs.equals(cost_by_subgroup(students, protected))
    assert protected.subgroup_costs["subgroup"].tolist() == [
        "All students",
        "Students with disabilities",
    ]
