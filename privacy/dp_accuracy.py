"""How accurate a differentially private release will be, before spending anything.

Nothing here touches data or a budget: every function takes true counts (or
what a user expects them to be) and an epsilon, and says how far the released
numbers will typically land from the truth. Laplace noise of scale 1/ε has a
closed form: the absolute error is exponential, so it exceeds t with
probability e^(−εt); its mean is 1/ε and it stays within ln(1/(1 − c))/ε with
probability c (±ln(20)/ε ≈ ±3/ε at 95%). Where post-processing (clamping,
rates) leaves no closed form, the error is simulated, vectorized, from a seeded
generator.

The inverse question, "what is the smallest epsilon that keeps my statistics
within these errors?", is answered by :mod:`privacy.dp_solver`.

Names follow the project convention: ``*_error`` is lower-is-better.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
from scipy.stats import rankdata

from privacy.dp_budget import validate_epsilon
from privacy.dp_counts import rate_from_noisy_counts
from privacy.exceptions import InputError

__all__ = [
    "CountError",
    "DecisionFlip",
    "EpsilonSweep",
    "RateError",
    "count_error",
    "decision_flip_probability",
    "epsilon_sweep",
    "rate_error",
    "relative_count_error",
    "standard_laplace_block",
]


def _check_confidence(confidence: object) -> float:
    is_number = isinstance(confidence, Real) and not isinstance(confidence, bool)
    if not is_number or not 0 < float(confidence) < 1:
        raise InputError(
            f"confidence must be a probability strictly between 0 and 1; got "
            f"{confidence!r}. Use 0.95 for '19 times in 20' or 0.9 for "
            "'9 times in 10'."
        )
    return float(confidence)


def _check_draws(n_draws: object) -> int:
    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or n_draws < 1:
        raise InputError(
            f"n_draws must be a whole number of at least 1; got {n_draws!r}. "
            "Use e.g. 1000."
        )
    return n_draws


def _counts(values: object, name: str) -> np.ndarray:
    array = np.atleast_1d(np.asarray(values, dtype=float))
    if array.ndim != 1 or array.size == 0:
        raise InputError(f"{name} must be a non-empty list of numbers; got {values!r}.")
    if not np.isfinite(array).all() or (array < 0).any():
        raise InputError(f"{name} must be finite counts of at least 0; got {values!r}.")
    return array


@dataclass(frozen=True)
class CountError:
    """The error of one Laplace-noised count, in students.

    Parameters
    ----------
    epsilon : float
        The epsilon of the count.
    confidence : float
        The probability attached to ``interval_half_width``.
    scale : float
        Scale of the Laplace noise, 1/ε.
    mean_absolute_error : float
        Expected distance from the true count, 1/ε.
    interval_half_width : float
        The count lands within this many students of the truth with
        probability ``confidence``: ln(1/(1 − confidence))/ε.
    """

    epsilon: float
    confidence: float
    scale: float
    mean_absolute_error: float
    interval_half_width: float


def count_error(epsilon: float, confidence: float = 0.95) -> CountError:
    """Say how far a count released with Laplace noise lands from the truth.

    Parameters
    ----------
    epsilon : float
        The epsilon spent on the count (sensitivity 1).
    confidence : float, default 0.95
        Probability for the interval.

    Returns
    -------
    CountError
        Scale, mean absolute error and interval half-width, in students.

    Raises
    ------
    InputError
        If epsilon is not positive or confidence not in (0, 1).

    Examples
    --------
    >>> error = count_error(0.5)
    >>> error.mean_absolute_error
    2.0
    >>> round(error.interval_half_width, 2)  # ln(20) / 0.5
    5.99
    """
    validate_epsilon(epsilon)
    confidence = _check_confidence(confidence)
    scale = 1 / float(epsilon)
    return CountError(
        epsilon=float(epsilon),
        confidence=confidence,
        scale=scale,
        mean_absolute_error=scale,
        interval_half_width=math.log(1 / (1 - confidence)) * scale,
    )


def relative_count_error(
    true_count: float, epsilon: float, confidence: float = 0.95
) -> float:
    """Return the interval half-width as a share of a given true count.

    Parameters
    ----------
    true_count : float
        The count the release is expected to show (above 0).
    epsilon : float
        The epsilon spent on the count.
    confidence : float, default 0.95
        Probability for the interval.

    Returns
    -------
    float
        Half-width / true count: 0.1 means "within 10% of the truth".

    Raises
    ------
    InputError
        If the true count is not above 0.

    Examples
    --------
    >>> round(relative_count_error(60, 0.5), 3)  # ±6 students of 60
    0.1
    """
    is_number = isinstance(true_count, Real) and not isinstance(true_count, bool)
    if not is_number or not float(true_count) > 0:
        raise InputError(
            f"true_count must be a number above 0; got {true_count!r}. A relative "
            "error of a count of 0 is not defined."
        )
    return count_error(epsilon, confidence).interval_half_width / float(true_count)


def standard_laplace_block(
    shape: tuple[int, ...], generator: np.random.Generator
) -> np.ndarray:
    """Draw a block of standard Laplace noise in one call, in single precision.

    One draw of random 32-bit words fills the whole block: the top bit of
    each word is the sign, the low 23 bits a uniform w in [0, 1), and
    −ln(1 − w) the exponential magnitude. Working on bits avoids masked
    array operations, which are slow on blocks of tens of millions of
    values; single precision halves the memory. The 2⁻²³ resolution of w
    only truncates the tails beyond 15.9 scales, far past any quantile
    shown.

    Parameters
    ----------
    shape : tuple of int
        Shape of the block.
    generator : numpy.random.Generator
        Seeded source of randomness.

    Returns
    -------
    numpy.ndarray
        float32 array of standard Laplace draws (scale 1).

    Examples
    --------
    >>> block = standard_laplace_block((100_000,), np.random.default_rng(0))
    >>> round(float(np.abs(block).mean()), 1), round(float(block.var()), 1)
    (1.0, 2.0)
    """
    words = generator.integers(0, 2**32, size=shape, dtype=np.uint32)
    block = (words & np.uint32(0x7FFFFF)).astype(np.float32)
    block *= np.float32(2.0**-23)
    np.negative(block, out=block)
    np.log1p(block, out=block)
    np.negative(block, out=block)

    # Copy each word's top bit into the float's sign bit.
    words &= np.uint32(0x80000000)
    signed = block.view(np.uint32)
    signed |= words
    return block


def _upper_quantile(values: np.ndarray, confidence: float) -> np.ndarray:
    """Per row, the smallest value at or above a share ``confidence`` of the row."""
    rank = max(math.ceil(confidence * values.shape[1]) - 1, 0)
    return np.partition(values, rank, axis=1)[:, rank].astype(float)


@dataclass(frozen=True)
class RateError:
    """Simulated error of rates released as noisy numerator / denominator.

    Parameters
    ----------
    epsilon : float
        The epsilon of the whole rate table.
    confidence : float
        The probability attached to ``interval_half_width``.
    denominator : str
        ``"noisy"`` or ``"public"``.
    mean_absolute_error : numpy.ndarray
        Expected distance of each rate from its true value (a proportion).
    interval_half_width : numpy.ndarray
        Each rate lands within this distance with probability ``confidence``.
    n_draws : int
        Number of simulated releases.
    """

    epsilon: float
    confidence: float
    denominator: str
    mean_absolute_error: np.ndarray
    interval_half_width: np.ndarray
    n_draws: int


def _simulated_rates(
    numerators: np.ndarray,
    denominators: np.ndarray,
    epsilon: float,
    denominator: str,
    n_draws: int,
    random_state: int | None,
) -> np.ndarray:
    """Simulate released rates exactly as :func:`dp_rate_table` makes them."""
    if denominator not in ("noisy", "public"):
        raise InputError(
            f"denominator must be 'noisy' or 'public'; got {denominator!r}."
        )
    generator = np.random.default_rng(random_state)
    shape = (n_draws, numerators.size)
    if denominator == "noisy":
        scale = 2 / epsilon
        noisy_numerators = numerators + scale * generator.laplace(size=shape)
        noisy_denominators = denominators + scale * generator.laplace(size=shape)
    else:
        noisy_numerators = numerators + generator.laplace(size=shape) / epsilon
        noisy_denominators = np.broadcast_to(denominators, shape)
    return rate_from_noisy_counts(noisy_numerators, noisy_denominators)


def _rate_inputs(
    numerators: object, denominators: object
) -> tuple[np.ndarray, np.ndarray]:
    numerators = _counts(numerators, "numerators")
    denominators = _counts(denominators, "denominators")
    if numerators.shape != denominators.shape:
        raise InputError(
            f"numerators and denominators must have the same length; got "
            f"{numerators.size} and {denominators.size}."
        )
    if (denominators < 1).any() or (numerators > denominators).any():
        raise InputError(
            "Each denominator must be at least 1 and at least its numerator; got "
            f"numerators {numerators.tolist()} and denominators "
            f"{denominators.tolist()}."
        )
    return numerators, denominators


def rate_error(
    numerators: Sequence[float] | float,
    denominators: Sequence[float] | float,
    epsilon: float,
    *,
    denominator: str = "noisy",
    confidence: float = 0.95,
    n_draws: int = 2000,
    random_state: int | None = 0,
) -> RateError:
    """Simulate the error of rates released with :func:`privacy.dp.dp_rate_table`.

    The ratio of two noisy counts, clamped to [0, 1], has no closed-form
    error, so releases are simulated with the same budget split (ε/2 each
    with noisy denominators) and the same post-processing.

    Parameters
    ----------
    numerators, denominators : sequence of float or float
        True (or expected) counts per cell, e.g. chronically absent students
        and enrolled students per school.
    epsilon : float
        The epsilon of the whole rate table.
    denominator : {"noisy", "public"}, default "noisy"
        Whether the denominators get noise.
    confidence : float, default 0.95
        Probability for the interval.
    n_draws : int, default 2000
        Number of simulated releases.
    random_state : int or None, default 0
        Seed of the simulation.

    Returns
    -------
    RateError
        Per-cell mean absolute error and interval half-width (proportions).

    Raises
    ------
    InputError
        On bad counts or parameters.

    Examples
    --------
    >>> error = rate_error([30], [200], 1.0, denominator="public")
    >>> round(float(error.mean_absolute_error[0]), 3)  # ≈ (1/ε) / 200
    0.005
    """
    numerators, denominators = _rate_inputs(numerators, denominators)
    validate_epsilon(epsilon)
    confidence = _check_confidence(confidence)
    n_draws = _check_draws(n_draws)

    rates = _simulated_rates(
        numerators, denominators, float(epsilon), denominator, n_draws, random_state
    )
    errors = np.abs(rates - numerators / denominators)
    return RateError(
        epsilon=float(epsilon),
        confidence=confidence,
        denominator=denominator,
        mean_absolute_error=errors.mean(axis=0),
        interval_half_width=np.quantile(errors, confidence, axis=0),
        n_draws=n_draws,
    )


@dataclass(frozen=True)
class DecisionFlip:
    """How often the noise changes a decision taken on released rates.

    Parameters
    ----------
    epsilon : float
        The epsilon of the rate table.
    decision : str
        ``"threshold 0.2"`` (a rate on the other side of a cut-off) or
        ``"rank"`` (a cell's rank among the cells changes).
    flip_probability : numpy.ndarray
        Per cell, the probability that the decision differs from the one
        the true rates give.
    n_draws : int
        Number of simulated releases.
    """

    epsilon: float
    decision: str
    flip_probability: np.ndarray
    n_draws: int


def decision_flip_probability(
    numerators: Sequence[float],
    denominators: Sequence[float],
    epsilon: float,
    *,
    threshold: float | None = None,
    denominator: str = "noisy",
    n_draws: int = 2000,
    random_state: int | None = 0,
) -> DecisionFlip:
    """Estimate how often noise flips a decision made from released rates.

    With a ``threshold`` the decision is "is this school's rate at or above
    the cut-off?" (e.g. chronic absence of 20%): the result is the chance
    that the released rate falls on the other side from the true one.
    Without it the decision is the ranking of the cells (rank 1 = highest
    rate, ties share the best rank): the result is the chance each cell's
    released rank differs from its true rank.

    Parameters
    ----------
    numerators, denominators : sequence of float
        True (or expected) counts per cell.
    epsilon : float
        The epsilon of the whole rate table.
    threshold : float or None, default None
        The cut-off rate, or None to look at ranks.
    denominator : {"noisy", "public"}, default "noisy"
        Whether the denominators get noise.
    n_draws : int, default 2000
        Number of simulated releases.
    random_state : int or None, default 0
        Seed of the simulation.

    Returns
    -------
    DecisionFlip
        Per-cell flip probabilities.

    Raises
    ------
    InputError
        On bad counts, a threshold outside [0, 1] or bad parameters.

    Examples
    --------
    >>> flips = decision_flip_probability(
    ...     [50, 5], [100, 100], 1.0, threshold=0.2, denominator="public")
    >>> flips.flip_probability.round(2).tolist()  # both far from 20%
    [0.0, 0.0]
    >>> flips = decision_flip_probability(
    ...     [20, 19], [100, 100], 1.0, threshold=0.2, denominator="public")
    >>> bool(flips.flip_probability[0] > 0.2)  # right at the cut-off
    True
    """
    numerators, denominators = _rate_inputs(numerators, denominators)
    validate_epsilon(epsilon)
    n_draws = _check_draws(n_draws)
    rates = _simulated_rates(
        numerators, denominators, float(epsilon), denominator, n_draws, random_state
    )
    true_rates = numerators / denominators

    if threshold is not None:
        is_number = isinstance(threshold, Real) and not isinstance(threshold, bool)
        if not is_number or not 0 <= float(threshold) <= 1:
            raise InputError(
                f"threshold must be a rate from 0 to 1; got {threshold!r}. Use "
                "0.2 for 20%."
            )
        flips = (rates >= threshold) != (true_rates >= threshold)
        decision = f"threshold {float(threshold):g}"
    else:
        true_ranks = rankdata(-true_rates, method="min")
        flips = rankdata(-rates, method="min", axis=1) != true_ranks
        decision = "rank"

    return DecisionFlip(
        epsilon=float(epsilon),
        decision=decision,
        flip_probability=flips.mean(axis=0),
        n_draws=n_draws,
    )


@dataclass(frozen=True)
class EpsilonSweep:
    """Simulated error of a count table across many epsilons.

    Parameters
    ----------
    epsilons : numpy.ndarray
        The epsilons swept.
    mean_absolute_error : numpy.ndarray
        Per epsilon, mean distance of released counts from the truth
        (students), over every cell and draw.
    interval_half_width : numpy.ndarray
        Per epsilon, the ``confidence`` quantile of that distance.
    confidence : float
        The probability attached to ``interval_half_width``.
    n_draws : int
        Simulated releases per epsilon.
    n_cells : int
        Cells per release.
    """

    epsilons: np.ndarray
    mean_absolute_error: np.ndarray
    interval_half_width: np.ndarray
    confidence: float
    n_draws: int
    n_cells: int


def epsilon_sweep(
    epsilons: Sequence[float],
    true_counts: Sequence[float],
    n_draws: int,
    *,
    random_state: int | None,
    confidence: float = 0.95,
    clamp: bool = True,
) -> EpsilonSweep:
    """Simulate releasing a count table at many epsilons, in one draw.

    The noise for every epsilon, draw and cell is drawn as a single block
    (see :func:`standard_laplace_block`) and scaled by 1/ε per epsilon; the
    released counts are clamped at 0 as :func:`privacy.dp.dp_count_table`
    does by default. 50 epsilons × 1,000 draws × 500 cells take well under
    a second, fast enough to redraw live.

    Parameters
    ----------
    epsilons : sequence of float
        The epsilons to try, each above 0.
    true_counts : sequence of float
        The true counts of the table's cells.
    n_draws : int
        Simulated releases per epsilon.
    random_state : int or None
        Seed of the simulation.
    confidence : float, default 0.95
        Probability for the interval.
    clamp : bool, default True
        Set negative released counts to 0 before measuring the error.

    Returns
    -------
    EpsilonSweep
        Mean absolute error and interval half-width per epsilon.

    Raises
    ------
    InputError
        On a non-positive epsilon, bad counts or bad parameters.

    Examples
    --------
    >>> sweep = epsilon_sweep([0.5, 2.0], [100, 200, 300], 2000, random_state=0)
    >>> sweep.mean_absolute_error.round(1).tolist()  # ≈ 1/ε
    [2.0, 0.5]
    """
    epsilon_values = np.atleast_1d(np.asarray(epsilons, dtype=float))
    for epsilon in epsilon_values:
        validate_epsilon(float(epsilon))
    counts = _counts(true_counts, "true_counts").astype(np.float32)
    n_draws = _check_draws(n_draws)
    confidence = _check_confidence(confidence)

    generator = np.random.default_rng(random_state)
    shape = (epsilon_values.size, n_draws, counts.size)
    errors = standard_laplace_block(shape, generator)
    errors /= epsilon_values.astype(np.float32)[:, None, None]
    if clamp:
        # Released = max(count + noise, 0), so the error is max(noise, −count).
        np.maximum(errors, -counts, out=errors)
    np.abs(errors, out=errors)

    flat = errors.reshape(epsilon_values.size, -1)
    return EpsilonSweep(
        epsilons=epsilon_values,
        mean_absolute_error=flat.mean(axis=1, dtype=np.float64),
        interval_half_width=_upper_quantile(flat, confidence),
        confidence=confidence,
        n_draws=n_draws,
        n_cells=counts.size,
    )
