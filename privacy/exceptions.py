"""Errors and warnings of the privacy library.

Errors are sorted by whose fault they are:

- :class:`InputError` is the user's to fix (a bad file, an unknown column, a
  parameter out of range). Its message states the rule, echoes the value received
  and says what to do. Pages show it with ``st.error``; the command line prints
  it on one line and exits with status 2.
- :class:`InternalError` means a broken invariant inside the library: a bug.

Weakened privacy is never printed or logged: it is a :class:`PrivacyWarning`
(or a subclass), which pages turn into ``st.warning`` and tests assert with
``pytest.warns``.
"""

from __future__ import annotations

__all__ = [
    "BudgetWarning",
    "EphemeralKeyWarning",
    "InputError",
    "InternalError",
    "PrivacyWarning",
]


class InputError(ValueError):
    """Bad input from the user: a file, a column name or a parameter.

    The message must name the problem and say how to fix it.

    Examples
    --------
    >>> raise InputError("k must be at least 2; got 1. Choose k = 2 or more.")
    Traceback (most recent call last):
    ...
    privacy.exceptions.InputError: k must be at least 2; got 1. Choose k = 2 or more.
    """


class InternalError(RuntimeError):
    """A broken invariant in the library: this is a bug, not a user mistake."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"{message} This is a bug in the explorer, not a problem with your "
            "data; please report it with the steps that led here."
        )


class PrivacyWarning(UserWarning):
    """A release or setting is weaker than the user may think."""


class BudgetWarning(PrivacyWarning):
    """Privacy budget is running low or a release spends it again."""


class EphemeralKeyWarning(PrivacyWarning):
    """Tokens are keyed with a random per-session key and will not link."""
