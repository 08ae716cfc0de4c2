"""Subgroups whose share of withheld cells and students is reported.

Small groups (students with disabilities, English learners, the smallest race
groups, small schools) sit in small cells, so suppression falls on them
first. This module marks those groups and measures what they lose.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from privacy.exceptions import InputError
from privacy.tables_builder import MISSING_LABEL

__all__ = ["SMALL_SCHOOL_STUDENTS", "default_subgroups", "subgroup_costs"]

#: A school with fewer students than this counts as small.
SMALL_SCHOOL_STUDENTS = 250

# Columns of the synthetic population (and of most school exports) that
# define the subgroups whose cost is reported.
_FLAG_SUBGROUPS = {
    "disability": "Students with disabilities",
    "english_learner": "English learners",
    "low_income": "Low income",
}
_RACE_COLUMN = "race_ethnicity"
_SCHOOL_COLUMN = "school"


def default_subgroups(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return the subgroups to report, as masks over the records.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.

    Returns
    -------
    dict of str to numpy.ndarray of bool
        ``"All students"`` always; students with disabilities, English
        learners and low-income students when those yes/no columns exist;
        each race group when ``race_ethnicity`` exists; and students of
        small schools (fewer than :data:`SMALL_SCHOOL_STUDENTS`) when
        ``school`` exists.

    Examples
    --------
    >>> students = pd.DataFrame({"disability": [True, False, False]})
    >>> subgroups = default_subgroups(students)
    >>> list(subgroups)
    ['All students', 'Students with disabilities']
    >>> subgroups["Students with disabilities"].tolist()
    [True, False, False]
    """
    subgroups = {"All students": np.ones(len(table), dtype=bool)}
    for column, label in _FLAG_SUBGROUPS.items():
        if column in table.columns and table[column].isin([0, 1]).all():
            subgroups[label] = table[column].astype(bool).to_numpy()
    if _RACE_COLUMN in table.columns:
        races = (
            table[_RACE_COLUMN]
            .astype(object)
            .where(table[_RACE_COLUMN].notna(), MISSING_LABEL)
        )
        for race in sorted(races.map(str).unique()):
            subgroups[race] = (races.map(str) == race).to_numpy()
    if _SCHOOL_COLUMN in table.columns:
        sizes = table.groupby(_SCHOOL_COLUMN, dropna=False)[_SCHOOL_COLUMN].transform(
            "size"
        )
        small = (sizes < SMALL_SCHOOL_STUDENTS).to_numpy()
        if small.any():
            subgroups[f"Small schools (< {SMALL_SCHOOL_STUDENTS} students)"] = small
    return subgroups


def subgroup_costs(
    record_cells: np.ndarray,
    withheld_cells: np.ndarray,
    subgroups: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """Share of each subgroup's cells and students that are withheld.

    Parameters
    ----------
    record_cells : numpy.ndarray
        For each record, the row of its interior cell.
    withheld_cells : numpy.ndarray of bool
        For each cell of the table, whether its number is withheld.
    subgroups : mapping of str to array of bool
        Masks over the records.

    Returns
    -------
    pandas.DataFrame
        One row per subgroup: ``subgroup``, ``students``, ``cells`` (interior
        cells holding at least one of its students), ``withheld_cell_share``
        and ``withheld_student_share``.

    Raises
    ------
    InputError
        If a mask does not have one value per record.

    Examples
    --------
    >>> subgroup_costs(
    ...     np.array([0, 0, 1]),
    ...     np.array([False, True]),
    ...     {"All students": np.array([True, True, True])},
    ... )
           subgroup  students  cells  withheld_cell_share  withheld_student_share
    0  All students         3      2                  0.5                0.333333
    """
    record_withheld = np.asarray(withheld_cells, dtype=bool)[record_cells]
    rows = []
    for name, mask in subgroups.items():
        mask = np.asarray(mask, dtype=bool)
        if len(mask) != len(record_cells):
            raise InputError(
                f"Subgroup '{name}' marks {len(mask)} records; the table has "
                f"{len(record_cells)}. Build each mask from the same table."
            )
        cells = np.unique(record_cells[mask])
        students = int(mask.sum())
        rows.append(
            {
                "subgroup": name,
                "students": students,
                "cells": len(cells),
                "withheld_cell_share": (
                    float(np.asarray(withheld_cells)[cells].mean())
                    if len(cells)
                    else 0.0
                ),
                "withheld_student_share": (
                    float(record_withheld[mask].mean()) if students else 0.0
                ),
            }
        )
    return pd.DataFrame(rows)
