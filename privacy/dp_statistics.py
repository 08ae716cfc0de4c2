"""Differentially private statistics of a numeric column: mean, sum, quantile.

Bounds are always declared by the user, never read from the data: bounds taken
from the data reveal the most extreme students. Values outside the bounds are
clipped to them before the statistic is computed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Real

import diffprivlib.tools
import numpy as np
import pandas as pd
from diffprivlib.utils import PrivacyLeakWarning as _DiffprivlibLeakWarning

from privacy.dp_budget import PrivacyBudget, _resolve_seed, validate_epsilon
from privacy.dp_counts import _check_columns
from privacy.exceptions import InputError, PrivacyWarning

__all__ = [
    "DifferentialPrivacyLeakWarning",
    "StatisticRelease",
    "dp_mean",
    "dp_quantile",
    "dp_sum",
    "surfaced_leak_warnings",
]


class DifferentialPrivacyLeakWarning(PrivacyWarning):
    """diffprivlib reported that a release leaks more than its epsilon says."""


@contextmanager
def surfaced_leak_warnings() -> Iterator[None]:
    """Re-issue diffprivlib's privacy-leak warnings as our own category.

    diffprivlib warns with its ``PrivacyLeakWarning`` when a call leaks more
    than its epsilon (for instance bounds read from the data). Inside this
    block such a warning becomes a :class:`DifferentialPrivacyLeakWarning`,
    which pages show; any other warning passes through unchanged.

    Yields
    ------
    None

    Examples
    --------
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     with surfaced_leak_warnings():
    ...         warnings.warn("bounds from data", _DiffprivlibLeakWarning)
    >>> [warning.category.__name__ for warning in caught]
    ['DifferentialPrivacyLeakWarning']
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        if issubclass(warning.category, _DiffprivlibLeakWarning):
            warnings.warn(
                f"diffprivlib reports a privacy leak: {warning.message}",
                DifferentialPrivacyLeakWarning,
                stacklevel=3,
            )
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


@dataclass(frozen=True)
class StatisticRelease:
    """One differentially private statistic of a column.

    Parameters
    ----------
    statistic : str
        ``"mean"``, ``"sum"`` or ``"quantile 0.5"`` and so on.
    column : str
        The column it summarizes.
    value : float
        The released value.
    epsilon : float
        The epsilon it spent.
    bounds : tuple of float
        The declared bounds; values outside were clipped to them.
    mechanism : str
        The noise mechanism, in words.
    random_seed : int
        The seed the noise was drawn from. Keep it private.
    postprocessing : tuple of str
        Each processing step applied, in words.
    """

    statistic: str
    column: str
    value: float
    epsilon: float
    bounds: tuple[float, float]
    mechanism: str
    random_seed: int
    postprocessing: tuple[str, ...]


def _numeric_column(
    table: pd.DataFrame, column: str, bounds: object
) -> tuple[np.ndarray, tuple[float, float]]:
    _check_columns(table, [column])
    if bounds is None:
        raise InputError(
            f"Declare bounds for {column!r}: the smallest and largest values it "
            "can take, from knowledge of the field and not from the data (bounds "
            "read from the data leak the extreme students). Pass e.g. "
            "bounds=(0, 100)."
        )
    try:
        lower, upper = (float(bound) for bound in bounds)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise InputError(
            f"bounds must be two numbers (lower, upper); got {bounds!r}. Pass "
            "e.g. bounds=(0, 100)."
        ) from None
    if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
        raise InputError(
            f"bounds must be finite with lower < upper; got {bounds!r}. Pass "
            "e.g. bounds=(0, 100)."
        )

    values = table[column]
    if not pd.api.types.is_numeric_dtype(values) or values.dtype == bool:
        raise InputError(
            f"Column {column!r} must be numeric; it holds {values.dtype}. "
            "Choose a numeric column such as attendance or a test score."
        )
    if values.isna().any():
        raise InputError(
            f"Column {column!r} has {int(values.isna().sum())} missing values. "
            "Fill or drop them before releasing a statistic of it."
        )
    if len(values) == 0:
        raise InputError(
            f"Column {column!r} has no values. Load a table with at least one row."
        )
    return values.to_numpy(dtype=float), (lower, upper)


def _statistic(
    tool: Callable[..., float],
    statistic: str,
    table: pd.DataFrame,
    column: str,
    epsilon: float,
    bounds: tuple[float, float] | None,
    budget: PrivacyBudget,
    random_state: int | None,
    mechanism: str,
    **options: float,
) -> StatisticRelease:
    validate_epsilon(epsilon)
    values, declared = _numeric_column(table, column, bounds)
    seed = _resolve_seed(random_state)
    budget.check(epsilon)

    with surfaced_leak_warnings():
        value = tool(
            values,
            epsilon=float(epsilon),
            bounds=declared,
            random_state=seed,
            accountant=budget.accountant,
            **options,
        )
    budget.record(epsilon, f"{statistic.capitalize()} of {column}")
    return StatisticRelease(
        statistic=statistic,
        column=column,
        value=float(value),
        epsilon=float(epsilon),
        bounds=declared,
        mechanism=mechanism,
        random_seed=seed,
        postprocessing=(
            f"values clipped to the declared bounds [{declared[0]:g}, "
            f"{declared[1]:g}] before the statistic",
        ),
    )


def dp_mean(
    table: pd.DataFrame,
    column: str,
    epsilon: float,
    *,
    bounds: tuple[float, float] | None,
    budget: PrivacyBudget,
    random_state: int | None = None,
) -> StatisticRelease:
    """Release the mean of a column between declared bounds.

    Values are clipped to ``bounds``; the number of records is treated as
    public, so one student changing moves the mean by at most
    (upper − lower) / n, the sensitivity of diffprivlib's mean.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    column : str
        A numeric column without missing values.
    epsilon : float
        The epsilon the release spends.
    bounds : tuple of float
        Smallest and largest possible values, declared (never from the data).
    budget : PrivacyBudget
        The session budget to charge.
    random_state : int or None, default None
        Seed of the noise; None draws a fresh one.

    Returns
    -------
    StatisticRelease
        The released mean and how it was made.

    Raises
    ------
    InputError
        On missing bounds, a column that is not numeric or has gaps.
    BudgetExceededError
        If the session budget cannot pay for the release.

    Examples
    --------
    >>> table = pd.DataFrame({"score": [60.0, 70.0, 80.0, 90.0]})
    >>> release = dp_mean(table, "score", 1000.0, bounds=(0, 100),
    ...                   budget=PrivacyBudget(cap=1000.0), random_state=1)
    >>> round(release.value)
    75
    """
    return _statistic(
        diffprivlib.tools.mean,
        "mean",
        table,
        column,
        epsilon,
        bounds,
        budget,
        random_state,
        "Laplace noise, sensitivity (upper − lower) / n (diffprivlib.tools.mean)",
    )


def dp_sum(
    table: pd.DataFrame,
    column: str,
    epsilon: float,
    *,
    bounds: tuple[float, float] | None,
    budget: PrivacyBudget,
    random_state: int | None = None,
) -> StatisticRelease:
    """Release the sum of a column between declared bounds.

    One student added or removed changes the sum by at most the larger of
    |lower| and |upper|, the sensitivity of diffprivlib's sum.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    column : str
        A numeric column without missing values.
    epsilon : float
        The epsilon the release spends.
    bounds : tuple of float
        Smallest and largest possible values, declared (never from the data).
    budget : PrivacyBudget
        The session budget to charge.
    random_state : int or None, default None
        Seed of the noise; None draws a fresh one.

    Returns
    -------
    StatisticRelease
        The released sum and how it was made.

    Raises
    ------
    InputError
        On missing bounds, a column that is not numeric or has gaps.
    BudgetExceededError
        If the session budget cannot pay for the release.

    Examples
    --------
    >>> table = pd.DataFrame({"days_absent": [0, 2, 5, 1]})
    >>> release = dp_sum(table, "days_absent", 1000.0, bounds=(0, 180),
    ...                  budget=PrivacyBudget(cap=1000.0), random_state=1)
    >>> round(release.value)
    8
    """
    return _statistic(
        diffprivlib.tools.sum,
        "sum",
        table,
        column,
        epsilon,
        bounds,
        budget,
        random_state,
        "Laplace noise, sensitivity max(|lower|, |upper|) (diffprivlib.tools.sum)",
    )


def dp_quantile(
    table: pd.DataFrame,
    column: str,
    quantile: float,
    epsilon: float,
    *,
    bounds: tuple[float, float] | None,
    budget: PrivacyBudget,
    random_state: int | None = None,
) -> StatisticRelease:
    """Release a quantile (e.g. the median) of a column between declared bounds.

    diffprivlib picks the released value with the exponential mechanism over
    the intervals between sorted values, so it always lies within the bounds.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    column : str
        A numeric column without missing values.
    quantile : float
        Which quantile, from 0 to 1 (0.5 is the median).
    epsilon : float
        The epsilon the release spends.
    bounds : tuple of float
        Smallest and largest possible values, declared (never from the data).
    budget : PrivacyBudget
        The session budget to charge.
    random_state : int or None, default None
        Seed of the noise; None draws a fresh one.

    Returns
    -------
    StatisticRelease
        The released quantile and how it was made.

    Raises
    ------
    InputError
        On missing bounds, a quantile outside [0, 1], a column that is not
        numeric or has gaps.
    BudgetExceededError
        If the session budget cannot pay for the release.

    Examples
    --------
    >>> table = pd.DataFrame({"score": np.arange(0.0, 101.0)})
    >>> release = dp_quantile(table, "score", 0.5, 100.0, bounds=(0, 100),
    ...                       budget=PrivacyBudget(cap=100.0), random_state=1)
    >>> abs(release.value - 50) < 3
    True
    """
    is_number = isinstance(quantile, Real) and not isinstance(quantile, bool)
    if not is_number or not 0 <= float(quantile) <= 1:
        raise InputError(
            f"quantile must be a number from 0 to 1; got {quantile!r}. Use 0.5 "
            "for the median."
        )
    return _statistic(
        diffprivlib.tools.quantile,
        f"quantile {float(quantile):g}",
        table,
        column,
        epsilon,
        bounds,
        budget,
        random_state,
        "exponential mechanism over the sorted values (diffprivlib.tools.quantile)",
        quant=float(quantile),
    )
