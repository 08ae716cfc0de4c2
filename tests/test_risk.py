"""Tests for privacy.risk: equivalence classes, k, risks, l-diversity, t-closeness."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.exceptions import InputError
from privacy.risk import (
    assess_risk,
    attribute_separation,
    equivalence_classes,
    population_uniqueness,
    risk_bands,
)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
STUDENTS_QUASI_IDENTIFIERS = ["Teacher", "Gender", "Ethnic", "Freeredu", "wesson"]


def shared_file(*parts: str) -> Path:
    """Path of a peer data file, skipping the test when the folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"peer data {path} is not available in this checkout")
    return path


def brute_force_ordered_emd(
    table: pd.DataFrame, quasi_identifiers: list[str], sensitive: str
) -> float:
    """Ordered EMD straight from its definition, one class at a time."""
    values = np.sort(table[sensitive].unique())
    table_share = table[sensitive].value_counts(normalize=True).reindex(values)
    largest = 0.0
    for _, group in table.groupby(quasi_identifiers, dropna=False):
        class_share = group[sensitive].value_counts(normalize=True)
        difference = class_share.reindex(values, fill_value=0.0) - table_share
        distance = np.abs(np.cumsum(difference.to_numpy())).sum()
        largest = max(largest, distance / max(len(values) - 1, 1))
    return largest


# Equivalence classes ------------------------------------------------------


def test_equivalence_classes_number_classes_in_order_of_first_appearance():
    table = pd.DataFrame({"zip": ["02119", "02118", "02119"], "grade": [9, 9, 9]})

    classes = equivalence_classes(table, ["zip", "grade"])

    assert classes.class_of_record.tolist() == [0, 1, 0]
    assert classes.sizes.tolist() == [2, 1]


def test_equivalence_classes_group_none_nan_and_pd_na_together():
    table = pd.DataFrame({"zip": ["02118", None, np.nan, pd.NA]}, dtype=object)

    classes = equivalence_classes(table, ["zip"])

    assert classes.class_of_record.tolist() == [0, 1, 1, 1]
    assert classes.sizes.tolist() == [1, 3]


def test_missing_value_does_not_match_a_present_value():
    table = pd.DataFrame({"grade": [9.0, np.nan], "gender": ["F", "F"]})

    classes = equivalence_classes(table, ["grade", "gender"])

    assert classes.sizes.tolist() == [1, 1]


def test_equivalence_classes_keep_rows_with_missing_values():
    table = pd.DataFrame({"grade": [np.nan, np.nan, np.nan]})

    classes = equivalence_classes(table, ["grade"])

    assert classes.class_of_record.size == 3
    assert classes.sizes.tolist() == [3]


def test_equivalence_classes_read_categorical_codes_with_missing_values():
    table = pd.DataFrame(
        {"race": pd.Categorical(["Asian", None, "Asian", None, "White"])}
    )

    classes = equivalence_classes(table, ["race"])

    assert classes.class_of_record.tolist() == [0, 1, 0, 1, 2]


def test_equivalence_classes_survive_a_key_past_int64_by_refactorizing():
    """Five columns of 10,000 distinct values need a radix product of 1e20."""
    rows = 10_000
    rng = np.random.default_rng(7)
    table = pd.DataFrame(
        {f"column_{index}": rng.permutation(rows) for index in range(5)}
    )
    table = pd.concat([table, table.iloc[:3]], ignore_index=True)

    classes = equivalence_classes(table, list(table.columns))

    assert classes.count == rows
    assert classes.sizes.max() == 2
    assert classes.class_of_record[rows:].tolist() == [0, 1, 2]


def test_equivalence_classes_report_size_of_each_record():
    table = pd.DataFrame({"grade": [9, 10, 9, 9]})

    sizes = equivalence_classes(table, ["grade"]).size_of_record()

    assert sizes.tolist() == [3, 1, 3, 3]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", None]),
            st.sampled_from([1.0, 2.0, np.nan]),
            st.integers(0, 2),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_equivalence_classes_match_pandas_groupby_keeping_missing(rows):
    table = pd.DataFrame(rows, columns=["text", "number", "code"])

    classes = equivalence_classes(table, ["text", "number", "code"])
    expected = table.groupby(
        ["text", "number", "code"], dropna=False, sort=False
    ).ngroup()

    assert classes.class_of_record.tolist() == expected.tolist()
    assert classes.sizes.sum() == len(table)


def test_equivalence_classes_reject_an_empty_table():
    with pytest.raises(InputError, match=r"no records \(0 rows\)"):
        equivalence_classes(pd.DataFrame({"zip": []}), ["zip"])


def test_equivalence_classes_list_available_columns_for_an_unknown_one():
    table = pd.DataFrame({"zip": ["02118"], "grade": [9]})

    with pytest.raises(
        InputError, match=r"Unknown column\(s\) for the quasi-identifiers: school.*zip"
    ):
        equivalence_classes(table, ["school"])


def test_equivalence_classes_reject_a_bare_string_of_columns():
    table = pd.DataFrame({"zip": ["02118"]})

    with pytest.raises(InputError, match=r"Pass \['zip'\]"):
        equivalence_classes(table, "zip")


def test_equivalence_classes_reject_no_quasi_identifiers():
    table = pd.DataFrame({"zip": ["02118"]})

    with pytest.raises(
        InputError, match="No column was given for the quasi-identifiers"
    ):
        equivalence_classes(table, [])


def test_equivalence_classes_reject_a_repeated_column():
    table = pd.DataFrame({"zip": ["02118"]})

    with pytest.raises(InputError, match="names zip more than once"):
        equivalence_classes(table, ["zip", "zip"])


def test_equivalence_classes_reject_something_that_is_not_a_table():
    with pytest.raises(InputError, match="must be a pandas DataFrame; got list"):
        equivalence_classes([["02118"]], ["zip"])


# k and prosecutor risk ----------------------------------------------------

# Classes: (9, F) x3, (10, M) x2, (11, F) x1.
SMALL_SCHOOL = pd.DataFrame(
    {
        "grade": [9, 9, 9, 10, 10, 11],
        "gender": ["F", "F", "F", "M", "M", "F"],
        "disability": ["yes", "no", "no", "no", "no", "yes"],
    }
)


def test_assess_risk_reports_k_as_smallest_class():
    assert assess_risk(SMALL_SCHOOL, ["grade", "gender"]).k == 1


def test_assess_risk_counts_classes_and_records():
    report = assess_risk(SMALL_SCHOOL, ["grade", "gender"])

    assert (report.records, report.equivalence_classes) == (6, 3)


def test_assess_risk_counts_sample_uniques():
    assert assess_risk(SMALL_SCHOOL, ["grade", "gender"]).sample_uniques == 1


def test_prosecutor_risk_max_is_one_over_smallest_class():
    assert assess_risk(SMALL_SCHOOL, ["grade"]).prosecutor_risk_max == 1.0
    assert assess_risk(SMALL_SCHOOL.iloc[:5], ["grade"]).prosecutor_risk_max == 0.5


def test_prosecutor_risk_avg_is_classes_over_records():
    assert assess_risk(SMALL_SCHOOL, ["grade"]).prosecutor_risk_avg == 3 / 6


def test_records_at_risk_count_risk_strictly_above_threshold():
    """Risks are 1/3, 1/2 and 1: at 0.5 only the unique is above."""
    report = assess_risk(SMALL_SCHOOL, ["grade"], risk_threshold=0.5)

    assert report.records_at_risk == 1
    assert report.records_at_risk_share == pytest.approx(1 / 6)


def test_records_at_risk_default_threshold_flags_classes_below_five():
    table = pd.DataFrame({"grade": [9] * 5 + [10] * 4})

    report = assess_risk(table, ["grade"])

    assert report.records_at_risk == 4


@pytest.mark.parametrize(
    "threshold", [0, -0.1, 1.5, float("nan"), "0.2", True], ids=repr
)
def test_assess_risk_rejects_a_threshold_outside_zero_one(threshold):
    with pytest.raises(
        InputError, match=r"threshold must be a probability in \(0, 1\]"
    ):
        assess_risk(SMALL_SCHOOL, ["grade"], risk_threshold=threshold)


def test_assess_risk_rejects_an_empty_table():
    with pytest.raises(InputError, match="no records"):
        assess_risk(SMALL_SCHOOL.iloc[:0], ["grade"])


def test_assess_risk_lists_available_columns_for_unknown_quasi_identifier():
    with pytest.raises(InputError, match="Available columns: grade, gender"):
        assess_risk(SMALL_SCHOOL, ["zip"])


def test_assess_risk_counts_missing_quasi_identifier_values_as_one_value():
    table = pd.DataFrame({"zip": ["02118", None, None, "02118", np.nan]})

    report = assess_risk(table, ["zip"])

    assert (report.k, report.equivalence_classes, report.sample_uniques) == (2, 2, 0)


# Journalist and marketer risk ---------------------------------------------


def test_journalist_and_marketer_equal_prosecutor_for_a_census():
    report = assess_risk(SMALL_SCHOOL, ["grade"])

    assert report.journalist_risk_max == report.prosecutor_risk_max
    assert report.journalist_risk_avg == report.prosecutor_risk_avg
    assert report.marketer_risk == report.prosecutor_risk_avg


def test_journalist_risk_max_uses_population_class_sizes():
    """The sample unique in grade 11 hides among 4 grade-11 students."""
    population = pd.DataFrame({"grade": [9] * 10 + [10] * 5 + [11] * 4})

    report = assess_risk(SMALL_SCHOOL, ["grade"], population=population)

    assert report.journalist_risk_max == pytest.approx(1 / 4)
    assert report.population_records == 19


def test_marketer_risk_sums_sample_over_population_class_sizes():
    """(3/10 + 2/5 + 1/4) / 6 records."""
    population = pd.DataFrame({"grade": [9] * 10 + [10] * 5 + [11] * 4})

    report = assess_risk(SMALL_SCHOOL, ["grade"], population=population)

    assert report.marketer_risk == pytest.approx((0.3 + 0.4 + 0.25) / 6)
    assert report.journalist_risk_avg == pytest.approx(report.marketer_risk)


def test_population_class_smaller_than_sample_class_is_raised_to_it():
    """The population contains the sample, so grade 9 has at least 3 people."""
    population = pd.DataFrame({"grade": [9, 10, 10, 11, 12, 12]})

    report = assess_risk(SMALL_SCHOOL, ["grade"], population=population)

    assert report.marketer_risk == pytest.approx((3 / 3 + 2 / 2 + 1 / 1) / 6)


def test_population_matches_missing_values_to_missing_values():
    sample = pd.DataFrame({"zip": [None, "02118"]})
    population = pd.DataFrame({"zip": [np.nan] * 4 + ["02118"] * 2})

    report = assess_risk(sample, ["zip"], population=population)

    assert report.marketer_risk == pytest.approx((1 / 4 + 1 / 2) / 2)


@settings(max_examples=50, deadline=None)
@given(
    sample=st.lists(st.sampled_from(["a", "b", "c", None]), min_size=1, max_size=20),
    extra=st.lists(st.sampled_from(["a", "b", "d", None]), max_size=30),
)
def test_population_risks_equal_a_join_on_class_sizes(sample, extra):
    """The population is the sample plus extra people, as the definition says."""
    sample_table = pd.DataFrame({"zip": sample}, dtype=object)
    population = pd.DataFrame({"zip": sample + extra}, dtype=object)

    report = assess_risk(sample_table, ["zip"], population=population)

    key = sample_table["zip"].fillna("<missing>")
    sample_sizes = key.map(key.value_counts())
    population_key = population["zip"].fillna("<missing>")
    population_sizes = key.map(population_key.value_counts())
    assert report.journalist_risk_max == pytest.approx(1 / population_sizes.min())
    assert report.marketer_risk == pytest.approx(
        (1 / population_sizes).sum() / len(sample_table)
    )
    assert report.prosecutor_risk_max == pytest.approx(1 / sample_sizes.min())


def test_assess_risk_rejects_population_without_the_quasi_identifiers():
    population = pd.DataFrame({"school": ["Latin"]})

    with pytest.raises(InputError, match="quasi-identifiers of the population"):
        assess_risk(SMALL_SCHOOL, ["grade"], population=population)


# l-diversity and t-closeness ----------------------------------------------


def test_l_distinct_is_fewest_distinct_sensitive_values_in_a_class():
    """Grade 9 holds yes/no, grade 10 only no, grade 11 only yes."""
    report = assess_risk(SMALL_SCHOOL, ["grade"], sensitive="disability")

    assert report.l_distinct == 1


def test_l_entropy_is_exp_of_smallest_class_entropy():
    """Classes {a, b} and {a, a, b, b}: both entropy ln 2, so l = 2."""
    table = pd.DataFrame({"grade": [9, 9, 10, 10, 10, 10], "sensitive": list("ababba")})

    report = assess_risk(table, ["grade"], sensitive="sensitive")

    assert report.l_entropy == pytest.approx(2.0)


def test_l_entropy_is_a_real_number_below_l_distinct_for_skewed_classes():
    """A class with shares 3/4 and 1/4 has exp(entropy) of about 1.755."""
    table = pd.DataFrame({"grade": [9] * 4, "sensitive": list("aaab")})

    report = assess_risk(table, ["grade"], sensitive="sensitive")

    expected = math.exp(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
    assert report.l_entropy == pytest.approx(expected)
    assert report.l_distinct == 2


def test_missing_sensitive_value_counts_as_a_value_of_its_own():
    table = pd.DataFrame({"grade": [9, 9], "sensitive": ["yes", None]})

    assert assess_risk(table, ["grade"], sensitive="sensitive").l_distinct == 2


def test_t_closeness_equal_is_largest_total_variation():
    """Table shares yes 1/3, no 2/3; the grade-11 class is all yes: 2/3 apart."""
    report = assess_risk(SMALL_SCHOOL, ["grade"], sensitive="disability")

    assert report.t_closeness_equal == pytest.approx(2 / 3)


def test_t_closeness_ordered_is_absent_for_text_sensitive_values():
    report = assess_risk(SMALL_SCHOOL, ["grade"], sensitive="disability")

    assert report.t_closeness_ordered is None


def test_t_closeness_ordered_matches_li_et_al_salary_example():
    """Li et al. (2007), table 5: the 3-diverse release is 0.167-close on salary.

    ARX's copy of the table keeps salary in thousands (3 to 11). Classes by
    ZIP prefix hold salaries {3, 5, 9}, {6, 8, 11} and {4, 7, 10}.
    """
    table = pd.read_csv(shared_file("peer-arx", "test2.csv"), sep=";")
    table["zip_prefix"] = table["ZIPCode"].astype(str).str[:4]

    report = assess_risk(table, ["zip_prefix"], sensitive="Salary")

    assert report.t_closeness_ordered == pytest.approx(1 / 6)


def test_t_closeness_ordered_of_low_salaries_class_is_three_eighths():
    """Li et al. (2007): {3k, 4k, 5k} against 3k-11k is 0.375 apart."""
    table = pd.DataFrame(
        {"group": ["low"] * 3 + ["high"] * 6, "salary": list(range(3, 12))}
    )

    report = assess_risk(table, ["group"], sensitive="salary")

    assert report.t_closeness_ordered == pytest.approx(0.375)


def test_t_closeness_ordered_ranks_missing_values_above_the_largest():
    """Values 1, 2, missing; each class is 1/4 off at one step: (1/4) / 2."""
    table = pd.DataFrame({"grade": [9, 9, 10, 10], "score": [1.0, np.nan, 1.0, 2.0]})

    report = assess_risk(table, ["grade"], sensitive="score")

    assert report.t_closeness_ordered == pytest.approx(1 / 8)


def test_t_closeness_is_zero_when_one_sensitive_value():
    table = pd.DataFrame({"grade": [9, 10], "score": [50.0, 50.0]})

    report = assess_risk(table, ["grade"], sensitive="score")

    assert (report.t_closeness_equal, report.t_closeness_ordered) == (0.0, 0.0)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 6)),
        min_size=2,
        max_size=60,
    )
)
def test_t_closeness_ordered_equals_the_definition_one_class_at_a_time(rows):
    table = pd.DataFrame(rows, columns=["grade", "school", "score"])

    report = assess_risk(table, ["grade", "school"], sensitive="score")

    expected = brute_force_ordered_emd(table, ["grade", "school"], "score")
    assert report.t_closeness_ordered == pytest.approx(expected, abs=1e-12)


def brute_force_diversity(
    table: pd.DataFrame, quasi_identifiers: list[str], sensitive: str
) -> tuple[int, float, float]:
    """Distinct l, entropy l and total-variation t, one class at a time."""
    table_share = table[sensitive].value_counts(normalize=True, dropna=False)
    distinct, entropies, distances = [], [], []
    for _, group in table.groupby(quasi_identifiers, dropna=False):
        share = group[sensitive].value_counts(normalize=True, dropna=False)
        distinct.append(len(share))
        entropies.append(-(share * np.log(share)).sum())
        difference = share.reindex(table_share.index, fill_value=0.0) - table_share
        distances.append(0.5 * np.abs(difference).sum())
    return min(distinct), math.exp(min(entropies)), max(distances)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", None]),
            st.integers(0, 2),
            st.sampled_from(["yes", "no", "maybe", None]),
        ),
        min_size=1,
        max_size=50,
    )
)
def test_l_and_equal_t_equal_the_definitions_one_class_at_a_time(rows):
    table = pd.DataFrame(rows, columns=["school", "grade", "status"])

    report = assess_risk(table, ["school", "grade"], sensitive="status")

    l_distinct, l_entropy, t_equal = brute_force_diversity(
        table, ["school", "grade"], "status"
    )
    assert report.l_distinct == l_distinct
    assert report.l_entropy == pytest.approx(l_entropy)
    assert report.t_closeness_equal == pytest.approx(t_equal, abs=1e-12)


def test_assess_risk_rejects_sensitive_attribute_that_is_a_quasi_identifier():
    with pytest.raises(InputError, match="'grade' is also a quasi-identifier"):
        assess_risk(SMALL_SCHOOL, ["grade"], sensitive="grade")


def test_assess_risk_rejects_unknown_sensitive_attribute():
    with pytest.raises(
        InputError, match=r"Unknown column\(s\) for the sensitive attribute: income"
    ):
        assess_risk(SMALL_SCHOOL, ["grade"], sensitive="income")


def test_report_as_dict_is_json_ready():
    report = assess_risk(SMALL_SCHOOL, ["grade"], sensitive="disability")

    values = json.loads(json.dumps(report.as_dict()))

    assert values["k"] == 1
    assert values["l_distinct"] == 1
    assert values["t_closeness_ordered"] is None


# Agreement with peer tools ------------------------------------------------


def test_students_math_agrees_with_pycanon_published_values():
    """The values of pycanon's own tests: k = 1, l = 1, t = 0.41659 on the raw table."""
    table = pd.read_csv(shared_file("peer-pycanon", "StudentsMath_Score.csv"))

    report = assess_risk(table, STUDENTS_QUASI_IDENTIFIERS, sensitive="Score")

    assert (report.k, report.l_distinct) == (1, 1)
    assert report.t_closeness_ordered == pytest.approx(0.41659, abs=1e-5)


def test_students_math_k5_agrees_with_pycanon_published_values():
    """As in pycanon's tests: k = 5, l = 4, entropy l 3 (truncated), t = 0.31023."""
    table = pd.read_csv(shared_file("peer-pycanon", "StudentsMath_Score_k5.csv"))

    report = assess_risk(table, STUDENTS_QUASI_IDENTIFIERS, sensitive="Score")

    assert (report.k, report.l_distinct, int(report.l_entropy)) == (5, 4, 3)
    assert report.t_closeness_ordered == pytest.approx(0.31023, abs=1e-5)


def pycanon_figures(
    table: pd.DataFrame, quasi_identifiers: list[str], sensitive: str
) -> tuple[int, int, int, float]:
    """k, l, entropy l and t as pycanon computes them."""
    from pycanon import anonymity

    return (
        anonymity.k_anonymity(table, quasi_identifiers),
        anonymity.l_diversity(table, quasi_identifiers, [sensitive]),
        anonymity.entropy_l_diversity(table, quasi_identifiers, [sensitive]),
        anonymity.t_closeness(table, quasi_identifiers, [sensitive]),
    )


@pytest.mark.parametrize(
    "file_name", ["StudentsMath_Score.csv", "StudentsMath_Score_k5.csv"]
)
def test_students_math_agrees_with_pycanon_run_directly(file_name):
    table = pd.read_csv(shared_file("peer-pycanon", file_name))

    report = assess_risk(table, STUDENTS_QUASI_IDENTIFIERS, sensitive="Score")
    k, l_distinct, l_entropy, t = pycanon_figures(
        table, STUDENTS_QUASI_IDENTIFIERS, "Score"
    )

    assert (report.k, report.l_distinct, int(report.l_entropy)) == (
        k,
        l_distinct,
        l_entropy,
    )
    assert report.t_closeness_ordered == pytest.approx(t, abs=1e-12)


def test_students_math_text_scores_agree_with_pycanon_total_variation():
    """Read as text, scores are categories and pycanon uses equal distance."""
    table = pd.read_csv(shared_file("peer-pycanon", "StudentsMath_Score.csv"))
    table["Score"] = table["Score"].astype(str)

    report = assess_risk(table, STUDENTS_QUASI_IDENTIFIERS, sensitive="Score")
    _, _, _, t = pycanon_figures(table, STUDENTS_QUASI_IDENTIFIERS, "Score")

    assert report.t_closeness_equal == pytest.approx(t, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sensitive_kind", ["numeric", "text"])
def test_random_small_table_agrees_with_pycanon(seed, sensitive_kind):
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "school": rng.choice(["Latin", "Madison", "Henderson"], 80),
            "grade": rng.integers(9, 12, 80),
            "score": rng.integers(0, 8, 80).astype(float),
        }
    )
    if sensitive_kind == "text":
        table["score"] = table["score"].astype(str)

    report = assess_risk(table, ["school", "grade"], sensitive="score")
    k, l_distinct, l_entropy, t = pycanon_figures(table, ["school", "grade"], "score")

    measured_t = (
        report.t_closeness_ordered
        if sensitive_kind == "numeric"
        else report.t_closeness_equal
    )
    assert (report.k, report.l_distinct, int(report.l_entropy)) == (
        k,
        l_distinct,
        l_entropy,
    )
    assert measured_t == pytest.approx(t, abs=1e-12)


def test_arx_adult_prosecutor_and_marketer_match_the_definitions():
    """On ARX's adult.csv, compare with class sizes counted by pandas groupby."""
    table = pd.read_csv(shared_file("peer-arx", "adult.csv"), sep=";")
    quasi_identifiers = ["sex", "age", "race", "marital-status", "education"]

    report = assess_risk(table, quasi_identifiers)
    sizes = table.groupby(quasi_identifiers).size()
    record_sizes = table.join(sizes.rename("size"), on=quasi_identifiers)["size"]

    assert report.k == sizes.min()
    assert report.prosecutor_risk_max == pytest.approx(1 / sizes.min())
    assert report.prosecutor_risk_avg == pytest.approx((1 / record_sizes).mean())
    assert report.marketer_risk == pytest.approx(len(sizes) / len(table))
    assert report.records_at_risk == (record_sizes < 5).sum()


def test_arx_adult_all_columns_give_the_published_distinct_and_unique_rows():
    """ARX's adult.csv has 19,502 distinct full rows, 15,512 of them unique."""
    table = pd.read_csv(shared_file("peer-arx", "adult.csv"), sep=";")

    report = assess_risk(table, list(table.columns))

    assert (report.equivalence_classes, report.sample_uniques) == (19_502, 15_512)


def test_arx_hand_example_distinction_and_separation_agree():
    """ARX's hand-calculated quasi-identifier risks on a 5-row table."""
    table = pd.read_csv(shared_file("peer-arx", "qi_risk_5.csv"), sep=";", dtype=str)

    result = attribute_separation(
        table, ["age", "sex", "state"], max_combination_size=3
    )
    measured = {
        frozenset(names): (distinction, separation)
        for names, distinction, separation in zip(
            result.combinations, result.distinction, result.separation, strict=True
        )
    }

    expected = {
        frozenset({"sex"}): (0.4, 0.6),
        frozenset({"state"}): (0.6, 0.7),
        frozenset({"age"}): (0.6, 0.8),
        frozenset({"sex", "state"}): (0.8, 0.9),
        frozenset({"age", "state"}): (1.0, 1.0),
        frozenset({"sex", "age"}): (1.0, 1.0),
        frozenset({"sex", "age", "state"}): (1.0, 1.0),
    }
    assert measured.keys() == expected.keys()
    for names, (distinction, separation) in expected.items():
        assert measured[names] == pytest.approx((distinction, separation))


def test_sdcmicro_table_with_missing_keys_follows_our_rule():
    """In sdcMicro's freqCalc a missing key matches any value; ours is a value.

    In sdcMicro's ``freqcalc_8x3_na`` table, rows 3 and 7 lack ``C``; sdcMicro
    counts row 3 with every row that has A = 2 and B = 3. By our rule a missing
    value is a value of its own, so rows 3 and 7 are each alone and the other
    classes are (2, 3, 1) x2, (3, 3, 1) x2, (3, 3, 3) and (2, 3, 2).
    """
    table = pd.read_csv(shared_file("peer-sdcmicro", "freqcalc_8x3_na.csv"))

    sizes = equivalence_classes(table, ["A", "B", "C"]).size_of_record()

    assert sizes.tolist() == [2, 1, 1, 1, 2, 2, 1, 2]


def test_sdcmicro_l_diversity_groups_missing_occupation_like_we_do():
    """The ldiversity of sdcMicro puts rows 1-3 (occupation NA) in one group.

    That group holds sensitive values 1, 0, 2; the other two hold two values
    each, so distinct l is 2, as sdcMicro's test expects.
    """
    table = pd.read_csv(shared_file("peer-sdcmicro", "ldiversity_7.csv"))
    quasi_identifiers = ["sex", "occupation", "ethnicity"]

    whole = assess_risk(table, quasi_identifiers, sensitive="sensitive")
    missing_group = assess_risk(
        table.iloc[:3], quasi_identifiers, sensitive="sensitive"
    )

    assert (whole.equivalence_classes, whole.l_distinct) == (3, 2)
    assert (missing_group.equivalence_classes, missing_group.l_distinct) == (1, 3)


# Risk bands ---------------------------------------------------------------


def test_risk_bands_count_records_by_class_size():
    """Sizes 3, 2 and 1 fall in the 3-4, 2 and unique bands."""
    bands = risk_bands(SMALL_SCHOOL, ["grade"])

    assert bands.records == (0, 0, 0, 3, 2, 1)
    assert bands.shares == pytest.approx((0, 0, 0, 0.5, 1 / 3, 1 / 6))


def test_risk_bands_put_a_class_of_five_in_the_five_to_nine_band():
    """A risk of exactly 0.2 belongs to the band that ends at 0.2."""
    bands = risk_bands(pd.DataFrame({"grade": [9] * 5}), ["grade"])

    assert bands.records == (0, 0, 5, 0, 0, 0)


def test_risk_bands_label_class_sizes():
    bands = risk_bands(SMALL_SCHOOL, ["grade"])

    assert bands.labels() == ("20 or more", "10-19", "5-9", "3-4", "2", "unique (1)")


@pytest.mark.parametrize(
    "bounds", [(), (0.5, 0.2, 1.0), (0.2, 0.5), (0.0, 1.0)], ids=repr
)
def test_risk_bands_reject_bounds_that_do_not_end_at_one(bounds):
    with pytest.raises(InputError, match="bounds must increase strictly"):
        risk_bands(SMALL_SCHOOL, ["grade"], upper_bounds=bounds)


# Attribute separation -----------------------------------------------------


def test_attribute_separation_counts_uniques_per_combination():
    table = pd.DataFrame({"grade": [9, 9, 10], "gender": ["F", "M", "M"]})

    result = attribute_separation(table, ["grade", "gender"])

    assert result.combinations[0] == ("grade", "gender")
    assert result.unique_records == (3, 1, 1)
    assert result.unique_share[0] == 1.0


def test_attribute_separation_limits_combination_size():
    table = pd.DataFrame({"a": [1, 2], "b": [1, 1], "c": [2, 2]})

    result = attribute_separation(table, ["a", "b", "c"], max_combination_size=1)

    assert sorted(result.combinations) == [("a",), ("b",), ("c",)]


def test_attribute_separation_is_zero_for_a_single_record():
    result = attribute_separation(pd.DataFrame({"a": [1]}), ["a"])

    assert result.separation == (0.0,)


@pytest.mark.parametrize("size", [0, 4, 1.5, True], ids=repr)
def test_attribute_separation_rejects_a_combination_size_outside_one_to_three(size):
    with pytest.raises(InputError, match="combination size must be 1, 2 or 3"):
        attribute_separation(SMALL_SCHOOL, ["grade"], max_combination_size=size)


# Population uniqueness ----------------------------------------------------


def test_population_uniqueness_of_a_census_is_the_sample_uniques():
    estimate = population_uniqueness(SMALL_SCHOOL, ["grade"], 1.0)

    assert estimate.population_uniques_estimate == 1.0
    assert estimate.unique_given_sample_unique_risk == 1.0


def test_population_uniqueness_follows_zayatz_by_hand():
    """Two uniques and a pair at half sampling.

    P(sample unique | size 1) = 0.5 and P(sample unique | size 2) = 2 x 0.5 x
    0.5 = 0.5, weighted by 2 and 1 classes: 2 x 0.5 / (2 x 0.5 + 0.5) = 2/3.
    """
    table = pd.DataFrame({"zip": ["02118", "02119", "02120", "02120"]})

    estimate = population_uniqueness(table, ["zip"], 0.5)

    assert estimate.unique_given_sample_unique_risk == pytest.approx(2 / 3)
    assert estimate.population_uniques_estimate == pytest.approx(4 / 3)
    assert estimate.population_uniqueness_risk == pytest.approx((4 / 3) / 8)


def test_population_uniqueness_falls_as_sampling_fraction_falls():
    table = pd.DataFrame({"zip": list("abcdd") + ["e"] * 3})

    small = population_uniqueness(table, ["zip"], 0.05)
    large = population_uniqueness(table, ["zip"], 0.5)

    assert small.unique_given_sample_unique_risk < large.unique_given_sample_unique_risk


@pytest.mark.parametrize("fraction", [0, 1.2, -0.5, float("inf")], ids=repr)
def test_population_uniqueness_rejects_a_fraction_outside_zero_one(fraction):
    with pytest.raises(InputError, match=r"sampling fraction must be in \(0, 1\]"):
        population_uniqueness(SMALL_SCHOOL, ["grade"], fraction)
