"""The "Record-level anonymization" page, driven headless from the entry script."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from privacy.datasets import Dataset, load_builtin
from privacy.roles import ColumnRole

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 180
QUASI_IDENTIFIERS = ("home_zip", "grade", "gender")


@pytest.fixture(scope="module")
def small_population() -> Dataset:
    """A 300-student sample of the synthetic population: quick to anonymize."""
    return load_builtin("synthetic", students=300, seed=5)


@pytest.fixture
def page(small_population: Dataset) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.session_state["dataset"] = small_population
    # Three quasi-identifiers keep the lattice small and the test quick.
    roles = {
        name: ColumnRole.OTHER
        if role == ColumnRole.QUASI_IDENTIFIER and name not in QUASI_IDENTIFIERS
        else role
        for name, role in small_population.roles.items()
    }
    for name in QUASI_IDENTIFIERS:
        roles[name] = ColumnRole.QUASI_IDENTIFIER
    app.session_state["roles"] = roles
    app.run()
    app.switch_page("pages/anonymize.py")
    app.run()
    assert not app.exception
    return app


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


def errors(app: AppTest) -> str:
    return " ".join(str(element.value) for element in app.error)


def test_page_opens_with_its_title_and_intro(page):
    assert page.title[0].value == "Record-level anonymization"
    assert "What this measures" in page.markdown[0].value


def test_page_uses_the_quasi_identifiers_of_the_session(page):
    chosen = page.multiselect(key="anonymize_quasi_identifiers").value
    assert chosen == list(QUASI_IDENTIFIERS)


def test_default_release_meets_k(page):
    assert int(metric(page, "Smallest crowd (k achieved)")) >= 5
    assert "Chosen transformation" in page.info[0].value


def test_larger_k_gives_larger_crowds(page):
    page.number_input(key="anonymize_k").set_value(20).run()
    assert not page.exception
    assert int(metric(page, "Smallest crowd (k achieved)")) >= 20


def test_k_larger_than_the_table_shows_an_error(page):
    page.number_input(key="anonymize_k").set_value(5000).run()
    assert not page.exception
    assert "k = 5000 is larger than the table, which has 300 records" in errors(page)


def test_local_recoding_releases_without_suppression(page):
    page.radio(key="anonymize_method").set_value("local").run()
    assert not page.exception
    assert metric(page, "Records suppressed") == "0"
    assert "Mondrian" in page.info[0].value


def test_pasted_hierarchy_that_misses_values_shows_an_error(page):
    page.selectbox(key="anonymize_rule_gender").set_value("arx").run()
    page.text_area(key="anonymize_arx_text_gender").set_value("Female;*").run()
    assert not page.exception
    assert "does not cover" in errors(page)
    assert "'Male'" in errors(page)


def test_pasted_hierarchy_that_covers_the_data_is_used(page, small_population):
    values = sorted(small_population.table["gender"].dropna().unique())
    pasted = "\n".join(f"{value};*" for value in values)
    page.selectbox(key="anonymize_rule_gender").set_value("arx").run()
    page.text_area(key="anonymize_arx_text_gender").set_value(pasted).run()
    assert not page.exception
    assert not page.error


def test_interval_widths_that_are_not_numbers_show_an_error(page):
    page.multiselect(key="anonymize_quasi_identifiers").set_value(
        ["days_enrolled"]
    ).run()
    page.selectbox(key="anonymize_rule_days_enrolled").set_value("intervals").run()
    page.text_input(key="anonymize_intervals_days_enrolled_widths").set_value(
        "five"
    ).run()
    assert not page.exception
    assert "Interval widths must be numbers" in errors(page)


def test_l_diversity_on_a_sensitive_attribute_runs(page):
    page.radio(key="anonymize_protection").set_value("l-diversity").run()
    assert not page.exception
    assert page.selectbox(key="anonymize_sensitive").value == "english_learner"
    assert "l-diversity l = 2.0" in page.info[0].value


def test_unreachable_l_shows_an_error(page):
    page.radio(key="anonymize_protection").set_value("l-diversity").run()
    page.number_input(key="anonymize_l").set_value(3.0).run()
    assert not page.exception
    assert "No transformation reaches" in errors(page)


def test_frontier_candidates_can_be_inspected(page):
    first = metric(page, "Highest risk")
    last = len(page.selectbox(key="anonymize_candidate").options) - 1
    page.selectbox(key="anonymize_candidate").set_value(last).run()
    assert not page.exception
    assert metric(page, "Highest risk") != first


def test_frontier_can_include_local_recoding(page):
    before = len(page.selectbox(key="anonymize_candidate").options)
    page.toggle(key="anonymize_frontier_local").set_value(True).run()
    assert not page.exception
    assert len(page.selectbox(key="anonymize_candidate").options) == 2 * before


def test_release_preview_drops_direct_identifiers(page):
    release = page.dataframe[-1].value
    assert "home_zip" in release.columns
    assert "student_id" not in release.columns
    assert "full_name" not in release.columns


def test_workshop_mode_hides_the_release_rows(page):
    page.session_state["workshop_mode"] = True
    page.run()
    assert not page.exception
    assert any("individual records are hidden" in item.value for item in page.caption)
    assert all("home_zip" not in frame.value.columns for frame in page.dataframe)
