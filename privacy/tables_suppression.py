"""Primary and complementary suppression of a table, with the attacker's audit.

See :mod:`privacy.tables` for the choices behind published tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from privacy.exceptions import InputError, InternalError
from privacy.tables_audit import (
    DEFAULT_PROTECTION,
    AuditResult,
    ProtectionLevel,
    TableConstraints,
    _package,
)
from privacy.tables_builder import CountTable, build_table
from privacy.tables_rules import DisclosureRule
from privacy.tables_solver import (
    MAX_PROGRAMS_PER_COMPONENT,
    LinearSystem,
    solve_intervals,
)
from privacy.tables_subgroups import default_subgroups, subgroup_costs

__all__ = ["ProtectedTable", "protect_table", "rate_mean_relative_error"]


@dataclass(frozen=True, eq=False)
class ProtectedTable:
    """A table after primary and complementary suppression, with its audit.

    Attributes
    ----------
    cells : pandas.DataFrame
        The publisher's view: the true ``count`` (and ``numerator``,
        ``rate``), the ``published_count`` (NaN where withheld, rounded when
        the rule rounds), ``count_reason`` (``""``, ``"primary"`` or
        ``"complementary"``) and for rates ``published_rate``,
        ``rate_label`` (what is printed, e.g. ``"12.5%"``, ``">95%"``, or
        ``""`` when withheld) and ``rate_reason``. Never publish this frame:
        use :meth:`release`.
    audit : AuditResult
        The attacker's intervals for every withheld cell.
    rule : DisclosureRule
        The rule applied.
    protection : ProtectionLevel
        The protection level enforced.
    dimensions : tuple of str
        The table's dimensions.
    indicator : str or None
        The rate's yes/no column, if any.
    suppressed_cell_share : float
        Withheld interior cells over interior cells (counts; for a rate
        table, withheld rates).
    suppressed_student_share : float
        Students in withheld interior cells over all students.
    published_cells_below_minimum : int
        Published counts or rates that break the rule (0 when it works).
    rate_mean_relative_error : float or None
        Mean over interior cells with at least one student of
        ``|published rate - true rate| / true rate``, where a withheld rate
        counts as an error of 1 (the reader learns nothing of it) and a
        top/bottom-coded rate is read as its threshold. None without an
        indicator.
    subgroup_costs : pandas.DataFrame
        Share of cells and of students withheld for all students, students
        with disabilities, English learners, low-income students, each race
        group and small schools, when those columns exist (see
        :func:`privacy.tables_subgroups.subgroup_costs`).
    """

    cells: pd.DataFrame
    audit: AuditResult
    rule: DisclosureRule
    protection: ProtectionLevel
    dimensions: tuple[str, ...]
    indicator: str | None
    constraints: TableConstraints = field(repr=False)
    record_cells: np.ndarray = field(repr=False)
    suppressed_cell_share: float = 0.0
    suppressed_student_share: float = 0.0
    published_cells_below_minimum: int = 0
    rate_mean_relative_error: float | None = None
    subgroup_costs: pd.DataFrame = field(default_factory=pd.DataFrame)

    def release(self) -> pd.DataFrame:
        """Return the table to publish: no true values, no reasons.

        The reasons stay with the publisher: printing which blanks are
        primary would tell the attacker those cells hold fewer than
        ``min_count`` students.

        Returns
        -------
        pandas.DataFrame
            Dimension columns, ``level``, ``count`` (whole numbers, ``<NA>``
            where withheld) and, for rates, ``rate`` (NaN where withheld or
            coded) and ``rate_label``.
        """
        columns = [*self.dimensions, "level"]
        frame = self.cells[columns].copy()
        # Whole numbers, blank where withheld (rounding keeps them whole).
        frame["count"] = self.cells["published_count"].round().astype("Int64")
        if self.indicator is not None:
            frame["rate"] = self.cells["published_rate"].where(
                ~self.cells["rate_coded"]
            )
            frame["rate_label"] = self.cells["rate_label"]
        return frame

    def audit_frame(self) -> pd.DataFrame:
        """Return the audit's intervals labelled with each cell's categories.

        Returns
        -------
        pandas.DataFrame
            One row per withheld cell and measure: the dimension columns,
            ``level``, ``measure``, ``reason``, ``lower``, ``upper``,
            ``width``, ``required_width``, ``exact`` and ``exposed``. True
            values are left out, so the frame can be shown in a workshop.
        """
        intervals = self.audit.intervals
        # An empty audit (nothing withheld) has no integer cell column.
        cells = intervals["cell"].to_numpy(dtype=np.int64)
        labels = self.cells.iloc[cells][[*self.dimensions, "level"]].reset_index(
            drop=True
        )
        reasons = np.where(
            intervals["measure"] == "count",
            self.cells["count_reason"].to_numpy()[cells],
            self.cells.get("rate_reason", self.cells["count_reason"]).to_numpy()[cells],
        )
        frame = labels.assign(
            measure=intervals["measure"].map(
                {"count": "count", "numerator": "students with the attribute"}
            ),
            reason=reasons,
        )
        columns = ["lower", "upper", "width", "required_width", "exact", "exposed"]
        return pd.concat([frame, intervals[columns].reset_index(drop=True)], axis=1)


def _relation_incidence(
    constraints: TableConstraints, n_cells: int
) -> sparse.csr_matrix:
    """Return a 0/1 relation-by-cell incidence matrix."""
    incidence = abs(constraints.matrix(n_cells)).tocsr()
    incidence.data = np.ones_like(incidence.data)
    return incidence


@dataclass
class _Measure:
    """One measure (counts or numerators) during complementary suppression."""

    name: str
    values: np.ndarray
    withheld: np.ndarray
    reason: np.ndarray
    sensitive: np.ndarray
    allowed: np.ndarray
    lower_bound: float
    costs: np.ndarray


def protect_table(
    table: pd.DataFrame,
    dimensions: Sequence[str],
    rule: DisclosureRule,
    *,
    indicator: str | None = None,
    protection_level: ProtectionLevel = DEFAULT_PROTECTION,
    complementary: bool = True,
) -> ProtectedTable:
    """Build, suppress and audit a table ready to publish.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    dimensions : sequence of str
        One to three columns to break the counts down by.
    rule : DisclosureRule
        The small-cell rule (see :data:`RULE_PRESETS`).
    indicator : str, optional
        A yes/no column whose rate is published beside each count.
    protection_level : ProtectionLevel, optional
        How wide the attacker's interval for each primary cell must be.
    complementary : bool, optional
        Withhold further cells until the audit passes. Without it the
        release is primary suppression only, and the audit shows what an
        attacker recovers.

    Returns
    -------
    ProtectedTable
        The publisher's view, the audit and the cost measures.

    Raises
    ------
    InputError
        If a column is unknown or a dimension unsuitable (see
        :func:`build_table`).

    Examples
    --------
    A class of 7 with one student in grade 2: the grade-2 cell is withheld
    and so is grade 1, or the total would give it away.

    >>> students = pd.DataFrame({"grade": ["1"] * 6 + ["2"]})
    >>> rule = DisclosureRule("example", min_count=3)
    >>> protected = protect_table(students, ["grade"], rule)
    >>> protected.release()
      grade  level  count
    0     1  grade   <NA>
    1     2  grade   <NA>
    2   All  total      7
    >>> protected.audit.passed
    True
    """
    if not isinstance(rule, DisclosureRule):
        raise InputError(
            f"rule must be a DisclosureRule; got {type(rule).__name__}. Use "
            f"RULE_PRESETS['dese-6'] or build one with DisclosureRule(...)."
        )
    if not isinstance(protection_level, ProtectionLevel):
        raise InputError(
            f"protection_level must be a ProtectionLevel; got "
            f"{type(protection_level).__name__}. Build one with "
            f"ProtectionLevel(min_width=3, min_share=0.5)."
        )
    built = build_table(table, dimensions, indicator=indicator)
    cells = built.cells
    n_cells = len(cells)
    counts = cells["count"].to_numpy(np.int64)

    # Primary suppression: the rule applied to every cell, margins included.
    count_primary = rule.withholds_count(counts)
    measures = [
        _Measure(
            name="count",
            values=counts.astype(float),
            withheld=count_primary.copy(),
            reason=np.where(count_primary, "primary", "").astype(object),
            sensitive=count_primary.copy(),
            allowed=(counts > 0) | rule.withhold_zero_counts,
            lower_bound=0.0 if rule.withhold_zero_counts else 1.0,
            costs=counts + 1.0,
        )
    ]
    if indicator is not None:
        numerators = cells["numerator"].to_numpy(np.int64)
        # An empty cell has no rate to withhold: its numerator is known to be 0.
        rate_primary = rule.withholds_rate(numerators, counts) & (counts > 0)
        rate_withheld = rate_primary | count_primary
        measures.append(
            _Measure(
                name="numerator",
                values=numerators.astype(float),
                withheld=rate_withheld,
                reason=np.where(rate_withheld, "primary", "").astype(object),
                sensitive=rate_withheld.copy(),
                allowed=counts > 0,
                lower_bound=0.0,
                costs=counts + 1.0,
            )
        )

    incidence = _relation_incidence(built.constraints, n_cells)
    if complementary:
        _complementary_suppression(
            measures, built.constraints, incidence, rule, protection_level
        )
    audit = _audit_measures(measures, built.constraints, rule, protection_level, {})
    costs = subgroup_costs(
        built.record_cells, measures[-1].withheld, default_subgroups(table)
    )
    return _package_protected(built, measures, audit, rule, protection_level, costs)


def _measure_bounds(
    measures: list[_Measure], rule: DisclosureRule
) -> tuple[np.ndarray, np.ndarray]:
    """Return the attacker's bounds on every variable before the relations."""
    lowers, uppers = [], []
    for measure in measures:
        values = measure.values
        withheld = measure.withheld
        published = rule.round_counts(values)
        lower = np.where(withheld, measure.lower_bound, values)
        upper = np.where(withheld, math.inf, values)
        if rule.rounding_base is not None:
            lower = np.where(
                withheld,
                lower,
                np.maximum(0.0, published - rule.rounding_base // 2),
            )
            upper = np.where(withheld, upper, published + (rule.rounding_base - 1) // 2)
        lowers.append(lower)
        uppers.append(upper)

    if len(measures) == 2 and rule.top_bottom_percent is not None:
        # A coded rate hides its numerator, but still bounds it through the
        # published denominator: above 95% means more than 0.95 of it.
        count_lower, count_upper = lowers[0], uppers[0]
        low_cut, high_cut = _coding_cuts(rule)
        rates = _published_rates(measures, rule)
        shown = ~measures[1].withheld
        top = shown & (rates > high_cut)
        bottom = shown & (rates < low_cut)
        lowers[1] = np.where(top, np.floor(high_cut * count_lower) + 1, lowers[1])
        uppers[1] = np.where(top, count_upper, uppers[1])
        lowers[1] = np.where(bottom, 0.0, lowers[1])
        uppers[1] = np.where(
            bottom, np.maximum(0.0, np.ceil(low_cut * count_upper) - 1), uppers[1]
        )
    return np.concatenate(lowers), np.concatenate(uppers)


def _coding_cuts(rule: DisclosureRule) -> tuple[float, float]:
    """Return the bottom and top coding thresholds as proportions."""
    percent = rule.top_bottom_percent or 0.0
    return percent / 100.0, 1.0 - percent / 100.0


def _published_rates(measures: list[_Measure], rule: DisclosureRule) -> np.ndarray:
    """Return rates from the (possibly rounded) published counts."""
    numerators = rule.round_counts(measures[1].values)
    denominators = rule.round_counts(measures[0].values)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominators > 0, numerators / denominators, np.nan)


def _audit_measures(
    measures: list[_Measure],
    constraints: TableConstraints,
    rule: DisclosureRule,
    protection: ProtectionLevel,
    cache: dict,
    *,
    quick: bool = False,
    proven_wide: np.ndarray | None = None,
) -> AuditResult:
    """Audit the current suppression pattern of every measure at once.

    ``quick`` finds the exposed cells but only proves the others wide
    enough, without their exact intervals. ``proven_wide`` marks variables
    an earlier audit proved wide enough: withholding more cells only widens
    intervals (every table consistent with the smaller release, with the
    newly withheld cells at their true values, is consistent with the larger
    one), so they are not examined again.
    """
    n_cells = len(measures[0].values)
    lower, upper = _measure_bounds(measures, rule)
    relation_matrix = constraints.matrix(n_cells)
    equalities = sparse.block_diag([relation_matrix] * len(measures)).tocsr()
    if len(measures) == 2:
        identity = sparse.identity(n_cells, format="csr")
        inequalities = sparse.hstack([-identity, identity]).tocsr()
    else:
        inequalities = sparse.csr_matrix((0, n_cells))
    system = LinearSystem(lower, upper, equalities, inequalities)
    targets = np.concatenate([measure.withheld for measure in measures])
    truth = np.concatenate([measure.values for measure in measures])
    sensitive = np.concatenate([measure.sensitive for measure in measures])
    if proven_wide is not None:
        sensitive = sensitive & ~proven_wide
    # Only primary cells need protecting; a complementary cell may be found.
    required = np.where(
        sensitive, [protection.required_width(value) for value in truth], 0.0
    )
    solved_lower, solved_upper, exact = solve_intervals(
        system,
        targets,
        cache,
        truth=truth,
        required=required,
        exact_programs=0 if quick else MAX_PROGRAMS_PER_COMPONENT,
    )

    offsets = {measure.name: i * n_cells for i, measure in enumerate(measures)}
    withheld = {measure.name: measure.withheld for measure in measures}
    true_values = pd.DataFrame({measure.name: measure.values for measure in measures})
    results = []
    for measure in measures:
        result = _package(
            solved_lower,
            solved_upper,
            exact,
            {measure.name: offsets[measure.name]},
            {measure.name: withheld[measure.name]},
            sensitive[offsets[measure.name] : offsets[measure.name] + n_cells],
            protection,
            true_values,
        )
        results.append(result.intervals)
    intervals = pd.concat(results, ignore_index=True)
    intervals["exposed"] = intervals["exposed"].astype(bool)
    intervals["cell"] = intervals["cell"].astype(np.int64)
    return AuditResult(intervals=intervals, protection=protection)


def _choose_partner(
    cell: int,
    measure: _Measure,
    incidence: sparse.csr_matrix,
    by_cell: sparse.csc_matrix,
    needed: float,
) -> int | None:
    """Return the cheapest cell to withhold beside ``cell``, or None.

    Candidates share a relation with ``cell``; those whose value leaves room
    for the needed width come first, then the cheapest.
    """
    relations = by_cell.indices[by_cell.indptr[cell] : by_cell.indptr[cell + 1]]
    if not len(relations):
        return None
    candidates = np.unique(
        np.concatenate(
            [
                incidence.indices[incidence.indptr[r] : incidence.indptr[r + 1]]
                for r in relations
            ]
        )
    )
    candidates = candidates[~measure.withheld[candidates] & measure.allowed[candidates]]
    if not len(candidates):
        return None
    roomy = measure.values[candidates] - measure.lower_bound >= needed
    order = np.lexsort((candidates, measure.costs[candidates], ~roomy))
    return int(candidates[order[0]])


def _close_single_blanks(
    measure: _Measure,
    incidence: sparse.csr_matrix,
    by_cell: sparse.csc_matrix,
    protection: ProtectionLevel,
) -> None:
    """Give every relation with exactly one blank a second blank.

    A relation with one blank gives that blank away exactly; this cheap
    pass settles those before the linear programs run.
    """
    while True:
        blanks_per_relation = incidence @ measure.withheld.astype(np.int64)
        lonely = np.flatnonzero(blanks_per_relation == 1)
        if not len(lonely):
            return
        changed = False
        for relation in lonely:
            members = incidence.indices[
                incidence.indptr[relation] : incidence.indptr[relation + 1]
            ]
            if measure.withheld[members].sum() != 1:
                continue
            blank = int(members[measure.withheld[members]][0])
            candidates = members[~measure.withheld[members] & measure.allowed[members]]
            if not len(candidates):
                continue
            needed = protection.required_width(measure.values[blank])
            roomy = measure.values[candidates] - measure.lower_bound >= needed
            order = np.lexsort((candidates, measure.costs[candidates], ~roomy))
            partner = int(candidates[order[0]])
            measure.withheld[partner] = True
            measure.reason[partner] = "complementary"
            changed = True
        if not changed:
            return


def _complementary_suppression(
    measures: list[_Measure],
    constraints: TableConstraints,
    incidence: sparse.csr_matrix,
    rule: DisclosureRule,
    protection: ProtectionLevel,
) -> None:
    """Withhold the cheapest further cells until no primary cell is exposed."""
    by_cell = incidence.tocsc()
    cache: dict = {}
    n_cells = len(measures[0].values)
    proven_wide = np.zeros(n_cells * len(measures), dtype=bool)
    offsets = {measure.name: i * n_cells for i, measure in enumerate(measures)}
    for _round in range(4 * n_cells + 10):
        if rule.rounding_base is None:
            for measure in measures:
                _close_single_blanks(measure, incidence, by_cell, protection)
        _sync_rates_with_counts(measures)
        audit = _audit_measures(
            measures,
            constraints,
            rule,
            protection,
            cache,
            quick=True,
            proven_wide=proven_wide,
        )
        intervals = audit.intervals
        wide = intervals[intervals["sensitive"] & ~intervals["exposed"]]
        positions = wide["measure"].map(offsets).to_numpy() + wide["cell"].to_numpy()
        proven_wide[positions.astype(np.int64)] = True
        exposed = intervals[intervals["exposed"]]
        if exposed.empty:
            return
        added = False
        for measure in measures:
            rows = exposed[exposed["measure"] == measure.name]
            touched: set[int] = set()
            for cell, needed in zip(
                rows["cell"].to_numpy(), rows["required_width"].to_numpy(), strict=True
            ):
                relations = set(
                    by_cell.indices[by_cell.indptr[cell] : by_cell.indptr[cell + 1]]
                )
                if relations & touched:
                    continue
                partner = _choose_partner(
                    int(cell), measure, incidence, by_cell, float(needed)
                )
                if partner is None:
                    partner = _any_partner(measure, incidence, by_cell, int(cell))
                if partner is None:
                    continue
                measure.withheld[partner] = True
                measure.reason[partner] = "complementary"
                touched |= set(
                    by_cell.indices[
                        by_cell.indptr[partner] : by_cell.indptr[partner + 1]
                    ]
                )
                added = True
        if not added:
            return
    raise InternalError("Complementary suppression did not settle.")


def _any_partner(
    measure: _Measure,
    incidence: sparse.csr_matrix,
    by_cell: sparse.csc_matrix,
    cell: int,
) -> int | None:
    """Widen the search to cells two relations away from ``cell``, then anywhere.

    Used when every neighbour of an exposed cell is already withheld, e.g.
    two small cells whose published sum pins both down.
    """
    reach = {cell}
    for _hop in range(3):
        relations = {
            int(relation)
            for member in reach
            for relation in by_cell.indices[
                by_cell.indptr[member] : by_cell.indptr[member + 1]
            ]
        }
        reach = {
            int(member)
            for relation in relations
            for member in incidence.indices[
                incidence.indptr[relation] : incidence.indptr[relation + 1]
            ]
        }
        candidates = np.array(sorted(reach), dtype=np.int64)
        candidates = candidates[
            ~measure.withheld[candidates] & measure.allowed[candidates]
        ]
        if len(candidates):
            order = np.lexsort((candidates, measure.costs[candidates]))
            return int(candidates[order[0]])
    return None


def _sync_rates_with_counts(measures: list[_Measure]) -> None:
    """Withhold the rate of every withheld count."""
    if len(measures) < 2:
        return
    counts, numerators = measures
    newly = counts.withheld & ~numerators.withheld
    numerators.withheld[newly] = True
    numerators.reason[newly] = counts.reason[newly]


def _package_protected(
    built: CountTable,
    measures: list[_Measure],
    audit: AuditResult,
    rule: DisclosureRule,
    protection: ProtectionLevel,
    costs: pd.DataFrame,
) -> ProtectedTable:
    """Assemble the publisher's view and the cost measures."""
    cells = built.cells.copy()
    counts = measures[0]
    cells["published_count"] = np.where(
        counts.withheld, np.nan, rule.round_counts(counts.values)
    )
    cells["count_reason"] = counts.reason
    interior = built.interior
    total_students = float(counts.values[interior].sum())

    below = int(
        (~counts.withheld & rule.withholds_count(counts.values.astype(np.int64))).sum()
    )
    withheld_interior = counts.withheld[interior]
    rate_error = None
    if len(measures) == 2:
        numerators = measures[1]
        rates = _published_rates(measures, rule)
        low_cut, high_cut = _coding_cuts(rule)
        coded = np.zeros(len(cells), dtype=bool)
        labels = np.where(
            np.isnan(rates), "", np.char.mod("%.1f%%", np.nan_to_num(rates) * 100)
        ).astype(object)
        if rule.top_bottom_percent is not None:
            top = rates > high_cut
            bottom = rates < low_cut
            coded = top | bottom
            labels[top] = f">{100 - rule.top_bottom_percent:g}%"
            labels[bottom] = f"<{rule.top_bottom_percent:g}%"
        rate_withheld = numerators.withheld
        labels[rate_withheld] = ""
        cells["published_rate"] = np.where(rate_withheld, np.nan, rates)
        cells["rate_coded"] = coded & ~rate_withheld
        cells["rate_label"] = labels
        cells["rate_reason"] = numerators.reason
        below += int(
            (
                ~rate_withheld
                & (counts.values > 0)
                & rule.withholds_rate(numerators.values, counts.values)
            ).sum()
        )
        withheld_interior = rate_withheld[interior]
        read_rates = np.where(
            coded, np.where(rates > high_cut, high_cut, low_cut), rates
        )
        rate_error = rate_mean_relative_error(
            cells["rate"].to_numpy(float)[interior],
            np.where(rate_withheld, np.nan, read_rates)[interior],
            counts.values[interior],
        )

    withheld_students = float(counts.values[interior][withheld_interior].sum())
    return ProtectedTable(
        cells=cells,
        audit=audit,
        rule=rule,
        protection=protection,
        dimensions=built.dimensions,
        indicator=built.indicator,
        constraints=built.constraints,
        record_cells=built.record_cells,
        suppressed_cell_share=float(withheld_interior.mean()),
        suppressed_student_share=(
            withheld_students / total_students if total_students else 0.0
        ),
        published_cells_below_minimum=below,
        rate_mean_relative_error=rate_error,
        subgroup_costs=costs,
    )


def rate_mean_relative_error(
    true_rates: np.ndarray, published_rates: np.ndarray, counts: np.ndarray
) -> float:
    """Mean relative error of published rates over cells with students.

    A withheld rate (NaN) counts as an error of 1: the reader learns nothing
    of it. A true rate of 0 counts 0 when published as 0 and 1 otherwise.

    Parameters
    ----------
    true_rates, published_rates, counts : numpy.ndarray
        Per interior cell: the true rate, the published one (NaN where
        withheld) and the students in the cell.

    Returns
    -------
    float
        0 when every rate is published exactly.

    Examples
    --------
    >>> rate_mean_relative_error(
    ...     np.array([0.5, 0.2]), np.array([0.4, np.nan]), np.array([10, 10])
    ... )
    0.6
    """
    occupied = np.asarray(counts) > 0
    if not occupied.any():
        return 0.0
    true_rates = np.asarray(true_rates, dtype=float)[occupied]
    published_rates = np.asarray(published_rates, dtype=float)[occupied]
    errors = np.ones(len(true_rates))
    shown = ~np.isnan(published_rates)
    positive = shown & (true_rates > 0)
    errors[positive] = (
        np.abs(published_rates[positive] - true_rates[positive]) / true_rates[positive]
    )
    zero = shown & (true_rates == 0)
    errors[zero] = (published_rates[zero] != 0).astype(float)
    # Round away float noise so that equal tables give equal figures.
    return round(float(errors.mean()), 12)
