"""Compare tiers: the four future states side by side on the same axes."""

import pandas as pd
import streamlit as st

from pages._shared import (
    current_dataset,
    current_roles,
    current_tier_config,
    evaluation_key,
    session_memo,
    session_workload,
    token_key,
    user_errors,
)
from privacy.charts import comparison_figure
from privacy.roles import ColumnRole, columns_with_role
from privacy.synthetic import SUMMER_JOBS_ATTENDANCE_EFFECT
from privacy.tier_catalog import TIER_DESCRIPTIONS
from privacy.tiers import compare_tiers

st.title("Compare tiers")
st.markdown(
    "The four future states of sharing on the same two axes: the worst-case chance "
    "that an attacker singles out a student, and how far the answers to a fixed "
    "set of questions (the outcome's rate by school and by subgroup) move from the "
    "truth. Lower is better on both. Parameters come from the **Risk and "
    "utility** page (k, minimum cell size, ε)."
)

dataset = current_dataset()
roles = current_roles()
config = current_tier_config()
quasi_identifiers = columns_with_role(roles, ColumnRole.QUASI_IDENTIFIER)
sensitive = columns_with_role(roles, ColumnRole.SENSITIVE)
key, _ = token_key()

with user_errors():
    workload = session_workload(dataset, roles, config)
    with st.spinner("Evaluating every tier…"):
        results = session_memo(
            ("compare", *evaluation_key(roles, config)),
            lambda: compare_tiers(
                dataset.table, roles, config, token_key=key, workload=workload
            ),
        )

rows = []
for label, result in results.items():
    rows.append(
        {
            "tier": label,
            "headline_risk": result.headline_risk,
            "risk measure": result.headline_risk_label,
            "workload_error": result.workload.workload_error,
            "answered at full detail": result.workload.answered_share,
            "summer-jobs effect": next(
                (m.value for m in result.utility if m.key == "program_effect"), None
            ),
        }
    )
summary = pd.DataFrame(rows)
st.plotly_chart(comparison_figure(summary), width="stretch")
st.dataframe(
    summary.rename(
        columns={
            "headline_risk": "worst-case risk",
            "workload_error": "workload error (points)",
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "worst-case risk": st.column_config.NumberColumn(format="percent"),
        "answered at full detail": st.column_config.NumberColumn(format="percent"),
        "summer-jobs effect": st.column_config.NumberColumn(
            format="%+.2f pts",
            help="The program's effect on attendance as an analyst would estimate "
            "it from the release; blank where the release cannot answer it.",
        ),
    },
)
st.caption(
    f"Workload: rate of {workload.outcome} by {workload.unit}"
    + (
        f" and by {workload.unit} × each of {', '.join(workload.subgroups)}"
        if workload.subgroups
        else ""
    )
    + f"; {results[next(iter(results))].workload.cells:,} query cells, each "
    "weighted equally."
)

if dataset.kind == "synthetic" and "summer_jobs" in dataset.table:
    st.caption(
        f"Summer-jobs effect: the synthetic population was built with a true "
        f"effect of +{SUMMER_JOBS_ATTENDANCE_EFFECT:g} attendance points. Record-"
        "level releases estimate it by regression on what they still show; tables "
        "cannot adjust for who took part."
    )

st.subheader("What each future state can and cannot answer")
for description in TIER_DESCRIPTIONS.values():
    with st.expander(description.title):
        st.markdown(
            "**Can answer:**\n"
            + "\n".join(f"- {question}" for question in description.answers)
            + "\n\n**Cannot answer:**\n"
            + "\n".join(f"- {question}" for question in description.cannot_answer)
        )
