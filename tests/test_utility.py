"""Tests for privacy.utility: information loss and task-based utility."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from privacy.exceptions import InputError
from privacy.utility import (
    average_class_size_loss,
    classifier_utility_score,
    discernibility_loss,
    generalization_height_loss,
    non_uniform_entropy_loss,
    precision_loss,
)

GRADES = pd.DataFrame({"grade": [9, 10, 11, 12]})
NOTHING_SUPPRESSED = [False, False, False, False]
LAST_SUPPRESSED = [False, False, False, True]


# Generalization height ----------------------------------------------------


def test_generalization_height_loss_is_level_over_height_per_attribute():
    loss = generalization_height_loss({"age": 1, "zip": 4}, {"age": 4, "zip": 4})

    assert dict(loss.per_attribute) == {"age": 0.25, "zip": 1.0}


def test_generalization_height_loss_overall_is_levels_over_heights():
    loss = generalization_height_loss({"age": 1, "zip": 2}, {"age": 2, "zip": 4})

    assert loss.overall == pytest.approx(3 / 6)


def test_generalization_height_loss_is_zero_for_an_attribute_without_hierarchy():
    loss = generalization_height_loss({"sex": 0}, {"sex": 0})

    assert (loss.per_attribute["sex"], loss.overall) == (0.0, 0.0)


def test_generalization_height_loss_result_cannot_be_changed():
    loss = generalization_height_loss({"age": 1}, {"age": 2})

    with pytest.raises(TypeError, match="does not support item assignment"):
        loss.per_attribute["age"] = 0.0


def test_generalization_height_loss_rejects_a_level_above_the_height():
    with pytest.raises(InputError, match="between 0 and its height 2; got levels"):
        generalization_height_loss({"age": 3}, {"age": 2})


def test_generalization_height_loss_rejects_a_level_without_height():
    with pytest.raises(InputError, match="No hierarchy height for zip"):
        generalization_height_loss({"zip": 1}, {"age": 2})


def test_generalization_height_loss_rejects_no_levels():
    with pytest.raises(InputError, match="No generalization levels were given"):
        generalization_height_loss({}, {"age": 2})


def test_generalization_height_loss_rejects_a_text_level():
    with pytest.raises(InputError, match=r"must be whole numbers.*got '1'"):
        generalization_height_loss({"age": "1"}, {"age": 2})


# Precision ----------------------------------------------------------------


def test_precision_loss_counts_suppressed_records_as_fully_generalized():
    """Age at level 1 of 2 for three records, the fourth suppressed."""
    loss = precision_loss({"age": 1}, {"age": 2}, records=4, suppressed=LAST_SUPPRESSED)

    assert loss.per_attribute["age"] == pytest.approx((3 * 0.5 + 1) / 4)


def test_precision_loss_overall_is_mean_over_attributes():
    loss = precision_loss({"age": 1, "zip": 0}, {"age": 2, "zip": 4}, records=4)

    assert loss.overall == pytest.approx((0.5 + 0.0) / 2)


def test_precision_loss_takes_one_level_per_record_for_local_recoding():
    loss = precision_loss({"age": np.array([0, 1, 2, 2])}, {"age": 2}, records=4)

    assert loss.overall == pytest.approx((0 + 0.5 + 1 + 1) / 4)


def test_precision_loss_rejects_levels_of_the_wrong_length():
    with pytest.raises(InputError, match=r"one per record \(4\); got an array"):
        precision_loss({"age": np.array([0, 1])}, {"age": 2}, records=4)


def test_precision_loss_rejects_a_mask_of_the_wrong_length():
    with pytest.raises(InputError, match=r"one True/False value per record \(4\)"):
        precision_loss({"age": 1}, {"age": 2}, records=4, suppressed=[True])


@pytest.mark.parametrize("records", [0, -3, 2.5, True], ids=repr)
def test_precision_loss_rejects_a_record_count_that_is_not_positive(records):
    with pytest.raises(InputError, match="number of records must be a positive"):
        precision_loss({"age": 1}, {"age": 2}, records=records)


# Non-uniform entropy ------------------------------------------------------


def test_non_uniform_entropy_loss_is_zero_for_an_unchanged_release():
    loss = non_uniform_entropy_loss(GRADES, GRADES, ["grade"])

    assert loss.overall == 0.0


def test_non_uniform_entropy_loss_is_one_when_everything_is_generalized():
    released = GRADES.assign(grade="*")

    loss = non_uniform_entropy_loss(GRADES, released, ["grade"])

    assert loss.overall == pytest.approx(1.0)


def test_non_uniform_entropy_loss_weighs_values_by_their_share():
    """Values a, a, b released as g, g, g: losses log2(3/2) twice and log2 3.

    The maximum is suppression: 1 bit for each a (half the column), 2 bits
    for b and c.
    """
    original = pd.DataFrame({"value": ["a", "a", "b", "c"]})
    released = pd.DataFrame({"value": ["g", "g", "g", "c"]})

    loss = non_uniform_entropy_loss(original, released, ["value"])

    expected = (2 * math.log2(3 / 2) + math.log2(3)) / (1 + 1 + 2 + 2)
    assert loss.per_attribute["value"] == pytest.approx(expected)


def test_non_uniform_entropy_loss_charges_a_suppressed_record_as_a_star():
    """The suppressed 12 loses its 2 bits out of the column's 8."""
    loss = non_uniform_entropy_loss(
        GRADES, GRADES, ["grade"], suppressed=LAST_SUPPRESSED
    )

    assert loss.overall == pytest.approx(2 / 8)


def test_non_uniform_entropy_loss_rejects_tables_of_different_length():
    with pytest.raises(InputError, match="got 4 original and 3 released rows"):
        non_uniform_entropy_loss(GRADES, GRADES.iloc[:3], ["grade"])


def test_non_uniform_entropy_loss_rejects_a_column_missing_from_the_release():
    released = GRADES.rename(columns={"grade": "level"})

    with pytest.raises(InputError, match="quasi-identifiers of the release"):
        non_uniform_entropy_loss(GRADES, released, ["grade"])


# Discernibility and average class size ------------------------------------


def test_discernibility_loss_sums_squared_class_sizes_and_n_per_suppressed():
    """Classes of 2 and 1, plus one suppressed record of 4: 4 + 1 + 4."""
    released = pd.DataFrame({"grade": ["9-10", "9-10", "11-12", "*"]})

    loss = discernibility_loss(released, ["grade"], suppressed=LAST_SUPPRESSED)

    assert (loss.value, loss.normalized) == (9.0, 9 / 16)


def test_discernibility_loss_normalized_is_one_over_n_when_all_unique():
    loss = discernibility_loss(GRADES, ["grade"])

    assert loss.normalized == pytest.approx(1 / 4)


def test_discernibility_loss_is_one_when_all_suppressed():
    loss = discernibility_loss(GRADES, ["grade"], suppressed=[True] * 4)

    assert loss.normalized == 1.0


def test_average_class_size_loss_divides_mean_class_size_by_k():
    released = pd.DataFrame({"grade": ["9-10"] * 4 + ["11-12"] * 2})

    loss = average_class_size_loss(released, ["grade"], 2)

    assert (loss.value, loss.normalized) == pytest.approx((1.5, 1 / 3))


def test_average_class_size_loss_leaves_out_suppressed_records():
    released = pd.DataFrame({"grade": ["9-10", "9-10", "11-12", "*"]})

    loss = average_class_size_loss(released, ["grade"], 1, suppressed=LAST_SUPPRESSED)

    assert loss.value == pytest.approx(3 / 2)


@pytest.mark.parametrize("k", [0, -1, 2.0, True], ids=repr)
def test_average_class_size_loss_rejects_k_that_is_not_positive(k):
    with pytest.raises(InputError, match="k must be a positive whole number"):
        average_class_size_loss(GRADES, ["grade"], k)


def test_average_class_size_loss_rejects_a_release_with_every_record_suppressed():
    with pytest.raises(InputError, match="Every record is suppressed"):
        average_class_size_loss(GRADES, ["grade"], 2, suppressed=[True] * 4)


# Classifier utility -------------------------------------------------------

# Feature "a" always predicts 1 (60 records), "b" always 0 (20 records).
PREDICTABLE = pd.DataFrame(
    {"feature": ["a"] * 60 + ["b"] * 20, "target": [1] * 60 + [0] * 20}
)


def test_classifier_utility_score_is_one_for_an_unchanged_release():
    score = classifier_utility_score(
        PREDICTABLE, PREDICTABLE, ["feature"], "target", random_state=0
    )

    assert score == 1.0


def test_classifier_utility_score_of_a_fully_generalized_release_is_the_majority():
    """Stratified 25% held out: 15 of 20 are 1, and the release predicts 1."""
    released = PREDICTABLE.assign(feature="*")

    score = classifier_utility_score(
        PREDICTABLE, released, ["feature"], "target", random_state=0, test_size=0.25
    )

    assert score == pytest.approx(15 / 20)


def test_classifier_utility_score_is_the_same_for_the_same_seed():
    rng = np.random.default_rng(3)
    table = pd.DataFrame(
        {"feature": rng.choice(list("abcd"), 200), "target": rng.integers(0, 2, 200)}
    )
    released = table.assign(feature=table["feature"].map({"a": "ab", "b": "ab"}))

    first = classifier_utility_score(
        table, released, ["feature"], "target", random_state=5
    )
    second = classifier_utility_score(
        table, released, ["feature"], "target", random_state=5
    )

    assert first == second


def test_classifier_utility_score_rejects_a_target_with_one_value():
    table = PREDICTABLE.assign(target=1)

    with pytest.raises(InputError, match="'target' has a single value"):
        classifier_utility_score(table, table, ["feature"], "target", random_state=0)


def test_classifier_utility_score_rejects_a_target_value_with_one_record():
    table = PREDICTABLE.assign(target=[1] * 79 + [2])

    with pytest.raises(InputError, match=r"'2' has 1\. Merge rare values"):
        classifier_utility_score(table, table, ["feature"], "target", random_state=0)


def test_classifier_utility_score_rejects_a_release_with_all_training_suppressed():
    with pytest.raises(InputError, match="Every training record is suppressed"):
        classifier_utility_score(
            PREDICTABLE,
            PREDICTABLE,
            ["feature"],
            "target",
            random_state=0,
            suppressed=np.ones(80, dtype=bool),
        )


@pytest.mark.parametrize("test_size", [0, 1, 1.5], ids=repr)
def test_classifier_utility_score_rejects_a_held_out_share_outside_zero_one(
    test_size,
):
    with pytest.raises(InputError, match=r"held-out share must be in \(0, 1\)"):
        classifier_utility_score(
            PREDICTABLE,
            PREDICTABLE,
            ["feature"],
            "target",
            random_state=0,
            test_size=test_size,
        )
