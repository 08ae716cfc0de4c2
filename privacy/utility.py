"""Information loss and task-based utility of a release.

Names say which way is good: ``*_loss`` and ``*_error`` are lower-is-better
(0 means nothing was lost), ``*_score`` is higher-is-better.

Every measure compares the original table with the released one, row by row:
the release keeps the original row order and length, and a boolean mask marks
the records that were suppressed (their released values are ignored). The
generalization levels of a release come as plain numbers, either one level per
attribute (global recoding) or one per record (local recoding), with each
attribute's hierarchy height; nothing here depends on how the hierarchies are
stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

from privacy.exceptions import InputError
from privacy.risk import _check_table, equivalence_classes

__all__ = [
    "ClassSizeLoss",
    "InformationLoss",
    "average_class_size_loss",
    "classifier_utility_score",
    "discernibility_loss",
    "generalization_height_loss",
    "non_uniform_entropy_loss",
    "precision_loss",
]


@dataclass(frozen=True)
class InformationLoss:
    """A loss in [0, 1] per attribute and for the release as a whole.

    Attributes
    ----------
    per_attribute : Mapping[str, float]
        Loss of each attribute, 0 when kept as is, 1 when fully generalized.
    overall : float
        Loss of the release over all attributes.
    """

    per_attribute: Mapping[str, float]
    overall: float


@dataclass(frozen=True)
class ClassSizeLoss:
    """A loss computed from the sizes of the released equivalence classes.

    Attributes
    ----------
    value : float
        The measure as published (for example the discernibility sum).
    normalized : float
        The same measure scaled to [0, 1], 0 for the least possible loss.
    """

    value: float
    normalized: float


def _frozen(mapping: dict[str, float]) -> Mapping[str, float]:
    """Return a read-only copy, so that results stay immutable."""
    return MappingProxyType(dict(mapping))


def _suppressed_mask(suppressed: object, records: int) -> np.ndarray:
    """Validate a suppression mask and return it as a boolean array."""
    if suppressed is None:
        return np.zeros(records, dtype=bool)
    mask = np.asarray(suppressed)
    if mask.dtype != bool or mask.ndim != 1 or mask.size != records:
        raise InputError(
            "The suppression mask must be one True/False value per record "
            f"({records}); got {mask.size} values of type {mask.dtype}. Pass a "
            "boolean array in the row order of the release."
        )
    return mask


def _check_aligned(original: pd.DataFrame, released: pd.DataFrame) -> None:
    """Raise InputError unless the two tables have the same number of rows."""
    if original.shape[0] != released.shape[0]:
        raise InputError(
            "The release must keep every original row in the same order (mark "
            f"removed ones as suppressed); got {original.shape[0]} original and "
            f"{released.shape[0]} released rows."
        )


def _level_array(name: str, level: object, height: int, records: int) -> np.ndarray:
    """One generalization level per record for an attribute, validated."""
    levels = np.asarray(level)
    if levels.ndim > 1 or (levels.ndim == 1 and levels.size != records):
        raise InputError(
            f"Levels of {name!r} must be one int, or one per record ({records}); "
            f"got an array of shape {levels.shape}. Pass the level per attribute."
        )
    levels = np.broadcast_to(levels, (records,))
    if records == 0 or not np.issubdtype(levels.dtype, np.integer):
        raise InputError(
            f"Levels of {name!r} must be whole numbers, one per attribute or one "
            f"per record; got {level!r}. Give the hierarchy level as an int."
        )
    if isinstance(height, bool) or not isinstance(height, int | np.integer):
        raise InputError(
            f"The hierarchy height of {name!r} must be a whole number; got "
            f"{height!r}. Give the number of levels above the original values."
        )
    if height < 0 or levels.min() < 0 or levels.max() > height:
        raise InputError(
            f"Levels of {name!r} must lie between 0 and its height {height}; got "
            f"levels from {levels.min()} to {levels.max()}. Check the hierarchy."
        )
    return levels


def _check_level_keys(levels: Mapping[str, object], heights: Mapping[str, int]) -> None:
    """Raise InputError when an attribute has a level but no height."""
    if not levels:
        raise InputError(
            "No generalization levels were given. Pass one level per "
            "quasi-identifier, e.g. {'age': 1, 'zip': 2}."
        )
    missing = [str(name) for name in levels if name not in heights]
    if missing:
        raise InputError(
            f"No hierarchy height for {', '.join(missing)}. Heights were given "
            f"for: {', '.join(map(str, heights)) or 'none'}."
        )


def generalization_height_loss(
    levels: Mapping[str, int], heights: Mapping[str, int]
) -> InformationLoss:
    """Share of each hierarchy climbed by a global recoding.

    An attribute kept at its original values loses 0; one generalized to the
    top of its hierarchy (``*``) loses 1. The overall loss is the sum of the
    levels over the sum of the heights, the normalized height of the
    transformation in the generalization lattice.

    Parameters
    ----------
    levels : Mapping[str, int]
        Generalization level of each quasi-identifier (0 = original).
    heights : Mapping[str, int]
        Height of each attribute's hierarchy (its top level).

    Returns
    -------
    InformationLoss
        Loss per attribute and overall.

    Raises
    ------
    InputError
        If a level is missing its height or lies outside 0..height.

    Examples
    --------
    >>> loss = generalization_height_loss({"age": 1, "zip": 4}, {"age": 4, "zip": 4})
    >>> dict(loss.per_attribute), loss.overall
    ({'age': 0.25, 'zip': 1.0}, 0.625)
    """
    _check_level_keys(levels, heights)
    per_attribute = {}
    for name, level in levels.items():
        value = int(_level_array(name, level, heights[name], 1)[0])
        per_attribute[name] = value / heights[name] if heights[name] else 0.0

    total_height = sum(heights[name] for name in levels)
    total_level = sum(int(levels[name]) for name in levels)
    overall = total_level / total_height if total_height else 0.0
    return InformationLoss(per_attribute=_frozen(per_attribute), overall=overall)


def precision_loss(
    levels: Mapping[str, int | Sequence[int] | np.ndarray],
    heights: Mapping[str, int],
    *,
    records: int,
    suppressed: Sequence[bool] | np.ndarray | None = None,
) -> InformationLoss:
    """One minus Sweeney's precision: the mean share of hierarchy climbed.

    Sweeney's Prec is 1 - the mean over records and attributes of
    level / height; this returns 1 - Prec. A suppressed record counts as fully
    generalized on every attribute. Levels may be one per attribute (global
    recoding) or one per record (local recoding).

    Parameters
    ----------
    levels : Mapping[str, int or array of int]
        Level of each quasi-identifier, for all records or for each record.
    heights : Mapping[str, int]
        Height of each attribute's hierarchy.
    records : int
        Number of records in the release (suppressed ones included).
    suppressed : array of bool, optional
        True for each suppressed record.

    Returns
    -------
    InformationLoss
        Loss per attribute and overall (mean over attributes).

    Raises
    ------
    InputError
        If a level or height is invalid, or the mask does not fit.

    References
    ----------
    L. Sweeney, "Achieving k-anonymity privacy protection using generalization
    and suppression", IJUFKS 10(5), 2002.

    Examples
    --------
    >>> loss = precision_loss(
    ...     {"age": 1, "zip": 0},
    ...     {"age": 2, "zip": 4},
    ...     records=4,
    ...     suppressed=[False, False, False, True],
    ... )
    >>> dict(loss.per_attribute), loss.overall
    ({'age': 0.625, 'zip': 0.25}, 0.4375)
    """
    _check_level_keys(levels, heights)
    if (
        isinstance(records, bool)
        or not isinstance(records, int | np.integer)
        or records < 1
    ):
        raise InputError(
            f"The number of records must be a positive int; got {records!r}. "
            "Pass the length of the release, suppressed records included."
        )
    mask = _suppressed_mask(suppressed, records)

    per_attribute = {}
    for name, level in levels.items():
        height = heights[name]
        level_per_record = _level_array(name, level, height, records)
        share = level_per_record / height if height else np.zeros(records)
        per_attribute[name] = float(np.where(mask, 1.0, share).mean())

    overall = float(np.mean(list(per_attribute.values())))
    return InformationLoss(per_attribute=_frozen(per_attribute), overall=overall)


def non_uniform_entropy_loss(
    original: pd.DataFrame,
    released: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    suppressed: Sequence[bool] | np.ndarray | None = None,
) -> InformationLoss:
    """Information lost in bits when original values are generalized.

    For each record and attribute the loss is -log2 P(original value |
    released value), where P is the share of the records released with that
    value whose original value it was (Gionis and Tassa's non-uniform
    entropy). A suppressed record loses -log2 of its value's share of the
    whole column, as if generalized to ``*``. Each attribute's loss is divided
    by that of suppressing every record, so it lies in [0, 1]; the overall
    loss is the total over the total of those maxima.

    Parameters
    ----------
    original, released : pandas.DataFrame
        The tables before and after anonymization, same rows in the same order.
    quasi_identifiers : sequence of str
        The generalized columns.
    suppressed : array of bool, optional
        True for each suppressed record.

    Returns
    -------
    InformationLoss
        Normalized loss per attribute and overall.

    Raises
    ------
    InputError
        If a table or column is bad or the tables do not align.

    References
    ----------
    A. Gionis and T. Tassa, "k-Anonymization with minimal loss of
    information", IEEE TKDE 21(2), 2009.

    Examples
    --------
    >>> original = pd.DataFrame({"grade": [9, 10, 11, 12]})
    >>> released = pd.DataFrame({"grade": ["9-10", "9-10", "11-12", "11-12"]})
    >>> loss = non_uniform_entropy_loss(original, released, ["grade"])
    >>> loss.overall
    0.5
    """
    _check_table(original, quasi_identifiers, "quasi-identifiers")
    _check_table(released, quasi_identifiers, "quasi-identifiers of the release")
    _check_aligned(original, released)
    mask = _suppressed_mask(suppressed, original.shape[0])

    per_attribute = {}
    total_loss = 0.0
    total_maximum = 0.0
    for name in quasi_identifiers:
        pair = equivalence_classes(
            pd.DataFrame({"original": original[name], "released": released[name]}),
            ["original", "released"],
        )
        generalized = equivalence_classes(released[[name]], [name])
        values = equivalence_classes(original[[name]], [name])

        # Suppressed rows are dropped from the released counts before sharing.
        pair_counts = np.bincount(pair.class_of_record[~mask], minlength=pair.count)
        group_counts = np.bincount(
            generalized.class_of_record[~mask], minlength=generalized.count
        )
        column_share = values.size_of_record() / original.shape[0]
        kept_share = np.where(
            mask,
            column_share,
            pair_counts[pair.class_of_record]
            / np.maximum(group_counts[generalized.class_of_record], 1),
        )

        loss = float(-np.log2(kept_share).sum())
        maximum = float(-np.log2(column_share).sum())
        per_attribute[name] = loss / maximum if maximum > 0 else 0.0
        total_loss += loss
        total_maximum += maximum

    overall = total_loss / total_maximum if total_maximum > 0 else 0.0
    return InformationLoss(per_attribute=_frozen(per_attribute), overall=overall)


def discernibility_loss(
    released: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    suppressed: Sequence[bool] | np.ndarray | None = None,
) -> ClassSizeLoss:
    """Discernibility metric: each record costs the size of its class.

    DM = sum of squared class sizes over kept records, plus n for each
    suppressed record (it is indistinguishable from the whole table). The
    normalized value is DM / n^2: 1/n when every record is unique and 1 when
    all are in one class or suppressed.

    Parameters
    ----------
    released : pandas.DataFrame
        The release, suppressed rows included (and flagged).
    quasi_identifiers : sequence of str
        The generalized columns.
    suppressed : array of bool, optional
        True for each suppressed record.

    Returns
    -------
    ClassSizeLoss
        DM and DM / n^2.

    Raises
    ------
    InputError
        If the table or a column is bad or the mask does not fit.

    References
    ----------
    R. J. Bayardo and R. Agrawal, "Data privacy through optimal
    k-anonymization", ICDE 2005.

    Examples
    --------
    >>> released = pd.DataFrame({"grade": ["9-10", "9-10", "11-12", "*"]})
    >>> loss = discernibility_loss(
    ...     released, ["grade"], suppressed=[False, False, False, True]
    ... )
    >>> loss.value, loss.normalized
    (9.0, 0.5625)
    """
    _check_table(released, quasi_identifiers, "quasi-identifiers of the release")
    records = released.shape[0]
    mask = _suppressed_mask(suppressed, records)

    value = float(records * np.count_nonzero(mask))
    if not mask.all():
        sizes = equivalence_classes(released[~mask], quasi_identifiers).sizes
        value += float(np.sum(sizes.astype(float) ** 2))
    return ClassSizeLoss(value=value, normalized=value / records**2)


def average_class_size_loss(
    released: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    k: int,
    *,
    suppressed: Sequence[bool] | np.ndarray | None = None,
) -> ClassSizeLoss:
    """Measure the normalized average class size, C_avg (LeFevre et al.).

    C_avg = (kept records / classes) / k: 1 when every class has exactly k
    records, larger when classes are bigger than privacy needs. The normalized
    value is 1 - 1 / C_avg, 0 at the ideal. Suppressed records are left out.

    Parameters
    ----------
    released : pandas.DataFrame
        The release, suppressed rows included (and flagged).
    quasi_identifiers : sequence of str
        The generalized columns.
    k : int
        The k the release was made for.
    suppressed : array of bool, optional
        True for each suppressed record.

    Returns
    -------
    ClassSizeLoss
        C_avg and 1 - 1 / C_avg.

    Raises
    ------
    InputError
        If k is not a positive int, every record is suppressed, or the table,
        a column or the mask is bad.

    References
    ----------
    K. LeFevre, D. DeWitt and R. Ramakrishnan, "Mondrian multidimensional
    k-anonymity", ICDE 2006.

    Examples
    --------
    >>> released = pd.DataFrame({"grade": ["9-10"] * 4 + ["11-12"] * 2})
    >>> average_class_size_loss(released, ["grade"], 2).value
    1.5
    """
    _check_table(released, quasi_identifiers, "quasi-identifiers of the release")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(
            f"k must be a positive whole number; got {k!r}. Pass the k the "
            "release was anonymized for, e.g. 5."
        )
    mask = _suppressed_mask(suppressed, released.shape[0])
    if mask.all():
        raise InputError(
            "Every record is suppressed, so there are no classes to measure. "
            "Lower k or allow more generalization."
        )

    classes = equivalence_classes(released[~mask], quasi_identifiers)
    value = (np.count_nonzero(~mask) / classes.count) / int(k)
    return ClassSizeLoss(value=float(value), normalized=float(1 - 1 / value))


def _classifier(random_state: int) -> object:
    """Build the model of the utility test: a tree on one-hot features."""
    return make_pipeline(
        OneHotEncoder(handle_unknown="ignore"),
        DecisionTreeClassifier(random_state=random_state),
    )


def classifier_utility_score(
    original: pd.DataFrame,
    released: pd.DataFrame,
    features: Sequence[str],
    target: str,
    *,
    random_state: int,
    suppressed: Sequence[bool] | np.ndarray | None = None,
    test_size: float = 0.3,
) -> float:
    """Accuracy of a model trained on the release, relative to the original.

    The records are split once (stratified by the target, seeded) into a
    training and a held-out part. A decision tree on one-hot encoded features
    is trained on the kept released training records and scored on the
    held-out records, whose features are taken as the release shows them and
    whose labels are the original ones; the same model trained on the original
    training records and scored on the original held-out records gives the
    baseline. The score is the first accuracy over the second: 1 means the
    release lost nothing for this task. It can exceed 1 by chance.

    Parameters
    ----------
    original, released : pandas.DataFrame
        The tables before and after anonymization, same rows in the same order.
    features : sequence of str
        The predictor columns (treated as categories).
    target : str
        The column to predict.
    random_state : int
        Seed of the split and of the trees.
    suppressed : array of bool, optional
        True for each suppressed record: left out of training; in the held-out
        part its released (suppressed) features are used.
    test_size : float, default 0.3
        Share of records held out.

    Returns
    -------
    float
        Release accuracy / original accuracy.

    Raises
    ------
    InputError
        If a table, column or mask is bad, the target has a single value, or
        every training record is suppressed.

    Examples
    --------
    >>> original = pd.DataFrame({"grade": [9, 10] * 20, "passed": [1, 0] * 20})
    >>> released = original.assign(grade="9-10")
    >>> score = classifier_utility_score(
    ...     original, released, ["grade"], "passed", random_state=0
    ... )
    >>> round(score, 2)
    0.5
    """
    _check_table(original, [*features, target], "feature or target")
    _check_table(released, list(features), "feature (release)")
    _check_aligned(original, released)
    mask = _suppressed_mask(suppressed, original.shape[0])
    if original[target].nunique(dropna=False) < 2:
        raise InputError(
            f"The target {target!r} has a single value, so there is nothing to "
            "predict. Choose a column with at least two classes."
        )
    if not 0 < test_size < 1:
        raise InputError(
            f"The held-out share must be in (0, 1); got {test_size!r}. Use e.g. 0.3."
        )

    labels = original[target].astype(str).to_numpy()
    values, counts = np.unique(labels, return_counts=True)
    if counts.min() < 2:
        raise InputError(
            f"Every value of the target {target!r} needs at least 2 records to "
            f"be split for training and testing; {values[counts.argmin()]!r} has "
            f"{counts.min()}. Merge rare values or choose another target."
        )
    train, test = train_test_split(
        np.arange(original.shape[0]),
        test_size=test_size,
        random_state=random_state,
        stratify=labels,
    )
    kept_train = train[~mask[train]]
    if kept_train.size == 0:
        raise InputError(
            "Every training record is suppressed; the release cannot train a "
            "model. Lower k or allow more generalization."
        )

    # Features are read as text so that generalized ranges and original
    # values are both plain categories.
    original_features = original[list(features)].astype(str)
    released_features = released[list(features)].astype(str)

    baseline = _classifier(random_state).fit(
        original_features.iloc[train], labels[train]
    )
    baseline_accuracy = accuracy_score(
        labels[test], baseline.predict(original_features.iloc[test])
    )
    model = _classifier(random_state).fit(
        released_features.iloc[kept_train], labels[kept_train]
    )
    release_accuracy = accuracy_score(
        labels[test], model.predict(released_features.iloc[test])
    )
    if baseline_accuracy == 0:
        return 0.0
    return float(release_accuracy / baseline_accuracy)
