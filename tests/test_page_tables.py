"""The "Published tables" page, driven headless from the entry script."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def page() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("pages/tables.py")
    app.run()
    assert not app.exception
    return app


def test_page_opens_with_its_sections(page: AppTest) -> None:
    assert page.title[0].value == "Published tables"
    assert [header.value for header in page.header] == [
        "The table",
        "What would be published",
        "The attacker's audit",
        "Who loses their numbers",
        "Suppression beside differential privacy",
        "Differencing between releases",
        "Audit a table you publish",
    ]


def test_default_release_passes_the_audit(page: AppTest) -> None:
    assert any("No withheld cell can be pinned down" in s.value for s in page.success)
    below = next(m for m in page.metric if m.label.startswith("Published cells"))
    assert below.value == "0"


def test_primary_suppression_alone_is_flagged(page: AppTest) -> None:
    page.checkbox(key="tables_complementary").uncheck().run()

    assert not page.exception
    assert any("can be recovered to within" in e.value for e in page.error)


def test_a_dimension_with_too_many_categories_is_an_error(page: AppTest) -> None:
    page.multiselect(key="tables_dimensions").set_value(["student_id"]).run()

    assert not page.exception
    assert any("categories; at most" in e.value for e in page.error)


def test_a_pasted_table_with_no_numeric_cells_is_an_error(page: AppTest) -> None:
    page.text_area(key="tables_paste").input("school,grade 1,grade 2\nA,*,*\n").run()

    assert not page.exception
    assert any("no numeric cells" in e.value for e in page.error)


def test_a_pasted_table_with_one_blank_and_its_total_is_flagged(page: AppTest) -> None:
    pasted = "school,grade 1,grade 2,Total\nA,3,*,10\nB,7,9,16\n"
    page.text_area(key="tables_paste").input(pasted).run()

    assert not page.exception
    assert any("1 blank(s) can be recovered" in e.value for e in page.error)


def test_a_large_table_asks_before_protecting(page: AppTest) -> None:
    page.multiselect(key="tables_dimensions").set_value(
        ["school", "grade", "race_ethnicity"]
    ).run()

    assert not page.exception
    assert any("can take minutes" in w.value for w in page.warning)
    assert [b.label for b in page.button] == ["Protect it anyway"]
