"""Risk and utility: pick a future state and its parameters, see both move."""

import dataclasses

import streamlit as st

from pages._shared import (
    current_dataset,
    current_roles,
    current_tier_config,
    dataset_version,
    evaluate_for_session,
    evaluation_key,
    is_workshop_mode,
    privacy_budget,
    session_memo,
    session_workload,
    set_tier_config,
    token_key,
    user_errors,
)
from privacy.charts import tradeoff_figure
from privacy.datasets import public_bounds, public_categories
from privacy.dp import dp_classifier_comparison
from privacy.export import encrypt_bytes, to_csv_bytes
from privacy.logs import log_action
from privacy.roles import ColumnRole, columns_with_role
from privacy.synthetic import SUMMER_JOBS_ATTENDANCE_EFFECT
from privacy.tier_catalog import TIER_DESCRIPTIONS, Tier
from privacy.tiers import (
    EPSILON_CHOICES,
    hierarchy_heights,
    release_private_table,
    release_program_effect,
    table_dimension_candidates,
    tradeoff_curve,
    tradeoff_parameter,
    yes_no_columns,
)
from privacy.tiers import (
    table_dimensions as dimensions_of,
)
from privacy.tokens import EPHEMERAL_KEY_MESSAGE

RELEASE_KEY = "private_release"
MODEL_KEY = "private_model"

st.title("Risk and utility")
st.markdown(
    "Choose a future state of sharing and its protections. On the left, how "
    "likely an attacker is to single out a student; on the right, how much the "
    "shared data still tells. Every figure is computed on the data chosen on the "
    "**Data** page."
)

dataset = current_dataset()
table = dataset.table
roles = current_roles()
quasi_identifiers = columns_with_role(roles, ColumnRole.QUASI_IDENTIFIER)
sensitive = columns_with_role(roles, ColumnRole.SENSITIVE)
saved = current_tier_config()


def _seed(key: str, value: object) -> None:
    # Widgets forget their state when another page is shown; start them from
    # the saved configuration each time this page is opened.
    if key not in st.session_state:
        st.session_state[key] = value


tier = Tier(
    st.radio(
        "Future state of sharing",
        [tier.value for tier in Tier],
        format_func=lambda value: TIER_DESCRIPTIONS[Tier(value)].title,
        key="cfg_tier",
        index=[tier.value for tier in Tier].index(saved.tier),
    )
)
description = TIER_DESCRIPTIONS[tier]
with st.expander("What this future state shares, and what it can answer"):
    st.markdown(
        f"**Shared:** {description.shared}  \n"
        f"**Protections:** {description.protections}  \n"
        f"**Main risk:** {description.main_risk}"
    )
    st.markdown("**Can answer:**\n" + "\n".join(f"- {q}" for q in description.answers))
    st.markdown(
        "**Cannot answer:**\n" + "\n".join(f"- {q}" for q in description.cannot_answer)
    )

indicators = yes_no_columns(table)
if not indicators:
    st.error(
        "The data has no yes/no column (such as chronically_absent) to measure "
        "utility with. Add one to your file, or choose another dataset on the "
        "Data page.",
        icon=":material/error:",
    )
    st.stop()
if not quasi_identifiers:
    st.error(
        "No column is marked as a quasi-identifier, so there is nothing to "
        "generalize or tabulate. Mark school, grade, birth date or ZIP as "
        "quasi-identifiers on the Data page.",
        icon=":material/error:",
    )
    st.stop()

_seed("cfg_indicator", saved.indicator if saved.indicator in indicators else None)
if st.session_state["cfg_indicator"] not in indicators:
    st.session_state["cfg_indicator"] = indicators[0]
indicator = st.selectbox(
    "Outcome the analysis is about (a yes/no column)",
    indicators,
    key="cfg_indicator",
    help="Utility is measured on the rate of this outcome by school and subgroup.",
)

changes: dict[str, object] = {"tier": tier.value, "indicator": indicator}
left, right = st.columns(2)
if tier in (Tier.CURRENT_STATE, Tier.AGGREGATED):
    candidates = table_dimension_candidates(table, quasi_identifiers, sensitive)
    if tier is Tier.AGGREGATED:
        default_dimensions = [d for d in saved.dimensions if d in candidates]
        _seed("cfg_dimensions", default_dimensions or candidates[:2])
        changes["dimensions"] = tuple(
            left.multiselect(
                "Break the table down by (at most 3)",
                candidates,
                key="cfg_dimensions",
                max_selections=3,
            )
        )
        _seed("cfg_protection", saved.protection)
        changes["protection"] = right.radio(
            "Protection",
            ["suppression", "differential_privacy"],
            format_func={
                "suppression": "Small-cell suppression (+ complementary)",
                "differential_privacy": "Differentially private noise",
            }.get,
            key="cfg_protection",
        )
    # Tier 1 always publishes by school with suppression (see
    # tiers.table_dimensions); the tier-2 choices stay as the user left them,
    # for Compare tiers.
    if changes.get("protection", "suppression") == "suppression":
        _seed("cfg_min_cell_size", saved.min_cell_size)
        changes["min_cell_size"] = left.slider(
            "Minimum cell size n",
            2,
            30,
            key="cfg_min_cell_size",
            help="Cells with fewer students are withheld. DESE blanks counts below "
            "6; NCES found 10 the most common state minimum.",
        )
    else:
        _seed("cfg_epsilon", saved.epsilon)
        changes["epsilon"] = left.select_slider(
            "Privacy-loss parameter ε (smaller is more private)",
            EPSILON_CHOICES,
            key="cfg_epsilon",
        )
else:
    _seed("cfg_k", saved.k)
    changes["k"] = left.slider(
        "k (each released student looks like at least k − 1 others)",
        2,
        50,
        key="cfg_k",
    )
    _seed("cfg_max_suppression", round(saved.max_suppression * 100))
    changes["max_suppression"] = (
        left.slider(
            "Largest share of students that may be withheld (%)",
            0,
            20,
            key="cfg_max_suppression",
        )
        / 100
    )
    _seed("cfg_search", saved.levels is None)
    search = right.toggle(
        "Search the generalization that loses least",
        key="cfg_search",
        help="Off: set each quasi-identifier's level by hand.",
    )
    if search:
        changes["levels"] = None
        right.caption(
            "The search weighs every quasi-identifier's lost detail equally. If "
            "your analysis needs a column intact (school, grade), turn the search "
            "off and keep its level at 0, or mark fewer quasi-identifiers."
        )
    else:
        with user_errors():
            heights = hierarchy_heights(table, quasi_identifiers, saved.hierarchies)
        levels = {}
        for column, height in heights.items():
            _seed(f"cfg_level_{column}", (saved.levels or {}).get(column, 0))
            levels[column] = right.slider(
                f"Generalization level of {column} (0 = as is, {height} = hidden)",
                0,
                height,
                key=f"cfg_level_{column}",
            )
        changes["levels"] = levels
    if tier is Tier.RESEARCH:
        if not sensitive:
            st.error(
                "Tier 4 protects a sensitive field with l-diversity, but no column "
                "is marked sensitive. Mark one on the Data page.",
                icon=":material/error:",
            )
            st.stop()
        _seed(
            "cfg_sensitive",
            saved.sensitive_attribute
            if saved.sensitive_attribute in sensitive
            else sensitive[0],
        )
        changes["sensitive_attribute"] = right.selectbox(
            "Sensitive field protected by l-diversity", sensitive, key="cfg_sensitive"
        )
        _seed("cfg_l", saved.l)
        changes["l"] = right.slider(
            "l (distinct sensitive values in every group)", 2, 10, key="cfg_l"
        )

with user_errors():
    config = dataclasses.replace(saved, **changes)
set_tier_config(config)

key, key_is_ephemeral = token_key()
if tier in (Tier.RECORD_LEVEL, Tier.RESEARCH) and key_is_ephemeral:
    st.warning(EPHEMERAL_KEY_MESSAGE, icon=":material/key:")

with user_errors():
    workload = session_workload(dataset, roles, config)
    with st.spinner("Computing the release and its figures…"):
        result = evaluate_for_session(
            table, roles, config, token_key=key, workload=workload
        )

st.divider()
risk_column, utility_column = st.columns(2)
risk_column.subheader("Risk")
for measure in result.risk:
    risk_column.metric(measure.label, measure.formatted(), help=measure.help)
utility_column.subheader("Utility")
for measure in result.utility:
    utility_column.metric(measure.label, measure.formatted(), help=measure.help)
effect = next((m for m in result.utility if m.key == "program_effect"), None)
if effect is not None:
    original = session_memo(
        ("effect", dataset_version(), repr(sorted(roles.items()))),
        lambda: release_program_effect(table, [*quasi_identifiers, *sensitive]),
    )
    truth = (
        f" The true effect built into the synthetic population is "
        f"+{SUMMER_JOBS_ATTENDANCE_EFFECT:g} points."
        if dataset.kind == "synthetic"
        else ""
    )
    st.info(
        f"**Impact evaluation.** From this release an analyst estimates the "
        f"summer-jobs effect on attendance at {effect.value:+.2f} points; the same "
        f"analysis of the original data gives {original.estimate:+.2f}.{truth} "
        "Covariates the release leaves out or coarsens bias the estimate.",
        icon=":material/science:",
    )
for note in result.notes:
    st.info(note, icon=":material/info:")

st.subheader("The release")
if tier is Tier.AGGREGATED and config.protection == "differential_privacy":
    budget = privacy_budget()
    st.markdown(
        f"A differentially private release spends ε = {config.epsilon:g} of this "
        f"session's budget ({float(budget.remaining):g} of "
        f"{float(budget.cap):g} left). The figures above are expected values from "
        "simulated noise; no budget has been spent for them."
    )
    release = st.session_state.get(RELEASE_KEY)
    label = "Draw again (spends ε again)" if release else "Make the release"
    if st.button(label, type="primary"):
        with user_errors():
            release = release_private_table(
                table,
                roles,
                config,
                budget=budget,
                workload=workload,
                categories=public_categories(dataset, dimensions_of(config, workload)),
            )
            st.session_state[RELEASE_KEY] = release
            log_action("private_release", tier=config.tier, epsilon=config.epsilon)
            st.rerun()
    if release is not None:
        st.caption(
            f"Released with ε = {release.config.epsilon:g}; these numbers stay the "
            "same until you draw again."
        )
        st.dataframe(release.release, hide_index=True, width="stretch")
        st.download_button(
            "Download the released table (CSV)",
            to_csv_bytes(release.release),
            file_name="release.csv",
            mime="text/csv",
        )
elif result.release_kind == "table":
    st.dataframe(result.release, hide_index=True, width="stretch")
    st.download_button(
        "Download the published table (CSV)",
        to_csv_bytes(result.release),
        file_name="published-table.csv",
        mime="text/csv",
    )
else:
    if is_workshop_mode():
        st.info(
            "Workshop mode is on: released records are hidden.",
            icon=":material/visibility_off:",
        )
    else:
        st.dataframe(result.release.head(200), hide_index=True, width="stretch")
        st.caption(f"The first rows of {len(result.release):,} released records.")
    st.download_button(
        "Download the release (CSV)",
        to_csv_bytes(result.release),
        file_name="release.csv",
        mime="text/csv",
    )
    with st.expander("Download encrypted with a passphrase"):
        passphrase = st.text_input(
            "Passphrase (at least 12 characters)", type="password"
        )
        if passphrase:
            with user_errors():
                encrypted = encrypt_bytes(to_csv_bytes(result.release), passphrase)
            st.download_button(
                "Download the encrypted release",
                encrypted,
                file_name="release.csv.enc",
                mime="application/octet-stream",
            )
            st.caption(
                "Decrypt with `python -m privacy decrypt release.csv.enc --out "
                "release.csv` and the same passphrase."
            )

if tier is Tier.RESEARCH:
    with st.expander("Or share a differentially private model instead of records"):
        bounds = public_bounds(dataset)
        features_available = [column for column in bounds if column in table]
        if not features_available:
            st.info(
                "A private model needs each numeric column's range declared in "
                "advance, never read from the data; the explorer declares them for "
                "the synthetic population only.",
                icon=":material/info:",
            )
        else:
            st.caption(
                "Train diffprivlib's private logistic regression beside its "
                "scikit-learn twin and compare their accuracy on held-out students. "
                "Training the private model spends ε from this session's budget."
            )
            left, middle, right = st.columns(3)
            target = left.selectbox("Predict", indicators, key="cfg_model_target")
            features = middle.multiselect(
                "From",
                [column for column in features_available if column != target],
                default=[c for c in ("ela_score", "math_score") if c in bounds],
                key="cfg_model_features",
            )
            model_epsilon = right.select_slider(
                "ε of the model", EPSILON_CHOICES, value=1.0, key="cfg_model_epsilon"
            )
            if st.button("Train both models (spends ε)", key="cfg_model_train"):
                with user_errors(stop=False):
                    rows = table.dropna(subset=features)
                    st.session_state[MODEL_KEY] = dp_classifier_comparison(
                        rows,
                        features,
                        target,
                        model_epsilon,
                        bounds={column: bounds[column] for column in features},
                        budget=privacy_budget(),
                    )
            comparison = st.session_state.get(MODEL_KEY)
            if comparison is not None:
                scores = st.columns(3)
                scores[0].metric(
                    f"Private model (ε = {comparison.epsilon:g})",
                    f"{comparison.private_accuracy_score:.1%}",
                )
                scores[1].metric(
                    "Same model without privacy",
                    f"{comparison.baseline_accuracy_score:.1%}",
                )
                scores[2].metric(
                    "Always guessing the commonest answer",
                    f"{comparison.majority_accuracy_score:.1%}",
                )
                st.caption(
                    f"Accuracy on {comparison.n_test:,} held-out students, trained "
                    f"on {comparison.n_train:,}; {comparison.mechanism}."
                )

# The curve comes last: it evaluates the tier once per parameter value, and
# the figures and release above should not wait for it.
st.subheader("The trade-off")
parameter = tradeoff_parameter(config)
with user_errors():
    with st.spinner("Drawing the risk–utility curve…"):
        curve = session_memo(
            ("curve", *evaluation_key(roles, config)),
            lambda: tradeoff_curve(
                table, roles, config, token_key=key, workload=workload
            ),
        )
st.plotly_chart(
    tradeoff_figure(curve, parameter, getattr(config, parameter)),
    width="stretch",
)
st.caption(
    f"{result.headline_risk_label} against the workload error, as "
    f"{parameter.replace('_', ' ')} varies; the ring marks the current choice."
)
