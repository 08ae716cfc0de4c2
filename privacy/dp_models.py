"""A differentially private classifier beside its ordinary twin.

Tier 4 can share a trained model instead of records. This module trains the
same kind of model twice on the same training rows, once with diffprivlib
(differentially private) and once with scikit-learn, and scores both on the
same held-out rows, so that the loss of accuracy that privacy costs is
measured rather than guessed. Accuracy is an ``*_score``: higher is better.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from diffprivlib.models import GaussianNB as PrivateGaussianNB
from diffprivlib.models import LogisticRegression as PrivateLogisticRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

from privacy.dp_budget import PrivacyBudget, _resolve_seed, validate_epsilon
from privacy.dp_counts import _check_columns
from privacy.dp_statistics import surfaced_leak_warnings
from privacy.exceptions import InputError

__all__ = ["CLASSIFIERS", "ClassifierComparison", "dp_classifier_comparison"]

#: The classifiers offered, by the name users pick.
CLASSIFIERS = ("logistic_regression", "naive_bayes")


@dataclass(frozen=True)
class ClassifierComparison:
    """Held-out accuracy of a private classifier and of its ordinary twin.

    Parameters
    ----------
    model : str
        ``"logistic_regression"`` or ``"naive_bayes"``.
    epsilon : float
        The epsilon the private model spent.
    private_accuracy_score : float
        Share of held-out rows the private model classifies correctly.
    baseline_accuracy_score : float
        The same for the scikit-learn twin trained without noise.
    majority_accuracy_score : float
        The same for always guessing the most common training class: a
        model below this has learnt nothing.
    n_train, n_test : int
        Rows used to train and to score.
    random_seed : int
        Seed of the split and of the noise. Keep it private.
    mechanism : str
        How the private model gets its noise, in words.
    """

    model: str
    epsilon: float
    private_accuracy_score: float
    baseline_accuracy_score: float
    majority_accuracy_score: float
    n_train: int
    n_test: int
    random_seed: int
    mechanism: str

    @property
    def accuracy_loss(self) -> float:
        """Baseline accuracy minus private accuracy (lower is better)."""
        return self.baseline_accuracy_score - self.private_accuracy_score


def _feature_bounds(
    features: Sequence[str], bounds: Mapping[str, tuple[float, float]] | None
) -> tuple[np.ndarray, np.ndarray]:
    if bounds is None or any(feature not in bounds for feature in features):
        missing = [f for f in features if bounds is None or f not in bounds]
        raise InputError(
            f"Declare bounds for every feature; missing for {missing}. Give the "
            "smallest and largest possible value of each from knowledge of the "
            "field, not from the data, e.g. bounds={'attendance_rate': (0, 1)}."
        )
    lower = np.array([float(bounds[feature][0]) for feature in features])
    upper = np.array([float(bounds[feature][1]) for feature in features])
    if (
        not (np.isfinite(lower).all() and np.isfinite(upper).all())
        or (lower >= upper).any()
    ):
        raise InputError(
            f"Each feature's bounds must be finite with lower < upper; got "
            f"{dict(bounds)}."
        )
    return lower, upper


def _model_inputs(
    table: pd.DataFrame, features: Sequence[str], target: str
) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(features, str) or len(features) == 0:
        raise InputError(
            f"features must be a non-empty list of column names; got {features!r}."
        )
    _check_columns(table, [*features, target])
    frame = table[[*features, target]]
    if frame.isna().any().any():
        raise InputError(
            f"The features and target hold missing values "
            f"({int(frame.isna().sum().sum())} cells). Fill or drop them first."
        )
    non_numeric = [
        feature
        for feature in features
        if not pd.api.types.is_numeric_dtype(table[feature])
    ]
    if non_numeric:
        raise InputError(
            f"Features must be numeric; {non_numeric} are not. Encode them as "
            "numbers (e.g. 0/1 indicators) first."
        )
    if table[target].nunique() < 2:
        raise InputError(
            f"The target {target!r} needs at least two classes; it has "
            f"{table[target].nunique()}."
        )
    return table[list(features)].to_numpy(dtype=float), table[target].to_numpy()


def dp_classifier_comparison(
    table: pd.DataFrame,
    features: Sequence[str],
    target: str,
    epsilon: float,
    *,
    bounds: Mapping[str, tuple[float, float]] | None,
    random_state: int | None = None,
    model: str = "logistic_regression",
    budget: PrivacyBudget | None = None,
    test_share: float = 0.3,
) -> ClassifierComparison:
    """Train a private classifier and its ordinary twin; score both held out.

    Features are clipped to their declared bounds. The private logistic
    regression (diffprivlib, objective perturbation) bounds each row's norm
    by the norm of the bounds' largest corner; the private Gaussian naive
    Bayes (diffprivlib) adds noise to each class's means and variances
    within the bounds. The list of target classes itself is read from the
    training rows, as diffprivlib does.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    features : sequence of str
        Numeric columns the models learn from.
    target : str
        The column to predict.
    epsilon : float
        The epsilon the private model spends.
    bounds : mapping of str to (float, float)
        For each feature, its smallest and largest possible value, declared.
    random_state : int or None, default None
        Seed of the train/test split and of the noise.
    model : {"logistic_regression", "naive_bayes"}, default "logistic_regression"
        Which classifier to compare.
    budget : PrivacyBudget or None, default None
        The session budget to charge. None uses a budget of exactly
        ``epsilon`` for this comparison alone: the caller must then count
        the spending itself.
    test_share : float, default 0.3
        Share of rows held out for scoring.

    Returns
    -------
    ClassifierComparison
        The accuracy of both models and of the majority guess.

    Raises
    ------
    InputError
        On missing bounds, unknown or non-numeric columns, or bad parameters.
    BudgetExceededError
        If the session budget cannot pay for the model.

    Examples
    --------
    >>> generator = np.random.default_rng(0)
    >>> attendance = generator.uniform(0.6, 1.0, 400)
    >>> table = pd.DataFrame({"attendance": attendance,
    ...                       "passed": attendance > 0.8})
    >>> result = dp_classifier_comparison(
    ...     table, ["attendance"], "passed", 5.0,
    ...     bounds={"attendance": (0, 1)}, random_state=1, model="naive_bayes")
    >>> result.baseline_accuracy_score > 0.9
    True
    """
    validate_epsilon(epsilon)
    if model not in CLASSIFIERS:
        raise InputError(f"model must be one of {list(CLASSIFIERS)}; got {model!r}.")
    if not 0 < test_share < 1:
        raise InputError(
            f"test_share must be between 0 and 1; got {test_share!r}. Use 0.3."
        )
    values, labels = _model_inputs(table, features, target)
    lower, upper = _feature_bounds(features, bounds)
    seed = _resolve_seed(random_state)
    budget = PrivacyBudget(cap=epsilon) if budget is None else budget
    budget.check(epsilon)

    values = np.clip(values, lower, upper)
    train_x, test_x, train_y, test_y = train_test_split(
        values, labels, test_size=test_share, random_state=seed
    )
    if model == "logistic_regression":
        data_norm = math.sqrt(float(np.sum(np.maximum(-lower, upper) ** 2)))
        private = PrivateLogisticRegression(
            epsilon=float(epsilon),
            data_norm=data_norm,
            random_state=seed,
            accountant=budget.accountant,
        )
        baseline = LogisticRegression(max_iter=1000)
        mechanism = (
            f"objective perturbation, rows clipped to norm {data_norm:.3g} "
            "(diffprivlib LogisticRegression)"
        )
    else:
        private = PrivateGaussianNB(
            epsilon=float(epsilon),
            bounds=(lower, upper),
            random_state=seed,
            accountant=budget.accountant,
        )
        baseline = GaussianNB()
        mechanism = (
            "noisy class means and variances within the declared bounds "
            "(diffprivlib GaussianNB)"
        )

    with surfaced_leak_warnings():
        private.fit(train_x, train_y)
    budget.record(epsilon, f"{model.replace('_', ' ').capitalize()} on {target}")
    baseline.fit(train_x, train_y)
    majority = pd.Series(train_y).mode().iloc[0]

    return ClassifierComparison(
        model=model,
        epsilon=float(epsilon),
        private_accuracy_score=float(accuracy_score(test_y, private.predict(test_x))),
        baseline_accuracy_score=float(accuracy_score(test_y, baseline.predict(test_x))),
        majority_accuracy_score=float(np.mean(test_y == majority)),
        n_train=len(train_y),
        n_test=len(test_y),
        random_seed=seed,
        mechanism=mechanism,
    )
