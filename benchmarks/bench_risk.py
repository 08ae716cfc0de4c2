"""Time the risk measures on UCI Adult and larger tiled copies, beside pycanon.

One run measures, for each table size:

- k: our ``equivalence_classes`` (then the smallest size), a bare
  ``pandas.factorize`` + mixed radix + ``numpy.bincount`` with no checks, and
  ``pycanon.anonymity.k_anonymity``;
- l and t: our ``assess_risk`` with a sensitive attribute (it computes k, all
  three risks, distinct and entropy l and t-closeness in one call) against
  ``pycanon.anonymity.l_diversity`` and ``t_closeness`` (each of which computes
  one figure only). ``income`` is the categorical sensitive attribute (equal
  distance t); ``hours-per-week`` the numeric one (ordered distance t).

The larger tables tile Adult with a seeded perturbation (ages moved by up to
two years and hours by up to three in every copy after the first), so that the
copies do not simply double every class. pycanon's l and t loop over classes in
Python and take minutes on the larger tables: by default they run up to
300,000 rows (and its numeric t not at all); ``--full`` runs every peer
measure at every size.

Usage::

    python benchmarks/bench_risk.py [--full] [--sizes 300000,1000000,3000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from privacy.risk import assess_risk, equivalence_classes  # noqa: E402

ADULT = REPOSITORY.parent / "shared" / "data" / "uci-adult" / "adult.data"
ADULT_COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
]
QUASI_IDENTIFIERS = [
    "age",
    "education",
    "marital-status",
    "occupation",
    "race",
    "sex",
    "native-country",
]
CATEGORICAL_SENSITIVE = "income"
NUMERIC_SENSITIVE = "hours-per-week"
DEFAULT_SIZES = (300_000, 1_000_000, 3_000_000)

# Largest tables pycanon runs on without --full (its l and t loop over classes
# in Python; its numeric t takes about 5 minutes on Adult alone).
PEER_K_LIMIT = 1_000_000
PEER_LT_LIMIT = 300_000


def read_adult() -> pd.DataFrame:
    """Read UCI Adult with the columns the benchmark needs."""
    table = pd.read_csv(ADULT, header=None, names=ADULT_COLUMNS, skipinitialspace=True)
    return table[[*QUASI_IDENTIFIERS, CATEGORICAL_SENSITIVE, NUMERIC_SENSITIVE]]


def tile(adult: pd.DataFrame, rows: int, seed: int = 2024) -> pd.DataFrame:
    """Repeat Adult to ``rows`` rows, perturbing every copy after the first."""
    copies = -(-rows // len(adult))
    table = pd.concat([adult] * copies, ignore_index=True).iloc[:rows].copy()
    rng = np.random.default_rng(seed)
    copied = np.arange(rows) >= len(adult)
    table.loc[copied, "age"] = np.clip(
        table.loc[copied, "age"] + rng.integers(-2, 3, copied.sum()), 17, 90
    )
    table.loc[copied, NUMERIC_SENSITIVE] = np.clip(
        table.loc[copied, NUMERIC_SENSITIVE] + rng.integers(-3, 4, copied.sum()),
        1,
        99,
    )
    return table


def bare_k(table: pd.DataFrame) -> int:
    """Smallest class size with no validation: the floor to compare with."""
    key = np.zeros(len(table), dtype=np.int64)
    for name in QUASI_IDENTIFIERS:
        codes, uniques = pd.factorize(table[name])
        key = key * len(uniques) + codes
    classes, _ = pd.factorize(key)
    return int(np.bincount(classes).min())


def seconds(function: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Best wall time of ``repeat`` calls and the last result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(
    table: pd.DataFrame,
    *,
    run_peer_k: bool,
    run_peer_lt: bool,
    run_peer_numeric_t: bool,
) -> list[tuple[str, float, float | None, str]]:
    """Time every measure on one table; rows of (measure, ours, peer, check)."""
    from pycanon import anonymity

    # Best of several runs: the machine may be busy with other work.
    repeat = 5 if len(table) <= 100_000 else 3 if len(table) <= 1_000_000 else 2
    rows = []

    ours_k, classes = seconds(
        lambda: equivalence_classes(table, QUASI_IDENTIFIERS), repeat
    )
    k = int(classes.sizes.min())
    bare_seconds, bare = seconds(lambda: bare_k(table), repeat)
    rows.append(("k: bare factorize+bincount", bare_seconds, None, f"k={bare}"))
    peer = None
    check = f"k={k} ours/bare={ours_k / bare_seconds:.2f}"
    if run_peer_k:
        peer, peer_k = seconds(lambda: anonymity.k_anonymity(table, QUASI_IDENTIFIERS))
        check += f" pycanon k={peer_k}"
    rows.append(("k: equivalence_classes", ours_k, peer, check))

    ours, report = seconds(
        lambda: assess_risk(table, QUASI_IDENTIFIERS, sensitive=CATEGORICAL_SENSITIVE),
        repeat,
    )
    peer_l = peer_t = None
    check_l = f"l={report.l_distinct}"
    check_t = f"t={report.t_closeness_equal:.5f}"
    if run_peer_lt:
        peer_l, value = seconds(
            lambda: anonymity.l_diversity(
                table, QUASI_IDENTIFIERS, [CATEGORICAL_SENSITIVE]
            )
        )
        check_l += f" pycanon l={value}"
        peer_t, value = seconds(
            lambda: anonymity.t_closeness(
                table, QUASI_IDENTIFIERS, [CATEGORICAL_SENSITIVE]
            )
        )
        check_t += f" pycanon t={value:.5f}"
    rows.append(("l (income): assess_risk", ours, peer_l, check_l))
    rows.append(("t equal (income): assess_risk", ours, peer_t, check_t))

    ours, report = seconds(
        lambda: assess_risk(table, QUASI_IDENTIFIERS, sensitive=NUMERIC_SENSITIVE),
        repeat,
    )
    peer_t = None
    check_t = f"t={report.t_closeness_ordered:.5f}"
    if run_peer_numeric_t:
        peer_t, value = seconds(
            lambda: anonymity.t_closeness(table, QUASI_IDENTIFIERS, [NUMERIC_SENSITIVE])
        )
        check_t += f" pycanon t={value:.5f}"
    rows.append(("t ordered (hours): assess_risk", ours, peer_t, check_t))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one table of seconds and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--full", action="store_true", help="run every pycanon measure at every size"
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in DEFAULT_SIZES),
        help="comma-separated row counts of the tiled tables",
    )
    arguments = parser.parse_args(argv)
    if not ADULT.exists():
        print(f"UCI Adult not found at {ADULT}; nothing to measure.")
        return 1

    adult = read_adult()
    sizes = [len(adult)] + [int(size) for size in arguments.sizes.split(",") if size]
    print(f"Quasi-identifiers: {', '.join(QUASI_IDENTIFIERS)}")
    print(
        f"{'rows':>10}  {'measure':<32}{'ours s':>9}{'peer s':>10}{'ratio':>9}  check"
    )
    for size in sizes:
        table = adult if size == len(adult) else tile(adult, size)
        rows = measure(
            table,
            run_peer_k=arguments.full or size <= PEER_K_LIMIT,
            run_peer_lt=arguments.full or size <= PEER_LT_LIMIT,
            run_peer_numeric_t=arguments.full,
        )
        for name, ours, peer, check in rows:
            peer_text = f"{peer:10.3f}" if peer is not None else f"{'-':>10}"
            ratio = f"{peer / ours:8.0f}x" if peer is not None else f"{'-':>9}"
            print(f"{size:>10,}  {name:<32}{ours:9.3f}{peer_text}{ratio}  {check}")
        sys.stdout.flush()

    if not arguments.full:
        print(
            f"\nNot run without --full: pycanon l and t above {PEER_LT_LIMIT:,} "
            f"rows, pycanon k above {PEER_K_LIMIT:,} rows, and pycanon's numeric "
            "t at any size (about 5 minutes on Adult alone)."
        )
    print(
        "The bare row is the floor for k; our assess_risk rows compute every "
        "figure of the report in one call, pycanon's one figure each."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
