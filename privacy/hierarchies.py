"""Generalization hierarchies: how each quasi-identifier is coarsened, level by level.

A hierarchy is a table with one row per original value and one column per
level. Level 0 is the value itself; each further level replaces it by a coarser
label (an interval, a masked code, a group); the last level is a single label,
usually ``*``, that hides the value entirely. The layout is ARX's: a CSV file
without header, ``;`` as separator, one row per value, one column per level.

Rules every hierarchy here follows:

- **Values are text.** Data values are matched to the hierarchy through their
  text form: whole numbers are written without a decimal part (``34.0`` matches
  ``34``), dates as ``YYYY-MM-DD``, everything else with ``str``. Leading zeros
  of codes kept as text (``"02139"``) are therefore kept.
- **A hierarchy is a tree.** Every label of a level has exactly one parent on
  the next level, and the top level has a single label. This is what makes
  k-anonymity monotone over the lattice of transformations, so that the search
  in :mod:`privacy.anonymization` can prune.
- **Missing values are a value of their own.** A missing value (``NaN``,
  ``None``, ``NaT``) is never in the table: it generalizes to itself (stays
  missing) at every level below the top, and to the top label at the top. It
  thus forms its own equivalence class until the attribute is fully suppressed.
- **Every value present in the data must be covered.** Generalizing a value the
  hierarchy does not list raises :class:`~privacy.exceptions.InputError` naming
  the value.
"""

from __future__ import annotations

import collections
import csv
import io
import itertools
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from privacy.exceptions import InputError

__all__ = [
    "HIERARCHY_RULES",
    "TOP_LABEL",
    "Hierarchy",
    "as_text",
    "build_hierarchy",
    "date_hierarchy",
    "default_hierarchy",
    "grouping_hierarchy",
    "interval_hierarchy",
    "masking_hierarchy",
    "read_arx_hierarchy",
    "suppression_hierarchy",
]

TOP_LABEL = "*"

# How many offending values an error message lists before "and N more".
_SHOWN_VALUES = 5

# Date levels from fine to coarse; a date hierarchy must list them in this order.
_DATE_LEVEL_RANK = {"month": 1, "quarter": 2, "year": 3, "age_band": 4}

_ZIP_NAME = re.compile(r"(^|_)(zip|zipcode|zip_code|postal|postal_code|postcode)$")
_DATE_NAME = re.compile(r"(^|_)(dob|date|birth|birthdate|birth_date|date_of_birth)")


def _shown(values: Iterable[object]) -> str:
    """List a few values for an error message, with a count of the rest."""
    values = list(values)
    head = ", ".join(repr(value) for value in values[:_SHOWN_VALUES])
    rest = len(values) - _SHOWN_VALUES
    return head + (f" and {rest} more" if rest > 0 else "")


def _number_text(number: float) -> str:
    """Write a number without a trailing ``.0`` when it is whole."""
    if math.isfinite(number) and float(number).is_integer():
        return str(int(number))
    return repr(float(number))


def as_text(values: pd.Series) -> pd.Series:
    """Return the text form under which values are matched to a hierarchy.

    Parameters
    ----------
    values : pandas.Series
        A column of any dtype.

    Returns
    -------
    pandas.Series
        Object series of strings, with missing values kept as ``NaN``.

    Examples
    --------
    >>> as_text(pd.Series([34.0, 2.5, None])).tolist()
    ['34', '2.5', nan]
    >>> as_text(pd.Series(pd.to_datetime(["2010-05-03"]))).tolist()
    ['2010-05-03']
    """
    # Convert each distinct value once, then spread the text back by code.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(uniques, dtype=values.dtype if len(uniques) else object)
    if pd.api.types.is_datetime64_any_dtype(distinct):
        text = distinct.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    elif pd.api.types.is_bool_dtype(distinct):
        text = distinct.astype(object).map(str).to_numpy(dtype=object)
    elif pd.api.types.is_numeric_dtype(distinct):
        text = np.array(
            [_number_text(float(value)) for value in distinct], dtype=object
        )
    else:
        text = np.array([_object_text(value) for value in distinct], dtype=object)
    spread = np.append(text, np.nan).astype(object)[codes]
    return pd.Series(spread, index=values.index, name=values.name, dtype=object)


def _object_text(value: object) -> object:
    """Text form of one value of an object column (missing values pass)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return np.nan
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return _number_text(float(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


@dataclass(frozen=True)
class Hierarchy:
    """A generalization hierarchy for one attribute, in ARX's layout.

    Parameters
    ----------
    name : str
        The attribute (column) the hierarchy is for.
    levels : tuple of tuple of str
        One row per original value; column 0 is the value, column ``h`` its
        most general label. Every row has the same length.

    Raises
    ------
    InputError
        If the table is empty or ragged, lists a value twice, is not a tree
        (a label with two parents) or has more than one label at the top.

    Examples
    --------
    >>> sex = Hierarchy("sex", (("male", "*"), ("female", "*")))
    >>> sex.height
    1
    >>> sex.generalize(pd.Series(["male", None]), 0).tolist()
    ['male', None]
    >>> sex.generalize(pd.Series(["male", None]), 1).tolist()
    ['*', '*']
    """

    name: str
    levels: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        """Normalize cells to text and check the table is a valid hierarchy."""
        rows = tuple(tuple(str(cell) for cell in row) for row in self.levels)
        object.__setattr__(self, "levels", rows)
        if not rows or not rows[0]:
            raise InputError(
                f"The hierarchy for {self.name!r} is empty. Give at least one row: "
                "the value, then one label per level, the last being '*'."
            )

        widths = {len(row) for row in rows}
        if len(widths) > 1:
            raise InputError(
                f"The hierarchy for {self.name!r} has rows of different lengths "
                f"({sorted(widths)} columns). Give every value the same number of "
                "levels."
            )

        originals = [row[0] for row in rows]
        counts = collections.Counter(originals)
        duplicates = sorted(value for value, count in counts.items() if count > 1)
        if duplicates:
            raise InputError(
                f"The hierarchy for {self.name!r} lists values more than once: "
                f"{_shown(duplicates)}. Keep one row per value."
            )
        self._check_tree(rows)

    def _check_tree(self, rows: tuple[tuple[str, ...], ...]) -> None:
        """Check that each label has one parent and the top is one label."""
        height = len(rows[0]) - 1
        for level in range(1, height):
            parents: dict[str, str] = {}
            for row in rows:
                parent = parents.setdefault(row[level], row[level + 1])
                if parent != row[level + 1]:
                    raise InputError(
                        f"The hierarchy for {self.name!r} is not a tree: label "
                        f"{row[level]!r} on level {level} generalizes to both "
                        f"{parent!r} and {row[level + 1]!r} on level {level + 1}. "
                        "Give each label a single parent."
                    )
        tops = sorted({row[-1] for row in rows})
        if height > 0 and len(tops) > 1:
            raise InputError(
                f"The hierarchy for {self.name!r} ends with several labels "
                f"({_shown(tops)}); its last level must hide the value entirely. "
                "Add a last column with '*' on every row."
            )

    @property
    def height(self) -> int:
        """Number of generalization steps above the original values."""
        return len(self.levels[0]) - 1

    @property
    def values(self) -> tuple[str, ...]:
        """The original values the hierarchy covers, in table order."""
        return tuple(row[0] for row in self.levels)

    def level_labels(self, level: int) -> tuple[str, ...]:
        """Return the distinct labels of one level, in first-appearance order.

        Parameters
        ----------
        level : int
            0 (original values) to :attr:`height`.

        Returns
        -------
        tuple of str
            The labels of that level.

        Examples
        --------
        >>> h = interval_hierarchy([3, 7, 12], widths=(10,))
        >>> h.level_labels(1)
        ('[0, 10)', '[10, 20)')
        """
        self._check_level(level)
        return tuple(dict.fromkeys(row[level] for row in self.levels))

    def to_frame(self) -> pd.DataFrame:
        """Return the table as a DataFrame with one column per level.

        Returns
        -------
        pandas.DataFrame
            Columns ``level 0`` to ``level h``.

        Examples
        --------
        >>> Hierarchy("sex", (("male", "*"),)).to_frame().columns.tolist()
        ['level 0', 'level 1']
        """
        columns = [f"level {level}" for level in range(self.height + 1)]
        return pd.DataFrame(list(self.levels), columns=columns)

    def to_arx_csv(self) -> str:
        r"""Write the hierarchy in ARX's layout: no header, ``;``, one row per value.

        Returns
        -------
        str
            The CSV text, ``\n`` line ends, with a final newline.

        Examples
        --------
        >>> print(Hierarchy("sex", (("male", "*"), ("female", "*"))).to_arx_csv())
        male;*
        female;*
        <BLANKLINE>
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerows(self.levels)
        return buffer.getvalue()

    def _check_level(self, level: int) -> None:
        if not isinstance(level, int | np.integer) or not 0 <= level <= self.height:
            raise InputError(
                f"Level {level!r} does not exist in the hierarchy for "
                f"{self.name!r}; choose a level from 0 to {self.height}."
            )

    @cached_property
    def _index(self) -> pd.Index:
        return pd.Index(self.values)

    def row_codes(self, values: pd.Series) -> np.ndarray:
        """Return each value's row in the table; missing values get ``-1``.

        Parameters
        ----------
        values : pandas.Series
            The column to match.

        Returns
        -------
        numpy.ndarray
            Integer row numbers, ``-1`` where the value is missing.

        Raises
        ------
        InputError
            If a value present in the data is not covered by the hierarchy.

        Examples
        --------
        >>> h = Hierarchy("sex", (("male", "*"), ("female", "*")))
        >>> h.row_codes(pd.Series(["female", None, "male"])).tolist()
        [1, -1, 0]
        """
        text = as_text(pd.Series(values))
        missing = text.isna().to_numpy()
        codes = self._index.get_indexer(text.where(~missing, ""))
        uncovered = (codes < 0) & ~missing
        if uncovered.any():
            unknown = sorted(set(text[uncovered]))
            raise InputError(
                f"The hierarchy for {self.name!r} does not cover "
                f"{len(unknown)} value(s) found in the data: {_shown(unknown)}. "
                "Add a row for each of them to the hierarchy, or fix the data."
            )
        codes[missing] = -1
        return codes

    def label_covers(self, values: pd.Series, labels: pd.Series) -> np.ndarray:
        """Count how many distinct data values each released label stands for.

        The level is the lowest one whose labels include every released label;
        a missing label covers 1 (the missing value itself), the top label
        covers every distinct value, missing included.

        Parameters
        ----------
        values : pandas.Series
            The original column.
        labels : pandas.Series
            Released labels, one per kept record.

        Returns
        -------
        numpy.ndarray of int
            The cover of each label.

        Raises
        ------
        InputError
            If no level holds all the labels, or a value is not covered.

        Examples
        --------
        >>> h = interval_hierarchy([3, 7, 12], widths=(10,))
        >>> h.label_covers(pd.Series([3, 7, 12]), pd.Series(["[0, 10)", "*"])).tolist()
        [2, 3]
        """
        codes = self.row_codes(values)
        rows = np.unique(codes[codes >= 0])
        has_missing = bool((codes < 0).any())
        distinct = rows.size + int(has_missing)
        labels = as_text(pd.Series(labels))
        wanted = set(labels.dropna()) - {self.levels[0][-1]}

        for level in range(self.height + 1):
            level_labels = pd.Series([self.levels[row][level] for row in rows])
            counts = level_labels.value_counts()
            if not wanted <= set(counts.index):
                continue
            covers = labels.map(counts).to_numpy(dtype=float)
            covers[labels.isna().to_numpy()] = 1
            covers[(labels == self.levels[0][-1]).to_numpy()] = distinct
            return covers.astype(np.int64)
        raise InputError(
            f"No level of the hierarchy for {self.name!r} holds all the released "
            f"labels, e.g. {_shown(sorted(map(str, wanted))[:_SHOWN_VALUES])}. Check "
            "that the release was made with this hierarchy."
        )

    def generalize(self, values: pd.Series, level: int) -> pd.Series:
        """Replace each value by its label on ``level``.

        Level 0 returns the values unchanged. Missing values stay missing below
        the top level and become the top label at the top.

        Parameters
        ----------
        values : pandas.Series
            The column to generalize.
        level : int
            0 (original values) to :attr:`height`.

        Returns
        -------
        pandas.Series
            Same index as ``values``; object dtype above level 0.

        Raises
        ------
        InputError
            If the level does not exist or a value is not covered.

        Examples
        --------
        >>> h = interval_hierarchy([3, 17], widths=(10,))
        >>> h.generalize(pd.Series([3, 17, None]), 1).tolist()
        ['[0, 10)', '[10, 20)', nan]
        """
        self._check_level(level)
        values = pd.Series(values)
        codes = self.row_codes(values)
        if level == 0:
            return values.copy()

        labels = np.array([row[level] for row in self.levels] + [np.nan], dtype=object)
        generalized = labels[codes]
        if level == self.height:
            generalized[codes < 0] = self.levels[0][-1]
        return pd.Series(generalized, index=values.index, name=values.name)


def _distinct_text(values: Iterable[object] | pd.Series) -> list[str]:
    """Distinct non-missing text forms of ``values``, in sorted order."""
    text = as_text(
        pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    )
    return sorted(set(text.dropna()))


def _numbers(values: Iterable[object] | pd.Series, name: str) -> pd.Series:
    """Distinct non-missing values as numbers, or an InputError naming the bad ones."""
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    series = series.dropna().drop_duplicates()
    numbers = pd.to_numeric(series, errors="coerce")
    bad = series[numbers.isna()]
    if len(bad):
        raise InputError(
            f"An interval hierarchy for {name!r} needs numbers; got "
            f"{_shown(sorted(map(str, bad)))}. Choose a masking or grouping "
            "hierarchy for text columns."
        )
    return numbers.astype(float)


def interval_hierarchy(
    values: Iterable[object] | pd.Series,
    widths: Sequence[float] = (5, 10, 20),
    bottom: float | None = None,
    top: float | None = None,
    *,
    name: str | None = None,
) -> Hierarchy:
    """Build a hierarchy of numeric intervals of growing width.

    Level ``i`` puts each value in the interval ``[a, a + widths[i-1])`` that
    holds it, with ``a`` a multiple of the width counted from ``bottom`` (or
    from 0). Values below ``bottom`` become ``"<bottom"`` and values at or above
    ``top`` become ``">=top"`` at every level (bottom and top coding); intervals
    are clipped to ``[bottom, top)``. The last level is ``*``.

    Parameters
    ----------
    values : iterable or pandas.Series
        The values to cover (usually the column itself).
    widths : sequence of float
        Interval width per level, each a multiple of the one before so that
        intervals nest.
    bottom, top : float, optional
        Bottom and top coding thresholds.
    name : str, optional
        Attribute name; defaults to the series name or ``"value"``.

    Returns
    -------
    Hierarchy
        Height ``len(widths) + 1``.

    Raises
    ------
    InputError
        If a value is not a number, a width is not positive, widths do not nest
        or ``bottom >= top``.

    Examples
    --------
    >>> h = interval_hierarchy([9, 12, 80], widths=(5, 10), bottom=10, top=80)
    >>> [list(row) for row in h.levels]  # doctest: +NORMALIZE_WHITESPACE
    [['9', '<10', '<10', '*'], ['12', '[10, 15)', '[10, 20)', '*'],
     ['80', '>=80', '>=80', '*']]
    """
    name = name or getattr(values, "name", None) or "value"
    numbers = _numbers(values, name)
    widths = tuple(float(width) for width in widths)
    if any(not math.isfinite(width) or width <= 0 for width in widths):
        raise InputError(
            f"Interval widths must be positive numbers; got {widths}. "
            "Choose widths such as (5, 10, 20)."
        )
    for finer, coarser in itertools.pairwise(widths):
        if not math.isclose(coarser / finer, round(coarser / finer)) or coarser < finer:
            raise InputError(
                f"Interval widths must nest, each a multiple of the one before; got "
                f"{widths}. Choose widths such as (5, 10, 20)."
            )
    if bottom is not None and top is not None and bottom >= top:
        raise InputError(
            f"The bottom coding threshold must be below the top one; got bottom="
            f"{bottom}, top={top}. Swap them or widen the range."
        )

    origin = 0.0 if bottom is None else float(bottom)
    rows = []
    for number in sorted(numbers):
        row = [_number_text(number)]
        for width in widths:
            row.append(_interval_label(number, width, origin, bottom, top))
        rows.append((*row, TOP_LABEL))
    return Hierarchy(str(name), tuple(rows))


def _interval_label(
    number: float, width: float, origin: float, bottom: float | None, top: float | None
) -> str:
    """Label of the interval of ``width`` holding ``number``."""
    if bottom is not None and number < bottom:
        return f"<{_number_text(bottom)}"
    if top is not None and number >= top:
        return f">={_number_text(top)}"
    low = origin + math.floor((number - origin) / width) * width
    high = low + width
    if top is not None:
        high = min(high, float(top))
    return f"[{_number_text(low)}, {_number_text(high)})"


def masking_hierarchy(
    values: Iterable[object] | pd.Series,
    width: int | None = None,
    *,
    name: str | None = None,
) -> Hierarchy:
    """Build a hierarchy that masks codes from the right, one character a level.

    ``02139`` becomes ``0213*``, ``021**`` … up to ``*****``. Values are text;
    with ``width`` given, numbers shorter than it are padded with leading zeros
    first (a ZIP code read as the number 2139 is shown as ``0213*``).

    Parameters
    ----------
    values : iterable or pandas.Series
        The codes to cover.
    width : int, optional
        Code length; defaults to the longest value.
    name : str, optional
        Attribute name; defaults to the series name or ``"value"``.

    Returns
    -------
    Hierarchy
        Height ``width``; the top label is ``width`` stars.

    Raises
    ------
    InputError
        If a value is longer than ``width`` or there are no values.

    Examples
    --------
    >>> h = masking_hierarchy(["02139", "02134"])
    >>> h.levels[0]
    ('02134', '0213*', '021**', '02***', '0****', '*****')
    >>> masking_hierarchy([2139], width=5).levels[0][:2]
    ('2139', '0213*')
    """
    name = name or getattr(values, "name", None) or "value"
    originals = _distinct_text(values)
    if not originals:
        # An entirely missing column has nothing to mask: missing values stay
        # missing below the top, so one step to the top label is all it needs.
        return Hierarchy(name, ((TOP_LABEL, TOP_LABEL),))
    longest = max(len(value) for value in originals)
    width = longest if width is None else int(width)
    if width < longest:
        too_long = [value for value in originals if len(value) > width]
        raise InputError(
            f"Masking width {width} is shorter than some values of {name!r}: "
            f"{_shown(too_long)}. Choose a width of at least {longest}."
        )

    rows = []
    for original in originals:
        # Codes read as numbers lost their leading zeros; put them back.
        code = original.zfill(width) if original.isdigit() else original
        row = [original]
        for masked in range(1, width + 1):
            kept = width - masked
            row.append(
                code if len(code) <= kept else code[:kept] + "*" * (len(code) - kept)
            )
        row[-1] = "*" * width
        rows.append(tuple(row))
    return Hierarchy(str(name), tuple(rows))


def grouping_hierarchy(
    values: Iterable[object] | pd.Series,
    groups: Sequence[Mapping[str, str]],
    *,
    name: str | None = None,
) -> Hierarchy:
    """Build a hierarchy from user-defined groups, one mapping per level.

    ``groups[0]`` maps each value to its level-1 group, ``groups[1]`` maps each
    level-1 group to its level-2 group, and so on. A final ``*`` level is added
    unless the last mapping already sends everything to one label.

    Parameters
    ----------
    values : iterable or pandas.Series
        The values to cover.
    groups : sequence of mapping of str to str
        The groups, level by level; empty gives a suppression-only hierarchy.
    name : str, optional
        Attribute name; defaults to the series name or ``"value"``.

    Returns
    -------
    Hierarchy
        Height ``len(groups)`` or ``len(groups) + 1``.

    Raises
    ------
    InputError
        If a value (or a group) has no group on the next level.

    Examples
    --------
    >>> h = grouping_hierarchy(
    ...     ["K1", "K2", "G6"], [{"K1": "Elementary", "K2": "Elementary",
    ...                           "G6": "Middle"}])
    >>> h.levels
    (('G6', 'Middle', '*'), ('K1', 'Elementary', '*'), ('K2', 'Elementary', '*'))
    """
    name = name or getattr(values, "name", None) or "value"
    rows = [[value] for value in _distinct_text(values)]
    for level, mapping in enumerate(groups, start=1):
        mapping = {str(key): str(label) for key, label in mapping.items()}
        unmapped = sorted({row[-1] for row in rows if row[-1] not in mapping})
        if unmapped:
            what = "values" if level == 1 else f"level-{level - 1} groups"
            raise InputError(
                f"The grouping for {name!r} gives no level-{level} group to the "
                f"{what} {_shown(unmapped)}. Add them to the mapping of level "
                f"{level}."
            )
        for row in rows:
            row.append(mapping[row[-1]])

    if len(groups) == 0 or len({row[-1] for row in rows}) > 1:
        for row in rows:
            row.append(TOP_LABEL)
    return Hierarchy(str(name), tuple(tuple(row) for row in rows))


def suppression_hierarchy(
    values: Iterable[object] | pd.Series, *, name: str | None = None
) -> Hierarchy:
    """Build the one-step hierarchy ``value → *`` (keep or suppress).

    Parameters
    ----------
    values : iterable or pandas.Series
        The values to cover.
    name : str, optional
        Attribute name.

    Returns
    -------
    Hierarchy
        Height 1.

    Examples
    --------
    >>> suppression_hierarchy(["b", "a"]).levels
    (('a', '*'), ('b', '*'))
    """
    return grouping_hierarchy(values, [], name=name)


def date_hierarchy(
    values: Iterable[object] | pd.Series,
    levels: Sequence[str] = ("month", "year", "age_band"),
    *,
    reference: object = None,
    age_band_width: int = 5,
    name: str | None = None,
) -> Hierarchy:
    """Build a hierarchy of dates: month, quarter, year, then age bands.

    Age bands use the age reached during the year of ``reference``
    (``reference year - birth year``), so that each band is a union of whole
    birth years and the hierarchy stays a tree above the ``year`` level.

    Parameters
    ----------
    values : iterable or pandas.Series
        Dates, as datetimes or parseable text.
    levels : sequence of str
        Levels from fine to coarse among ``"month"``, ``"quarter"``, ``"year"``
        and ``"age_band"``. A final ``*`` level is always added.
    reference : date-like, optional
        The date ages are taken at; defaults to today.
    age_band_width : int
        Width in years of the age bands.
    name : str, optional
        Attribute name.

    Returns
    -------
    Hierarchy
        Height ``len(levels) + 1``.

    Raises
    ------
    InputError
        If a value is not a date, a level is unknown or levels are out of order.

    Examples
    --------
    >>> h = date_hierarchy(["2014-03-09"], reference="2025-09-01")
    >>> h.levels[0]
    ('2014-03-09', '2014-03', '2014', 'age 10-14', '*')
    """
    name = name or getattr(values, "name", None) or "value"
    unknown = [level for level in levels if level not in _DATE_LEVEL_RANK]
    if unknown:
        raise InputError(
            f"Unknown date level(s) {unknown} for {name!r}; choose among "
            f"{list(_DATE_LEVEL_RANK)}."
        )
    ranks = [_DATE_LEVEL_RANK[level] for level in levels]
    if ranks != sorted(set(ranks)):
        raise InputError(
            f"Date levels must go from fine to coarse without repeats; got "
            f"{list(levels)}. Use the order month, quarter, year, age_band."
        )
    if int(age_band_width) < 1:
        raise InputError(
            f"The age band width must be at least 1 year; got {age_band_width}."
        )

    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    series = series.dropna().drop_duplicates()
    originals = as_text(series)
    dates = pd.to_datetime(series, errors="coerce")
    bad = originals[dates.isna()]
    if len(bad):
        raise InputError(
            f"A date hierarchy for {name!r} needs dates; could not read "
            f"{_shown(sorted(bad))}. Write dates as YYYY-MM-DD."
        )
    reference_year = pd.Timestamp(reference if reference is not None else "today").year

    rows = []
    for original, date in sorted(zip(originals, dates, strict=True)):
        row = [original]
        for level in levels:
            row.append(_date_label(date, level, reference_year, int(age_band_width)))
        rows.append((*row, TOP_LABEL))
    return Hierarchy(str(name), tuple(rows))


def _date_label(date: pd.Timestamp, level: str, reference_year: int, width: int) -> str:
    """Label of ``date`` on one date level."""
    if level == "month":
        return f"{date.year:04d}-{date.month:02d}"
    if level == "quarter":
        return f"{date.year:04d}-Q{(date.month - 1) // 3 + 1}"
    if level == "year":
        return f"{date.year:04d}"
    age = reference_year - date.year
    low = (age // width) * width
    return f"age {low}-{low + width - 1}"


def _natural_key(value: str) -> tuple[int, int, str]:
    """Sort words before numbers, and numbers by value (``K`` < ``2`` < ``10``)."""
    return (1, int(value), value) if value.isdigit() else (0, 0, value)


def _ordered_blocks(originals: list[str], name: str) -> Hierarchy:
    """Group text values, in natural order, into consecutive blocks, then ``*``."""
    originals = sorted(originals, key=_natural_key)
    size = max(2, round(math.sqrt(len(originals))))
    mapping = {}
    for start in range(0, len(originals), size):
        block = originals[start : start + size]
        label = block[0] if len(block) == 1 else f"{block[0]} … {block[-1]}"
        mapping.update(dict.fromkeys(block, label))
    return grouping_hierarchy(originals, [mapping], name=name)


def _nice_width(span: float) -> float:
    """Return a round interval width giving about ten intervals over ``span``."""
    raw = max(span / 10, 1e-9)
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def default_hierarchy(series: pd.Series, name: str | None = None) -> Hierarchy:
    """Pick a sensible hierarchy for a column from its dtype and name.

    Dates (or date-like names) get :func:`date_hierarchy`; ZIP-like codes
    (a ZIP-like name, or digit strings of one length) get
    :func:`masking_hierarchy`; other numbers get :func:`interval_hierarchy`
    with round widths; text with at most four values gets the suppression-only
    hierarchy; longer lists of text are grouped in blocks of consecutive values
    in natural order (words first, then numbers by value, so grades ``K``,
    ``1`` … ``12`` group sensibly).

    Parameters
    ----------
    series : pandas.Series
        The column.
    name : str, optional
        Its name; defaults to ``series.name``.

    Returns
    -------
    Hierarchy
        A hierarchy covering every value of the column.

    Examples
    --------
    >>> default_hierarchy(pd.Series(["02139", "02134"], name="zip")).height
    5
    >>> default_hierarchy(pd.Series([7, 15, 63], name="age")).levels[0]
    ('7', '[5, 10)', '[0, 10)', '[0, 20)', '*')
    >>> default_hierarchy(pd.Series(["F", "M"], name="gender")).height
    1
    """
    name = str(name if name is not None else series.name)
    normalized = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    present = series.dropna()
    if present.empty:
        # Nothing but missing values: they stay missing below the top level.
        return Hierarchy(name, ((TOP_LABEL, TOP_LABEL),))

    if pd.api.types.is_datetime64_any_dtype(series) or (
        _DATE_NAME.search(normalized)
        and not pd.api.types.is_numeric_dtype(series)
        and len(present)
        and pd.to_datetime(present, errors="coerce").notna().all()
    ):
        return date_hierarchy(series, name=name)

    text = as_text(present)
    digits = text.str.fullmatch(r"\d+").all() if len(text) else False
    same_length = text.str.len().nunique() == 1 if len(text) else False
    if _ZIP_NAME.search(normalized) or (
        digits and same_length and not pd.api.types.is_numeric_dtype(series)
    ):
        width = 5 if _ZIP_NAME.search(normalized) and digits else None
        if width is not None and len(text) and text.str.len().max() > 5:
            width = None
        return masking_hierarchy(series, width=width, name=name)

    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        numbers = present.astype(float)
        span = float(numbers.max() - numbers.min()) if len(numbers) else 0.0
        width = _nice_width(span / 2)
        return interval_hierarchy(
            series, widths=(width, width * 2, width * 4), name=name
        )

    originals = _distinct_text(series)
    if len(originals) <= 4:
        return suppression_hierarchy(originals, name=name)
    return _ordered_blocks(originals, name)


def _arx_name(source: object) -> str | None:
    """Attribute name from an ARX file name: ``adult_hierarchy_age.csv`` → age."""
    filename = (
        getattr(source, "name", None) if not isinstance(source, str | Path) else source
    )
    if not isinstance(filename, str | Path):
        return None
    stem = Path(filename).stem
    return stem.split("_hierarchy_", 1)[1] if "_hierarchy_" in stem else stem


def read_arx_hierarchy(
    source: str | os.PathLike[str] | bytes | IO[str] | IO[bytes],
    *,
    name: str | None = None,
    delimiter: str = ";",
) -> Hierarchy:
    r"""Read a hierarchy in ARX's CSV layout.

    No header, one row per value, one column per level; quoted cells and a
    missing final newline are accepted, as are ``\r\n`` line ends and a UTF-8
    byte-order mark.

    Parameters
    ----------
    source : path, bytes or file-like
        A path (``str`` or ``Path``), the file's bytes, or an open file (text or
        binary, e.g. an upload).
    name : str, optional
        Attribute name; defaults to the file name (``adult_hierarchy_age.csv``
        and ``age.csv`` both give ``age``), else ``"value"``.
    delimiter : str
        Cell separator; ARX uses ``;``.

    Returns
    -------
    Hierarchy
        The hierarchy.

    Raises
    ------
    InputError
        If the file cannot be read or decoded, or the table is not a valid
        hierarchy.

    Examples
    --------
    >>> read_arx_hierarchy(b"male;*\r\nfemale;*", name="sex").levels
    (('male', '*'), ('female', '*'))
    """
    name = name or _arx_name(source) or "value"
    if isinstance(source, str | os.PathLike):
        try:
            raw: bytes | str = Path(source).read_bytes()
        except OSError as error:
            raise InputError(
                f"Cannot read the hierarchy file {str(source)!r}: {error.strerror}. "
                "Check the path."
            ) from error
    elif isinstance(source, bytes | bytearray):
        raw = bytes(source)
    else:
        raw = source.read()

    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(
                f"The hierarchy file for {name!r} is not UTF-8 text. Save it as "
                "UTF-8 CSV."
            ) from error
    rows = [
        tuple(row)
        for row in csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=delimiter)
        if any(cell.strip() for cell in row)
    ]
    return Hierarchy(str(name), tuple(rows))


# The rules a user can pick to build a hierarchy, with a plain description.
HIERARCHY_RULES = {
    "automatic": "Chosen from the column's type and name",
    "intervals": "Numbers grouped in intervals of growing width",
    "dates": "Dates coarsened to month, quarter, year or age band",
    "masking": "Codes masked from the right, one character a step",
    "suppression": "Kept or hidden entirely (value → *)",
}


def build_hierarchy(
    series: pd.Series, rule: str, name: str | None = None, **parameters: object
) -> Hierarchy:
    """Build a hierarchy for a column with one of :data:`HIERARCHY_RULES`.

    Parameters
    ----------
    series : pandas.Series
        The column.
    rule : str
        A key of :data:`HIERARCHY_RULES`.
    name : str, optional
        The column name; defaults to ``series.name``.
    **parameters
        Passed to the builder: ``widths``, ``bottom``, ``top`` for intervals;
        ``levels``, ``reference``, ``age_band_width`` for dates; ``width`` for
        masking.

    Returns
    -------
    Hierarchy
        A hierarchy covering every value of the column.

    Raises
    ------
    InputError
        If the rule is unknown or does not fit the column.

    Examples
    --------
    >>> build_hierarchy(pd.Series([3, 12], name="age"), "intervals",
    ...                 widths=(10,)).levels[1]
    ('12', '[10, 20)', '*')
    """
    name = str(name if name is not None else series.name)
    if rule == "automatic":
        return default_hierarchy(series, name)
    if rule == "intervals":
        return interval_hierarchy(series, name=name, **parameters)
    if rule == "dates":
        return date_hierarchy(series, name=name, **parameters)
    if rule == "masking":
        return masking_hierarchy(series, name=name, **parameters)
    if rule == "suppression":
        return suppression_hierarchy(series, name=name)
    raise InputError(
        f"Unknown hierarchy rule {rule!r}; choose one of {list(HIERARCHY_RULES)}."
    )
