"""What a release lets an analyst learn about a City program's effect.

The synthetic population carries a known true effect of each City program on
attendance (see :mod:`privacy.synthetic`). Participation is selected on low
income, English learner status and disability, so a naive comparison of
participants with everyone else is biased, and only an estimate adjusted for
those traits recovers the truth. A record-level release can be analysed the
same way as the original: the estimate below is an ordinary least-squares
regression of the outcome on the program flag and indicator variables of
every covariate the release still shows (generalized values act as coarser
categories; dropped columns cannot be adjusted for). Comparing it with the
truth shows what each tier's protections cost the impact evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from privacy.exceptions import InputError
from privacy.workload import category_labels, indicator_values

__all__ = ["MAX_COVARIATE_LEVELS", "EffectEstimate", "estimate_program_effect"]

# A covariate with more categories than this (a birth date, a token) is left
# out: it would add one parameter per few records and explain nothing.
MAX_COVARIATE_LEVELS = 120
# Numbers with more distinct values than this (scores, days) are outcomes or
# measurements, not categories to adjust for.
MAX_NUMERIC_LEVELS = 20


@dataclass(frozen=True)
class EffectEstimate:
    """An estimated program effect and what it was adjusted for.

    Attributes
    ----------
    program : str
        The yes/no participation column.
    outcome : str
        The numeric outcome (for example ``attendance_rate``).
    estimate : float
        Difference in the outcome between participants and non-participants,
        adjusted for ``adjusted_for``, in the outcome's units.
    adjusted_for : tuple of str
        The covariates in the regression.
    records : int
        Records the regression used.
    """

    program: str
    outcome: str
    estimate: float
    adjusted_for: tuple[str, ...]
    records: int


def estimate_program_effect(
    release: pd.DataFrame,
    program: str,
    outcome: str,
    covariates: Sequence[str],
) -> EffectEstimate:
    """Estimate a program's effect on an outcome from a release, by regression.

    Parameters
    ----------
    release : pandas.DataFrame
        Record-level data (original or released).
    program : str
        Yes/no participation column.
    outcome : str
        Numeric outcome column.
    covariates : sequence of str
        Candidate covariates; those absent from the release, or with more than
        :data:`MAX_COVARIATE_LEVELS` categories, are left out. Each enters as
        indicator variables of its categories (missing is a category).

    Returns
    -------
    EffectEstimate

    Raises
    ------
    InputError
        If the program or outcome is missing, or no one (or everyone) took part.

    Examples
    --------
    Participants attend 2 points more within each school; school A has more of
    them and attends less, so only the adjusted estimate finds the 2 points.

    >>> frame = pd.DataFrame({
    ...     "school": ["A"] * 4 + ["B"] * 4,
    ...     "jobs": [True, True, True, False, True, False, False, False],
    ...     "attendance": [92.0, 92.0, 92.0, 90.0, 97.0, 95.0, 95.0, 95.0],
    ... })
    >>> round(estimate_program_effect(frame, "jobs", "attendance", []).estimate, 2)
    -0.5
    >>> round(estimate_program_effect(frame, "jobs", "attendance",
    ...                               ["school"]).estimate, 2)
    2.0
    """
    for column in (program, outcome):
        if column not in release.columns:
            raise InputError(
                f"The release has no {column!r} column, so it cannot estimate the "
                "program's effect. Keep the column in the release."
            )
    treated = indicator_values(release[program])
    values = pd.to_numeric(release[outcome], errors="coerce").to_numpy(dtype=float)
    usable = np.isfinite(treated) & np.isfinite(values)
    if not 0 < treated[usable].sum() < usable.sum():
        raise InputError(
            f"Nobody, or everybody, in the release took part in {program!r}; the "
            "effect cannot be estimated."
        )

    # Design matrix: intercept, the program, then indicator variables of each
    # covariate's categories (the first category of each is the baseline).
    kept = _usable_covariates(release, covariates, exclude=(program, outcome))
    columns = [np.ones(len(release)), treated]
    if kept:
        labels = pd.DataFrame(
            {column: category_labels(release[column]) for column in kept},
            index=release.index,
        )
        dummies = pd.get_dummies(labels, drop_first=True, dtype=float)
        columns.append(dummies.to_numpy(dtype=float))
    design = np.column_stack(columns)[usable]
    coefficients, *_ = np.linalg.lstsq(design, values[usable], rcond=None)
    return EffectEstimate(
        program=program,
        outcome=outcome,
        estimate=float(coefficients[1]),
        adjusted_for=tuple(kept),
        records=int(usable.sum()),
    )


def _usable_covariates(
    release: pd.DataFrame, covariates: Sequence[str], *, exclude: Sequence[str]
) -> list[str]:
    """The covariates worth adjusting for, each carrying new information.

    A column that only relabels an earlier one (a school's ID beside its name)
    adds nothing but columns to the regression, so it is skipped.
    """
    kept: list[str] = []
    partitions: list[np.ndarray] = []
    for column in covariates:
        if column not in release.columns or column in exclude:
            continue
        values = release[column]
        levels = values.nunique(dropna=False)
        numeric = pd.api.types.is_numeric_dtype(values) and not (
            pd.api.types.is_bool_dtype(values)
        )
        if levels > MAX_COVARIATE_LEVELS or (numeric and levels > MAX_NUMERIC_LEVELS):
            continue
        codes = pd.factorize(values, use_na_sentinel=False)[0]
        if any(_same_partition(codes, other) for other in partitions):
            continue
        kept.append(column)
        partitions.append(codes)
    return kept


def _same_partition(first: np.ndarray, second: np.ndarray) -> bool:
    """Whether two code arrays group the records identically."""
    pairs = pd.factorize(first.astype(np.int64) * (second.max() + 1) + second)[0]
    return pairs.max() == first.max() == second.max()
