"""``python -m privacy assess``: re-identification risk of a file.

Reads a CSV, Excel or Parquet file with the same checks as an upload and
prints k, the prosecutor, journalist and marketer risks, with a sensitive
attribute l-diversity and t-closeness, and with a sampling fraction an estimate
of the population uniques; ``--json`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json

from privacy.cli import echo
from privacy.exceptions import InputError
from privacy.loading import read_table_file
from privacy.risk import RiskReport, assess_risk, population_uniqueness

__all__ = ["format_report", "register", "run"]

# Human labels of the report's fields, in print order.
_LABELS = {
    "records": "records",
    "population_records": "population records",
    "equivalence_classes": "equivalence classes",
    "k": "k (smallest class)",
    "sample_uniques": "sample uniques",
    "prosecutor_risk_max": "prosecutor risk, highest",
    "prosecutor_risk_avg": "prosecutor risk, average",
    "records_at_risk": "records at risk",
    "journalist_risk_max": "journalist risk, highest",
    "journalist_risk_avg": "journalist risk, average",
    "marketer_risk": "marketer risk",
    "l_distinct": "distinct l-diversity",
    "l_entropy": "entropy l-diversity",
    "t_closeness_equal": "t-closeness, equal distance",
    "t_closeness_ordered": "t-closeness, ordered distance",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``assess`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The subcommand group of ``python -m privacy``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> arguments = parser.parse_args(["assess", "s.csv", "--quasi-identifiers", "a"])
    >>> arguments.threshold
    0.2
    """
    parser = subparsers.add_parser(
        "assess",
        help="re-identification risk, l-diversity and t-closeness of a file",
        description="Measure the re-identification risk of a CSV, Excel or "
        "Parquet file for a set of quasi-identifiers.",
    )
    parser.add_argument("file", help="the records, one per row, with a header")
    parser.add_argument(
        "--quasi-identifiers",
        required=True,
        metavar="A,B,C",
        help="comma-separated quasi-identifier columns",
    )
    parser.add_argument(
        "--sensitive", metavar="COLUMN", help="a sensitive attribute for l and t"
    )
    parser.add_argument(
        "--population",
        metavar="FILE",
        help="the population the records come from, for journalist and "
        "marketer risk (without it the file is taken as a census)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.2,
        help="prosecutor risk above which a record is at risk (default 0.2)",
    )
    parser.add_argument(
        "--sampling-fraction",
        type=float,
        metavar="SHARE",
        help="share of the population in the file; adds an estimate of the "
        "population uniques (Zayatz's model)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def _column_list(text: str) -> list[str]:
    """Split a comma-separated list of columns, refusing an empty one."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise InputError(
            f"--quasi-identifiers names no column; got {text!r}. Pass column "
            "names separated by commas, e.g. --quasi-identifiers school,grade."
        )
    return names


def _format_value(name: str, value: object, report: RiskReport) -> str:
    """Render one figure for people: counts as ints, risks with 4 decimals."""
    if name == "records_at_risk":
        share = report.records_at_risk_share
        return (
            f"{value} ({share:.1%}, risk > {report.risk_threshold:g}: "
            f"classes under {1 / report.risk_threshold:g} records)"
        )
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def format_report(
    report: RiskReport, *, population_uniques_estimate: float | None = None
) -> str:
    """Render a risk report as aligned lines.

    Parameters
    ----------
    report : RiskReport
        The figures to print.
    population_uniques_estimate : float, optional
        An estimate of the population uniques, printed last when given.

    Returns
    -------
    str
        One figure per line, labels padded to one column; figures the report
        lacks (no sensitive attribute, no population) are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"grade": [9, 9, 10]})
    >>> print(format_report(assess_risk(table, ["grade"])).splitlines()[2])
    k (smallest class)        1
    """
    values = report.as_dict()
    lines = [
        (_LABELS[name], _format_value(name, values[name], report))
        for name in _LABELS
        if values[name] is not None
    ]
    if population_uniques_estimate is not None:
        lines.append(
            ("population uniques (estimate)", f"{population_uniques_estimate:.1f}")
        )
    width = max(len(label) for label, _ in lines) + 2
    return "\n".join(f"{label:<{width}}{value}" for label, value in lines)


def run(arguments: argparse.Namespace) -> int:
    """Assess the file named in the arguments and print the report.

    Parameters
    ----------
    arguments : argparse.Namespace
        Parsed arguments of ``assess``.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    InputError
        If a file cannot be read or a column or the threshold is bad.
    """
    quasi_identifiers = _column_list(arguments.quasi_identifiers)
    table = read_table_file(arguments.file).table
    population = None
    if arguments.population is not None:
        population = read_table_file(arguments.population).table

    report = assess_risk(
        table,
        quasi_identifiers,
        sensitive=arguments.sensitive,
        risk_threshold=arguments.threshold,
        population=population,
    )
    estimate = None
    if arguments.sampling_fraction is not None:
        estimate = population_uniqueness(
            table, quasi_identifiers, arguments.sampling_fraction
        ).population_uniques_estimate

    if arguments.json:
        values = {
            name: value for name, value in report.as_dict().items() if value is not None
        }
        if estimate is not None:
            values["population_uniques_estimate"] = estimate
        echo(json.dumps(values, indent=2))
    else:
        echo(format_report(report, population_uniques_estimate=estimate))
    return 0
