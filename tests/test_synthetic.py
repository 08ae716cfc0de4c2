"""The synthetic BPS population: exact counts, calibrated shares, true effect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import privacy.synthetic as synthetic
from privacy.exceptions import InputError
from privacy.synthetic import (
    COLUMNS,
    COMMUNITY_CENTER_ATTENDANCE_EFFECT,
    DEFAULT_YEAR,
    GRADES,
    SCHOOL_YEARS,
    SUMMER_JOBS_ATTENDANCE_EFFECT,
    TESTED_GRADES,
    ZIP_NEIGHBORHOODS,
    calibration_report,
    generate_population,
    published_figures,
)

DESE_DIRECTORY = Path(__file__).resolve().parents[1] / "data" / "dese-boston"
SEED = 11


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return generate_population(DEFAULT_YEAR, seed=SEED)


@pytest.fixture(scope="module")
def population_2017() -> pd.DataFrame:
    return generate_population("2017-18", seed=SEED)


def _dese_grade_counts(year: str) -> pd.DataFrame:
    """DESE's school-by-grade counts, read straight from the shipped file."""
    table = pd.read_csv(
        DESE_DIRECTORY / "boston_enrollment_by_grade.csv", dtype={"DESE ID": str}
    )
    table = table[(table["Academic Year"] == year) & (table["Total"] > 0)]
    return table.set_index("DESE ID")[list(GRADES)].sort_index()


def _age_on_september_first(population: pd.DataFrame, year: str) -> pd.Series:
    start = pd.Timestamp(int(year[:4]), 9, 1)
    birth = population["date_of_birth"]
    had_birthday = (birth.dt.month < 9) | ((birth.dt.month == 9) & (birth.dt.day <= 1))
    return start.year - birth.dt.year - 1 + had_birthday.astype(int)


# Exact counts -------------------------------------------------------------


@pytest.mark.parametrize("year", ["2017-18", "2020-21", "2024-25"])
def test_school_grade_counts_equal_dese_for_every_school(year: str) -> None:
    population = generate_population(year, seed=SEED)
    counts = pd.crosstab(population["school_id"], population["grade"])
    counts = counts.reindex(columns=list(GRADES), fill_value=0).sort_index()
    expected = _dese_grade_counts(year)
    assert list(counts.index) == list(expected.index)
    np.testing.assert_array_equal(counts.to_numpy(), expected.to_numpy())


def test_district_size_is_dese_total(population: pd.DataFrame) -> None:
    assert len(population) == 46094


def test_school_names_drop_the_district_prefix(population: pd.DataFrame) -> None:
    names = population.drop_duplicates("school_id").set_index("school_id")["school"]
    assert names["00350001"] == "Lee Academy"
    assert not names.str.startswith("Boston -").any()
    assert names["00350755"] == "Boston Collaborative High School"


# Columns and types --------------------------------------------------------


def test_columns_are_in_the_documented_order(population: pd.DataFrame) -> None:
    assert tuple(population.columns) == COLUMNS


def test_column_dtypes(population: pd.DataFrame) -> None:
    dtypes = population.dtypes
    assert dtypes["date_of_birth"] == np.dtype("datetime64[ns]")
    for column in ("english_learner", "disability", "low_income"):
        assert dtypes[column] == np.dtype(bool)
    for column in ("chronically_absent", "summer_jobs", "community_center"):
        assert dtypes[column] == np.dtype(bool)
    for column in ("days_enrolled", "days_absent"):
        assert pd.api.types.is_integer_dtype(dtypes[column])
    for column in ("attendance_rate", "ela_score", "math_score"):
        assert dtypes[column] == np.dtype(float)
    for column in ("student_id", "full_name", "home_zip", "school_id", "grade"):
        assert population[column].map(type).eq(str).all()


def test_student_ids_are_unique_six_digit_strings_with_leading_zeros(
    population: pd.DataFrame,
) -> None:
    ids = population["student_id"]
    assert ids.is_unique
    assert ids.str.fullmatch("[0-9]{6}").all()
    assert ids.str.startswith("0").any()


def test_school_ids_are_eight_digit_dese_codes(population: pd.DataFrame) -> None:
    assert population["school_id"].str.fullmatch("0035[0-9]{4}").all()


def test_grades_are_the_dese_labels(population: pd.DataFrame) -> None:
    assert set(population["grade"]) == set(GRADES)


def test_full_names_have_a_first_and_a_last_name(population: pd.DataFrame) -> None:
    parts = population["full_name"].str.split(" ")
    assert parts.map(len).eq(2).all()
    assert population["full_name"].nunique() > 1000


# Dates of birth, ZIP codes ------------------------------------------------


def test_dates_of_birth_match_grade_within_one_year(population: pd.DataFrame) -> None:
    age = _age_on_september_first(population, DEFAULT_YEAR)
    numbered = ~population["grade"].isin(["PK", "K", "SP"])
    usual = population.loc[numbered, "grade"].astype(int) + 5
    gap = age[numbered] - usual
    assert gap.between(-1, 1).all()
    assert (gap == 0).mean() > 0.9


def test_prekindergarten_kindergarten_and_sp_ages(population: pd.DataFrame) -> None:
    age = _age_on_september_first(population, DEFAULT_YEAR)
    grade = population["grade"]
    assert age[grade == "PK"].eq(4).all()
    assert age[grade == "K"].eq(5).all()
    assert age[grade == "SP"].between(18, 21).all()


def test_neighborhood_is_the_one_of_the_home_zip(population: pd.DataFrame) -> None:
    assert (
        population["home_zip"].map(ZIP_NEIGHBORHOODS).equals(population["neighborhood"])
    )


def test_home_zips_are_boston_codes_with_leading_zero(
    population: pd.DataFrame,
) -> None:
    assert population["home_zip"].str.fullmatch("02[0-9]{3}").all()
    assert set(population["home_zip"]) <= set(ZIP_NEIGHBORHOODS)


# Attendance, scores, programs ---------------------------------------------


def test_chronic_absence_is_ten_percent_of_days_enrolled(
    population: pd.DataFrame,
) -> None:
    expected = population["days_absent"] >= 0.1 * population["days_enrolled"]
    assert population["chronically_absent"].equals(expected)


def test_attendance_rate_is_days_attended_over_days_enrolled(
    population: pd.DataFrame,
) -> None:
    rate = 100 * (1 - population["days_absent"] / population["days_enrolled"])
    np.testing.assert_allclose(population["attendance_rate"], rate, atol=0.05)
    assert population["days_enrolled"].between(120, 180).all()
    assert (population["days_enrolled"] == 180).mean() > 0.85


def test_scores_exist_only_in_tested_grades(population: pd.DataFrame) -> None:
    tested = population["grade"].isin(TESTED_GRADES)
    for column in ("ela_score", "math_score"):
        assert population.loc[tested, column].notna().all()
        assert population.loc[~tested, column].isna().all()
        assert population.loc[tested, column].between(440, 560).all()


def test_scores_are_lower_for_low_income_students_and_track_attendance(
    population: pd.DataFrame,
) -> None:
    tested = population.dropna(subset=["ela_score"])
    by_income = tested.groupby("low_income")["math_score"].mean()
    assert by_income[False] - by_income[True] > 3
    assert tested["ela_score"].corr(tested["attendance_rate"]) > 0.1
    assert tested["ela_score"].corr(tested["math_score"]) > 0.5


def test_summer_jobs_only_at_ages_14_to_18(population: pd.DataFrame) -> None:
    age = _age_on_september_first(population, DEFAULT_YEAR)
    assert age[population["summer_jobs"]].between(14, 18).all()
    assert population["summer_jobs"].sum() > 1000


def test_low_income_students_join_the_programs_more_often(
    population: pd.DataFrame,
) -> None:
    rates = population.groupby("low_income")["community_center"].mean()
    assert rates[True] > 1.5 * rates[False]


# Calibration --------------------------------------------------------------


def _count_false_alarms(report: pd.DataFrame, z_limit: float) -> tuple[int, int]:
    """Figures whose synthetic value is more than z_limit errors away."""
    testable = report[report["standard_error"] > 0]
    z_score = testable["difference"] / testable["standard_error"]
    return int((z_score.abs() > z_limit).sum()), len(testable)


@pytest.mark.parametrize("year", ["2017-18", "2024-25"])
def test_school_shares_are_within_sampling_error(year: str) -> None:
    """A two-sided z-test per school and figure allows a few chance alarms.

    At |z| > 3.29 one test in a thousand fails by chance, so a handful of
    alarms over about 1,500 tests is expected.
    """
    report = calibration_report(generate_population(year, seed=SEED), year)
    alarms, tests = _count_false_alarms(report, z_limit=3.29)
    assert tests > 1000
    assert alarms <= 8


def test_figures_published_as_zero_or_all_are_matched_exactly(
    population: pd.DataFrame,
) -> None:
    report = calibration_report(population, DEFAULT_YEAR)
    certain = report[report["published"].isin([0.0, 100.0])]
    assert len(certain) > 0
    np.testing.assert_allclose(certain["synthetic"], certain["published"])


def test_school_attendance_rate_matches_dese_after_the_program_effects(
    population: pd.DataFrame,
) -> None:
    report = calibration_report(population, DEFAULT_YEAR)
    attendance = report[report["figure"] == "attendance_rate"]
    assert (attendance["difference"].abs() < 2 * attendance["standard_error"]).all()
    assert attendance["difference"].abs().median() < 0.1


@pytest.mark.parametrize(
    "figure", ["low_income", "english_learner", "disability", "chronically_absent"]
)
def test_district_shares_are_close_to_dese(
    population: pd.DataFrame, figure: str
) -> None:
    figures = published_figures(DEFAULT_YEAR)
    published = np.average(figures[figure], weights=figures["students"])
    assert abs(100 * population[figure].mean() - published) < 0.7


def test_nonbinary_is_absent_before_dese_counted_it(
    population_2017: pd.DataFrame,
) -> None:
    assert "Nonbinary" not in set(population_2017["gender"])


def test_calibration_report_marks_nothing_imputed_when_dese_has_every_figure(
    population: pd.DataFrame,
) -> None:
    report = calibration_report(population, DEFAULT_YEAR)
    assert not report["imputed"].any()


def test_calibration_report_on_four_hand_made_students() -> None:
    """Lee Academy, 2024-25: DESE publishes 79.3% low income, 90.3% attendance."""
    four = pd.DataFrame(
        {
            "school_id": ["00350001"] * 4,
            "race_ethnicity": ["Asian", "White", "White", "White"],
            "gender": ["Female", "Female", "Male", "Male"],
            "english_learner": [True, False, False, False],
            "disability": [False, False, False, False],
            "low_income": [True, True, True, False],
            "chronically_absent": [False, True, False, False],
            "days_enrolled": [180, 180, 180, 180],
            "days_absent": [0, 18, 9, 9],
            "attendance_rate": [100.0, 90.0, 95.0, 95.0],
        }
    )
    report = calibration_report(four, "2024-25").set_index("figure")
    assert set(report["students"]) == {4}
    assert report.loc["low_income", "published"] == pytest.approx(79.3)
    assert report.loc["low_income", "synthetic"] == 75.0
    assert report.loc["low_income", "standard_error"] == pytest.approx(
        100 * np.sqrt(0.793 * 0.207 / 4)
    )
    assert report.loc["gender: Female", "synthetic"] == 50.0
    assert report.loc["race_ethnicity: White", "synthetic"] == 75.0
    assert report.loc["chronically_absent", "synthetic"] == 25.0
    # 36 days absent out of 720 enrolled.
    assert report.loc["attendance_rate", "synthetic"] == pytest.approx(95.0)
    assert report.loc["attendance_rate", "difference"] == pytest.approx(4.7)
    assert report.loc["attendance_rate", "standard_error"] == pytest.approx(
        np.std([100.0, 90.0, 95.0, 95.0], ddof=1) / 2
    )


def test_calibration_report_rejects_a_frame_without_the_needed_columns() -> None:
    frame = pd.DataFrame({"school_id": ["00350001"]})
    with pytest.raises(InputError, match="lacks the columns"):
        calibration_report(frame, DEFAULT_YEAR)


# A tiny hand-made DESE extract --------------------------------------------


def _write_tiny_dese(folder: Path) -> None:
    """Write three schools: A (10 students), B (closed) and C (20 students).

    C has no class-size figures, so its shares must be A's, the only district
    figure.
    """
    grade_columns = ",".join(GRADES)
    zeros = ["0"] * len(GRADES)
    school_a = zeros.copy()
    school_a[0], school_a[1], school_a[2] = "2", "3", "5"
    school_c = zeros.copy()
    school_c[GRADES.index("9")] = "20"
    (folder / "boston_enrollment_by_grade.csv").write_text(
        f"Academic Year,School Name,DESE ID,{grade_columns},Total\n"
        f"2024-25,Boston - School A,00350001,{','.join(school_a)},10\n"
        f"2024-25,Boston - School B,00350002,{','.join(zeros)},0\n"
        f"2024-25,Boston - School C,00350003,{','.join(school_c)},20\n"
    )
    race_header = ",".join(f'"{name}"' for name in synthetic.RACE_ETHNICITY_CATEGORIES)
    (folder / "boston_enrollment_by_race_gender_pct.csv").write_text(
        f"Academic Year,School Name,DESE ID,{race_header},Female,Male,Nonbinary\n"
        "2024-25,Boston - School A,00350001,0,0,100,0,0,0,0,100,0,0\n"
        "2024-25,Boston - School C,00350003,0,0,0,0,0,0,100,0,100,0\n"
    )
    (folder / "boston_class_size_selected_populations.csv").write_text(
        "Academic Year,School Name,DESE ID,Total # of Classes,Average Class Size,"
        "Number of Students,Female %,Male %,English Language Learner %,"
        "Students with Disabilities %,Economically Disadvantaged %\n"
        "2024-25,Boston - School A,00350001,1,10,10,100,0,100,0,100\n"
        "2024-25,Boston - School C,00350003,0,0,0,0,0,0,0,0\n"
    )
    (folder / "boston_attendance.csv").write_text(
        "Academic Year,School Name,DESE ID,Attendance Rate,Average # of Absences,"
        "Absent 10 or more days,Chronically Absent (10% or more),"
        "Chronically Absent (20% or more),Unexcused > 9 days\n"
        "2024-25,Boston-School A,00350001,90.0,18,50,50.0,10,5\n"
        "2024-25,Boston-School C,00350003,80.0,36,50,50.0,10,5\n"
    )


@pytest.fixture
def tiny_population(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    _write_tiny_dese(tmp_path)
    monkeypatch.setattr(synthetic, "DATA_DIRECTORY", tmp_path)
    return generate_population(DEFAULT_YEAR, seed=SEED)


def test_tiny_extract_skips_the_school_with_no_students(
    tiny_population: pd.DataFrame,
) -> None:
    assert len(tiny_population) == 30
    assert set(tiny_population["school_id"]) == {"00350001", "00350003"}


def test_tiny_extract_draws_certain_shares_exactly(
    tiny_population: pd.DataFrame,
) -> None:
    school_a = tiny_population[tiny_population["school_id"] == "00350001"]
    assert school_a["race_ethnicity"].eq("Black or African American").all()
    assert school_a["gender"].eq("Female").all()
    assert school_a["english_learner"].all() and school_a["low_income"].all()
    assert not school_a["disability"].any()


def test_missing_school_figures_fall_back_to_the_district_figure(
    tiny_population: pd.DataFrame,
) -> None:
    school_c = tiny_population[tiny_population["school_id"] == "00350003"]
    assert school_c["english_learner"].all() and school_c["low_income"].all()
    report = calibration_report(tiny_population, DEFAULT_YEAR)
    imputed = report[report["imputed"]]
    assert set(imputed["school_id"]) == {"00350003"}
    assert set(imputed["figure"]) == {"english_learner", "disability", "low_income"}
    assert imputed.set_index("figure").loc["english_learner", "published"] == 100.0


def test_tiny_extract_hits_the_published_attendance_and_chronic_share(
    tiny_population: pd.DataFrame,
) -> None:
    report = calibration_report(tiny_population, DEFAULT_YEAR).set_index(
        ["school_id", "figure"]
    )
    chronic = report.loc[("00350003", "chronically_absent")]
    assert abs(chronic["difference"]) <= 100 / 20
    attendance = report.loc[("00350003", "attendance_rate")]
    assert abs(attendance["difference"]) < 1.0


# The true effect ----------------------------------------------------------


def _adjusted_effects(population: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """OLS of attendance on both programs and the traits, with fixed effects.

    The fixed effects are one per school and grade, absorbed by demeaning
    every variable within its school-grade cell. Returns the two program
    coefficients and their heteroskedasticity-robust (HC1) standard errors:
    the spread of attendance differs a lot between schools, so the classical
    formula would understate the error.
    """
    columns = [
        "attendance_rate",
        "summer_jobs",
        "community_center",
        "low_income",
        "english_learner",
        "disability",
    ]
    values = population[columns].astype(float)
    cells = population["school_id"] + "/" + population["grade"]
    demeaned = (values - values.groupby(cells).transform("mean")).to_numpy()
    outcome, regressors = demeaned[:, 0], demeaned[:, 1:]

    coefficients, *_ = np.linalg.lstsq(regressors, outcome, rcond=None)
    residuals = outcome - regressors @ coefficients
    bread = np.linalg.inv(regressors.T @ regressors)
    meat = (regressors * residuals[:, np.newaxis] ** 2).T @ regressors
    rows, parameters = len(outcome), regressors.shape[1] + cells.nunique()
    covariance = bread @ meat @ bread * rows / (rows - parameters)
    return coefficients[:2], np.sqrt(np.diag(covariance)[:2])


def _naive_difference(population: pd.DataFrame, program: str) -> float:
    rates = population.groupby(program)["attendance_rate"].mean()
    return float(rates[True] - rates[False])


def test_adjusted_regression_recovers_the_true_effects(
    population: pd.DataFrame,
) -> None:
    estimates, errors = _adjusted_effects(population)
    truth = np.array(
        [SUMMER_JOBS_ATTENDANCE_EFFECT, COMMUNITY_CENTER_ATTENDANCE_EFFECT]
    )
    assert (np.abs(estimates - truth) < 3 * errors).all()
    assert (errors < 0.4).all()


def test_naive_difference_in_means_is_visibly_biased(
    population: pd.DataFrame,
) -> None:
    summer = _naive_difference(population, "summer_jobs")
    center = _naive_difference(population, "community_center")
    assert summer < SUMMER_JOBS_ATTENDANCE_EFFECT - 2.0
    assert center < COMMUNITY_CENTER_ATTENDANCE_EFFECT - 0.5


# Seeds and samples --------------------------------------------------------


def test_same_seed_gives_the_same_frame(population: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(generate_population(DEFAULT_YEAR, SEED), population)


def test_different_seeds_give_different_frames(population: pd.DataFrame) -> None:
    other = generate_population(DEFAULT_YEAR, SEED + 1)
    assert not other["student_id"].equals(population["student_id"])
    assert not other["race_ethnicity"].equals(population["race_ethnicity"])


def test_students_returns_a_seeded_sample_of_the_population(
    population: pd.DataFrame,
) -> None:
    sample = generate_population(DEFAULT_YEAR, SEED, students=500)
    assert len(sample) == 500
    assert tuple(sample.columns) == COLUMNS
    assert sample["student_id"].isin(population["student_id"]).all()
    full = population.set_index("student_id").loc[sample["student_id"]]
    pd.testing.assert_frame_equal(
        full.reset_index()[list(COLUMNS)], sample, check_dtype=False
    )
    pd.testing.assert_frame_equal(
        generate_population(DEFAULT_YEAR, SEED, students=500), sample
    )


def test_students_equal_to_the_district_returns_everyone(
    population: pd.DataFrame,
) -> None:
    sample = generate_population(DEFAULT_YEAR, SEED, students=len(population))
    assert set(sample["student_id"]) == set(population["student_id"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    students=st.integers(min_value=1, max_value=300),
    year=st.sampled_from(SCHOOL_YEARS),
)
def test_any_sample_keeps_the_record_invariants(
    seed: int, students: int, year: str
) -> None:
    sample = generate_population(year, seed, students=students)
    assert len(sample) == students
    assert sample["student_id"].is_unique
    assert sample["home_zip"].map(ZIP_NEIGHBORHOODS).equals(sample["neighborhood"])
    assert sample["attendance_rate"].between(0, 100).all()
    assert (sample["days_absent"] <= sample["days_enrolled"]).all()


# Bad input ----------------------------------------------------------------


@pytest.mark.parametrize("year", ["2016-17", "2025-26", "2024", 2024, None])
def test_unknown_year_is_rejected_with_the_valid_years(year: object) -> None:
    with pytest.raises(InputError, match=r"Choose one of 2017-18, .*2024-25\."):
        generate_population(year)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True, None])
def test_bad_seed_is_rejected(seed: object) -> None:
    with pytest.raises(InputError, match="seed must be a whole number of 0 or more"):
        generate_population(DEFAULT_YEAR, seed)  # type: ignore[arg-type]


@pytest.mark.parametrize("students", [0, -3, 2.5, "10", False])
def test_bad_sample_size_is_rejected(students: object) -> None:
    with pytest.raises(InputError, match="number of students must be a whole"):
        generate_population(DEFAULT_YEAR, SEED, students)  # type: ignore[arg-type]


def test_sample_larger_than_the_district_is_rejected() -> None:
    with pytest.raises(InputError, match="has 46094 students; cannot sample 46095"):
        generate_population(DEFAULT_YEAR, SEED, students=46095)


def test_published_figures_rejects_an_unknown_year() -> None:
    with pytest.raises(InputError, match="No DESE figures for school year '1999-00'"):
        published_figures("1999-00")
