"""A fixed workload of rate queries: the utility axis every tier shares.

Decision makers compare tiers on one utility measure: how far the answers to a
fixed set of questions move when they are computed from the release instead of
the original data. The workload asks for the rate of one yes/no outcome (for
example chronic absence) by a primary unit (school) and by that unit crossed
with each subgroup (grade, gender, race, low income, ...).

Each tier answers each query cell as well as its release allows:

- a published table answers a cell with its published rate; a withheld cell,
  or a breakdown that was not published, falls back to the unit's rate and then
  to the overall rate;
- a record-level release answers a cell with the rate of the generalized group
  each of its (released) students falls in, averaged over those students;
  suppressed students are missing, and a cell with none left falls back.

``workload_error`` is the mean absolute difference, in percentage points, over
all query cells (each cell counts once, so small groups weigh as much as large
ones: the cost of protection often falls on them). Lower is better.
``answered_share`` is the share of cells answered at the detail asked for.
Higher is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from privacy.exceptions import InputError

__all__ = [
    "Workload",
    "WorkloadAnswers",
    "WorkloadScore",
    "answers_from_records",
    "answers_from_table",
    "category_labels",
    "default_workload",
    "indicator_values",
    "score_answers",
    "true_answers",
]

# Single letters T and F are left out on purpose: F is also "female".
_TRUE_WORDS = {"1", "true", "yes", "y"}
_FALSE_WORDS = {"0", "false", "no", "n"}
MAX_SUBGROUP_VALUES = 20


@dataclass(frozen=True)
class Workload:
    """The queries: rate of ``outcome`` by ``unit`` and by unit × each subgroup.

    Parameters
    ----------
    outcome : str
        A yes/no column (booleans, 0/1 or yes/no text).
    unit : str
        The primary unit of analysis, usually ``"school"``.
    subgroups : tuple of str
        Columns crossed with the unit, one at a time.
    """

    outcome: str
    unit: str
    subgroups: tuple[str, ...] = ()

    @property
    def groupings(self) -> tuple[tuple[str, ...], ...]:
        """The column groupings of the queries, the unit alone first."""
        return ((self.unit,), *((self.unit, column) for column in self.subgroups))


def indicator_values(values: pd.Series) -> np.ndarray:
    """Turn a yes/no column into floats 1.0 / 0.0 (NaN where missing).

    Parameters
    ----------
    values : pandas.Series
        Booleans, 0/1 numbers or yes/no, true/false text.

    Returns
    -------
    numpy.ndarray
        Float array of the same length.

    Raises
    ------
    InputError
        If the column holds anything else.

    Examples
    --------
    >>> indicator_values(pd.Series(["yes", "no", None])).tolist()
    [1.0, 0.0, nan]
    """
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float)
    text = values.astype("string").str.strip().str.lower()
    result = np.full(len(values), np.nan)
    is_true = text.isin(_TRUE_WORDS).to_numpy(dtype=bool, na_value=False)
    is_false = text.isin(_FALSE_WORDS).to_numpy(dtype=bool, na_value=False)
    result[is_true] = 1.0
    result[is_false] = 0.0
    unexpected = ~(is_true | is_false) & values.notna().to_numpy()
    if unexpected.any():
        examples = sorted(set(values[unexpected].astype(str)))[:3]
        raise InputError(
            f"Column {values.name!r} must be yes/no (true/false, 1/0) to be used "
            f"as an outcome; it also holds {examples}. Choose another outcome "
            "column."
        )
    return result


def default_workload(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    sensitive: Sequence[str],
    *,
    outcome: str | None = None,
) -> Workload:
    """Pick a sensible workload for a table.

    The outcome is ``outcome`` if given, else ``chronically_absent`` when
    present, else the first yes/no column. The unit is ``school`` when present,
    else the first quasi-identifier. Subgroups are the other quasi-identifiers
    and sensitive columns with at most 20 distinct values.

    Parameters
    ----------
    table : pandas.DataFrame
        The original data.
    quasi_identifiers, sensitive : sequence of str
        Column roles.
    outcome : str, optional
        The yes/no column to use.

    Returns
    -------
    Workload

    Raises
    ------
    InputError
        If no yes/no column or no unit can be found.

    Examples
    --------
    >>> frame = pd.DataFrame({"school": ["A", "B"], "grade": ["1", "2"],
    ...                       "absent": [True, False]})
    >>> default_workload(frame, ["school", "grade"], [])
    Workload(outcome='absent', unit='school', subgroups=('grade',))
    """
    if outcome is None:
        outcome = _first_yes_no_column(table)
    if outcome not in table.columns:
        raise InputError(
            f"Outcome column {outcome!r} is not in the data; available columns: "
            f"{list(table.columns)}."
        )
    candidates = [column for column in quasi_identifiers if column != outcome]
    if not candidates:
        raise InputError(
            "The workload needs at least one quasi-identifier to break rates "
            "down by (for example school). Mark one on the Data page."
        )
    unit = "school" if "school" in candidates else candidates[0]
    subgroups = tuple(
        column
        for column in [*candidates, *sensitive]
        if column not in (unit, outcome)
        and table[column].nunique(dropna=False) <= MAX_SUBGROUP_VALUES
    )
    return Workload(outcome=outcome, unit=unit, subgroups=subgroups)


def _first_yes_no_column(table: pd.DataFrame) -> str:
    if "chronically_absent" in table.columns:
        return "chronically_absent"
    for column in table.columns:
        try:
            values = indicator_values(table[column])
        except InputError:
            continue
        if np.isfinite(values).any():
            return str(column)
    raise InputError(
        "The data has no yes/no column to measure utility with (for example "
        "chronically_absent). Add one, or choose an outcome column."
    )


@dataclass(frozen=True)
class WorkloadAnswers:
    """Answers to every query cell, one frame per grouping.

    ``frames[g]`` is indexed by the grouping's values and has the columns
    ``rate`` (a share in [0, 1], NaN if not answered at this detail) and
    ``students`` (the true count, for the truth only).
    """

    frames: dict[tuple[str, ...], pd.DataFrame]
    overall_rate: float


MISSING_LABEL = "(missing)"


def category_labels(values: pd.Series) -> pd.Series:
    """Text labels of a grouping column, as published tables print them.

    Missing values become ``"(missing)"``: a group of its own, never dropped.

    Examples
    --------
    >>> category_labels(pd.Series([True, None, 3])).tolist()
    ['True', '(missing)', '3']
    """
    # Label each distinct value once: converting every cell to text is the
    # slow part on a district-sized table.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    labels = np.array([str(value) for value in uniques] + [MISSING_LABEL], dtype=object)
    return pd.Series(labels[codes], index=values.index, name=values.name)


def true_answers(table: pd.DataFrame, workload: Workload) -> WorkloadAnswers:
    """Compute every query cell on the original data.

    Missing values of a grouping column form a group of their own.

    Examples
    --------
    >>> frame = pd.DataFrame({"school": ["A", "A", "B"], "absent": [1, 0, 1]})
    >>> answers = true_answers(frame, Workload("absent", "school"))
    >>> answers.frames[("school",)]["rate"].tolist()
    [0.5, 1.0]
    """
    outcome = pd.Series(indicator_values(table[workload.outcome]), index=table.index)
    frames = {}
    for grouping in workload.groupings:
        keys = [category_labels(table[column]) for column in grouping]
        grouped = outcome.groupby(keys, dropna=False)
        frames[grouping] = pd.DataFrame(
            {"rate": grouped.mean(), "students": grouped.size()}
        )
    return WorkloadAnswers(frames=frames, overall_rate=float(np.nanmean(outcome)))


def answers_from_records(
    original: pd.DataFrame,
    released: pd.DataFrame,
    suppressed: np.ndarray,
    workload: Workload,
) -> WorkloadAnswers:
    """Answer the workload from a record-level release.

    Parameters
    ----------
    original : pandas.DataFrame
        The input data, in its original row order.
    released : pandas.DataFrame
        The released rows, in the same order as the non-suppressed input rows,
        with generalized (or dropped) columns.
    suppressed : numpy.ndarray of bool
        One flag per input row.
    workload : Workload
        The queries.

    Returns
    -------
    WorkloadAnswers
        Each cell's estimate (NaN where none of its students was released, or
        the release lacks the outcome).
    """
    suppressed = np.asarray(suppressed, dtype=bool)
    if len(released) != int((~suppressed).sum()):
        raise InputError(
            f"The release has {len(released)} rows but {int((~suppressed).sum())} "
            "records are marked as released; pass the matching suppression mask."
        )
    kept = original.loc[~suppressed]
    frames: dict[tuple[str, ...], pd.DataFrame] = {}
    if workload.outcome not in released.columns:
        # The release lacks the outcome: it answers no query at all.
        for grouping in workload.groupings:
            frames[grouping] = pd.DataFrame({"rate": pd.Series(dtype=float)})
        return WorkloadAnswers(frames=frames, overall_rate=float("nan"))

    outcome = pd.Series(
        indicator_values(released[workload.outcome].reset_index(drop=True))
    )
    for grouping in workload.groupings:
        # Group the released rows by what the release shows of each column
        # (generalized values; a dropped column cannot be grouped on).
        shown = [column for column in grouping if column in released.columns]
        if shown:
            keys = [released[column].reset_index(drop=True) for column in shown]
            estimate = outcome.groupby(keys, dropna=False).transform("mean")
        else:
            estimate = pd.Series(np.full(len(outcome), np.nanmean(outcome)))

        # A record answers its cell at full detail only if the release shows
        # every grouping column exactly as it was.
        exact = pd.Series(np.full(len(outcome), len(shown) == len(grouping)))
        for column in shown:
            exact &= (
                category_labels(released[column]).to_numpy()
                == category_labels(kept[column]).to_numpy()
            )

        # Average each student's estimate over the true cell they belong to.
        true_keys = [
            category_labels(kept[column]).reset_index(drop=True) for column in grouping
        ]
        frames[grouping] = pd.DataFrame(
            {
                "rate": estimate.groupby(true_keys, dropna=False).mean(),
                "exact": exact.groupby(true_keys, dropna=False).all(),
            }
        )
    return WorkloadAnswers(frames=frames, overall_rate=float(np.nanmean(outcome)))


def answers_from_table(
    published: pd.DataFrame, dimensions: Sequence[str], workload: Workload
) -> WorkloadAnswers:
    """Answer the workload from a published table of rates and its margins.

    Parameters
    ----------
    published : pandas.DataFrame
        The published long table: one column per dimension (``"All"`` in
        margins), ``level`` (the dimensions a row is broken down by, joined
        with " × ", or ``"total"``) and ``rate`` (a share; NaN where
        withheld).
    dimensions : sequence of str
        The table's dimensions, in order.
    workload : Workload
        The queries.

    Returns
    -------
    WorkloadAnswers
        A grouping is answered where the table (or one of its margins) is
        broken down by exactly those columns; other cells are left NaN for
        the fallback.

    Examples
    --------
    >>> published = pd.DataFrame({"school": ["A", "B", "All"],
    ...                           "level": ["school", "school", "total"],
    ...                           "rate": [0.5, float("nan"), 0.6]})
    >>> answers = answers_from_table(published, ["school"],
    ...                              Workload("absent", "school"))
    >>> answers.frames[("school",)]["rate"].tolist(), answers.overall_rate
    ([0.5, nan], 0.6)
    """
    frames = {}
    for grouping in workload.groupings:
        if set(grouping) <= set(dimensions):
            level = " × ".join(column for column in dimensions if column in grouping)
            rows = published[published["level"] == level]
            frames[grouping] = rows.set_index(list(grouping))[["rate"]]
        else:
            frames[grouping] = pd.DataFrame({"rate": pd.Series(dtype=float)})
    total = published.loc[published["level"] == "total", "rate"]
    overall = float(total.iloc[0]) if len(total) else float("nan")
    return WorkloadAnswers(frames=frames, overall_rate=overall)


@dataclass(frozen=True)
class WorkloadScore:
    """How well a release answers the workload.

    Attributes
    ----------
    workload_error : float
        Mean absolute error over all query cells, in percentage points.
    answered_share : float
        Share of query cells answered at the detail asked for.
    cells : int
        Number of query cells.
    by_grouping : pandas.DataFrame
        Error and answered share per grouping.
    """

    workload_error: float
    answered_share: float
    cells: int
    by_grouping: pd.DataFrame


def score_answers(truth: WorkloadAnswers, released: WorkloadAnswers) -> WorkloadScore:
    """Compare a release's answers with the truth, filling gaps by fallback.

    A cell the release does not answer takes the release's answer for the
    cell's unit, then the release's overall rate, then 0.5 (no information).

    Examples
    --------
    >>> frame = pd.DataFrame({"school": ["A", "A", "B", "B"],
    ...                       "absent": [1, 0, 1, 1]})
    >>> workload = Workload("absent", "school")
    >>> truth = true_answers(frame, workload)
    >>> score_answers(truth, truth).workload_error
    0.0
    """
    unit = next(iter(truth.frames))
    unit_answers = released.frames.get(unit, pd.DataFrame({"rate": []}))["rate"]
    overall = released.overall_rate if np.isfinite(released.overall_rate) else 0.5

    errors, answered, rows = [], [], []
    for grouping, true_frame in truth.frames.items():
        answers = released.frames[grouping].reindex(true_frame.index)
        estimate = answers["rate"]
        exact = estimate.notna().to_numpy()
        if "exact" in answers:
            # Answered, but from coarser groups: an estimate, not full detail.
            full_detail = answers["exact"].eq(True).to_numpy(dtype=bool)
        else:
            full_detail = exact
        fallback = _unit_fallback(true_frame.index, unit_answers, overall)
        filled = np.where(exact, estimate.to_numpy(dtype=float), fallback)
        error = np.abs(filled - true_frame["rate"].to_numpy(dtype=float)) * 100
        errors.append(error)
        answered.append(full_detail)
        rows.append(
            {
                "grouping": " × ".join(grouping),
                "cells": len(true_frame),
                "workload_error": float(error.mean()),
                "answered_share": float(full_detail.mean()),
            }
        )

    all_errors = np.concatenate(errors)
    all_answered = np.concatenate(answered)
    return WorkloadScore(
        workload_error=float(all_errors.mean()),
        answered_share=float(all_answered.mean()),
        cells=len(all_errors),
        by_grouping=pd.DataFrame(rows),
    )


def _unit_fallback(
    index: pd.Index, unit_answers: pd.Series, overall: float
) -> np.ndarray:
    """The unit's answer for each cell of a grouping, else the overall rate."""
    units = index.get_level_values(0) if isinstance(index, pd.MultiIndex) else index
    values = unit_answers.reindex(units).to_numpy(dtype=float)
    return np.where(np.isfinite(values), values, overall)
