"""Keyed tokens that replace direct identifiers.

A token is ``prefix + HMAC-SHA256(key, identifier)`` in hexadecimal, cut to a
fixed length. The same key and identifier always give the same token, so
releases made with one key link to each other and to City program records
tokenized with that key; without the key a token reveals nothing about the
identifier.

Why a plain hash is not a token: a student ID has six or so digits, so there
are only about a million candidates. An attacker hashes every one of them and
looks each released hash up: SHA-256 of all 1,000,000 six-digit IDs took about
0.7 seconds on one core of a shared two-core test machine (``python
benchmarks/token_dictionary_attack.py`` measures it). The key is what stops
this: it lives in the operator's secrets (Streamlit ``token_key`` secret or
the ``EXPLORER_TOKEN_KEY`` environment variable) and never appears in an
exported configuration or a log.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import warnings
from collections.abc import Mapping

import pandas as pd

from privacy.exceptions import EphemeralKeyWarning, InputError

__all__ = [
    "EPHEMERAL_KEY_MESSAGE",
    "KEY_ENVIRONMENT_VARIABLE",
    "MIN_KEY_BYTES",
    "resolve_token_key",
    "tokenize",
    "warn_if_ephemeral",
]

KEY_ENVIRONMENT_VARIABLE = "EXPLORER_TOKEN_KEY"
MIN_KEY_BYTES = 16
_EPHEMERAL_KEY_BYTES = 32
_MIN_TOKEN_LENGTH = 8
_MAX_TOKEN_LENGTH = 64

EPHEMERAL_KEY_MESSAGE = (
    "No tokenization key is configured, so this session uses a random key: "
    "tokens will not match tokens made in another session or by another "
    "analyst, and cannot be linked to City program records. To link releases, "
    "the operator sets token_key in .streamlit/secrets.toml or the "
    f"{KEY_ENVIRONMENT_VARIABLE} environment variable."
)


def resolve_token_key(
    secret: str | None = None, *, environ: Mapping[str, str] | None = None
) -> tuple[bytes, bool]:
    """Find the tokenization key: a secret, the environment, or a random key.

    Parameters
    ----------
    secret : str, optional
        The key from the app's secrets (``token_key``), passed in by the page.
        It wins over the environment.
    environ : mapping, optional
        Where to look for ``EXPLORER_TOKEN_KEY``; defaults to ``os.environ``.

    Returns
    -------
    key : bytes
        The key, at least 16 bytes (a configured key is its UTF-8 bytes).
    is_ephemeral : bool
        True when no key was configured and a fresh random 32-byte key was
        made: tokens then do not link across sessions (see
        ``EPHEMERAL_KEY_MESSAGE``).

    Raises
    ------
    InputError
        A configured key is shorter than 16 bytes.

    Examples
    --------
    >>> resolve_token_key("a long shared secret phrase")
    (b'a long shared secret phrase', False)
    >>> key, is_ephemeral = resolve_token_key(environ={})
    >>> len(key), is_ephemeral
    (32, True)
    """
    if environ is None:
        environ = os.environ

    if secret is not None:
        return _checked_key(secret, "The token_key secret"), False
    if KEY_ENVIRONMENT_VARIABLE in environ:
        configured = environ[KEY_ENVIRONMENT_VARIABLE]
        where = f"The {KEY_ENVIRONMENT_VARIABLE} environment variable"
        return _checked_key(configured, where), False
    return secrets.token_bytes(_EPHEMERAL_KEY_BYTES), True


def warn_if_ephemeral(is_ephemeral: bool) -> None:
    """Warn that tokens will not link when the key is a random session key.

    Parameters
    ----------
    is_ephemeral : bool
        The second value returned by :func:`resolve_token_key`.

    Warns
    -----
    EphemeralKeyWarning
        With ``EPHEMERAL_KEY_MESSAGE`` when ``is_ephemeral`` is True.

    Examples
    --------
    >>> warn_if_ephemeral(False)
    """
    if is_ephemeral:
        warnings.warn(EPHEMERAL_KEY_MESSAGE, EphemeralKeyWarning, stacklevel=2)


def tokenize(
    values: pd.Series, key: bytes, *, prefix: str = "tok_", length: int = 16
) -> pd.Series:
    """Replace identifiers with keyed HMAC-SHA256 tokens.

    Parameters
    ----------
    values : pandas.Series
        Identifiers. Numbers and text are tokenized through their text form,
        so ``123``, ``123.0`` and ``"123"`` give one token while ``"0123"``
        gives another (leading zeros matter). Missing values stay missing.
    key : bytes
        The secret key, at least 16 bytes (see :func:`resolve_token_key`).
    prefix : str, default "tok_"
        Text put before every token so that tokens are recognizable.
    length : int, default 16
        Number of hexadecimal characters kept, from 8 to 64. With 16
        characters (64 bits), the chance that any two of a million distinct
        IDs share a token is about 3 in 100 million.

    Returns
    -------
    pandas.Series
        Tokens as text (object dtype), with the index and name of ``values``.

    Raises
    ------
    InputError
        The key is too short or not bytes, ``length`` is out of range,
        ``prefix`` is not text, or ``values`` is not a Series.

    Examples
    --------
    >>> ids = pd.Series(["100231", None, "100231"], name="student_id")
    >>> tokens = tokenize(ids, b"sixteen byte key")
    >>> tokens.tolist()
    ['tok_1b04b719817866b6', None, 'tok_1b04b719817866b6']
    """
    _check_tokenize_arguments(values, key, prefix, length)

    # Each distinct identifier is hashed once; the key's inner and outer
    # HMAC states are computed once and copied for every identifier.
    missing = values.isna().to_numpy()
    present = values[~missing]
    try:
        distinct = pd.unique(present.to_numpy(dtype=object))
    except TypeError as error:
        raise InputError(
            f"Identifiers must be numbers or text; column {values.name!r} holds "
            "lists or other unhashable values. Tokenize an identifier column."
        ) from error
    inner, outer = _hmac_states(key)
    token_of = {
        value: prefix + _hmac_hex(inner, outer, _identifier_text(value))[:length]
        for value in distinct
    }

    return pd.Series(
        [
            None if is_missing else token_of[value]
            for value, is_missing in zip(values, missing, strict=True)
        ],
        index=values.index,
        name=values.name,
        dtype=object,
    )


def _hmac_states(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    # HMAC (RFC 2104) with the pads applied once: equal to hmac.new(key, ...,
    # hashlib.sha256), which the tests check, at half the cost per value.
    block_size = hashlib.sha256().block_size
    if len(key) > block_size:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block_size, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    return inner, outer


def _hmac_hex(inner: hashlib._Hash, outer: hashlib._Hash, text: str) -> str:
    inner_digest = inner.copy()
    inner_digest.update(text.encode("utf-8"))
    outer_digest = outer.copy()
    outer_digest.update(inner_digest.digest())
    return outer_digest.hexdigest()


def _checked_key(configured: str, where: str) -> bytes:
    key = configured.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise InputError(
            f"{where} is {len(key)} bytes long; a token key needs at least "
            f"{MIN_KEY_BYTES}. Set it to a long random value, e.g. the output "
            'of python -c "import secrets; print(secrets.token_hex(32))".'
        )
    return key


def _check_tokenize_arguments(
    values: object, key: object, prefix: object, length: object
) -> None:
    if not isinstance(values, pd.Series):
        raise InputError(
            f"values must be a pandas Series; got {type(values).__name__}. "
            "Pass one column, e.g. table['student_id']."
        )
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        size = f"{len(key)} bytes" if isinstance(key, bytes) else type(key).__name__
        raise InputError(
            f"The token key must be at least {MIN_KEY_BYTES} bytes; got {size}. "
            "Use the key returned by resolve_token_key."
        )
    if not isinstance(prefix, str):
        raise InputError(f"prefix must be text; got {prefix!r}. Use e.g. 'tok_' or ''.")
    if (
        isinstance(length, bool)
        or not isinstance(length, int)
        or not _MIN_TOKEN_LENGTH <= length <= _MAX_TOKEN_LENGTH
    ):
        raise InputError(
            f"length must be a whole number from {_MIN_TOKEN_LENGTH} to "
            f"{_MAX_TOKEN_LENGTH}; got {length!r}. Use 16 unless you need "
            "longer tokens."
        )


def _identifier_text(value: object) -> str:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if hasattr(value, "item"):
        # numpy scalars: use the matching Python number.
        return _identifier_text(value.item())
    return str(value)
