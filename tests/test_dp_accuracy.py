"""Accuracy before spending (analytic and simulated) and the epsilon solver."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from privacy.dp import rate_from_noisy_counts
from privacy.dp_accuracy import (
    count_error,
    decision_flip_probability,
    epsilon_sweep,
    rate_error,
    relative_count_error,
    standard_laplace_block,
)
from privacy.dp_solver import (
    ErrorRequirement,
    laplace_epsilon_for_error,
    smallest_epsilon,
)
from privacy.exceptions import InputError


def test_count_error_at_half_epsilon_is_two_students() -> None:
    error = count_error(0.5)
    assert (error.scale, error.mean_absolute_error) == (2.0, 2.0)


def test_count_interval_is_ln_twenty_over_epsilon() -> None:
    assert count_error(1.0).interval_half_width == pytest.approx(math.log(20))


def test_count_interval_covers_its_confidence_in_simulation() -> None:
    generator = np.random.default_rng(0)
    error = count_error(0.25, confidence=0.9)
    noise = generator.laplace(scale=error.scale, size=200_000)
    assert np.mean(np.abs(noise) <= error.interval_half_width) == pytest.approx(
        0.9, abs=0.003
    )


@pytest.mark.parametrize("confidence", [0, 1, 1.5, True])
def test_count_error_rejects_confidence_outside_zero_one(confidence: object) -> None:
    with pytest.raises(InputError, match="confidence must be a probability"):
        count_error(1.0, confidence=confidence)  # type: ignore[arg-type]


def test_count_error_rejects_zero_epsilon() -> None:
    with pytest.raises(InputError, match="epsilon must be a number above 0"):
        count_error(0)


def test_relative_error_of_sixty_students_at_half_epsilon() -> None:
    assert relative_count_error(60, 0.5) == pytest.approx(math.log(20) * 2 / 60)


def test_relative_error_of_zero_count_is_refused() -> None:
    with pytest.raises(InputError, match="true_count must be a number above 0"):
        relative_count_error(0, 1.0)


def test_rate_error_with_public_denominator_is_count_error_over_size() -> None:
    error = rate_error([100], [400], 0.5, denominator="public", n_draws=50_000)
    assert error.mean_absolute_error[0] == pytest.approx(2 / 400, rel=0.03)


def test_rate_error_with_noisy_denominator_exceeds_public() -> None:
    noisy = rate_error([100], [400], 0.5, denominator="noisy", n_draws=20_000)
    public = rate_error([100], [400], 0.5, denominator="public", n_draws=20_000)
    assert noisy.mean_absolute_error[0] > public.mean_absolute_error[0]


def test_rate_error_is_reproducible_with_a_seed() -> None:
    first = rate_error([3, 30], [10, 100], 1.0, random_state=5)
    again = rate_error([3, 30], [10, 100], 1.0, random_state=5)
    np.testing.assert_array_equal(first.interval_half_width, again.interval_half_width)


def test_rate_error_rejects_numerator_above_denominator() -> None:
    with pytest.raises(InputError, match="at least its numerator"):
        rate_error([12], [10], 1.0)


def test_rate_error_rejects_mismatched_lengths() -> None:
    with pytest.raises(InputError, match="must have the same length"):
        rate_error([1, 2], [10], 1.0)


def test_rate_error_rejects_unknown_denominator_kind() -> None:
    with pytest.raises(InputError, match="denominator must be 'noisy' or 'public'"):
        rate_error([1], [10], 1.0, denominator="exact")


def test_rate_at_the_threshold_flips_about_half_the_time() -> None:
    flips = decision_flip_probability(
        [20], [100], 1.0, threshold=0.2, denominator="public", n_draws=20_000
    )
    # The true rate sits on the cut-off: the noisy rate falls below it
    # whenever the noise is negative.
    assert flips.flip_probability[0] == pytest.approx(0.5, abs=0.02)


def test_rate_far_from_the_threshold_never_flips() -> None:
    flips = decision_flip_probability([90], [100], 2.0, threshold=0.2)
    assert flips.flip_probability[0] == 0.0


def test_flip_probability_matches_the_laplace_tail() -> None:
    # True count 25 of 100, cut-off 20%: a flip needs noise below −5 students,
    # which Laplace(1/ε) does with probability exp(−5ε) / 2.
    flips = decision_flip_probability(
        [25], [100], 0.2, threshold=0.2, denominator="public", n_draws=100_000
    )
    assert flips.flip_probability[0] == pytest.approx(math.exp(-1) / 2, abs=0.005)


def test_well_separated_ranks_never_change() -> None:
    flips = decision_flip_probability([10, 50, 90], [100, 100, 100], 5.0)
    assert flips.flip_probability.tolist() == [0.0, 0.0, 0.0]
    assert flips.decision == "rank"


def test_close_ranks_change_often() -> None:
    flips = decision_flip_probability([50, 51], [100, 100], 0.1)
    assert (flips.flip_probability > 0.3).all()


def test_threshold_outside_zero_one_is_refused() -> None:
    with pytest.raises(InputError, match="threshold must be a rate from 0 to 1"):
        decision_flip_probability([1], [10], 1.0, threshold=20)


def test_standard_laplace_block_follows_the_laplace_distribution() -> None:
    block = standard_laplace_block((50_000,), np.random.default_rng(1))
    assert stats.kstest(block, "laplace").pvalue > 0.01


def test_standard_laplace_block_is_reproducible() -> None:
    first = standard_laplace_block((3, 4), np.random.default_rng(9))
    again = standard_laplace_block((3, 4), np.random.default_rng(9))
    np.testing.assert_array_equal(first, again)


def test_sweep_error_is_one_over_epsilon_for_large_counts() -> None:
    sweep = epsilon_sweep([0.2, 1.0, 5.0], [1000] * 50, 1000, random_state=0)
    np.testing.assert_allclose(sweep.mean_absolute_error, [5, 1, 0.2], rtol=0.02)


def test_sweep_interval_is_ln_twenty_over_epsilon() -> None:
    sweep = epsilon_sweep([0.5], [1000] * 100, 2000, random_state=0)
    assert sweep.interval_half_width[0] == pytest.approx(math.log(20) / 0.5, rel=0.02)


def test_sweep_clamping_halves_the_error_of_empty_cells() -> None:
    # A true 0 released as max(noise, 0): the error is the positive half only.
    sweep = epsilon_sweep([1.0], [0] * 100, 2000, random_state=0)
    assert sweep.mean_absolute_error[0] == pytest.approx(0.5, rel=0.02)


def test_sweep_without_clamping_keeps_the_full_error_of_empty_cells() -> None:
    sweep = epsilon_sweep([1.0], [0] * 100, 2000, random_state=0, clamp=False)
    assert sweep.mean_absolute_error[0] == pytest.approx(1.0, rel=0.02)


def test_sweep_shapes_follow_the_inputs() -> None:
    sweep = epsilon_sweep(np.logspace(-1, 1, 7), [5, 6], 10, random_state=0)
    assert sweep.mean_absolute_error.shape == (7,)
    assert (sweep.n_draws, sweep.n_cells) == (10, 2)


def test_sweep_rejects_a_non_positive_epsilon() -> None:
    with pytest.raises(InputError, match="epsilon must be a number above 0"):
        epsilon_sweep([1.0, -1.0], [5], 10, random_state=0)


def test_sweep_rejects_negative_counts() -> None:
    with pytest.raises(InputError, match="true_counts must be finite counts"):
        epsilon_sweep([1.0], [-5], 10, random_state=0)


@settings(max_examples=50, deadline=None)
@given(
    tolerance=st.floats(min_value=0.5, max_value=50),
    confidence=st.floats(min_value=0.5, max_value=0.99),
)
def test_laplace_epsilon_meets_its_tolerance_exactly(
    tolerance: float, confidence: float
) -> None:
    epsilon = laplace_epsilon_for_error(tolerance, confidence)
    # P(|Laplace(1/ε)| ≤ t) = 1 − exp(−εt).
    assert 1 - math.exp(-epsilon * tolerance) == pytest.approx(confidence)


def _coverage(epsilon: float, tolerance: float, size: float = 1.0) -> float:
    noise = np.random.default_rng(123).laplace(scale=1 / epsilon, size=400_000)
    return float(np.mean(np.abs(noise) / size <= tolerance))


def test_solver_epsilon_meets_a_count_requirement_in_simulation() -> None:
    plan = smallest_epsilon([ErrorRequirement("counts", "count", tolerance=3)])
    assert _coverage(plan.total_epsilon, 3) >= 0.9 - 0.002


def test_slightly_smaller_epsilon_misses_the_count_requirement() -> None:
    plan = smallest_epsilon([ErrorRequirement("counts", "count", tolerance=3)])
    assert _coverage(0.9 * plan.total_epsilon, 3) < 0.9 - 0.005


def test_solver_epsilon_meets_a_public_rate_requirement_in_simulation() -> None:
    requirement = ErrorRequirement(
        "absence", "rate", tolerance=0.02, smallest_denominator=150
    )
    plan = smallest_epsilon([requirement])
    assert _coverage(plan.total_epsilon, 0.02, size=150) >= 0.9 - 0.002
    assert _coverage(0.9 * plan.total_epsilon, 0.02, size=150) < 0.9 - 0.005


def _noisy_rate_coverage(epsilon: float, size: float, rate: float) -> float:
    generator = np.random.default_rng(321)
    numerators = rate * size + generator.laplace(scale=2 / epsilon, size=400_000)
    denominators = size + generator.laplace(scale=2 / epsilon, size=400_000)
    released = rate_from_noisy_counts(numerators, denominators)
    return float(np.mean(np.abs(released - rate) <= 0.02))


def test_solver_epsilon_meets_a_noisy_rate_requirement_in_simulation() -> None:
    requirement = ErrorRequirement(
        "absence",
        "rate",
        tolerance=0.02,
        smallest_denominator=150,
        denominator="noisy",
        expected_rate=0.3,
    )
    plan = smallest_epsilon([requirement], n_draws=100_000)
    # An independent simulation: the solver's own draws are not reused.
    assert _noisy_rate_coverage(plan.total_epsilon, 150, 0.3) >= 0.9 - 0.003
    assert _noisy_rate_coverage(0.9 * plan.total_epsilon, 150, 0.3) < 0.9 - 0.005


def test_noisy_rate_needs_more_epsilon_than_public() -> None:
    public, noisy = (
        smallest_epsilon(
            [
                ErrorRequirement(
                    "r", "rate", 0.02, smallest_denominator=150, denominator=kind
                )
            ]
        ).total_epsilon
        for kind in ("public", "noisy")
    )
    assert noisy > public


def test_solver_total_is_the_sum_of_the_split() -> None:
    plan = smallest_epsilon(
        [
            ErrorRequirement("counts", "count", tolerance=5, confidence=0.95),
            ErrorRequirement("rates", "rate", 0.05, smallest_denominator=40),
        ]
    )
    assert plan.total_epsilon == pytest.approx(sum(e for _, e in plan.split))
    assert plan.split[0] == ("counts", pytest.approx(math.log(20) / 5))


def test_solver_says_when_no_epsilon_within_the_maximum_works() -> None:
    plan = smallest_epsilon(
        [ErrorRequirement("exact counts", "count", tolerance=0.01)], max_epsilon=5
    )
    assert not plan.feasible
    assert plan.message.startswith("No ε up to 5 meets every stated error")


def test_solver_reports_unreachable_noisy_rate_as_infinite() -> None:
    requirement = ErrorRequirement(
        "r", "rate", 0.0001, smallest_denominator=2, denominator="noisy"
    )
    plan = smallest_epsilon([requirement], max_epsilon=1, n_draws=1000)
    assert math.isinf(plan.total_epsilon)
    assert "more than the maximum" in plan.message


def test_solver_requires_at_least_one_requirement() -> None:
    with pytest.raises(InputError, match="State at least one requirement"):
        smallest_epsilon([])


def test_rate_requirement_needs_its_smallest_denominator() -> None:
    with pytest.raises(InputError, match="needs smallest_denominator"):
        smallest_epsilon([ErrorRequirement("r", "rate", 0.02)])


def test_rate_tolerance_is_a_proportion() -> None:
    with pytest.raises(InputError, match=r"Write 2 points as 0\.02"):
        smallest_epsilon([ErrorRequirement("r", "rate", 2, smallest_denominator=9)])


def test_requirement_kind_must_be_count_or_rate() -> None:
    with pytest.raises(InputError, match="must be 'count' or 'rate'"):
        smallest_epsilon([ErrorRequirement("m", "mean", 2)])
