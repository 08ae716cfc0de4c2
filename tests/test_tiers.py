import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from privacy.config import TierConfig
from privacy.datasets import load_builtin
from privacy.dp_budget import PrivacyBudget
from privacy.exceptions import InputError, PrivacyWarning
from privacy.roles import ColumnRole
from privacy.tiers import (
    compare_tiers,
    decision_record,
    evaluate_tier,
    hierarchy_from_spec,
    membership_advantage_bound,
    release_private_table,
    tradeoff_curve,
)
from privacy.tokens import tokenize
from privacy.workload import Workload

KEY = b"a test key of thirty-two bytes!!"
ROLES = {
    "student_id": ColumnRole.DIRECT_IDENTIFIER,
    "full_name": ColumnRole.DIRECT_IDENTIFIER,
    "school": ColumnRole.QUASI_IDENTIFIER,
    "grade": ColumnRole.QUASI_IDENTIFIER,
    "gender": ColumnRole.QUASI_IDENTIFIER,
    "disability": ColumnRole.SENSITIVE,
    "chronically_absent": ColumnRole.OTHER,
}


@pytest.fixture
def students() -> pd.DataFrame:
    """60 students in three schools of 30, 20 and 10, two grades, two genders."""
    rows = []
    for school, size in (("A", 30), ("B", 20), ("C", 10)):
        for index in range(size):
            rows.append(
                {
                    "student_id": f"{len(rows):06d}",
                    "full_name": f"Student {len(rows)}",
                    "school": school,
                    "grade": "1" if index % 2 else "2",
                    "gender": "F" if index % 3 else "M",
                    "disability": index % 4 == 0,
                    "chronically_absent": index % 5 == 0,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def workload() -> Workload:
    return Workload("chronically_absent", "school", ("grade", "gender"))


def test_tier_1_publishes_school_rates_and_nothing_below_n(students, workload):
    result = evaluate_tier(
        students,
        ROLES,
        TierConfig(tier=1, min_cell_size=15),
        token_key=KEY,
        workload=workload,
    )
    figures = {measure.key: measure.value for measure in result.risk}
    assert figures["published_cells_below_minimum"] == 0
    assert figures["audit_exposed_cells"] == 0
    published = result.release.set_index("school")["count"]
    # School C (10 students) is withheld, and so is one more school, or the
    # total would give C away.
    assert pd.isna(published["C"])
    assert published.isna().sum() == 2
    assert published["All"] == 60
    # The smallest published non-zero count is the total of 60... or a school.
    assert result.headline_risk == pytest.approx(1 / published.dropna().min())


def test_tier_1_answers_only_the_school_level_queries(students, workload):
    result = evaluate_tier(
        students,
        ROLES,
        TierConfig(tier=1, min_cell_size=2),
        token_key=KEY,
        workload=workload,
    )
    # 3 school cells, 6 school × grade cells, 6 school × gender cells.
    assert result.workload.cells == 15
    assert result.workload.answered_share == pytest.approx(3 / 15)


def test_tier_3_tokenizes_ids_drops_names_and_sensitive_fields(students, workload):
    result = evaluate_tier(
        students,
        ROLES,
        TierConfig(tier=3, k=5, max_suppression=0.0),
        token_key=KEY,
        workload=workload,
    )
    release = result.release
    assert "student_id" not in release and "full_name" not in release
    assert "disability" not in release
    assert set(release["student_id_token"]) <= set(
        tokenize(students["student_id"], KEY)
    )
    assert {measure.key: measure.value for measure in result.risk}["k"] >= 5
    assert result.headline_risk <= 1 / 5


def test_tier_4_keeps_the_sensitive_field_with_l_diversity(students, workload):
    config = TierConfig(tier=4, k=5, l=2, sensitive_attribute="disability")
    result = evaluate_tier(students, ROLES, config, token_key=KEY, workload=workload)
    figures = {measure.key: measure.value for measure in result.risk}
    assert "disability" in result.release
    assert figures["l_distinct"] >= 2


def test_fixed_levels_that_need_too_much_suppression_are_refused(students, workload):
    config = TierConfig(
        tier=3, k=20, max_suppression=0.0, levels={"school": 0, "grade": 0, "gender": 0}
    )
    with pytest.raises(InputError, match="would suppress 60 of 60 records"):
        evaluate_tier(students, ROLES, config, token_key=KEY, workload=workload)


def test_fixed_levels_hide_everything_at_the_top(students, workload):
    config = TierConfig(
        tier=3, k=2, max_suppression=0.0, levels={"school": 1, "grade": 1, "gender": 1}
    )
    result = evaluate_tier(students, ROLES, config, token_key=KEY, workload=workload)
    assert result.headline_risk == pytest.approx(1 / 60)
    loss = {m.key: m.value for m in result.utility}["generalization_loss"]
    assert loss == pytest.approx(1.0)


def test_private_preview_spends_nothing_and_release_spends_epsilon(students, workload):
    config = TierConfig(tier=2, protection="differential_privacy", epsilon=0.5)
    preview = evaluate_tier(students, ROLES, config, token_key=KEY, workload=workload)
    assert preview.release.empty
    assert preview.headline_risk == pytest.approx(
        (math.exp(0.5) - 1) / (math.exp(0.5) + 1)
    )

    budget = PrivacyBudget(cap=1.0)
    with pytest.warns(PrivacyWarning, match="categories were taken from the data"):
        released = release_private_table(
            students, ROLES, config, budget=budget, workload=workload
        )
    assert float(budget.spent) == pytest.approx(0.5)
    interior = released.release[released.release["level"] == "school × grade"]
    assert len(interior) == 6
    assert (released.release["rate"].dropna().between(0, 1)).all()


def test_private_release_with_declared_categories_keeps_empty_ones(students, workload):
    config = TierConfig(
        tier=2, protection="differential_privacy", epsilon=1.0, dimensions=("school",)
    )
    released = release_private_table(
        students,
        ROLES,
        config,
        budget=PrivacyBudget(cap=1.0),
        workload=workload,
        categories={"school": ["A", "B", "C", "D"]},
    )
    schools = released.release.loc[released.release["level"] == "school", "school"]
    assert sorted(schools) == ["A", "B", "C", "D"]


def test_membership_advantage_bound_matches_the_formula():
    assert membership_advantage_bound(1.0) == pytest.approx((math.e - 1) / (math.e + 1))
    assert membership_advantage_bound(0.0) == 0.0


def test_tradeoff_curve_risk_falls_as_k_grows(students, workload):
    curve = tradeoff_curve(
        students, ROLES, TierConfig(tier=3, k=5), token_key=KEY, workload=workload
    )
    risks = curve.set_index("value")["headline_risk"]
    assert risks.loc[2] >= risks.loc[10]
    assert (curve["headline_risk"] <= 1 / curve["value"] + 1e-12).all()


def test_compare_tiers_puts_every_tier_on_the_same_axes(students, workload):
    results = compare_tiers(
        students,
        ROLES,
        TierConfig(k=3, min_cell_size=3),
        token_key=KEY,
        workload=workload,
    )
    assert list(results) == [
        "1. Current state",
        "2. Aggregated, suppression",
        "2. Aggregated, DP",
        "3. Record-level",
        "4. Research",
    ]
    for result in results.values():
        assert 0.0 <= result.headline_risk <= 1.0
        assert result.workload.cells == 15


def test_decision_record_states_tier_parameters_and_figures(students, workload):
    result = evaluate_tier(
        students, ROLES, TierConfig(tier=3, k=5), token_key=KEY, workload=workload
    )
    record = decision_record(
        result,
        dataset_name="Test",
        when=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        fingerprint="f" * 64,
    )
    assert record.startswith("# Data-sharing decision: 3. Complete non-sensitive")
    assert "- k = 5" in record
    assert "Recorded 2026-01-02 03:04 UTC on *Test*" in record
    assert "000001" not in record


def test_empty_table_is_refused(workload):
    empty = pd.DataFrame(columns=list(ROLES))
    with pytest.raises(InputError, match="no rows"):
        evaluate_tier(empty, ROLES, TierConfig(), token_key=KEY, workload=workload)


def test_unknown_hierarchy_rule_names_the_choices():
    with pytest.raises(InputError, match="fuzzy"):
        hierarchy_from_spec(pd.Series(["a"], name="x"), {"rule": "fuzzy"})


def test_hierarchy_rule_with_wrong_parameters_is_refused():
    with pytest.raises(InputError, match="parameters it does not take"):
        hierarchy_from_spec(pd.Series(["a"], name="x"), {"rule": "masking", "size": 2})


def test_record_tiers_estimate_the_program_effect_from_what_they_keep():
    dataset = load_builtin("synthetic", students=3000, seed=3)
    roles = dataset.roles
    workload = Workload("chronically_absent", "school", ("grade",))
    figures = {}
    for tier in (3, 4):
        result = evaluate_tier(
            dataset.table,
            roles,
            TierConfig(tier=tier, k=5, sensitive_attribute="disability"),
            token_key=KEY,
            workload=workload,
        )
        figures[tier] = {m.key: m for m in result.utility}["program_effect"]
    assert figures[3].label == "summer_jobs effect on attendance_rate"
    assert np.isfinite(figures[3].value) and np.isfinite(figures[4].value)


def test_table_tiers_do_not_claim_a_program_effect(students, workload):
    result = evaluate_tier(
        students, ROLES, TierConfig(tier=1), token_key=KEY, workload=workload
    )
    assert "program_effect" not in {m.key for m in result.utility}
