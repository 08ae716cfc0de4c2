"""The "Choosing epsilon" page, driven headless from the entry script."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("pages/epsilon.py")
    app.run()
    assert not app.exception
    return app


def released(app: AppTest) -> pd.DataFrame:
    # The released table is the page's last dataframe, under its subheader.
    assert app.subheader[-1].value == "The released numbers"
    return app.dataframe[-1].value


def metric(app: AppTest, label: str) -> str:
    return next(item.value for item in app.metric if item.label == label)


def make_release(app: AppTest, epsilon: float = 0.1) -> AppTest:
    app.number_input(key="epsilon_release_value").set_value(epsilon)
    app.button(key="epsilon_make").click().run()
    return app


@pytest.fixture
def page() -> AppTest:
    return open_page()


def test_page_opens_with_its_sections(page: AppTest) -> None:
    assert page.title[0].value == "Choosing epsilon"
    assert [header.value for header in page.header] == [
        "What an ε means for a student",
        "Accuracy and risk across ε",
        "The smallest ε for the accuracy you need",
        "Decisions under the noise",
        "This session's budget",
        "Make a release",
        "A mean, sum or quantile",
    ]


def test_page_states_the_risk_of_the_chosen_epsilon(page: AppTest) -> None:
    assert metric(page, "Attacker's certainty after, at most") == "23%"
    assert any("at most 23% sure" in item.value for item in page.markdown)


def test_release_spends_the_session_budget(page: AppTest) -> None:
    make_release(page, 0.25)
    assert not page.exception
    assert (metric(page, "Spent"), metric(page, "Left")) == ("0.25", "0.75")


def test_moving_an_unrelated_widget_keeps_the_released_numbers(page: AppTest) -> None:
    first = released(make_release(page))
    page.slider(key="epsilon_prior").set_value(0.5).run()
    page.number_input(key="epsilon_value").set_value(3.0).run()
    pd.testing.assert_frame_equal(released(page), first)


def test_downloading_keeps_the_released_numbers(page: AppTest) -> None:
    first = released(make_release(page))
    page.get("download_button")[0].click().run()
    assert not page.exception
    pd.testing.assert_frame_equal(released(page), first)
    assert metric(page, "Releases") == "1"


def test_switching_pages_keeps_the_release(page: AppTest) -> None:
    first = released(make_release(page))
    page.switch_page("pages/home.py").run()
    page.switch_page("pages/epsilon.py").run()
    pd.testing.assert_frame_equal(released(page), first)


def test_draw_again_spends_epsilon_again(page: AppTest) -> None:
    make_release(page, 0.2)
    page.button(key="epsilon_draw_again").click().run()
    assert metric(page, "Spent") == "0.4"
    assert metric(page, "Releases") == "2"


def test_two_sessions_have_separate_budgets(page: AppTest) -> None:
    make_release(page, 0.5)
    other = open_page()
    assert metric(page, "Spent") == "0.5"
    assert metric(other, "Spent") == "0"


def test_release_over_the_cap_is_refused(page: AppTest) -> None:
    make_release(page, 1.5)
    assert not page.exception
    assert any(
        "needs ε = 1.5 but only ε = 1 is left" in item.value for item in page.error
    )
    assert metric(page, "Spent") == "0"


def test_non_positive_epsilon_shows_a_clear_error(page: AppTest) -> None:
    page.number_input(key="epsilon_value").set_value(-1.0).run()
    assert not page.exception
    assert [item.value for item in page.error] == [
        "epsilon must be a number above 0; got -1.0. Choose a positive value "
        "such as 1.0."
    ]


def test_solver_answers_with_the_smallest_epsilon(page: AppTest) -> None:
    page.button[0].click().run()
    assert not page.exception
    assert page.success[0].value.startswith(
        "The smallest total ε meeting every stated error is"
    )


def test_rate_release_shows_rates(page: AppTest) -> None:
    page.radio(key="epsilon_kind").set_value("rates").run()
    page.selectbox(key="epsilon_indicator").set_value("chronically_absent")
    make_release(page, 0.5)
    assert not page.exception
    assert "rate" in released(page).columns


def test_geometric_release_without_rounding_is_listed_as_such(page: AppTest) -> None:
    page.radio(key="epsilon_mechanism").set_value("geometric")
    page.multiselect(key="epsilon_postprocess").set_value(["clamp"])
    make_release(page, 0.5)
    assert not page.exception
    assert any(
        "two-sided geometric" in item.value and "rounded" not in item.value
        for item in page.markdown
    )
