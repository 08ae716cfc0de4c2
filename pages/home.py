"""Overview: what the explorer is for and the four future states of sharing."""

import pandas as pd
import streamlit as st

from privacy.tier_catalog import TIER_DESCRIPTIONS

st.title("Boston data-sharing tradeoff explorer")
st.markdown(
    "The City of Boston wants to share more data with Boston Public Schools to "
    "learn which City services help students. Every step toward more sharing "
    "trades student privacy for analytic value. This explorer lets you **see** "
    "that trade-off on realistic data before anyone signs an agreement: pick a "
    "future state of sharing, set its protections, and watch the risk of "
    "re-identifying a student move beside what the shared data can still answer."
)

st.subheader("The four future states")
overview = pd.DataFrame(
    [
        {
            "Future state": description.title,
            "What is shared": description.shared,
            "Protections": description.protections,
            "Main risk": description.main_risk,
        }
        for description in TIER_DESCRIPTIONS.values()
    ]
)
# A static table wraps long cells, so the whole row reads on a projector.
st.table(overview.set_index("Future state"))

st.subheader("Where to go next")
st.markdown(
    "1. **Data**: start with the synthetic BPS population (no real student), the "
    "public UCI student data, or your own file; check each column's role.\n"
    "2. **Risk and utility**: choose a future state and its parameters.\n"
    "3. **Compare tiers**: all four side by side on the same axes.\n"
    "4. **Export and reload**: keep the configuration and a one-page record of the "
    "decision."
)
st.info(
    "The default data is a synthetic population generated from public school-level "
    "figures (Massachusetts DESE, School and District Profiles). No real student "
    "is in it.",
    icon=":material/info:",
)
