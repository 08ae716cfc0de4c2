"""Export and reload: keep the decision and apply it again later."""

from datetime import UTC, datetime

import streamlit as st

from pages._shared import (
    current_dataset,
    current_roles,
    current_tier_config,
    dataset_version,
    evaluate_for_session,
    forget_widget_state,
    session_memo,
    session_workload,
    set_dataset,
    set_roles,
    set_tier_config,
    token_key,
    user_errors,
)
from privacy.config import (
    ConfigDocument,
    config_from_json,
    config_to_json,
    table_fingerprint,
)
from privacy.datasets import load_builtin
from privacy.roles import validate_roles
from privacy.tiers import decision_record

st.title("Export and reload")
st.markdown(
    "Download the configuration to apply the same decision again, here or from "
    "the command line. It records the tier, its parameters, the column roles and "
    "a fingerprint of the data (SHA-256 and row count). It never holds a data "
    "value or the tokenization key."
)

dataset = current_dataset()
roles = current_roles()
config = current_tier_config()
fingerprint = session_memo(
    ("fingerprint", dataset_version()), lambda: table_fingerprint(dataset.table)
)
document = ConfigDocument(
    tier=config,
    roles=roles,
    origin=dict(dataset.origin),
    input_name=dataset.name,
    input_rows=len(dataset.table),
    input_sha256=fingerprint,
)

st.subheader("This session's decision")
text = config_to_json(document)
st.code(text, language="json")
st.download_button(
    "Download the configuration (JSON)",
    text,
    file_name="tradeoff-configuration.json",
    mime="application/json",
    type="primary",
)

st.caption(
    "The fingerprint lets anyone who holds this file check a guess of the whole "
    "table: share configurations of small or guessable tables only with people "
    "allowed to know the data."
)

# The decision record needs the tier's figures; if they cannot be computed on
# this data, say why and still offer loading a configuration below.
record = None
with user_errors(stop=False):
    key, _ = token_key()
    workload = session_workload(dataset, roles, config)
    result = evaluate_for_session(
        dataset.table, roles, config, token_key=key, workload=workload
    )
    record = decision_record(
        result,
        dataset_name=dataset.name,
        when=datetime.now(UTC),
        fingerprint=fingerprint,
    )
if record is not None:
    with st.expander("One-page record of the decision"):
        st.markdown(record)
    st.download_button(
        "Download the decision record (Markdown)",
        record,
        file_name="decision-record.md",
        mime="text/markdown",
    )

st.subheader("Load a configuration")
upload = st.file_uploader("Configuration file (JSON)", type=["json"])
if upload is not None and st.session_state.get("applied_config") != upload.file_id:
    with user_errors():
        loaded = config_from_json(upload.getvalue())
        if loaded.origin.get("builtin"):
            origin = dict(loaded.origin)
            target = load_builtin(origin.pop("builtin"), **origin)
        else:
            target = dataset
        # Check everything before changing the session: a configuration that
        # does not fit leaves the session's data as it was.
        roles_loaded = validate_roles(target.table, loaded.roles)
        same_rows = len(target.table) == loaded.input_rows
        same_data = same_rows and table_fingerprint(target.table) == loaded.input_sha256
        if target is not dataset:
            set_dataset(target)
        set_roles(roles_loaded)
        set_tier_config(loaded.tier)
        forget_widget_state("cfg_")
        st.session_state["applied_config"] = upload.file_id
    if same_data:
        st.success(
            f"Configuration applied: tier {loaded.tier.tier} on {target.name} (the "
            "same data: fingerprint matches).",
            icon=":material/check_circle:",
        )
    else:
        st.warning(
            f"Configuration applied, but it was made on other data "
            f"({loaded.input_rows:,} rows, fingerprint "
            f"{loaded.input_sha256[:12]}…) than the data loaded now "
            f"({len(target.table):,} rows). Load the same file on the Data page "
            "to reproduce the same figures.",
            icon=":material/error:",
        )
