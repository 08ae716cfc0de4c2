"""The private classifier beside its ordinary twin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from privacy.dp import BudgetExceededError, LedgerEntry, PrivacyBudget
from privacy.dp_models import dp_classifier_comparison
from privacy.exceptions import InputError

BOUNDS = {"attendance": (0.0, 1.0), "score": (0.0, 100.0)}


@pytest.fixture
def students() -> pd.DataFrame:
    generator = np.random.default_rng(0)
    attendance = generator.uniform(0.5, 1.0, 600)
    score = generator.uniform(0, 100, 600)
    passed = (attendance * 100 + score + generator.normal(0, 5, 600)) > 125
    return pd.DataFrame({"attendance": attendance, "score": score, "passed": passed})


@pytest.mark.parametrize("model", ["logistic_regression", "naive_bayes"])
def test_private_model_at_large_epsilon_matches_its_twin(
    students: pd.DataFrame, model: str
) -> None:
    result = dp_classifier_comparison(
        students,
        ["attendance", "score"],
        "passed",
        1000.0,
        bounds=BOUNDS,
        random_state=1,
        model=model,
    )
    assert result.private_accuracy_score == pytest.approx(
        result.baseline_accuracy_score, abs=0.03
    )
    assert result.baseline_accuracy_score > result.majority_accuracy_score


@pytest.mark.parametrize("model", ["logistic_regression", "naive_bayes"])
def test_private_model_at_tiny_epsilon_loses_accuracy(
    students: pd.DataFrame, model: str
) -> None:
    losses = [
        dp_classifier_comparison(
            students,
            ["attendance", "score"],
            "passed",
            0.001,
            bounds=BOUNDS,
            random_state=seed,
            model=model,
        ).accuracy_loss
        for seed in range(5)
    ]
    assert np.mean(losses) > 0.05


def test_comparison_charges_the_session_budget(students: pd.DataFrame) -> None:
    budget = PrivacyBudget()
    dp_classifier_comparison(
        students,
        ["attendance"],
        "passed",
        0.5,
        bounds=BOUNDS,
        random_state=1,
        budget=budget,
    )
    assert budget.ledger == [LedgerEntry("Logistic regression on passed", 0.5)]
    assert budget.accountant.spent_budget == [(0.5, 0)]


def test_comparison_over_budget_is_refused(students: pd.DataFrame) -> None:
    with pytest.raises(BudgetExceededError, match="needs ε = 2"):
        dp_classifier_comparison(
            students,
            ["attendance"],
            "passed",
            2.0,
            bounds=BOUNDS,
            budget=PrivacyBudget(),
        )


def test_split_sizes_follow_the_test_share(students: pd.DataFrame) -> None:
    result = dp_classifier_comparison(
        students, ["score"], "passed", 1.0, bounds=BOUNDS, random_state=1
    )
    assert (result.n_train, result.n_test) == (420, 180)


def test_comparison_requires_bounds_for_every_feature(
    students: pd.DataFrame,
) -> None:
    with pytest.raises(InputError, match=r"missing for \['score'\]"):
        dp_classifier_comparison(
            students,
            ["attendance", "score"],
            "passed",
            1.0,
            bounds={"attendance": (0, 1)},
        )


def test_comparison_rejects_inverted_bounds(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="lower < upper"):
        dp_classifier_comparison(
            students, ["score"], "passed", 1.0, bounds={"score": (100, 0)}
        )


def test_comparison_rejects_text_features() -> None:
    table = pd.DataFrame({"school": ["A", "B"] * 5, "passed": [True, False] * 5})
    with pytest.raises(InputError, match="Features must be numeric"):
        dp_classifier_comparison(
            table, ["school"], "passed", 1.0, bounds={"school": (0, 1)}
        )


def test_comparison_rejects_a_single_class_target(students: pd.DataFrame) -> None:
    table = students.assign(passed=True)
    with pytest.raises(InputError, match="needs at least two classes"):
        dp_classifier_comparison(table, ["score"], "passed", 1.0, bounds=BOUNDS)


def test_comparison_rejects_unknown_model(students: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="model must be one of"):
        dp_classifier_comparison(
            students, ["score"], "passed", 1.0, bounds=BOUNDS, model="forest"
        )
