"""What the product did, logged without any data value.

Operators need to know that a release was made, with which tier and
parameters, on how many rows, and how long it took. They must never find a
student's name, ID or score in a log file: logs are kept longer, copied more
widely and protected less than the data itself.

:func:`log_action` therefore accepts only numbers, booleans, None and text
that the caller vouches for through :func:`safe_text`, which checks the text
against an explicit list of allowed parameter or option values (tier names,
mechanism names...). Any other value, including a plain string, is refused
with :class:`privacy.exceptions.InternalError`: passing one is a bug in the
calling code, not a user mistake. Callers log counts, parameters and timings,
never a cell of the table (a number can be a data value too; that part of
the rule is the caller's to keep).

Records go to the ``explorer`` logger at INFO level as ``action key=value
...``, with the same fields in ``record.fields`` for structured handlers.
"""

from __future__ import annotations

import contextlib
import logging
import math
import numbers
import re
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import numpy as np

from privacy.exceptions import InternalError

__all__ = [
    "LOGGER_NAME",
    "SafeText",
    "log_action",
    "logger",
    "safe_text",
    "timed_action",
]

LOGGER_NAME = "explorer"
logger = logging.getLogger(LOGGER_NAME)
# A library leaves handler setup to the application.
logger.addHandler(logging.NullHandler())

# Names and vouched-for text are short identifiers: nothing with spaces, so a
# free-text value cannot slip in even through an over-generous allow-list.
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SAFE_TEXT = re.compile(r"[A-Za-z0-9_.:+-]{1,40}")

LogValue = bool | int | float | None


@dataclass(frozen=True)
class SafeText:
    """Text checked against an allow-list of parameter or option values.

    Make one with :func:`safe_text`, not directly.

    Parameters
    ----------
    value : str
        The vouched-for text.
    """

    value: str


def safe_text(value: str, allowed: Collection[str]) -> SafeText:
    """Vouch for a parameter or option value so that it may be logged.

    Parameters
    ----------
    value : str
        The value, e.g. ``"laplace"`` or ``"tier_3"``.
    allowed : collection of str
        Every value the parameter can take, fixed in the code (never built
        from the data).

    Returns
    -------
    SafeText
        The value, marked safe to log.

    Raises
    ------
    InternalError
        ``value`` is not in ``allowed`` or is not a short identifier.

    Examples
    --------
    >>> safe_text("laplace", {"laplace", "gaussian"})
    SafeText(value='laplace')
    """
    if not isinstance(value, str) or value not in allowed:
        raise InternalError(
            f"A {type(value).__name__} value outside the allowed options was "
            "about to be logged; only listed parameter values may be logged."
        )
    if not _SAFE_TEXT.fullmatch(value):
        raise InternalError(
            "Logged option values must be short identifiers (letters, digits, "
            "'_.:+-', at most 40 characters)."
        )
    return SafeText(value)


def log_action(action: str, /, **fields: LogValue | SafeText) -> None:
    """Log what the product did, refusing anything that could be data.

    Parameters
    ----------
    action : str
        What happened, as a lower-case identifier such as ``"release"``.
    **fields : bool, int, float, None or SafeText
        Parameters, counts and timings, e.g. ``tier=3, k=5, rows=1000,
        seconds=0.2``. Text must come through :func:`safe_text`.

    Raises
    ------
    InternalError
        ``action`` or a field name is not a lower-case identifier, or a field
        value is plain text, bytes or any other object.

    Examples
    --------
    >>> log_action("release", tier=3, k=5, rows=1000, seconds=0.2)
    >>> log_action("release", school="Mather")
    Traceback (most recent call last):
    ...
    privacy.exceptions.InternalError: Field 'school' of action 'release' is a str...
    """
    if not isinstance(action, str) or not _NAME.fullmatch(action):
        raise InternalError(
            "A log action must be a lower-case identifier of at most 40 "
            "characters, fixed in the code."
        )

    plain: dict[str, bool | int | float | str | None] = {}
    for name, value in fields.items():
        if not _NAME.fullmatch(name):
            raise InternalError(
                f"Log field names must be lower-case identifiers; action "
                f"{action!r} has one that is not."
            )
        plain[name] = _loggable(action, name, value)

    message = " ".join([action, *(f"{name}={_shown(v)}" for name, v in plain.items())])
    logger.info(message, extra={"action": action, "fields": plain})


@contextlib.contextmanager
def timed_action(action: str, /, **fields: LogValue | SafeText) -> Iterator[None]:
    """Log an action with the seconds it took, once the block has finished.

    Parameters
    ----------
    action : str
        As :func:`log_action`.
    **fields : bool, int, float, None or SafeText
        As :func:`log_action`; ``seconds`` is added.

    Yields
    ------
    None
        Run the timed work inside the ``with`` block. Nothing is logged if it
        raises.

    Examples
    --------
    >>> with timed_action("assess", rows=120):
    ...     total = sum(range(10))
    """
    start = time.perf_counter()
    yield
    log_action(action, **fields, seconds=time.perf_counter() - start)


def _loggable(action: str, name: str, value: object) -> bool | int | float | str | None:
    if isinstance(value, SafeText):
        return value.value
    if value is None or isinstance(value, bool | np.bool_):
        return None if value is None else bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)

    # The value itself is left out of the message: it may be the very data
    # that must not be logged.
    raise InternalError(
        f"Field {name!r} of action {action!r} is a {type(value).__name__}; "
        "only numbers, booleans, None and values passed through safe_text "
        "may be logged."
    )


def _shown(value: bool | int | float | str | None) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.6g}"
    return str(value)
