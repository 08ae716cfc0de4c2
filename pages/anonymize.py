"""Record-level anonymization: generalize and suppress until each student hides."""

import dataclasses
import datetime

import pandas as pd
import plotly.express as px
import streamlit as st

from pages._shared import (
    current_dataset,
    current_roles,
    current_tier_config,
    dataset_version,
    forget_widget_state,
    is_workshop_mode,
    session_memo,
    set_tier_config,
    user_errors,
)
from privacy.anonymization import (
    L_KINDS,
    MEASURES,
    T_DISTANCES,
    attribute_loss_frame,
    distribution_frame,
    frontier,
    frontier_frame,
    frontier_point,
    global_recoding,
    mondrian,
)
from privacy.exceptions import InputError
from privacy.export import to_csv_bytes
from privacy.hierarchies import (
    HIERARCHY_RULES,
    Hierarchy,
    build_hierarchy,
    read_arx_hierarchy,
)
from privacy.risk import risk_bands
from privacy.roles import ColumnRole

RULES = {**HIERARCHY_RULES, "arx": "Your own hierarchy, in ARX's CSV layout"}
DATE_LEVELS = ("month", "quarter", "year", "age_band")
FRONTIER_K = (2, 3, 5, 10, 20, 50)
MEASURE_LABELS = {
    "loss": "Generalization loss (share of detail lost)",
    "discernibility": "Discernibility (how large the crowds are)",
}
RISK_AXES = {
    "prosecutor_risk_max": "Highest chance of singling out a student",
    "prosecutor_risk_avg": "Average chance of singling out a student",
}


def _numbers(text: str, what: str) -> tuple[float, ...]:
    """Read a comma-separated list of numbers typed by the user."""
    try:
        return tuple(float(part) for part in text.replace(";", ",").split(",") if part)
    except ValueError as error:
        raise InputError(
            f"{what} must be numbers separated by commas; got {text!r}. "
            "Type for example 5, 10, 20."
        ) from error


def _optional_number(text: str, what: str) -> float | None:
    """Read one optional number; blank means none."""
    numbers = _numbers(text.strip(), what)
    return numbers[0] if numbers else None


def _rule_parameters(name: str, rule: str) -> dict:
    """Widgets for the parameters of one hierarchy rule."""
    key = f"anonymize_{rule}_{name}"
    if rule == "intervals":
        left, middle, right = st.columns(3)
        widths = left.text_input(
            "Interval widths, fine to coarse", "5, 10, 20", key=f"{key}_widths"
        )
        bottom = middle.text_input("Bottom code below (optional)", key=f"{key}_bottom")
        top = right.text_input("Top code from (optional)", key=f"{key}_top")
        return {
            "widths": _numbers(widths, "Interval widths"),
            "bottom": _optional_number(bottom, "The bottom code"),
            "top": _optional_number(top, "The top code"),
        }
    if rule == "dates":
        left, middle, right = st.columns(3)
        levels = left.multiselect(
            "Levels", DATE_LEVELS, ["month", "year", "age_band"], key=f"{key}_levels"
        )
        reference = middle.date_input(
            "Ages taken at", datetime.date(2025, 9, 1), key=f"{key}_reference"
        )
        width = right.number_input(
            "Age band width (years)", min_value=1, value=5, key=f"{key}_width"
        )
        return {
            "levels": tuple(levels),
            "reference": reference,
            "age_band_width": width,
        }
    if rule == "masking":
        width = st.number_input(
            "Code length (0 = longest value)", min_value=0, value=0, key=f"{key}_width"
        )
        return {"width": int(width) or None}
    return {}


def _arx_source(name: str) -> bytes | None:
    """The ARX hierarchy the user uploaded or pasted, if any."""
    upload = st.file_uploader(
        "Upload an ARX hierarchy (CSV, no header, ';')",
        type=["csv", "txt"],
        key=f"anonymize_arx_upload_{name}",
    )
    pasted = st.text_area(
        "…or paste it here",
        key=f"anonymize_arx_text_{name}",
        placeholder="34;<50;*\n66;>=50;*",
    )
    if upload is not None:
        return upload.getvalue()
    return pasted.encode() if pasted.strip() else None


SPECS_KEY = "anonymize_specs"


def _remember_spec(name: str, rule: str, parameters: dict) -> None:
    """Keep the rule of a column's hierarchy as plain, exportable values."""
    plain = {
        key: value.isoformat() if isinstance(value, datetime.date) else value
        for key, value in parameters.items()
    }
    plain = {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in plain.items()
    }
    st.session_state.setdefault(SPECS_KEY, {})[name] = {"rule": rule, **plain}


def hierarchy_editor(table: pd.DataFrame, name: str) -> Hierarchy:
    """Choose, preview and download the hierarchy of one quasi-identifier."""
    rule = st.selectbox(
        "Rule",
        list(RULES),
        format_func=RULES.get,
        key=f"anonymize_rule_{name}",
    )
    with user_errors():
        if rule == "arx":
            # An uploaded hierarchy lists the data's values: it is not carried
            # into the exported configuration, which holds rules only.
            st.session_state.setdefault(SPECS_KEY, {}).pop(name, None)
            source = _arx_source(name)
            if source is None:
                st.info(
                    "Upload or paste a hierarchy to use it.", icon=":material/info:"
                )
                st.stop()
            hierarchy = read_arx_hierarchy(source, name=name)
        else:
            parameters = _rule_parameters(name, rule)
            _remember_spec(name, rule, parameters)
            memo_key = ("hierarchy", dataset_version(), name, rule, repr(parameters))
            hierarchy = session_memo(
                memo_key,
                lambda: build_hierarchy(table[name], rule, name, **parameters),
            )
        # Check coverage now, so the error names this column's missing values.
        hierarchy.row_codes(table[name])

    st.caption(
        f"{len(hierarchy.levels):,} values, {hierarchy.height} generalization "
        "steps; the last level hides the value. Missing values stay missing "
        "until the last level."
    )
    st.dataframe(hierarchy.to_frame().head(50), hide_index=True, width="stretch")
    st.download_button(
        "Download as ARX CSV",
        hierarchy.to_arx_csv(),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"anonymize_download_{name}",
    )
    return hierarchy


st.title("Record-level anonymization")
st.markdown(
    "**What this measures.** Each student's record is kept, but the columns an "
    "outsider could link to other data (birth date, ZIP code, school, grade…) "
    "are made coarser until every student shares them with at least **k − 1** "
    "others; the few records that would still stand out can be removed "
    "(*suppressed*). *Global* recoding coarsens a column the same way for "
    "everyone and finds the least costly combination; *local* recoding "
    "(Mondrian) cuts the records into groups and coarsens each group only as "
    "much as it needs. The **information loss** says how much detail was "
    "given up: 0 means nothing changed, 1 means everything was hidden."
)

dataset = current_dataset()
table = dataset.table
roles = current_roles()
default_quasi_identifiers = [
    name
    for name, role in roles.items()
    if role == ColumnRole.QUASI_IDENTIFIER and name in table.columns
]
identifiers = [
    name
    for name, role in roles.items()
    if role == ColumnRole.DIRECT_IDENTIFIER and name in table.columns
]

st.header("1. Quasi-identifiers and their hierarchies")
quasi_identifiers = st.multiselect(
    "Quasi-identifiers",
    list(table.columns),
    default=default_quasi_identifiers,
    key="anonymize_quasi_identifiers",
    help="Set on the Data page; change them here for this page only.",
)
if not quasi_identifiers:
    st.info(
        "Choose at least one quasi-identifier to anonymize.", icon=":material/info:"
    )
    st.stop()

hierarchies = {}
for name in quasi_identifiers:
    with st.expander(f"Hierarchy for {name}"):
        hierarchies[name] = hierarchy_editor(table, name)

st.header("2. Privacy model")
left, middle, right = st.columns(3)
method = left.radio(
    "Recoding",
    ["global", "local"],
    format_func={
        "global": "Global (one level per column)",
        "local": "Local (Mondrian)",
    }.get,
    key="anonymize_method",
)
k = int(middle.number_input("k", min_value=2, value=5, step=1, key="anonymize_k"))
suppression_percent = right.slider(
    "Records that may be suppressed (%)",
    0.0,
    20.0,
    5.0,
    0.5,
    key="anonymize_suppression",
    disabled=method == "local",
)
measure = st.selectbox(
    "Information loss to minimize",
    MEASURES,
    format_func=MEASURE_LABELS.get,
    key="anonymize_measure",
)
protection = st.radio(
    "Protection of a sensitive attribute",
    ["none", "l-diversity", "t-closeness"],
    horizontal=True,
    key="anonymize_protection",
    disabled=method == "local",
    help="k-anonymity hides who a record is; l-diversity and t-closeness also "
    "stop a group from revealing everyone's sensitive value.",
)
model: dict = {}
if method == "global" and protection != "none":
    candidates = [name for name in table.columns if name not in quasi_identifiers]
    sensitive_default = [
        name for name, role in roles.items() if role == ColumnRole.SENSITIVE
    ]
    index = candidates.index(sensitive_default[0]) if sensitive_default else 0
    left, middle, right = st.columns(3)
    model["sensitive"] = left.selectbox(
        "Sensitive attribute", candidates, index=index, key="anonymize_sensitive"
    )
    if protection == "l-diversity":
        model["l"] = float(
            middle.number_input("l", min_value=1.0, value=2.0, key="anonymize_l")
        )
        model["l_kind"] = right.selectbox("Kind", L_KINDS, key="anonymize_l_kind")
    else:
        model["t"] = float(
            middle.number_input(
                "t", min_value=0.0, max_value=1.0, value=0.2, key="anonymize_t"
            )
        )
        model["t_distance"] = right.selectbox(
            "Distance", T_DISTANCES, key="anonymize_t_distance"
        )
max_suppression = suppression_percent / 100

st.header("3. The release")
hierarchy_key = tuple(hierarchies[name] for name in quasi_identifiers)
with user_errors():
    if method == "global":
        result = session_memo(
            (
                "global",
                dataset_version(),
                hierarchy_key,
                k,
                max_suppression,
                measure,
                repr(model),
            ),
            lambda: global_recoding(
                table,
                quasi_identifiers,
                hierarchies,
                k=k,
                max_suppression=max_suppression,
                measure=measure,
                **model,
            ),
        )
    else:
        result = session_memo(
            ("local", dataset_version(), hierarchy_key, k, measure),
            lambda: mondrian(
                table, quasi_identifiers, k, hierarchies=hierarchies, measure=measure
            ),
        )

if method == "global" and st.button(
    "Use these hierarchies and this transformation in tiers 3 and 4",
    key="anonymize_apply",
    help="The Risk and utility, Compare and Export pages then use them.",
):
    specs = {
        name: spec
        for name, spec in st.session_state.get(SPECS_KEY, {}).items()
        if name in quasi_identifiers
    }
    # Fixed levels only make sense for the same quasi-identifiers as the
    # Data page's; otherwise the tiers search again with these hierarchies.
    same_columns = set(quasi_identifiers) == set(default_quasi_identifiers)
    saved = current_tier_config()
    set_tier_config(
        dataclasses.replace(
            saved,
            tier=max(saved.tier, 3),
            hierarchies=specs,
            levels=dict(result.levels) if same_columns else None,
            k=k,
            max_suppression=max_suppression,
        )
    )
    forget_widget_state("cfg_")
    st.success(
        "Tiers 3 and 4 now use these hierarchies"
        + (" and this transformation." if same_columns else ".")
        + " Rules uploaded as ARX files are used here only.",
        icon=":material/check_circle:",
    )

loss = result.information_loss
columns = st.columns(4)
columns[0].metric("Smallest crowd (k achieved)", result.k_achieved)
columns[1].metric(
    "Records suppressed",
    f"{result.records_suppressed:,}",
    help=f"{result.suppressed_share:.1%} of {len(table):,} records",
)
columns[2].metric(f"Information loss ({loss.measure})", f"{loss.value:.3f}")
columns[3].metric("Highest chance of singling out", f"{1 / result.k_achieved:.1%}")
if is_workshop_mode():
    st.caption(
        "Workshop mode: the detailed explanation (with example values) is hidden."
    )
else:
    # Masked codes contain asterisks, which Markdown would read as emphasis.
    st.info(result.explanation.replace("*", "\\*"), icon=":material/grid_view:")

left, right = st.columns(2)
with left:
    st.subheader("Detail lost per column")
    figure = px.bar(
        attribute_loss_frame(result),
        x="quasi_identifier",
        y="generalization_loss",
        labels={"quasi_identifier": "", "generalization_loss": "Loss (0–1)"},
        range_y=[0, 1],
    )
    st.plotly_chart(figure, key="anonymize_attribute_loss")
with right:
    st.subheader("Risk of the released records")
    with user_errors():
        bands = risk_bands(result.release, quasi_identifiers)
    risk_frame = pd.DataFrame(
        {"crowd size": bands.labels(), "share of released records": bands.shares}
    )
    figure = px.bar(
        risk_frame,
        x="crowd size",
        y="share of released records",
        range_y=[0, 1],
    )
    st.plotly_chart(figure, key="anonymize_risk_bands")

st.subheader("Before and after")
shown = st.selectbox("Column", quasi_identifiers, key="anonymize_distribution_column")
figure = px.bar(
    distribution_frame(table, result, shown),
    x="value",
    y="records",
    color="stage",
    barmode="group",
    labels={"value": shown},
)
st.plotly_chart(figure, key="anonymize_distribution")

st.header("4. The risk–utility frontier")
st.markdown(
    "Each point is the best global transformation for one k (and the same "
    "suppression limit and sensitive-attribute protection): larger crowds lower "
    "the risk and cost more detail."
)
k_values = [value for value in FRONTIER_K if value <= len(table)]
include_local = st.toggle(
    "Add local recoding (Mondrian) to the chart", key="anonymize_frontier_local"
)
with user_errors():
    points = session_memo(
        (
            "frontier",
            dataset_version(),
            hierarchy_key,
            max_suppression,
            measure,
            repr(model),
            tuple(k_values),
        ),
        lambda: frontier(
            table,
            quasi_identifiers,
            hierarchies,
            k_values,
            max_suppression=max_suppression,
            measure=measure,
            **model,
        ),
    )
    if include_local:
        points = points + session_memo(
            (
                "frontier-local",
                dataset_version(),
                hierarchy_key,
                measure,
                tuple(k_values),
            ),
            lambda: [
                frontier_point(
                    mondrian(
                        table,
                        quasi_identifiers,
                        value,
                        hierarchies=hierarchies,
                        measure=measure,
                    )
                )
                for value in k_values
            ],
        )
frame = frontier_frame(points)

view = st.radio(
    "Chart",
    ["risk against loss", "loss against k"],
    horizontal=True,
    key="anonymize_frontier_view",
)
if view == "risk against loss":
    risk_axis = st.selectbox(
        "Risk", list(RISK_AXES), format_func=RISK_AXES.get, key="anonymize_risk_axis"
    )
    figure = px.line(
        frame,
        x="information_loss",
        y=risk_axis,
        color="method",
        markers=True,
        text="k",
        labels={
            "information_loss": "Information loss",
            risk_axis: RISK_AXES[risk_axis],
        },
    )
else:
    figure = px.line(
        frame,
        x="k",
        y="information_loss",
        color="method",
        markers=True,
        labels={"information_loss": "Information loss"},
    )
st.plotly_chart(figure, key="anonymize_frontier")

candidate = st.selectbox(
    "Inspect a candidate",
    range(len(frame)),
    format_func=lambda row: (
        f"k = {frame.loc[row, 'k']} ({frame.loc[row, 'method']}): "
        f"{frame.loc[row, 'transformation']}"
    ),
    key="anonymize_candidate",
)
chosen = frame.loc[candidate]
columns = st.columns(4)
columns[0].metric("Information loss", f"{chosen['information_loss']:.3f}")
columns[1].metric("Highest risk", f"{chosen['prosecutor_risk_max']:.1%}")
columns[2].metric("Average risk", f"{chosen['prosecutor_risk_avg']:.2%}")
columns[3].metric("Suppressed", f"{chosen['suppressed_share']:.1%}")

st.header("5. Download")
release = result.release.drop(columns=identifiers)
if identifiers:
    st.caption(
        f"Direct identifiers ({', '.join(identifiers)}) are dropped from this "
        "release; the tiers replace them by keyed tokens."
    )
if is_workshop_mode():
    st.caption("Workshop mode: individual records are hidden.")
else:
    st.dataframe(release.head(20), hide_index=True, width="stretch")
st.download_button(
    "Download the release (CSV)",
    to_csv_bytes(release),
    file_name="release.csv",
    mime="text/csv",
    key="anonymize_download_release",
)
