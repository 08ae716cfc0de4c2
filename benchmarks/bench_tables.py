"""Time primary + complementary suppression with the attacker's audit.

A synthetic table of 100 schools x 14 grades x 7 race groups (seeded counts,
many small cells) is protected with the NCES rule (minimum 10), once as a
three-way table and once as its school x grade margin. Beside our code the
script runs, in the same process:

- a plain exact audit (two linear programs per withheld cell through
  ``scipy.optimize.linprog``, nothing else) on the school x grade release,
  to show what the witnesses and bound propagation save;
- the same cells released with Laplace noise (``privacy.dp``, which draws
  through diffprivlib), for the cost of the alternative.

Run from the repository root: ``python benchmarks/bench_tables.py`` (about
five minutes on two shared cores, most of it the three-way table;
``--schools 30`` for a quicker run on fewer schools).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from privacy.tables import RULE_PRESETS, ProtectedTable, protect_table
from privacy.tables_costs import compare_with_dp

SCHOOLS = 100
GRADES = ["PK", "K", *[str(grade) for grade in range(1, 13)]]
GROUPS = {
    "Hispanic or Latino": 0.42,
    "Black or African American": 0.29,
    "White": 0.14,
    "Asian": 0.09,
    "Multi-race": 0.04,
    "American Indian or Alaska Native": 0.012,
    "Native Hawaiian or Other Pacific Islander": 0.008,
}
SEED = 7


def synthetic_students(schools: int = SCHOOLS) -> pd.DataFrame:
    """Students of ``schools`` schools x 14 grades x 7 groups, many small cells."""
    generator = np.random.default_rng(SEED)
    shares = np.array(list(GROUPS.values()))
    grade_sizes = generator.lognormal(np.log(25), 0.5, size=(schools, len(GRADES)))
    counts = generator.poisson(grade_sizes[:, :, None] * shares[None, None, :])
    cells = np.repeat(np.arange(counts.size), counts.ravel())
    school, grade, group = np.unravel_index(cells, counts.shape)
    return pd.DataFrame(
        {
            "school": np.array([f"School {i:03d}" for i in range(schools)])[school],
            "grade": np.array(GRADES)[grade],
            "race_ethnicity": np.array(list(GROUPS))[group],
        }
    )


def timed(function, *arguments, **keywords):
    """Return the result and the seconds it took."""
    start = time.perf_counter()
    result = function(*arguments, **keywords)
    return result, time.perf_counter() - start


def plain_exact_audit(protected: ProtectedTable) -> int:
    """Two programs per withheld cell over the whole table; return programs run."""
    cells = protected.cells
    n_cells = len(cells)
    withheld = cells["count_reason"].to_numpy() != ""
    matrix = protected.constraints.matrix(n_cells)
    lower = np.where(withheld, 1.0, cells["count"].to_numpy(float))
    upper = np.where(withheld, np.inf, cells["count"].to_numpy(float))
    bounds = np.column_stack([lower, upper])
    programs = 0
    for cell in np.flatnonzero(withheld):
        for sign in (1.0, -1.0):
            objective = np.zeros(n_cells)
            objective[cell] = sign
            linprog(
                objective,
                A_eq=matrix,
                b_eq=np.zeros(matrix.shape[0]),
                bounds=bounds,
                method="highs",
            )
            programs += 1
    return programs


def describe(name: str, protected: ProtectedTable, seconds: float) -> None:
    """Print one line of figures for a protected table."""
    reasons = protected.cells["count_reason"]
    print(
        f"{name:<34} {len(protected.cells):>6} cells  "
        f"primary {int((reasons == 'primary').sum()):>5}  "
        f"complementary {int((reasons == 'complementary').sum()):>5}  "
        f"withheld {protected.suppressed_cell_share:6.1%} of cells, "
        f"{protected.suppressed_student_share:6.1%} of students  "
        f"audit {'passed' if protected.audit.passed else 'FAILED'}  "
        f"{seconds:7.2f} s"
    )


def main() -> None:
    """Run the benchmark and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=SCHOOLS)
    schools = parser.parse_args().schools
    students = synthetic_students(schools)
    rule = RULE_PRESETS["nces-10"]
    interior = schools * len(GRADES) * len(GROUPS)
    print(
        f"{len(students):,} students, {interior:,} interior cells "
        f"(school x grade x group), rule {rule.name}"
    )

    two_way, two_way_seconds = timed(protect_table, students, ["school", "grade"], rule)
    describe("school x grade", two_way, two_way_seconds)
    primary, primary_seconds = timed(
        protect_table,
        students,
        ["school", "grade", "race_ethnicity"],
        rule,
        complementary=False,
    )
    describe("school x grade x group, primary", primary, primary_seconds)
    three_way, three_way_seconds = timed(
        protect_table, students, ["school", "grade", "race_ethnicity"], rule
    )
    describe("school x grade x group, full", three_way, three_way_seconds)
    inexact = int((~three_way.audit.intervals["exact"]).sum())
    print(
        f"  audit intervals: {len(three_way.audit.intervals)}, of which {inexact} "
        "shown as proven-wide floors rather than exact"
    )

    programs, plain_seconds = timed(plain_exact_audit, two_way)
    print(
        f"plain exact audit of school x grade: {programs} programs in "
        f"{plain_seconds:.2f} s; ours (suppression and audit) "
        f"{two_way_seconds:.2f} s: ratio {plain_seconds / two_way_seconds:.1f}x"
    )

    comparison, dp_seconds = timed(
        compare_with_dp, students, three_way, 1.0, random_state=SEED
    )
    measures = comparison.measures.set_index("method")
    noise_error = measures.loc["laplace", "count_mean_absolute_error"]
    print(
        f"Laplace noise at epsilon 1 on the same {interior:,} cells: "
        f"{dp_seconds:.2f} s (suppression / noise time ratio "
        f"{three_way_seconds / dp_seconds:.0f}x); cells withheld "
        f"{measures.loc['suppression', 'withheld_cell_share']:.1%} vs "
        f"{measures.loc['laplace', 'withheld_cell_share']:.1%}; mean absolute "
        f"error of published cells {noise_error:.2f} (1/epsilon = 1)"
    )


if __name__ == "__main__":
    main()
