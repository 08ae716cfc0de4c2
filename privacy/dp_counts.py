"""Differentially private tables of counts and rates over declared categories.

Every release is a frozen record of the numbers it published, the epsilon it
spent, the mechanism that drew the noise, the seed of that noise and the
post-processing applied afterwards, in words. Noise is drawn once, when the
release is made; drawing again is a new call that spends epsilon again.

The seed stored in a release exists so that the session can show the same
numbers again. It must never be published beside the release: with the seed
and the mechanism anyone could recompute the noise and remove it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from diffprivlib.mechanisms import Geometric, Laplace

from privacy.dp_budget import PrivacyBudget, _resolve_seed, validate_epsilon
from privacy.exceptions import InputError, PrivacyWarning

__all__ = [
    "MECHANISMS",
    "POSTPROCESSING_STEPS",
    "CountTableRelease",
    "PublicDenominatorWarning",
    "RateTableRelease",
    "declared_cell_counts",
    "dp_count_table",
    "dp_rate_table",
    "rate_from_noisy_counts",
]

#: Noise mechanisms offered for counts, by the name users pick.
MECHANISMS = ("laplace", "geometric")

#: Post-processing steps a count release may apply, in the order applied.
POSTPROCESSING_STEPS = ("clamp", "round")


class PublicDenominatorWarning(PrivacyWarning):
    """Rate denominators are released exactly, without noise."""


def _check_columns(table: pd.DataFrame, columns: Sequence[str]) -> None:
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"table must be a pandas DataFrame; got {type(table).__name__}. "
            "Load the data as a DataFrame first."
        )
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise InputError(
            f"Unknown column(s) {missing}. Available columns: "
            f"{list(map(str, table.columns))}."
        )


def _declared_cells(
    table: pd.DataFrame,
    dimensions: Sequence[str],
    categories: Mapping[str, Sequence[object]],
) -> tuple[pd.MultiIndex, pd.Series]:
    """Return the declared cells and a mask of the records inside them."""
    if isinstance(dimensions, str) or len(dimensions) == 0:
        raise InputError(
            f"dimensions must be a non-empty list of column names; got "
            f"{dimensions!r}. Pass e.g. ['school', 'grade']."
        )
    _check_columns(table, dimensions)

    # Only declared categories are released: a category that exists only
    # because a student has it would reveal that student.
    for dimension in dimensions:
        declared = categories.get(dimension) if categories else None
        if declared is None or isinstance(declared, str) or len(declared) == 0:
            raise InputError(
                f"No categories declared for dimension {dimension!r}. Declare "
                "the full list of its possible values (from a public source, "
                "not from the data), e.g. categories={'grade': [9, 10, 11, 12]}."
            )
        if len(set(declared)) != len(declared):
            raise InputError(
                f"The categories of {dimension!r} repeat a value: "
                f"{list(declared)}. List each category once."
            )

    inside = pd.Series(True, index=table.index)
    for dimension in dimensions:
        inside &= table[dimension].isin(list(categories[dimension]))
    cells = pd.MultiIndex.from_product(
        [list(categories[dimension]) for dimension in dimensions],
        names=list(dimensions),
    )
    return cells, inside


def _true_counts(
    table: pd.DataFrame, dimensions: Sequence[str], cells: pd.MultiIndex
) -> np.ndarray:
    if len(table) == 0:
        return np.zeros(len(cells))
    # A DataFrame's value_counts is indexed by a MultiIndex even for one
    # column, so it lines up with the declared cells.
    counts = table[list(dimensions)].value_counts(dropna=False)
    return counts.reindex(cells, fill_value=0).to_numpy(dtype=float)


def declared_cell_counts(
    table: pd.DataFrame,
    dimensions: Sequence[str],
    categories: Mapping[str, Sequence[object]],
) -> np.ndarray:
    """Return the TRUE count of every declared cell, for accuracy simulations.

    These are the exact counts a release protects: use them only to simulate
    the error of a release before making it (e.g. with
    :func:`privacy.dp_accuracy.epsilon_sweep`), never to display or publish.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    dimensions : sequence of str
        The columns to break the counts down by.
    categories : mapping of str to sequence
        For each dimension, its declared list of categories.

    Returns
    -------
    numpy.ndarray
        One count per declared cell, in the order of the cartesian product.

    Raises
    ------
    InputError
        On an unknown column or a dimension without declared categories.

    Examples
    --------
    >>> table = pd.DataFrame({"grade": [9, 9, 10, 13]})
    >>> declared_cell_counts(table, ["grade"], {"grade": [9, 10, 11]}).tolist()
    [2.0, 1.0, 0.0]
    """
    cells, inside = _declared_cells(table, dimensions, categories)
    return _true_counts(table.loc[inside], dimensions, cells)


def _noisy(
    values: np.ndarray, epsilon: float, mechanism: str, state: np.random.RandomState
) -> np.ndarray:
    """Add noise of sensitivity 1 to each value through diffprivlib."""
    if mechanism == "laplace":
        noise = Laplace(epsilon=epsilon, delta=0.0, sensitivity=1, random_state=state)
    else:
        noise = Geometric(epsilon=epsilon, sensitivity=1, random_state=state)
        values = values.astype(int)
    return np.array([noise.randomise(value) for value in values], dtype=float)


def _round_keeping_total(values: np.ndarray, total: float) -> np.ndarray:
    """Round to whole numbers whose sum is ``round(total)`` (largest remainder)."""
    floors = np.floor(values)
    shortfall = int(round(total) - floors.sum())
    order = np.argsort(-(values - floors), kind="stable")
    floors[order[: max(shortfall, 0)]] += 1
    return floors


def _check_options(mechanism: str, postprocess: Sequence[str]) -> None:
    if mechanism not in MECHANISMS:
        raise InputError(
            f"mechanism must be one of {list(MECHANISMS)}; got {mechanism!r}."
        )
    if isinstance(postprocess, str) or any(
        step not in POSTPROCESSING_STEPS for step in postprocess
    ):
        raise InputError(
            f"postprocess must list steps among {list(POSTPROCESSING_STEPS)}; got "
            f"{postprocess!r}. Pass e.g. ('clamp', 'round') or () for none."
        )


@dataclass(frozen=True)
class CountTableRelease:
    """A differentially private table of counts.

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per declared cell: the dimension columns and ``count``, the
        released (noisy, post-processed) number of students.
    dimensions : tuple of str
        The columns the table is broken down by.
    epsilon : float
        The epsilon the whole table spent.
    mechanism : str
        The noise mechanism, in words.
    random_seed : int
        The seed the noise was drawn from. Keep it private: with it the noise
        can be removed.
    postprocessing : tuple of str
        Each post-processing step applied, in words, in order.
    outside_declared : int
        How many records had a value outside the declared categories and so
        were left out of every cell.
    noisy_total : float or None
        The separately released noisy total when ``consistent_total`` was
        asked for, else None.
    """

    counts: pd.DataFrame
    dimensions: tuple[str, ...]
    epsilon: float
    mechanism: str
    random_seed: int
    postprocessing: tuple[str, ...]
    outside_declared: int
    noisy_total: float | None = None


def dp_count_table(
    table: pd.DataFrame,
    dimensions: Sequence[str],
    categories: Mapping[str, Sequence[object]],
    epsilon: float,
    *,
    budget: PrivacyBudget,
    random_state: int | None = None,
    postprocess: Sequence[str] = ("clamp", "round"),
    consistent_total: bool = False,
    mechanism: str = "laplace",
) -> CountTableRelease:
    """Release counts of students by the declared categories, with noise.

    The cells are every combination of the declared categories (their
    cartesian product), so a declared category with no student is released
    with its noisy count and a value nobody declared never appears.

    Each student falls in exactly one cell, so adding or removing one student
    changes one count by one: the cells are disjoint and, by parallel
    composition, every cell gets noise calibrated to the full ``epsilon``
    while the whole table is charged ``epsilon`` once. With
    ``consistent_total`` the budget is split in two halves: one for the
    cells, one for a separately released noisy total.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    dimensions : sequence of str
        The columns to break the counts down by.
    categories : mapping of str to sequence
        For each dimension, the full list of its categories, taken from a
        public source and not from the data.
    epsilon : float
        The epsilon the table spends.
    budget : PrivacyBudget
        The session budget to charge.
    random_state : int or None, default None
        Seed of the noise; None draws a fresh one (stored in the release).
    postprocess : sequence of {"clamp", "round"}, default ("clamp", "round")
        "clamp" sets negative counts to 0, "round" rounds to whole students.
        Post-processing spends no budget.
    consistent_total : bool, default False
        Rescale the cells so that they add up to a separately released noisy
        total (ε/2 each for cells and total).
    mechanism : {"laplace", "geometric"}, default "laplace"
        Laplace noise of scale 1/ε, or its whole-number twin, the two-sided
        geometric distribution.

    Returns
    -------
    CountTableRelease
        The released table and how it was made.

    Raises
    ------
    InputError
        On an unknown column, a dimension without declared categories or a
        bad parameter.
    BudgetExceededError
        If the session budget cannot pay for the release.

    Examples
    --------
    >>> table = pd.DataFrame({"grade": [9, 9, 10, 13]})
    >>> release = dp_count_table(
    ...     table, ["grade"], {"grade": [9, 10, 11]}, 100.0,
    ...     budget=PrivacyBudget(cap=100.0), random_state=7,
    ... )
    >>> release.counts
       grade  count
    0      9    2.0
    1     10    1.0
    2     11    0.0
    >>> release.outside_declared
    1
    """
    epsilon_exact = validate_epsilon(epsilon)
    _check_options(mechanism, postprocess)
    cells, inside = _declared_cells(table, dimensions, categories)
    seed = _resolve_seed(random_state)
    budget.check(epsilon)

    true_counts = _true_counts(table.loc[inside], dimensions, cells)
    state = np.random.RandomState(seed)
    cell_epsilon = float(epsilon_exact / 2 if consistent_total else epsilon_exact)
    released = _noisy(true_counts, cell_epsilon, mechanism, state)

    steps: list[str] = []
    noisy_total = None
    if "clamp" in postprocess:
        released = np.maximum(released, 0.0)
        steps.append("negative counts set to 0")
    if consistent_total:
        noisy_total = float(
            _noisy(np.array([true_counts.sum()]), cell_epsilon, mechanism, state)[0]
        )
        noisy_total = max(noisy_total, 0.0)
        released = _rescale(released, noisy_total)
        steps.append("cells rescaled to add up to the noisy total (at least 0)")
    if "round" in postprocess:
        if consistent_total:
            released = _round_keeping_total(released, noisy_total)
            steps.append("counts rounded to whole students, keeping the total")
        else:
            released = np.round(released)
            steps.append("counts rounded to whole students")

    budget.charge(epsilon, _describe_table("Counts", dimensions))
    counts = cells.to_frame(index=False)
    counts["count"] = released
    return CountTableRelease(
        counts=counts,
        dimensions=tuple(dimensions),
        epsilon=float(epsilon),
        mechanism=_describe_mechanism(mechanism, cell_epsilon),
        random_seed=seed,
        postprocessing=tuple(steps),
        outside_declared=int((~inside).sum()),
        noisy_total=noisy_total,
    )


def _rescale(values: np.ndarray, total: float) -> np.ndarray:
    current = values.sum()
    if current <= 0:
        # Nothing to scale: spread the total evenly over the cells.
        return np.full(len(values), total / len(values))
    return values * (total / current)


def _describe_table(what: str, dimensions: Sequence[str]) -> str:
    return f"{what} by {', '.join(map(str, dimensions))}"


def _describe_mechanism(mechanism: str, epsilon: float) -> str:
    if mechanism == "laplace":
        return (
            f"Laplace noise of scale 1/ε = {1 / epsilon:.4g} on each count "
            "(sensitivity 1; diffprivlib.mechanisms.Laplace)"
        )
    return (
        f"two-sided geometric noise with parameter ε = {epsilon:.4g} on each "
        "count (sensitivity 1; diffprivlib.mechanisms.Geometric)"
    )


def rate_from_noisy_counts(
    numerators: np.ndarray, denominators: np.ndarray
) -> np.ndarray:
    """Turn noisy numerators and denominators into rates between 0 and 1.

    This is the post-processing every rate release applies, kept in one place
    so that the accuracy simulations apply exactly the same steps: a
    denominator below 1 is raised to 1, a numerator is clamped between 0 and
    its denominator, and the rate is their ratio.

    Parameters
    ----------
    numerators, denominators : numpy.ndarray
        Noisy counts of the same shape.

    Returns
    -------
    numpy.ndarray
        Rates in [0, 1].

    Examples
    --------
    >>> rate_from_noisy_counts(np.array([5.0, -2.0, 9.0]), np.array([10, 4, 0.5]))
    array([0.5, 0. , 1. ])
    """
    denominators = np.maximum(denominators, 1.0)
    numerators = np.clip(numerators, 0.0, denominators)
    return numerators / denominators


_RATE_POSTPROCESSING = (
    "denominators below 1 raised to 1",
    "numerators clamped between 0 and their denominator",
    "rate = numerator / denominator",
)


@dataclass(frozen=True)
class RateTableRelease:
    """A differentially private table of rates (e.g. chronic absence by school).

    Parameters
    ----------
    rates : pandas.DataFrame
        One row per declared cell: the dimension columns, ``numerator``,
        ``denominator`` (both as released) and ``rate``.
    dimensions : tuple of str
        The columns the table is broken down by.
    indicator_column : str
        The yes/no column whose share is the rate.
    epsilon : float
        The epsilon the whole table spent.
    denominator : str
        ``"noisy"`` (denominators released with noise) or ``"public"``
        (denominators released exactly, assumed already public).
    budget_split : str
        How ``epsilon`` was divided between numerators and denominators.
    mechanism : str
        The noise mechanism, in words.
    random_seed : int
        The seed the noise was drawn from. Keep it private.
    postprocessing : tuple of str
        Each post-processing step applied, in words, in order.
    outside_declared : int
        How many records fell outside the declared categories.
    """

    rates: pd.DataFrame
    dimensions: tuple[str, ...]
    indicator_column: str
    epsilon: float
    denominator: str
    budget_split: str
    mechanism: str
    random_seed: int
    postprocessing: tuple[str, ...]
    outside_declared: int


def _indicator(table: pd.DataFrame, column: str) -> np.ndarray:
    if not isinstance(column, str):
        raise InputError(
            f"indicator_column must name a yes/no column; got {column!r}. Choose "
            "a column such as 'chronically_absent'."
        )
    _check_columns(table, [column])
    values = table[column]
    if values.isna().any():
        raise InputError(
            f"Indicator column {column!r} has {int(values.isna().sum())} missing "
            "values. Fill or drop them before releasing a rate."
        )
    if values.dtype == bool:
        return values.to_numpy(dtype=float)
    if not pd.api.types.is_numeric_dtype(values) or not values.isin([0, 1]).all():
        raise InputError(
            f"Indicator column {column!r} must hold only yes/no values (True/False "
            f"or 1/0); found {sorted(map(str, values.unique()[:5]))}. Choose a "
            "yes/no column such as 'chronically_absent'."
        )
    return values.to_numpy(dtype=float)


def dp_rate_table(
    table: pd.DataFrame,
    dimensions: Sequence[str],
    categories: Mapping[str, Sequence[object]],
    indicator_column: str,
    epsilon: float,
    *,
    budget: PrivacyBudget,
    random_state: int | None = None,
    denominator: str = "noisy",
) -> RateTableRelease:
    """Release the share of students with a yes/no trait, by declared cells.

    Each rate is a noisy count of students with the trait (numerator) over
    the number of students in the cell (denominator). Both are histograms
    over disjoint cells, each of sensitivity 1; releasing both from the same
    students spends their sum, so with ``denominator="noisy"`` each gets
    ε/2. With ``denominator="public"`` all of ε goes to the numerators and
    the denominators are released exactly: this is only private when the
    cell sizes are already public (e.g. enrolment published by DESE), and a
    :class:`PublicDenominatorWarning` says so.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    dimensions : sequence of str
        The columns to break the rates down by.
    categories : mapping of str to sequence
        For each dimension, its full declared list of categories.
    indicator_column : str
        A yes/no column (True/False or 1/0), e.g. chronic absence.
    epsilon : float
        The epsilon the table spends.
    budget : PrivacyBudget
        The session budget to charge.
    random_state : int or None, default None
        Seed of the noise; None draws a fresh one.
    denominator : {"noisy", "public"}, default "noisy"
        Whether the cell sizes get noise.

    Returns
    -------
    RateTableRelease
        The released rates and how they were made.

    Raises
    ------
    InputError
        On an unknown column, a column that is not yes/no or a bad parameter.
    BudgetExceededError
        If the session budget cannot pay for the release.

    Warns
    -----
    PublicDenominatorWarning
        When the denominators are released exactly.

    Examples
    --------
    >>> table = pd.DataFrame({"school": ["A"] * 4 + ["B"] * 2,
    ...                       "absent": [1, 1, 0, 0, 1, 0]})
    >>> release = dp_rate_table(
    ...     table, ["school"], {"school": ["A", "B"]}, "absent", 1000.0,
    ...     budget=PrivacyBudget(cap=1000.0), random_state=3,
    ... )
    >>> release.rates["rate"].round(2).tolist()
    [0.5, 0.5]
    >>> release.budget_split
    'ε/2 = 500 for the numerators, ε/2 = 500 for the denominators'
    """
    epsilon_exact = validate_epsilon(epsilon)
    if denominator not in ("noisy", "public"):
        raise InputError(
            f"denominator must be 'noisy' or 'public'; got {denominator!r}. Use "
            "'public' only when the cell sizes are already published."
        )
    cells, inside = _declared_cells(table, dimensions, categories)
    indicator = _indicator(table, indicator_column)
    seed = _resolve_seed(random_state)
    budget.check(epsilon)

    inside_table = table.loc[inside]
    true_denominators = _true_counts(inside_table, dimensions, cells)
    with_trait = inside_table.loc[indicator[inside.to_numpy()] == 1]
    true_numerators = _true_counts(with_trait, dimensions, cells)

    state = np.random.RandomState(seed)
    if denominator == "noisy":
        share = float(epsilon_exact / 2)
        numerators = _noisy(true_numerators, share, "laplace", state)
        denominators = _noisy(true_denominators, share, "laplace", state)
        half = f"ε/2 = {share:g}"
        split = f"{half} for the numerators, {half} for the denominators"
    else:
        share = float(epsilon_exact)
        numerators = _noisy(true_numerators, share, "laplace", state)
        denominators = true_denominators
        split = f"all of ε = {share:g} for the numerators; denominators exact"
        warnings.warn(
            "The rate denominators (students per cell) are released exactly, "
            "without noise. This is private only if those sizes are already "
            "public, e.g. enrolment published by DESE; otherwise choose "
            "denominator='noisy'.",
            PublicDenominatorWarning,
            stacklevel=2,
        )

    denominators = np.maximum(denominators, 1.0)
    numerators = np.clip(numerators, 0.0, denominators)
    budget.charge(epsilon, _describe_table(f"Rate of {indicator_column}", dimensions))
    rates = cells.to_frame(index=False)
    rates["numerator"] = numerators
    rates["denominator"] = denominators
    rates["rate"] = rate_from_noisy_counts(numerators, denominators)
    return RateTableRelease(
        rates=rates,
        dimensions=tuple(dimensions),
        indicator_column=indicator_column,
        epsilon=float(epsilon),
        denominator=denominator,
        budget_split=split,
        mechanism=_describe_mechanism("laplace", share),
        random_seed=seed,
        postprocessing=_RATE_POSTPROCESSING,
        outside_declared=int((~inside).sum()),
    )
