"""Data: choose the table to explore and review each column's role."""

import streamlit as st

from pages._shared import (
    current_dataset,
    current_roles,
    dataset_version,
    is_workshop_mode,
    load_synthetic,
    login_required_for_uploads,
    session_memo,
    set_dataset,
    set_roles,
    user_errors,
)
from privacy.datasets import BUILTIN_DATASETS, Dataset, load_builtin
from privacy.loading import MAX_ROWS, MAX_UPLOAD_MEGABYTES, read_upload
from privacy.logs import log_action, timed_action
from privacy.risk import assess_risk, attribute_separation, population_uniqueness
from privacy.roles import (
    ColumnRole,
    column_summary,
    infer_roles,
    validate_roles,
)
from privacy.synthetic import (
    DEFAULT_SEED,
    DEFAULT_YEAR,
    SCHOOL_YEARS,
    published_figures,
)

ROLE_LABELS = {
    ColumnRole.DIRECT_IDENTIFIER: "direct identifier",
    ColumnRole.QUASI_IDENTIFIER: "quasi-identifier",
    ColumnRole.SENSITIVE: "sensitive",
    ColumnRole.OTHER: "other",
}
LABEL_ROLES = {label: role for role, label in ROLE_LABELS.items()}

st.title("Data")
st.markdown(
    "Choose the table to explore. Each column has a **role**: a *direct "
    "identifier* names a student and is never released as is; a "
    "*quasi-identifier* (birth date, ZIP, school, grade…) can be linked to "
    "outside data; a *sensitive* field is what an attacker wants to learn; "
    "*other* columns neither identify nor reveal."
)

SOURCES = {
    "synthetic": "Synthetic BPS population",
    "uci-student-mat": "UCI Student Performance (mathematics)",
    "uci-student-por": "UCI Student Performance (Portuguese)",
    "upload": "Upload your own file",
}
source = st.radio(
    "Source", list(SOURCES), format_func=SOURCES.get, horizontal=True, key="source"
)

if source == "synthetic":
    with st.form("synthetic"):
        columns = st.columns(3)
        year = columns[0].selectbox(
            "School year", SCHOOL_YEARS, index=SCHOOL_YEARS.index(DEFAULT_YEAR)
        )
        seed = columns[1].number_input("Seed", min_value=0, value=DEFAULT_SEED)
        students = columns[2].number_input(
            "Students (0 = the whole district)", min_value=0, value=0, step=1000
        )
        if st.form_submit_button("Use this population"):
            with user_errors():
                set_dataset(load_synthetic(year, int(seed), int(students) or None))
elif source == "upload":
    st.caption(
        f"CSV (comma, semicolon, tab or pipe), Excel (.xlsx) or Parquet; at most "
        f"{MAX_UPLOAD_MEGABYTES} MB and {MAX_ROWS:,} rows. The file is read "
        "in memory for this session only and never written to disk."
    )
    if login_required_for_uploads():
        st.stop()
    upload = st.file_uploader(
        "Student-level file", type=["csv", "txt", "tsv", "xlsx", "parquet"]
    )
    if upload is not None and st.session_state.get("upload_id") != upload.file_id:
        with user_errors(), timed_action("upload"):
            loaded = read_upload(upload.name, upload.getvalue())
            log_action(
                "upload_read",
                rows=len(loaded.table),
                columns=loaded.table.shape[1],
                mixed_type_columns=len(loaded.mixed_type_columns),
            )
            set_dataset(
                Dataset(
                    name=f"Upload: {upload.name}",
                    table=loaded.table,
                    roles=infer_roles(loaded.table),
                    source="Uploaded by you; kept in this session only.",
                    kind="upload",
                    notes=loaded.notes,
                )
            )
            st.session_state["upload_id"] = upload.file_id
            st.session_state["upload_mixed"] = loaded.mixed_type_columns
    for column, values in st.session_state.get("upload_mixed", {}).items():
        examples = (
            ""
            if is_workshop_mode()
            else f" (for example {', '.join(map(repr, values))})"
        )
        st.warning(
            f"Column {column!r} mixes numbers and text{examples}; it is kept as text.",
            icon=":material/error:",
        )
else:
    if st.button(f"Use {SOURCES[source]}"):
        with user_errors():
            set_dataset(load_builtin(source))
    st.caption(BUILTIN_DATASETS[source])

dataset = current_dataset()
st.subheader(dataset.name)
st.caption(dataset.source)
if dataset.kind == "upload" and is_workshop_mode():
    # Notes about a file may quote its cells.
    st.caption("Workshop mode: notes about the uploaded file are hidden.")
else:
    for note in dataset.notes:
        st.info(note, icon=":material/info:")

table = dataset.table
metrics = st.columns(3)
metrics[0].metric("Rows", f"{len(table):,}")
metrics[1].metric("Columns", table.shape[1])
metrics[2].metric("Missing cells", f"{int(table.isna().sum().sum()):,}")

st.markdown("#### Columns and their roles")
roles = current_roles()
summary = column_summary(table)
summary.insert(1, "role", [ROLE_LABELS[roles[name]] for name in summary["column"]])
edited = st.data_editor(
    summary,
    hide_index=True,
    width="stretch",
    disabled=[name for name in summary.columns if name != "role"],
    column_config={
        "role": st.column_config.SelectboxColumn(
            "role", options=list(LABEL_ROLES), required=True
        )
    },
    key=f"roles_editor::{dataset.name}",
)
with user_errors():
    set_roles(
        validate_roles(
            table,
            {
                name: LABEL_ROLES[label]
                for name, label in zip(edited["column"], edited["role"], strict=True)
            },
        )
    )

st.markdown("#### Who stands out in this data, before any protection")
quasi_identifiers = [
    name
    for name, role in current_roles().items()
    if role == ColumnRole.QUASI_IDENTIFIER
]
if not quasi_identifiers:
    st.info(
        "Mark the columns an outsider could know (birth date, ZIP, school, grade) "
        "as quasi-identifiers to see how many students they single out.",
        icon=":material/info:",
    )
else:
    with user_errors(stop=False):
        key = (dataset_version(), tuple(quasi_identifiers))
        report = session_memo(
            ("data_risk", *key), lambda: assess_risk(table, quasi_identifiers)
        )
        separation = session_memo(
            ("data_separation", *key),
            lambda: attribute_separation(table, quasi_identifiers).as_frame(),
        )
        figures = st.columns(4)
        figures[0].metric("k (smallest group)", f"{report.k:,}")
        figures[1].metric(
            "Unique students",
            f"{report.sample_uniques:,}",
            help="Students alone in their group of look-alikes.",
        )
        figures[2].metric(
            "Highest re-identification risk", f"{report.prosecutor_risk_max:.0%}"
        )
        figures[3].metric(
            "Average re-identification risk",
            f"{report.prosecutor_risk_avg:.1%}",
            help="Groups / students: the expected share re-identified if every "
            "student is attacked (prosecutor and, for a census, marketer risk).",
        )
        st.caption(
            "Which quasi-identifiers, alone or in pairs, make students unique "
            "(unique share: students alone with their values; separation: share "
            "of pairs of students the columns tell apart)."
        )
        st.dataframe(
            separation.sort_values("unique_share", ascending=False).head(12),
            hide_index=True,
            width="stretch",
        )
        fraction = dataset.origin.get("students")
        if dataset.kind == "synthetic" and fraction:
            whole = int(published_figures(dataset.origin["year"])["students"].sum())
            estimate = population_uniqueness(
                table, quasi_identifiers, min(1.0, fraction / whole)
            )
            # The sample was drawn from the district generated with the same
            # seed: that district is the population a journalist links to.
            district = load_synthetic(
                dataset.origin["year"], dataset.origin["seed"], None
            ).table
            linked = session_memo(
                ("data_journalist", *key),
                lambda: assess_risk(table, quasi_identifiers, population=district),
            )
            st.caption(
                f"Against the whole district as the population: highest journalist "
                f"risk {linked.journalist_risk_max:.0%}, average "
                f"{linked.journalist_risk_avg:.1%}; marketer risk "
                f"{linked.marketer_risk:.1%} (expected share re-identified when "
                "every student is attacked)."
            )
            st.caption(
                f"This is a sample of {fraction:,} of {whole:,} students. Estimated "
                f"(Zayatz's model, which assumes a simple random sample): "
                f"{estimate.unique_given_sample_unique_risk:.0%} of the sample's "
                "unique students are also unique in the whole district."
            )

st.markdown("#### Rows")
if is_workshop_mode():
    st.info(
        "Workshop mode is on: individual records are hidden.",
        icon=":material/visibility_off:",
    )
else:
    st.dataframe(table.head(200), width="stretch", hide_index=True)
    st.caption(f"The first {min(200, len(table))} of {len(table):,} rows.")
