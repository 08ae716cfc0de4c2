"""Safe downloads: CSV bytes that spreadsheets cannot execute, and encryption.

CSV injection: a spreadsheet treats a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, and a formula can fetch
a web address or run a command when a colleague opens the release. Every such
text cell (and column name) is written with a leading apostrophe, which the
spreadsheet shows as plain text; cells that are numbers (``-3``, ``+4.5``) are
left alone.

Encryption: :func:`encrypt_bytes` derives a 256-bit key from a passphrase with
scrypt and a random salt, then seals the data with AES-256-GCM, which detects
any change to the file as well as a wrong passphrase. The file layout is::

    b"BTXENC" | version (1 byte) | log2(n), r, p (1 byte each)
    | salt (16 bytes) | nonce (12 bytes) | ciphertext and tag

The header is authenticated together with the data. ``python -m privacy
decrypt`` opens such a file without the app.
"""

from __future__ import annotations

import csv
import os
import re

import pandas as pd
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from privacy.exceptions import InputError

__all__ = [
    "ENCRYPTED_SUFFIX",
    "MIN_PASSPHRASE_LENGTH",
    "decrypt_bytes",
    "encrypt_bytes",
    "neutralize_formula",
    "to_csv_bytes",
]

MIN_PASSPHRASE_LENGTH = 12
ENCRYPTED_SUFFIX = ".enc"

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")

_MAGIC = b"BTXENC"
_VERSION = 1
_SALT_BYTES = 16
_NONCE_BYTES = 12
_HEADER_BYTES = len(_MAGIC) + 4 + _SALT_BYTES + _NONCE_BYTES
_TAG_BYTES = 16

# scrypt cost: n = 2**15, r = 8 takes about 32 MB and a tenth of a second,
# the interactive setting its author recommends. Bounds on what a file may ask
# for keep a crafted header from exhausting memory.
_SCRYPT_LOG2_N = 15
_SCRYPT_R = 8
_SCRYPT_P = 1
_MAX_SCRYPT_LOG2_N = 20
_MAX_SCRYPT_R = 16
_MAX_SCRYPT_P = 4


def neutralize_formula(value: str) -> str:
    r"""Make a text cell safe to open in a spreadsheet.

    Parameters
    ----------
    value : str
        A cell's text.

    Returns
    -------
    str
        ``value`` with a leading apostrophe if it starts like a formula and is
        not a number; otherwise ``value`` unchanged.

    Examples
    --------
    >>> neutralize_formula('=HYPERLINK("http://x")')
    '\'=HYPERLINK("http://x")'
    >>> neutralize_formula("-3"), neutralize_formula("Dorchester")
    ('-3', 'Dorchester')
    """
    if value.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    r"""Write a table as UTF-8 CSV bytes with formulas neutralized.

    Parameters
    ----------
    table : pandas.DataFrame
        The release to write. The index is not written.

    Returns
    -------
    bytes
        UTF-8 CSV with a header row and ``\n`` line endings; missing values
        are empty cells; text cells and column names that start like a
        formula get a leading apostrophe (see :func:`neutralize_formula`).
        When some text holds a carriage return, every text cell is quoted.

    Raises
    ------
    InputError
        ``table`` is not a DataFrame.

    Examples
    --------
    >>> table = pd.DataFrame({"school": ["=1+1", "Mather"], "change": [-3, 2]})
    >>> to_csv_bytes(table)
    b"school,change\n'=1+1,-3\nMather,2\n"
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"Only a table can be exported; got {type(table).__name__}. Pass "
            "a pandas DataFrame."
        )

    safe = table.copy()
    safe.columns = [neutralize_formula(str(name)) for name in table.columns]
    has_carriage_return = any("\r" in name for name in safe.columns)
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if column.dtype == object or isinstance(
            column.dtype, pd.CategoricalDtype | pd.StringDtype
        ):
            cells = column.astype(object).map(_safe_cell)
            has_carriage_return = has_carriage_return or any(
                isinstance(cell, str) and "\r" in cell for cell in cells
            )
            safe.isetitem(position, cells)

    # The csv module quotes a cell only for the characters of the chosen line
    # ending, so a bare carriage return would split a row when read back;
    # quoting every text cell keeps such rows whole.
    quoting = csv.QUOTE_NONNUMERIC if has_carriage_return else csv.QUOTE_MINIMAL
    return safe.to_csv(index=False, lineterminator="\n", quoting=quoting).encode(
        "utf-8"
    )


def _safe_cell(cell: object) -> object:
    return neutralize_formula(cell) if isinstance(cell, str) else cell


def encrypt_bytes(data: bytes, passphrase: str) -> bytes:
    r"""Encrypt data with a passphrase (scrypt + AES-256-GCM).

    Parameters
    ----------
    data : bytes
        What to protect, e.g. the output of :func:`to_csv_bytes`.
    passphrase : str
        At least ``MIN_PASSPHRASE_LENGTH`` (12) characters. Share it with the
        recipient by another channel than the file.

    Returns
    -------
    bytes
        A self-describing encrypted file (see the module description); each
        call uses a fresh salt and nonce, so the output differs every time.

    Raises
    ------
    InputError
        The passphrase is shorter than 12 characters or not text, or ``data``
        is not bytes.

    Examples
    --------
    >>> sealed = encrypt_bytes(b"grade,count\n9,41\n", "correct horse battery")
    >>> sealed[:6]
    b'BTXENC'
    >>> decrypt_bytes(sealed, "correct horse battery")
    b'grade,count\n9,41\n'
    """
    if not isinstance(data, bytes | bytearray):
        raise InputError(
            f"Only bytes can be encrypted; got {type(data).__name__}. Encode "
            "the release first, e.g. with to_csv_bytes."
        )
    _check_passphrase(passphrase)

    salt = os.urandom(_SALT_BYTES)
    nonce = os.urandom(_NONCE_BYTES)
    header = (
        _MAGIC + bytes([_VERSION, _SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P]) + salt + nonce
    )
    key = _derive_key(passphrase, salt, _SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P)
    return header + AESGCM(key).encrypt(nonce, bytes(data), header)


def decrypt_bytes(token: bytes, passphrase: str) -> bytes:
    """Decrypt a file made by :func:`encrypt_bytes`.

    Parameters
    ----------
    token : bytes
        The encrypted file's content.
    passphrase : str
        The passphrase it was encrypted with.

    Returns
    -------
    bytes
        The original data.

    Raises
    ------
    InputError
        The passphrase is empty or wrong, the file was changed, or it is not
        a file encrypted by the explorer.

    Examples
    --------
    >>> decrypt_bytes(encrypt_bytes(b"secret", "a passphrase here"), "wrong one!")
    Traceback (most recent call last):
    ...
    privacy.exceptions.InputError: Wrong passphrase, or the file was changed ...
    """
    if not isinstance(passphrase, str) or not passphrase:
        raise InputError(
            "The passphrase is empty. Enter the passphrase the file was encrypted with."
        )
    if not isinstance(token, bytes | bytearray):
        raise InputError(
            f"Only bytes can be decrypted; got {type(token).__name__}. Read "
            "the file in binary mode."
        )
    token = bytes(token)
    if not token.startswith(_MAGIC) or len(token) < _HEADER_BYTES + _TAG_BYTES:
        raise InputError(
            "This is not a file encrypted by the explorer (its header is "
            f"missing or it is only {len(token)} bytes long). Choose the "
            f"downloaded {ENCRYPTED_SUFFIX} file."
        )

    version, log2_n, block_size, parallelism = token[len(_MAGIC) : len(_MAGIC) + 4]
    if version != _VERSION:
        raise InputError(
            f"The file uses encryption format version {version}; this "
            f"explorer reads version {_VERSION}. Decrypt it with the explorer "
            "version that made it."
        )
    if not (
        1 <= log2_n <= _MAX_SCRYPT_LOG2_N
        and 1 <= block_size <= _MAX_SCRYPT_R
        and 1 <= parallelism <= _MAX_SCRYPT_P
    ):
        raise InputError(
            f"The file's key-derivation settings (log2 n = {log2_n}, r = "
            f"{block_size}, p = {parallelism}) are out of the accepted range; "
            "the file is damaged or was not made by the explorer."
        )

    header = token[:_HEADER_BYTES]
    salt_start = len(_MAGIC) + 4
    salt = header[salt_start : salt_start + _SALT_BYTES]
    nonce = header[salt_start + _SALT_BYTES :]
    key = _derive_key(passphrase, salt, log2_n, block_size, parallelism)
    try:
        return AESGCM(key).decrypt(nonce, token[_HEADER_BYTES:], header)
    except InvalidTag as error:
        raise InputError(
            "Wrong passphrase, or the file was changed after it was encrypted. "
            "Check the passphrase (it is case-sensitive) and download the file "
            "again if it still fails."
        ) from error


def _check_passphrase(passphrase: object) -> None:
    if not isinstance(passphrase, str):
        raise InputError(
            f"The passphrase must be text; got {type(passphrase).__name__}. "
            "Enter a passphrase."
        )
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InputError(
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} "
            f"characters; got {len(passphrase)}. Use a longer passphrase, e.g. "
            "four unrelated words."
        )


def _derive_key(
    passphrase: str, salt: bytes, log2_n: int, block_size: int, parallelism: int
) -> bytes:
    scrypt = Scrypt(salt=salt, length=32, n=2**log2_n, r=block_size, p=parallelism)
    return scrypt.derive(passphrase.encode("utf-8"))
