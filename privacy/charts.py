"""Plotly figures for the pages: data shaping is pure and tested; figures are thin.

No Streamlit here: pages pass the returned figures to ``st.plotly_chart``.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

__all__ = ["comparison_figure", "tradeoff_figure"]

_RISK_AXIS = "Worst-case chance of singling out a student"
_ERROR_AXIS = "Workload error (percentage points, lower is better)"


def tradeoff_figure(curve: pd.DataFrame, parameter: str, current: float) -> go.Figure:
    """Risk against utility as one parameter varies, the current value marked.

    Parameters
    ----------
    curve : pandas.DataFrame
        Columns ``value`` (the parameter), ``headline_risk`` and
        ``workload_error``, one row per parameter value.
    parameter : str
        The parameter's name (``"k"``, ``"epsilon"``, ``"min_cell_size"``).
    current : float
        The value chosen now, ringed on the chart.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> curve = pd.DataFrame({"value": [2, 5], "headline_risk": [0.5, 0.2],
    ...                       "workload_error": [1.0, 2.0]})
    >>> figure = tradeoff_figure(curve, "k", 5)
    >>> [trace.name for trace in figure.data]
    ['k', 'current choice']
    """
    label = {"epsilon": "ε", "min_cell_size": "n"}.get(parameter, parameter)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=curve["workload_error"],
            y=curve["headline_risk"],
            mode="lines+markers+text",
            text=[f"{label}={value:g}" for value in curve["value"]],
            textposition="top right",
            name=parameter,
        )
    )
    chosen = curve[curve["value"] == current]
    figure.add_trace(
        go.Scatter(
            x=chosen["workload_error"],
            y=chosen["headline_risk"],
            mode="markers",
            marker={"size": 18, "symbol": "circle-open", "line": {"width": 3}},
            name="current choice",
        )
    )
    figure.update_layout(
        xaxis_title=_ERROR_AXIS,
        yaxis_title=_RISK_AXIS,
        yaxis_range=[0, 1.05],
        height=420,
        margin={"t": 30},
    )
    return figure


def comparison_figure(summary: pd.DataFrame) -> go.Figure:
    """The four tiers on the shared risk and utility axes.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``tier`` (label), ``headline_risk``, ``workload_error``.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> summary = pd.DataFrame({"tier": ["1", "3"], "headline_risk": [0.1, 0.2],
    ...                         "workload_error": [5.0, 1.0]})
    >>> len(comparison_figure(summary).data)
    2
    """
    figure = go.Figure()
    # Tiers often land close together: alternate where their labels go.
    positions = ("top center", "bottom center", "middle right", "top right")
    for index, row in enumerate(summary.itertuples(index=False)):
        figure.add_trace(
            go.Scatter(
                x=[row.workload_error],
                y=[row.headline_risk],
                mode="markers+text",
                text=[row.tier],
                textposition=positions[index % len(positions)],
                marker={"size": 16},
                name=row.tier,
            )
        )
    figure.update_layout(
        xaxis_title=_ERROR_AXIS,
        yaxis_title=_RISK_AXIS,
        yaxis_range=[0, 1.05],
        height=440,
        showlegend=False,
        margin={"t": 30},
    )
    return figure
