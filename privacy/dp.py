"""Differential privacy: releases, the per-session budget, accuracy and epsilon.

This module gathers the public names of the differential-privacy part of the
library; the code lives in the modules it imports from:

- :mod:`privacy.dp_budget`: the session budget with exact accounting;
- :mod:`privacy.dp_counts`: noisy tables of counts and rates over declared
  categories;
- :mod:`privacy.dp_statistics`: mean, sum and quantile between declared bounds;
- :mod:`privacy.dp_models`: a private classifier beside its ordinary twin;
- :mod:`privacy.dp_accuracy`: expected error before any budget is spent and
  the epsilon sweep;
- :mod:`privacy.dp_solver`: the smallest epsilon meeting stated errors;
- :mod:`privacy.dp_choosing`: what an epsilon means in plain language, the
  published deployments to compare with, and the data behind the page's chart.

Definitions follow the design brief: a count has sensitivity 1 (one student
added or removed), Laplace noise of scale 1/ε has mean absolute error 1/ε and
a 95% interval of ±ln(20)/ε ≈ ±3/ε, and budgets add up across every release
made from the same students. Names follow the project convention: ``*_error``
is lower-is-better and ``*_risk`` is a probability.

Examples
--------
>>> import pandas as pd
>>> budget = PrivacyBudget(cap=1.0)
>>> table = pd.DataFrame({"grade": [9, 9, 10]})
>>> release = dp_count_table(table, ["grade"], {"grade": [9, 10]}, 0.5,
...                          budget=budget, random_state=1)
>>> budget.remaining
0.5
"""

from __future__ import annotations

from privacy.dp_accuracy import (
    CountError,
    DecisionFlip,
    EpsilonSweep,
    RateError,
    count_error,
    decision_flip_probability,
    epsilon_sweep,
    rate_error,
    relative_count_error,
)
from privacy.dp_budget import (
    BudgetExceededError,
    LedgerEntry,
    PrivacyBudget,
    new_seed,
    validate_epsilon,
)
from privacy.dp_choosing import (
    REFERENCE_DEPLOYMENTS,
    ReferenceDeployment,
    RiskBound,
    deployments_table,
    epsilon_figure,
    plain_language_risk,
    tradeoff_curves,
)
from privacy.dp_counts import (
    MECHANISMS,
    POSTPROCESSING_STEPS,
    CountTableRelease,
    PublicDenominatorWarning,
    RateTableRelease,
    declared_cell_counts,
    dp_count_table,
    dp_rate_table,
    rate_from_noisy_counts,
)
from privacy.dp_models import ClassifierComparison, dp_classifier_comparison
from privacy.dp_solver import EpsilonPlan, ErrorRequirement, smallest_epsilon
from privacy.dp_statistics import (
    DifferentialPrivacyLeakWarning,
    StatisticRelease,
    dp_mean,
    dp_quantile,
    dp_sum,
    surfaced_leak_warnings,
)

__all__ = [
    "MECHANISMS",
    "POSTPROCESSING_STEPS",
    "REFERENCE_DEPLOYMENTS",
    "BudgetExceededError",
    "ClassifierComparison",
    "CountError",
    "CountTableRelease",
    "DecisionFlip",
    "DifferentialPrivacyLeakWarning",
    "EpsilonPlan",
    "EpsilonSweep",
    "ErrorRequirement",
    "LedgerEntry",
    "PrivacyBudget",
    "PublicDenominatorWarning",
    "RateError",
    "RateTableRelease",
    "ReferenceDeployment",
    "RiskBound",
    "StatisticRelease",
    "count_error",
    "decision_flip_probability",
    "declared_cell_counts",
    "deployments_table",
    "dp_classifier_comparison",
    "dp_count_table",
    "dp_mean",
    "dp_quantile",
    "dp_rate_table",
    "dp_sum",
    "epsilon_figure",
    "epsilon_sweep",
    "new_seed",
    "plain_language_risk",
    "rate_error",
    "rate_from_noisy_counts",
    "relative_count_error",
    "smallest_epsilon",
    "surfaced_leak_warnings",
    "tradeoff_curves",
    "validate_epsilon",
]
