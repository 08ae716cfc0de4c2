"""Boston data-sharing tradeoff explorer: the entry point.

Run with ``streamlit run app.py``. The pages live in ``pages/``; the library
they call lives in ``privacy/``.
"""

import logging

import streamlit as st

from pages._shared import current_dataset, privacy_budget, workshop_mode

st.set_page_config(
    page_title="Boston data-sharing tradeoff explorer",
    page_icon=":material/lock:",
    layout="wide",
)

PAGES = {
    "Explore": [
        st.Page(
            "pages/home.py", title="Overview", icon=":material/home:", default=True
        ),
        st.Page("pages/data.py", title="Data", icon=":material/table_view:"),
        st.Page(
            "pages/explore.py", title="Risk and utility", icon=":material/balance:"
        ),
        st.Page(
            "pages/compare.py", title="Compare tiers", icon=":material/compare_arrows:"
        ),
    ],
    "Techniques": [
        st.Page(
            "pages/anonymize.py",
            title="Record-level anonymization",
            icon=":material/grid_view:",
        ),
        st.Page(
            "pages/tables.py", title="Published tables", icon=":material/calculate:"
        ),
        st.Page("pages/epsilon.py", title="Choosing epsilon", icon=":material/tune:"),
    ],
    "Decide": [
        st.Page(
            "pages/export.py", title="Export and reload", icon=":material/download:"
        ),
    ],
}

# What the product did goes to standard error, one line per action, never a
# data value (see privacy.logs). The handler is added once per process.
_log = logging.getLogger("explorer")
if not any(isinstance(h, logging.StreamHandler) for h in _log.handlers):
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s explorer %(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(logging.INFO)

navigation = st.navigation(PAGES)

# The sidebar shows the same facts on every page: which data is loaded and
# how much of this session's privacy budget is spent.
with st.sidebar:
    dataset = current_dataset()
    st.caption("Data in this session")
    st.markdown(
        f"**{dataset.name}**  \n{len(dataset.table):,} rows × "
        f"{dataset.table.shape[1]} columns"
    )
    budget = privacy_budget()
    st.caption("Privacy budget of this session (ε)")
    st.progress(
        min(1.0, float(budget.spent) / float(budget.cap)),
        text=f"spent {float(budget.spent):g} of {float(budget.cap):g}",
    )
    workshop_mode()
    st.caption(
        "Your data stays in this browser session: nothing is written to disk "
        "and other users cannot see it."
    )

navigation.run()
