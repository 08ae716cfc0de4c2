"""``python -m privacy table``: publish a protected table and print its audit.

Reads one row per student from a CSV, Excel or Parquet file, counts them by
the given dimensions (with every margin), applies a small-cell rule with
complementary suppression, writes the table to publish (withheld cells
empty, no true values and no reasons) and prints the attacker's audit.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from privacy.cli import echo
from privacy.exceptions import InputError
from privacy.export import to_csv_bytes
from privacy.loading import read_table_file
from privacy.tables import (
    DEFAULT_PROTECTION,
    RULE_PRESETS,
    DisclosureRule,
    ProtectedTable,
    ProtectionLevel,
    protect_table,
)

__all__ = ["format_audit", "register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``table`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The subcommand group of ``python -m privacy``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> arguments = parser.parse_args(
    ...     ["table", "students.csv", "--by", "school,grade", "--out", "t.csv"]
    ... )
    >>> arguments.by, arguments.min_count, arguments.preset
    ('school,grade', None, None)
    """
    parser = subparsers.add_parser(
        "table",
        help="publish counts (or rates) with small cells suppressed, and audit them",
        description="Count students by up to three columns with every margin, "
        "withhold small cells and the cells that would give them away, write the "
        "table to publish and print what an attacker can still derive.",
    )
    parser.add_argument("file", help="CSV, Excel or Parquet file, one row per student")
    parser.add_argument(
        "--by",
        required=True,
        metavar="COLUMNS",
        help="comma-separated dimensions, one to three (e.g. school,grade)",
    )
    parser.add_argument(
        "--indicator",
        metavar="COLUMN",
        help="a yes/no column whose rate is published beside each count",
    )
    parser.add_argument(
        "--preset",
        choices=sorted(RULE_PRESETS),
        help="a named rule (default nces-10 unless --min-count is given)",
    )
    parser.add_argument(
        "--min-count",
        type=int,
        metavar="N",
        help="withhold counts from 1 to N-1 (overrides the preset's minimum)",
    )
    parser.add_argument(
        "--rounding-base",
        type=int,
        metavar="B",
        help="round published counts to the nearest multiple of B",
    )
    parser.add_argument(
        "--protection-width",
        type=float,
        default=DEFAULT_PROTECTION.min_width,
        metavar="W",
        help="the attacker's interval for a small cell must be at least W students "
        f"wide (default {DEFAULT_PROTECTION.min_width:g})",
    )
    parser.add_argument(
        "--protection-share",
        type=float,
        default=DEFAULT_PROTECTION.min_share,
        metavar="P",
        help="... and at least P times the cell's value "
        f"(default {DEFAULT_PROTECTION.min_share:g})",
    )
    parser.add_argument(
        "--primary-only",
        action="store_true",
        help="skip complementary suppression (the audit then shows the leaks)",
    )
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="the CSV file to write"
    )
    parser.set_defaults(handler=run)


def _rule(arguments: argparse.Namespace) -> DisclosureRule:
    """Build the rule from the preset and the overrides."""
    preset = RULE_PRESETS[arguments.preset or "nces-10"]
    if arguments.min_count is None and arguments.rounding_base is None:
        return preset
    return DisclosureRule(
        name=f"{preset.name} (changed)" if arguments.preset else "custom",
        min_count=(
            preset.min_count if arguments.min_count is None else arguments.min_count
        ),
        rounding_base=(
            preset.rounding_base
            if arguments.rounding_base is None
            else arguments.rounding_base
        ),
        top_bottom_percent=preset.top_bottom_percent,
        source=preset.source if arguments.preset else "set on the command line",
    )


def format_audit(protected: ProtectedTable) -> str:
    """Describe the release and its audit in a few lines of text.

    Parameters
    ----------
    protected : ProtectedTable
        The protected table.

    Returns
    -------
    str
        The rule, the cost measures and one line per withheld cell that is
        exposed (or a line saying none is).

    Examples
    --------
    >>> import pandas as pd
    >>> students = pd.DataFrame({"grade": ["1"] * 9 + ["2"] * 2})
    >>> protected = protect_table(students, ["grade"], DisclosureRule("n3", 3))
    >>> print(format_audit(protected).splitlines()[-1])
    audit: passed, no withheld cell can be narrowed below the protection level
    """
    intervals = protected.audit.intervals
    lines = [
        f"rule: {protected.rule.name}, minimum {protected.rule.min_count}"
        + (
            f", rounded to {protected.rule.rounding_base}"
            if protected.rule.rounding_base
            else ""
        ),
        f"withheld interior cells: {protected.suppressed_cell_share:.1%} "
        f"({protected.suppressed_student_share:.1%} of students)",
        f"primary: {int((protected.cells['count_reason'] == 'primary').sum())}, "
        "complementary: "
        f"{int((protected.cells['count_reason'] == 'complementary').sum())} counts",
        f"published cells below the minimum: {protected.published_cells_below_minimum}",
    ]
    if protected.rate_mean_relative_error is not None:
        lines.append(
            f"rate mean relative error: {protected.rate_mean_relative_error:.3f}"
        )
    exposed = intervals[intervals["exposed"]]
    if exposed.empty:
        lines.append(
            "audit: passed, no withheld cell can be narrowed below the protection level"
        )
        return "\n".join(lines)
    lines.append(f"audit: {len(exposed)} withheld cell(s) exposed")
    for _, row in exposed.iterrows():
        cell = protected.cells.iloc[int(row["cell"])]
        label = ", ".join(f"{name}={cell[name]}" for name in protected.dimensions)
        lines.append(
            f"  {row['measure']} of {label}: attacker derives "
            f"[{row['lower']:g}, {row['upper']:g}]"
        )
    return "\n".join(lines)


def run(arguments: argparse.Namespace) -> int:
    """Protect the table and write the release to ``arguments.out``.

    Parameters
    ----------
    arguments : argparse.Namespace
        Parsed arguments of the ``table`` subcommand.

    Returns
    -------
    int
        0 when written (even if the audit flags cells; they are printed).

    Raises
    ------
    InputError
        On a bad file, column, rule or protection level.
    """
    dimensions = [name.strip() for name in arguments.by.split(",") if name.strip()]
    if not dimensions:
        raise InputError(
            f"--by needs one to three column names; got {arguments.by!r}. "
            "Write e.g. --by school,grade."
        )
    rule = _rule(arguments)
    protection = ProtectionLevel(
        min_width=arguments.protection_width, min_share=arguments.protection_share
    )
    table = read_table_file(arguments.file).table
    protected = protect_table(
        table,
        dimensions,
        rule,
        indicator=arguments.indicator,
        protection_level=protection,
        complementary=not arguments.primary_only,
    )

    out = Path(arguments.out)
    try:
        out.write_bytes(to_csv_bytes(protected.release()))
    except OSError as error:
        raise InputError(
            f"Cannot write {str(out)!r}: {error.strerror}. Choose a writable path."
        ) from error
    echo(format_audit(protected))
    echo(f"wrote {len(protected.cells)} cells to {out}")
    return 0
