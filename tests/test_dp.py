"""The session budget and the differentially private count tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from diffprivlib.accountant import BudgetAccountant
from diffprivlib.utils import BudgetError
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.dp import (
    BudgetExceededError,
    LedgerEntry,
    PrivacyBudget,
    dp_count_table,
    validate_epsilon,
)
from privacy.exceptions import InputError

GRADES = {"grade": [9, 10, 11, 12]}


@pytest.fixture
def students() -> pd.DataFrame:
    # Three ninth graders, one tenth grader, nobody in 11 or 12, and one
    # record in grade 13, which is not a declared category.
    return pd.DataFrame(
        {
            "grade": [9, 9, 9, 10, 13],
            "school": ["A", "A", "B", "B", "B"],
        }
    )


# --- budget -----------------------------------------------------------------


def test_budget_defaults_to_a_cap_of_one() -> None:
    budget = PrivacyBudget()
    assert (budget.cap, budget.spent, budget.remaining) == (1.0, 0.0, 1.0)


def test_three_releases_of_a_tenth_fit_a_cap_of_three_tenths() -> None:
    budget = PrivacyBudget(cap=0.3)
    for _ in range(3):
        budget.charge(0.1, "counts")
    assert budget.spent == 0.3
    assert budget.remaining == 0.0


def test_diffprivlib_accountant_mirrors_exact_spending() -> None:
    budget = PrivacyBudget(cap=0.3)
    for _ in range(3):
        budget.charge(0.1, "counts")
    assert budget.accountant.spent_budget == [(0.1, 0.0)] * 3


def test_plain_diffprivlib_accountant_would_refuse_the_third_tenth() -> None:
    """Why the budget keeps exact fractions and sizes its mirror with slack."""
    accountant = BudgetAccountant(epsilon=0.3, delta=0.0)
    accountant.spend(0.1, 0.0)
    accountant.spend(0.1, 0.0)
    with pytest.raises(BudgetError, match="will exceed remaining privacy budget"):
        accountant.spend(0.1, 0.0)


def test_each_budget_owns_its_accountant() -> None:
    first, second = PrivacyBudget(), PrivacyBudget()
    first.charge(0.5, "counts")
    assert first.accountant is not second.accountant
    assert second.accountant.spent_budget == []


def test_charge_over_the_cap_is_refused_with_what_is_left() -> None:
    budget = PrivacyBudget(cap=1.0)
    budget.charge(0.75, "counts")
    with pytest.raises(BudgetExceededError, match=r"only ε = 0\.25 is left"):
        budget.charge(0.5, "more counts")


def test_refused_charge_spends_nothing() -> None:
    budget = PrivacyBudget(cap=1.0)
    budget.charge(0.75, "counts")
    with pytest.raises(BudgetExceededError, match=r"needs ε = 0\.5"):
        budget.charge(0.5, "more counts")
    assert budget.spent == 0.75
    assert len(budget.ledger) == 1


def test_budget_exceeded_error_is_an_input_error() -> None:
    assert issubclass(BudgetExceededError, InputError)


def test_ledger_lists_releases_in_order() -> None:
    budget = PrivacyBudget()
    budget.charge(0.25, "counts by school")
    budget.charge(0.5, "rates by grade")
    assert budget.ledger == [
        LedgerEntry("counts by school", 0.25),
        LedgerEntry("rates by grade", 0.5),
    ]


def test_ledger_is_a_copy() -> None:
    budget = PrivacyBudget()
    budget.ledger.append(LedgerEntry("forged", 0.1))
    assert budget.ledger == []


def test_can_afford_is_exact_at_the_cap() -> None:
    budget = PrivacyBudget(cap=0.3)
    budget.charge(0.1, "a")
    budget.charge(0.1, "b")
    assert budget.can_afford(0.1)
    assert not budget.can_afford(0.1000001)


@pytest.mark.parametrize("cap", [0, -1, float("inf"), float("nan"), "1", True])
def test_budget_rejects_a_cap_that_is_not_positive_and_finite(cap: object) -> None:
    with pytest.raises(InputError, match="cap must be a number above 0"):
        PrivacyBudget(cap=cap)  # type: ignore[arg-type]


@pytest.mark.parametrize("epsilon", [0, -0.5, float("inf"), None])
def test_validate_epsilon_rejects_non_positive_values(epsilon: object) -> None:
    with pytest.raises(InputError, match="epsilon must be a number above 0"):
        validate_epsilon(epsilon)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.decimals(min_value="0.01", max_value="0.5", places=2),
        min_size=1,
        max_size=12,
    )
)
def test_spent_is_the_exact_sum_of_charges(amounts: list) -> None:
    budget = PrivacyBudget(cap=6.0)
    for amount in amounts:
        budget.charge(float(amount), "release")
    assert budget.spent == float(sum(amounts))


# --- count tables -------------------------------------------------------------


def test_count_table_has_one_row_per_declared_cell(students: pd.DataFrame) -> None:
    release = dp_count_table(
        students, ["grade"], GRADES, 1.0, budget=PrivacyBudget(), random_state=1
    )
    assert release.counts["grade"].tolist() == [9, 10, 11, 12]


def test_count_table_crosses_the_declared_lists(students: pd.DataFrame) -> None:
    categories = {"grade": [9, 10], "school": ["A", "B", "C"]}
    release = dp_count_table(
        students,
        ["school", "grade"],
        categories,
        1.0,
        budget=PrivacyBudget(),
        random_state=1,
    )
    assert list(release.counts[["school", "grade"]].itertuples(index=False)) == [
        ("A", 9),
        ("A", 10),
        ("B", 9),
        ("B", 10),
        ("C", 9),
        ("C", 10),
    ]


def test_undeclared_value_never_appears(students: pd.DataFrame) -> None:
    release = dp_count_table(
        students, ["grade"], GRADES, 1.0, budget=PrivacyBudget(), random_state=1
    )
    assert 13 not in release.counts["grade"].tolist()


def test_records_outside_declared_categories_are_counted(
    students: pd.DataFrame,
) -> None:
    release = dp_count_table(
        students, ["grade"], GRADES, 1.0, budget=PrivacyBudget(), random_state=1
    )
    assert release.outside_declared == 1


def test_large_epsilon_gives_the_true_counts(students: pd.DataFrame) -> None:
    release = dp_count_table(
        students,
        ["grade"],
        GRADES,
        1000.0,
        budget=PrivacyBudget(cap=1000.0),
        random_state=3,
    )
    assert release.counts["count"].tolist() == [3.0, 1.0, 0.0, 0.0]


def test_count_table_charges_epsilon_once(students: pd.DataFrame) -> None:
    budget = PrivacyBudget()
    dp_count_table(
        students,
        ["school", "grade"],
        {"school": ["A", "B"], **GRADES},
        0.4,
        budget=budget,
        random_state=1,
    )
    assert budget.ledger == [LedgerEntry("Counts by school, grade", 0.4)]


def test_same_seed_gives_the_same_release(students: pd.DataFrame) -> None:
    def release() -> list[float]:
        return (
            dp_count_table(
                students,
                ["grade"],
                GRADES,
                0.5,
                budget=PrivacyBudget(),
                random_state=42,
            )
            .counts["count"]
            .tolist()
        )

    assert release() == release()


def test_release_stores_a_fresh_seed_when_none_given(students: pd.DataFrame) -> None:
    release = dp_count_table(students, ["grade"], GRADES, 0.5, budget=PrivacyBudget())
    assert 0 <= release.random_seed < 2**32


def test_rerun_with_the_stored_seed_reproduces_the_release(
    students: pd.DataFrame,
) -> None:
    first = dp_count_table(students, ["grade"], GRADES, 0.5, budget=PrivacyBudget())
    again = dp_count_table(
        students,
        ["grade"],
        GRADES,
        0.5,
        budget=PrivacyBudget(),
        random_state=first.random_seed,
    )
    pd.testing.assert_frame_equal(first.counts, again.counts)


def test_release_over_budget_is_refused_before_any_noise(
    students: pd.DataFrame,
) -> None:
    budget = PrivacyBudget(cap=0.5)
    with pytest.raises(BudgetExceededError, match=r"only ε = 0\.5 is left"):
        dp_count_table(students, ["grade"], GRADES, 0.6, budget=budget)
    assert budget.ledger == []


def test_clamp_and_round_give_whole_non_negative_counts() -> None:
    table = pd.DataFrame({"grade": [9] * 2})
    release = dp_count_table(
        table,
        ["grade"],
        {"grade": list(range(100))},
        0.1,
        budget=PrivacyBudget(),
        random_state=5,
    )
    counts = release.counts["count"]
    assert (counts >= 0).all()
    assert (counts == counts.round()).all()


def test_postprocessing_is_listed_in_words(students: pd.DataFrame) -> None:
    release = dp_count_table(
        students, ["grade"], GRADES, 1.0, budget=PrivacyBudget(), random_state=1
    )
    assert release.postprocessing == (
        "negative counts set to 0",
        "counts rounded to whole students",
    )


def test_without_postprocessing_counts_can_be_negative() -> None:
    table = pd.DataFrame({"grade": [9]})
    release = dp_count_table(
        table,
        ["grade"],
        {"grade": list(range(200))},
        0.5,
        budget=PrivacyBudget(),
        random_state=5,
        postprocess=(),
    )
    assert (release.counts["count"] < 0).any()
    assert release.postprocessing == ()


def test_consistent_total_makes_cells_add_up_to_the_noisy_total() -> None:
    table = pd.DataFrame({"grade": [9] * 40 + [10] * 25 + [11] * 3})
    release = dp_count_table(
        table,
        ["grade"],
        {"grade": [9, 10, 11, 12]},
        0.5,
        budget=PrivacyBudget(),
        random_state=11,
        consistent_total=True,
    )
    assert release.counts["count"].sum() == round(release.noisy_total)


def test_consistent_total_spends_half_on_the_cells() -> None:
    table = pd.DataFrame({"grade": [9, 10]})
    release = dp_count_table(
        table,
        ["grade"],
        {"grade": [9, 10]},
        0.5,
        budget=PrivacyBudget(),
        random_state=11,
        consistent_total=True,
    )
    assert "scale 1/ε = 4" in release.mechanism


def test_geometric_mechanism_gives_whole_numbers_without_rounding() -> None:
    table = pd.DataFrame({"grade": [9] * 10})
    release = dp_count_table(
        table,
        ["grade"],
        {"grade": list(range(50))},
        0.3,
        budget=PrivacyBudget(),
        random_state=2,
        postprocess=(),
        mechanism="geometric",
    )
    counts = release.counts["count"]
    assert (counts == counts.round()).all()
    assert "geometric" in release.mechanism


def test_count_table_rejects_unknown_column(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match=r"Unknown column\(s\) \['zip'\]"):
        dp_count_table(
            students, ["zip"], {"zip": ["02118"]}, 1.0, budget=PrivacyBudget()
        )


def test_count_table_requires_declared_categories(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="No categories declared for dimension"):
        dp_count_table(students, ["school"], {}, 1.0, budget=PrivacyBudget())


def test_count_table_rejects_repeated_categories(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="repeat a value"):
        dp_count_table(
            students, ["grade"], {"grade": [9, 9]}, 1.0, budget=PrivacyBudget()
        )


def test_count_table_rejects_unknown_mechanism(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="mechanism must be one of"):
        dp_count_table(
            students,
            ["grade"],
            GRADES,
            1.0,
            budget=PrivacyBudget(),
            mechanism="gaussian",
        )


def test_count_table_rejects_unknown_postprocessing(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="postprocess must list steps"):
        dp_count_table(
            students,
            ["grade"],
            GRADES,
            1.0,
            budget=PrivacyBudget(),
            postprocess=("smooth",),
        )


def test_count_table_rejects_bad_seed(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="random_state must be a whole number"):
        dp_count_table(
            students, ["grade"], GRADES, 1.0, budget=PrivacyBudget(), random_state=-1
        )


def test_count_table_rejects_zero_epsilon(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="got 0"):
        dp_count_table(students, ["grade"], GRADES, 0, budget=PrivacyBudget())


def test_count_table_on_an_empty_table_releases_noisy_zeros() -> None:
    table = pd.DataFrame({"grade": pd.Series([], dtype=int)})
    release = dp_count_table(
        table, ["grade"], GRADES, 1000.0, budget=PrivacyBudget(cap=1000.0)
    )
    assert release.counts["count"].tolist() == [0.0] * 4


# --- distribution ---------------------------------------------------------------


def test_laplace_noise_has_scale_one_over_epsilon() -> None:
    # 4,000 cells of true count 50: the noise is far from 0, so clamping never
    # applies and the released values are count + Laplace(1/ε) exactly.
    table = pd.DataFrame({"cell": np.repeat(np.arange(4000), 50)})
    epsilon = 0.5
    release = dp_count_table(
        table,
        ["cell"],
        {"cell": list(range(4000))},
        epsilon,
        budget=PrivacyBudget(),
        random_state=2024,
        postprocess=(),
    )
    noise = release.counts["count"].to_numpy() - 50
    assert abs(noise.mean()) < 0.15
    # Mean absolute deviation of Laplace(b) is b; its standard error here is
    # b / sqrt(4000) ≈ 0.03.
    assert np.abs(noise).mean() == pytest.approx(1 / epsilon, rel=0.05)


def test_geometric_noise_matches_its_variance() -> None:
    table = pd.DataFrame({"cell": np.repeat(np.arange(4000), 50)})
    epsilon = 0.5
    release = dp_count_table(
        table,
        ["cell"],
        {"cell": list(range(4000))},
        epsilon,
        budget=PrivacyBudget(),
        random_state=7,
        postprocess=(),
        mechanism="geometric",
    )
    noise = release.counts["count"].to_numpy() - 50
    # Two-sided geometric with q = e^-ε has variance 2q / (1 - q)^2.
    q = np.exp(-epsilon)
    assert noise.var() == pytest.approx(2 * q / (1 - q) ** 2, rel=0.08)


@settings(max_examples=50, deadline=None)
@given(
    grades=st.lists(st.integers(min_value=0, max_value=8), max_size=30),
    declared=st.sets(st.integers(min_value=0, max_value=8), min_size=1),
)
def test_only_declared_cells_appear_and_the_rest_is_counted(
    grades: list[int], declared: set[int]
) -> None:
    table = pd.DataFrame({"grade": pd.Series(grades, dtype=int)})
    release = dp_count_table(
        table,
        ["grade"],
        {"grade": sorted(declared)},
        1.0,
        budget=PrivacyBudget(),
        random_state=0,
    )
    assert release.counts["grade"].tolist() == sorted(declared)
    assert release.outside_declared == sum(grade not in declared for grade in grades)
