"""Headless page tests: every page of the app, driven as a user would."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from privacy.config import TierConfig
from privacy.datasets import load_builtin
from privacy.roles import ColumnRole, columns_with_role

TIMEOUT = 180
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def small_population():
    """A 600-student sample of the synthetic population: fast to anonymize."""
    return load_builtin("synthetic", students=600, seed=11)


@pytest.fixture
def app(small_population) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["dataset"] = small_population
    at.session_state["roles"] = dict(small_population.roles)
    at.run()
    assert not at.exception
    return at


def _texts(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def test_overview_page_introduces_the_four_tiers(app):
    assert app.title[0].value == "Boston data-sharing tradeoff explorer"
    tiers = app.table[0].value.index.tolist()
    assert len(tiers) == 4
    assert tiers[0].startswith("1. Current state")


def test_app_starts_on_the_whole_synthetic_district():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    dataset = at.session_state["dataset"]
    assert dataset.kind == "synthetic"
    assert len(dataset.table) > 40_000


def test_data_page_shows_roles_and_switches_to_real_microdata(app):
    app.switch_page("pages/data.py").run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    table = app.session_state["dataset"].table
    quasi_identifiers = columns_with_role(
        app.session_state["roles"], ColumnRole.QUASI_IDENTIFIER
    )
    classes = table.groupby(quasi_identifiers, dropna=False).size()
    assert metrics["Unique students"] == f"{int((classes == 1).sum()):,}"
    captions = " ".join(caption.value for caption in app.caption)
    assert "Zayatz" in captions
    assert "highest journalist risk" in captions
    app.radio(key="source").set_value("uci-student-mat").run()
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state["dataset"].name.startswith("UCI")
    assert len(app.session_state["dataset"].table) == 395


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("header.csv", b"school,grade\n", "no rows"),
        ("picture.csv", bytes(range(256)) * 4, "not"),
        ("blank.csv", b",,\n1,2,3\n", "blank"),
        ("twice.csv", b"grade,grade,school\n1,2,A\n", "duplicate"),
        ("ragged.csv", b"grade,school\n1,A\n2,B,extra\n", "line 3"),
    ],
    ids=[
        "empty",
        "header-only",
        "binary",
        "no-usable-column-names",
        "duplicate-column-names",
        "ragged-row",
    ],
)
def test_data_page_explains_bad_uploads(app, name, content, message):
    app.switch_page("pages/data.py").run()
    app.radio(key="source").set_value("upload").run()
    app.file_uploader[0].upload(name, content, "text/csv").run()
    assert not app.exception
    errors = _texts(app.error).lower()
    assert message in errors
    # The session keeps the data it had: nothing is lost.
    assert app.session_state["dataset"].kind == "synthetic"


def test_data_page_loads_a_good_upload_with_leading_zeros(app):
    content = (
        "student_id;school;grade;zip;absent\n"
        "000123;A;1;02134;yes\n000124;A;2;02135;no\n000125;B;1;02134;no\n"
    ).encode("utf-8-sig")
    app.switch_page("pages/data.py").run()
    app.radio(key="source").set_value("upload").run()
    app.file_uploader[0].upload("mine.csv", content, "text/csv").run()
    assert not app.exception
    table = app.session_state["dataset"].table
    assert table["student_id"].tolist() == ["000123", "000124", "000125"]
    assert table["zip"].iloc[0] == "02134"


def test_risk_and_utility_page_moves_with_k(app):
    app.switch_page("pages/explore.py").run()
    assert not app.exception
    app.radio(key="cfg_tier").set_value(3).run()
    app.slider(key="cfg_k").set_value(10).run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["k achieved"] != "—"
    assert int(metrics["k achieved"].replace(",", "")) >= 10
    assert app.session_state["tier_config"].k == 10


def test_risk_and_utility_page_shows_each_tier(app):
    app.switch_page("pages/explore.py").run()
    for tier in (1, 2, 4):
        app.radio(key="cfg_tier").set_value(tier).run()
        assert not app.exception, tier
        assert app.metric, tier


def test_private_release_is_drawn_once_and_spends_budget(app):
    # Open the page straight on tier 2 with noise, as a loaded configuration
    # would, so the test does not wait for the suppressed table first.
    app.session_state["tier_config"] = TierConfig(
        tier=2, protection="differential_privacy", epsilon=1.0
    )
    app.switch_page("pages/explore.py").run()
    assert app.radio(key="cfg_protection").value == "differential_privacy"
    app.button[0].click().run()
    assert not app.exception
    first = app.dataframe[-1].value.copy()
    spent = float(app.session_state["privacy_budget"].spent)
    assert spent == pytest.approx(1.0)

    # Moving an unrelated widget shows the same released numbers.
    app.selectbox(key="cfg_indicator").set_value(
        app.selectbox(key="cfg_indicator").options[0]
    ).run()
    app.switch_page("pages/home.py").run()
    app.switch_page("pages/explore.py").run()
    assert app.dataframe[-1].value.equals(first)
    assert float(app.session_state["privacy_budget"].spent) == pytest.approx(spent)


def test_compare_page_lists_every_tier(app):
    app.switch_page("pages/compare.py").run()
    assert not app.exception
    tiers = app.dataframe[0].value["tier"].tolist()
    assert tiers[0] == "1. Current state"
    assert "4. Research" in tiers


def test_export_then_reload_restores_the_configuration(app):
    app.switch_page("pages/explore.py").run()
    app.radio(key="cfg_tier").set_value(3).run()
    app.slider(key="cfg_k").set_value(7).run()
    app.switch_page("pages/export.py").run()
    assert not app.exception
    exported = json.loads(app.code[0].value)
    assert exported["tier"]["k"] == 7
    assert "key" not in json.dumps(exported["tier"])

    # A new session loads the file and gets the same state back.
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    fresh.run()
    fresh.switch_page("pages/export.py").run()
    fresh.file_uploader[0].upload(
        "configuration.json", json.dumps(exported).encode(), "application/json"
    ).run()
    assert not fresh.exception
    assert fresh.session_state["tier_config"].k == 7
    assert len(fresh.session_state["dataset"].table) == 600
    assert "fingerprint matches" in _texts(fresh.success)


def test_export_page_refuses_a_bad_configuration_naming_the_field(app):
    app.switch_page("pages/export.py").run()
    broken = json.loads(app.code[0].value)
    broken["tier"]["epsilon"] = -1
    app.file_uploader[0].upload(
        "configuration.json", json.dumps(broken).encode(), "application/json"
    ).run()
    assert not app.exception
    assert "'epsilon' must be a number above 0" in _texts(app.error)


def test_hierarchies_chosen_on_the_anonymization_page_drive_tier_3(app):
    app.switch_page("pages/anonymize.py").run()
    assert not app.exception
    app.button(key="anonymize_apply").click().run()
    assert not app.exception
    config = app.session_state["tier_config"]
    assert config.tier == 3
    assert config.levels is not None
    assert config.hierarchies["date_of_birth"]["rule"] == "automatic"

    app.switch_page("pages/explore.py").run()
    assert not app.exception
    assert app.toggle(key="cfg_search").value is False
    levels = {m.label: m.value for m in app.metric}
    assert int(levels["k achieved"]) >= config.k

    app.switch_page("pages/export.py").run()
    exported = json.loads(app.code[0].value)
    assert exported["tier"]["levels"] == config.levels


def test_a_new_dataset_clears_releases_made_from_the_old_one(app):
    app.session_state["tier_config"] = TierConfig(
        tier=2, protection="differential_privacy", epsilon=0.5
    )
    app.switch_page("pages/explore.py").run()
    app.button[0].click().run()
    assert app.session_state["private_release"] is not None

    app.switch_page("pages/data.py").run()
    app.radio(key="source").set_value("uci-student-mat").run()
    app.button[0].click().run()
    assert "private_release" not in app.session_state
    # The budget spent on the old data stays spent.
    assert float(app.session_state["privacy_budget"].spent) == pytest.approx(0.5)


def test_tier_4_compares_a_private_model_with_its_twin(app):
    app.session_state["tier_config"] = TierConfig(
        tier=4, sensitive_attribute="disability"
    )
    app.switch_page("pages/explore.py").run()
    app.selectbox(key="cfg_model_target").set_value("chronically_absent").run()
    app.select_slider(key="cfg_model_epsilon").set_value(0.5).run()
    app.button(key="cfg_model_train").click().run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Private model (ε = 0.5)"].endswith("%")
    assert "Same model without privacy" in metrics
    assert float(app.session_state["privacy_budget"].spent) == pytest.approx(0.5)


def test_tier_1_leaves_the_tier_2_choices_alone(app):
    app.session_state["tier_config"] = TierConfig(
        tier=2, protection="differential_privacy", dimensions=("school", "gender")
    )
    app.switch_page("pages/explore.py").run()
    app.radio(key="cfg_tier").set_value(1).run()
    assert not app.exception
    labels = [metric.label for metric in app.metric]
    assert "Highest risk in a published cell" in labels
    assert not [button for button in app.button if "release" in button.label]
    config = app.session_state["tier_config"]
    assert config.dimensions == ("school", "gender")
    assert config.protection == "differential_privacy"


def test_choosing_epsilon_shows_decision_flips_without_spending(app):
    app.switch_page("pages/epsilon.py").run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    schools = app.session_state["dataset"].table["school"].nunique()
    assert metrics["Schools that may be flagged wrongly"].endswith(f"of {schools}")
    app.select_slider(key="epsilon_flip_value").set_value(0.05).run()
    noisier = {metric.label: metric.value for metric in app.metric}
    assert float(noisier["Expected wrong flags per release"]) >= float(
        metrics["Expected wrong flags per release"]
    )
    assert float(app.session_state["privacy_budget"].spent) == 0.0


def test_a_mean_is_released_within_declared_bounds(app):
    app.switch_page("pages/epsilon.py").run()
    app.selectbox(key="epsilon_statistic_column").set_value("attendance_rate").run()
    app.number_input(key="epsilon_statistic_value").set_value(0.5).run()
    app.button(key="epsilon_statistic_make").click().run()
    assert not app.exception
    released = app.session_state["epsilon_statistic"]
    assert released.bounds == (0.0, 100.0)
    assert 0.0 <= released.value <= 100.0
    assert float(app.session_state["privacy_budget"].spent) == pytest.approx(0.5)


def test_a_statistic_without_bounds_asks_for_them(app):
    """The UCI data has no declared ranges: the user must give them."""
    uci = load_builtin("uci-student-mat")
    app.session_state["dataset"] = uci
    app.session_state["roles"] = dict(uci.roles)
    app.switch_page("pages/epsilon.py").run()
    app.selectbox(key="epsilon_statistic_column").set_value("absences").run()
    app.button(key="epsilon_statistic_make").click().run()
    assert not app.exception
    assert "bounds" in _texts(app.error).lower()
    assert float(app.session_state["privacy_budget"].spent) == 0.0


def test_compare_page_works_on_real_microdata(app):
    uci = load_builtin("uci-student-mat")
    app.session_state["dataset"] = uci
    app.session_state["roles"] = dict(uci.roles)
    app.switch_page("pages/compare.py").run()
    assert not app.exception
    assert "2. Aggregated, DP" in app.dataframe[0].value["tier"].tolist()


def test_workshop_mode_hides_quoted_cells_of_an_upload(app):
    content = b"student_id,school,grade,note_score\n001,A,1,12\n002,A,2,Jane Doe\n"
    # The switch lives in the app's sidebar; headless page runs set its state.
    app.session_state["workshop_mode"] = True
    app.switch_page("pages/data.py").run()
    app.radio(key="source").set_value("upload").run()
    app.file_uploader[0].upload("mixed.csv", content, "text/csv").run()
    assert not app.exception
    shown = _texts(app.warning) + _texts(app.info)
    assert "note_score" in shown
    assert "Jane Doe" not in shown


# Accented names in Windows-1252, as a spreadsheet on Windows saves them.
WINDOWS_1252_SEMICOLONS = (
    "student_id;\u00e9cole;zip\n0001;\u00c9lan;02134\n0002;\u00d1u;02135\n"
).encode("cp1252")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (WINDOWS_1252_SEMICOLONS, "windows.csv"),
        (b"student_id\tschool\tzip\n0001\tA\t02134\n0002\tB\t02135\n", "tabs.tsv"),
    ],
    ids=["windows-1252-semicolons", "tabs"],
)
def test_data_page_reads_other_encodings_and_delimiters(app, content, name):
    app.switch_page("pages/data.py").run()
    app.radio(key="source").set_value("upload").run()
    app.file_uploader[0].upload(name, content, "text/csv").run()
    assert not app.exception
    table = app.session_state["dataset"].table
    assert table.shape == (2, 3)
    assert table.iloc[0, 0] == "0001"
    assert table.iloc[0, 2] == "02134"
