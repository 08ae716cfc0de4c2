"""The smallest epsilon that keeps every statistic within the error a user states.

A user states, per statistic, how far off a released value may be and how
often ("each school's chronic-absence rate within 2 points, 9 times in 10");
:func:`smallest_epsilon` returns the smallest total epsilon meeting them all
and its split across the statistics, or says that none does within the
largest epsilon the user accepts. Laplace noise has a closed form (the
absolute error exceeds t with probability e^(−εt)); rates over noisy
denominators are simulated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from privacy.dp_accuracy import _check_confidence, _check_draws
from privacy.dp_budget import validate_epsilon
from privacy.dp_counts import rate_from_noisy_counts
from privacy.exceptions import InputError

__all__ = [
    "DEFAULT_MAX_EPSILON",
    "EpsilonPlan",
    "ErrorRequirement",
    "laplace_epsilon_for_error",
    "smallest_epsilon",
]

#: Largest total epsilon the solver will propose unless told otherwise.
DEFAULT_MAX_EPSILON = 10.0


def laplace_epsilon_for_error(
    tolerance: float, confidence: float, sensitivity: float = 1.0
) -> float:
    """Return the smallest epsilon keeping Laplace noise within a tolerance.

    The absolute Laplace noise exceeds t with probability e^(−εt/Δ), so it
    stays within ``tolerance`` with probability ``confidence`` exactly when
    ε ≥ Δ·ln(1/(1 − confidence))/tolerance.

    Parameters
    ----------
    tolerance : float
        Largest acceptable absolute error (above 0).
    confidence : float
        How often the error must stay within the tolerance.
    sensitivity : float, default 1.0
        Sensitivity Δ of the statistic.

    Returns
    -------
    float
        The smallest such epsilon.

    Examples
    --------
    >>> round(laplace_epsilon_for_error(2, 0.9), 4)  # ln(10) / 2
    1.1513
    """
    confidence = _check_confidence(confidence)
    if not tolerance > 0:
        raise InputError(
            f"tolerance must be above 0; got {tolerance!r}. State how far off a "
            "released value may be, e.g. 2 students."
        )
    return sensitivity * math.log(1 / (1 - confidence)) / tolerance


@dataclass(frozen=True)
class ErrorRequirement:
    """The error one released statistic may have, as a user states it.

    Parameters
    ----------
    statistic : str
        Its name, e.g. "chronic-absence rate by school".
    kind : {"count", "rate"}
        A table of counts, or a table of rates.
    tolerance : float
        Largest acceptable error: students for counts, a proportion for
        rates (0.02 = 2 percentage points).
    confidence : float, default 0.9
        How often each released value must stay within the tolerance
        (0.9 = 9 times in 10).
    smallest_denominator : float or None, default None
        For rates: the smallest cell size (e.g. the smallest school), where
        the error is largest.
    denominator : {"public", "noisy"}, default "public"
        For rates: whether cell sizes are public or released with noise.
    expected_rate : float, default 0.5
        For rates with noisy denominators: the rate expected in the smallest
        cell (the error depends on it).

    Examples
    --------
    >>> ErrorRequirement("school counts", "count", tolerance=5).confidence
    0.9
    """

    statistic: str
    kind: str
    tolerance: float
    confidence: float = 0.9
    smallest_denominator: float | None = None
    denominator: str = "public"
    expected_rate: float = 0.5


@dataclass(frozen=True)
class EpsilonPlan:
    """The smallest total epsilon meeting every stated error, and its split.

    Parameters
    ----------
    feasible : bool
        Whether the total fits within ``max_epsilon``.
    total_epsilon : float
        Sum of the epsilons each statistic needs (they are released from
        the same students, so their epsilons add up).
    split : tuple of (str, float)
        Each statistic with the epsilon it needs.
    max_epsilon : float
        The largest total the user accepts.
    message : str
        The answer in one or two sentences.
    """

    feasible: bool
    total_epsilon: float
    split: tuple[tuple[str, float], ...]
    max_epsilon: float
    message: str


def _check_requirement(requirement: ErrorRequirement) -> None:
    if requirement.kind not in ("count", "rate"):
        raise InputError(
            f"kind of {requirement.statistic!r} must be 'count' or 'rate'; got "
            f"{requirement.kind!r}."
        )
    _check_confidence(requirement.confidence)
    if not requirement.tolerance > 0:
        raise InputError(
            f"The tolerance of {requirement.statistic!r} must be above 0; got "
            f"{requirement.tolerance!r}."
        )
    if requirement.kind == "count":
        return
    if requirement.tolerance >= 1:
        raise InputError(
            f"The tolerance of rate {requirement.statistic!r} is a proportion "
            f"below 1; got {requirement.tolerance!r}. Write 2 points as 0.02."
        )
    if requirement.smallest_denominator is None or requirement.smallest_denominator < 1:
        raise InputError(
            f"Rate {requirement.statistic!r} needs smallest_denominator, the size "
            f"of its smallest cell (at least 1); got "
            f"{requirement.smallest_denominator!r}."
        )
    if requirement.denominator not in ("public", "noisy"):
        raise InputError(
            f"denominator of {requirement.statistic!r} must be 'public' or "
            f"'noisy'; got {requirement.denominator!r}."
        )
    if not 0 <= requirement.expected_rate <= 1:
        raise InputError(
            f"expected_rate of {requirement.statistic!r} must be from 0 to 1; got "
            f"{requirement.expected_rate!r}."
        )


def _noisy_rate_coverage(
    epsilon: float,
    requirement: ErrorRequirement,
    numerator_noise: np.ndarray,
    denominator_noise: np.ndarray,
) -> float:
    size = float(requirement.smallest_denominator)
    rate = requirement.expected_rate
    scale = 2 / epsilon
    released = rate_from_noisy_counts(
        rate * size + scale * numerator_noise, size + scale * denominator_noise
    )
    return float(np.mean(np.abs(released - rate) <= requirement.tolerance))


def _epsilon_for(
    requirement: ErrorRequirement, max_epsilon: float, n_draws: int, seed: int | None
) -> float:
    """The smallest epsilon meeting one requirement; inf beyond ``max_epsilon``."""
    if requirement.kind == "count":
        return laplace_epsilon_for_error(requirement.tolerance, requirement.confidence)
    if requirement.denominator == "public":
        # Only the numerator is noisy: the rate error is |noise| / n.
        return laplace_epsilon_for_error(
            requirement.tolerance * float(requirement.smallest_denominator),
            requirement.confidence,
        )

    # Noisy numerator over noisy denominator: no closed form. The same
    # standard draws are scaled for every candidate epsilon, so coverage grows
    # with epsilon and bisection on log(epsilon) is well defined.
    generator = np.random.default_rng(seed)
    numerator_noise = generator.laplace(size=n_draws)
    denominator_noise = generator.laplace(size=n_draws)

    def meets(epsilon: float) -> bool:
        coverage = _noisy_rate_coverage(
            epsilon, requirement, numerator_noise, denominator_noise
        )
        return coverage >= requirement.confidence

    if not meets(max_epsilon):
        return math.inf
    low, high = max_epsilon * 1e-6, max_epsilon
    for _ in range(60):
        middle = math.sqrt(low * high)
        low, high = (low, middle) if meets(middle) else (middle, high)
    return high


def smallest_epsilon(
    requirements: Sequence[ErrorRequirement],
    *,
    max_epsilon: float = DEFAULT_MAX_EPSILON,
    n_draws: int = 20_000,
    random_state: int | None = 0,
) -> EpsilonPlan:
    """Find the smallest total epsilon keeping every statistic within its error.

    Each statistic is a table over disjoint cells, so it costs its epsilon
    once (parallel composition); different statistics are released from the
    same students, so their epsilons add up (sequential composition). The
    smallest total is therefore the sum of the smallest epsilon each
    statistic needs on its own, and that is also the split:

    - a count within t students with probability c needs ε = ln(1/(1 − c))/t;
    - a rate over a public denominator n needs ε = ln(1/(1 − c))/(t·n), set
      by the smallest cell;
    - a rate over a noisy denominator spends ε/2 on each count; its epsilon
      is found by bisection on simulated releases (``n_draws`` of them).

    The errors are those of the noisy values before rounding; clamping at 0
    only brings a count closer to a true count of 0 or more.

    Parameters
    ----------
    requirements : sequence of ErrorRequirement
        One per statistic to release.
    max_epsilon : float, default 10.0
        The largest total epsilon acceptable.
    n_draws : int, default 20000
        Simulated releases for rates over noisy denominators.
    random_state : int or None, default 0
        Seed of those simulations.

    Returns
    -------
    EpsilonPlan
        Whether it is feasible, the total, the split and a sentence.

    Raises
    ------
    InputError
        On an empty list or a malformed requirement.

    Examples
    --------
    >>> plan = smallest_epsilon([
    ...     ErrorRequirement("counts by school", "count", tolerance=5),
    ...     ErrorRequirement("absence rate by school", "rate", tolerance=0.02,
    ...                      smallest_denominator=150),
    ... ])
    >>> [(name, round(epsilon, 3)) for name, epsilon in plan.split]
    [('counts by school', 0.461), ('absence rate by school', 0.768)]
    >>> round(plan.total_epsilon, 3), plan.feasible
    (1.228, True)
    """
    if len(requirements) == 0:
        raise InputError(
            "State at least one requirement: which statistic, how far off it "
            "may be, and how often."
        )
    validate_epsilon(max_epsilon, name="max_epsilon")
    n_draws = _check_draws(n_draws)
    for requirement in requirements:
        _check_requirement(requirement)

    split = tuple(
        (
            requirement.statistic,
            _epsilon_for(requirement, float(max_epsilon), n_draws, random_state),
        )
        for requirement in requirements
    )
    total = math.fsum(epsilon for _, epsilon in split)
    feasible = total <= max_epsilon
    if feasible:
        message = (
            f"The smallest total ε meeting every stated error is {total:.3g}, "
            f"within the maximum of {float(max_epsilon):g}."
        )
    else:
        needed = "more than the maximum" if math.isinf(total) else f"{total:.3g}"
        message = (
            f"No ε up to {float(max_epsilon):g} meets every stated error: they "
            f"need {needed}. Loosen a tolerance, lower a confidence, or release "
            "fewer statistics."
        )
    return EpsilonPlan(
        feasible=feasible,
        total_epsilon=total,
        split=split,
        max_epsilon=float(max_epsilon),
        message=message,
    )
