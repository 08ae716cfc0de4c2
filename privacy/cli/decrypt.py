"""``python -m privacy decrypt``: open an encrypted release without the app.

The passphrase is asked for without echo, or read from an environment
variable named with ``--passphrase-env`` (for scripts); it is never a command
line argument, where other users of the machine could read it in the process
list. The decrypted file is created readable by its owner only, and an
existing file is not overwritten unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from privacy.cli import echo
from privacy.exceptions import InputError
from privacy.export import ENCRYPTED_SUFFIX, decrypt_bytes

__all__ = ["register", "run"]

# The largest encrypted file accepted: the upload limit plus room for the
# header, as releases are never larger than the data they come from.
_MAX_ENCRYPTED_BYTES = 64 * 1024 * 1024


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``decrypt`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The subcommand collection of ``python -m privacy``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="python -m privacy")
    >>> register(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["decrypt", "release.csv.enc", "--out", "r.csv"]).out
    'r.csv'
    """
    parser = subparsers.add_parser(
        "decrypt",
        help="decrypt a release downloaded with a passphrase",
        description="Decrypt a file encrypted by the explorer's download "
        f"button ({ENCRYPTED_SUFFIX}). The passphrase is asked for, or read "
        "from the environment variable named by --passphrase-env.",
    )
    parser.add_argument("file", type=Path, help="the encrypted file")
    parser.add_argument(
        "--out",
        required=True,
        help="where to write the decrypted data ('-' for standard output)",
    )
    parser.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="read the passphrase from this environment variable",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite --out if it exists"
    )
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    """Decrypt ``arguments.file`` into ``arguments.out``.

    Parameters
    ----------
    arguments : argparse.Namespace
        ``file``, ``out``, ``passphrase_env`` and ``force``.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    InputError
        The file cannot be read or decrypted, the environment variable is not
        set, or the output exists and ``--force`` was not given.

    Examples
    --------
    >>> import tempfile
    >>> from privacy.export import encrypt_bytes
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     sealed = Path(folder) / "release.csv.enc"
    ...     _ = sealed.write_bytes(encrypt_bytes(b"grade,count", "twelve chars!"))
    ...     out = Path(folder) / "release.csv"
    ...     arguments = argparse.Namespace(
    ...         file=sealed, out=str(out), passphrase_env="PASS", force=False
    ...     )
    ...     os.environ["PASS"] = "twelve chars!"
    ...     status = run(arguments)
    ...     del os.environ["PASS"]
    ...     status, out.read_bytes()
    (0, b'grade,count')
    """
    sealed = _read_sealed(Path(arguments.file))
    passphrase = _passphrase(arguments.passphrase_env)
    data = decrypt_bytes(sealed, passphrase)

    if arguments.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    _write_private(Path(arguments.out), data, overwrite=arguments.force)
    echo(f"Wrote {len(data):,} bytes to {arguments.out}.", error=True)
    return 0


def _read_sealed(path: Path) -> bytes:
    if not path.is_file():
        raise InputError(f"No file at {str(path)!r}. Give the encrypted file's path.")
    if path.stat().st_size > _MAX_ENCRYPTED_BYTES:
        raise InputError(
            f"{path.name!r} is larger than any release the explorer makes; "
            "check that it is the downloaded encrypted file."
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(
            f"Cannot read {str(path)!r}: {error.strerror}. Check its permissions."
        ) from error


def _passphrase(variable: str | None) -> str:
    if variable is None:
        return getpass.getpass("Passphrase: ")
    if variable not in os.environ:
        raise InputError(
            f"The environment variable {variable!r} named by --passphrase-env "
            "is not set. Export it first, or leave the option out to be asked."
        )
    return os.environ[variable]


def _write_private(path: Path, data: bytes, *, overwrite: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError as error:
        raise InputError(
            f"{str(path)!r} already exists. Choose another --out, or add "
            "--force to overwrite it."
        ) from error
    except OSError as error:
        raise InputError(
            f"Cannot create {str(path)!r}: {error.strerror}. Check the folder "
            "exists and is writable."
        ) from error
    with os.fdopen(descriptor, "wb") as output:
        output.write(data)
