"""Column roles: which columns identify, link, reveal or merely describe.

The four roles follow the vocabulary of statistical disclosure control:

- ``direct_identifier``: names, student IDs, addresses. Never released as is;
  replaced by keyed tokens or dropped.
- ``quasi_identifier``: date of birth, ZIP code, school, grade, gender, race.
  Linkable to outside data, so generalized until each record hides in a crowd.
- ``sensitive``: disability, English learner, income, discipline, scores.
  What an attacker wants to learn.
- ``other``: outcomes and attributes that neither identify nor reveal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

import pandas as pd

from privacy.exceptions import InputError

__all__ = ["ColumnRole", "columns_with_role", "infer_roles", "validate_roles"]


class ColumnRole(StrEnum):
    """The disclosure role of a column."""

    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SENSITIVE = "sensitive"
    OTHER = "other"


# Name patterns, matched against a normalized column name (lower case, words
# joined by underscores). They cover the synthetic BPS population, the UCI
# student data and the usual spellings of school-system exports.
_DIRECT_PATTERNS = (
    r"(^|_)(student_?id|sasid|lasid|ssn|id|name|full_name|first_name|last_name)$",
    r"(^|_)(email|phone|address|street|street_address)$",
)
_QUASI_PATTERNS = (
    r"(^|_)(dob|date_of_birth|birth_date|birthdate|age|zip|zip_code|zipcode)$",
    r"(^|_)(postal_code|neighborhood|neighbourhood|school|school_name|grade)$",
    r"(^|_)(gender|sex|race|ethnicity|race_ethnicity|address_type)$",
)
_SENSITIVE_PATTERNS = (
    r"(^|_)(disability|swd|special_education|iep|english_learner|el|ell|lep)$",
    r"(^|_)(low_income|economically_disadvantaged|free_lunch|freeredu|income)$",
    r"(^|_)(discipline|suspended|suspension|days_absent|absences|score|scores)$",
    r"(^|_)(attendance_rate|chronically_absent|health|disease|diagnosis)$",
    r"(^|_)(ela_score|math_score|g1|g2|g3|failures|salary|salary_class)$",
)


def _normalize(name: str) -> str:
    """Lower-case a column name and join its words with underscores."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(re.search(pattern, name) for pattern in patterns)


def infer_roles(table: pd.DataFrame) -> dict[str, ColumnRole]:
    """Guess each column's disclosure role from its name and values.

    Names decide first. A text column whose values are all distinct is taken as
    a direct identifier whatever its name, because it singles out every record.
    Everything else is ``other``. The guess is a starting point: users review
    and edit it.

    Parameters
    ----------
    table : pandas.DataFrame
        The data whose columns to classify.

    Returns
    -------
    dict of str to ColumnRole
        One role per column, in column order.

    Examples
    --------
    >>> frame = pd.DataFrame(
    ...     {"student_id": ["001", "002"], "grade": [3, 4], "ela_score": [1, 2]}
    ... )
    >>> {name: str(role) for name, role in infer_roles(frame).items()}
    {'student_id': 'direct_identifier', 'grade': 'quasi_identifier', \
'ela_score': 'sensitive'}
    """
    roles: dict[str, ColumnRole] = {}
    for column in table.columns:
        name = _normalize(column)
        if _matches(name, _DIRECT_PATTERNS):
            roles[column] = ColumnRole.DIRECT_IDENTIFIER
        elif _matches(name, _QUASI_PATTERNS):
            roles[column] = ColumnRole.QUASI_IDENTIFIER
        elif _matches(name, _SENSITIVE_PATTERNS):
            roles[column] = ColumnRole.SENSITIVE
        elif _is_unique_text(table[column]):
            roles[column] = ColumnRole.DIRECT_IDENTIFIER
        else:
            roles[column] = ColumnRole.OTHER
    return roles


def _is_unique_text(values: pd.Series) -> bool:
    """Whether a column is text with one distinct value per row (an ID)."""
    if len(values) < 20 or pd.api.types.is_numeric_dtype(values):
        return False
    return bool(values.nunique(dropna=False) == len(values))


def columns_with_role(roles: Mapping[str, ColumnRole], role: ColumnRole) -> list[str]:
    """List the columns that have a given role, in their original order.

    Parameters
    ----------
    roles : mapping of str to ColumnRole
        Roles by column name.
    role : ColumnRole
        The role to select.

    Returns
    -------
    list of str
        Column names.

    Examples
    --------
    >>> columns_with_role({"a": ColumnRole.SENSITIVE, "b": ColumnRole.OTHER},
    ...                   ColumnRole.SENSITIVE)
    ['a']
    """
    return [name for name, value in roles.items() if value == role]


def validate_roles(
    table: pd.DataFrame, roles: Mapping[str, str | ColumnRole]
) -> dict[str, ColumnRole]:
    """Check a role mapping against a table and return it with enum values.

    Parameters
    ----------
    table : pandas.DataFrame
        The data the roles describe.
    roles : mapping of str to str or ColumnRole
        Roles by column name, as read from a widget or a configuration file.

    Returns
    -------
    dict of str to ColumnRole
        A role for every column of ``table``; columns missing from ``roles``
        get ``other``.

    Raises
    ------
    InputError
        If a role names a column the table does not have, or a role is unknown.
    """
    unknown = [name for name in roles if name not in table.columns]
    if unknown:
        raise InputError(
            f"The roles name columns the data does not have: {unknown}. "
            f"Available columns: {list(table.columns)}."
        )
    valid = {role.value for role in ColumnRole}
    checked: dict[str, ColumnRole] = {}
    for column in table.columns:
        value = roles.get(column, ColumnRole.OTHER)
        if str(value) not in valid:
            raise InputError(
                f"Column {column!r} has an unknown role {value!r}; "
                f"choose one of {sorted(valid)}."
            )
        checked[column] = ColumnRole(str(value))
    return checked


def column_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Describe each column: type, missing values and distinct values.

    Parameters
    ----------
    table : pandas.DataFrame
        The data to describe.

    Returns
    -------
    pandas.DataFrame
        One row per column with ``column``, ``type``, ``missing`` and
        ``distinct`` (missing counted as a value of its own).

    Examples
    --------
    >>> column_summary(pd.DataFrame({"zip": ["02134", None, "02134"]}))
      column  type  missing  distinct
    0    zip  text        1         2
    """
    return pd.DataFrame(
        {
            "column": [str(name) for name in table.columns],
            "type": [_kind(table[name]) for name in table.columns],
            "missing": [int(table[name].isna().sum()) for name in table.columns],
            "distinct": [
                int(table[name].nunique(dropna=False)) for name in table.columns
            ],
        }
    )


def _kind(values: pd.Series) -> str:
    """Name a column's type in plain words."""
    if pd.api.types.is_bool_dtype(values):
        return "yes/no"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_numeric_dtype(values):
        return "number"
    return "text"
