"""What an epsilon means: risk bounds, reference deployments, chart data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from diffprivlib.mechanisms import Geometric, Laplace

from privacy.dp_accuracy import count_error, epsilon_sweep
from privacy.dp_choosing import (
    REFERENCE_DEPLOYMENTS,
    RISK_MEASURES,
    SIMULATED_MEASURE,
    UTILITY_MEASURES,
    deployments_table,
    epsilon_figure,
    plain_language_risk,
    tradeoff_curves,
)
from privacy.exceptions import InputError


def test_odds_ratio_is_e_to_the_epsilon() -> None:
    assert plain_language_risk(2.0, 0.3).odds_ratio == pytest.approx(math.e**2)


def test_posterior_of_an_even_prior_at_ln_three_is_three_quarters() -> None:
    # Prior odds 1:1 multiplied by e^ε = 3 gives odds 3:1, i.e. 75%.
    assert plain_language_risk(math.log(3), 0.5).posterior_risk == pytest.approx(0.75)


def test_membership_advantage_at_ln_three_is_one_half() -> None:
    # (e^ε − 1) / (e^ε + 1) = (3 − 1) / (3 + 1).
    risk = plain_language_risk(math.log(3), 0.5)
    assert risk.membership_advantage == pytest.approx(0.5)


def test_certain_prior_stays_certain() -> None:
    assert plain_language_risk(1.0, 1.0).posterior_risk == 1.0


def test_zero_prior_stays_zero() -> None:
    assert plain_language_risk(5.0, 0.0).posterior_risk == 0.0


def test_summary_states_prior_and_bound_in_percent() -> None:
    assert plain_language_risk(1.0, 0.1).summary == (
        "An attacker 10% sure beforehand that a student is in a group can be "
        "at most 23% sure after seeing the release."
    )


def test_prior_outside_zero_one_is_refused() -> None:
    with pytest.raises(InputError, match="prior must be a probability"):
        plain_language_risk(1.0, 1.5)


def test_risk_rejects_zero_epsilon() -> None:
    with pytest.raises(InputError, match="epsilon must be a number above 0"):
        plain_language_risk(0.0, 0.1)


def test_laplace_variance_agrees_with_diffprivlib() -> None:
    # diffprivlib publishes the variance of its own mechanism: 2 / ε².
    error = count_error(0.4)
    mechanism = Laplace(epsilon=0.4, delta=0.0, sensitivity=1)
    assert 2 * error.scale**2 == pytest.approx(mechanism.variance(0))


def test_laplace_noise_is_unbiased_like_diffprivlib_says() -> None:
    assert Laplace(epsilon=0.4, delta=0.0, sensitivity=1).bias(0) == 0.0


def test_geometric_variance_agrees_with_diffprivlib() -> None:
    q = math.exp(-0.5)
    expected = 2 * q / (1 - q) ** 2
    assert Geometric(epsilon=0.5, sensitivity=1).variance(0) == pytest.approx(expected)


def test_census_redistricting_epsilon_is_listed() -> None:
    census = [d for d in REFERENCE_DEPLOYMENTS if d.name.startswith("US Census")]
    assert [d.epsilon for d in census] == [17.14]


def test_every_deployment_cites_a_source_and_a_model() -> None:
    for deployment in REFERENCE_DEPLOYMENTS:
        assert deployment.source
        assert deployment.model in ("central", "local")


def test_deployments_table_is_sorted_by_epsilon() -> None:
    table = deployments_table()
    assert table["epsilon"].is_monotonic_increasing
    assert len(table) == len(REFERENCE_DEPLOYMENTS)


def test_curves_hold_four_measures_per_epsilon() -> None:
    curves = tradeoff_curves(np.logspace(-1, 1, 5))
    assert len(curves) == 20
    assert set(curves["measure"]) == {*UTILITY_MEASURES, *RISK_MEASURES}


def test_curves_utility_is_one_over_epsilon() -> None:
    curves = tradeoff_curves([0.5, 2.0])
    typical = curves[curves["measure"] == UTILITY_MEASURES[0]]
    assert typical["value"].tolist() == [2.0, 0.5]


def test_curves_error_bound_follows_confidence() -> None:
    curves = tradeoff_curves([1.0], confidence=0.9)
    bound = curves[curves["measure"] == UTILITY_MEASURES[1]]
    assert bound["value"].iloc[0] == pytest.approx(math.log(10))


def test_curves_risks_rise_with_epsilon() -> None:
    curves = tradeoff_curves(np.logspace(-2, 1, 30))
    for measure in RISK_MEASURES:
        values = curves.loc[curves["measure"] == measure, "value"]
        assert values.is_monotonic_increasing
        assert values.between(0, 1).all()


def test_curves_add_the_simulated_error_when_given_a_sweep() -> None:
    sweep = epsilon_sweep([0.5, 1.0], [100, 200], 50, random_state=0)
    curves = tradeoff_curves([0.5, 1.0], sweep=sweep)
    simulated = curves[curves["measure"] == SIMULATED_MEASURE]
    assert simulated["panel"].unique().tolist() == ["utility"]
    assert simulated["value"].tolist() == sweep.mean_absolute_error.tolist()


def test_curves_reject_non_positive_epsilon() -> None:
    with pytest.raises(InputError, match="epsilon must be a number above 0"):
        tradeoff_curves([0.0, 1.0])


def test_figure_draws_each_measure_once() -> None:
    figure = epsilon_figure(tradeoff_curves([0.5, 1.0]), deployments_table())
    assert [trace.name for trace in figure.data] == [
        *UTILITY_MEASURES,
        *RISK_MEASURES,
    ]


def test_figure_marks_every_deployment_and_the_choice_in_both_panels() -> None:
    figure = epsilon_figure(tradeoff_curves([0.5, 1.0]), deployments_table(), 0.7)
    positions = [shape.x0 for shape in figure.layout.shapes]
    assert positions.count(0.7) == 2
    assert positions.count(17.14) == 2
    assert len(positions) == 2 * len(REFERENCE_DEPLOYMENTS) + 2


def test_figure_uses_log_scale_for_epsilon() -> None:
    figure = epsilon_figure(tradeoff_curves([0.5, 1.0]), deployments_table())
    assert (figure.layout.xaxis.type, figure.layout.xaxis2.type) == ("log", "log")
