"""``python -m privacy anonymize``: make a file k-anonymous.

Reads a CSV, Excel or Parquet file with the same checks as an upload,
generalizes the quasi-identifiers with one hierarchy each and writes the
release as CSV. Hierarchies come from a folder of ARX-layout files named
``<column>.csv`` or ``<anything>_hierarchy_<column>.csv``; a quasi-identifier
without a file gets :func:`privacy.hierarchies.default_hierarchy`. With
``--local`` the records are partitioned by Mondrian instead of a lattice
search, using only the hierarchies found in the folder.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from privacy.anonymization import (
    L_KINDS,
    MEASURES,
    T_DISTANCES,
    AnonymizationResult,
    global_recoding,
    mondrian,
)
from privacy.cli import echo
from privacy.exceptions import InputError
from privacy.export import to_csv_bytes
from privacy.hierarchies import Hierarchy, default_hierarchy, read_arx_hierarchy
from privacy.loading import read_table_file
from privacy.roles import ColumnRole, infer_roles

__all__ = ["find_hierarchy_files", "format_result", "register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``anonymize`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The subcommand group of ``python -m privacy``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> arguments = parser.parse_args(
    ...     ["anonymize", "s.csv", "--quasi-identifiers", "a", "--k", "5",
    ...      "--out", "r.csv"])
    >>> arguments.max_suppression, arguments.local
    (0.0, False)
    """
    parser = subparsers.add_parser(
        "anonymize",
        help="generalize and suppress records until the file is k-anonymous",
        description="Make a CSV, Excel or Parquet file k-anonymous (optionally "
        "l-diverse or t-close) by generalizing its quasi-identifiers, and write "
        "the release as CSV.",
    )
    parser.add_argument("file", help="the records, one per row, with a header")
    parser.add_argument(
        "--quasi-identifiers",
        required=True,
        metavar="A,B,C",
        help="comma-separated quasi-identifier columns",
    )
    parser.add_argument(
        "--hierarchies",
        metavar="DIR",
        help="folder of ARX-layout hierarchies (no header, ';'), one per column, "
        "named <column>.csv or *_hierarchy_<column>.csv",
    )
    parser.add_argument("--k", type=int, required=True, help="smallest class size")
    parser.add_argument(
        "--max-suppression",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="largest share of records that may be suppressed (default 0)",
    )
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="where to write the CSV release"
    )
    parser.add_argument(
        "--local",
        action="store_true",
        help="partition records with Mondrian instead of one level per column",
    )
    parser.add_argument("--sensitive", metavar="COLUMN", help="sensitive attribute")
    parser.add_argument("--l", type=float, help="required l-diversity")
    parser.add_argument("--l-kind", choices=L_KINDS, default="distinct")
    parser.add_argument("--t", type=float, help="required t-closeness")
    parser.add_argument("--t-distance", choices=T_DISTANCES, default="equal")
    parser.add_argument(
        "--measure",
        choices=MEASURES,
        default="loss",
        help="information loss to minimize (default loss)",
    )
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


def find_hierarchy_files(
    folder: str | Path, quasi_identifiers: Sequence[str]
) -> dict[str, Path]:
    """Find the hierarchy file of each quasi-identifier in a folder.

    Parameters
    ----------
    folder : str or pathlib.Path
        The folder to search.
    quasi_identifiers : sequence of str
        The columns to find files for.

    Returns
    -------
    dict of str to pathlib.Path
        The file of each column that has one.

    Raises
    ------
    InputError
        If the folder does not exist or a column has two files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "adult_hierarchy_age.csv").write_text("1;*")
    ...     sorted(find_hierarchy_files(folder, ["age", "sex"]))
    ['age']
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            f"No hierarchy folder at {str(folder)!r}. Give a folder holding one "
            "ARX-layout CSV per column, named <column>.csv."
        )
    found: dict[str, Path] = {}
    for name in quasi_identifiers:
        matches = sorted(
            {folder / f"{name}.csv", *folder.glob(f"*_hierarchy_{name}.csv")}
        )
        matches = [path for path in matches if path.is_file()]
        if len(matches) > 1:
            raise InputError(
                f"Several hierarchy files for {name!r}: "
                f"{[path.name for path in matches]}. Keep one."
            )
        if matches:
            found[name] = matches[0]
    return found


def format_result(result: AnonymizationResult) -> str:
    """Render what was done to the file, one fact per line.

    Parameters
    ----------
    result : AnonymizationResult
        The anonymization to describe.

    Returns
    -------
    str
        Transformation, k achieved, suppression and information loss.

    Examples
    --------
    >>> from privacy.hierarchies import suppression_hierarchy
    >>> table = pd.DataFrame({"sex": ["F", "F", "M", "M"]})
    >>> result = global_recoding(
    ...     table, ["sex"], {"sex": suppression_hierarchy(table["sex"])}, k=2)
    >>> print(format_result(result).splitlines()[0])
    transformation           sex=0
    """
    loss = result.information_loss
    if result.method == "global":
        transformation = ", ".join(
            f"{name}={level}" for name, level in result.levels.items()
        )
    else:
        transformation = f"local recoding (Mondrian), {result.nodes_evaluated} groups"
    lines = [
        ("transformation", transformation),
        ("k achieved", str(result.k_achieved)),
        (
            "records suppressed",
            f"{result.records_suppressed} of {result.suppressed.size} "
            f"({result.suppressed_share:.1%})",
        ),
        ("records released", str(len(result.release))),
        (f"information loss ({loss.measure})", f"{loss.value:.4f}"),
        ("generalization loss", f"{loss.generalization_loss:.4f}"),
        ("discernibility loss", f"{loss.discernibility_loss:.4f}"),
    ]
    lines += [
        (f"  loss of {name}", f"{value:.4f}")
        for name, value in loss.attribute_loss.items()
    ]
    width = max(len(label) for label, _ in lines) + 2
    return "\n".join(f"{label:<{width}}{value}" for label, value in lines)


def _hierarchies(
    table: pd.DataFrame, quasi_identifiers: Sequence[str], folder: str | None
) -> tuple[dict[str, Hierarchy], dict[str, Hierarchy]]:
    """Hierarchies read from files, and those plus defaults for the rest."""
    unknown = [name for name in quasi_identifiers if name not in table.columns]
    if unknown:
        raise InputError(
            f"Unknown quasi-identifier column(s) {unknown}; the file has "
            f"{list(map(str, table.columns))}."
        )
    from_files = {}
    if folder is not None:
        for name, path in find_hierarchy_files(folder, quasi_identifiers).items():
            from_files[name] = read_arx_hierarchy(path, name=name)
    complete = {
        name: from_files.get(name) or default_hierarchy(table[name], name)
        for name in quasi_identifiers
    }
    return from_files, complete


def run(arguments: argparse.Namespace) -> int:
    """Anonymize the file named in the arguments and write the release.

    Parameters
    ----------
    arguments : argparse.Namespace
        Parsed arguments of ``anonymize``.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    InputError
        If a file cannot be read, a column, hierarchy or parameter is bad, the
        output would overwrite the input, or the model cannot be reached.
    """
    quasi_identifiers = _column_list(arguments.quasi_identifiers)
    out = Path(arguments.out)
    if out.resolve() == Path(arguments.file).resolve():
        raise InputError(
            f"--out {str(out)!r} is the input file; write the release to a new "
            "file so that the original stays intact."
        )
    table = read_table_file(arguments.file).table
    from_files, hierarchies = _hierarchies(
        table, quasi_identifiers, arguments.hierarchies
    )

    if arguments.local:
        if arguments.l is not None or arguments.t is not None:
            raise InputError(
                "--local makes k-anonymous groups only; drop --l and --t, or "
                "leave out --local to search the lattice."
            )
        result = mondrian(
            table,
            quasi_identifiers,
            arguments.k,
            hierarchies=from_files,
            measure=arguments.measure,
        )
    else:
        result = global_recoding(
            table,
            quasi_identifiers,
            hierarchies,
            k=arguments.k,
            max_suppression=arguments.max_suppression,
            sensitive=arguments.sensitive,
            l=arguments.l,
            l_kind=arguments.l_kind,
            t=arguments.t,
            t_distance=arguments.t_distance,
            measure=arguments.measure,
        )

    # Direct identifiers are never released as is: the app replaces them by
    # keyed tokens; here, without a key, they are dropped.
    identifiers = [
        column
        for column, role in infer_roles(table).items()
        if role == ColumnRole.DIRECT_IDENTIFIER and column not in quasi_identifiers
    ]
    release = result.release.drop(columns=identifiers)
    untouched = [
        column
        for column, role in infer_roles(table).items()
        if role == ColumnRole.QUASI_IDENTIFIER and column not in quasi_identifiers
    ]
    try:
        out.write_bytes(to_csv_bytes(release))
    except OSError as error:
        raise InputError(
            f"Cannot write {str(out)!r}: {error.strerror}. Choose a writable path."
        ) from error
    echo(format_result(result))
    if identifiers:
        echo(f"direct identifiers dropped: {', '.join(identifiers)}")
    if untouched:
        echo(
            f"warning: {', '.join(untouched)} look like quasi-identifiers and are "
            "released as they are; k holds only for the columns given. Add them to "
            "--quasi-identifiers or drop them from the file.",
            error=True,
        )
    echo(f"release written to {out}")
    return 0
