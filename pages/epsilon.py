"""Choosing epsilon: what it means for a student, what it costs in accuracy.

The page reads widgets, calls ``privacy.dp`` and renders. Every release is
made once, when its button is pressed, and kept in ``st.session_state``:
moving another widget, switching pages or downloading shows the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from pages._shared import (
    current_dataset,
    current_roles,
    privacy_budget,
    session_memo,
    user_errors,
)
from privacy.datasets import public_bounds
from privacy.dp import (
    MECHANISMS,
    POSTPROCESSING_STEPS,
    ErrorRequirement,
    count_error,
    decision_flip_probability,
    declared_cell_counts,
    deployments_table,
    dp_count_table,
    dp_mean,
    dp_quantile,
    dp_rate_table,
    dp_sum,
    epsilon_figure,
    epsilon_sweep,
    plain_language_risk,
    rate_error,
    smallest_epsilon,
    tradeoff_curves,
    validate_epsilon,
)
from privacy.export import to_csv_bytes
from privacy.roles import ColumnRole

RELEASE_KEY = "epsilon_release"
STATISTIC_KEY = "epsilon_statistic"
SWEEP_SEED_KEY = "epsilon_sweep_seed"
SWEEP_EPSILONS = np.logspace(-2, np.log10(20), 50)
MAX_CATEGORIES = 150


def parse_categories(text: str) -> list[str]:
    """One category per line; blank lines ignored."""
    return [line.strip() for line in text.splitlines() if line.strip()]


st.title("Choosing epsilon")
st.markdown(
    "Differential privacy adds random noise to every published number. "
    "**Epsilon (ε)** sets how much: a small ε means more noise, so numbers are "
    "less exact but say almost nothing about any one student; a large ε means "
    "exact-looking numbers that say more. Every release from the same students "
    "spends part of one budget for this session."
)

dataset = current_dataset()
table = dataset.table
budget = privacy_budget()

# --- What one epsilon means --------------------------------------------------
st.header("What an ε means for a student")
left, right = st.columns(2)
epsilon = left.number_input(
    "ε to look at", value=1.0, step=0.1, format="%.3f", key="epsilon_value"
)
prior = right.slider(
    "How sure an attacker is beforehand that a student is in a group",
    min_value=0.01,
    max_value=0.99,
    value=0.1,
    key="epsilon_prior",
)
with user_errors(stop=False):
    validate_epsilon(epsilon)
    risk = plain_language_risk(epsilon, prior)
    error = count_error(epsilon)
    columns = st.columns(4)
    columns[0].metric(
        "Attacker's certainty after, at most", f"{risk.posterior_risk:.0%}"
    )
    columns[1].metric(
        "Membership test advantage, at most", f"{risk.membership_advantage:.0%}"
    )
    columns[2].metric("Typical error of a count", f"±{error.mean_absolute_error:,.3g}")
    columns[3].metric("95% of counts within", f"±{error.interval_half_width:,.3g}")
    st.markdown(risk.summary)

    # --- Utility and risk against epsilon -------------------------------------
    st.header("Accuracy and risk across ε")
    curves = tradeoff_curves(SWEEP_EPSILONS, prior=prior)
    st.plotly_chart(
        epsilon_figure(curves, deployments_table(), epsilon),
        width="stretch",
        key="epsilon_chart",
    )
    with st.expander("Published deployments marked on the chart"):
        st.dataframe(deployments_table().drop(columns="label"), hide_index=True)
        st.caption(
            "Apple's values are local differential privacy (each device adds "
            "noise before sending, per day): not directly comparable with noise "
            "added once to totals, as here."
        )

# --- The inverse question -----------------------------------------------------
st.header("The smallest ε for the accuracy you need")
st.markdown(
    "State, per statistic, how far off a published number may be and how "
    "often; the explorer finds the smallest total ε that meets every line."
)
with st.form("epsilon_solver"):
    requirements = st.data_editor(
        pd.DataFrame(
            {
                "statistic": ["students by school", "chronic-absence rate by school"],
                "kind": ["count", "rate"],
                "tolerance": [5.0, 0.02],
                "confidence": [0.9, 0.9],
                "smallest_denominator": [np.nan, 100.0],
                "denominator": ["public", "public"],
            }
        ),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "kind": st.column_config.SelectboxColumn(options=["count", "rate"]),
            "denominator": st.column_config.SelectboxColumn(
                options=["public", "noisy"]
            ),
            "tolerance": st.column_config.NumberColumn(
                help="Students for counts; a proportion for rates (0.02 = 2 points)."
            ),
            "confidence": st.column_config.NumberColumn(
                help="How often each value must be within it (0.9 = 9 in 10)."
            ),
        },
        key="epsilon_requirements",
    )
    max_epsilon = st.number_input(
        "Largest total ε you accept", value=10.0, step=0.5, key="epsilon_max"
    )
    solve = st.form_submit_button("Find the smallest ε")
if solve:
    with user_errors(stop=False):
        plan = smallest_epsilon(
            [
                ErrorRequirement(
                    statistic=str(row.statistic),
                    kind=str(row.kind),
                    tolerance=float(row.tolerance),
                    confidence=float(row.confidence),
                    smallest_denominator=(
                        None
                        if pd.isna(row.smallest_denominator)
                        else float(row.smallest_denominator)
                    ),
                    denominator=str(row.denominator),
                )
                for row in requirements.itertuples(index=False)
            ],
            max_epsilon=max_epsilon,
        )
        (st.success if plan.feasible else st.error)(plan.message)
        st.dataframe(
            pd.DataFrame(plan.split, columns=["statistic", "ε needed"]),
            hide_index=True,
        )

# --- Decisions under the noise --------------------------------------------------
st.header("Decisions under the noise")
st.markdown(
    "Before spending anything: if each school's rate were released at this ε, "
    "how far off would it be, and how often would a decision taken on it flip? "
    "The noise is simulated on the side; nothing is released."
)
flags = [column for column in table.columns if table[column].dtype == bool]
unit = "school" if "school" in table.columns else None
if unit is None or not flags:
    st.info(
        "This needs a school column and a yes/no column (such as "
        "chronically_absent) in the data.",
        icon=":material/info:",
    )
else:
    left, middle, right = st.columns(3)
    flag = left.selectbox(
        "Rate of",
        flags,
        index=flags.index("chronically_absent") if "chronically_absent" in flags else 0,
        key="epsilon_flip_indicator",
    )
    flip_epsilon = middle.select_slider(
        "ε of the rate table",
        [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0],
        value=1.0,
        key="epsilon_flip_value",
    )
    threshold = right.slider(
        "Flag schools at or above (%)", 1, 99, 20, key="epsilon_flip_threshold"
    )
    with user_errors(stop=False):
        grouped = table.groupby(unit)[flag].agg(["sum", "size"])
        numerators = grouped["sum"].to_numpy(dtype=float)
        denominators = grouped["size"].to_numpy(dtype=float)
        errors = rate_error(numerators, denominators, flip_epsilon)
        flips = decision_flip_probability(
            numerators, denominators, flip_epsilon, threshold=threshold / 100
        )
        ranks = decision_flip_probability(numerators, denominators, flip_epsilon)
        shown = st.columns(4)
        shown[0].metric(
            "Typical error of a school's rate",
            f"{np.median(errors.mean_absolute_error) * 100:.1f} pts",
            help="Median over schools of the mean absolute error, in points.",
        )
        shown[1].metric(
            "Schools that may be flagged wrongly",
            f"{int((flips.flip_probability > 0.1).sum())} of {len(grouped)}",
            help="Schools whose flag flips in more than 1 release in 10.",
        )
        shown[2].metric(
            "Expected wrong flags per release",
            f"{flips.flip_probability.sum():.1f}",
        )
        shown[3].metric(
            "Chance a school's rank changes",
            f"{ranks.flip_probability.mean():.0%}",
            help="Averaged over schools (ranks by rate, highest first).",
        )

# --- The session budget ---------------------------------------------------------
st.header("This session's budget")
spent, remaining, releases = st.columns(3)
spent.metric("Spent", f"{budget.spent:g}")
remaining.metric("Left", f"{budget.remaining:g}", help=f"of a cap of {budget.cap:g}")
releases.metric("Releases", len(budget.ledger))
if budget.ledger:
    st.dataframe(
        pd.DataFrame(
            [(entry.description, entry.epsilon) for entry in budget.ledger],
            columns=["release", "ε"],
        ),
        hide_index=True,
    )

# --- Make a release ----------------------------------------------------------------
st.header("Make a release")
roles = current_roles()
dimension_choices = [
    column
    for column in table.columns
    if roles.get(column) != ColumnRole.DIRECT_IDENTIFIER
    and table[column].dtype == object
    and table[column].nunique() <= MAX_CATEGORIES
]
yes_no_columns = [column for column in table.columns if table[column].dtype == bool]
kind = st.radio(
    "What to release", ["counts", "rates"], horizontal=True, key="epsilon_kind"
)
dimensions = st.multiselect(
    "Broken down by",
    dimension_choices,
    default=[column for column in ("school",) if column in dimension_choices]
    or dimension_choices[:1],
    key="epsilon_dimensions",
)
indicator = None
if kind == "rates":
    indicator = st.selectbox("Rate of", yes_no_columns, key="epsilon_indicator")
st.caption(
    "Declare every category from a public source (e.g. DESE's list of schools), "
    "not from the data: a category that exists only because a student has it "
    "would reveal that student. Built-in public data starts from its own lists."
)
categories = {}
for dimension in dimensions:
    prefill = (
        "\n".join(sorted(map(str, table[dimension].dropna().unique())))
        if dataset.kind != "upload"
        else ""
    )
    categories[dimension] = parse_categories(
        st.text_area(
            f"Categories of {dimension} (one per line)",
            value=prefill,
            key=f"epsilon_categories_{dimension}",
        )
    )
with st.expander("Noise and post-processing"):
    mechanism = st.radio(
        "Noise",
        MECHANISMS,
        format_func={"laplace": "Laplace", "geometric": "two-sided geometric"}.get,
        horizontal=True,
        key="epsilon_mechanism",
        disabled=kind == "rates",
    )
    postprocess = st.multiselect(
        "After the noise (spends no budget)",
        POSTPROCESSING_STEPS,
        default=list(POSTPROCESSING_STEPS),
        format_func={"clamp": "set negative counts to 0", "round": "round"}.get,
        key="epsilon_postprocess",
        disabled=kind == "rates",
    )
    consistent_total = st.checkbox(
        "Make cells add up to a noisy total (ε/2 for the total, ε/2 for the cells)",
        key="epsilon_consistent_total",
        disabled=kind == "rates",
    )
release_epsilon = st.number_input(
    "ε for this release",
    value=0.1,
    step=0.05,
    format="%.3f",
    key="epsilon_release_value",
)
with user_errors(stop=False):
    validate_epsilon(release_epsilon)
    halved = kind == "rates" or consistent_total
    expected = count_error(release_epsilon / (2 if halved else 1))
    st.caption(
        f"Before spending: each count will be off by about "
        f"{expected.mean_absolute_error:,.3g} students, and within "
        f"±{expected.interval_half_width:,.3g} 19 times in 20"
        + (" (each count gets ε/2)." if halved else ".")
    )
    if dimensions and all(categories.values()):
        sweep_seed = st.session_state.get(SWEEP_SEED_KEY, 0)
        cells = tuple((d, tuple(categories[d])) for d in dimensions)
        sweep = session_memo(
            ("epsilon_sweep", dataset.name, len(table), cells, sweep_seed),
            lambda: epsilon_sweep(
                SWEEP_EPSILONS,
                declared_cell_counts(table, dimensions, categories),
                200,
                random_state=sweep_seed,
            ),
        )
        with st.expander("Simulated error on this table across ε"):
            st.plotly_chart(
                epsilon_figure(
                    tradeoff_curves(SWEEP_EPSILONS, prior=prior, sweep=sweep),
                    deployments_table(),
                    release_epsilon,
                ),
                width="stretch",
                key="epsilon_sweep_chart",
            )
            if st.button("Simulate again", key="epsilon_resimulate"):
                st.session_state[SWEEP_SEED_KEY] = sweep_seed + 1
                st.rerun()

make, again = st.columns(2)
make_release = make.button("Make the release", type="primary", key="epsilon_make")
draw_again = again.button(
    "Draw again (spends ε again)",
    disabled=RELEASE_KEY not in st.session_state,
    key="epsilon_draw_again",
)
if make_release or draw_again:
    with user_errors(stop=False):
        if kind == "rates":
            release = dp_rate_table(
                table,
                dimensions,
                categories,
                indicator,
                release_epsilon,
                budget=budget,
            )
        else:
            release = dp_count_table(
                table,
                dimensions,
                categories,
                release_epsilon,
                budget=budget,
                postprocess=postprocess,
                consistent_total=consistent_total,
                mechanism=mechanism,
            )
        st.session_state[RELEASE_KEY] = release
        st.rerun()

release = st.session_state.get(RELEASE_KEY)
if release is not None:
    released = release.counts if hasattr(release, "counts") else release.rates
    st.subheader("The released numbers")
    st.dataframe(released, hide_index=True)
    st.markdown(
        f"ε = {release.epsilon:g}; {release.mechanism}.  \n"
        f"After the noise: {'; '.join(release.postprocessing) or 'nothing'}."
    )
    if release.outside_declared:
        st.info(
            f"{release.outside_declared:,} records had a value outside the "
            "declared categories and are in no cell."
        )
    st.download_button(
        "Download the release (CSV)",
        to_csv_bytes(released),
        file_name="dp_release.csv",
        mime="text/csv",
        on_click="ignore",
        key="epsilon_download",
    )

# --- One statistic of a numeric column -----------------------------------------
st.header("A mean, sum or quantile")
st.markdown(
    "One number about a numeric column, with its range **declared** (a school "
    "year has 180 days; MCAS scores run from 440 to 560), never read from the "
    "data: the range decides the noise, and a range taken from the data would "
    "leak the most extreme student."
)
numeric = [
    column
    for column in table.columns
    if pd.api.types.is_numeric_dtype(table[column])
    and not pd.api.types.is_bool_dtype(table[column])
    and roles.get(column) != ColumnRole.DIRECT_IDENTIFIER
]
if not numeric:
    st.info("The data has no numeric column.", icon=":material/info:")
else:
    declared = public_bounds(dataset)
    left, middle, right = st.columns(3)
    column = left.selectbox("Column", numeric, key="epsilon_statistic_column")
    statistic = middle.radio(
        "Statistic",
        ["mean", "sum", "median"],
        horizontal=True,
        key="epsilon_statistic_kind",
    )
    statistic_epsilon = right.number_input(
        "ε for this statistic",
        value=0.1,
        step=0.05,
        format="%.3f",
        key="epsilon_statistic_value",
    )
    low, high = declared.get(column, (None, None))
    lower_box, upper_box = st.columns(2)
    lower = lower_box.number_input(
        "Smallest possible value", value=low, key=f"epsilon_lower_{column}"
    )
    upper = upper_box.number_input(
        "Largest possible value", value=high, key=f"epsilon_upper_{column}"
    )
    st.caption(
        "Rows where the column is missing are left out; values outside the "
        "range are clipped to it."
    )
    if st.button("Release the statistic (spends ε)", key="epsilon_statistic_make"):
        with user_errors(stop=False):
            bounds = None if lower is None or upper is None else (lower, upper)
            rows = table.dropna(subset=[column])
            functions = {"mean": dp_mean, "sum": dp_sum}
            if statistic in functions:
                released_statistic = functions[statistic](
                    rows, column, statistic_epsilon, bounds=bounds, budget=budget
                )
            else:
                released_statistic = dp_quantile(
                    rows, column, 0.5, statistic_epsilon, bounds=bounds, budget=budget
                )
            st.session_state[STATISTIC_KEY] = released_statistic
            st.rerun()
    released_statistic = st.session_state.get(STATISTIC_KEY)
    if released_statistic is not None:
        st.metric(
            f"Released {released_statistic.statistic} of {released_statistic.column}",
            f"{released_statistic.value:,.2f}",
        )
        st.caption(
            f"ε = {released_statistic.epsilon:g}; range "
            f"{released_statistic.bounds[0]:g} to {released_statistic.bounds[1]:g}; "
            f"{released_statistic.mechanism}."
        )
