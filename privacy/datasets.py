"""The datasets the explorer ships, and the record that carries a loaded table.

Three tables are built in:

- ``"synthetic"``: the synthetic BPS population of :mod:`privacy.synthetic`,
  calibrated to Massachusetts DESE, School and District Profiles;
- ``"uci-student-mat"`` and ``"uci-student-por"``: the UCI Student Performance
  data (Cortez and Silva, 2008; CC BY 4.0), real records of Portuguese
  secondary-school students in a Math and a Portuguese course.

Each comes with roles declared here, not guessed from column names: for the
UCI tables the choice of quasi-identifiers is a judgement, stated in
:data:`UCI_ROLE_REASONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from privacy.exceptions import InputError
from privacy.roles import ColumnRole
from privacy.synthetic import (
    COMMUNITY_CENTER_ATTENDANCE_EFFECT,
    DEFAULT_SEED,
    DEFAULT_YEAR,
    GENDERS,
    GRADES,
    RACE_ETHNICITY_CATEGORIES,
    SUMMER_JOBS_ATTENDANCE_EFFECT,
    generate_population,
    published_figures,
)

__all__ = [
    "BUILTIN_DATASETS",
    "SYNTHETIC_ROLES",
    "UCI_ROLES",
    "UCI_ROLE_REASONS",
    "Dataset",
    "load_builtin",
    "public_bounds",
    "public_categories",
]

DATA_DIRECTORY = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class Dataset:
    """A loaded table with its column roles and where it came from.

    Parameters
    ----------
    name : str
        Short name shown to users, e.g. ``"Synthetic BPS population 2024-25"``.
    table : pandas.DataFrame
        One row per student (or per record of an upload).
    roles : dict of str to ColumnRole
        The inferred or declared role of every column.
    source : str
        Where the data comes from, in one sentence, with its licence.
    kind : str
        ``"synthetic"``, ``"real"`` or ``"upload"``.
    notes : tuple of str
        Anything a user should know about the data (quirks, limits).
    origin : dict
        How to load the same data again: for a built-in dataset its name and
        parameters (``{"builtin": "synthetic", "year": "2024-25", "seed": 7,
        "students": None}``); empty for uploads. Exported configurations carry
        it so that a reload regenerates the same table.
    """

    name: str
    table: pd.DataFrame
    roles: dict[str, ColumnRole]
    source: str
    kind: str
    notes: tuple[str, ...] = field(default=())
    origin: dict[str, object] = field(default_factory=dict)


BUILTIN_DATASETS: dict[str, str] = {
    "synthetic": "Synthetic BPS population: one invented record per student, "
    "calibrated to DESE's school-level figures.",
    "uci-student-mat": "UCI Student Performance, Math course: 395 real students "
    "of two Portuguese secondary schools (CC BY 4.0).",
    "uci-student-por": "UCI Student Performance, Portuguese course: 649 real "
    "students of two Portuguese secondary schools (CC BY 4.0).",
}

_DIRECT = ColumnRole.DIRECT_IDENTIFIER
_QUASI = ColumnRole.QUASI_IDENTIFIER
_SENSITIVE = ColumnRole.SENSITIVE
_OTHER = ColumnRole.OTHER

SYNTHETIC_ROLES: dict[str, ColumnRole] = {
    "student_id": _DIRECT,
    "full_name": _DIRECT,
    "date_of_birth": _QUASI,
    "home_zip": _QUASI,
    "neighborhood": _QUASI,
    "school": _QUASI,
    "school_id": _QUASI,
    "grade": _QUASI,
    "gender": _QUASI,
    "race_ethnicity": _QUASI,
    "english_learner": _SENSITIVE,
    "disability": _SENSITIVE,
    "low_income": _SENSITIVE,
    "days_enrolled": _OTHER,
    "days_absent": _OTHER,
    "attendance_rate": _OTHER,
    "chronically_absent": _OTHER,
    "ela_score": _SENSITIVE,
    "math_score": _SENSITIVE,
    "summer_jobs": _OTHER,
    "community_center": _OTHER,
}
"""Roles of the synthetic population's columns.

``school_id`` repeats ``school`` and is a quasi-identifier like it: left as
is, it would undo any generalization of the school. Attendance figures are
the outcomes the City wants to study (``other``); the sensitive fields are
those the design brief lists: disability, English learner, income and scores.
"""

_UCI_QUASI_IDENTIFIERS = ("school", "sex", "age", "address", "famsize", "Pstatus")
_UCI_SENSITIVE = (
    "failures", "schoolsup", "health", "Dalc", "Walc", "absences", "G1", "G2", "G3",
)  # fmt: skip
_UCI_COLUMNS = (
    "school", "sex", "age", "address", "famsize", "Pstatus", "Medu", "Fedu",
    "Mjob", "Fjob", "reason", "guardian", "traveltime", "studytime", "failures",
    "schoolsup", "famsup", "paid", "activities", "nursery", "higher", "internet",
    "romantic", "famrel", "freetime", "goout", "Dalc", "Walc", "health",
    "absences", "G1", "G2", "G3",
)  # fmt: skip

UCI_ROLES: dict[str, ColumnRole] = {column: _OTHER for column in _UCI_COLUMNS}
UCI_ROLES.update({column: _QUASI for column in _UCI_QUASI_IDENTIFIERS})
UCI_ROLES.update({column: _SENSITIVE for column in _UCI_SENSITIVE})
"""Roles of the UCI Student Performance columns (both courses)."""

UCI_ROLE_REASONS: tuple[str, ...] = (
    "No direct identifier: UCI removed names and student numbers.",
    "Quasi-identifiers: school, sex, age and address type (urban or rural) are "
    "on any class list; family size and whether the parents live together "
    "are visible to neighbours and classmates' families.",
    "Parents' education and jobs (Medu, Fedu, Mjob, Fjob) are left as other: "
    "an outsider rarely knows them for certain, and with them almost every "
    "student is unique. A stricter attacker model marks them quasi-identifiers.",
    "Sensitive: past failures, school support, health, alcohol use (Dalc, "
    "Walc), absences and the grades G1 to G3.",
)


def _synthetic(year: str, seed: int, students: int | None) -> Dataset:
    """The synthetic population as a Dataset."""
    table = generate_population(year=year, seed=seed, students=students)
    size = "whole district" if students is None else f"sample of {students}"
    notes = (
        f"Generated with seed {seed}; the same seed gives the same students.",
        "Per school, race/ethnicity, gender, English learner, disability, "
        "low-income, attendance and chronic-absence figures match DESE's within "
        "sampling error; names, ZIP codes, birth dates and scores are modelled.",
        f"Known true effects on attendance: summer jobs "
        f"+{SUMMER_JOBS_ATTENDANCE_EFFECT} points, community center "
        f"+{COMMUNITY_CENTER_ATTENDANCE_EFFECT} point; participation is "
        "selected on low income and English learner status.",
    )
    if students is not None:
        notes += ("A sample: school-by-grade counts are no longer DESE's.",)
    return Dataset(
        name=f"Synthetic BPS population {year} ({size})",
        table=table,
        roles=dict(SYNTHETIC_ROLES),
        source="Generated from Massachusetts DESE, School and District Profiles "
        "(public school-level figures for Boston); no real student.",
        kind="synthetic",
        notes=notes,
        origin={
            "builtin": "synthetic",
            "year": year,
            "seed": seed,
            "students": students,
        },
    )


def _uci(course: str, seed: int, students: int | None) -> Dataset:
    """One UCI Student Performance course as a Dataset."""
    path = DATA_DIRECTORY / "uci-student-performance" / f"student-{course}.csv"
    table = pd.read_csv(path, sep=";")
    if students is not None:
        if students > len(table):
            raise InputError(
                f"The {course} table has {len(table)} students; cannot sample "
                f"{students}. Choose at most {len(table)}, or leave it out for all."
            )
        rows = np.sort(np.random.default_rng(seed).choice(len(table), students, False))
        table = table.iloc[rows].reset_index(drop=True)
    title = {"mat": "Math", "por": "Portuguese"}[course]
    return Dataset(
        name=f"UCI Student Performance, {title} course",
        table=table,
        roles=dict(UCI_ROLES),
        source="P. Cortez and A. Silva, Using Data Mining to Predict Secondary "
        "School Student Performance (2008); UCI Machine Learning Repository, "
        "doi:10.24432/C5TG7T; licensed CC BY 4.0.",
        kind="real",
        origin={"builtin": f"uci-student-{course}", "seed": seed, "students": students},
        notes=(
            *UCI_ROLE_REASONS,
            "Real records of Portuguese students (2005-06), not Boston students.",
            "About 382 students appear in both courses and can be matched on "
            "their demographic and family answers.",
        ),
    )


def load_builtin(
    name: str,
    *,
    year: str = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
    students: int | None = None,
) -> Dataset:
    """Load a built-in dataset with its declared column roles.

    Parameters
    ----------
    name : str
        One of the keys of :data:`BUILTIN_DATASETS`.
    year : str
        School year of the synthetic population (ignored for the UCI tables).
    seed : int
        Seed of the synthetic population, or of the sample drawn with
        ``students``.
    students : int, optional
        Return a seeded simple random sample of this many students.

    Returns
    -------
    Dataset
        The table, its roles, source and notes.

    Raises
    ------
    InputError
        If the name is unknown, or the year, seed or sample size is invalid.

    Examples
    --------
    >>> dataset = load_builtin("uci-student-mat")
    >>> dataset.table.shape, dataset.kind
    ((395, 33), 'real')
    >>> str(dataset.roles["G3"])
    'sensitive'
    """
    if name not in BUILTIN_DATASETS:
        raise InputError(
            f"Unknown built-in dataset {name!r}. Choose one of "
            f"{', '.join(repr(known) for known in BUILTIN_DATASETS)}."
        )
    if name == "synthetic":
        return _synthetic(year, seed, students)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"The seed must be a whole number of 0 or more; got {seed!r}.")
    if students is not None and (
        isinstance(students, bool)
        or not isinstance(students, int | np.integer)
        or students < 1
    ):
        raise InputError(
            f"The number of students must be a whole number of 1 or more, or "
            f"leave it out (None) for all; got {students!r}."
        )
    return _uci(name.removeprefix("uci-student-"), seed, students)


def public_categories(
    dataset: Dataset, columns: list[str] | tuple[str, ...]
) -> dict[str, list[str]] | None:
    """Declared categories of a built-in dataset's columns, from public lists.

    A differentially private table must list its categories from a source
    other than the data, or the mere presence of a category (a school with a
    single student) leaks. For the synthetic population the lists are public:
    DESE's schools of that year, the grades, DESE's gender and race/ethnicity
    categories, and yes/no for flags. Labels are text, as tables print them.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset.
    columns : sequence of str
        The table's dimensions.

    Returns
    -------
    dict of str to list of str, or None
        The categories of every column, or None when any column has no public
        list (uploads, other datasets, other columns).

    Examples
    --------
    >>> sample = load_builtin("synthetic", students=50)
    >>> public_categories(sample, ["gender"])
    {'gender': ['Female', 'Male', 'Nonbinary']}
    >>> public_categories(sample, ["home_zip"]) is None
    True
    """
    if dataset.origin.get("builtin") != "synthetic":
        return None
    year = str(dataset.origin.get("year", DEFAULT_YEAR))
    lists: dict[str, list[str]] = {
        "school": sorted(published_figures(year)["school"].astype(str)),
        "grade": list(GRADES),
        "gender": list(GENDERS),
        "race_ethnicity": list(RACE_ETHNICITY_CATEGORIES),
    }
    for flag in ("english_learner", "disability", "low_income", "summer_jobs"):
        lists[flag] = ["False", "True"]
    lists["community_center"] = ["False", "True"]
    if not all(column in lists for column in columns):
        return None
    return {column: lists[column] for column in columns}


def public_bounds(dataset: Dataset) -> dict[str, tuple[float, float]]:
    """Declared bounds of a built-in dataset's numeric columns, from the domain.

    Differentially private statistics and models need each number's range
    declared in advance, never read from the data. For the synthetic
    population the ranges are public facts: a school year has at most 180
    days, rates are percentages, and MCAS scaled scores run from 440 to 560.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset.

    Returns
    -------
    dict of str to (float, float)
        Lower and upper bound per column; empty when none is declared.

    Examples
    --------
    >>> public_bounds(load_builtin("synthetic", students=20))["ela_score"]
    (440.0, 560.0)
    """
    if dataset.origin.get("builtin") != "synthetic":
        return {}
    return {
        "attendance_rate": (0.0, 100.0),
        "days_absent": (0.0, 180.0),
        "days_enrolled": (0.0, 180.0),
        "ela_score": (440.0, 560.0),
        "math_score": (440.0, 560.0),
    }
