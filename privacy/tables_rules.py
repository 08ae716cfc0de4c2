"""Small-cell rules: a minimum count, rounding and top/bottom coding, with presets.

See :mod:`privacy.tables` for the choices behind published tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from privacy.exceptions import InputError

__all__ = ["RULE_PRESETS", "DisclosureRule"]


@dataclass(frozen=True)
class DisclosureRule:
    """A small-cell rule: minimum count, and optionally rounding and coding.

    Parameters
    ----------
    name : str
        Short name shown to users.
    min_count : int
        Counts from 1 to ``min_count - 1`` are withheld; a rate is withheld
        when its numerator or denominator is below ``min_count``.
    rounding_base : int, optional
        Round published counts to the nearest multiple of this base
        (conventional rounding, each cell on its own).
    top_bottom_percent : float, optional
        Print rates above ``100 - p`` percent as ``">{100 - p}%"`` and below
        ``p`` percent as ``"<{p}%"``.
    source : str
        Where the rule comes from.
    withhold_zero_counts : bool
        Withhold counts of 0 too (by default they are published).

    Examples
    --------
    >>> rule = DisclosureRule("example", min_count=6)
    >>> rule.withholds_count(np.array([0, 3, 6])).tolist()
    [False, True, False]
    >>> rule.withholds_rate(np.array([0, 5, 6]), np.array([40, 40, 40])).tolist()
    [True, True, False]
    """

    name: str
    min_count: int
    rounding_base: int | None = None
    top_bottom_percent: float | None = None
    source: str = "set by the user"
    withhold_zero_counts: bool = False

    def __post_init__(self) -> None:
        """Validate the parameters with messages a user can act on."""
        if isinstance(self.min_count, bool) or not isinstance(
            self.min_count, int | np.integer
        ):
            raise InputError(
                f"The minimum count must be a whole number; got "
                f"{self.min_count!r}. Choose a number such as 10."
            )
        if not 1 <= self.min_count <= 1000:
            raise InputError(
                f"The minimum count must be between 1 and 1000; got "
                f"{self.min_count}. Choose a number such as 10."
            )
        if self.rounding_base is not None and not (
            isinstance(self.rounding_base, int | np.integer)
            and 2 <= self.rounding_base <= 100
        ):
            raise InputError(
                f"The rounding base must be a whole number from 2 to 100; got "
                f"{self.rounding_base!r}. Choose 3, 5 or 10, or no rounding."
            )
        if self.top_bottom_percent is not None and not (
            0 < self.top_bottom_percent < 50
        ):
            raise InputError(
                f"Top and bottom coding must be between 0 and 50 percent; got "
                f"{self.top_bottom_percent!r}. Choose 5 to print '>95%' and "
                f"'<5%'."
            )

    def withholds_count(self, counts: np.ndarray) -> np.ndarray:
        """Return which counts this rule withholds.

        Parameters
        ----------
        counts : numpy.ndarray
            Whole-number counts.

        Returns
        -------
        numpy.ndarray of bool
        """
        counts = np.asarray(counts)
        small = (counts > 0) & (counts < self.min_count)
        return small | ((counts == 0) & self.withhold_zero_counts)

    def withholds_rate(
        self, numerators: np.ndarray, denominators: np.ndarray
    ) -> np.ndarray:
        """Return which rates this rule withholds.

        Parameters
        ----------
        numerators, denominators : numpy.ndarray
            Students with the attribute, and students in the cell.

        Returns
        -------
        numpy.ndarray of bool
            True where the numerator or the denominator is below the minimum
            (a zero numerator included).
        """
        numerators = np.asarray(numerators)
        denominators = np.asarray(denominators)
        return (numerators < self.min_count) | (denominators < self.min_count)

    def round_counts(self, counts: np.ndarray) -> np.ndarray:
        """Round counts to the nearest multiple of the base (halves round up).

        Parameters
        ----------
        counts : numpy.ndarray
            Whole-number counts.

        Returns
        -------
        numpy.ndarray
            The counts unchanged when the rule has no rounding base.
        """
        counts = np.asarray(counts, dtype=float)
        if self.rounding_base is None:
            return counts
        base = self.rounding_base
        return np.floor(counts / base + 0.5) * base


#: Named rules with their sources.
RULE_PRESETS: dict[str, DisclosureRule] = {
    "nces-10": DisclosureRule(
        name="nces-10",
        min_count=10,
        source=(
            "NCES, 'Statistical Methods for Protecting Personally Identifiable "
            "Information in Aggregate Reporting' (SLDS Technical Brief 3, NCES "
            "2011-603): 10 is the most common minimum cell size among states."
        ),
    ),
    "dese-6": DisclosureRule(
        name="dese-6",
        min_count=6,
        source=(
            "Massachusetts DESE, School and District Profiles: figures based on "
            "fewer than 6 students are not reported (the discipline report "
            "blanks its percentages exactly when fewer than 6 students were "
            "disciplined)."
        ),
    ),
    "nces-10-coded": DisclosureRule(
        name="nces-10-coded",
        min_count=10,
        top_bottom_percent=5.0,
        source=(
            "NCES SLDS Technical Brief 3 (NCES 2011-603): minimum of 10, with "
            "rates above 95% or below 5% printed as '>95%' and '<5%'."
        ),
    ),
}
