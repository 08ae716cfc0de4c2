"""``python -m privacy synth``: write a synthetic BPS population to CSV.

The file holds every column of :func:`privacy.synthetic.generate_population`:
dates of birth in ISO format (``YYYY-MM-DD``), student IDs, ZIP codes and
school IDs as written, leading zeros included, and empty fields where a score
does not exist (untested grades).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from privacy.cli import echo
from privacy.exceptions import InputError
from privacy.synthetic import (
    DEFAULT_SEED,
    DEFAULT_YEAR,
    SCHOOL_YEARS,
    generate_population,
)

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``synth`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The subcommand group of ``python -m privacy``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> arguments = parser.parse_args(["synth", "--out", "population.csv"])
    >>> arguments.year, arguments.students
    ('2024-25', None)
    """
    parser = subparsers.add_parser(
        "synth",
        help="write a synthetic BPS population to a CSV file",
        description="Generate a synthetic Boston Public Schools population, one "
        "invented record per student, calibrated to DESE's school figures, and "
        "write it to a CSV file.",
    )
    parser.add_argument(
        "--year",
        default=DEFAULT_YEAR,
        choices=SCHOOL_YEARS,
        help=f"school year (default {DEFAULT_YEAR})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"random seed; the same seed gives the same file (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--students",
        type=int,
        metavar="N",
        help="write a seeded random sample of N students instead of the whole district",
    )
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="the CSV file to write"
    )
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    """Generate the population and write it to ``arguments.out``.

    Parameters
    ----------
    arguments : argparse.Namespace
        Parsed arguments with ``year``, ``seed``, ``students`` and ``out``.

    Returns
    -------
    int
        0 once the file is written.

    Raises
    ------
    InputError
        If the year, seed or sample size is invalid, or the output folder does
        not exist.
    """
    out = Path(arguments.out)
    if not out.parent.is_dir():
        raise InputError(
            f"Cannot write {str(out)!r}: the folder {str(out.parent)!r} does not "
            "exist. Create it or choose another path."
        )
    population = generate_population(
        year=arguments.year, seed=arguments.seed, students=arguments.students
    )
    population.to_csv(out, index=False, date_format="%Y-%m-%d")
    echo(f"Wrote {len(population)} students to {out}")
    return 0
