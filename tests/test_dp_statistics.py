"""Rates, and the mean, sum and quantile of a column between declared bounds."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from diffprivlib.utils import PrivacyLeakWarning as DiffprivlibLeakWarning

from privacy.dp import (
    BudgetExceededError,
    DifferentialPrivacyLeakWarning,
    LedgerEntry,
    PrivacyBudget,
    PublicDenominatorWarning,
    dp_mean,
    dp_quantile,
    dp_rate_table,
    dp_sum,
    rate_from_noisy_counts,
    surfaced_leak_warnings,
)
from privacy.exceptions import InputError, PrivacyWarning

SCHOOLS = {"school": ["A", "B", "C"]}


@pytest.fixture
def absences() -> pd.DataFrame:
    # School A: 1 of 4 chronically absent; B: 2 of 2; C: nobody enrolled.
    return pd.DataFrame(
        {
            "school": ["A", "A", "A", "A", "B", "B"],
            "chronically_absent": [True, False, False, False, True, True],
            "days_absent": [20.0, 1.0, 3.0, 0.0, 25.0, 30.0],
        }
    )


def big_budget() -> PrivacyBudget:
    return PrivacyBudget(cap=10_000.0)


# --- rates ---------------------------------------------------------------------


def test_rates_at_large_epsilon_are_the_true_rates(absences: pd.DataFrame) -> None:
    release = dp_rate_table(
        absences,
        ["school"],
        SCHOOLS,
        "chronically_absent",
        5000.0,
        budget=big_budget(),
        random_state=4,
    )
    assert release.rates["rate"].round(2).tolist() == [0.25, 1.0, 0.0]


def test_noisy_denominator_splits_epsilon_in_halves(absences: pd.DataFrame) -> None:
    release = dp_rate_table(
        absences,
        ["school"],
        SCHOOLS,
        "chronically_absent",
        1.0,
        budget=PrivacyBudget(),
        random_state=4,
    )
    assert release.budget_split == (
        "ε/2 = 0.5 for the numerators, ε/2 = 0.5 for the denominators"
    )


def test_rate_table_charges_epsilon_once(absences: pd.DataFrame) -> None:
    budget = PrivacyBudget()
    dp_rate_table(
        absences,
        ["school"],
        SCHOOLS,
        "chronically_absent",
        0.6,
        budget=budget,
        random_state=4,
    )
    assert budget.ledger == [LedgerEntry("Rate of chronically_absent by school", 0.6)]


def test_public_denominator_is_exact_and_warned(absences: pd.DataFrame) -> None:
    with pytest.warns(PublicDenominatorWarning, match="released exactly"):
        release = dp_rate_table(
            absences,
            ["school"],
            SCHOOLS,
            "chronically_absent",
            1.0,
            budget=PrivacyBudget(),
            random_state=4,
            denominator="public",
        )
    # Cell C has no student; its denominator is raised to 1 like any other.
    assert release.rates["denominator"].tolist() == [4.0, 2.0, 1.0]


def test_public_denominator_warning_is_a_privacy_warning() -> None:
    assert issubclass(PublicDenominatorWarning, PrivacyWarning)


def test_rates_stay_between_zero_and_one(absences: pd.DataFrame) -> None:
    release = dp_rate_table(
        absences,
        ["school"],
        SCHOOLS,
        "chronically_absent",
        0.05,
        budget=PrivacyBudget(),
        random_state=9,
    )
    assert release.rates["rate"].between(0, 1).all()


def test_rate_table_rejects_a_column_that_is_not_yes_no(
    absences: pd.DataFrame,
) -> None:
    with pytest.raises(InputError, match="must hold only yes/no values"):
        dp_rate_table(
            absences, ["school"], SCHOOLS, "days_absent", 1.0, budget=PrivacyBudget()
        )


def test_rate_table_requires_an_indicator_column(absences: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="indicator_column must name a yes/no"):
        dp_rate_table(absences, ["school"], SCHOOLS, None, 1.0, budget=PrivacyBudget())


def test_rate_table_rejects_missing_indicator_values() -> None:
    table = pd.DataFrame({"school": ["A", "B"], "absent": [1.0, np.nan]})
    with pytest.raises(InputError, match="has 1 missing values"):
        dp_rate_table(table, ["school"], SCHOOLS, "absent", 1.0, budget=PrivacyBudget())


def test_rate_table_rejects_unknown_denominator(absences: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="denominator must be 'noisy' or 'public'"):
        dp_rate_table(
            absences,
            ["school"],
            SCHOOLS,
            "chronically_absent",
            1.0,
            budget=PrivacyBudget(),
            denominator="published",
        )


def test_rate_table_over_budget_is_refused(absences: pd.DataFrame) -> None:
    with pytest.raises(BudgetExceededError, match="needs ε = 2"):
        dp_rate_table(
            absences,
            ["school"],
            SCHOOLS,
            "chronically_absent",
            2.0,
            budget=PrivacyBudget(),
        )


def test_rate_from_noisy_counts_clamps_numerator_to_denominator() -> None:
    rates = rate_from_noisy_counts(np.array([12.0, -1.0]), np.array([10.0, 0.2]))
    assert rates.tolist() == [1.0, 0.0]


# --- leak warnings ---------------------------------------------------------------


def test_diffprivlib_leak_warning_is_reissued_as_ours() -> None:
    with pytest.warns(DifferentialPrivacyLeakWarning, match="bounds from the data"):
        with surfaced_leak_warnings():
            warnings.warn("bounds from the data", DiffprivlibLeakWarning, stacklevel=1)


def test_other_warnings_pass_through_unchanged() -> None:
    with pytest.warns(RuntimeWarning, match="unrelated"):
        with surfaced_leak_warnings():
            warnings.warn("unrelated", RuntimeWarning, stacklevel=1)


# --- mean, sum, quantile -----------------------------------------------------------


def test_mean_at_large_epsilon_is_the_true_mean(absences: pd.DataFrame) -> None:
    release = dp_mean(
        absences,
        "days_absent",
        5000.0,
        bounds=(0, 180),
        budget=big_budget(),
        random_state=1,
    )
    assert release.value == pytest.approx(79 / 6, abs=0.1)


def test_sum_at_large_epsilon_is_the_true_sum(absences: pd.DataFrame) -> None:
    release = dp_sum(
        absences,
        "days_absent",
        5000.0,
        bounds=(0, 180),
        budget=big_budget(),
        random_state=1,
    )
    assert release.value == pytest.approx(79, abs=0.5)


def test_values_outside_bounds_are_clipped(absences: pd.DataFrame) -> None:
    release = dp_sum(
        absences,
        "days_absent",
        5000.0,
        bounds=(0, 10),
        budget=big_budget(),
        random_state=1,
    )
    # 20, 25 and 30 count as 10 each: 10 + 1 + 3 + 0 + 10 + 10.
    assert release.value == pytest.approx(34, abs=0.5)


def test_median_at_large_epsilon_is_near_the_true_median() -> None:
    table = pd.DataFrame({"score": np.arange(0.0, 101.0)})
    release = dp_quantile(
        table,
        "score",
        0.5,
        1000.0,
        bounds=(0, 100),
        budget=big_budget(),
        random_state=2,
    )
    assert release.value == pytest.approx(50, abs=1)


def test_statistic_stays_within_bounds_at_small_epsilon(
    absences: pd.DataFrame,
) -> None:
    values = [
        dp_quantile(
            absences,
            "days_absent",
            0.5,
            0.01,
            bounds=(0, 180),
            budget=PrivacyBudget(),
            random_state=seed,
        ).value
        for seed in range(20)
    ]
    assert min(values) >= 0 and max(values) <= 180


def test_mean_noise_has_the_laplace_scale_of_its_sensitivity() -> None:
    # Sensitivity (upper − lower) / n = 100 / 100 = 1, so at ε = 1 the noise
    # has mean absolute deviation 1.
    table = pd.DataFrame({"score": np.full(100, 50.0)})
    noise = np.array(
        [
            dp_mean(
                table,
                "score",
                1.0,
                bounds=(0, 100),
                budget=PrivacyBudget(),
                random_state=seed,
            ).value
            - 50
            for seed in range(2000)
        ]
    )
    assert abs(noise.mean()) < 0.1
    assert np.abs(noise).mean() == pytest.approx(1.0, rel=0.08)


def test_statistic_charges_the_session_budget(absences: pd.DataFrame) -> None:
    budget = PrivacyBudget()
    dp_mean(
        absences, "days_absent", 0.25, bounds=(0, 180), budget=budget, random_state=1
    )
    assert budget.ledger == [LedgerEntry("Mean of days_absent", 0.25)]
    assert budget.accountant.spent_budget == [(0.25, 0)]


def test_statistic_records_seed_and_bounds(absences: pd.DataFrame) -> None:
    release = dp_mean(
        absences,
        "days_absent",
        0.5,
        bounds=(0, 180),
        budget=PrivacyBudget(),
        random_state=77,
    )
    assert (release.random_seed, release.bounds) == (77, (0.0, 180.0))


def test_statistic_requires_declared_bounds(absences: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="Declare bounds for 'days_absent'"):
        dp_mean(absences, "days_absent", 1.0, bounds=None, budget=PrivacyBudget())


@pytest.mark.parametrize("bounds", [(10, 0), (0, float("inf")), (1,), "0-10"])
def test_statistic_rejects_malformed_bounds(
    absences: pd.DataFrame, bounds: object
) -> None:
    with pytest.raises(InputError, match="bounds must be"):
        dp_sum(
            absences,
            "days_absent",
            1.0,
            bounds=bounds,  # type: ignore[arg-type]
            budget=PrivacyBudget(),
        )


def test_statistic_rejects_text_column(absences: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="must be numeric"):
        dp_mean(absences, "school", 1.0, bounds=(0, 1), budget=PrivacyBudget())


def test_statistic_rejects_missing_values() -> None:
    table = pd.DataFrame({"score": [1.0, np.nan]})
    with pytest.raises(InputError, match="has 1 missing values"):
        dp_mean(table, "score", 1.0, bounds=(0, 100), budget=PrivacyBudget())


@pytest.mark.parametrize("quantile", [-0.1, 1.5, True])
def test_quantile_must_lie_between_zero_and_one(
    absences: pd.DataFrame, quantile: object
) -> None:
    with pytest.raises(InputError, match="quantile must be a number from 0 to 1"):
        dp_quantile(
            absences,
            "days_absent",
            quantile,  # type: ignore[arg-type]
            1.0,
            bounds=(0, 180),
            budget=PrivacyBudget(),
        )


def test_statistic_over_budget_is_refused_and_spends_nothing(
    absences: pd.DataFrame,
) -> None:
    budget = PrivacyBudget(cap=0.5)
    with pytest.raises(BudgetExceededError, match=r"needs ε = 0\.75"):
        dp_mean(absences, "days_absent", 0.75, bounds=(0, 180), budget=budget)
    assert budget.accountant.spent_budget == []
