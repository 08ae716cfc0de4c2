"""Command line for batch runs and for checking numbers without the app.

Each subcommand lives in its own module with a ``register(subparsers)`` function
that adds its parser and sets ``handler`` to a function taking the parsed
arguments and returning an exit status. Bad arguments or files print one line
on standard error and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from privacy.exceptions import InputError

__all__ = [
    "EXIT_USAGE",
    "echo",
    "main",
]

EXIT_USAGE = 2

# Subcommand modules, in the order ``--help`` lists them.
_COMMANDS = ("assess", "synth", "anonymize", "table", "decrypt")


def echo(text: str = "", *, error: bool = False) -> None:
    """Write one line of the command's output (or, with ``error``, a message).

    Every subcommand writes through here, so output goes to one place and
    tests can capture it.
    """
    stream = sys.stderr if error else sys.stdout
    stream.write(f"{text}\n")


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        """Print the problem and a pointer to ``--help``, then exit with 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with every available subcommand.

    Returns
    -------
    argparse.ArgumentParser
        The ``python -m privacy`` parser.
    """
    parser = _OneLineParser(
        prog="python -m privacy",
        description="Re-identification risk, anonymization and protected tables "
        "for student data.",
    )
    subparsers = parser.add_subparsers(
        dest="command", required=True, parser_class=_OneLineParser
    )
    for name in _COMMANDS:
        module = importlib.import_module(f"privacy.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 on bad arguments or input.
    """
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return int(arguments.handler(arguments))
    except InputError as error:
        echo(f"python -m privacy {arguments.command}: error: {error}", error=True)
        return EXIT_USAGE
