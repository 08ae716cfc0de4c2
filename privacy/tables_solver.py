"""The linear programs behind the attacker's audit (internal to the library).

:func:`solve_intervals` bounds each withheld cell of a published table by
minimizing and maximizing it over every table consistent with what is
printed. See :mod:`privacy.tables_audit` for what the attacker knows and
:func:`solve_component` for how the work is cut on large tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from privacy.exceptions import InputError, InternalError

__all__ = [
    "CONTRADICTION",
    "INTEGER_TOLERANCE",
    "MAX_PROGRAMS_PER_COMPONENT",
    "LinearSystem",
    "solve_intervals",
]

#: Tolerance for reading linear-program optima as whole students.
INTEGER_TOLERANCE = 1e-6

#: Programs one component may spend making exact the intervals of cells
#: already shown wide enough (see :func:`solve_component`).
MAX_PROGRAMS_PER_COMPONENT = 300

# Aggregate programs (all pending targets up, then down, then in random
# directions) tried per component.
_AGGREGATE_ROUNDS = 12

# Batches of targets sharing no relation, pushed together per component.
_BATCH_ROUNDS = 30

# Components larger than this try neighbourhood programs first, each over
# at most _LOCAL_SIZE variables.
_LOCAL_COMPONENT_SIZE = 300
_LOCAL_SIZE = 150

#: Message of the error raised when the published numbers cannot all hold.
CONTRADICTION = (
    "The published numbers contradict each other: no table of nonnegative "
    "counts has these cells and totals. Check that every total equals the sum "
    "of its cells."
)


@dataclass(frozen=True, eq=False)
class LinearSystem:
    """A linear system over one measure (or two, coupled) of a table.

    ``lower``/``upper`` are the attacker's bounds before using the relations;
    a cell with ``lower == upper`` is published exactly.
    """

    lower: np.ndarray
    upper: np.ndarray
    equalities: sparse.csr_matrix
    inequalities: sparse.csr_matrix


def solve_intervals(
    system: LinearSystem,
    targets: np.ndarray,
    cache: dict | None = None,
    *,
    truth: np.ndarray | None = None,
    required: np.ndarray | None = None,
    exact_programs: int = MAX_PROGRAMS_PER_COMPONENT,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the attacker's bounds for every variable, and which are exact.

    Variables fixed by their bounds are folded into the right-hand sides; the
    free ones are split into connected components, solved one by one (see
    :func:`solve_component`). ``cache`` maps a component (its free
    variables and targets) to solved bounds, so an unchanged component is
    not solved again.

    Without ``required`` every target's bounds are exact. With ``required``
    (widths per variable, e.g. from the protection level and the true
    values), a target shown to be at least that wide gets programs for
    exactness only while ``exact_programs`` lasts (per component); a target
    narrower than required is always solved exactly. ``truth``, a feasible
    point such as the true table, seeds the witnesses. Complementary
    suppression passes ``exact_programs=0`` to find exposed cells quickly.
    """
    lower = system.lower.astype(float)
    upper = system.upper.astype(float)
    free = lower < upper
    result_lower = lower.copy()
    result_upper = upper.copy()
    exact = np.ones(len(lower), dtype=bool)
    if not free.any():
        return result_lower, result_upper, exact

    # Fold the exactly known variables into the right-hand sides.
    fixed_values = np.where(free, 0.0, lower)
    equalities = system.equalities
    equality_rhs = -(equalities @ fixed_values)
    inequalities = system.inequalities
    inequality_rhs = -(inequalities @ fixed_values)
    free_index = np.flatnonzero(free)
    equalities = equalities[:, free_index].tocsr()
    inequalities = inequalities[:, free_index].tocsr()
    free_lower = lower[free_index].copy()
    free_upper = upper[free_index].copy()

    # A relation left with one free variable is only a bound on it: apply
    # it as such, which keeps the programs small.
    for matrix, rhs, is_equality in (
        (equalities, equality_rhs, True),
        (inequalities, inequality_rhs, False),
    ):
        single = matrix.getnnz(axis=1) == 1
        entries = matrix[single].tocoo()
        bound = rhs[single][entries.row] / entries.data
        caps = np.where(entries.data > 0, bound, math.inf)
        floors = np.where(entries.data < 0, bound, -math.inf)
        if is_equality:
            caps = floors = bound
        np.minimum.at(free_upper, entries.col, caps)
        np.maximum.at(free_lower, entries.col, floors)
    equality_rows = np.flatnonzero(equalities.getnnz(axis=1) > 1)
    inequality_rows = np.flatnonzero(inequalities.getnnz(axis=1) > 1)
    equalities = equalities[equality_rows]
    equality_rhs = equality_rhs[equality_rows]
    inequalities = inequalities[inequality_rows]
    inequality_rhs = inequality_rhs[inequality_rows]
    if (free_lower > free_upper + INTEGER_TOLERANCE).any():
        raise InputError(CONTRADICTION)
    free_upper = np.maximum(free_upper, free_lower)

    # Components: free variables linked by sharing a relation.
    stacked = sparse.vstack([equalities, inequalities]).tocsr()
    stacked.data = np.ones_like(stacked.data)
    links = (stacked.T @ stacked).tocsr()
    _, labels = connected_components(links, directed=False)

    target_free = targets[free_index]
    for component in np.unique(labels[target_free]):
        members = np.flatnonzero(labels == component)
        key = (tuple(free_index[members]), tuple(target_free[members]))
        if cache is not None and key in cache:
            solved = cache[key]
        else:
            solved = solve_component(
                _Problem.restricted(
                    members,
                    equalities,
                    equality_rhs,
                    inequalities,
                    inequality_rhs,
                    free_lower[members],
                    free_upper[members],
                ),
                target_free[members],
                truth=None if truth is None else truth[free_index[members]],
                required=None if required is None else required[free_index[members]],
                exact_programs=exact_programs,
            )
            if cache is not None:
                cache[key] = solved
        result_lower[free_index[members]] = solved[0]
        result_upper[free_index[members]] = solved[1]
        exact[free_index[members]] = solved[2]
    return result_lower, result_upper, exact


def solve_component(
    problem: _Problem,
    member_targets: np.ndarray,
    *,
    truth: np.ndarray | None = None,
    required: np.ndarray | None = None,
    exact_programs: int = MAX_PROGRAMS_PER_COMPONENT,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minimize and maximize each target of one component.

    Two linear programs per target are exact but slow on large components,
    so the work is cut three ways:

    1. bound propagation gives bounds every solution obeys, and a solution
       found on the way that reaches one proves it optimal;
    2. a few aggregate programs push all pending targets up (or down) at
       once, then batches of targets that share no relation, each solution
       a witness for many targets;
    3. on a large component with a known feasible point (the true table),
       each open
       target is first moved within a neighbourhood of the withheld cells
       around it, the rest held at the truth: such a point is feasible for
       the whole component, so it proves width at a fraction of the cost;
    4. only the targets still open get their own programs. With
       ``required``, a target narrower than required is always solved, but
       one already shown wide enough is solved only while ``exact_programs``
       lasts; beyond that it keeps the interval its witnesses span, which
       the attacker's interval contains, and is marked not exact.
    """
    size = len(member_targets)
    implied_lower, implied_upper = _propagate_bounds(problem)
    targets = np.flatnonzero(member_targets)
    best_lower = np.full(size, math.inf)
    best_upper = np.full(size, -math.inf)
    settled_lower = ~member_targets.copy()
    settled_upper = ~member_targets.copy()

    def witness(point: np.ndarray) -> None:
        """Record a feasible point and settle the bounds it reaches."""
        np.minimum(best_lower, point, out=best_lower)
        np.maximum(best_upper, point, out=best_upper)
        settled_lower[best_lower <= implied_lower + INTEGER_TOLERANCE] = True
        settled_upper[best_upper >= implied_upper - INTEGER_TOLERANCE] = True

    def pending(settled: np.ndarray) -> np.ndarray:
        """Targets whose bound is open (and, without exactness, not wide enough)."""
        open_targets = member_targets & ~settled
        if required is not None and exact_programs == 0:
            open_targets &= best_upper - best_lower < required
        return np.flatnonzero(open_targets)

    if truth is not None:
        witness(truth)

    # Fixed seed: the audit of the same table always takes the same path.
    directions = np.random.default_rng(0)
    for round_number in range(_AGGREGATE_ROUNDS):
        up = pending(settled_upper)
        down = pending(settled_lower)
        # Unbounded targets would make an aggregate unbounded too.
        up = up[np.isfinite(implied_upper[up])]
        if not len(up) and not len(down):
            break
        before = len(up) + len(down)
        objective = np.zeros(size)
        if round_number % 3 == 0:
            objective[down] = 1.0
        elif round_number % 3 == 1:
            objective[up] = -1.0
        else:
            # Opposite pulls on cells that share a relation move both.
            objective[down] = 1.0
            signs = directions.choice([-1.0, 1.0], size=len(up))
            objective[up] = np.where(signs < 0, -1.0, objective[up])
        status, _, point = problem.optimize(objective)
        if status == 0:
            witness(point)
        after = len(pending(settled_upper)) + len(pending(settled_lower))
        if round_number >= 2 and after == before:
            break

    # Targets that share no relation barely compete: push a batch of them
    # at once, each in the direction it still needs.
    by_variable = sparse.vstack([problem.a_eq, problem.a_ub]).tocsc()
    for _batch in range(_BATCH_ROUNDS):
        down = pending(settled_lower)
        up = pending(settled_upper)
        up = up[np.isfinite(implied_upper[up])]
        batch_up, batch_down = _independent_batch(up, down, by_variable)
        if not len(batch_up) and not len(batch_down):
            break
        objective = np.zeros(size)
        objective[batch_down] = 1.0
        objective[batch_up] = -1.0
        before = len(up) + len(down)
        status, _, point = problem.optimize(objective)
        if status == 0:
            witness(point)
        after = len(pending(settled_upper)) + len(pending(settled_lower))
        if after == before:
            break

    if truth is not None and size > _LOCAL_COMPONENT_SIZE:
        _local_witnesses(
            problem,
            truth,
            pending(settled_lower),
            pending(settled_upper),
            witness,
        )

    # When only exposure matters, the propagated bounds (which every solution
    # obeys) can already prove a target too narrow: no program needed.
    quick = required is not None and exact_programs == 0
    if quick:
        proven_narrow = member_targets & (implied_upper - implied_lower < required)
        best_lower[proven_narrow] = implied_lower[proven_narrow]
        best_upper[proven_narrow] = implied_upper[proven_narrow]
        settled_lower |= proven_narrow
        settled_upper |= proven_narrow

    programs = 0
    for position in targets:
        for sign, settled in ((1.0, settled_lower), (-1.0, settled_upper)):
            if settled[position]:
                continue
            narrow = required is None or (
                best_upper[position] - best_lower[position] < required[position]
            )
            # A target proven wide enough only gets a program for exactness,
            # while the budget for exactness lasts.
            if not narrow:
                if programs >= exact_programs:
                    continue
                programs += 1
            objective = np.zeros(size)
            objective[position] = sign
            status, optimum, point = problem.optimize(objective)
            if status == 3:
                best_upper[position] = math.inf
                settled_upper[position] = True
                continue
            witness(point)
            if sign > 0:
                best_lower[position] = min(best_lower[position], optimum)
                settled_lower[position] = True
            else:
                best_upper[position] = max(best_upper[position], optimum)
                settled_upper[position] = True
            if quick:
                _settle_if_narrow(
                    position,
                    required,
                    implied_lower,
                    implied_upper,
                    best_lower,
                    best_upper,
                    settled_lower,
                    settled_upper,
                )

    solved_lower = problem.lower.copy()
    solved_upper = problem.upper.copy()
    solved_lower[targets] = np.ceil(best_lower[targets] - INTEGER_TOLERANCE)
    solved_upper[targets] = np.floor(best_upper[targets] + INTEGER_TOLERANCE)
    exact = settled_lower & settled_upper
    return solved_lower, solved_upper, exact


def _settle_if_narrow(
    position: int,
    required: np.ndarray,
    implied_lower: np.ndarray,
    implied_upper: np.ndarray,
    best_lower: np.ndarray,
    best_upper: np.ndarray,
    settled_lower: np.ndarray,
    settled_upper: np.ndarray,
) -> None:
    """Close a target whose one exact bound and one outer bound prove it narrow.

    The interval then shown is an outer one, wider than the attacker's but
    still narrower than required: enough to call the cell exposed.
    """
    if settled_lower[position] and (
        implied_upper[position] - best_lower[position] < required[position]
    ):
        best_upper[position] = implied_upper[position]
        settled_upper[position] = True
    if settled_upper[position] and (
        best_upper[position] - implied_lower[position] < required[position]
    ):
        best_lower[position] = implied_lower[position]
        settled_lower[position] = True


def _independent_batch(
    up: np.ndarray, down: np.ndarray, by_variable: sparse.csc_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """Pick targets that share no relation, each with its open direction."""
    used: set[int] = set()
    chosen_up: list[int] = []
    chosen_down: list[int] = []
    for positions, chosen in ((up, chosen_up), (down, chosen_down)):
        for position in positions:
            rows = by_variable.indices[
                by_variable.indptr[position] : by_variable.indptr[position + 1]
            ]
            if used.intersection(rows.tolist()):
                continue
            used.update(rows.tolist())
            chosen.append(int(position))
    return np.array(chosen_up, dtype=np.int64), np.array(chosen_down, dtype=np.int64)


def _local_witnesses(
    problem: _Problem,
    truth: np.ndarray,
    open_below: np.ndarray,
    open_above: np.ndarray,
    witness: Callable[[np.ndarray], None],
) -> None:
    """Move open targets within their neighbourhoods, the rest held at truth.

    The neighbourhood grows relation by relation from the target, keeping
    the variables with the most room (largest true values) first, up to
    :data:`_LOCAL_SIZE`. Holding every other variable at its true value
    keeps each point feasible for the whole component.
    """
    matrix = sparse.vstack([problem.a_eq, problem.a_ub]).tocsr()
    rhs = np.concatenate([problem.b_eq, problem.b_ub])
    is_equality = np.arange(matrix.shape[0]) < problem.a_eq.shape[0]
    slack = rhs - matrix @ truth
    by_variable = matrix.tocsc()
    for direction, positions in ((1.0, open_below), (-1.0, open_above)):
        for position in positions:
            local = _neighbourhood(int(position), matrix, by_variable, truth)
            rows = np.unique(by_variable[:, local].indices)
            block = matrix[rows][:, local]
            # Rows keep their slack; the local variables start from the truth.
            local_rhs = slack[rows] + block @ truth[local]
            equality = is_equality[rows]
            objective = np.where(local == position, direction, 0.0)
            status, _, point = _Problem(
                a_eq=block[equality],
                b_eq=local_rhs[equality],
                a_ub=block[~equality],
                b_ub=local_rhs[~equality],
                lower=problem.lower[local],
                upper=problem.upper[local],
            ).optimize(objective)
            if status == 0:
                full = truth.copy()
                full[local] = point
                witness(full)


def _neighbourhood(
    position: int,
    matrix: sparse.csr_matrix,
    by_variable: sparse.csc_matrix,
    truth: np.ndarray,
) -> np.ndarray:
    """Variables reached from ``position`` through shared relations, capped."""
    reached = np.array([position])
    for _hop in range(4):
        rows = np.unique(by_variable[:, reached].indices)
        new = np.setdiff1d(matrix[rows].indices, reached)
        if not len(new):
            break
        room = _LOCAL_SIZE - len(reached)
        if len(new) >= room:
            # The variables with the most room to move first.
            roomiest = new[np.argsort(-truth[new], kind="stable")[:room]]
            return np.union1d(reached, roomiest)
        reached = np.union1d(reached, new)
    return reached


@dataclass(frozen=True, eq=False)
class _Problem:
    """One component's linear program: equalities, inequalities and bounds."""

    a_eq: sparse.csr_matrix
    b_eq: np.ndarray
    a_ub: sparse.csr_matrix
    b_ub: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    @classmethod
    def restricted(
        cls,
        members: np.ndarray,
        equalities: sparse.csr_matrix,
        equality_rhs: np.ndarray,
        inequalities: sparse.csr_matrix,
        inequality_rhs: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
    ) -> _Problem:
        """Keep only the relations and columns of one component's members."""
        equality_rows = np.flatnonzero(equalities[:, members].getnnz(axis=1) > 0)
        inequality_rows = np.flatnonzero(inequalities[:, members].getnnz(axis=1) > 0)
        return cls(
            a_eq=equalities[equality_rows][:, members].tocsr(),
            b_eq=equality_rhs[equality_rows],
            a_ub=inequalities[inequality_rows][:, members].tocsr(),
            b_ub=inequality_rhs[inequality_rows],
            lower=lower.astype(float),
            upper=upper.astype(float),
        )

    def optimize(self, objective: np.ndarray) -> tuple[int, float, np.ndarray]:
        """Minimize ``objective @ x``; return status, optimum and solution.

        Status 0 is optimal, 3 unbounded. Infeasible systems mean the
        published numbers contradict each other.
        """
        has_equalities = self.a_eq.shape[0] > 0
        has_inequalities = self.a_ub.shape[0] > 0
        solution = linprog(
            objective,
            A_ub=self.a_ub if has_inequalities else None,
            b_ub=self.b_ub if has_inequalities else None,
            A_eq=self.a_eq if has_equalities else None,
            b_eq=self.b_eq if has_equalities else None,
            bounds=np.column_stack([self.lower, self.upper]),
            method="highs",
            # These programs are small and solved by the hundred: presolve
            # costs more than it saves (measured: about 40% slower).
            options={"presolve": False},
        )
        if solution.status == 2:
            raise InputError(CONTRADICTION)
        if solution.status == 3:
            return 3, -math.inf, np.empty(0)
        if solution.status != 0:
            raise InternalError(
                f"The audit's linear program failed: {solution.message}"
            )
        # Objectives are +-1 on one variable: the optimum is that variable.
        optimum = float(objective @ solution.x)
        optimum = optimum if objective.sum() >= 0 else -optimum
        return 0, optimum, solution.x


def _propagate_bounds(
    problem: _Problem, rounds: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """Tighten variable bounds from one relation at a time, until stable.

    For a relation ``sum(a_k x_k) = b`` (or ``<= b``) each variable is
    bounded by ``b`` minus the extreme values of the others. The result
    holds for every feasible point, so a point reaching it is optimal.
    """
    lower = problem.lower.copy()
    upper = problem.upper.copy()
    blocks = [(problem.a_eq.tocoo(), problem.b_eq, True)]
    if problem.a_ub.shape[0]:
        blocks.append((problem.a_ub.tocoo(), problem.b_ub, False))
    for _round in range(rounds):
        changed = False
        for matrix, rhs, is_equality in blocks:
            if matrix.nnz == 0:
                continue
            new_lower, new_upper = _row_implied_bounds(
                matrix, rhs, lower, upper, is_equality
            )
            tighter_lower = new_lower > lower + INTEGER_TOLERANCE
            tighter_upper = new_upper < upper - INTEGER_TOLERANCE
            if tighter_lower.any() or tighter_upper.any():
                lower = np.maximum(lower, new_lower)
                upper = np.minimum(upper, new_upper)
                changed = True
        if not changed:
            break
    return lower, upper


def _row_implied_bounds(
    matrix: sparse.coo_matrix,
    rhs: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    is_equality: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the bounds each relation implies for each of its variables."""
    rows, columns, coefficients = matrix.row, matrix.col, matrix.data
    positive = coefficients > 0
    term_min = np.where(
        positive, coefficients * lower[columns], coefficients * upper[columns]
    )
    term_max = np.where(
        positive, coefficients * upper[columns], coefficients * lower[columns]
    )
    n_rows = matrix.shape[0]

    def sums(terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        infinite = ~np.isfinite(terms)
        finite_sum = np.bincount(
            rows, weights=np.where(infinite, 0.0, terms), minlength=n_rows
        )
        infinite_count = np.bincount(rows, weights=infinite, minlength=n_rows)
        return finite_sum, infinite_count

    min_sum, min_infinite = sums(term_min)
    max_sum, max_infinite = sums(term_max)
    # The others' extremes: the row's total minus this variable's own term.
    own_min_infinite = ~np.isfinite(term_min)
    own_max_infinite = ~np.isfinite(term_max)
    rest_min = np.where(
        min_infinite[rows] - own_min_infinite > 0,
        -math.inf,
        min_sum[rows] - np.where(own_min_infinite, 0.0, term_min),
    )
    rest_max = np.where(
        max_infinite[rows] - own_max_infinite > 0,
        math.inf,
        max_sum[rows] - np.where(own_max_infinite, 0.0, term_max),
    )
    with np.errstate(invalid="ignore"):
        # a_j x_j <= b - rest_min always; a_j x_j >= b - rest_max for equalities.
        high_term = rhs[rows] - rest_min
        low_term = (
            rhs[rows] - rest_max if is_equality else np.full(len(rows), -math.inf)
        )
        entry_upper = np.where(
            positive, high_term / coefficients, low_term / coefficients
        )
        entry_lower = np.where(
            positive, low_term / coefficients, high_term / coefficients
        )
    entry_upper = np.nan_to_num(entry_upper, nan=math.inf)
    entry_lower = np.nan_to_num(entry_lower, nan=-math.inf)
    implied_upper = upper.copy()
    implied_lower = lower.copy()
    np.minimum.at(implied_upper, columns, entry_upper)
    np.maximum.at(implied_lower, columns, entry_lower)
    return implied_lower, implied_upper
