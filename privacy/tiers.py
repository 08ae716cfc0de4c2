"""The four tiers as bundles of techniques, evaluated on one table.

:func:`evaluate_tier` turns a table, its column roles and a
:class:`~privacy.config.TierConfig` into a :class:`TierResult`: the release,
its risk figures beside its utility figures, and two headline numbers that
every tier shares so that tiers can be compared on the same axes:

- ``headline_risk`` is the worst-case chance of singling out a student: for a
  record-level release, the highest prosecutor risk (1 / size of the smallest
  equivalence class); for a table with suppression, 1 / the smallest published
  non-zero count; for a differentially private table, the bound on any
  membership test's advantage, (e^ε − 1) / (e^ε + 1). The label says which.
- ``workload_error`` is the mean absolute error, in percentage points, of a
  fixed workload of rate queries (see :mod:`privacy.workload`).

Differentially private tables are evaluated by their *expected* error, from
noise simulated on the side and never shown: making an actual release spends
privacy budget and is a separate, deliberate step
(:func:`release_private_table`).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from privacy.anonymization import (
    AnonymizationResult,
    frontier,
    global_recoding,
    recode,
)
from privacy.config import TierConfig
from privacy.dp_budget import PrivacyBudget, new_seed
from privacy.dp_choosing import plain_language_risk
from privacy.dp_counts import dp_rate_table
from privacy.effects import EffectEstimate, estimate_program_effect
from privacy.exceptions import InputError, PrivacyWarning
from privacy.hierarchies import Hierarchy, build_hierarchy, grouping_hierarchy
from privacy.risk import assess_risk
from privacy.roles import ColumnRole, columns_with_role
from privacy.tables import DisclosureRule, protect_table
from privacy.tier_catalog import TIER_DESCRIPTIONS, Tier
from privacy.tokens import tokenize
from privacy.workload import (
    Workload,
    WorkloadScore,
    answers_from_records,
    answers_from_table,
    category_labels,
    indicator_values,
    score_answers,
    true_answers,
)

__all__ = [
    "EPSILON_CHOICES",
    "TRADEOFF_VALUES",
    "Measure",
    "TierResult",
    "build_hierarchies",
    "build_hierarchy",
    "compare_tiers",
    "decision_record",
    "evaluate_tier",
    "hierarchy_from_spec",
    "hierarchy_heights",
    "membership_advantage_bound",
    "release_private_table",
    "release_program_effect",
    "table_dimension_candidates",
    "table_dimensions",
    "tradeoff_curve",
    "tradeoff_parameter",
    "yes_no_columns",
]

# The parameter values the risk–utility curve is drawn over, per parameter.
TRADEOFF_VALUES: dict[str, tuple[float, ...]] = {
    "k": (2, 3, 5, 10, 20, 50),
    "min_cell_size": (3, 5, 6, 10, 20, 30),
    "epsilon": (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
}


@dataclass(frozen=True)
class Measure:
    """One figure shown to the user, with the words needed to read it.

    Parameters
    ----------
    key : str
        Machine name, following the suffix convention (``*_risk``, ``*_error``,
        ``*_loss``, ``*_score``).
    label : str
        Plain-language name.
    value : float or None
        The figure; None when it does not apply.
    unit : str
        ``"probability"``, ``"share"``, ``"count"``, ``"points"`` (percentage
        points) or ``"epsilon"``.
    help : str
        One sentence saying what it means and which way is good.
    """

    key: str
    label: str
    value: float | None
    unit: str
    help: str

    def formatted(self) -> str:
        """Return the value as users read it.

        Examples
        --------
        >>> Measure("k", "k", 5, "count", "").formatted()
        '5'
        >>> Measure("r", "r", 0.25, "share", "").formatted()
        '25.0%'
        """
        if self.value is None or not np.isfinite(self.value):
            return "—"
        if self.unit in {"share", "probability"}:
            return f"{self.value:.1%}"
        if self.unit == "count":
            return f"{round(self.value):,}"
        if self.unit == "points":
            return f"{self.value:.2f} pts"
        return f"{self.value:g}"


@dataclass(frozen=True)
class TierResult:
    """A tier's release and the figures that describe it.

    Attributes
    ----------
    config : TierConfig
        The parameters used.
    release : pandas.DataFrame
        What would be shared: a table of cells (tiers 1 and 2) or records
        (tiers 3 and 4). Empty for a differentially private preview.
    release_kind : str
        ``"table"`` or ``"records"``.
    risk : tuple of Measure
        Risk figures.
    utility : tuple of Measure
        Utility figures.
    headline_risk : float
        The worst-case chance of singling out a student (see module docs).
    headline_risk_label : str
        Which definition ``headline_risk`` follows for this tier.
    workload : WorkloadScore
        The shared utility axis.
    notes : tuple of str
        What the user should know about this release.
    details : object
        The underlying result (anonymization, protected table or DP release).
    """

    config: TierConfig
    release: pd.DataFrame
    release_kind: str
    risk: tuple[Measure, ...]
    utility: tuple[Measure, ...]
    headline_risk: float
    headline_risk_label: str
    workload: WorkloadScore
    notes: tuple[str, ...] = ()
    details: Any = field(default=None, repr=False)


EPSILON_CHOICES: tuple[float, ...] = (
    0.01,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.0,
    4.0,
    8.0,
)
MAX_TABLE_CATEGORIES = 200
PRIVATE_RISK_LABEL = "Membership-advantage bound (e^ε − 1)/(e^ε + 1)"


def yes_no_columns(table: pd.DataFrame) -> list[str]:
    """List the columns usable as a workload outcome (yes/no values).

    Examples
    --------
    >>> yes_no_columns(pd.DataFrame({"a": [True, False], "b": ["x", "y"]}))
    ['a']
    """
    found = []
    for column in table.columns:
        try:
            values = indicator_values(table[column])
        except InputError:
            continue
        if np.isfinite(values).any():
            found.append(str(column))
    return found


def table_dimension_candidates(
    table: pd.DataFrame, quasi_identifiers: list[str], sensitive: list[str]
) -> list[str]:
    """Columns a published table can be broken down by, the unit first.

    A dimension needs few enough categories to tabulate; ``school`` comes first
    when present, because tier 1 publishes by school.

    Examples
    --------
    >>> frame = pd.DataFrame({"grade": ["1", "2"], "school": ["A", "B"]})
    >>> table_dimension_candidates(frame, ["grade", "school"], [])
    ['school', 'grade']
    """
    candidates = [
        column
        for column in [*quasi_identifiers, *sensitive]
        if table[column].nunique(dropna=False) <= MAX_TABLE_CATEGORIES
    ]
    candidates.sort(key=lambda column: column != "school")
    return candidates


def tradeoff_parameter(config: TierConfig) -> str:
    """The parameter the risk–utility curve of a tier varies.

    Examples
    --------
    >>> tradeoff_parameter(TierConfig(tier=3))
    'k'
    """
    if config.tier in (Tier.RECORD_LEVEL, Tier.RESEARCH):
        return "k"
    if config.tier == Tier.AGGREGATED and config.protection == "differential_privacy":
        return "epsilon"
    return "min_cell_size"


# ---------------------------------------------------------------------------
# Hierarchies from plain specifications
# ---------------------------------------------------------------------------


def hierarchy_from_spec(values: pd.Series, spec: Mapping[str, Any] | None) -> Hierarchy:
    """Build a column's hierarchy from a plain specification.

    A specification is what a configuration file stores: the rule's name and
    its parameters, never the data's values. The hierarchy itself is rebuilt
    from the data each time.

    Parameters
    ----------
    values : pandas.Series
        The column.
    spec : mapping or None
        ``{"rule": "automatic"}`` (or None), or any rule of
        :data:`privacy.hierarchies.HIERARCHY_RULES` with its parameters, e.g.
        ``{"rule": "intervals", "widths": [5, 10], "bottom": 0, "top": 80}``;
        or ``{"rule": "grouping", "groups": [{"a": "x", ...}, ...]}``.

    Returns
    -------
    Hierarchy

    Raises
    ------
    InputError
        If the rule is unknown or its parameters do not fit the column.

    Examples
    --------
    >>> hierarchy_from_spec(pd.Series(["02139"], name="zip"),
    ...                     {"rule": "masking"}).height
    5
    """
    parameters = dict(spec or {"rule": "automatic"})
    rule = str(parameters.pop("rule", "automatic"))
    name = str(values.name)
    try:
        if rule == "grouping":
            return grouping_hierarchy(values, name=name, **parameters)
        return build_hierarchy(values, rule, name=name, **parameters)
    except TypeError as error:
        raise InputError(
            f"The {rule!r} rule for {name!r} got parameters it does not take "
            f"({error}). Check the hierarchy settings."
        ) from None


def build_hierarchies(
    table: pd.DataFrame,
    quasi_identifiers: list[str],
    specs: Mapping[str, Mapping[str, Any]],
) -> dict[str, Hierarchy]:
    """Build one hierarchy per quasi-identifier (``default`` where unspecified)."""
    return {
        column: hierarchy_from_spec(table[column], specs.get(column))
        for column in quasi_identifiers
    }


def hierarchy_heights(
    table: pd.DataFrame,
    quasi_identifiers: list[str],
    specs: Mapping[str, Mapping[str, Any]],
) -> dict[str, int]:
    """The number of generalization levels above the original, per column."""
    hierarchies = build_hierarchies(table, quasi_identifiers, specs)
    return {column: hierarchy.height for column, hierarchy in hierarchies.items()}


# ---------------------------------------------------------------------------
# Record-level tiers (3 and 4)
# ---------------------------------------------------------------------------


def _replace_direct_identifiers(
    table: pd.DataFrame, direct_identifiers: list[str], key: bytes
) -> tuple[pd.DataFrame, list[str]]:
    """Tokenize identifier codes and drop names, addresses and the like.

    A column that holds one distinct value per record and whose name reads as
    an ID becomes ``<column>_token``: a keyed HMAC that the key holder can
    recompute to link City program records. Other direct identifiers (names,
    addresses) are dropped: a token of a name links nothing an ID would not.
    """
    released = table.drop(columns=direct_identifiers)
    notes = []
    for column in direct_identifiers:
        if "id" in str(column).lower().replace("_", " ").split():
            released.insert(0, f"{column}_token", tokenize(table[column], key))
            notes.append(f"{column} replaced by a keyed token")
        else:
            notes.append(f"{column} dropped")
    return released, notes


def _prepare_records(
    table: pd.DataFrame,
    roles: Mapping[str, ColumnRole],
    config: TierConfig,
    token_key: bytes,
) -> tuple[pd.DataFrame, list[str], str | None, list[str]]:
    """Replace identifiers and drop what the tier leaves out.

    Returns the prepared table, the quasi-identifiers, the sensitive attribute
    protected by l-diversity (tier 4) and notes for the user.
    """
    quasi_identifiers = columns_with_role(roles, ColumnRole.QUASI_IDENTIFIER)
    direct = columns_with_role(roles, ColumnRole.DIRECT_IDENTIFIER)
    sensitive = columns_with_role(roles, ColumnRole.SENSITIVE)
    if not quasi_identifiers:
        raise InputError(
            "A record-level release needs quasi-identifiers to generalize; none "
            "is marked. Mark school, grade, birth date or ZIP on the Data page."
        )

    prepared, notes = _replace_direct_identifiers(table, direct, token_key)
    attribute = None
    if config.tier == Tier.RESEARCH:
        attribute = config.sensitive_attribute or (sensitive[0] if sensitive else None)
        if attribute not in sensitive:
            raise InputError(
                f"Tier 4 protects a sensitive column with l-diversity; "
                f"{attribute!r} is not marked sensitive. Choose one of {sensitive}."
            )
    else:
        prepared = prepared.drop(columns=sensitive)
        if sensitive:
            notes.append(f"sensitive fields left out: {', '.join(sensitive)}")
    return prepared, quasi_identifiers, attribute, notes


def _anonymize(
    prepared: pd.DataFrame,
    quasi_identifiers: list[str],
    hierarchies: Mapping[str, Hierarchy],
    config: TierConfig,
    attribute: str | None,
    levels: Mapping[str, int] | None = None,
) -> AnonymizationResult:
    """Search the best transformation, or apply the chosen levels."""
    model = {
        "k": config.k,
        "max_suppression": config.max_suppression,
        "sensitive": attribute,
        "l": config.l if attribute else None,
        "l_kind": config.l_kind,
    }
    levels = levels if levels is not None else config.levels
    if levels is None:
        return global_recoding(prepared, quasi_identifiers, hierarchies, **model)
    return recode(prepared, quasi_identifiers, hierarchies, dict(levels), **model)


def _workload_measures(score: WorkloadScore) -> tuple[Measure, Measure]:
    """The shared utility axis, as every tier reports it."""
    return (
        Measure(
            "workload_error",
            "Workload error",
            score.workload_error,
            "points",
            "Mean absolute error of the outcome's rate by school and subgroup, "
            "in percentage points; lower is better.",
        ),
        Measure(
            "answered_share",
            "Questions answered at full detail",
            score.answered_share,
            "share",
            "Share of workload cells the release answers at the detail asked "
            "for, without falling back to a coarser figure.",
        ),
    )


def _evaluate_records(
    table: pd.DataFrame,
    roles: Mapping[str, ColumnRole],
    config: TierConfig,
    token_key: bytes,
    workload: Workload,
) -> TierResult:
    prepared, quasi_identifiers, attribute, notes = _prepare_records(
        table, roles, config, token_key
    )
    hierarchies = build_hierarchies(table, quasi_identifiers, config.hierarchies)
    anonymized = _anonymize(prepared, quasi_identifiers, hierarchies, config, attribute)
    release, suppressed = anonymized.release, anonymized.suppressed
    levels = anonymized.levels
    loss = anonymized.information_loss.generalization_loss

    before = assess_risk(table, quasi_identifiers)
    after = assess_risk(release, quasi_identifiers, sensitive=attribute)
    sensitive_kept = [
        column
        for column in columns_with_role(roles, ColumnRole.SENSITIVE)
        if column in release.columns
    ]
    truth = true_answers(table, workload)
    score = score_answers(
        truth, answers_from_records(table, release, suppressed, workload)
    )

    risk = [
        Measure(
            "k",
            "k achieved",
            after.k,
            "count",
            "Size of the smallest group of look-alike students; higher is safer.",
        ),
        Measure(
            "prosecutor_risk_max",
            "Highest re-identification risk",
            after.prosecutor_risk_max,
            "probability",
            "1 / size of the smallest group: the chance an attacker who knows "
            "a student is in the data picks the right record.",
        ),
        Measure(
            "prosecutor_risk_avg",
            "Average re-identification risk",
            after.prosecutor_risk_avg,
            "probability",
            "Groups / records: the expected share of students re-identified "
            "if every one is attacked.",
        ),
        Measure(
            "records_at_risk_share",
            "Students at risk above 20%",
            after.records_at_risk_share,
            "share",
            "Share of released students in groups of fewer than 5.",
        ),
        Measure(
            "sample_uniques",
            "Unique students",
            after.sample_uniques,
            "count",
            "Released students alone in their group; lower is safer.",
        ),
    ]
    if attribute is not None:
        risk.append(
            Measure(
                "l_distinct",
                f"Distinct l of {attribute}",
                after.l_distinct,
                "count",
                "Fewest distinct sensitive values in any group; "
                "higher makes attribute disclosure harder.",
            )
        )
    utility = [
        Measure(
            "suppressed_share",
            "Students withheld",
            float(np.mean(suppressed)) if len(suppressed) else 0.0,
            "share",
            "Records suppressed to reach k; lower keeps more students.",
        ),
        Measure(
            "generalization_loss",
            "Information lost to generalization",
            loss,
            "share",
            "Average share of each quasi-identifier's detail lost "
            "(0 = as is, 100% = hidden); withheld students count as fully lost.",
        ),
        *_workload_measures(score),
    ]
    effect = release_program_effect(release, quasi_identifiers + sensitive_kept)
    if effect is not None:
        utility.append(
            Measure(
                "program_effect",
                f"{effect.program} effect on {effect.outcome}",
                effect.estimate,
                "points",
                "What an analyst estimates from this release: the difference "
                "between participants and similar non-participants, adjusted "
                "for every covariate the release still shows. Compare it with "
                "the estimate from the original data.",
            )
        )
    level_text = ", ".join(
        f"{column} → level {level}" for column, level in levels.items()
    )
    notes.append(f"generalization: {level_text}")
    notes.append(
        f"before protection, {before.sample_uniques:,} of {before.records:,} "
        f"students ({before.sample_uniques / max(before.records, 1):.0%}) were "
        "unique on their quasi-identifiers"
    )
    return TierResult(
        config=config,
        release=release.reset_index(drop=True),
        release_kind="records",
        risk=tuple(risk),
        utility=tuple(utility),
        headline_risk=after.prosecutor_risk_max,
        headline_risk_label="Highest prosecutor risk (1 / smallest group)",
        workload=score,
        notes=("; ".join(notes).capitalize() + ".",),
        details=anonymized,
    )


PROGRAM_EFFECT_COLUMNS = ("summer_jobs", "attendance_rate")
"""The City program and the outcome whose effect record-level tiers estimate."""


def release_program_effect(
    release: pd.DataFrame, covariates: list[str]
) -> EffectEstimate | None:
    """Estimate the City program's effect from a record-level release.

    Returns None when the data has no such program and outcome (only the
    synthetic population carries them, with a known true effect).

    Examples
    --------
    >>> release_program_effect(pd.DataFrame({"a": [1]}), []) is None
    True
    """
    program, outcome = PROGRAM_EFFECT_COLUMNS
    if program not in release.columns or outcome not in release.columns:
        return None
    try:
        return estimate_program_effect(release, program, outcome, covariates)
    except InputError:
        return None


# ---------------------------------------------------------------------------
# Table tiers (1 and 2)
# ---------------------------------------------------------------------------

# Draws of simulated noise behind the expected error of a private table.
_PREVIEW_DRAWS = 30


def table_dimensions(config: TierConfig, workload: Workload) -> tuple[str, ...]:
    """Tier 1 publishes by the unit (school) only; tier 2 by its dimensions."""
    if config.tier == Tier.CURRENT_STATE or not config.dimensions:
        return (workload.unit,)
    return tuple(config.dimensions)


def _check_dimensions(table: pd.DataFrame, dimensions: tuple[str, ...]) -> None:
    missing = [column for column in dimensions if column not in table.columns]
    if missing:
        raise InputError(
            f"The table is broken down by {missing}, which the data does not have. "
            f"Choose among its columns: {list(table.columns)}."
        )


def _evaluate_suppressed_table(
    table: pd.DataFrame, config: TierConfig, workload: Workload
) -> TierResult:
    dimensions = table_dimensions(config, workload)
    _check_dimensions(table, dimensions)
    rule = DisclosureRule(
        name=f"minimum {config.min_cell_size}",
        min_count=config.min_cell_size,
        source="Chosen on the Risk and utility page.",
    )
    protected = protect_table(table, dimensions, rule, indicator=workload.outcome)
    published = protected.release()

    score = score_answers(
        true_answers(table, workload),
        answers_from_table(published, dimensions, workload),
    )
    counts = published["count"].to_numpy(dtype=float)
    positive = counts[np.isfinite(counts) & (counts > 0)]
    headline = float(1.0 / positive.min()) if positive.size else 0.0
    interior = published["level"] == " × ".join(dimensions)

    risk = (
        Measure(
            "published_cells_below_minimum",
            "Published cells below n",
            protected.published_cells_below_minimum,
            "count",
            f"Published counts or rates resting on fewer than "
            f"{config.min_cell_size} students; 0 when suppression works.",
        ),
        Measure(
            "smallest_group_risk",
            "Highest risk in a published cell",
            headline,
            "probability",
            "1 / the smallest published non-zero count: the chance of picking "
            "out one student of the smallest group shown.",
        ),
        Measure(
            "audit_exposed_cells",
            "Withheld cells an attacker can recover",
            protected.audit.exposed_cells,
            "count",
            "Withheld cells whose value can be derived, from the published "
            "totals, more narrowly than the protection level; 0 is safe.",
        ),
    )
    utility = (
        Measure(
            "suppressed_cell_share",
            "Cells withheld",
            protected.suppressed_cell_share,
            "share",
            "Share of the table's cells left blank; lower is better.",
        ),
        Measure(
            "suppressed_student_share",
            "Students in withheld cells",
            protected.suppressed_student_share,
            "share",
            "Share of students whose cell is blank; lower is better.",
        ),
        Measure(
            "rate_mean_relative_error",
            "Mean relative error of rates",
            protected.rate_mean_relative_error,
            "share",
            "Published rates against the truth, a withheld rate counting as "
            "100% wrong; lower is better.",
        ),
        *_workload_measures(score),
    )
    notes = (
        f"Published by {' × '.join(dimensions)} with margins; "
        f"{int(interior.sum()):,} cells. Blanks include complementary "
        "suppressions, so that no withheld value can be recovered from the totals.",
    )
    return TierResult(
        config=config,
        release=published,
        release_kind="table",
        risk=risk,
        utility=utility,
        headline_risk=headline,
        headline_risk_label="1 / smallest published count",
        workload=score,
        notes=notes,
        details=protected,
    )


def membership_advantage_bound(epsilon: float) -> float:
    """Largest advantage (TPR − FPR) of any membership test at ε.

    Examples
    --------
    >>> round(membership_advantage_bound(1.0), 4)
    0.4621
    """
    # (e^ε − 1)/(e^ε + 1) is tanh(ε/2); defined at ε = 0 too, unlike a release.
    return math.tanh(epsilon / 2.0)


def _private_long_table(
    interior: pd.DataFrame, dimensions: tuple[str, ...]
) -> pd.DataFrame:
    """Add margins to released interior cells by summing them (post-processing).

    ``interior`` has the dimension columns, ``numerator`` and ``denominator``.
    Margins are sums of the released cells, so they spend no extra budget
    and always agree with the cells.
    """
    frames = []
    for size in range(len(dimensions), -1, -1):
        for kept in itertools.combinations(dimensions, size):
            if kept:
                grouped = interior.groupby(list(kept), sort=False)[
                    ["numerator", "denominator"]
                ].sum()
                frame = grouped.reset_index()
            else:
                frame = interior[["numerator", "denominator"]].sum().to_frame().T
            for column in dimensions:
                if column not in kept:
                    frame[column] = "All"
            frame["level"] = " × ".join(kept) if kept else "total"
            frames.append(frame)
    long = pd.concat(frames, ignore_index=True)
    denominator = long["denominator"].where(long["denominator"] > 0)
    long["rate"] = (long["numerator"] / denominator).clip(0.0, 1.0)
    return long[[*dimensions, "level", "numerator", "denominator", "rate"]]


def _true_interior(
    table: pd.DataFrame, dimensions: tuple[str, ...], workload: Workload
) -> pd.DataFrame:
    labels = {column: category_labels(table[column]) for column in dimensions}
    outcome = pd.Series(indicator_values(table[workload.outcome]), index=table.index)
    grouped = outcome.groupby([labels[column] for column in dimensions])
    interior = pd.DataFrame(
        {"numerator": grouped.sum(), "denominator": grouped.size().astype(float)}
    ).reset_index()
    interior.columns = [*dimensions, "numerator", "denominator"]
    return interior


def _evaluate_private_table(
    table: pd.DataFrame, config: TierConfig, workload: Workload
) -> TierResult:
    dimensions = table_dimensions(config, workload)
    _check_dimensions(table, dimensions)
    interior = _true_interior(table, dimensions, workload)
    truth = true_answers(table, workload)

    # Expected error: noise simulated on the side, never shown or released.
    # Numerators and denominators each get ε/2 (Laplace scale 2/ε), as a
    # release with noisy denominators would.
    generator = np.random.default_rng(config.seed)
    scale = 2.0 / config.epsilon
    errors, answered = [], []
    for _ in range(_PREVIEW_DRAWS):
        noisy = interior.copy()
        for column in ("numerator", "denominator"):
            noise = generator.laplace(0.0, scale, len(noisy))
            noisy[column] = np.maximum(noisy[column] + noise, 0.0)
        score = score_answers(
            truth,
            answers_from_table(
                _private_long_table(noisy, dimensions), dimensions, workload
            ),
        )
        errors.append(score.workload_error)
        answered.append(score.answered_share)
    expected = replace(
        score,
        workload_error=float(np.mean(errors)),
        answered_share=float(np.mean(answered)),
    )

    utility = (
        _count_interval_measure(config.epsilon),
        Measure(
            "workload_error",
            "Expected workload error",
            expected.workload_error,
            "points",
            "Expected mean absolute error of the outcome's rate by "
            "school and subgroup, over simulated noise; lower is better.",
        ),
        Measure(
            "answered_share",
            "Questions answered at full detail",
            expected.answered_share,
            "share",
            "Every declared cell is published, with noise.",
        ),
    )
    notes = (
        f"Expected figures from {_PREVIEW_DRAWS} simulated draws of noise; nothing "
        "is released and no budget is spent until you make the release.",
    )
    return TierResult(
        config=config,
        release=pd.DataFrame(),
        release_kind="table",
        risk=_private_risk_measures(config.epsilon),
        utility=utility,
        headline_risk=membership_advantage_bound(config.epsilon),
        headline_risk_label=PRIVATE_RISK_LABEL,
        workload=expected,
        notes=notes,
    )


def _private_risk_measures(epsilon: float) -> tuple[Measure, ...]:
    """What an ε-DP table means for a student, from the library's bounds."""
    bound = plain_language_risk(epsilon, 0.1)
    return (
        Measure(
            "epsilon",
            "Privacy loss ε of one release",
            epsilon,
            "epsilon",
            "Budgets add up across every release from the same students.",
        ),
        Measure(
            "membership_advantage_risk",
            "Best membership test's advantage",
            bound.membership_advantage,
            "probability",
            "Upper bound on true-positive minus false-positive rate of any "
            "test of whether a student is in a cell: (e^ε − 1)/(e^ε + 1).",
        ),
        Measure(
            "posterior_risk",
            "Attacker's belief, from a 10% prior",
            bound.posterior_risk,
            "probability",
            "Largest belief that a student is in a group for an attacker who "
            "started at 10%.",
        ),
    )


def _count_interval_measure(epsilon: float) -> Measure:
    """Half-width of a noisy count's 95% interval when each count gets ε/2."""
    return Measure(
        "count_interval",
        "95% interval of each count (±)",
        float(np.log(20.0) * 2.0 / epsilon),
        "count",
        "Half-width of the 95% interval of a noisy count: ln(20)·2/ε students.",
    )


def release_private_table(
    table: pd.DataFrame,
    roles: Mapping[str, ColumnRole],
    config: TierConfig,
    *,
    budget: PrivacyBudget,
    workload: Workload,
    categories: Mapping[str, list[object]] | None = None,
) -> TierResult:
    """Make a differentially private table release, charging the budget.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    roles : mapping of str to ColumnRole
        Column roles (unused beyond validation; kept for a uniform call).
    config : TierConfig
        Tier 2 with ``protection="differential_privacy"``.
    budget : PrivacyBudget
        The session's budget, charged ``config.epsilon``.
    workload : Workload
        The queries the release is scored on.
    categories : mapping, optional
        Declared categories per dimension. Without them, the categories present
        in the data are used and a :class:`PrivacyWarning` says that this
        reveals which categories occur.

    Returns
    -------
    TierResult
        The released table (with margins summed from the noisy cells) and its
        figures, with the noise drawn once.
    """
    dimensions = table_dimensions(config, workload)
    if categories is None:
        warnings.warn(
            "The table's categories were taken from the data, which reveals "
            "which categories occur (a school or group with a single student "
            "shows up). Declare the categories from a public list before a real "
            "release.",
            PrivacyWarning,
            stacklevel=2,
        )
        categories = {
            column: sorted(category_labels(table[column]).unique())
            for column in dimensions
        }
    labelled = table.assign(
        **{column: category_labels(table[column]) for column in dimensions}
    )
    labelled[workload.outcome] = indicator_values(table[workload.outcome]) > 0.5
    released = dp_rate_table(
        labelled,
        dimensions,
        categories,
        workload.outcome,
        config.epsilon,
        budget=budget,
        random_state=new_seed(),
    )
    interior = released.rates[[*dimensions, "numerator", "denominator"]]
    published = _private_long_table(interior, dimensions)
    score = score_answers(
        true_answers(table, workload),
        answers_from_table(published, dimensions, workload),
    )
    return TierResult(
        config=config,
        release=published,
        release_kind="table",
        risk=_private_risk_measures(config.epsilon),
        utility=(_count_interval_measure(config.epsilon), *_workload_measures(score)),
        headline_risk=membership_advantage_bound(config.epsilon),
        headline_risk_label=PRIVATE_RISK_LABEL,
        workload=score,
        notes=(
            f"Released with ε = {config.epsilon:g} ({released.budget_split}); "
            + " ".join(released.postprocessing),
        ),
        details=released,
    )


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def evaluate_tier(
    table: pd.DataFrame,
    roles: Mapping[str, ColumnRole],
    config: TierConfig,
    *,
    token_key: bytes,
    workload: Workload,
) -> TierResult:
    """Build a tier's release and measure its risk beside its utility.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per student.
    roles : mapping of str to ColumnRole
        The role of every column.
    config : TierConfig
        The tier and its parameters.
    token_key : bytes
        Key of the HMAC tokens that replace identifiers (tiers 3 and 4).
    workload : Workload
        The rate queries utility is measured on.

    Returns
    -------
    TierResult

    Raises
    ------
    InputError
        If the parameters cannot be met on this table (the message says
        which and what to change).
    """
    if len(table) == 0:
        raise InputError("The data has no rows. Load a table with students in it.")
    if config.tier in (Tier.RECORD_LEVEL, Tier.RESEARCH):
        return _evaluate_records(table, roles, config, token_key, workload)
    if config.tier == Tier.AGGREGATED and config.protection == "differential_privacy":
        return _evaluate_private_table(table, config, workload)
    return _evaluate_suppressed_table(table, config, workload)


def tradeoff_curve(
    table: pd.DataFrame,
    roles: Mapping[str, ColumnRole],
    config: TierConfig,
    *,
    token_key: bytes,
    workload: Workload,
) -> pd.DataFrame:
    """Headline risk and workload error as the tier's main parameter varies.

    Values that cannot be met (for example a k that needs more suppression
    than allowed) are left out. The current value is always included.

    Returns
    -------
    pandas.DataFrame
        Columns ``value``, ``headline_risk``, ``workload_error``.
    """
    parameter = tradeoff_parameter(config)
    current = getattr(config, parameter)
    values = sorted({*TRADEOFF_VALUES[parameter], current})
    if parameter == "k" and config.levels is None:
        return _records_curve(table, roles, config, values, token_key, workload)
    rows = []
    for value in values:
        try:
            result = evaluate_tier(
                table,
                roles,
                replace(config, **{parameter: value}),
                token_key=token_key,
                workload=workload,
            )
        except InputError:
            continue
        rows.append(
            {
                "value": value,
                "headline_risk": result.headline_risk,
                "workload_error": result.workload.workload_error,
            }
        )
    return pd.DataFrame(rows, columns=["value", "headline_risk", "workload_error"])


def _records_curve(
    table: pd.DataFrame,
    roles: Mapping[str, ColumnRole],
    config: TierConfig,
    k_values: list[int],
    token_key: bytes,
    workload: Workload,
) -> pd.DataFrame:
    """The record tiers' curve: one lattice pass for every k, then each release.

    The frontier search codes the data once and finds the best levels for
    every k together; each point's release is then rebuilt at those levels
    to score the workload on it.
    """
    prepared, quasi_identifiers, attribute, _ = _prepare_records(
        table, roles, config, token_key
    )
    hierarchies = build_hierarchies(table, quasi_identifiers, config.hierarchies)
    try:
        points = frontier(
            prepared,
            quasi_identifiers,
            hierarchies,
            [k for k in k_values if k <= len(table)],
            max_suppression=config.max_suppression,
            sensitive=attribute,
            l=config.l if attribute else None,
            l_kind=config.l_kind,
        )
    except InputError:
        points = []
    truth = true_answers(table, workload)
    rows = []
    for point in points:
        result = _anonymize(
            prepared,
            quasi_identifiers,
            hierarchies,
            replace(config, k=point.k),
            attribute,
            levels=point.levels,
        )
        answers = answers_from_records(
            table, result.release, result.suppressed, workload
        )
        rows.append(
            {
                "value": point.k,
                "headline_risk": point.prosecutor_risk_max,
                "workload_error": score_answers(truth, answers).workload_error,
            }
        )
    return pd.DataFrame(rows, columns=["value", "headline_risk", "workload_error"])


def compare_tiers(
    table: pd.DataFrame,
    roles: Mapping[str, ColumnRole],
    config: TierConfig,
    *,
    token_key: bytes,
    workload: Workload,
) -> dict[str, TierResult]:
    """Evaluate every tier with the session's parameters.

    Tier 2 is shown twice, with suppression and with differential privacy.
    A tier that cannot be met on this table is left out.
    """
    sensitive = columns_with_role(roles, ColumnRole.SENSITIVE)
    # A breakdown chosen on other data falls back to the unit (tier 1's).
    config = replace(
        config,
        dimensions=tuple(c for c in config.dimensions if c in table.columns),
    )
    variants = {
        "1. Current state": replace(config, tier=1, protection="suppression"),
        "2. Aggregated, suppression": replace(config, tier=2, protection="suppression"),
        "2. Aggregated, DP": replace(config, tier=2, protection="differential_privacy"),
        "3. Record-level": replace(config, tier=3),
    }
    if sensitive:
        variants["4. Research"] = replace(
            config,
            tier=4,
            sensitive_attribute=config.sensitive_attribute
            if config.sensitive_attribute in sensitive
            else sensitive[0],
        )
    results = {}
    for label, variant in variants.items():
        try:
            results[label] = evaluate_tier(
                table, roles, variant, token_key=token_key, workload=workload
            )
        except InputError:
            continue
    return results


def decision_record(
    result: TierResult,
    *,
    dataset_name: str,
    when: datetime,
    fingerprint: str,
) -> str:
    """Write the one-page record of a decision, in Markdown.

    It names the future state, its parameters, the figures on both sides of
    the trade-off, what the release can and cannot answer, and the data it was
    computed on (by name, row count and fingerprint, never by any value).

    Parameters
    ----------
    result : TierResult
        The evaluated tier.
    dataset_name : str
        The data's display name.
    when : datetime.datetime
        When the decision was recorded.
    fingerprint : str
        SHA-256 of the input (see :func:`privacy.config.table_fingerprint`).

    Returns
    -------
    str
        Markdown text.
    """
    config = result.config
    description = TIER_DESCRIPTIONS[Tier(config.tier)]
    parameters = _parameter_lines(config)
    lines = [
        f"# Data-sharing decision: {description.title}",
        "",
        f"Recorded {when:%Y-%m-%d %H:%M} UTC on *{dataset_name}* "
        f"(SHA-256 `{fingerprint[:16]}…`).",
        "",
        "## What is shared",
        "",
        f"{description.shared} {description.protections}",
        "",
        "## Parameters",
        "",
        *[f"- {line}" for line in parameters],
        "",
        "## Risk",
        "",
        *[f"- {measure.label}: **{measure.formatted()}**" for measure in result.risk],
        "",
        "## Utility",
        "",
        *[
            f"- {measure.label}: **{measure.formatted()}**"
            for measure in result.utility
        ],
        "",
        "## What this release can answer",
        "",
        *[f"- {question}" for question in description.answers],
        "",
        "## What it cannot answer",
        "",
        *[f"- {question}" for question in description.cannot_answer],
        "",
        "## Notes",
        "",
        *[f"- {note}" for note in result.notes],
        f"- Main risk of this future state: {description.main_risk}",
        "",
    ]
    return "\n".join(lines)


def _parameter_lines(config: TierConfig) -> list[str]:
    """The parameters that matter for the config's tier, in words."""
    if config.tier in (Tier.RECORD_LEVEL, Tier.RESEARCH):
        lines = [
            f"k = {config.k}",
            f"at most {config.max_suppression:.0%} of records suppressed",
            "generalization: "
            + (
                "searched for the least information loss"
                if config.levels is None
                else ", ".join(f"{c} level {v}" for c, v in config.levels.items())
            ),
        ]
        if config.tier == Tier.RESEARCH:
            lines.append(
                f"{config.l_kind} l-diversity l = {config.l} on "
                f"{config.sensitive_attribute}"
            )
        return lines
    dimensions = " × ".join(config.dimensions) if config.tier == 2 else "school"
    lines = [f"table by {dimensions}, outcome {config.indicator}"]
    if config.tier == Tier.AGGREGATED and config.protection == "differential_privacy":
        lines.append(f"differential privacy, ε = {config.epsilon:g}")
    else:
        lines.append(f"cells below {config.min_cell_size} students withheld")
    return lines
