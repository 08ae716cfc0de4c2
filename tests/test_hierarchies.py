"""Tests for generalization hierarchies and their ARX layout."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.exceptions import InputError
from privacy.hierarchies import (
    HIERARCHY_RULES,
    Hierarchy,
    as_text,
    build_hierarchy,
    date_hierarchy,
    default_hierarchy,
    grouping_hierarchy,
    interval_hierarchy,
    masking_hierarchy,
    read_arx_hierarchy,
    suppression_hierarchy,
)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ARX = SHARED_DATA / "peer-arx"
ANJANA = SHARED_DATA / "peer-anjana" / "hierarchies"

needs_arx = pytest.mark.skipif(
    not ARX.is_dir(), reason="ARX test data (../shared/data/peer-arx) is not present"
)
needs_anjana = pytest.mark.skipif(
    not ANJANA.is_dir(),
    reason="anjana hierarchies (../shared/data/peer-anjana) are not present",
)

SEX = Hierarchy("sex", (("male", "*"), ("female", "*")))


# --- the Hierarchy record -------------------------------------------------


def test_height_counts_levels_above_the_original():
    assert SEX.height == 1


def test_generalize_level_zero_returns_values_unchanged():
    values = pd.Series([34, 45], name="age")
    hierarchy = interval_hierarchy(values, widths=(10,))
    pd.testing.assert_series_equal(hierarchy.generalize(values, 0), values)


def test_generalize_replaces_values_by_their_level_label():
    generalized = SEX.generalize(pd.Series(["female", "male"]), 1)
    assert generalized.tolist() == ["*", "*"]


def test_generalize_keeps_the_index():
    values = pd.Series(["male", "female"], index=[10, 20])
    assert SEX.generalize(values, 1).index.tolist() == [10, 20]


def test_missing_value_stays_missing_below_the_top():
    hierarchy = interval_hierarchy([3, 17], widths=(10, 20))
    generalized = hierarchy.generalize(pd.Series([3.0, np.nan]), 2)
    assert generalized.tolist()[0] == "[0, 20)"
    assert pd.isna(generalized.iloc[1])


def test_missing_value_becomes_the_top_label_at_the_top():
    generalized = SEX.generalize(pd.Series(["male", None]), 1)
    assert generalized.tolist() == ["*", "*"]


def test_uncovered_value_raises_naming_it():
    with pytest.raises(InputError, match=r"does not cover 1 value.*'other'"):
        SEX.generalize(pd.Series(["male", "other"]), 1)


def test_uncovered_values_are_listed_with_a_count_of_the_rest():
    values = pd.Series([f"v{i}" for i in range(8)])
    with pytest.raises(InputError, match=r"does not cover 8 value.*and 3 more"):
        SEX.row_codes(values)


def test_unknown_level_raises():
    with pytest.raises(InputError, match=r"Level 2 does not exist.*from 0 to 1"):
        SEX.generalize(pd.Series(["male"]), 2)


def test_level_labels_lists_distinct_labels_in_order():
    hierarchy = Hierarchy("x", (("a", "g1", "*"), ("b", "g2", "*"), ("c", "g1", "*")))
    assert hierarchy.level_labels(1) == ("g1", "g2")


def test_empty_hierarchy_raises():
    with pytest.raises(InputError, match="is empty"):
        Hierarchy("x", ())


def test_ragged_rows_raise():
    with pytest.raises(InputError, match="rows of different lengths"):
        Hierarchy("x", (("a", "*"), ("b", "g", "*")))


def test_value_listed_twice_raises():
    with pytest.raises(InputError, match=r"more than once: 'a'"):
        Hierarchy("x", (("a", "*"), ("a", "*")))


def test_label_with_two_parents_raises():
    rows = (("a", "g", "h1", "*"), ("b", "g", "h2", "*"))
    with pytest.raises(InputError, match=r"not a tree: label 'g' on level 1"):
        Hierarchy("x", rows)


def test_several_top_labels_raise():
    with pytest.raises(InputError, match="ends with several labels"):
        Hierarchy("x", (("a", "g1"), ("b", "g2")))


def test_cells_are_stored_as_text():
    assert Hierarchy("x", ((1, "*"),)).levels == (("1", "*"),)


# --- text form of values --------------------------------------------------


def test_whole_floats_match_integer_labels():
    assert as_text(pd.Series([34.0, 2.5])).tolist() == ["34", "2.5"]


def test_text_codes_keep_leading_zeros():
    assert as_text(pd.Series(["02139"])).tolist() == ["02139"]


def test_dates_are_written_as_iso_days():
    dates = pd.Series(pd.to_datetime(["2010-05-03", None]))
    text = as_text(dates)
    assert text.iloc[0] == "2010-05-03"
    assert pd.isna(text.iloc[1])


# --- interval hierarchies -------------------------------------------------


def test_interval_labels_are_half_open():
    hierarchy = interval_hierarchy([10, 14, 15], widths=(5,))
    assert [row[1] for row in hierarchy.levels] == ["[10, 15)", "[10, 15)", "[15, 20)"]


def test_interval_bottom_and_top_coding():
    hierarchy = interval_hierarchy([5, 12, 85], widths=(5,), bottom=10, top=80)
    assert [row[1] for row in hierarchy.levels] == ["<10", "[10, 15)", ">=80"]


def test_intervals_are_clipped_at_the_top_code():
    hierarchy = interval_hierarchy([75], widths=(20,), bottom=10, top=80)
    assert hierarchy.levels[0][1] == "[70, 80)"


def test_interval_hierarchy_ends_with_star():
    hierarchy = interval_hierarchy([1, 2], widths=(5, 10))
    assert hierarchy.height == 3
    assert hierarchy.level_labels(3) == ("*",)


def test_interval_widths_that_do_not_nest_raise():
    with pytest.raises(InputError, match=r"must nest.*\(5.0, 7.0\)"):
        interval_hierarchy([1, 2], widths=(5, 7))


def test_interval_width_must_be_positive():
    with pytest.raises(InputError, match="must be positive"):
        interval_hierarchy([1, 2], widths=(0,))


def test_interval_needs_numbers():
    with pytest.raises(InputError, match=r"needs numbers; got 'abc'"):
        interval_hierarchy(["abc", 3], widths=(5,))


def test_interval_bottom_above_top_raises():
    with pytest.raises(InputError, match="bottom=50, top=10"):
        interval_hierarchy([1], widths=(5,), bottom=50, top=10)


def test_interval_labels_of_fractional_values():
    hierarchy = interval_hierarchy([0.25, 0.75], widths=(0.5,))
    assert [row[1] for row in hierarchy.levels] == ["[0, 0.5)", "[0.5, 1)"]


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.integers(-50, 150), min_size=1, max_size=30),
    base=st.sampled_from([1, 2, 5]),
)
def test_interval_hierarchies_are_trees_covering_every_value(values, base):
    hierarchy = interval_hierarchy(values, widths=(base, base * 2, base * 6))
    generalized = hierarchy.generalize(pd.Series(values), 2)
    assert generalized.notna().all()


# --- masking hierarchies --------------------------------------------------


def test_masking_replaces_characters_from_the_right():
    hierarchy = masking_hierarchy(["02139"])
    assert hierarchy.levels[0] == (
        "02139",
        "0213*",
        "021**",
        "02***",
        "0****",
        "*****",
    )


def test_masking_pads_numbers_with_leading_zeros_to_the_width():
    hierarchy = masking_hierarchy(pd.Series([2139]), width=5)
    assert hierarchy.generalize(pd.Series([2139]), 1).tolist() == ["0213*"]


def test_masking_width_shorter_than_a_value_raises():
    with pytest.raises(InputError, match=r"shorter than some values.*'02139'"):
        masking_hierarchy(["02139"], width=3)


def test_masking_of_codes_of_different_lengths_is_a_tree():
    hierarchy = masking_hierarchy(["AB", "ABCD"])
    assert hierarchy.level_labels(hierarchy.height) == ("****",)


# --- grouping hierarchies -------------------------------------------------


def test_grouping_follows_the_mappings_level_by_level():
    hierarchy = grouping_hierarchy(
        ["K1", "G6"],
        [
            {"K1": "Elementary", "G6": "Middle"},
            {"Elementary": "PK-8", "Middle": "PK-8"},
        ],
    )
    assert hierarchy.levels == (("G6", "Middle", "PK-8"), ("K1", "Elementary", "PK-8"))


def test_grouping_adds_a_star_level_when_groups_remain():
    hierarchy = grouping_hierarchy(["a", "b"], [{"a": "x", "b": "y"}])
    assert hierarchy.height == 2


def test_grouping_with_an_unmapped_value_raises_naming_it():
    with pytest.raises(InputError, match=r"no level-1 group to the values 'b'"):
        grouping_hierarchy(["a", "b"], [{"a": "x"}])


def test_grouping_with_an_unmapped_group_raises_naming_it():
    with pytest.raises(InputError, match=r"level-1 groups 'y'"):
        grouping_hierarchy(["a", "b"], [{"a": "x", "b": "y"}, {"x": "z"}])


def test_suppression_hierarchy_has_one_step():
    assert suppression_hierarchy(["b", "a"]).levels == (("a", "*"), ("b", "*"))


# --- date hierarchies -----------------------------------------------------


def test_date_levels_month_year_and_age_band():
    hierarchy = date_hierarchy(["2014-03-09"], reference="2025-09-01")
    assert hierarchy.levels[0] == ("2014-03-09", "2014-03", "2014", "age 10-14", "*")


def test_date_quarter_level():
    hierarchy = date_hierarchy(["2014-08-01"], levels=("quarter",))
    assert hierarchy.levels[0][1] == "2014-Q3"


def test_date_age_bands_group_whole_birth_years():
    dates = ["2014-01-01", "2014-12-31", "2010-06-01", "2009-06-01"]
    hierarchy = date_hierarchy(
        dates, levels=("year", "age_band"), reference="2025-01-01", age_band_width=5
    )
    bands = dict(
        zip(hierarchy.values, (row[2] for row in hierarchy.levels), strict=True)
    )
    assert bands == {
        "2009-06-01": "age 15-19",
        "2010-06-01": "age 15-19",
        "2014-01-01": "age 10-14",
        "2014-12-31": "age 10-14",
    }


def test_date_hierarchy_matches_datetime_columns():
    values = pd.Series(pd.to_datetime(["2014-03-09", "2014-03-20"]))
    hierarchy = date_hierarchy(values, levels=("month",))
    assert hierarchy.generalize(values, 1).tolist() == ["2014-03", "2014-03"]


def test_date_levels_out_of_order_raise():
    with pytest.raises(InputError, match="fine to coarse"):
        date_hierarchy(["2014-03-09"], levels=("year", "month"))


def test_unknown_date_level_raises():
    with pytest.raises(InputError, match=r"Unknown date level\(s\) \['week'\]"):
        date_hierarchy(["2014-03-09"], levels=("week",))


def test_unreadable_date_raises_naming_it():
    with pytest.raises(InputError, match=r"could not read 'soon'"):
        date_hierarchy(["soon"])


def test_age_band_width_must_be_positive():
    with pytest.raises(InputError, match="at least 1 year; got 0"):
        date_hierarchy(["2014-03-09"], age_band_width=0)


# --- default hierarchies --------------------------------------------------


def test_default_for_zip_codes_is_masking():
    hierarchy = default_hierarchy(pd.Series(["02139", "02134"], name="home_zip"))
    assert hierarchy.levels[0][1] == "0213*"


def test_default_for_zip_read_as_numbers_restores_leading_zeros():
    hierarchy = default_hierarchy(pd.Series([2139, 2134], name="zip"))
    assert hierarchy.generalize(pd.Series([2139]), 1).tolist() == ["0213*"]


def test_default_for_dates_is_a_date_hierarchy():
    values = pd.Series(pd.to_datetime(["2014-03-09"]), name="date_of_birth")
    assert default_hierarchy(values).levels[0][1] == "2014-03"


def test_default_for_numbers_is_intervals():
    hierarchy = default_hierarchy(pd.Series([7, 15, 63], name="age"))
    assert hierarchy.levels[0][1] == "[5, 10)"


def test_default_for_few_categories_is_suppression_only():
    assert default_hierarchy(pd.Series(["F", "M", "X"], name="gender")).height == 1


def test_default_for_many_categories_groups_them_in_order():
    values = pd.Series([f"school {i:02d}" for i in range(9)], name="school")
    hierarchy = default_hierarchy(values)
    assert hierarchy.height == 2
    assert hierarchy.levels[0][1] == "school 00 … school 02"


def test_default_hierarchy_covers_a_column_with_missing_values():
    values = pd.Series([3.0, None, 9.0], name="score")
    generalized = default_hierarchy(values).generalize(values, 1)
    assert pd.isna(generalized.iloc[1])


# --- ARX layout -----------------------------------------------------------


def test_arx_csv_round_trip():
    hierarchy = grouping_hierarchy(["a", "b"], [{"a": "x", "b": "x"}], name="v")
    assert read_arx_hierarchy(hierarchy.to_arx_csv().encode(), name="v") == hierarchy


def test_arx_csv_has_no_header_and_semicolons():
    assert SEX.to_arx_csv() == "male;*\nfemale;*\n"


def test_read_arx_accepts_a_missing_final_newline_and_crlf():
    hierarchy = read_arx_hierarchy(b"male;*\r\nfemale;*", name="sex")
    assert hierarchy == SEX


def test_read_arx_accepts_a_text_file_object():
    assert read_arx_hierarchy(io.StringIO("male;*\nfemale;*\n"), name="sex") == SEX


def test_read_arx_of_a_missing_file_raises():
    with pytest.raises(InputError, match="Cannot read the hierarchy file"):
        read_arx_hierarchy("/nonexistent/age.csv")


def test_read_arx_of_non_utf8_bytes_raises():
    with pytest.raises(InputError, match="not UTF-8"):
        read_arx_hierarchy(b"\xff\xfe\x00a;*")


def test_read_arx_takes_the_name_from_the_file(tmp_path):
    path = tmp_path / "adult_hierarchy_sex.csv"
    path.write_text("male;*\n")
    assert read_arx_hierarchy(path).name == "sex"


@needs_arx
def test_read_arx_adult_country_hierarchy_without_final_newline():
    hierarchy = read_arx_hierarchy(ARX / "adult_hierarchy_native-country.csv")
    assert (hierarchy.name, hierarchy.height, len(hierarchy.levels)) == (
        "native-country",
        2,
        41,
    )


@needs_arx
def test_read_arx_zipcode_hierarchy_masks_like_ours():
    arx = read_arx_hierarchy(ARX / "test_hierarchy_zipcode.csv")
    ours = masking_hierarchy([row[0] for row in arx.levels])
    # ARX writes its top level as a single star; below it the labels agree.
    assert [row[:-1] for row in arx.levels] == [row[:-1] for row in ours.levels]


@needs_arx
def test_every_arx_hierarchy_file_is_a_valid_tree():
    heights = {
        path.name: read_arx_hierarchy(path).height
        for path in sorted(ARX.glob("*hierarchy*.csv"))
    }
    assert heights["adult_hierarchy_age.csv"] == 4
    assert heights["test2_hierarchy_ZIPCode.csv"] == 5


@needs_arx
def test_arx_round_trip_is_byte_identical_for_adult_education():
    path = ARX / "adult_hierarchy_education.csv"
    text = path.read_text()
    assert read_arx_hierarchy(path).to_arx_csv() == text.rstrip("\n") + "\n"


@needs_anjana
def test_read_anjana_hierarchy_with_quoted_commas():
    hierarchy = read_arx_hierarchy(ANJANA / "age.csv", delimiter=",")
    assert hierarchy.levels[0][:3] == ("17", "[15, 20[", "[10, 20[")
    assert hierarchy.height == 6


# --- covers and rule builders ---------------------------------------------


def test_label_covers_counts_distinct_values_under_each_label():
    hierarchy = interval_hierarchy([3, 7, 12], widths=(10,))
    covers = hierarchy.label_covers(pd.Series([3, 7, 12]), pd.Series(["[0, 10)", "*"]))
    assert covers.tolist() == [2, 3]


def test_label_covers_of_kept_values_is_one():
    covers = SEX.label_covers(pd.Series(["male", "female"]), pd.Series(["male"]))
    assert covers.tolist() == [1]


def test_label_covers_of_unknown_labels_raises():
    with pytest.raises(InputError, match=r"No level.*holds all the released labels"):
        SEX.label_covers(pd.Series(["male"]), pd.Series(["person"]))


def test_build_hierarchy_dispatches_on_the_rule():
    hierarchy = build_hierarchy(pd.Series(["02139"], name="zip"), "masking")
    assert hierarchy.levels[0][1] == "0213*"


def test_build_hierarchy_with_an_unknown_rule_raises():
    with pytest.raises(InputError, match=r"Unknown hierarchy rule 'round'"):
        build_hierarchy(pd.Series([1], name="age"), "round")


def test_every_rule_is_described():
    assert set(HIERARCHY_RULES) == {
        "automatic",
        "intervals",
        "dates",
        "masking",
        "suppression",
    }


def test_default_groups_grades_in_natural_order():
    grades = pd.Series(["K", "1", "2", "3", "10", "11", "12", "9", "PK"], name="grade")
    hierarchy = default_hierarchy(grades)
    assert hierarchy.generalize(pd.Series(["K", "2", "10"]), 1).tolist() == [
        "K … 1",
        "2 … 9",
        "10 … 12",
    ]
