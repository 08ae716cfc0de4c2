"""Tests of reading a published grid and auditing it as an outsider would."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from privacy.exceptions import InputError
from privacy.tables_audit import audit_table
from privacy.tables_upload import read_published_table


def grid(rows: dict[str, list[object]], headers: list[str]) -> pd.DataFrame:
    """A printed table: row labels in the first column."""
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=headers)
    return frame.reset_index(names="school")


def test_a_single_blank_in_a_row_with_its_total_is_exposed():
    published = read_published_table(
        grid({"A": [3, "*", 10], "B": [7, 9, 16]}, ["grade 1", "grade 2", "Total"])
    )
    result = audit_table(published.cells, published.constraints)

    assert result.intervals[["lower", "upper"]].to_numpy().tolist() == [[7.0, 7.0]]
    assert result.intervals["exposed"].tolist() == [True]


def test_blanks_protected_by_each_other_pass():
    published = read_published_table(
        grid(
            {"A": ["*", "*", 40], "B": ["*", "*", 50], "Total": [45, 45, 90]},
            ["grade 1", "grade 2", "Total"],
        )
    )
    result = audit_table(published.cells, published.constraints)

    assert result.passed
    assert result.intervals["width"].min() >= 40


def test_a_less_than_marker_bounds_the_blank():
    published = read_published_table(
        grid({"A": ["<6", 30, "*"]}, ["grade 1", "grade 2", "Total"])
    )
    result = audit_table(published.cells, published.constraints)
    total = result.intervals.set_index("cell").loc[2]

    # The total is 30 plus something from 0 to 5.
    assert (total["lower"], total["upper"]) == (30.0, 35.0)


def test_a_table_without_totals_has_no_relations():
    published = read_published_table(grid({"A": [3, "*"]}, ["grade 1", "grade 2"]))

    assert len(published.constraints) == 0
    assert np.isinf(
        audit_table(published.cells, published.constraints).intervals["upper"]
    ).all()


def test_contradicting_totals_are_an_input_error():
    published = read_published_table(
        grid({"A": [3, "*", 2]}, ["grade 1", "grade 2", "Total"])
    )
    with pytest.raises(InputError, match="contradict each other"):
        audit_table(published.cells, published.constraints)


def test_a_table_with_no_numeric_cell_is_refused():
    with pytest.raises(InputError, match="no numeric cells"):
        read_published_table(grid({"A": ["*", ""]}, ["grade 1", "grade 2"]))


def test_text_that_is_not_a_marker_is_refused():
    with pytest.raises(InputError, match=r"Cell \(A, grade 2\) holds 'many'"):
        read_published_table(grid({"A": [3, "many"]}, ["grade 1", "grade 2"]))


def test_percentages_are_refused():
    with pytest.raises(InputError, match=r"holds 12\.5; counts are whole numbers"):
        read_published_table(grid({"A": [12.5, 3]}, ["grade 1", "grade 2"]))


def test_a_single_column_is_refused():
    with pytest.raises(InputError, match="got 1 column"):
        read_published_table(pd.DataFrame({"school": ["A", "B"]}))


def test_repeated_row_labels_are_refused():
    frame = pd.DataFrame({"school": ["A", "A"], "grade 1": [3, 4]})
    with pytest.raises(InputError, match=r"\['A'\] repeat"):
        read_published_table(frame)
