"""The attacker's audit of a published table: what can be derived from it.

A published table is a set of cells (interior cells and the margins beside
them) tied together by additive relations: each margin equals the sum of the
cells it covers. When some cells are withheld, an attacker who reads every
published number can still bound each withheld cell by solving two linear
programs: minimize it, then maximize it, subject to

- the additive relations between cells and margins,
- the published values (exact, or within the rounding interval when values
  are rounded to a base),
- nonnegativity of every count, and a count of students with an attribute
  never exceeding the count of students in the cell,
- any lower bound the attacker knows for withheld cells (e.g. 1 when the
  publisher's rule always prints zeros, so a blank cannot hide a zero).

The attacker is *not* told which blanks are primary (below the minimum) and
which are complementary: both are printed the same way. The solutions are the
linear relaxation rounded inward to whole students; for two-way tables this
is exactly what an integer attacker gets (their relations form a totally
unimodular matrix), for three-way tables the integer interval can be narrower.

A withheld cell is *exposed* when its interval is narrower than the
protection level (:class:`ProtectionLevel`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from privacy.exceptions import InputError, InternalError
from privacy.tables_solver import LinearSystem, solve_intervals

__all__ = [
    "DEFAULT_PROTECTION",
    "AuditResult",
    "ProtectionLevel",
    "TableConstraints",
    "audit_table",
]


@dataclass(frozen=True)
class TableConstraints:
    """Additive relations of a table: ``cell[total] = sum(cell[parts])``.

    Parameters
    ----------
    totals : tuple of int
        Row position (in the long table) of each relation's total.
    parts : tuple of tuple of int
        Row positions of the cells that add up to that total.

    Examples
    --------
    >>> relations = TableConstraints(totals=(2,), parts=((0, 1),))
    >>> relations.matrix(3).toarray()
    array([[ 1.,  1., -1.]])
    """

    totals: tuple[int, ...]
    parts: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        """Check that every total has its parts."""
        if len(self.totals) != len(self.parts):
            raise InternalError(
                f"{len(self.totals)} totals but {len(self.parts)} lists of parts."
            )

    def __len__(self) -> int:
        """Return the number of relations."""
        return len(self.totals)

    def matrix(self, n_cells: int) -> sparse.csr_matrix:
        """Return the relations as a sparse matrix ``A`` with ``A @ cells = 0``.

        Parameters
        ----------
        n_cells : int
            Number of cells in the long table.

        Returns
        -------
        scipy.sparse.csr_matrix
            One row per relation: +1 on each part, -1 on the total.
        """
        rows: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for relation, (total, parts) in enumerate(
            zip(self.totals, self.parts, strict=True)
        ):
            rows.extend([relation] * (len(parts) + 1))
            columns.extend([*parts, total])
            values.extend([1.0] * len(parts) + [-1.0])
        return sparse.csr_matrix(
            (values, (rows, columns)), shape=(len(self.totals), n_cells)
        )


@dataclass(frozen=True)
class ProtectionLevel:
    """How wide the attacker's interval for a withheld cell must be.

    A withheld cell with true value ``x`` is protected when the attacker's
    interval ``[lower, upper]`` has ``upper - lower >= max(min_width,
    min_share * x)``. The default (3 students, or half the cell's value,
    whichever is larger) means a blank hiding 2 students must leave at least
    four values possible, e.g. 1 to 4, and a blank hiding 8 students at
    least 4 either way combined.

    Parameters
    ----------
    min_width : float
        Smallest acceptable width, in students. 0 only forbids exact recovery
        if ``min_share`` is also 0; use at least 1.
    min_share : float
        Smallest acceptable width as a share of the cell's true value.

    Examples
    --------
    >>> ProtectionLevel(min_width=3, min_share=0.5).required_width(8)
    4.0
    """

    min_width: float = 3.0
    min_share: float = 0.5

    def __post_init__(self) -> None:
        """Validate the two parameters."""
        if not (math.isfinite(self.min_width) and self.min_width >= 1):
            raise InputError(
                f"The protection width must be at least 1 student; got "
                f"{self.min_width!r}. Choose a width such as 3."
            )
        if not (math.isfinite(self.min_share) and 0 <= self.min_share <= 10):
            raise InputError(
                f"The protection share must be between 0 and 10 (0% to 1000% of "
                f"the cell); got {self.min_share!r}. Choose a share such as 0.5."
            )

    def required_width(self, value: float) -> float:
        """Return the width the attacker's interval needs for a cell of ``value``.

        Parameters
        ----------
        value : float
            The cell's true value (or, when unknown, the most demanding value
            the attacker cannot rule out).

        Returns
        -------
        float
            ``max(min_width, min_share * value)``.
        """
        return float(max(self.min_width, self.min_share * value))


DEFAULT_PROTECTION = ProtectionLevel()


@dataclass(frozen=True, eq=False)
class AuditResult:
    """What an attacker can derive about each withheld cell.

    Attributes
    ----------
    intervals : pandas.DataFrame
        One row per withheld cell and measure: ``cell`` (row position in the
        long table), ``measure`` (``"count"`` or ``"numerator"``), ``lower``
        and ``upper`` (whole students; ``upper`` may be ``inf``), ``width``,
        ``required_width``, ``exact`` (False when a very large component
        was only solved in part: the attacker's interval then contains the
        one shown, so the width shown is a floor), ``sensitive`` (whether
        the cell must be protected) and ``exposed`` (sensitive and narrower
        than required).
    protection : ProtectionLevel
        The protection level the audit checked against.
    """

    intervals: pd.DataFrame
    protection: ProtectionLevel

    @property
    def exposed_cells(self) -> int:
        """Return the number of exposed withheld cells."""
        return int(self.intervals["exposed"].sum())

    @property
    def passed(self) -> bool:
        """Return whether no withheld cell is exposed."""
        return self.exposed_cells == 0


def _published_bounds(
    values: np.ndarray,
    withheld: np.ndarray,
    rounding_base: int | None,
    withheld_lower_bound: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the attacker's bounds on each cell before using the relations."""
    lower = np.where(withheld, float(withheld_lower_bound), values.astype(float))
    upper = np.where(withheld, math.inf, values.astype(float))
    if rounding_base is not None and rounding_base > 1:
        # Conventional rounding to the nearest multiple: a printed r stands
        # for any whole number within half a base of it.
        below = rounding_base // 2
        above = (rounding_base - 1) // 2
        published = ~withheld
        lower[published] = np.maximum(0.0, values[published] - below)
        upper[published] = values[published] + above
    return lower, upper


def audit_table(
    published: pd.DataFrame,
    constraints: TableConstraints,
    protection_level: ProtectionLevel = DEFAULT_PROTECTION,
    *,
    true_values: pd.DataFrame | None = None,
    sensitive: Sequence[bool] | np.ndarray | None = None,
    withheld_lower_bound: int = 0,
    rounding_base: int | None = None,
) -> AuditResult:
    """Derive the attacker's interval for every withheld cell of a table.

    Parameters
    ----------
    published : pandas.DataFrame
        The long table as published: a ``count`` column (NaN where
        withheld), optionally a ``numerator`` column (the students with
        the attribute, NaN where the rate is withheld) and a
        ``count_upper`` column (what a printed marker such as ``"<6"``
        says a blank is at most; NaN when nothing is said).
    constraints : TableConstraints
        The additive relations between the rows of ``published``.
    protection_level : ProtectionLevel, optional
        How wide each sensitive withheld cell's interval must be.
    true_values : pandas.DataFrame, optional
        The unprotected ``count`` (and ``numerator``) columns, when the
        publisher audits its own release. Without them the required width
        is taken at the interval's upper end, the most demanding value the
        attacker cannot rule out.
    sensitive : sequence of bool, optional
        Which rows must be protected when withheld (the primary
        suppressions). Defaults to every withheld row.
    withheld_lower_bound : int, optional
        What the attacker knows a withheld count is at least: 1 when the
        publisher prints every zero count (a blank then never hides a zero),
        else 0. Numerators always start at 0.
    rounding_base : int, optional
        When published values are rounded to this base, each stands for an
        interval of whole numbers rather than one value.

    Returns
    -------
    AuditResult
        Intervals for each withheld cell and whether it is exposed.

    Raises
    ------
    InputError
        If there is no ``count`` column, a count is negative, or the
        published numbers contradict each other.

    Examples
    --------
    A row of two cells and its total, with one cell withheld: the total
    gives it away.

    >>> published = pd.DataFrame({"count": [3.0, float("nan"), 7.0]})
    >>> relations = TableConstraints(totals=(2,), parts=((0, 1),))
    >>> result = audit_table(published, relations)
    >>> result.intervals[["cell", "lower", "upper", "exposed"]]
       cell  lower  upper  exposed
    0     1    4.0    4.0     True
    """
    if "count" not in published.columns:
        raise InputError(
            f"A table to audit needs a 'count' column; got columns "
            f"{list(published.columns)}. Name the column of counts 'count'."
        )
    measures = ["count"] + (["numerator"] if "numerator" in published else [])
    n_cells = len(published)
    values = {
        measure: pd.to_numeric(published[measure], errors="coerce")
        .astype(float)
        .to_numpy()
        for measure in measures
    }
    for measure, column in values.items():
        if (column[~np.isnan(column)] < 0).any():
            raise InputError(
                f"Counts cannot be negative; the '{measure}' column has "
                f"{column[column < 0][:3].tolist()}. Fix the negative values."
            )
    withheld = {measure: np.isnan(values[measure]) for measure in measures}
    sensitive_mask = (
        np.ones(n_cells, dtype=bool)
        if sensitive is None
        else np.asarray(sensitive, dtype=bool)
    )
    known_upper = None
    if "count_upper" in published.columns:
        known_upper = pd.to_numeric(published["count_upper"], errors="coerce")
        known_upper = known_upper.astype(float).to_numpy()
    system, offsets = _build_system(
        values,
        withheld,
        constraints,
        withheld_lower_bound,
        rounding_base,
        known_upper,
    )
    targets = np.concatenate([withheld[measure] for measure in measures])
    lower, upper, exact = solve_intervals(system, targets)
    return _package(
        lower,
        upper,
        exact,
        offsets,
        withheld,
        sensitive_mask,
        protection_level,
        true_values,
    )


def _build_system(
    values: dict[str, np.ndarray],
    withheld: dict[str, np.ndarray],
    constraints: TableConstraints,
    withheld_lower_bound: int,
    rounding_base: int | None,
    known_upper: np.ndarray | None = None,
) -> tuple[LinearSystem, dict[str, int]]:
    """Stack the counts (and numerators) of a table into one linear system."""
    measures = list(values)
    n_cells = len(values["count"])
    relation_matrix = constraints.matrix(n_cells)
    lowers, uppers, offsets = [], [], {}
    for position, measure in enumerate(measures):
        offsets[measure] = position * n_cells
        lower, upper = _published_bounds(
            np.nan_to_num(values[measure]),
            withheld[measure],
            rounding_base,
            withheld_lower_bound if measure == "count" else 0,
        )
        if measure == "count" and known_upper is not None:
            # A printed "<6" tells the attacker the blank is at most 5.
            upper = np.where(withheld[measure], np.fmin(upper, known_upper), upper)
        lowers.append(lower)
        uppers.append(upper)
    lower = np.concatenate(lowers)
    upper = np.concatenate(uppers)
    equalities = sparse.block_diag([relation_matrix] * len(measures)).tocsr()

    if len(measures) == 2:
        # Students with the attribute never outnumber the students in the cell.
        identity = sparse.identity(n_cells, format="csr")
        inequalities = sparse.hstack([-identity, identity]).tocsr()
    else:
        inequalities = sparse.csr_matrix((0, n_cells))
    return LinearSystem(lower, upper, equalities, inequalities), offsets


def _package(
    lower: np.ndarray,
    upper: np.ndarray,
    exact: np.ndarray,
    offsets: dict[str, int],
    withheld: dict[str, np.ndarray],
    sensitive: np.ndarray,
    protection: ProtectionLevel,
    true_values: pd.DataFrame | None,
) -> AuditResult:
    """Turn solved bounds into the audit's table of intervals."""
    frames = []
    for measure, offset in offsets.items():
        cells = np.flatnonzero(withheld[measure])
        if not len(cells):
            continue
        cell_lower = lower[offset + cells]
        cell_upper = upper[offset + cells]
        if true_values is not None and measure in true_values:
            reference = true_values[measure].to_numpy(float)[cells]
        else:
            reference = np.where(np.isinf(cell_upper), cell_lower, cell_upper)
        required = np.array([protection.required_width(v) for v in reference])
        width = cell_upper - cell_lower
        frames.append(
            pd.DataFrame(
                {
                    "cell": cells,
                    "measure": measure,
                    "lower": cell_lower,
                    "upper": cell_upper,
                    "width": width,
                    "required_width": required,
                    "exact": exact[offset + cells],
                    "sensitive": sensitive[cells],
                    "exposed": sensitive[cells] & (width < required),
                }
            )
        )
    columns = [
        "cell",
        "measure",
        "lower",
        "upper",
        "width",
        "required_width",
        "exact",
        "sensitive",
        "exposed",
    ]
    intervals = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame({name: [] for name in columns})
    )
    intervals["exposed"] = intervals["exposed"].astype(bool)
    intervals["sensitive"] = intervals["sensitive"].astype(bool)
    intervals["exact"] = intervals["exact"].astype(bool)
    intervals["cell"] = intervals["cell"].astype(np.int64)
    return AuditResult(intervals=intervals, protection=protection)
