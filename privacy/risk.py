"""Re-identification risk: equivalence classes, k, and the attacker models.

Every figure follows these definitions:

- an *equivalence class* holds the records that share the same values on all
  quasi-identifiers; a missing value is a value of its own (all missing values
  of a column group together, they never match everything and never drop the
  row);
- *k* is the size of the smallest class;
- the *prosecutor risk* of a record is 1 / size of its class; the *journalist
  risk* uses the size of the matching class in a population table; the
  *marketer risk* is the expected share of records re-identified when every
  record is attacked;
- *distinct l-diversity* is the fewest distinct sensitive values in a class,
  *entropy l-diversity* is exp of the smallest class entropy (natural log), and
  *t-closeness* is the largest distance between a class's sensitive-value
  distribution and the whole table's.

Names ending in ``_risk`` are probabilities in [0, 1]. Every measure over all
classes is computed on integer codes with ``bincount``; nothing loops over the
classes in Python, so a table of millions of rows takes seconds at most.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from privacy.exceptions import InputError

__all__ = [
    "DEFAULT_RISK_BANDS",
    "AttributeSeparation",
    "EquivalenceClasses",
    "PopulationUniqueness",
    "RiskBands",
    "RiskReport",
    "assess_risk",
    "attribute_separation",
    "equivalence_classes",
    "population_uniqueness",
    "risk_bands",
]

# Upper bounds of the prosecutor-risk bands: a class of 20 or more, 10-19,
# 5-9, 3-4, 2 and a sample unique.
DEFAULT_RISK_BANDS: tuple[float, ...] = (0.05, 0.1, 0.2, 1 / 3, 0.5, 1.0)

# Mixed-radix keys are built in int64; past this bound the partial key is
# factorized again so that the product of radices never overflows.
_KEY_LIMIT = 2**62


@dataclass(frozen=True, eq=False)
class EquivalenceClasses:
    """The partition of a table's records by their quasi-identifier values.

    Attributes
    ----------
    class_of_record : numpy.ndarray of int64
        For each row, in table order, the number of its class (0, 1, ...,
        numbered in order of first appearance).
    sizes : numpy.ndarray of int64
        For each class, the number of records in it.
    """

    class_of_record: np.ndarray
    sizes: np.ndarray

    @property
    def count(self) -> int:
        """Number of equivalence classes."""
        return int(self.sizes.size)

    def size_of_record(self) -> np.ndarray:
        """Return each record's class size, in table order.

        Returns
        -------
        numpy.ndarray of int64
            The size of the class each row belongs to.

        Examples
        --------
        >>> table = pd.DataFrame({"zip": ["02118", "02118", "02119"]})
        >>> equivalence_classes(table, ["zip"]).size_of_record().tolist()
        [2, 2, 1]
        """
        return self.sizes[self.class_of_record]


def _check_table(table: pd.DataFrame, columns: Sequence[str], role: str) -> None:
    """Raise InputError unless the table has rows and every named column."""
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"The data must be a pandas DataFrame; got {type(table).__name__}. "
            "Load the file into a table first."
        )
    if table.shape[0] == 0:
        raise InputError(
            "The table has no records (0 rows); risk and loss need at least "
            "one. Load a file with data rows below the header, or relax the "
            "settings that removed every record."
        )
    if isinstance(columns, str):
        raise InputError(
            f"The {role} must be a list of column names; got the string "
            f"{columns!r}. Pass [{columns!r}] for a single column."
        )
    if len(columns) == 0:
        raise InputError(
            f"No column was given for the {role}. Choose at least one among: "
            f"{', '.join(map(str, table.columns))}."
        )
    duplicated = sorted(
        {str(name) for name in columns if list(columns).count(name) > 1}
    )
    if duplicated:
        raise InputError(
            f"The {role} list names {', '.join(duplicated)} more than once. "
            "List each column once."
        )
    unknown = [str(name) for name in columns if name not in table.columns]
    if unknown:
        raise InputError(
            f"Unknown column(s) for the {role}: {', '.join(unknown)}. Available "
            f"columns: {', '.join(map(str, table.columns))}."
        )


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index, bool]:
    """Codes 0..m-1 of the present values, m for a missing one, and the values.

    Factorizing with the missing-value sentinel and recoding it afterwards is
    about twice as fast as asking pandas to keep missing values.
    """
    codes, uniques = pd.factorize(column)
    codes = codes.astype(np.int64, copy=False)
    has_missing = bool(codes.size) and bool(codes.min() < 0)
    if has_missing:
        codes[codes < 0] = len(uniques)
    return codes, uniques, has_missing


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a column (missing values get a code of their own)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Categorical columns already carry codes; -1 marks a missing value.
        codes = column.cat.codes.to_numpy().astype(np.int64)
        radix = len(column.cat.categories) + 1
        codes[codes < 0] = radix - 1
        return codes, radix
    codes, uniques, has_missing = _factorize(column)
    return codes, max(len(uniques) + has_missing, 1)


def _combined_key(table: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """One int64 key per row that is equal exactly when all columns are."""
    key, radix_so_far = _codes(table[columns[0]])
    for name in columns[1:]:
        codes, radix = _codes(table[name])
        if radix_so_far * radix >= _KEY_LIMIT:
            # Renumber the partial key densely before it would overflow.
            key, uniques = pd.factorize(key)
            radix_so_far = len(uniques)
        key = key * radix + codes
        radix_so_far *= radix
    return key


def equivalence_classes(
    table: pd.DataFrame, quasi_identifiers: Sequence[str]
) -> EquivalenceClasses:
    """Group the records that share the same values on all quasi-identifiers.

    Each column is factorized to integer codes, the codes are combined into one
    int64 key by mixed radix, and the key is factorized and counted. A missing
    value (NaN, None, ``pd.NA``) is a value of its own: missing values of a
    column fall in the same class, never match every value, and never drop the
    row.

    Parameters
    ----------
    table : pandas.DataFrame
        The records, one per row.
    quasi_identifiers : sequence of str
        The columns an attacker could link to outside data.

    Returns
    -------
    EquivalenceClasses
        The class of each record and the size of each class.

    Raises
    ------
    InputError
        If the table is empty, no column is given, or a column is unknown.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"grade": [9, 9, 10, None], "gender": ["F", "F", "M", "M"]}
    ... )
    >>> classes = equivalence_classes(table, ["grade", "gender"])
    >>> classes.class_of_record.tolist()
    [0, 0, 1, 2]
    >>> classes.sizes.tolist()
    [2, 1, 1]
    """
    _check_table(table, quasi_identifiers, "quasi-identifiers")

    key = _combined_key(table, list(quasi_identifiers))
    class_of_record, uniques = pd.factorize(key)
    class_of_record = class_of_record.astype(np.int64, copy=False)
    sizes = np.bincount(class_of_record, minlength=len(uniques)).astype(np.int64)
    return EquivalenceClasses(class_of_record=class_of_record, sizes=sizes)


@dataclass(frozen=True)
class RiskReport:
    """Re-identification risk of a table under the three attacker models.

    Attributes
    ----------
    records : int
        Number of records assessed.
    equivalence_classes : int
        Number of distinct quasi-identifier combinations.
    k : int
        Size of the smallest class.
    sample_uniques : int
        Records alone in their class.
    prosecutor_risk_max, prosecutor_risk_avg : float
        Highest and record-weighted average of 1 / class size; the average
        equals classes / records.
    risk_threshold : float
        The prosecutor risk above which a record counts as at risk.
    records_at_risk : int
        Records whose prosecutor risk is above ``risk_threshold``.
    records_at_risk_share : float
        ``records_at_risk`` / ``records``.
    journalist_risk_max, journalist_risk_avg : float
        Highest and record-weighted average of 1 / population class size.
        Without a population table the data is taken as a census and these
        equal the prosecutor figures; with one, the average equals the
        marketer risk.
    marketer_risk : float
        Expected share of records re-identified when every record is attacked:
        (1/n) sum over classes of f_j / F_j.
    population_records : int or None
        Size of the population table, when one was given.
    sensitive : str or None
        The sensitive attribute of the l and t figures.
    l_distinct : int or None
        Fewest distinct sensitive values in a class.
    l_entropy : float or None
        exp of the smallest class entropy of the sensitive values.
    t_closeness_equal : float or None
        Largest total-variation distance between a class's sensitive
        distribution and the table's (equal ground distance).
    t_closeness_ordered : float or None
        Largest ordered earth mover's distance (numeric sensitive values
        only), normalized by m - 1 over the m distinct values of the table.
    """

    records: int
    equivalence_classes: int
    k: int
    sample_uniques: int
    prosecutor_risk_max: float
    prosecutor_risk_avg: float
    risk_threshold: float
    records_at_risk: int
    records_at_risk_share: float
    journalist_risk_max: float
    journalist_risk_avg: float
    marketer_risk: float
    population_records: int | None = None
    sensitive: str | None = None
    l_distinct: int | None = None
    l_entropy: float | None = None
    t_closeness_equal: float | None = None
    t_closeness_ordered: float | None = None

    def as_dict(self) -> dict[str, int | float | str | None]:
        """Return the report as plain JSON-ready values.

        Returns
        -------
        dict
            Field name to int, float, str or None.

        Examples
        --------
        >>> table = pd.DataFrame({"zip": ["02118", "02118", "02119"]})
        >>> assess_risk(table, ["zip"]).as_dict()["k"]
        1
        """
        return asdict(self)


def _check_threshold(risk_threshold: float) -> float:
    """Return the threshold as a float or raise InputError."""
    if (
        isinstance(risk_threshold, bool)
        or not isinstance(risk_threshold, int | float | np.number)
        or not np.isfinite(risk_threshold)
        or not 0 < risk_threshold <= 1
    ):
        raise InputError(
            "The risk threshold must be a probability in (0, 1]; got "
            f"{risk_threshold!r}. Use for example 0.2 (a class of fewer than 5 "
            "records is at risk)."
        )
    return float(risk_threshold)


def _population_class_sizes(
    table: pd.DataFrame,
    population: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    classes: EquivalenceClasses,
) -> np.ndarray:
    """Size F_j of the population class matching each sample class."""
    _check_table(population, quasi_identifiers, "quasi-identifiers of the population")
    if len(population) < len(table):
        raise InputError(
            f"The population table has {len(population):,} records, fewer than "
            f"the sample's {len(table):,}; a sample is drawn from its population. "
            "Pass the whole population (for example the full synthetic district)."
        )

    # Factorize sample and population together so that equal QI values get
    # equal keys in both tables.
    both = pd.concat(
        [table[list(quasi_identifiers)], population[list(quasi_identifiers)]],
        ignore_index=True,
    )
    joint = equivalence_classes(both, quasi_identifiers)
    sample_rows = table.shape[0]
    population_sizes = np.bincount(
        joint.class_of_record[sample_rows:], minlength=joint.count
    )

    # Any row of a sample class has the class's QI values, so one
    # representative row per class gives its joint class.
    representative = np.zeros(classes.count, dtype=np.int64)
    representative[classes.class_of_record] = np.arange(sample_rows)
    matched = population_sizes[joint.class_of_record[representative]]
    unmatched = int(classes.sizes[matched == 0].sum())
    if unmatched:
        raise InputError(
            f"{unmatched:,} sample records have quasi-identifier values that the "
            "population table does not contain; a sample is drawn from its "
            "population. Check that both files use the same columns and codes."
        )

    # The population contains the sample, so a population class can never be
    # smaller than the sample class it matches.
    return np.maximum(matched, classes.sizes)


def _sensitive_codes(column: pd.Series) -> tuple[np.ndarray, int, np.ndarray | None]:
    """Codes of the sensitive values, their count, and the sort order if numeric.

    The third item maps each code to its rank among the sorted distinct values
    when the column is numeric (missing values rank last), else None.
    """
    codes, uniques, has_missing = _factorize(column)
    distinct = len(uniques) + has_missing
    is_numeric = pd.api.types.is_numeric_dtype(column.dtype) and not (
        pd.api.types.is_bool_dtype(column.dtype)
    )
    if not is_numeric:
        return codes, distinct, None

    # NaN stands for the missing code, and argsort puts it last.
    values = np.asarray(uniques, dtype=float)
    if has_missing:
        values = np.append(values, np.nan)
    order = np.argsort(values, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return codes, distinct, rank.astype(np.int64)


def _ordered_emd_max(
    class_codes: np.ndarray,
    class_sizes: np.ndarray,
    pair_class: np.ndarray,
    pair_rank: np.ndarray,
    pair_counts: np.ndarray,
    value_counts_sorted: np.ndarray,
) -> float:
    """Largest ordered EMD over classes, from the nonzero (class, value) pairs.

    Within a class the cumulative share Q is a step function that changes only
    at the values the class holds, while the table's cumulative share P rises
    at every value. Over each step the sum of |Q - P_i| splits at the first
    index where P reaches Q, and both parts come from prefix sums of P; so the
    cost is one searchsorted per (class, value) pair.
    """
    records = class_codes.size
    distinct = value_counts_sorted.size
    if distinct <= 1:
        return 0.0
    cumulative_table = np.cumsum(value_counts_sorted) / records
    prefix = np.concatenate(([0.0], np.cumsum(cumulative_table)))

    # Sort the pairs by class, then by value rank.
    order = np.lexsort((pair_rank, pair_class))
    pair_class = pair_class[order]
    pair_rank = pair_rank[order]
    cumulative_class = np.cumsum(pair_counts[order])
    class_start = np.concatenate(([0], np.cumsum(class_sizes)[:-1]))
    cumulative_class = cumulative_class - np.repeat(
        class_start, np.bincount(pair_class, minlength=class_sizes.size)
    )
    share = cumulative_class / class_sizes[pair_class]

    # Each class contributes a step with Q = 0 before its first value and a
    # step with Q = share from each value it holds to the next one.
    is_first = np.ones(pair_class.size, dtype=bool)
    is_first[1:] = pair_class[1:] != pair_class[:-1]
    is_last = np.ones(pair_class.size, dtype=bool)
    is_last[:-1] = is_first[1:]
    next_rank = np.empty_like(pair_rank)
    next_rank[:-1] = pair_rank[1:]
    next_rank[is_last] = distinct

    step_class = np.concatenate((pair_class[is_first], pair_class))
    step_start = np.concatenate((np.zeros(is_first.sum(), dtype=np.int64), pair_rank))
    step_end = np.concatenate((pair_rank[is_first], next_rank))
    step_share = np.concatenate((np.zeros(is_first.sum()), share))

    crossing = np.searchsorted(cumulative_table, step_share, side="left")
    crossing = np.clip(crossing, step_start, step_end)
    below = step_share * (crossing - step_start) - (
        prefix[crossing] - prefix[step_start]
    )
    above = (prefix[step_end] - prefix[crossing]) - step_share * (step_end - crossing)
    distance = np.bincount(
        step_class, weights=below + above, minlength=class_sizes.size
    )
    return float(distance.max() / (distinct - 1))


def _diversity(
    classes: EquivalenceClasses, sensitive_column: pd.Series
) -> tuple[int, float, float, float | None]:
    """Distinct l, entropy l, equal-distance t and ordered t over all classes."""
    value_codes, distinct, rank = _sensitive_codes(sensitive_column)
    records = value_codes.size

    # Count each (class, value) pair once through a combined key.
    pair_key = classes.class_of_record * distinct + value_codes
    pair_index, pair_keys = pd.factorize(pair_key)
    pair_counts = np.bincount(pair_index)
    pair_keys = np.asarray(pair_keys, dtype=np.int64)
    pair_class = pair_keys // distinct
    pair_value = pair_keys % distinct

    l_distinct = int(np.bincount(pair_class, minlength=classes.count).min())

    share_in_class = pair_counts / classes.sizes[pair_class]
    entropy = np.bincount(
        pair_class,
        weights=-share_in_class * np.log(share_in_class),
        minlength=classes.count,
    )
    l_entropy = float(np.exp(entropy.min()))

    # Total variation: values a class lacks contribute their table share, so
    # 0.5 * (1 + sum over held values of (|q - p| - p)).
    table_share = np.bincount(value_codes, minlength=distinct) / records
    held_share = table_share[pair_value]
    excess = np.abs(share_in_class - held_share) - held_share
    total_variation = 0.5 * (
        1 + np.bincount(pair_class, weights=excess, minlength=classes.count)
    )
    t_equal = float(np.clip(total_variation.max(), 0.0, 1.0))

    t_ordered = None
    if rank is not None:
        value_counts_sorted = np.zeros(distinct, dtype=np.int64)
        value_counts_sorted[rank] = np.bincount(value_codes, minlength=distinct)
        t_ordered = _ordered_emd_max(
            classes.class_of_record,
            classes.sizes,
            pair_class,
            rank[pair_value],
            pair_counts,
            value_counts_sorted,
        )
        t_ordered = float(np.clip(t_ordered, 0.0, 1.0))
    return l_distinct, l_entropy, t_equal, t_ordered


def assess_risk(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    sensitive: str | None = None,
    risk_threshold: float = 0.2,
    population: pd.DataFrame | None = None,
) -> RiskReport:
    """Measure a table's re-identification and attribute-disclosure risk.

    Parameters
    ----------
    table : pandas.DataFrame
        The records to release (suppressed records already removed).
    quasi_identifiers : sequence of str
        The columns an attacker could link to outside data.
    sensitive : str, optional
        A sensitive attribute; when given, the report adds distinct and
        entropy l-diversity and t-closeness. Missing sensitive values count as
        one more value. The ordered t-closeness is reported for a numeric
        column only (missing values then rank above the largest value).
    risk_threshold : float, default 0.2
        A record whose prosecutor risk is above this probability is at risk;
        0.2 flags classes of fewer than 5 records.
    population : pandas.DataFrame, optional
        The population the records were drawn from, with the same
        quasi-identifier columns (values are compared as they are, so give
        both tables the same column types). Without it the data is taken as
        a census (BPS holds nearly all of its students), and journalist risk
        equals prosecutor risk.

    Returns
    -------
    RiskReport
        Every figure of the report; ``as_dict()`` gives plain values.

    Raises
    ------
    InputError
        If a table is empty, a column is unknown, or the threshold is not in
        (0, 1].

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {
    ...         "grade": [9, 9, 9, 10],
    ...         "gender": ["F", "F", "F", "M"],
    ...         "disability": ["yes", "no", "no", "no"],
    ...     }
    ... )
    >>> report = assess_risk(table, ["grade", "gender"], sensitive="disability")
    >>> report.k, report.sample_uniques, report.prosecutor_risk_max
    (1, 1, 1.0)
    >>> report.prosecutor_risk_avg, report.records_at_risk, report.l_distinct
    (0.5, 4, 1)
    """
    _check_table(table, quasi_identifiers, "quasi-identifiers")
    threshold = _check_threshold(risk_threshold)
    if sensitive is not None:
        _check_table(table, [sensitive], "sensitive attribute")
        if sensitive in quasi_identifiers:
            raise InputError(
                f"The sensitive attribute {sensitive!r} is also a quasi-identifier. "
                "Give it one role only."
            )

    classes = equivalence_classes(table, quasi_identifiers)
    records = int(table.shape[0])
    record_sizes = classes.size_of_record()
    prosecutor = 1.0 / record_sizes
    at_risk = int(np.count_nonzero(prosecutor > threshold))

    # Journalist and marketer risk use population class sizes when given.
    population_records = None
    population_sizes = classes.sizes
    if population is not None:
        population_sizes = _population_class_sizes(
            table, population, quasi_identifiers, classes
        )
        population_records = int(population.shape[0])
    marketer = float(np.sum(classes.sizes / population_sizes) / records)

    diversity: tuple[int | None, float | None, float | None, float | None]
    diversity = (None, None, None, None)
    if sensitive is not None:
        diversity = _diversity(classes, table[sensitive])
    l_distinct, l_entropy, t_equal, t_ordered = diversity

    return RiskReport(
        records=records,
        equivalence_classes=classes.count,
        k=int(classes.sizes.min()),
        sample_uniques=int(np.count_nonzero(classes.sizes == 1)),
        prosecutor_risk_max=float(1.0 / classes.sizes.min()),
        prosecutor_risk_avg=classes.count / records,
        risk_threshold=threshold,
        records_at_risk=at_risk,
        records_at_risk_share=at_risk / records,
        journalist_risk_max=float(1.0 / population_sizes.min()),
        journalist_risk_avg=marketer,
        marketer_risk=marketer,
        population_records=population_records,
        sensitive=sensitive,
        l_distinct=l_distinct,
        l_entropy=l_entropy,
        t_closeness_equal=t_equal,
        t_closeness_ordered=t_ordered,
    )


@dataclass(frozen=True)
class RiskBands:
    """Records grouped by prosecutor-risk band.

    Band ``i`` holds the records whose risk is above ``upper_bounds[i - 1]``
    and at most ``upper_bounds[i]`` (the first band starts at 0).

    Attributes
    ----------
    upper_bounds : tuple of float
        The upper bound of each band, increasing, the last one 1.
    records : tuple of int
        Number of records in each band.
    shares : tuple of float
        Share of all records in each band.
    """

    upper_bounds: tuple[float, ...]
    records: tuple[int, ...]
    shares: tuple[float, ...]

    def labels(self) -> tuple[str, ...]:
        """Return a plain-language label per band, as class sizes.

        Returns
        -------
        tuple of str
            For example ``"20 or more"``, ``"5-9"``, ``"unique (1)"``.

        Examples
        --------
        >>> table = pd.DataFrame({"zip": ["02118"] * 5 + ["02119"]})
        >>> risk_bands(table, ["zip"], upper_bounds=(0.2, 0.5, 1.0)).labels()
        ('5 or more', '2-4', 'unique (1)')
        """
        labels = []
        previous_smallest = None
        for bound in self.upper_bounds:
            smallest = int(np.ceil(1 / bound - 1e-9))
            if previous_smallest is None:
                label = f"{smallest} or more"
            elif smallest == 1 and previous_smallest == 2:
                label = "unique (1)"
            elif smallest == previous_smallest - 1:
                label = str(smallest)
            else:
                label = f"{smallest}-{previous_smallest - 1}"
            labels.append(label)
            previous_smallest = smallest
        return tuple(labels)


def _check_bounds(upper_bounds: Sequence[float]) -> tuple[float, ...]:
    """Return the band bounds as floats or raise InputError."""
    bounds = tuple(float(bound) for bound in upper_bounds)
    increasing = all(low < high for low, high in itertools.pairwise(bounds))
    if not bounds or not increasing or bounds[0] <= 0 or bounds[-1] != 1.0:
        raise InputError(
            "Risk band bounds must increase strictly within (0, 1] and end at 1; "
            f"got {list(upper_bounds)!r}. Use for example (0.05, 0.1, 0.2, 0.5, 1)."
        )
    return bounds


def risk_bands(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    upper_bounds: Sequence[float] = DEFAULT_RISK_BANDS,
) -> RiskBands:
    """Count the records in each prosecutor-risk band.

    Parameters
    ----------
    table : pandas.DataFrame
        The records to release.
    quasi_identifiers : sequence of str
        The columns an attacker could link to outside data.
    upper_bounds : sequence of float, default DEFAULT_RISK_BANDS
        Increasing upper bounds of the bands, ending at 1. The default bands
        are class sizes of 20 or more, 10-19, 5-9, 3-4, 2 and 1.

    Returns
    -------
    RiskBands
        Records and shares per band.

    Raises
    ------
    InputError
        If the table or a column is bad, or the bounds are not increasing
        within (0, 1] and ending at 1.

    Examples
    --------
    >>> table = pd.DataFrame({"grade": [9, 9, 9, 10, 10, 11]})
    >>> bands = risk_bands(table, ["grade"])
    >>> bands.records
    (0, 0, 0, 3, 2, 1)
    >>> bands.labels()
    ('20 or more', '10-19', '5-9', '3-4', '2', 'unique (1)')
    """
    bounds = _check_bounds(upper_bounds)
    classes = equivalence_classes(table, quasi_identifiers)

    # Band of each class: first bound that its risk does not exceed.
    class_risk = 1.0 / classes.sizes
    band = np.searchsorted(np.asarray(bounds), class_risk, side="left")
    records = np.bincount(band, weights=classes.sizes, minlength=len(bounds))
    total = int(table.shape[0])
    return RiskBands(
        upper_bounds=bounds,
        records=tuple(int(count) for count in records),
        shares=tuple(float(count / total) for count in records),
    )


@dataclass(frozen=True)
class AttributeSeparation:
    """How well each quasi-identifier, alone or combined, singles people out.

    One row per combination of quasi-identifiers, most separating first.

    Attributes
    ----------
    combinations : tuple of tuple of str
        The quasi-identifiers of each row.
    distinct_values : tuple of int
        Number of distinct value combinations (equivalence classes).
    unique_records : tuple of int
        Records alone in their class on these attributes.
    unique_share : tuple of float
        ``unique_records`` / records.
    distinction : tuple of float
        ``distinct_values`` / records: 1 when every record differs.
    separation : tuple of float
        Share of pairs of records that differ on these attributes: 1 when no
        two records agree.
    """

    combinations: tuple[tuple[str, ...], ...]
    distinct_values: tuple[int, ...]
    unique_records: tuple[int, ...]
    unique_share: tuple[float, ...]
    distinction: tuple[float, ...]
    separation: tuple[float, ...]

    def as_frame(self) -> pd.DataFrame:
        """Return the rows as a table, one combination per row.

        Returns
        -------
        pandas.DataFrame
            Columns ``quasi_identifiers``, ``distinct_values``,
            ``unique_records``, ``unique_share``, ``distinction``,
            ``separation``.

        Examples
        --------
        >>> table = pd.DataFrame({"grade": [9, 9, 10], "sex": ["F", "M", "M"]})
        >>> frame = attribute_separation(table, ["grade", "sex"]).as_frame()
        >>> frame["quasi_identifiers"].tolist()
        ['grade, sex', 'grade', 'sex']
        """
        return pd.DataFrame(
            {
                "quasi_identifiers": [", ".join(names) for names in self.combinations],
                "distinct_values": list(self.distinct_values),
                "unique_records": list(self.unique_records),
                "unique_share": list(self.unique_share),
                "distinction": list(self.distinction),
                "separation": list(self.separation),
            }
        )


def attribute_separation(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    max_combination_size: int = 2,
) -> AttributeSeparation:
    """Show which attributes, alone or together, make people unique.

    For each quasi-identifier and each combination of up to
    ``max_combination_size`` of them, count the distinct values and the sample
    uniques, and measure *distinction* (distinct values / records) and
    *separation* (share of record pairs that differ), the two measures of
    Motwani and Xu's quasi-identifier analysis.

    Parameters
    ----------
    table : pandas.DataFrame
        The records.
    quasi_identifiers : sequence of str
        The candidate quasi-identifiers.
    max_combination_size : int, default 2
        Largest number of attributes combined (1 to 3, and at most the number
        of quasi-identifiers).

    Returns
    -------
    AttributeSeparation
        One row per combination, sorted by separation, then uniques, highest
        first.

    Raises
    ------
    InputError
        If the table or a column is bad or the combination size is not 1-3.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"sex": ["F", "F", "F", "M", "M"], "state": ["CA", "CA", "TX", "NY", "CA"]}
    ... )
    >>> result = attribute_separation(table, ["sex", "state"], max_combination_size=1)
    >>> result.combinations, result.separation
    ((('state',), ('sex',)), (0.7, 0.6))
    """
    _check_table(table, quasi_identifiers, "quasi-identifiers")
    if (
        isinstance(max_combination_size, bool)
        or not isinstance(max_combination_size, int | np.integer)
        or not 1 <= max_combination_size <= 3
    ):
        raise InputError(
            "The combination size must be 1, 2 or 3; got "
            f"{max_combination_size!r}. Larger combinations are the full "
            "risk report: use assess_risk for all quasi-identifiers together."
        )

    records = int(table.shape[0])
    pairs = records * (records - 1) / 2
    rows = []
    largest = min(int(max_combination_size), len(quasi_identifiers))
    for size in range(1, largest + 1):
        for names in itertools.combinations(quasi_identifiers, size):
            sizes = equivalence_classes(table, list(names)).sizes
            uniques = int(np.count_nonzero(sizes == 1))
            same_pairs = float(np.sum(sizes * (sizes - 1) / 2))
            separation = 1.0 - same_pairs / pairs if pairs else 0.0
            rows.append((tuple(names), sizes.size, uniques, separation))

    # Most separating first; ties keep the input order.
    rows.sort(key=lambda row: (-row[3], -row[2]))
    return AttributeSeparation(
        combinations=tuple(row[0] for row in rows),
        distinct_values=tuple(int(row[1]) for row in rows),
        unique_records=tuple(row[2] for row in rows),
        unique_share=tuple(row[2] / records for row in rows),
        distinction=tuple(row[1] / records for row in rows),
        separation=tuple(row[3] for row in rows),
    )


@dataclass(frozen=True)
class PopulationUniqueness:
    """An estimate of how many sample uniques are unique in the population.

    Attributes
    ----------
    sampling_fraction : float
        Share of the population in the sample.
    sample_records : int
        Records in the sample.
    sample_uniques : int
        Records alone in their class in the sample.
    unique_given_sample_unique_risk : float
        Estimated probability that a sample unique is also a population unique.
    population_uniques_estimate : float
        Estimated number of population uniques among the sample uniques.
    population_uniqueness_risk : float
        Estimated share of the population that is unique:
        ``population_uniques_estimate`` / (sample records / sampling fraction).
    """

    sampling_fraction: float
    sample_records: int
    sample_uniques: int
    unique_given_sample_unique_risk: float
    population_uniques_estimate: float
    population_uniqueness_risk: float


def population_uniqueness(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    sampling_fraction: float,
) -> PopulationUniqueness:
    """Estimate the population uniques among a sample's uniques (Zayatz).

    This is an *estimate* under two assumptions: the sample was drawn by
    Bernoulli sampling, each person independently with probability
    ``sampling_fraction``; and the population's class sizes are distributed
    like the sample's (Zayatz 1991). A population class of size i then yields
    a sample unique with probability i·π·(1 − π)^(i − 1), and Bayes' rule gives
    the probability that a sample unique comes from a population class of
    size 1. The second assumption overstates the population uniques when the
    sample is small, since sample classes are smaller than population ones;
    treat the figure as an upper-side guide, not a count. With a census
    (``sampling_fraction = 1``) every sample unique is a population unique.

    Parameters
    ----------
    table : pandas.DataFrame
        The sample.
    quasi_identifiers : sequence of str
        The columns an attacker could link to outside data.
    sampling_fraction : float
        Share of the population in the sample, in (0, 1].

    Returns
    -------
    PopulationUniqueness
        The estimate and its inputs.

    Raises
    ------
    InputError
        If the table or a column is bad or the fraction is not in (0, 1].

    References
    ----------
    L. V. Zayatz, "Estimation of the percent of unique population elements on
    a microdata file using the sample", Statistical Research Division Report
    Census/SRD/RR-91/08, U.S. Bureau of the Census, 1991.

    Examples
    --------
    >>> table = pd.DataFrame({"zip": ["02118", "02119", "02120", "02120"]})
    >>> estimate = population_uniqueness(table, ["zip"], 0.5)
    >>> round(estimate.unique_given_sample_unique_risk, 4)
    0.6667
    >>> round(estimate.population_uniques_estimate, 4)
    1.3333
    """
    if (
        isinstance(sampling_fraction, bool)
        or not isinstance(sampling_fraction, int | float | np.number)
        or not np.isfinite(sampling_fraction)
        or not 0 < sampling_fraction <= 1
    ):
        raise InputError(
            "The sampling fraction must be in (0, 1]; got "
            f"{sampling_fraction!r}. Give the share of the population in the "
            "sample, e.g. 0.1 for a 10% sample, or 1 for a census."
        )
    fraction = float(sampling_fraction)
    classes = equivalence_classes(table, quasi_identifiers)
    sample_uniques = int(np.count_nonzero(classes.sizes == 1))

    # Sample classes by size stand in for population classes by size.
    classes_of_size = np.bincount(classes.sizes)
    size = np.arange(classes_of_size.size)
    unique_if_size = size * fraction * (1 - fraction) ** np.maximum(size - 1, 0)
    weights = classes_of_size * unique_if_size
    total = float(weights.sum())
    probability = float(weights[1] / total) if total > 0 else 0.0

    estimate = sample_uniques * probability
    population_size = classes.class_of_record.size / fraction
    return PopulationUniqueness(
        sampling_fraction=fraction,
        sample_records=int(classes.class_of_record.size),
        sample_uniques=sample_uniques,
        unique_given_sample_unique_risk=probability,
        population_uniques_estimate=estimate,
        population_uniqueness_risk=estimate / population_size,
    )
