"""The per-session privacy budget: exact accounting of every release.

Budgets add up across every release made from the same students (sequential
composition). The budget keeps exact fractions, so that three releases of 0.1
fit a cap of 0.3, and mirrors its spending in a diffprivlib accountant of its
own, which every diffprivlib call of the session receives as ``accountant=``.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real

import numpy as np
from diffprivlib.accountant import BudgetAccountant

from privacy.exceptions import InputError

__all__ = [
    "BudgetExceededError",
    "LedgerEntry",
    "PrivacyBudget",
    "new_seed",
    "validate_epsilon",
]

# diffprivlib's accountant adds floats: 0.1 + 0.1 + 0.1 exceeds 0.3 by one unit
# in the last place, so a cap of exactly 0.3 would refuse the third release.
# Our ledger keeps exact fractions and is the one that refuses; the mirror
# accountant is sized with this relative slack so that it never refuses a
# release our exact arithmetic allows.
_ACCOUNTANT_RELATIVE_SLACK = 1e-9

# Seeds fit numpy's legacy RandomState, which diffprivlib mechanisms use.
_SEED_LIMIT = 2**32


class BudgetExceededError(InputError):
    """A release would spend more epsilon than the session has left."""


def validate_epsilon(epsilon: object, name: str = "epsilon") -> Fraction:
    """Check that ``epsilon`` is a positive finite number and return it exactly.

    The value is read through its decimal text, so ``0.1`` becomes exactly
    one tenth and three releases of 0.1 add up to exactly 0.3.

    Parameters
    ----------
    epsilon : object
        The value to check.
    name : str, default "epsilon"
        How to call the value in the error message.

    Returns
    -------
    fractions.Fraction
        The value as an exact fraction.

    Raises
    ------
    InputError
        If the value is not a number, not finite, or not above 0.

    Examples
    --------
    >>> validate_epsilon(0.1)
    Fraction(1, 10)
    >>> validate_epsilon(0)
    Traceback (most recent call last):
    ...
    privacy.exceptions.InputError: epsilon must be a number above 0; got 0. \
Choose a positive value such as 1.0.
    """
    is_number = isinstance(epsilon, Real) and not isinstance(epsilon, bool)
    if not is_number or not math.isfinite(float(epsilon)) or float(epsilon) <= 0:
        raise InputError(
            f"{name} must be a number above 0; got {epsilon!r}. "
            "Choose a positive value such as 1.0."
        )
    return Fraction(str(float(epsilon)))


@dataclass(frozen=True)
class LedgerEntry:
    """One release charged to a privacy budget.

    Parameters
    ----------
    description : str
        What was released, in words.
    epsilon : float
        The epsilon it spent.
    """

    description: str
    epsilon: float


class PrivacyBudget:
    """The privacy budget of one session: every release made from its data.

    Releases made from the same students add up (sequential composition), so
    the budget sums the epsilon of every release and refuses one that would
    take the total above ``cap``. Arithmetic is exact (fractions), so three
    releases of 0.1 fit a cap of 0.3.

    Each budget owns a diffprivlib :class:`~diffprivlib.accountant.BudgetAccountant`
    (never the process-wide default) that every diffprivlib call of the
    session receives as ``accountant=``; it mirrors the spending, while this
    object's exact ledger is the one that decides.

    Parameters
    ----------
    cap : float, default 1.0
        The most epsilon the session may spend in total.

    Raises
    ------
    InputError
        If ``cap`` is not a positive finite number.

    Examples
    --------
    >>> budget = PrivacyBudget(cap=0.3)
    >>> for _ in range(3):
    ...     budget.charge(0.1, "school counts")
    >>> budget.spent, budget.remaining
    (0.3, 0.0)
    >>> budget.can_afford(0.01)
    False
    """

    def __init__(self, cap: float = 1.0) -> None:
        self._cap = validate_epsilon(cap, name="cap")
        self._spent = Fraction(0)
        self._ledger: list[LedgerEntry] = []
        self._accountant = BudgetAccountant(
            epsilon=float(self._cap) * (1 + _ACCOUNTANT_RELATIVE_SLACK), delta=0.0
        )

    def __repr__(self) -> str:
        """Show the cap, the amount spent and the number of releases."""
        return (
            f"PrivacyBudget(cap={self.cap:g}, spent={self.spent:g}, "
            f"releases={len(self._ledger)})"
        )

    @property
    def cap(self) -> float:
        """The most epsilon the session may spend."""
        return float(self._cap)

    @property
    def spent(self) -> float:
        """Epsilon spent so far, summed over every release."""
        return float(self._spent)

    @property
    def remaining(self) -> float:
        """Epsilon still available."""
        return float(self._cap - self._spent)

    @property
    def ledger(self) -> list[LedgerEntry]:
        """Every release charged so far, oldest first (a copy)."""
        return list(self._ledger)

    @property
    def accountant(self) -> BudgetAccountant:
        """The session's diffprivlib accountant, to pass as ``accountant=``."""
        return self._accountant

    def can_afford(self, epsilon: float) -> bool:
        """Say whether a release of ``epsilon`` fits in what is left.

        Parameters
        ----------
        epsilon : float
            The epsilon a planned release would spend.

        Returns
        -------
        bool
            True when the release fits.

        Examples
        --------
        >>> PrivacyBudget(cap=1.0).can_afford(1.0)
        True
        """
        return self._spent + validate_epsilon(epsilon) <= self._cap

    def check(self, epsilon: float) -> None:
        """Refuse a planned release that does not fit, before any noise is drawn.

        Parameters
        ----------
        epsilon : float
            The epsilon the planned release would spend.

        Raises
        ------
        BudgetExceededError
            If the release would take the total above the cap; the message
            says how much is left.

        Examples
        --------
        >>> try:
        ...     PrivacyBudget(cap=0.5).check(0.75)
        ... except BudgetExceededError as error:
        ...     print(error)
        This release needs ε = 0.75 but only ε = 0.5 is left of the session's \
budget of 0.5 (0 spent on 0 releases). Choose ε of at most 0.5, or start a \
new session for new data.
        """
        if self.can_afford(epsilon):
            return
        remedy = (
            f"Choose ε of at most {self.remaining:g}"
            if self.remaining > 0
            else "The budget is spent: no further release can be made from "
            "these students"
        )
        raise BudgetExceededError(
            f"This release needs ε = {epsilon:g} but only ε = {self.remaining:g} "
            f"is left of the session's budget of {self.cap:g} ({self.spent:g} "
            f"spent on {len(self._ledger)} releases). {remedy}, or start a new "
            "session for new data."
        )

    def charge(self, epsilon: float, description: str) -> None:
        """Spend ``epsilon`` on a release and record it in the ledger.

        Parameters
        ----------
        epsilon : float
            The epsilon the release spends.
        description : str
            What was released, in words.

        Raises
        ------
        BudgetExceededError
            If the release would take the total above the cap.

        Examples
        --------
        >>> budget = PrivacyBudget()
        >>> budget.charge(0.25, "counts by school")
        >>> budget.ledger
        [LedgerEntry(description='counts by school', epsilon=0.25)]
        """
        self.check(epsilon)
        self._accountant.spend(float(epsilon), 0.0)
        self.record(epsilon, description)

    def record(self, epsilon: float, description: str) -> None:
        """Record a release that a diffprivlib tool already spent on ``accountant``.

        diffprivlib's tools and models spend on the accountant they are given;
        this adds the same release to the exact ledger, without spending on
        the accountant a second time.

        Parameters
        ----------
        epsilon : float
            The epsilon the release spent.
        description : str
            What was released, in words.

        Raises
        ------
        BudgetExceededError
            If the release takes the total above the cap (call :meth:`check`
            before the diffprivlib call so that this never happens).

        Examples
        --------
        >>> budget = PrivacyBudget()
        >>> budget.record(0.5, "mean of attendance")
        >>> budget.spent, budget.accountant.spent_budget
        (0.5, [])
        """
        self.check(epsilon)
        self._spent += validate_epsilon(epsilon)
        self._ledger.append(LedgerEntry(description, float(epsilon)))


def new_seed() -> int:
    """Draw a fresh seed for one release from the operating system.

    Returns
    -------
    int
        A seed in ``[0, 2**32)``.

    Examples
    --------
    >>> 0 <= new_seed() < 2**32
    True
    """
    return secrets.randbelow(_SEED_LIMIT)


def _resolve_seed(random_state: int | None) -> int:
    if random_state is None:
        return new_seed()
    if (
        isinstance(random_state, bool)
        or not isinstance(random_state, int | np.integer)
        or not 0 <= random_state < _SEED_LIMIT
    ):
        raise InputError(
            f"random_state must be a whole number from 0 to {_SEED_LIMIT - 1} "
            f"or None; got {random_state!r}. Pass None to draw a fresh seed."
        )
    return int(random_state)
