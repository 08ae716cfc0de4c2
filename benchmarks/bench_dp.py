"""Time the epsilon sweep: our single vectorized draw against diffprivlib's mechanisms.

The sweep simulates releasing a table of counts at many epsilons: for each
epsilon, ``draws`` releases of ``cells`` counts, each count clamped at 0, and
summarizes the error per epsilon (mean absolute error and 95% quantile). The
page redraws it live, so it must take well under a second.

Three ways are timed in one run:

- ours: :func:`privacy.dp_accuracy.epsilon_sweep`, one draw of the whole
  block of noise (epsilons × draws × cells) in single precision;
- numpy, one epsilon at a time: ``Generator.laplace`` in double precision per
  epsilon, the plain vectorized way;
- diffprivlib: a ``diffprivlib.mechanisms.Laplace`` object per epsilon and
  one ``randomise`` call per count, the way a release draws its noise. This
  loop is far too slow for the whole block (tens of millions of calls), so
  it is timed on a subset of the draws and extrapolated linearly, and the
  output says so.

The three mean absolute errors are printed beside 1/ε as a check that they
simulate the same thing.

Usage::

    python benchmarks/bench_dp.py [--epsilons 50] [--draws 1000] [--cells 500]
        [--peer-draws 4] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from diffprivlib.mechanisms import Laplace

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from privacy.dp_accuracy import epsilon_sweep  # noqa: E402


def sweep_with_numpy(
    epsilons: np.ndarray, counts: np.ndarray, draws: int, seed: int
) -> np.ndarray:
    """Mean absolute error per epsilon, one double-precision draw per epsilon."""
    generator = np.random.default_rng(seed)
    errors = np.empty(epsilons.size)
    for index, epsilon in enumerate(epsilons):
        noise = generator.laplace(scale=1 / epsilon, size=(draws, counts.size))
        released = np.maximum(counts + noise, 0)
        absolute = np.abs(released - counts)
        np.quantile(absolute, 0.95)
        errors[index] = absolute.mean()
    return errors


def sweep_with_diffprivlib(
    epsilons: np.ndarray, counts: np.ndarray, draws: int, seed: int
) -> np.ndarray:
    """Mean absolute error per epsilon, one diffprivlib call per count."""
    state = np.random.RandomState(seed)
    errors = np.empty(epsilons.size)
    for index, epsilon in enumerate(epsilons):
        mechanism = Laplace(
            epsilon=float(epsilon), delta=0.0, sensitivity=1, random_state=state
        )
        absolute = np.empty((draws, counts.size))
        for draw in range(draws):
            for cell, count in enumerate(counts):
                released = max(mechanism.randomise(float(count)), 0.0)
                absolute[draw, cell] = abs(released - count)
        np.quantile(absolute, 0.95)
        errors[index] = absolute.mean()
    return errors


def best_time(function, repeats: int) -> tuple[float, object]:
    """Smallest wall time over ``repeats`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    """Run the three sweeps and print seconds, ratios and a sanity check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epsilons", type=int, default=50)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--cells", type=int, default=500)
    parser.add_argument("--peer-draws", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()

    epsilons = np.logspace(-2, np.log10(20), arguments.epsilons)
    counts = np.random.default_rng(0).integers(0, 400, arguments.cells).astype(float)
    block = arguments.epsilons * arguments.draws * arguments.cells
    print(
        f"Sweep: {arguments.epsilons} epsilons × {arguments.draws} draws × "
        f"{arguments.cells} cells = {block:,} noisy counts"
    )

    ours_seconds, ours = best_time(
        lambda: epsilon_sweep(epsilons, counts, arguments.draws, random_state=1),
        arguments.repeats,
    )
    numpy_seconds, numpy_errors = best_time(
        lambda: sweep_with_numpy(epsilons, counts, arguments.draws, 1),
        arguments.repeats,
    )

    # diffprivlib: time a subset of the draws and scale up linearly.
    peer_draws = min(arguments.peer_draws, arguments.draws)
    subset_seconds, peer_errors = best_time(
        lambda: sweep_with_diffprivlib(epsilons, counts, peer_draws, 1), 1
    )
    peer_seconds = subset_seconds * arguments.draws / peer_draws
    extrapolated = peer_draws < arguments.draws

    print(f"  ours (one float32 block)       {ours_seconds:10.3f} s")
    print(
        f"  numpy, one epsilon at a time   {numpy_seconds:10.3f} s   "
        f"ratio {numpy_seconds / ours_seconds:8.1f}×"
    )
    label = "extrapolated" if extrapolated else "measured"
    print(
        f"  diffprivlib Laplace, per count {peer_seconds:10.1f} s   "
        f"ratio {peer_seconds / ours_seconds:8.0f}×   ({label}: "
        f"{subset_seconds:.2f} s for {peer_draws} of {arguments.draws} draws)"
    )

    print("Mean absolute error at the smallest, middle and largest epsilon:")
    for index in (0, arguments.epsilons // 2, arguments.epsilons - 1):
        print(
            f"  ε = {epsilons[index]:7.3f}: "
            f"ours {ours.mean_absolute_error[index]:8.3f}"
            f"  numpy {numpy_errors[index]:8.3f}  diffprivlib "
            f"{peer_errors[index]:8.3f}  (1/ε = {1 / epsilons[index]:.3f}, "
            "less where clamping at 0 helps)"
        )


if __name__ == "__main__":
    main()
