"""Choosing epsilon: what a value means for a student, and what others chose.

For an attacker who believed with probability p that a student is in a group
(say, chronically absent), no release of ε-differential privacy can raise that
belief above p·e^ε / (p·e^ε + 1 − p), and no test of whether a student is in
the data can have a true-positive rate more than (e^ε − 1)/(e^ε + 1) above its
false-positive rate. :func:`plain_language_risk` computes both;
:func:`tradeoff_curves` shapes them, with the expected error of a count, into
the long table the page draws on a log scale of epsilon, and
:data:`REFERENCE_DEPLOYMENTS` lists published deployments to mark on it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from privacy.dp_accuracy import EpsilonSweep, _check_confidence
from privacy.dp_budget import validate_epsilon
from privacy.exceptions import InputError

__all__ = [
    "REFERENCE_DEPLOYMENTS",
    "ReferenceDeployment",
    "RiskBound",
    "deployments_table",
    "epsilon_figure",
    "plain_language_risk",
    "tradeoff_curves",
]


@dataclass(frozen=True)
class RiskBound:
    """What one epsilon allows an attacker to learn about one student, at most.

    Parameters
    ----------
    epsilon : float
        The total epsilon spent on the student's data.
    prior : float
        The attacker's belief before the release that the student is in a
        group (a probability).
    odds_ratio : float
        e^ε: the most the release can multiply the attacker's odds.
    posterior_risk : float
        The attacker's belief after the release, at most.
    membership_advantage : float
        Largest true-positive rate minus false-positive rate of any test of
        whether the student's record was used.
    summary : str
        The same in one plain sentence.
    """

    epsilon: float
    prior: float
    odds_ratio: float
    posterior_risk: float
    membership_advantage: float
    summary: str


def _check_prior(prior: object) -> float:
    is_number = isinstance(prior, Real) and not isinstance(prior, bool)
    if not is_number or not 0 <= float(prior) <= 1:
        raise InputError(
            f"prior must be a probability from 0 to 1; got {prior!r}. Use e.g. "
            "0.1 for an attacker who is 10% sure beforehand."
        )
    return float(prior)


def _posterior(epsilon: np.ndarray, prior: float) -> np.ndarray:
    boosted = prior * np.exp(epsilon)
    return boosted / (boosted + 1 - prior)


def plain_language_risk(epsilon: float, prior: float) -> RiskBound:
    """Bound what an attacker can learn about one student from a release.

    Parameters
    ----------
    epsilon : float
        The total epsilon spent on the data (all releases together).
    prior : float
        The attacker's belief beforehand, from 0 to 1.

    Returns
    -------
    RiskBound
        Odds ratio, posterior bound, membership advantage and a sentence.

    Raises
    ------
    InputError
        If epsilon is not positive or prior not a probability.

    Examples
    --------
    >>> risk = plain_language_risk(1.0, 0.1)
    >>> round(risk.odds_ratio, 3), round(risk.posterior_risk, 3)
    (2.718, 0.232)
    >>> round(risk.membership_advantage, 3)
    0.462
    >>> print(risk.summary)
    An attacker 10% sure beforehand that a student is in a group can be at \
most 23% sure after seeing the release.
    """
    validate_epsilon(epsilon)
    prior = _check_prior(prior)
    posterior = float(_posterior(np.array(float(epsilon)), prior))
    return RiskBound(
        epsilon=float(epsilon),
        prior=prior,
        odds_ratio=math.exp(epsilon),
        posterior_risk=posterior,
        membership_advantage=math.tanh(float(epsilon) / 2),
        summary=(
            f"An attacker {prior:.0%} sure beforehand that a student is in a "
            f"group can be at most {posterior:.0%} sure after seeing the release."
        ),
    )


@dataclass(frozen=True)
class ReferenceDeployment:
    """A published deployment of differential privacy and its epsilon.

    Parameters
    ----------
    name : str
        Who released what.
    label : str
        A short name for the chart.
    epsilon : float
        The published epsilon.
    unit : str
        What that epsilon protects and over which period.
    model : str
        ``"central"`` (a curator adds noise to totals, as this product does)
        or ``"local"`` (each device adds noise before sending).
    source : str
        The document that publishes the value, by title.
    """

    name: str
    label: str
    epsilon: float
    unit: str
    model: str
    source: str


#: Published deployments to compare with. Local-model values protect one
#: device's reports for one day and are not directly comparable with a
#: central release; the page says so.
REFERENCE_DEPLOYMENTS: tuple[ReferenceDeployment, ...] = (
    ReferenceDeployment(
        name="US Census 2020 redistricting data (persons)",
        label="Census 2020",
        epsilon=17.14,
        unit="each person, for the whole P.L. 94-171 release (with δ = 10⁻¹⁰)",
        model="central",
        source=(
            "U.S. Census Bureau production settings for the 2020 Census "
            "Redistricting Data (P.L. 94-171) Summary File; Abowd et al., "
            "'The 2020 Census Disclosure Avoidance System TopDown Algorithm', "
            "Harvard Data Science Review (2022)"
        ),
    ),
    ReferenceDeployment(
        name="Apple emoji suggestions",
        label="Apple emoji",
        epsilon=4.0,
        unit="each device, per day",
        model="local",
        source="Apple, 'Differential Privacy Overview'",
    ),
    ReferenceDeployment(
        name="Apple Health type usage",
        label="Apple Health",
        epsilon=2.0,
        unit="each device, per day",
        model="local",
        source="Apple, 'Differential Privacy Overview'",
    ),
    ReferenceDeployment(
        name="Apple QuickType new words",
        label="Apple QuickType",
        epsilon=16.0,
        unit="each device, per day (8 per report, 2 reports a day)",
        model="local",
        source="Apple, 'Differential Privacy Overview'",
    ),
)


def deployments_table(
    deployments: Sequence[ReferenceDeployment] = REFERENCE_DEPLOYMENTS,
) -> pd.DataFrame:
    """Shape reference deployments into a table for display and chart markers.

    Parameters
    ----------
    deployments : sequence of ReferenceDeployment, default REFERENCE_DEPLOYMENTS
        The deployments to show.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``label``, ``epsilon``, ``unit``, ``model``, ``source``,
        sorted by epsilon.

    Examples
    --------
    >>> deployments_table()[["name", "epsilon"]].head(2)
                          name  epsilon
    0  Apple Health type usage      2.0
    1  Apple emoji suggestions      4.0
    """
    table = pd.DataFrame(
        [
            {
                "name": deployment.name,
                "label": deployment.label,
                "epsilon": deployment.epsilon,
                "unit": deployment.unit,
                "model": deployment.model,
                "source": deployment.source,
            }
            for deployment in deployments
        ],
        columns=["name", "label", "epsilon", "unit", "model", "source"],
    )
    return table.sort_values("epsilon", kind="stable").reset_index(drop=True)


#: Names of the measures in :func:`tradeoff_curves`, by panel.
UTILITY_MEASURES = (
    "typical error of a count (students)",
    "error bound of a count (students)",
)
RISK_MEASURES = (
    "attacker's certainty after the release",
    "membership test advantage",
)
SIMULATED_MEASURE = "simulated typical error on your table (students)"


def tradeoff_curves(
    epsilons: Sequence[float],
    *,
    prior: float = 0.1,
    confidence: float = 0.95,
    sweep: EpsilonSweep | None = None,
) -> pd.DataFrame:
    """Shape utility and risk against epsilon into one long table for a chart.

    Utility rows (``panel == "utility"``, lower is better): the mean absolute
    error of a count, 1/ε, and its ``confidence`` bound, ln(1/(1 − c))/ε;
    with a ``sweep``, the error simulated on the user's own table. Risk rows
    (``panel == "risk"``, probabilities): the posterior bound for an
    attacker with belief ``prior`` and the membership advantage bound.

    Parameters
    ----------
    epsilons : sequence of float
        The epsilons to evaluate, each above 0.
    prior : float, default 0.1
        The attacker's belief beforehand.
    confidence : float, default 0.95
        Probability of the error bound.
    sweep : EpsilonSweep or None, default None
        A simulated sweep whose mean error is added as its own measure.

    Returns
    -------
    pandas.DataFrame
        Columns ``epsilon``, ``panel``, ``measure``, ``value``.

    Raises
    ------
    InputError
        On a non-positive epsilon, a prior outside [0, 1] or a bad confidence.

    Examples
    --------
    >>> curves = tradeoff_curves([1.0], prior=0.5)
    >>> curves[["panel", "value"]].round(3).values.tolist()
    [['utility', 1.0], ['utility', 2.996], ['risk', 0.731], ['risk', 0.462]]
    """
    values = np.atleast_1d(np.asarray(epsilons, dtype=float))
    for epsilon in values:
        validate_epsilon(float(epsilon))
    prior = _check_prior(prior)
    confidence = _check_confidence(confidence)

    columns = {
        UTILITY_MEASURES[0]: ("utility", 1 / values),
        UTILITY_MEASURES[1]: ("utility", math.log(1 / (1 - confidence)) / values),
        RISK_MEASURES[0]: ("risk", _posterior(values, prior)),
        RISK_MEASURES[1]: ("risk", np.tanh(values / 2)),
    }
    frames = [
        pd.DataFrame(
            {"epsilon": values, "panel": panel, "measure": measure, "value": curve}
        )
        for measure, (panel, curve) in columns.items()
    ]
    if sweep is not None:
        frames.insert(
            2,
            pd.DataFrame(
                {
                    "epsilon": sweep.epsilons,
                    "panel": "utility",
                    "measure": SIMULATED_MEASURE,
                    "value": sweep.mean_absolute_error,
                }
            ),
        )
    return pd.concat(frames, ignore_index=True)


# Fixed colours, so that a measure keeps its colour whichever curves are drawn.
_LINE_STYLES = {
    UTILITY_MEASURES[0]: {"color": "#1f77b4"},
    UTILITY_MEASURES[1]: {"color": "#9ecae1"},
    SIMULATED_MEASURE: {"color": "#08306b", "dash": "dash"},
    RISK_MEASURES[0]: {"color": "#d62728"},
    RISK_MEASURES[1]: {"color": "#ff9896"},
}


def epsilon_figure(
    curves: pd.DataFrame,
    deployments: pd.DataFrame,
    current_epsilon: float | None = None,
) -> go.Figure:
    """Draw utility and risk against epsilon, deployments and the choice marked.

    Two panels share a log-scale epsilon axis: the utility measures of
    ``curves`` (students, log scale) on the left, the risk measures
    (probabilities) on the right. Each reference deployment is a dotted
    vertical line; the current choice is a solid one.

    Parameters
    ----------
    curves : pandas.DataFrame
        The output of :func:`tradeoff_curves`.
    deployments : pandas.DataFrame
        The output of :func:`deployments_table`.
    current_epsilon : float or None, default None
        The epsilon chosen now.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> figure = epsilon_figure(tradeoff_curves([0.5, 1.0]), deployments_table(), 1.0)
    >>> sorted({trace.name for trace in figure.data})[:2]
    ["attacker's certainty after the release", 'error bound of a count (students)']
    """
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Error of a count (lower is better)", "Risk (probability)"),
    )
    for column, panel in ((1, "utility"), (2, "risk")):
        rows = curves[curves["panel"] == panel]
        for measure, points in rows.groupby("measure", sort=False):
            figure.add_trace(
                go.Scatter(
                    x=points["epsilon"],
                    y=points["value"],
                    mode="lines",
                    name=measure,
                    line=_LINE_STYLES.get(measure, {}),
                ),
                row=1,
                col=column,
            )
        figure.update_xaxes(
            type="log", dtick=1, title_text="ε (log scale)", row=1, col=column
        )
    figure.update_yaxes(type="log", dtick=1, title_text="students", row=1, col=1)
    figure.update_yaxes(range=[0, 1], title_text="probability", row=1, col=2)

    # Vertical lines as one list of shapes: adding them one by one through
    # add_vline re-validates the whole figure each time and is slow.
    def vertical_line(x: float, axis: str, line: dict) -> dict:
        return {
            "type": "line",
            "x0": x,
            "x1": x,
            "xref": f"x{axis}",
            "y0": 0,
            "y1": 1,
            "yref": f"y{axis} domain",
            "line": line,
        }

    dotted = {"dash": "dot", "width": 1, "color": "gray"}
    shapes = [
        vertical_line(epsilon, axis, dotted)
        for epsilon in deployments["epsilon"]
        for axis in ("", "2")
    ]
    if current_epsilon is not None:
        shapes += [
            vertical_line(current_epsilon, axis, {"width": 2, "color": "black"})
            for axis in ("", "2")
        ]
    # Labels sit in the empty top-right of the error panel, one line lower
    # per deployment so that close epsilons (16 and 17.14) do not overlap.
    annotations = [
        {
            # Annotations on a log axis take the logarithm of the position.
            "x": math.log10(deployment.epsilon),
            "y": 0.98 - 0.07 * index,
            "xref": "x",
            "yref": "y domain",
            "text": deployment.label,
            "showarrow": False,
            "xanchor": "right",
            "font": {"size": 10, "color": "gray"},
        }
        for index, deployment in enumerate(deployments.itertuples(index=False))
    ]
    figure.update_layout(
        shapes=shapes, annotations=[*figure.layout.annotations, *annotations]
    )
    figure.update_layout(legend={"orientation": "h", "y": -0.25}, height=460)
    return figure
