"""Tests of the table builder, the small-cell rules and complementary suppression."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy.exceptions import InputError
from privacy.tables import (
    MARGIN_LABEL,
    MAX_CATEGORIES,
    MISSING_LABEL,
    RULE_PRESETS,
    DisclosureRule,
    build_table,
    protect_table,
)
from privacy.tables_audit import ProtectionLevel, audit_table

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def students_from_counts(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    """One row per student of a school x grade table given by its counts."""
    rows = [
        {"school": school, "grade": grade}
        for (school, grade), count in counts.items()
        for _ in range(count)
    ]
    return pd.DataFrame(rows, columns=["school", "grade"])


def cell(frame: pd.DataFrame, **labels: str) -> pd.Series:
    """Return the one row of ``frame`` with these dimension labels."""
    mask = np.ones(len(frame), dtype=bool)
    for name, label in labels.items():
        mask &= (frame[name] == label).to_numpy()
    (position,) = np.flatnonzero(mask)
    return frame.iloc[position]


# --- build_table -----------------------------------------------------------


def test_build_table_counts_cells_and_margins():
    students = students_from_counts({("A", "1"): 2, ("A", "2"): 3, ("B", "1"): 4})
    cells = build_table(students, ["school", "grade"]).cells

    assert cell(cells, school="A", grade="2")["count"] == 3
    assert cell(cells, school="B", grade="2")["count"] == 0
    assert cell(cells, school="A", grade=MARGIN_LABEL)["count"] == 5
    assert cell(cells, school=MARGIN_LABEL, grade="1")["count"] == 6
    assert cell(cells, school=MARGIN_LABEL, grade=MARGIN_LABEL)["count"] == 9


def test_build_table_levels_name_the_dimensions_kept():
    students = students_from_counts({("A", "1"): 2, ("B", "2"): 1})
    levels = build_table(students, ["school", "grade"]).cells["level"]

    assert levels.unique().tolist() == ["school × grade", "school", "grade", "total"]


def test_build_table_constraints_hold_on_the_true_counts():
    students = students_from_counts(
        {("A", "1"): 2, ("A", "2"): 7, ("B", "1"): 1, ("C", "2"): 5}
    )
    built = build_table(students, ["school", "grade"])
    matrix = built.constraints.matrix(len(built.cells))

    assert np.all(matrix @ built.cells["count"].to_numpy() == 0)


def test_build_table_three_dimensions_relate_every_level():
    students = pd.DataFrame(
        {
            "a": ["x", "x", "y", "y"],
            "b": ["1", "2", "1", "1"],
            "c": ["p", "q", "q", "p"],
        }
    )
    built = build_table(students, ["a", "b", "c"])
    matrix = built.constraints.matrix(len(built.cells))

    # 8 interior, 4 + 4 + 4 two-way, 2 + 2 + 2 one-way, 1 total.
    assert len(built.cells) == 27
    assert np.all(matrix @ built.cells["count"].to_numpy() == 0)


def test_build_table_keeps_missing_values_as_a_category():
    students = pd.DataFrame({"school": ["A", None, "A", np.nan]})
    cells = build_table(students, ["school"]).cells

    assert cell(cells, school=MISSING_LABEL)["count"] == 2
    assert cell(cells, school=MARGIN_LABEL)["count"] == 4


def test_build_table_orders_grades_pk_and_k_first():
    students = pd.DataFrame({"grade": ["10", "2", "K", "PK", "1"]})
    cells = build_table(students, ["grade"]).cells

    assert cells["grade"].tolist() == ["PK", "K", "1", "2", "10", MARGIN_LABEL]


def test_build_table_rates_of_an_indicator():
    students = pd.DataFrame(
        {
            "school": ["A", "A", "A", "A", "B"],
            "absent": [True, False, True, True, False],
        }
    )
    cells = build_table(students, ["school"], indicator="absent").cells

    assert cell(cells, school="A")["numerator"] == 3
    assert cell(cells, school="A")["rate"] == pytest.approx(0.75)
    assert cell(cells, school=MARGIN_LABEL)["rate"] == pytest.approx(0.6)


def test_build_table_rejects_unknown_column():
    with pytest.raises(InputError, match=r"Unknown column\(s\) \['schol'\]"):
        build_table(pd.DataFrame({"school": ["A"]}), ["schol"])


def test_build_table_rejects_four_dimensions():
    frame = pd.DataFrame({name: ["x"] for name in "abcd"})
    with pytest.raises(InputError, match="1 to 3 dimensions; got 4"):
        build_table(frame, list("abcd"))


def test_build_table_rejects_a_dimension_with_too_many_categories():
    frame = pd.DataFrame(
        {"student_id": [f"{i:06d}" for i in range(MAX_CATEGORIES + 1)]}
    )
    with pytest.raises(InputError, match=f"{MAX_CATEGORIES + 1} categories"):
        build_table(frame, ["student_id"])


def test_build_table_rejects_an_indicator_that_is_not_yes_no():
    frame = pd.DataFrame({"school": ["A", "B"], "score": [512.0, 498.5]})
    with pytest.raises(InputError, match="must hold yes/no values"):
        build_table(frame, ["school"], indicator="score")


def test_build_table_rejects_missing_indicator_values():
    frame = pd.DataFrame({"school": ["A", "B"], "absent": [True, None]})
    with pytest.raises(InputError, match="has 1 missing values"):
        build_table(frame, ["school"], indicator="absent")


def test_build_table_rejects_a_category_named_like_the_margin():
    frame = pd.DataFrame({"school": ["All", "B"]})
    with pytest.raises(InputError, match="category called 'All'"):
        build_table(frame, ["school"])


# --- DisclosureRule ----------------------------------------------------------


def test_presets_carry_their_minimum_and_source():
    assert RULE_PRESETS["nces-10"].min_count == 10
    assert RULE_PRESETS["dese-6"].min_count == 6
    assert "NCES" in RULE_PRESETS["nces-10"].source
    assert "DESE" in RULE_PRESETS["dese-6"].source


def test_rule_publishes_zero_counts_by_default():
    rule = DisclosureRule("test", min_count=5)
    assert rule.withholds_count(np.array([0, 1, 4, 5])).tolist() == [
        False,
        True,
        True,
        False,
    ]


def test_rule_can_withhold_zero_counts():
    rule = DisclosureRule("test", min_count=5, withhold_zero_counts=True)
    assert rule.withholds_count(np.array([0, 5])).tolist() == [True, False]


def test_rule_withholds_rate_with_small_numerator_or_denominator():
    rule = DisclosureRule("test", min_count=5)
    numerators = np.array([0, 4, 5, 5])
    denominators = np.array([50, 50, 50, 4])
    assert rule.withholds_rate(numerators, denominators).tolist() == [
        True,
        True,
        False,
        True,
    ]


def test_rule_rounds_to_the_nearest_multiple_of_its_base():
    rule = DisclosureRule("test", min_count=5, rounding_base=5)
    assert rule.round_counts(np.array([0, 2, 3, 12, 13])).tolist() == [
        0,
        0,
        5,
        10,
        15,
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"min_count": 0}, "between 1 and 1000; got 0"),
        ({"min_count": 2.5}, "whole number; got 2.5"),
        ({"min_count": 5, "rounding_base": 1}, "rounding base must be"),
        ({"min_count": 5, "top_bottom_percent": 60}, "between 0 and 50 percent"),
    ],
    ids=["zero-minimum", "fractional-minimum", "base-one", "coding-too-wide"],
)
def test_rule_rejects_bad_parameters(arguments, message):
    with pytest.raises(InputError, match=message):
        DisclosureRule("test", **arguments)


def test_dese_rule_blanks_the_same_discipline_rows_as_dese():
    """DESE blanks both suspension rates exactly when fewer than 6 were disciplined."""
    path = SHARED_DATA / "bps-dese-profiles" / "boston_discipline.csv"
    if not path.exists():
        pytest.skip(f"reference data not found at {path}")
    discipline = pd.read_csv(path, dtype={"DESE ID": str})

    withheld = RULE_PRESETS["dese-6"].withholds_rate(
        discipline["Students Disciplined"].to_numpy(),
        discipline["Students"].to_numpy(),
    )

    blank_at_dese = discipline["% Out-of-School Suspension"].isna().to_numpy()
    assert withheld.sum() == 567
    np.testing.assert_array_equal(withheld, blank_at_dese)


# --- protect_table -----------------------------------------------------------


def test_single_small_cell_in_a_row_is_exposed_without_complementary():
    students = students_from_counts({("A", "1"): 2, ("A", "2"): 30, ("B", "1"): 40})
    rule = DisclosureRule("test", min_count=5)
    protected = protect_table(students, ["school", "grade"], rule, complementary=False)

    exposed = protected.audit.intervals.query("exposed")
    assert exposed["cell"].tolist() == [0]
    assert exposed[["lower", "upper"]].to_numpy().tolist() == [[2.0, 2.0]]


def test_complementary_suppression_protects_the_single_small_cell():
    students = students_from_counts({("A", "1"): 2, ("A", "2"): 30, ("B", "1"): 40})
    rule = DisclosureRule("test", min_count=5)
    protected = protect_table(students, ["school", "grade"], rule)

    reasons = protected.cells["count_reason"]
    assert protected.audit.passed
    assert (reasons == "primary").sum() == 1
    assert (reasons == "complementary").sum() >= 1


def test_complementary_suppression_prefers_the_cheapest_partner():
    # Cell (A, 1) = 2 is small; row A has (A, 2) = 30 and (A, 3) = 12: the
    # cheaper 12 is withheld beside it, not the 30.
    students = students_from_counts(
        {
            ("A", "1"): 2,
            ("A", "2"): 30,
            ("A", "3"): 12,
            ("B", "1"): 40,
            ("B", "2"): 40,
            ("B", "3"): 40,
        }
    )
    rule = DisclosureRule("test", min_count=5)
    protected = protect_table(students, ["school", "grade"], rule)

    withheld = protected.cells.query("count_reason == 'complementary'")
    assert cell(withheld, school="A", grade="3")["count"] == 12
    assert 30 not in withheld.query("school == 'A'")["count"].tolist()


def test_two_withheld_cells_with_a_published_sum_are_flagged_when_narrow():
    # A row of two withheld cells (1 and 2) whose total 3 is published: the
    # attacker knows each is 1 or 2, an interval of width 1.
    published = pd.DataFrame({"count": [np.nan, np.nan, 3.0]})
    from privacy.tables_audit import TableConstraints

    relations = TableConstraints(totals=(2,), parts=((0, 1),))
    truth = pd.DataFrame({"count": [1.0, 2.0, 3.0]})
    result = audit_table(
        published, relations, true_values=truth, withheld_lower_bound=1
    )

    assert result.intervals["upper"].tolist() == [2.0, 2.0]
    assert result.intervals["exposed"].tolist() == [True, True]


def test_two_withheld_cells_with_a_wide_interval_pass():
    published = pd.DataFrame({"count": [np.nan, np.nan, 20.0]})
    from privacy.tables_audit import TableConstraints

    relations = TableConstraints(totals=(2,), parts=((0, 1),))
    truth = pd.DataFrame({"count": [3.0, 17.0, 20.0]})
    result = audit_table(published, relations, true_values=truth)

    assert result.passed
    assert result.intervals["width"].tolist() == [20.0, 20.0]


def test_withheld_zero_count_is_protected_like_any_other_cell():
    students = students_from_counts({("A", "1"): 20, ("B", "1"): 7, ("B", "2"): 9})
    rule = DisclosureRule("test", min_count=5, withhold_zero_counts=True)
    protected = protect_table(students, ["school", "grade"], rule)

    zero = cell(protected.cells, school="A", grade="2")
    assert zero["count_reason"] == "primary"
    assert protected.audit.passed


def test_published_zero_is_never_chosen_as_a_partner():
    students = students_from_counts({("A", "1"): 3, ("A", "2"): 40, ("B", "1"): 40})
    rule = DisclosureRule("test", min_count=5)
    protected = protect_table(students, ["school", "grade"], rule)

    zero = cell(protected.cells, school="B", grade="2")
    assert zero["count"] == 0
    assert zero["count_reason"] == ""
    assert protected.audit.passed


def test_release_hides_true_values_and_reasons():
    students = students_from_counts({("A", "1"): 2, ("A", "2"): 30, ("B", "1"): 40})
    protected = protect_table(students, ["school", "grade"], RULE_PRESETS["dese-6"])
    release = protected.release()

    assert list(release.columns) == ["school", "grade", "level", "count"]
    assert (
        release["count"].isna().sum() == (protected.cells["count_reason"] != "").sum()
    )


def test_cost_measures_on_a_hand_table():
    # Interior: A1 = 2 (primary), A2 = 30, B1 = 40, B2 = 0. The printed zero
    # makes B1 equal to B's total, so protecting A1 blanks A2, B1 and every
    # margin but the grand total: 3 of 4 interior cells, all 72 students.
    students = students_from_counts({("A", "1"): 2, ("A", "2"): 30, ("B", "1"): 40})
    rule = DisclosureRule("test", min_count=5)
    protected = protect_table(students, ["school", "grade"], rule)

    assert protected.suppressed_cell_share == pytest.approx(0.75)
    assert protected.suppressed_student_share == pytest.approx(1.0)
    assert protected.published_cells_below_minimum == 0
    assert protected.rate_mean_relative_error is None


def test_rates_with_a_zero_numerator_are_withheld():
    students = pd.DataFrame(
        {
            "school": ["A"] * 20 + ["B"] * 20,
            "absent": [False] * 20 + [True] * 8 + [False] * 12,
        }
    )
    protected = protect_table(
        students, ["school"], DisclosureRule("test", min_count=5), indicator="absent"
    )

    school_a = cell(protected.cells, school="A")
    assert school_a["rate_reason"] == "primary"
    assert school_a["rate_label"] == ""
    assert not np.isnan(school_a["published_count"])


def test_withheld_rate_is_protected_across_the_total():
    # A: 2 of 20 absent (withheld); B: 8 of 20; the total rate 10/40 would
    # give A back, so B's rate (or the total's) is withheld too.
    students = pd.DataFrame(
        {
            "school": ["A"] * 20 + ["B"] * 20,
            "absent": [True] * 2 + [False] * 18 + [True] * 8 + [False] * 12,
        }
    )
    protected = protect_table(
        students, ["school"], DisclosureRule("test", min_count=5), indicator="absent"
    )

    assert (protected.cells["rate_reason"] == "complementary").sum() == 1
    assert protected.audit.passed


def test_rate_mean_relative_error_counts_withheld_rates_as_one():
    students = pd.DataFrame(
        {
            "school": ["A"] * 20 + ["B"] * 20,
            "absent": [True] * 2 + [False] * 18 + [True] * 8 + [False] * 12,
        }
    )
    protected = protect_table(
        students,
        ["school"],
        DisclosureRule("test", min_count=5),
        indicator="absent",
        complementary=False,
    )

    # A withheld (error 1), B published exactly (error 0).
    assert protected.rate_mean_relative_error == pytest.approx(0.5)


def test_top_and_bottom_coding_labels():
    students = pd.DataFrame(
        {
            "school": ["A"] * 200 + ["B"] * 400 + ["C"] * 200,
            "absent": [True] * 196
            + [False] * 4
            + [True] * 15
            + [False] * 385
            + [True] * 100
            + [False] * 100,
        }
    )
    protected = protect_table(
        students, ["school"], RULE_PRESETS["nces-10-coded"], indicator="absent"
    )
    labels = protected.cells.set_index("school")["rate_label"]

    assert labels.loc[["A", "B", "C"]].tolist() == [">95%", "<5%", "50.0%"]
    assert protected.release().set_index("school")["rate"].isna().loc["A"]


def test_rounding_publishes_multiples_of_the_base():
    students = students_from_counts({("A", "1"): 12, ("A", "2"): 33, ("B", "1"): 41})
    rule = DisclosureRule("test", min_count=5, rounding_base=5)
    protected = protect_table(students, ["school", "grade"], rule)

    published = protected.cells["published_count"].dropna()
    assert (published % 5 == 0).all()
    assert cell(protected.cells, school="A", grade="1")["published_count"] == 10


def test_protect_table_rejects_a_rule_that_is_not_a_rule():
    students = students_from_counts({("A", "1"): 12})
    with pytest.raises(InputError, match="rule must be a DisclosureRule; got int"):
        protect_table(students, ["school"], 10)


def test_protection_level_rejects_a_width_below_one():
    with pytest.raises(InputError, match="at least 1 student; got 0"):
        ProtectionLevel(min_width=0)


@st.composite
def small_tables(draw):
    """A school x grade table of students with many small cells."""
    schools = draw(st.integers(2, 4))
    grades = draw(st.integers(2, 4))
    counts = draw(
        st.lists(
            st.integers(0, 25), min_size=schools * grades, max_size=schools * grades
        )
    )
    table = {
        (f"S{s}", f"{g + 1}"): counts[s * grades + g]
        for s in range(schools)
        for g in range(grades)
    }
    students = students_from_counts(table)
    if students.empty:
        students = students_from_counts({("S0", "1"): 1})
    min_count = draw(st.integers(3, 10))
    return students, min_count


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(small_tables())
def test_every_release_passes_its_own_audit(example):
    students, min_count = example
    rule = DisclosureRule("test", min_count=min_count)
    protected = protect_table(students, ["school", "grade"], rule)

    assert protected.audit.passed
    assert protected.published_cells_below_minimum == 0

    # The release alone, audited as an outsider would, exposes no primary cell.
    primary = (protected.cells["count_reason"] == "primary").to_numpy()
    outsider = audit_table(
        protected.release(),
        protected.constraints,
        protected.protection,
        true_values=protected.cells[["count"]],
        sensitive=primary,
        withheld_lower_bound=1,
    )
    assert outsider.passed


def test_build_table_reads_text_yes_no_indicators():
    students = pd.DataFrame({"school": ["A", "A", "B"], "absent": ["True", "no", "1"]})
    cells = build_table(students, ["school"], indicator="absent").cells

    assert cell(cells, school="A")["numerator"] == 1
    assert cell(cells, school="B")["numerator"] == 1


def test_audit_of_a_small_table_is_exact():
    students = students_from_counts({("A", "1"): 2, ("A", "2"): 30, ("B", "1"): 40})
    protected = protect_table(students, ["school", "grade"], RULE_PRESETS["dese-6"])

    assert protected.audit.intervals["exact"].all()


def test_audit_frame_labels_cells_without_true_values():
    students = students_from_counts({("A", "1"): 2, ("A", "2"): 30, ("B", "1"): 40})
    protected = protect_table(students, ["school", "grade"], RULE_PRESETS["dese-6"])
    frame = protected.audit_frame()

    assert "count" not in frame.columns
    assert cell(frame, school="A", grade="1")["reason"] == "primary"


@st.composite
def small_rate_tables(draw):
    """A school table of students with a yes/no attribute."""
    schools = draw(st.integers(2, 5))
    sizes = draw(st.lists(st.integers(0, 30), min_size=schools, max_size=schools))
    rows = []
    for school, size in enumerate(sizes):
        with_attribute = draw(st.integers(0, size))
        rows += [(f"S{school}", True)] * with_attribute
        rows += [(f"S{school}", False)] * (size - with_attribute)
    if not rows:
        rows = [("S0", True)]
    return pd.DataFrame(rows, columns=["school", "absent"]), draw(st.integers(3, 8))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(small_rate_tables())
def test_every_rate_release_passes_its_own_audit(example):
    students, min_count = example
    rule = DisclosureRule("test", min_count=min_count)
    protected = protect_table(students, ["school"], rule, indicator="absent")

    assert protected.audit.passed
    assert protected.published_cells_below_minimum == 0
