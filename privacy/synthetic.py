"""A synthetic Boston Public Schools population, calibrated to DESE's figures.

Every record is invented: there is no real student behind any row. What is real
is the shape. For the chosen school year, the generator

- puts exactly as many students in each school and grade as the Massachusetts
  Department of Elementary and Secondary Education (DESE) reports
  (Massachusetts DESE, School and District Profiles);
- draws each student's race/ethnicity, gender, English learner, disability and
  low-income status from that school's published shares;
- gives each school the published attendance rate and share of chronically
  absent students (missing 10% or more of the days enrolled).

Where DESE publishes no figure for a school (for example a zero "Number of
Students" in the class-size report, or no ``Nonbinary`` share before 2019-20),
the district's enrollment-weighted figure stands in, or zero for ``Nonbinary``,
which did not exist as a category then. :func:`calibration_report` marks those
figures as imputed.

Home ZIP codes, names, dates of birth, test scores and the City programs are
modelled, not calibrated: DESE publishes nothing about them at student level.

The true effect of the City programs
------------------------------------
Two City programs carry a known effect on the attendance rate, so that any
tier's estimate can be compared with the truth:

- ``summer_jobs`` (the City's summer jobs program, ages 14 to 18 only) adds
  :data:`SUMMER_JOBS_ATTENDANCE_EFFECT` percentage points;
- ``community_center`` (a BCYF community-center program, any age) adds
  :data:`COMMUNITY_CENTER_ATTENDANCE_EFFECT` percentage points.

Participation is selected on observables: low-income students and English
learners join more often, and summer jobs exist only at ages 14 to 18, that is
mostly in high schools, where attendance is lowest. Low income, English
learner status and disability also lower attendance by a fixed number of
points. A naive difference in mean attendance between participants and the
rest is therefore biased: for summer jobs it even has the wrong sign. A linear
regression of ``attendance_rate`` on both participation flags, adjusted for
school and grade (fixed effects), ``low_income``, ``english_learner`` and
``disability``, recovers both effects within its standard error, because the
traits act additively and participation depends on nothing else.

Without the programs every student misses at least 2% of the days enrolled,
so that a participant's gain is almost never cut off at 100% attendance (only
for a student in both programs who would otherwise miss almost nothing).
Each school's attendance is calibrated *after* the program effects, so its
attendance rate still matches DESE's.

Attendance model
----------------
A student's share of days absent is a floor, plus a school-specific spread,
plus the trait shifts, minus the program effects, rounded to whole days. The
spread has two parts: students drawn in the top "chronic share" of their school
start at 10% of the days and spread above it; the others stay low enough that
no trait shift reaches 10%. One shape parameter per school moves the mean, and
a few rounds of correction make the realized attendance rate (days attended
over days enrolled, DESE's definition) and chronic-absence share match the
published ones.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

from privacy.exceptions import InputError

__all__ = [
    "COLUMNS",
    "COMMUNITY_CENTER_ATTENDANCE_EFFECT",
    "DEFAULT_SEED",
    "DEFAULT_YEAR",
    "GENDERS",
    "GRADES",
    "RACE_ETHNICITY_CATEGORIES",
    "SCHOOL_YEARS",
    "SUMMER_JOBS_ATTENDANCE_EFFECT",
    "TESTED_GRADES",
    "ZIP_NEIGHBORHOODS",
    "calibration_report",
    "generate_population",
    "published_figures",
]

DATA_DIRECTORY = Path(__file__).resolve().parents[1] / "data" / "dese-boston"

# Attendance exists from 2017-18 and the class-size report (EL, SWD,
# economically disadvantaged) ends in 2024-25: both are needed for every year.
SCHOOL_YEARS: tuple[str, ...] = (
    "2017-18",
    "2018-19",
    "2019-20",
    "2020-21",
    "2021-22",
    "2022-23",
    "2023-24",
    "2024-25",
)
DEFAULT_YEAR = "2024-25"
DEFAULT_SEED = 2025

SUMMER_JOBS_ATTENDANCE_EFFECT = 2.0
"""Percentage points of attendance rate that summer jobs add for a participant."""

COMMUNITY_CENTER_ATTENDANCE_EFFECT = 1.0
"""Percentage points of attendance rate that a BCYF program adds."""

SUMMER_JOBS_AGES = (14, 18)
DAYS_IN_SCHOOL_YEAR = 180
CHRONIC_ABSENCE_SHARE = 0.10
TESTED_GRADES: tuple[str, ...] = ("3", "4", "5", "6", "7", "8", "10")
SCORE_RANGE = (440.0, 560.0)

GRADES: tuple[str, ...] = ("PK", "K", *(str(grade) for grade in range(1, 13)), "SP")
GENDERS: tuple[str, ...] = ("Female", "Male", "Nonbinary")
RACE_ETHNICITY_CATEGORIES: tuple[str, ...] = (
    "American Indian or Alaska Native",
    "Asian",
    "Black or African American",
    "Hispanic or Latino",
    "Multi-Race, Not Hispanic or Latino",
    "Native Hawaiian or Other Pacific Islander",
    "White",
)

COLUMNS: tuple[str, ...] = (
    "student_id",
    "full_name",
    "date_of_birth",
    "home_zip",
    "neighborhood",
    "school",
    "school_id",
    "grade",
    "gender",
    "race_ethnicity",
    "english_learner",
    "disability",
    "low_income",
    "days_enrolled",
    "days_absent",
    "attendance_rate",
    "chronically_absent",
    "ela_score",
    "math_score",
    "summer_jobs",
    "community_center",
)

# Residential Boston ZIP codes and the neighborhood each one lies in. Where a
# ZIP straddles two neighborhoods, the one holding most of its homes is named.
ZIP_NEIGHBORHOODS: dict[str, str] = {
    "02108": "Beacon Hill",
    "02109": "Downtown",
    "02110": "Downtown",
    "02111": "Chinatown",
    "02113": "North End",
    "02114": "West End",
    "02115": "Fenway",
    "02116": "Back Bay",
    "02118": "South End",
    "02119": "Roxbury",
    "02120": "Mission Hill",
    "02121": "Dorchester",
    "02122": "Dorchester",
    "02124": "Dorchester",
    "02125": "Dorchester",
    "02126": "Mattapan",
    "02127": "South Boston",
    "02128": "East Boston",
    "02129": "Charlestown",
    "02130": "Jamaica Plain",
    "02131": "Roslindale",
    "02132": "West Roxbury",
    "02134": "Allston",
    "02135": "Brighton",
    "02136": "Hyde Park",
    "02163": "Allston",
    "02199": "Back Bay",
    "02210": "South Boston Waterfront",
    "02215": "Fenway",
}

# Relative number of school-age children per ZIP: an illustrative guess that
# puts most BPS families in Dorchester, Roxbury, Mattapan, Hyde Park and East
# Boston and very few downtown. It is not calibrated to any published count.
_ZIP_WEIGHTS: dict[str, float] = {
    "02108": 0.3,
    "02109": 0.3,
    "02110": 0.1,
    "02111": 1.0,
    "02113": 0.4,
    "02114": 0.6,
    "02115": 1.2,
    "02116": 0.8,
    "02118": 3.0,
    "02119": 9.0,
    "02120": 2.0,
    "02121": 8.0,
    "02122": 6.0,
    "02124": 12.0,
    "02125": 7.0,
    "02126": 8.0,
    "02127": 3.5,
    "02128": 10.0,
    "02129": 2.0,
    "02130": 5.0,
    "02131": 4.5,
    "02132": 2.5,
    "02134": 1.5,
    "02135": 3.0,
    "02136": 8.0,
    "02163": 0.05,
    "02199": 0.05,
    "02210": 0.2,
    "02215": 0.7,
}

_FEMALE_FIRST_NAMES = (
    "Aaliyah", "Abigail", "Amelia", "Ana", "Aisha", "Bianca", "Camila", "Chloe",
    "Daniela", "Destiny", "Emily", "Emma", "Fatima", "Gabriela", "Grace", "Hana",
    "Imani", "Isabella", "Jasmine", "Jayla", "Kiara", "Layla", "Leah", "Linh",
    "Maya", "Mia", "Nadia", "Naomi", "Olivia", "Priya", "Rosa", "Sofia",
    "Stephanie", "Tiana", "Valentina", "Wei", "Yasmin", "Zoe",
)  # fmt: skip
_MALE_FIRST_NAMES = (
    "Aaron", "Adrian", "Ahmed", "Andre", "Anthony", "Brandon", "Carlos",
    "Christopher", "Daniel", "David", "Diego", "Elijah", "Ethan", "Gabriel",
    "Isaiah", "Jacob", "Jamal", "Jayden", "Jean", "Jose", "Joshua", "Kevin",
    "Liam", "Luis", "Malik", "Marcus", "Matthew", "Minh", "Mohamed", "Nathan",
    "Noah", "Omar", "Ryan", "Samuel", "Tyler", "Wilson", "Xavier", "Yusuf",
)  # fmt: skip
_NEUTRAL_FIRST_NAMES = (
    "Alex", "Ari", "Avery", "Cameron", "Casey", "Charlie", "Dakota", "Eden",
    "Jordan", "Kai", "Morgan", "Parker", "Quinn", "Reese", "Riley", "Rowan",
    "Sage", "Skyler", "Taylor",
)  # fmt: skip
_LAST_NAMES = (
    "Alves", "Baptiste", "Barros", "Brown", "Chen", "Clarke", "Cruz", "Davis",
    "Delgado", "Diaz", "Duarte", "Fernandes", "Flores", "Fontaine", "Garcia",
    "Gomes", "Gonzalez", "Hernandez", "Huang", "Jackson", "Jean-Louis",
    "Johnson", "Joseph", "Kelly", "Lee", "Lopez", "Martinez", "Monteiro",
    "Murphy", "Nguyen", "O'Brien", "Ortiz", "Perez", "Pierre", "Ramirez",
    "Reyes", "Rivera", "Robinson", "Rodriguez", "Santos", "Silva", "Smith",
    "Sullivan", "Tavares", "Thomas", "Tran", "Vasquez", "Walsh", "Williams",
    "Wong", "Yusuf",
)  # fmt: skip

# Selection into the programs, on the log-odds scale. Low-income students and
# English learners join more often: the same students who, without the
# programs, attend less (see _ABSENCE_SHIFT). That is the confounding.
_SUMMER_JOBS_LOG_ODDS = {
    "intercept": -1.6,
    "low_income": 1.1,
    "english_learner": 0.5,
    "disability": -0.3,
}
_COMMUNITY_CENTER_LOG_ODDS = {
    "intercept": -2.6,
    "low_income": 1.3,
    "english_learner": 0.3,
    "disability": 0.0,
}

# Share of days that each trait adds to a student's absences, on top of the
# school's own spread. Additive on purpose: a linear adjustment is then the
# right model, and the adjusted regression recovers the program effects.
_ABSENCE_SHIFT = {"low_income": 0.02, "english_learner": 0.003, "disability": 0.01}

# Without the programs every student misses at least this share of days, so
# that a participant's gain is almost never cut off at 100% attendance.
_ABSENCE_FLOOR = 0.02

# Chronic students' spread above the threshold is this many times more
# concentrated than the regular students' spread below it: most chronically
# absent students miss just over 10% of days, a few miss most of the year.
_CHRONIC_TAIL_RATIO = 3.0
_CALIBRATION_ROUNDS = 6

# The spread of a student who is not chronically absent stays below this, so
# that floor plus every trait shift still falls short of 10% of the days; a
# chronically absent student's spread starts where floor plus spread reach it.
_REGULAR_CEILING = (
    CHRONIC_ABSENCE_SHARE - _ABSENCE_FLOOR - sum(_ABSENCE_SHIFT.values()) - 0.005
)
_CHRONIC_START = CHRONIC_ABSENCE_SHARE - _ABSENCE_FLOOR

# Share of students one year older (retained) or younger than their grade's
# usual age, in grades 1 to 12.
_OLDER_SHARE = 0.04
_YOUNGER_SHARE = 0.01
_LATE_ENTRANT_SHARE = 0.08


def _read_dese(file_name: str) -> pd.DataFrame:
    """One shipped DESE file; callers must not modify the frame."""
    return _read_csv_once(DATA_DIRECTORY / file_name)


@functools.lru_cache(maxsize=8)
def _read_csv_once(path: Path) -> pd.DataFrame:
    """Read a public DESE file once per process (no user data is cached)."""
    return pd.read_csv(path, dtype={"DESE ID": str})


def _validate(year: object, seed: object, students: object) -> None:
    """Raise InputError for an unknown year, a bad seed or a bad sample size."""
    if year not in SCHOOL_YEARS:
        raise InputError(
            f"No DESE figures for school year {year!r}. Choose one of "
            f"{', '.join(SCHOOL_YEARS)}."
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(
            f"The seed must be a whole number of 0 or more; got {seed!r}. "
            f"Use for example {DEFAULT_SEED}."
        )
    if students is not None and (
        isinstance(students, bool)
        or not isinstance(students, int | np.integer)
        or students < 1
    ):
        raise InputError(
            f"The number of students must be a whole number of 1 or more, or "
            f"leave it out (None) for the whole district; got {students!r}."
        )


def _district_share(values: pd.Series, weights: pd.Series) -> float:
    """Enrollment-weighted mean of a school figure, ignoring missing ones."""
    present = values.notna()
    return float(np.average(values[present], weights=weights[present]))


def _school_figures(year: str) -> pd.DataFrame:
    """DESE's figures for every school with students in ``year``, one row each.

    Shares are fractions in [0, 1]; a column ``imputed_<figure>`` says where the
    district's weighted figure stood in for a missing one.
    """
    keys = ["Academic Year", "DESE ID"]
    grades = _read_dese("boston_enrollment_by_grade.csv")
    grades = grades[(grades["Academic Year"] == year) & (grades["Total"] > 0)]
    race = _read_dese("boston_enrollment_by_race_gender_pct.csv")
    selected = _read_dese("boston_class_size_selected_populations.csv")
    attendance = _read_dese("boston_attendance.csv")

    figures = grades.merge(race.drop(columns="School Name"), on=keys, how="left")
    figures = figures.merge(selected.drop(columns="School Name"), on=keys, how="left")
    figures = figures.merge(attendance.drop(columns="School Name"), on=keys, how="left")
    figures = figures.sort_values("DESE ID").reset_index(drop=True)

    # A class-size row with no students publishes 0% for everything: that is
    # a missing figure, not a school without English learners.
    no_class_data = figures["Number of Students"].fillna(0) == 0
    class_columns = [
        "English Language Learner %",
        "Students with Disabilities %",
        "Economically Disadvantaged %",
    ]
    figures.loc[no_class_data, class_columns] = np.nan

    # Nonbinary was not a DESE category before 2019-20: no student had it.
    if figures["Nonbinary"].isna().all():
        figures["Nonbinary"] = 0.0

    result = pd.DataFrame(
        {
            "school_id": figures["DESE ID"],
            "school": figures["School Name"].str.removeprefix("Boston - "),
        }
    )
    for grade in GRADES:
        result[f"count_{grade}"] = figures[grade].astype(int)
    result["students"] = figures["Total"].astype(int)

    sources = {
        **{f"race_{name}": name for name in RACE_ETHNICITY_CATEGORIES},
        **{f"gender_{name}": name for name in GENDERS},
        "english_learner": "English Language Learner %",
        "disability": "Students with Disabilities %",
        "low_income": "Economically Disadvantaged %",
        "attendance_rate": "Attendance Rate",
        "chronically_absent": "Chronically Absent (10% or more)",
    }
    for name, source in sources.items():
        values = figures[source] / 100.0
        result[f"imputed_{name}"] = values.isna()
        result[name] = values.fillna(_district_share(values, figures["Total"]))

    return result


def _draw_categories(
    rng: np.random.Generator, probabilities: np.ndarray, labels: tuple[str, ...]
) -> np.ndarray:
    """Draw one label per row from that row's own probabilities.

    DESE rounds shares to 0.1%, so a school's shares add up to 100% give or
    take 0.3: each row is rescaled to add up to one.
    """
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(probabilities, axis=1)
    uniform = rng.random(len(probabilities))[:, np.newaxis]
    index = (uniform > cumulative[:, :-1]).sum(axis=1)
    return np.asarray(labels, dtype=object)[index]


def _spread_mean(shape: np.ndarray, chronic_share: np.ndarray) -> np.ndarray:
    """Mean of the two-part absence spread (see ``_absence_spread``)."""
    regular = (1.0 - chronic_share) * _REGULAR_CEILING / (1.0 + shape)
    chronic = chronic_share * (
        _CHRONIC_START + (1.0 - _CHRONIC_START) / (1.0 + _CHRONIC_TAIL_RATIO * shape)
    )
    return regular + chronic


def _solve_shape(mean: np.ndarray, chronic_share: np.ndarray) -> np.ndarray:
    """The shape giving each school's mean spread, by bisection in log space.

    The mean falls as the shape grows, from its largest value (regular
    students at the ceiling, chronic ones absent all year) to its smallest
    (regular students at zero, chronic ones at the start of their range), so
    there is one solution; targets outside that range get the nearest end.
    """
    low = np.full(len(mean), np.log(1e-3))
    high = np.full(len(mean), np.log(1e3))
    for _step in range(50):
        middle = (low + high) / 2.0
        too_high = _spread_mean(np.exp(middle), chronic_share) > mean
        low = np.where(too_high, middle, low)
        high = np.where(too_high, high, middle)
    return np.exp((low + high) / 2.0)


def _absence_spread(
    uniform: np.ndarray, shape: np.ndarray, chronic_share: np.ndarray
) -> np.ndarray:
    """A school's spread of absence shares, from uniform draws.

    Students whose draw falls in the top ``chronic_share`` are chronically
    absent whatever their traits: their spread starts at the 10% threshold
    (less the floor). The others stay low enough that no trait shift takes
    them to the threshold. Both parts are powers of a uniform, so one shape
    moves the mean over everything the chronic share allows.
    """
    regular_share = 1.0 - chronic_share
    is_chronic = uniform >= regular_share
    regular_position = uniform / np.maximum(regular_share, 1e-12)
    chronic_position = (uniform - regular_share) / np.maximum(chronic_share, 1e-12)
    regular = _REGULAR_CEILING * np.clip(regular_position, 0.0, 1.0) ** shape
    chronic = _CHRONIC_START + (1.0 - _CHRONIC_START) * np.clip(
        chronic_position, 0.0, 1.0
    ) ** (_CHRONIC_TAIL_RATIO * shape)
    return np.where(is_chronic, chronic, regular)


def _stratified_uniform(
    rng: np.random.Generator, school_index: np.ndarray
) -> np.ndarray:
    """Uniform draws that fill each school's [0, 1) evenly, in random order.

    The i-th of a school's n students in a random order draws from
    [i / n, (i + 1) / n): the school's chronic share is then hit to within
    one student instead of within binomial noise.
    """
    draws = rng.random(len(school_index))
    order = np.lexsort((draws, school_index))
    sizes = np.bincount(school_index)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.empty(len(school_index))
    position[order] = np.arange(len(school_index)) - starts
    jitter = rng.random(len(school_index))
    return (position + jitter) / sizes[school_index]


def _calibrated_days_absent(
    figures: pd.DataFrame,
    school_index: np.ndarray,
    uniform: np.ndarray,
    fixed_absence: np.ndarray,
    days_enrolled: np.ndarray,
) -> np.ndarray:
    """Days absent whose school figures match DESE's attendance figures.

    A student's share of days absent is the floor, plus the school's spread
    (``_absence_spread``), plus ``fixed_absence`` (trait shifts minus program
    effects), rounded to whole days. The spread is fitted to targets that are
    corrected, round after round, by the gap between the published figures and
    those realized after the shifts, the effects and the rounding.
    """
    students = np.bincount(school_index)
    published_absence = 1.0 - figures["attendance_rate"].to_numpy()
    published_chronic = figures["chronically_absent"].to_numpy()
    mean_fixed = np.bincount(school_index, weights=fixed_absence) / students
    target_absence, target_chronic = published_absence, published_chronic

    for _round in range(_CALIBRATION_ROUNDS):
        chronic_share = np.clip(target_chronic, 0.0, 1.0)
        shape = _solve_shape(
            target_absence - _ABSENCE_FLOOR - mean_fixed, chronic_share
        )
        spread = _absence_spread(
            uniform, shape[school_index], chronic_share[school_index]
        )
        absence = np.clip(_ABSENCE_FLOOR + spread + fixed_absence, 0.0, 1.0)
        days_absent = np.round(absence * days_enrolled)

        enrolled = np.bincount(school_index, weights=days_enrolled)
        realized_absence = np.bincount(school_index, weights=days_absent) / enrolled
        is_chronic = days_absent >= CHRONIC_ABSENCE_SHARE * days_enrolled
        realized_chronic = np.bincount(school_index, weights=is_chronic) / students
        target_absence = target_absence + published_absence - realized_absence
        target_chronic = target_chronic + published_chronic - realized_chronic
    return days_absent.astype(int)


def _dates_of_birth(
    rng: np.random.Generator, grade: np.ndarray, start_year: int
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ages on September 1 of the school year and matching birth dates."""
    numeric_grade = np.select(
        [grade == "PK", grade == "K", grade == "SP"],
        [-1, 0, 13],
        default=0,
    )
    is_numbered = ~np.isin(grade, ("PK", "K", "SP"))
    numeric_grade[is_numbered] = grade[is_numbered].astype(int)
    age = numeric_grade + 5

    # Only grades 1-12 hold students held back or moved ahead a year.
    on_time_share = 1.0 - _OLDER_SHARE - _YOUNGER_SHARE
    shift = rng.choice(
        [1, -1, 0], size=len(grade), p=[_OLDER_SHARE, _YOUNGER_SHARE, on_time_share]
    )
    age = np.where(is_numbered, age + shift, age)
    age = np.where(grade == "SP", rng.integers(18, 22, size=len(grade)), age)

    # Aged ``age`` on September 1 of ``start_year`` means born between
    # September 2 of (start_year - age - 1) and September 1 of (start_year - age).
    birth_year = start_year - age - 1
    window_start = (birth_year - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    window_start = (window_start + 8).astype("datetime64[D]") + 1
    next_year = (birth_year + 1 - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    window_end = (next_year + 8).astype("datetime64[D]") + 1
    window_days = (window_end - window_start).astype(int)
    offset = np.floor(rng.random(len(grade)) * window_days).astype(int)
    birth = (window_start + offset).astype("datetime64[ns]")
    return birth, age


def _names(rng: np.random.Generator, gender: np.ndarray) -> np.ndarray:
    """Synthetic full names: a first name matching the gender and a last name."""
    first = np.where(
        gender == "Female",
        rng.choice(np.asarray(_FEMALE_FIRST_NAMES, dtype=object), len(gender)),
        rng.choice(np.asarray(_MALE_FIRST_NAMES, dtype=object), len(gender)),
    )
    neutral = rng.choice(np.asarray(_NEUTRAL_FIRST_NAMES, dtype=object), len(gender))
    first = np.where(gender == "Nonbinary", neutral, first)
    last = rng.choice(np.asarray(_LAST_NAMES, dtype=object), len(gender))
    return first + " " + last


def _participation(
    rng: np.random.Generator, log_odds: dict[str, float], traits: dict[str, np.ndarray]
) -> np.ndarray:
    """Draw program participation from observable traits only."""
    score = np.full(len(traits["low_income"]), log_odds["intercept"])
    for name in ("low_income", "english_learner", "disability"):
        score = score + log_odds[name] * traits[name]
    return rng.random(len(score)) < expit(score)


def _scores(
    rng: np.random.Generator,
    grade: np.ndarray,
    school_index: np.ndarray,
    schools: int,
    traits: dict[str, np.ndarray],
    attendance_rate: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """MCAS-like ELA and math scaled scores sharing a common ability."""
    school_effect = rng.normal(0.0, 0.25, size=schools)[school_index]
    ability = (
        school_effect
        - 0.35 * traits["low_income"]
        - 0.45 * traits["english_learner"]
        - 0.6 * traits["disability"]
        + 0.03 * (attendance_rate - 90.0)
        + rng.normal(0.0, 0.8, size=len(grade))
    )
    tested = np.isin(grade, TESTED_GRADES)
    results = []
    for _subject in ("ela", "math"):
        latent = ability + rng.normal(0.0, 0.5, size=len(grade))
        score = np.clip(np.round(495.0 + 16.0 * latent), *SCORE_RANGE)
        results.append(np.where(tested, score, np.nan))
    return results[0], results[1]


def generate_population(
    year: str = DEFAULT_YEAR, seed: int = DEFAULT_SEED, students: int | None = None
) -> pd.DataFrame:
    """Generate a synthetic BPS population, one record per student.

    Parameters
    ----------
    year : str
        School year, one of :data:`SCHOOL_YEARS`.
    seed : int
        Seed of the single random generator; the same seed gives the same frame.
    students : int, optional
        If given, return a seeded simple random sample of this many students of
        the population instead of the whole district. The school-by-grade counts
        of a sample are then no longer DESE's.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`, in that order (see Notes).

    Raises
    ------
    InputError
        If the year is unknown, the seed is not a non-negative integer, or
        ``students`` is not a positive integer no larger than the district.

    Notes
    -----
    - ``student_id`` (6 digits, may start with 0), ``full_name``: synthetic
      direct identifiers.
    - ``date_of_birth``: a student in grade g is g + 5 on September 1 of the
      school year (PK 4, K 5), with 4% a year older and 1% a year younger in
      grades 1-12; ``SP`` students are 18 to 21.
    - ``home_zip`` and ``neighborhood``: a residential Boston ZIP code, drawn
      with illustrative weights, and the neighborhood it lies in
      (:data:`ZIP_NEIGHBORHOODS`).
    - ``school`` (DESE's name without "Boston - "), ``school_id`` (8-digit
      DESE code), ``grade`` (:data:`GRADES`).
    - ``gender``, ``race_ethnicity``, ``english_learner``, ``disability``,
      ``low_income``: drawn from the school's published shares.
    - ``days_enrolled`` (180, less for the 8% who enter late),
      ``days_absent``, ``attendance_rate`` (percent, one decimal),
      ``chronically_absent`` (days absent at least 10% of days enrolled).
    - ``ela_score``, ``math_score``: MCAS-like scaled scores from 440 to 560
      in grades 3-8 and 10, missing elsewhere; lower with low income, English
      learner status and disability, higher with attendance.
    - ``summer_jobs`` (ages 14-18 on September 1) and ``community_center``:
      program participation with the known effects described in the module.

    Examples
    --------
    >>> population = generate_population("2024-25", seed=7, students=5)
    >>> len(population), list(population.columns[:3])
    (5, ['student_id', 'full_name', 'date_of_birth'])
    >>> bool(population["student_id"].str.fullmatch("[0-9]{6}").all())
    True
    """
    _validate(year, seed, students)
    figures = _school_figures(year)
    rng = np.random.default_rng(seed)

    # One row per student: DESE's exact count per school and grade.
    counts = figures[[f"count_{grade}" for grade in GRADES]].to_numpy()
    size = int(counts.sum())
    if students is not None and students > size:
        raise InputError(
            f"The {year} district has {size} students; cannot sample {students}. "
            f"Choose at most {size}, or leave it out for the whole district."
        )
    school_index = np.repeat(np.arange(len(figures)), counts.sum(axis=1))
    grade = np.concatenate([np.repeat(GRADES, row) for row in counts]).astype(object)

    def school_values(name: str) -> np.ndarray:
        return figures[name].to_numpy()[school_index]

    gender_shares = [school_values(f"gender_{name}") for name in GENDERS]
    gender = _draw_categories(rng, np.column_stack(gender_shares), GENDERS)
    race_shares = [school_values(f"race_{name}") for name in RACE_ETHNICITY_CATEGORIES]
    race = _draw_categories(
        rng, np.column_stack(race_shares), RACE_ETHNICITY_CATEGORIES
    )
    traits = {
        name: rng.random(size) < school_values(name)
        for name in ("english_learner", "disability", "low_income")
    }

    start_year = int(year[:4])
    date_of_birth, age = _dates_of_birth(rng, grade, start_year)
    zips = np.asarray(list(_ZIP_WEIGHTS), dtype=object)
    zip_weights = np.asarray(list(_ZIP_WEIGHTS.values()))
    home_zip = rng.choice(zips, size=size, p=zip_weights / zip_weights.sum())

    # Programs first: the baseline attendance of each school is then set so
    # that the school's mean after the program effects matches DESE.
    eligible = (age >= SUMMER_JOBS_AGES[0]) & (age <= SUMMER_JOBS_AGES[1])
    summer_jobs = eligible & _participation(rng, _SUMMER_JOBS_LOG_ODDS, traits)
    community_center = _participation(rng, _COMMUNITY_CENTER_LOG_ODDS, traits)
    effect = (
        SUMMER_JOBS_ATTENDANCE_EFFECT * summer_jobs
        + COMMUNITY_CENTER_ATTENDANCE_EFFECT * community_center
    ) / 100.0

    late = rng.random(size) < _LATE_ENTRANT_SHARE
    days_enrolled = DAYS_IN_SCHOOL_YEAR - late * rng.integers(1, 61, size=size)
    trait_shift = sum(weight * traits[name] for name, weight in _ABSENCE_SHIFT.items())
    days_absent = _calibrated_days_absent(
        figures,
        school_index,
        uniform=_stratified_uniform(rng, school_index),
        fixed_absence=trait_shift - effect,
        days_enrolled=days_enrolled,
    )
    attendance_rate = np.round(100.0 * (1.0 - days_absent / days_enrolled), 1)
    ela_score, math_score = _scores(
        rng, grade, school_index, len(figures), traits, attendance_rate
    )

    student_id = rng.choice(1_000_000, size=size, replace=False)
    population = pd.DataFrame(
        {
            "student_id": pd.Series(student_id).map("{:06d}".format),
            "full_name": _names(rng, gender),
            "date_of_birth": date_of_birth,
            "home_zip": home_zip,
            "neighborhood": pd.Series(home_zip).map(ZIP_NEIGHBORHOODS),
            "school": school_values("school"),
            "school_id": school_values("school_id"),
            "grade": grade,
            "gender": gender,
            "race_ethnicity": race,
            "english_learner": traits["english_learner"],
            "disability": traits["disability"],
            "low_income": traits["low_income"],
            "days_enrolled": days_enrolled.astype(int),
            "days_absent": days_absent,
            "attendance_rate": attendance_rate,
            "chronically_absent": days_absent >= CHRONIC_ABSENCE_SHARE * days_enrolled,
            "ela_score": ela_score,
            "math_score": math_score,
            "summer_jobs": summer_jobs,
            "community_center": community_center,
        }
    )
    object_columns = [
        "student_id", "full_name", "home_zip", "neighborhood", "school",
        "school_id", "grade", "gender", "race_ethnicity",
    ]  # fmt: skip
    population[object_columns] = population[object_columns].astype(object)

    if students is None:
        return population
    sample = np.sort(rng.choice(size, size=students, replace=False))
    return population.iloc[sample].reset_index(drop=True)


# The calibrated figures: (label, population column, value counted or None for
# the attendance rate). Labels are what calibration_report shows.
_CALIBRATED_FIGURES: tuple[tuple[str, str, str | bool | None], ...] = (
    *((f"race_ethnicity: {name}", "race_ethnicity", name)
      for name in RACE_ETHNICITY_CATEGORIES),
    *((f"gender: {name}", "gender", name) for name in GENDERS),
    ("english_learner", "english_learner", True),
    ("disability", "disability", True),
    ("low_income", "low_income", True),
    ("chronically_absent", "chronically_absent", True),
    ("attendance_rate", "attendance_rate", None),
)  # fmt: skip


def _published_column(label: str) -> str:
    """Name of a figure's column in the frame built by _school_figures."""
    if label.startswith("race_ethnicity: "):
        return "race_" + label.removeprefix("race_ethnicity: ")
    if label.startswith("gender: "):
        return "gender_" + label.removeprefix("gender: ")
    return label


def published_figures(year: str = DEFAULT_YEAR) -> pd.DataFrame:
    """DESE's published figures for every Boston school with students in a year.

    Parameters
    ----------
    year : str
        School year, one of :data:`SCHOOL_YEARS`.

    Returns
    -------
    pandas.DataFrame
        One row per school: ``school_id``, ``school``, ``students`` (DESE's
        total enrollment), then one column per calibrated figure as a
        percentage (``race_ethnicity: Asian``, ``gender: Female``,
        ``english_learner``, ..., ``attendance_rate``), after the district's
        weighted figure has stood in for a missing one.

    Raises
    ------
    InputError
        If the year is unknown.

    Examples
    --------
    >>> figures = published_figures("2024-25")
    >>> int(figures["students"].sum())
    46094
    """
    _validate(year, DEFAULT_SEED, None)
    figures = _school_figures(year)
    result = figures[["school_id", "school", "students"]].copy()
    for label, _column, _value in _CALIBRATED_FIGURES:
        result[label] = 100.0 * figures[_published_column(label)]
    return result


def calibration_report(population: pd.DataFrame, year: str) -> pd.DataFrame:
    """Compare each school's synthetic figures with DESE's published ones.

    Parameters
    ----------
    population : pandas.DataFrame
        A frame from :func:`generate_population` (or a sample of one).
    year : str
        The school year the population was generated for.

    Returns
    -------
    pandas.DataFrame
        One row per school and calibrated figure, with columns ``school_id``,
        ``school``, ``figure``, ``students`` (in ``population``),
        ``published`` and ``synthetic`` (percentages), ``difference``
        (synthetic minus published), ``standard_error`` (the sampling error
        of the synthetic figure, in percentage points: binomial for shares,
        the spread of students' rates over the root of their number for the
        attendance rate) and ``imputed`` (True where DESE published no figure
        and the district's weighted one stood in). The attendance rate is
        days attended over days enrolled, as DESE computes it.

    Raises
    ------
    InputError
        If the year is unknown or ``population`` lacks a needed column.

    Examples
    --------
    >>> population = generate_population("2024-25", seed=1)
    >>> report = calibration_report(population, "2024-25")
    >>> row = report[(report["school_id"] == "00350001")
    ...              & (report["figure"] == "attendance_rate")]
    >>> float(row["published"].iloc[0])
    90.3
    >>> bool(abs(row["difference"].iloc[0]) < 3 * row["standard_error"].iloc[0])
    True
    """
    _validate(year, DEFAULT_SEED, None)
    needed = {"school_id", "days_enrolled", "days_absent"} | {
        column for _label, column, _value in _CALIBRATED_FIGURES
    }
    missing = sorted(needed - set(population.columns))
    if missing:
        raise InputError(
            f"The population lacks the columns {missing}, which the calibration "
            "report needs. Pass a frame made by generate_population."
        )

    figures = _school_figures(year).set_index("school_id")
    groups = population.groupby("school_id", sort=True)
    students = groups.size()
    schools = students.index.intersection(figures.index)
    students = students.loc[schools]

    rows = []
    for label, column, value in _CALIBRATED_FIGURES:
        published = 100.0 * figures.loc[schools, _published_column(label)]
        if value is None:
            absent = groups["days_absent"].sum().loc[schools]
            enrolled = groups["days_enrolled"].sum().loc[schools]
            synthetic = 100.0 * (1.0 - absent / enrolled)
            spread = groups[column].std(ddof=1).loc[schools].fillna(0.0)
            standard_error = spread / np.sqrt(students)
        else:
            synthetic = (
                100.0
                * groups[column]
                .agg(lambda values, wanted=value: float((values == wanted).mean()))
                .loc[schools]
            )
            share = published / 100.0
            standard_error = 100.0 * np.sqrt(share * (1.0 - share) / students)
        rows.append(
            pd.DataFrame(
                {
                    "school_id": schools,
                    "school": figures.loc[schools, "school"].to_numpy(),
                    "figure": label,
                    "students": students.to_numpy(),
                    "published": published.to_numpy(),
                    "synthetic": synthetic.to_numpy(),
                    "difference": (synthetic - published).to_numpy(),
                    "standard_error": standard_error.to_numpy(),
                    "imputed": figures.loc[
                        schools, f"imputed_{_published_column(label)}"
                    ].to_numpy(),
                }
            )
        )
    report = pd.concat(rows, ignore_index=True)
    # Stable sort on the school alone keeps the figures in their listed order.
    return report.sort_values("school_id", kind="stable").reset_index(drop=True)
