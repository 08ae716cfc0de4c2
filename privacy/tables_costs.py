"""What protecting a table costs, and the risks beside it.

- :func:`cost_by_subgroup`: which students lose their numbers to suppression.
  Small groups (students with disabilities, English learners, the smallest
  race groups, small schools) sit in small cells, so suppression falls on
  them first.
- :func:`compare_with_dp`: the same table released with Laplace noise, with
  the same utility measures, for a side-by-side comparison.
- :func:`differencing_risks`: two releases that are each safe can still give
  away a few students by subtraction (a school, and the same school without
  one program's students; or one year and the next).

Names follow the project convention: ``*_share`` is a proportion, ``*_error``
is lower-is-better.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from privacy.exceptions import InputError
from privacy.tables import (
    MARGIN_LABEL,
    MISSING_LABEL,
    ProtectedTable,
    rate_mean_relative_error,
)
from privacy.tables_subgroups import (
    SMALL_SCHOOL_STUDENTS,
    default_subgroups,
    subgroup_costs,
)

__all__ = [
    "SMALL_SCHOOL_STUDENTS",
    "DpComparison",
    "compare_with_dp",
    "cost_by_subgroup",
    "default_subgroups",
    "differencing_risks",
    "subgroup_cost_figure",
]


def cost_by_subgroup(
    table: pd.DataFrame,
    protected: ProtectedTable,
    subgroups: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Share of each subgroup's cells and students that suppression withholds.

    A student's number is withheld when the interior cell the student is
    counted in is withheld (for a rate table: when the cell's rate is).
    :func:`~privacy.tables.protect_table` already reports this for the
    default subgroups (``ProtectedTable.subgroup_costs``); this function
    measures other subgroups.

    Parameters
    ----------
    table : pandas.DataFrame
        The student records the protected table was built from.
    protected : ProtectedTable
        The result of :func:`privacy.tables.protect_table` on ``table``.
    subgroups : mapping of str to array of bool, optional
        Masks over the records; defaults to :func:`default_subgroups`.

    Returns
    -------
    pandas.DataFrame
        As :func:`privacy.tables_subgroups.subgroup_costs`.

    Raises
    ------
    InputError
        If ``table`` is not the table ``protected`` was built from.

    Examples
    --------
    >>> from privacy.tables import DisclosureRule, protect_table
    >>> students = pd.DataFrame({"grade": ["1"] * 9 + ["2"] * 2})
    >>> protected = protect_table(students, ["grade"], DisclosureRule("n3", 3))
    >>> cost_by_subgroup(students, protected)
           subgroup  students  cells  withheld_cell_share  withheld_student_share
    0  All students        11      2                  1.0                     1.0
    """
    if len(table) != len(protected.record_cells):
        raise InputError(
            f"The table has {len(table)} records but the protected table was "
            f"built from {len(protected.record_cells)}. Pass the same table to "
            f"both steps."
        )
    if subgroups is None:
        subgroups = default_subgroups(table)
    reason_column = "count_reason" if protected.indicator is None else "rate_reason"
    withheld_cells = (protected.cells[reason_column] != "").to_numpy()
    return subgroup_costs(protected.record_cells, withheld_cells, subgroups)


def subgroup_cost_figure(costs: pd.DataFrame) -> go.Figure:
    """Draw the share of students and cells withheld, by subgroup.

    Parameters
    ----------
    costs : pandas.DataFrame
        The output of :func:`cost_by_subgroup`.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars, one pair per subgroup.

    Examples
    --------
    >>> costs = pd.DataFrame({"subgroup": ["All students"], "students": [10],
    ...     "cells": [2], "withheld_cell_share": [0.5],
    ...     "withheld_student_share": [0.1]})
    >>> [bar.name for bar in subgroup_cost_figure(costs).data]
    ['students withheld', 'cells withheld']
    """
    figure = go.Figure()
    for column, name in (
        ("withheld_student_share", "students withheld"),
        ("withheld_cell_share", "cells withheld"),
    ):
        figure.add_bar(
            y=costs["subgroup"],
            x=costs[column],
            name=name,
            orientation="h",
            hovertemplate="%{y}: %{x:.1%}<extra>" + name + "</extra>",
        )
    figure.update_layout(
        barmode="group",
        xaxis={"title": "share withheld", "tickformat": ".0%", "range": [0, 1]},
        yaxis={"autorange": "reversed"},
        height=max(260, 36 * len(costs) + 80),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.08},
    )
    return figure


@dataclass(frozen=True)
class DpComparison:
    """Suppression beside Laplace noise on the same interior cells.

    Attributes
    ----------
    epsilon : float
        The epsilon of the noisy table.
    cells : pandas.DataFrame
        Interior cells: dimension columns, ``true_count``,
        ``suppressed_count`` (NaN where withheld), ``noisy_count`` and, for
        rates, ``true_rate``, ``suppressed_rate`` and ``noisy_rate``.
    measures : pandas.DataFrame
        One row per method (``"suppression"``, ``"laplace"``):
        ``withheld_cell_share`` (as :class:`~privacy.tables.ProtectedTable`
        reports it: rates, for a rate table), ``count_mean_absolute_error``
        (over the published counts), ``expected_count_mean_absolute_error``
        (1/ε for counts, 2/ε for the denominators of a rate table, which get
        ε/2; 0 for suppression without rounding) and, for rates,
        ``rate_mean_relative_error`` (same definition as
        :class:`~privacy.tables.ProtectedTable`).
    """

    epsilon: float
    cells: pd.DataFrame
    measures: pd.DataFrame


def compare_with_dp(
    table: pd.DataFrame,
    protected: ProtectedTable,
    epsilon: float,
    *,
    random_state: int,
) -> DpComparison:
    """Release the interior cells with Laplace noise and compare the costs.

    The noisy table is a preview for the analyst, drawn once from a private
    budget of exactly ``epsilon``: it is not the session's release and must
    not be published (publishing it would spend the session's budget).

    Parameters
    ----------
    table : pandas.DataFrame
        The student records ``protected`` was built from.
    protected : ProtectedTable
        The suppressed table.
    epsilon : float
        Epsilon of the noisy table (counts: all of it; rates: half for the
        numerators, half for the denominators).
    random_state : int
        Seed of the noise.

    Returns
    -------
    DpComparison
        Cells side by side and one row of measures per method.

    Examples
    --------
    >>> from privacy.tables import DisclosureRule, protect_table
    >>> students = pd.DataFrame({"grade": ["1"] * 40 + ["2"] * 2})
    >>> protected = protect_table(students, ["grade"], DisclosureRule("n5", 5))
    >>> comparison = compare_with_dp(students, protected, 1.0, random_state=0)
    >>> comparison.measures["withheld_cell_share"].tolist()
    [1.0, 0.0]
    """
    from privacy.dp import PrivacyBudget, dp_count_table, dp_rate_table

    dimensions = list(protected.dimensions)
    interior = protected.cells.iloc[: len(_interior_rows(protected))]
    labelled = pd.DataFrame(
        {
            name: table[name]
            .astype(object)
            .where(table[name].notna(), MISSING_LABEL)
            .map(str)
            for name in dimensions
        }
    )
    categories = {
        name: [value for value in interior[name].unique() if value != MARGIN_LABEL]
        for name in dimensions
    }
    budget = PrivacyBudget(cap=float(epsilon))
    cells = interior[dimensions].reset_index(drop=True).copy()
    cells["true_count"] = interior["count"].to_numpy()
    cells["suppressed_count"] = interior["published_count"].to_numpy()

    if protected.indicator is None:
        release = dp_count_table(
            labelled,
            dimensions,
            categories,
            epsilon,
            budget=budget,
            random_state=random_state,
        )
        noisy = release.counts.rename(columns={"count": "noisy_count"})
        cells = cells.merge(noisy, on=dimensions, how="left")
    else:
        labelled[protected.indicator] = table[protected.indicator].to_numpy()
        release = dp_rate_table(
            labelled,
            dimensions,
            categories,
            protected.indicator,
            epsilon,
            budget=budget,
            random_state=random_state,
        )
        noisy = release.rates.rename(
            columns={"denominator": "noisy_count", "rate": "noisy_rate"}
        ).drop(columns=["numerator"])
        cells = cells.merge(noisy, on=dimensions, how="left")
        cells["true_rate"] = interior["rate"].to_numpy()
        cells["suppressed_rate"] = interior["published_rate"].to_numpy()
    return DpComparison(
        epsilon=float(epsilon),
        cells=cells,
        measures=_comparison_measures(cells, protected, float(epsilon)),
    )


def _interior_rows(protected: ProtectedTable) -> np.ndarray:
    """Return the positions of the interior cells (they come first)."""
    level = " × ".join(protected.dimensions)
    return np.flatnonzero((protected.cells["level"] == level).to_numpy())


def _comparison_measures(
    cells: pd.DataFrame, protected: ProtectedTable, epsilon: float
) -> pd.DataFrame:
    """Compute the same utility measures for both methods."""
    true_counts = cells["true_count"].to_numpy(float)
    # A rate table spends half of epsilon on each of its two histograms.
    noise_scale = (1.0 if protected.indicator is None else 2.0) / epsilon
    rows = []
    for method, column, expected in (
        ("suppression", "suppressed_count", _rounding_error(protected)),
        ("laplace", "noisy_count", noise_scale),
    ):
        published = cells[column].to_numpy(float)
        shown = ~np.isnan(published)
        error = np.abs(published[shown] - true_counts[shown])
        # The same share the protected table reports (rates, for a rate table).
        withheld_share = (
            protected.suppressed_cell_share if method == "suppression" else 0.0
        )
        row = {
            "method": method,
            "withheld_cell_share": withheld_share,
            "count_mean_absolute_error": float(error.mean()) if shown.any() else 0.0,
            "expected_count_mean_absolute_error": expected,
        }
        if protected.indicator is not None:
            rate_column = "suppressed_rate" if method == "suppression" else "noisy_rate"
            row["rate_mean_relative_error"] = rate_mean_relative_error(
                cells["true_rate"].to_numpy(float),
                cells[rate_column].to_numpy(float),
                true_counts,
            )
            # Suppression's rate error counts coded rates at their threshold.
            if method == "suppression":
                row["rate_mean_relative_error"] = protected.rate_mean_relative_error
        rows.append(row)
    return pd.DataFrame(rows)


def _rounding_error(protected: ProtectedTable) -> float:
    """Expected absolute error of conventional rounding (uniform residues)."""
    base = protected.rule.rounding_base
    if base is None:
        return 0.0
    residues = np.arange(base)
    return float(np.minimum(residues, base - residues).mean())


def differencing_risks(
    releases: Mapping[str, pd.DataFrame], min_count: int
) -> pd.DataFrame:
    """Find pairs of releases whose difference isolates fewer than n students.

    Each release is a table with key columns and a ``count`` column (NaN
    where withheld). For every pair of releases and every key both publish,
    the difference ``count_a - count_b`` is checked: between 1 and
    ``min_count - 1`` students (in absolute value) means subtraction singles
    out a group the rule would have withheld. For nested groups (a school,
    and the same school without one program's students) the difference *is*
    those students; for successive years it is the net change.

    Parameters
    ----------
    releases : mapping of str to pandas.DataFrame
        Release name to its published table. Key columns are the columns
        every release shares, other than ``count``, ``level``, ``rate`` and
        ``rate_label``.
    min_count : int
        The rule's minimum.

    Returns
    -------
    pandas.DataFrame
        One row per risky difference: ``release_a``, ``release_b``, the key
        columns, ``count_a``, ``count_b`` and ``difference``.

    Raises
    ------
    InputError
        With fewer than two releases, no shared key column, or no ``count``.

    Examples
    --------
    >>> all_students = pd.DataFrame({"school": ["A", "B"], "count": [120, 80]})
    >>> without_program = pd.DataFrame({"school": ["A", "B"], "count": [117, 60]})
    >>> differencing_risks(
    ...     {"all": all_students, "without summer jobs": without_program}, 10
    ... )
      release_a            release_b school  count_a  count_b  difference
    0       all  without summer jobs      A    120.0    117.0         3.0
    """
    if len(releases) < 2:
        raise InputError(
            f"Differencing needs at least two releases; got {len(releases)}. "
            f"Add the release to compare with."
        )
    for name, release in releases.items():
        if "count" not in release.columns:
            raise InputError(
                f"Release '{name}' has no 'count' column; got "
                f"{list(release.columns)}. Name the column of counts 'count'."
            )
    ignored = {"count", "level", "rate", "rate_label"}
    shared = set.intersection(*(set(release.columns) for release in releases.values()))
    first = next(iter(releases.values()))
    keys = [column for column in first.columns if column in shared - ignored]
    if not keys:
        raise InputError(
            "The releases share no key column (such as 'school'); got "
            f"{[list(release.columns) for release in releases.values()]}. "
            "Give them the same key columns."
        )

    found = []
    for (name_a, release_a), (name_b, release_b) in itertools.combinations(
        releases.items(), 2
    ):
        merged = release_a[[*keys, "count"]].merge(
            release_b[[*keys, "count"]], on=keys, suffixes=("_a", "_b")
        )
        merged = merged.dropna(subset=["count_a", "count_b"])
        difference = merged["count_a"].astype(float) - merged["count_b"].astype(float)
        risky = merged[(difference.abs() >= 1) & (difference.abs() < min_count)]
        if risky.empty:
            continue
        risky = risky.assign(
            release_a=name_a,
            release_b=name_b,
            count_a=risky["count_a"].astype(float),
            count_b=risky["count_b"].astype(float),
            difference=difference[risky.index],
        )
        found.append(risky)
    columns = ["release_a", "release_b", *keys, "count_a", "count_b", "difference"]
    if not found:
        return pd.DataFrame({column: [] for column in columns})
    return pd.concat(found, ignore_index=True)[columns]
