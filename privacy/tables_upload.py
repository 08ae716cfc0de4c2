"""Reading a published table (as printed, with blanks) so that it can be audited.

A publisher who already released a table can check it: upload it as a grid
(one row per category of the first dimension, one column per category of the
second, blanks or markers where values were withheld, and optionally a total
row and a total column), and the audit derives what an attacker can learn
about each blank.

Accepted markers for a withheld value: an empty field, ``*``, ``**``, ``s``,
``x``, ``-``, ``—``, ``n/a``, ``suppressed``, and ``<k`` or ``≤k`` (which also
tell the attacker the value is below ``k``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from privacy.exceptions import InputError
from privacy.tables_audit import TableConstraints
from privacy.tables_builder import MARGIN_LABEL

__all__ = ["TOTAL_LABELS", "WITHHELD_MARKERS", "PublishedTable", "read_published_table"]

#: Row labels and column headers read as totals (case does not matter).
TOTAL_LABELS = frozenset({"total", "totals", "all", "grand total", "overall"})

#: Printed values read as withheld (case does not matter).
WITHHELD_MARKERS = frozenset(
    {"", "*", "**", "s", "x", "-", "—", "–", "n/a", "na", "suppressed", "nan"}
)

# "<6" or "≤5": withheld, and below (or at most) the number given.
_BELOW_PATTERN = re.compile(r"^(<|≤|<=)\s*(\d+)$")


@dataclass(frozen=True, eq=False)
class PublishedTable:
    """A published grid turned into a long table and its relations.

    Attributes
    ----------
    cells : pandas.DataFrame
        ``row``, ``column``, ``level`` (``"cell"``, ``"row total"``,
        ``"column total"``, ``"grand total"``), ``count`` (NaN where
        withheld) and ``count_upper`` (the bound a ``"<k"`` marker gives).
    constraints : TableConstraints
        Totals equal the sum of their cells.
    """

    cells: pd.DataFrame
    constraints: TableConstraints


def _read_value(value: object, row: str, column: str) -> tuple[float, float]:
    """Return (count or NaN, known upper bound or NaN) for one printed value."""
    if isinstance(value, int | float | np.integer | np.floating) and not (
        isinstance(value, float) and math.isnan(value)
    ):
        number = float(value)
    else:
        text = "" if value is None else str(value).strip()
        if text.lower() in WITHHELD_MARKERS or (
            isinstance(value, float) and math.isnan(value)
        ):
            return math.nan, math.nan
        below = _BELOW_PATTERN.match(text)
        if below:
            bound = float(below.group(2))
            return math.nan, bound - 1 if below.group(1) == "<" else bound
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise InputError(
                f"Cell ({row}, {column}) holds {text!r}, which is neither a count "
                f"nor a withheld marker. Use a whole number, or leave it blank "
                f"(or '*') where the value was withheld."
            ) from None
    if number < 0 or number != math.floor(number):
        raise InputError(
            f"Cell ({row}, {column}) holds {number:g}; counts are whole numbers "
            f"of 0 or more. Upload counts, not rates or percentages."
        )
    return number, math.nan


def read_published_table(frame: pd.DataFrame) -> PublishedTable:
    """Turn a printed grid of counts into a table the audit can read.

    Parameters
    ----------
    frame : pandas.DataFrame
        The first column holds the row labels; every other column is one
        category of the column dimension. A row labelled ``Total`` (or
        ``All``) holds the column totals; a column headed ``Total`` holds the
        row totals.

    Returns
    -------
    PublishedTable
        The long table and its relations.

    Raises
    ------
    InputError
        If the grid has no value columns, no numeric value at all, a value
        that is neither a count nor a marker, or repeated labels.

    Examples
    --------
    >>> grid = pd.DataFrame(
    ...     {"school": ["A", "B", "Total"], "grade 1": [3, "*", 10],
    ...      "grade 2": ["*", 8, 20], "Total": [15, 15, 30]}
    ... )
    >>> published = read_published_table(grid)
    >>> published.cells.query("count != count")[["row", "column"]]
      row   column
    1   A  grade 2
    3   B  grade 1
    >>> len(published.constraints)
    6
    """
    if frame.shape[1] < 2:
        raise InputError(
            f"A published table needs a column of row labels and at least one "
            f"column of counts; got {frame.shape[1]} column(s). Upload the table "
            f"as printed, e.g. schools down the side and grades across the top."
        )
    labels = frame.iloc[:, 0].astype(str).str.strip().tolist()
    headers = [str(name).strip() for name in frame.columns[1:]]
    for what, names in (("row label", labels), ("column header", headers)):
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise InputError(
                f"Each {what} must appear once; {repeated} repeat. Give every "
                f"row and column its own label."
            )

    is_total_row = [label.lower() in TOTAL_LABELS for label in labels]
    is_total_column = [header.lower() in TOTAL_LABELS for header in headers]
    values = frame.iloc[:, 1:].to_numpy(dtype=object)

    records = []
    for row_position, row_label in enumerate(labels):
        for column_position, header in enumerate(headers):
            count, upper = _read_value(
                values[row_position, column_position], row_label, header
            )
            records.append(
                {
                    "row": MARGIN_LABEL if is_total_row[row_position] else row_label,
                    "column": (
                        MARGIN_LABEL if is_total_column[column_position] else header
                    ),
                    "level": _level(
                        is_total_row[row_position], is_total_column[column_position]
                    ),
                    "count": count,
                    "count_upper": upper,
                }
            )
    cells = pd.DataFrame(records)
    if cells["count"].notna().sum() == 0:
        raise InputError(
            "The uploaded table has no numeric cells: every value is blank or a "
            "marker. Upload the table with its published counts."
        )
    return PublishedTable(cells=cells, constraints=_grid_constraints(cells))


def _level(total_row: bool, total_column: bool) -> str:
    """Name the kind of cell a grid position holds."""
    if total_row and total_column:
        return "grand total"
    if total_row:
        return "column total"
    if total_column:
        return "row total"
    return "cell"


def _grid_constraints(cells: pd.DataFrame) -> TableConstraints:
    """Relate each total of the grid to the cells it adds up."""
    totals: list[int] = []
    parts: list[tuple[int, ...]] = []
    positions = {
        (row, column): position
        for position, (row, column) in enumerate(
            zip(cells["row"], cells["column"], strict=True)
        )
    }
    rows = list(dict.fromkeys(cells["row"]))
    columns = list(dict.fromkeys(cells["column"]))
    category_rows = [row for row in rows if row != MARGIN_LABEL]
    category_columns = [column for column in columns if column != MARGIN_LABEL]
    if MARGIN_LABEL in columns:
        for row in rows:
            totals.append(positions[(row, MARGIN_LABEL)])
            parts.append(tuple(positions[(row, column)] for column in category_columns))
    if MARGIN_LABEL in rows:
        for column in columns:
            totals.append(positions[(MARGIN_LABEL, column)])
            parts.append(tuple(positions[(row, column)] for row in category_rows))
    return TableConstraints(totals=tuple(totals), parts=tuple(parts))
