"""Published tables: small cells, the cells that give them away, and the audit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from pages._shared import current_dataset, dataset_version, session_memo, user_errors
from privacy.exceptions import InputError
from privacy.loading import read_upload
from privacy.tables import (
    DEFAULT_PROTECTION,
    MAX_CATEGORIES,
    MAX_DIMENSIONS,
    RULE_PRESETS,
    DisclosureRule,
    ProtectionLevel,
    audit_table,
    protect_table,
)
from privacy.tables_costs import (
    compare_with_dp,
    differencing_risks,
    subgroup_cost_figure,
)
from privacy.tables_upload import read_published_table

CUSTOM = "custom"
DP_SEED_KEY = "tables_dp_seed"
CONFIRMED_KEY = "tables_confirmed_large_table"
PREFERRED_DIMENSIONS = ("school", "grade")
PROGRAM_COLUMNS = ("summer_jobs", "community_center")
# Above this many interior cells the page asks before protecting a table.
LARGE_TABLE_CELLS = 3000


def yes_no_columns(table: pd.DataFrame) -> list[str]:
    """Columns holding only yes/no values (candidates for a rate)."""
    return [
        name
        for name in table.columns
        if table[name].dtype == bool
        or (table[name].notna().all() and table[name].isin([0, 1]).all())
    ]


st.title("Published tables")
st.markdown(
    "Counts and rates by school, grade or subgroup are the oldest way of sharing "
    "student data. A **small cell** (a handful of students) can single someone "
    "out, so it is withheld; but the totals printed beside it can give it back, "
    "so further cells are withheld (**complementary suppression**). The audit "
    "then plays the attacker: from everything printed, how closely can each "
    "blank be pinned down?"
)

dataset = current_dataset()
table = dataset.table

# --- What to publish ---------------------------------------------------------
st.header("The table")
columns = list(table.columns)
defaults = [name for name in PREFERRED_DIMENSIONS if name in columns] or columns[:1]
left, right = st.columns(2)
dimensions = left.multiselect(
    "Break the counts down by (one to three columns)",
    columns,
    default=defaults,
    max_selections=MAX_DIMENSIONS,
    key="tables_dimensions",
)
indicators = yes_no_columns(table)
indicator = right.selectbox(
    "Publish the rate of (optional)",
    [None, *indicators],
    index=(indicators.index("chronically_absent") + 1)
    if "chronically_absent" in indicators
    else 0,
    format_func=lambda name: "counts only" if name is None else name,
    key="tables_indicator",
)

st.subheader("The rule")
left, middle, right = st.columns(3)
preset_name = left.selectbox(
    "Rule",
    [*RULE_PRESETS, CUSTOM],
    format_func=lambda name: "your own" if name == CUSTOM else name,
    key="tables_preset",
)
preset = RULE_PRESETS.get(preset_name, RULE_PRESETS["nces-10"])
min_count = middle.number_input(
    "Withhold counts below",
    min_value=1,
    max_value=1000,
    value=preset.min_count,
    disabled=preset_name != CUSTOM,
    key=f"tables_min_count_{preset_name}",
)
rounding = right.selectbox(
    "Round published counts to",
    [None, 3, 5, 10],
    format_func=lambda base: "no rounding" if base is None else f"multiples of {base}",
    disabled=preset_name != CUSTOM,
    key="tables_rounding",
)
coding = left.selectbox(
    "Top and bottom coding of rates",
    [None, 5.0, 10.0],
    index=0 if preset.top_bottom_percent is None else 1,
    format_func=lambda p: "none" if p is None else f"'>{100 - p:g}%' and '<{p:g}%'",
    disabled=preset_name != CUSTOM,
    key=f"tables_coding_{preset_name}",
)
withhold_zeros = middle.checkbox(
    "Withhold zero counts too",
    value=False,
    disabled=preset_name != CUSTOM,
    key="tables_zeros",
)
complementary = right.checkbox(
    "Complementary suppression", value=True, key="tables_complementary"
)
if preset_name != CUSTOM:
    st.caption(f"Source: {preset.source}")

st.subheader("How wide must the attacker's guess stay?")
left, right = st.columns(2)
protection_width = left.number_input(
    "At least this many students wide",
    min_value=1.0,
    max_value=100.0,
    value=float(DEFAULT_PROTECTION.min_width),
    step=1.0,
    key="tables_protection_width",
)
protection_share = right.number_input(
    "and at least this share of the cell's value",
    min_value=0.0,
    max_value=5.0,
    value=float(DEFAULT_PROTECTION.min_share),
    step=0.1,
    key="tables_protection_share",
)

with user_errors():
    if not dimensions:
        raise InputError(
            "Choose at least one column to break the counts down by, e.g. school."
        )
    rule = (
        preset
        if preset_name != CUSTOM
        else DisclosureRule(
            name="your own",
            min_count=int(min_count),
            rounding_base=rounding,
            top_bottom_percent=coding,
            withhold_zero_counts=withhold_zeros,
        )
    )
    protection = ProtectionLevel(
        min_width=float(protection_width), min_share=float(protection_share)
    )
    key = (
        "tables",
        dataset_version(),
        tuple(dimensions),
        indicator,
        rule,
        protection,
        complementary,
    )
    sizes = [table[name].nunique(dropna=False) for name in dimensions]
    cells = int(np.prod(sizes))
    # A dimension with too many categories is refused by the library below.
    large = max(sizes) <= MAX_CATEGORIES and cells > LARGE_TABLE_CELLS
    if large and st.session_state.get(CONFIRMED_KEY) != key:
        st.warning(
            f"This table has about {cells:,} interior cells. Protecting and "
            "auditing it can take minutes, and with this many small cells "
            "suppression may blank most of it."
        )
        if st.button("Protect it anyway", key="tables_confirm", type="primary"):
            st.session_state[CONFIRMED_KEY] = key
        else:
            st.stop()
    with st.spinner("Suppressing and auditing…"):
        protected = session_memo(
            key,
            lambda: protect_table(
                table,
                dimensions,
                rule,
                indicator=indicator,
                protection_level=protection,
                complementary=complementary,
            ),
        )

# --- What is published ---------------------------------------------------------
st.header("What would be published")
metrics = st.columns(4)
metrics[0].metric("Cells withheld", f"{protected.suppressed_cell_share:.1%}")
metrics[1].metric("Students withheld", f"{protected.suppressed_student_share:.1%}")
metrics[2].metric(
    "Published cells below the minimum", protected.published_cells_below_minimum
)
if protected.rate_mean_relative_error is not None:
    metrics[3].metric(
        "Rate error (withheld = 100%)", f"{protected.rate_mean_relative_error:.1%}"
    )
release = protected.release()
reason_column = "count_reason" if indicator is None else "rate_reason"
shown = release.assign(withheld=protected.cells[reason_column].to_numpy())
st.dataframe(shown, hide_index=True, width="stretch")
st.caption(
    "Blank cells are withheld. The reason column is for you, the publisher: "
    "printing it would tell the attacker which blanks are small."
)

# --- The attacker's audit --------------------------------------------------------
st.header("The attacker's audit")
audit = protected.audit_frame()
if protected.audit.passed:
    st.success(
        f"No withheld cell can be pinned down: every small cell's interval is at "
        f"least {protection.min_width:g} students and "
        f"{protection.min_share:.0%} of its value wide."
    )
else:
    st.error(
        f"{protected.audit.exposed_cells} withheld cell(s) can be recovered to "
        "within the protection level from the published totals. Turn on "
        "complementary suppression, or widen the table's categories."
    )
st.dataframe(audit, hide_index=True, width="stretch")

# --- Who pays ---------------------------------------------------------------------
st.header("Who loses their numbers")
costs = protected.subgroup_costs
st.plotly_chart(subgroup_cost_figure(costs), width="stretch")
st.dataframe(costs, hide_index=True, width="stretch")

# --- Differential privacy beside it -----------------------------------------------
st.header("Suppression beside differential privacy")
st.markdown(
    "The same cells, with Laplace noise instead of blanks: every cell is "
    "published, each off by about 1/ε students on average. This preview is "
    "not a release and spends none of the session's budget."
)
epsilon = st.number_input(
    "ε of the noisy table",
    min_value=0.01,
    max_value=20.0,
    value=1.0,
    step=0.1,
    key="tables_epsilon",
)
seed = st.session_state.setdefault(DP_SEED_KEY, 20250601)
with user_errors():
    comparison = session_memo(
        (*key, "dp", float(epsilon), seed),
        lambda: compare_with_dp(table, protected, float(epsilon), random_state=seed),
    )
st.dataframe(comparison.measures, hide_index=True, width="stretch")

# --- Differencing -------------------------------------------------------------------
st.header("Differencing between releases")
programs = [name for name in PROGRAM_COLUMNS if name in indicators]
if programs:
    program = st.selectbox(
        "A second release leaves out the students of", programs, key="tables_program"
    )
    first = dimensions[0]
    with user_errors():
        releases = session_memo(
            (*key, "differencing", program),
            lambda: {
                "all students": protect_table(table, [first], rule).release(),
                f"without {program}": protect_table(
                    table[~table[program].astype(bool)], [first], rule
                ).release(),
            },
        )
        risks = differencing_risks(releases, rule.min_count)
    if risks.empty:
        st.success(
            f"No {first} total differs between the two releases by 1 to "
            f"{rule.min_count - 1} students."
        )
    else:
        st.warning(
            f"{len(risks)} {first} total(s) differ by fewer than {rule.min_count} "
            f"students: subtracting one release from the other singles out the "
            f"{program} students there, although each release obeys the rule."
        )
        st.dataframe(risks, hide_index=True, width="stretch")
else:
    st.info(
        "The data has no program column (summer_jobs, community_center) to build "
        "a second, nested release from."
    )

# --- Audit a table you already publish ---------------------------------------------
st.header("Audit a table you publish")
st.markdown(
    "Upload or paste a table as printed: row labels in the first column, one "
    "column per category, a **Total** row and column if you print them, and "
    "blanks, `*` or `<6` where values are withheld."
)
uploaded = st.file_uploader(
    "Published table (CSV, Excel or Parquet)",
    type=["csv", "xlsx", "parquet"],
    key="tables_upload",
)
pasted = st.text_area("…or paste it as CSV", key="tables_paste", height=120)
zeros_printed = st.checkbox(
    "The table prints every zero (so a blank is at least 1)",
    value=True,
    key="tables_upload_zeros",
)
if uploaded is not None or pasted.strip():
    with user_errors():
        if uploaded is not None:
            grid = read_upload(uploaded.name, uploaded.getvalue()).table
        else:
            grid = read_upload("pasted.csv", pasted.encode("utf-8")).table
        published = read_published_table(grid)
        outside = audit_table(
            published.cells,
            published.constraints,
            protection,
            withheld_lower_bound=1 if zeros_printed else 0,
        )
    if outside.intervals.empty:
        st.info("The table has no withheld cell to audit.")
    elif outside.passed:
        st.success("No blank can be narrowed below the protection level.")
    else:
        st.error(
            f"{outside.exposed_cells} blank(s) can be recovered to within the "
            "protection level from the printed totals."
        )
    labels = published.cells.iloc[outside.intervals["cell"].to_numpy()][
        ["row", "column", "level"]
    ].reset_index(drop=True)
    st.dataframe(
        pd.concat(
            [labels, outside.intervals.drop(columns=["cell", "measure"])], axis=1
        ),
        hide_index=True,
        width="stretch",
    )
