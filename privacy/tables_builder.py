"""The table builder: counts (and rates) by up to three dimensions, with margins.

See :mod:`privacy.tables` for the choices behind published tables.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from privacy.exceptions import InputError, InternalError
from privacy.tables_audit import TableConstraints

__all__ = [
    "MARGIN_LABEL",
    "MAX_CATEGORIES",
    "MAX_DIMENSIONS",
    "MAX_INTERIOR_CELLS",
    "MISSING_LABEL",
    "CountTable",
    "build_table",
]

#: Label of a margin in a dimension column ("all grades", "all schools").
MARGIN_LABEL = "All"

#: Label of a missing value: a category of its own, never dropped.
MISSING_LABEL = "(missing)"

#: Tables have one, two or three dimensions.
MAX_DIMENSIONS = 3

#: A dimension with more categories than this is almost surely an identifier.
MAX_CATEGORIES = 250

#: Interior cells a table may have (100 schools x 14 grades x 7 groups fit).
MAX_INTERIOR_CELLS = 20_000

# Grade labels that sort before the numbered grades.
_GRADE_PREFIX_ORDER = {"PK": -2.0, "K": -1.0}


@dataclass(frozen=True, eq=False)
class CountTable:
    """A table of counts (and rates) by dimensions, with its margins.

    Attributes
    ----------
    cells : pandas.DataFrame
        One row per cell: one column per dimension (a category, or
        :data:`MARGIN_LABEL` in margins), ``level`` (which dimensions the
        row is broken down by, e.g. ``"school × grade"``, ``"school"`` or
        ``"total"``), ``count``, and for rates ``numerator`` and ``rate``.
        Interior cells come first.
    dimensions : tuple of str
        The dimensions, in order.
    indicator : str or None
        The yes/no column whose rate is tabulated, if any.
    constraints : TableConstraints
        Each margin equals the sum of the cells it covers.
    record_cells : numpy.ndarray
        For each input record, the row of its interior cell (used to measure
        what suppression costs each subgroup; never published).
    """

    cells: pd.DataFrame
    dimensions: tuple[str, ...]
    indicator: str | None
    constraints: TableConstraints
    record_cells: np.ndarray = field(repr=False)

    @property
    def interior(self) -> np.ndarray:
        """Return a mask of the interior (non-margin) cells."""
        return (self.cells["level"] == _level_name(self.dimensions)).to_numpy()


def _level_name(kept: Sequence[str]) -> str:
    """Name a level by the dimensions it is broken down by."""
    return " × ".join(kept) if kept else "total"


def _category_key(label: str) -> tuple[int, float, str]:
    """Sort numbers numerically, PK and K before grade 1, missing last."""
    if label == MISSING_LABEL:
        return (2, 0.0, label)
    if label in _GRADE_PREFIX_ORDER:
        return (0, _GRADE_PREFIX_ORDER[label], label)
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def _dimension_codes(column: pd.Series, name: str) -> tuple[np.ndarray, list[str]]:
    """Return each record's category code and the ordered category labels."""
    if isinstance(column.dtype, pd.CategoricalDtype) and column.cat.ordered:
        labels = [str(value) for value in column.cat.categories]
    else:
        labels = sorted(
            {str(value) for value in column.dropna().unique()}, key=_category_key
        )
    text = column.astype(object).where(column.notna(), MISSING_LABEL).map(str)
    if column.isna().any():
        labels.append(MISSING_LABEL)
    if MARGIN_LABEL in labels:
        raise InputError(
            f"Dimension '{name}' has a category called '{MARGIN_LABEL}', the "
            f"label of margins. Rename that category before tabulating."
        )
    if len(labels) > MAX_CATEGORIES:
        raise InputError(
            f"Dimension '{name}' has {len(labels)} categories; at most "
            f"{MAX_CATEGORIES} are allowed in a published table. Choose a coarser "
            f"column (e.g. neighborhood instead of an identifier)."
        )
    positions = {label: position for position, label in enumerate(labels)}
    codes = text.map(positions).to_numpy()
    if pd.isna(codes).any():
        raise InternalError(f"Some values of '{name}' have no category code.")
    return codes.astype(np.int64), labels


# Text spellings of yes and no, as exports and CSV readers leave them.
_YES_NO_TEXT = {
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "1": True,
    "0": False,
}


def _indicator_values(table: pd.DataFrame, indicator: str) -> np.ndarray:
    """Return the indicator as 0/1, refusing anything that is not yes/no."""
    column = table[indicator]
    if column.isna().any():
        raise InputError(
            f"The indicator column '{indicator}' has {int(column.isna().sum())} "
            f"missing values; a rate needs yes or no for every student. Fill or "
            f"drop those rows first."
        )
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        column = column.map(lambda value: _YES_NO_TEXT.get(str(value).strip().lower()))
        valid = column.notna()
    else:
        valid = column.isin([0, 1])
    if not valid.all():
        shown = sorted(map(str, pd.unique(table[indicator][~valid]).tolist()))[:5]
        raise InputError(
            f"The indicator column '{indicator}' must hold yes/no values "
            f"(True/False, yes/no or 1/0); got {shown}. Choose a yes/no column "
            f"such as 'chronically_absent'."
        )
    return column.astype(bool).to_numpy(np.int64)


def _check_dimensions(
    table: pd.DataFrame, dimensions: Sequence[str], indicator: str | None
) -> tuple[str, ...]:
    """Validate the dimension and indicator names."""
    if isinstance(dimensions, str):
        dimensions = [dimensions]
    dimensions = tuple(dimensions)
    if not 1 <= len(dimensions) <= MAX_DIMENSIONS:
        raise InputError(
            f"A published table has 1 to {MAX_DIMENSIONS} dimensions; got "
            f"{len(dimensions)} ({list(dimensions)}). Choose fewer columns."
        )
    if len(set(dimensions)) != len(dimensions):
        raise InputError(
            f"Each dimension may appear once; got {list(dimensions)}. Remove "
            f"the repeated column."
        )
    wanted = [*dimensions] + ([indicator] if indicator is not None else [])
    unknown = [name for name in wanted if name not in table.columns]
    if unknown:
        raise InputError(
            f"Unknown column(s) {unknown}; the table has {list(table.columns)}. "
            f"Choose dimensions among those columns."
        )
    if indicator is not None and indicator in dimensions:
        raise InputError(
            f"The indicator '{indicator}' is also a dimension. Choose an "
            f"indicator that is not one of {list(dimensions)}."
        )
    if len(table) == 0:
        raise InputError("The table has no rows; load data before tabulating.")
    return dimensions


def build_table(
    table: pd.DataFrame,
    dimensions: Sequence[str],
    *,
    indicator: str | None = None,
) -> CountTable:
    """Count students by up to three dimensions, with every margin.

    Every combination of the categories present appears, including cells
    with no student (a count of 0). Missing values form the category
    :data:`MISSING_LABEL`.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    dimensions : sequence of str
        One to three columns to break the counts down by.
    indicator : str, optional
        A yes/no column; when given, each cell also carries ``numerator``
        (students with the attribute) and ``rate``.

    Returns
    -------
    CountTable
        The long table with margins and the relations between them.

    Raises
    ------
    InputError
        If a column is unknown, a dimension has too many categories, or the
        indicator is not yes/no.

    Examples
    --------
    >>> students = pd.DataFrame(
    ...     {"school": ["A", "A", "A", "B"], "grade": ["1", "2", "2", "1"]}
    ... )
    >>> built = build_table(students, ["school", "grade"])
    >>> built.cells
      school grade           level  count
    0      A     1  school × grade      1
    1      A     2  school × grade      2
    2      B     1  school × grade      1
    3      B     2  school × grade      0
    4      A   All          school      3
    5      B   All          school      1
    6    All     1           grade      2
    7    All     2           grade      2
    8    All   All           total      4
    >>> len(built.constraints)
    6
    """
    dimensions = _check_dimensions(table, dimensions, indicator)

    codes, labels = [], []
    for name in dimensions:
        dimension_codes, dimension_labels = _dimension_codes(table[name], name)
        codes.append(dimension_codes)
        labels.append(dimension_labels)
    shape = tuple(len(dimension_labels) for dimension_labels in labels)
    interior_size = math.prod(shape)
    if interior_size > MAX_INTERIOR_CELLS:
        raise InputError(
            f"The table would have {interior_size:,} interior cells "
            f"({' × '.join(map(str, shape))}); at most {MAX_INTERIOR_CELLS:,} are "
            f"allowed. Choose fewer or coarser dimensions."
        )

    # Interior counts as an array, one axis per dimension.
    flat = np.ravel_multi_index(tuple(codes), shape)
    counts = np.bincount(flat, minlength=interior_size).reshape(shape)
    numerators = None
    if indicator is not None:
        flags = _indicator_values(table, indicator)
        numerators = np.bincount(flat, weights=flags, minlength=interior_size)
        numerators = numerators.round().astype(np.int64).reshape(shape)

    frames, index_arrays = [], {}
    offset = 0
    # Levels from the interior (all axes kept) down to the grand total.
    for size in range(len(dimensions), -1, -1):
        for kept in itertools.combinations(range(len(dimensions)), size):
            dropped = tuple(axis for axis in range(len(dimensions)) if axis not in kept)
            level_shape = tuple(shape[axis] for axis in kept)
            n_level = math.prod(level_shape)
            index_arrays[kept] = np.arange(offset, offset + n_level).reshape(
                level_shape
            )
            offset += n_level
            frames.append(
                _level_frame(dimensions, labels, kept, counts, numerators, dropped)
            )
    cells = pd.concat(frames, ignore_index=True)
    if numerators is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            cells["rate"] = cells["numerator"] / cells["count"].where(
                cells["count"] > 0
            )

    constraints = _margin_constraints(index_arrays)
    return CountTable(
        cells=cells,
        dimensions=dimensions,
        indicator=indicator,
        constraints=constraints,
        record_cells=flat,
    )


def _level_frame(
    dimensions: tuple[str, ...],
    labels: list[list[str]],
    kept: tuple[int, ...],
    counts: np.ndarray,
    numerators: np.ndarray | None,
    dropped: tuple[int, ...],
) -> pd.DataFrame:
    """Return the rows of one level (a set of kept dimensions) in C order."""
    level_counts = counts.sum(axis=dropped) if dropped else counts
    grid = list(itertools.product(*(labels[axis] for axis in kept))) if kept else [()]
    frame = pd.DataFrame(
        {
            name: [
                combination[kept.index(axis)] if axis in kept else MARGIN_LABEL
                for combination in grid
            ]
            for axis, name in enumerate(dimensions)
        }
    )
    frame["level"] = _level_name([dimensions[axis] for axis in kept])
    frame["count"] = np.asarray(level_counts).reshape(-1).astype(np.int64)
    if numerators is not None:
        level_numerators = numerators.sum(axis=dropped) if dropped else numerators
        frame["numerator"] = np.asarray(level_numerators).reshape(-1).astype(np.int64)
    return frame


def _margin_constraints(
    index_arrays: Mapping[tuple[int, ...], np.ndarray],
) -> TableConstraints:
    """Relate each level to the levels one dimension coarser."""
    totals: list[int] = []
    parts: list[tuple[int, ...]] = []
    for kept, indices in index_arrays.items():
        for position, axis in enumerate(kept):
            coarser = tuple(other for other in kept if other != axis)
            # Move the summed axis last so each row lists one total's parts.
            grouped = np.moveaxis(indices, position, -1).reshape(
                -1, indices.shape[position]
            )
            totals.extend(index_arrays[coarser].reshape(-1).tolist())
            parts.extend(tuple(row) for row in grouped.tolist())
    return TableConstraints(totals=tuple(totals), parts=tuple(parts))
