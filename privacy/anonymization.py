"""Record-level anonymization: global recoding over a lattice, and Mondrian.

Two ways to make a table k-anonymous (and optionally l-diverse or t-close):

- **Global recoding** (:func:`global_recoding`) generalizes each
  quasi-identifier to one level of its hierarchy for *every* record, and
  suppresses whole records left in classes that still break the privacy model.
  A choice of one level per quasi-identifier is a *transformation*, a node of
  the generalization lattice; the search returns the node that meets the model
  with at most ``max_suppression`` of the records suppressed and has the least
  information loss.
- **Local recoding** (:func:`mondrian`) splits the records into groups of at
  least k by recursive cuts (Mondrian: LeFevre, DeWitt and Ramakrishnan, 2006)
  and releases, for each group, the range, set or hierarchy label of its
  values.

How the lattice search stays fast:

- each quasi-identifier is coded once as integers and the records reduced to
  their distinct combinations; a level's codes are a lookup array over the
  codes of level 0, so a node's classes come from mapping, combining and
  counting integer arrays, never strings; a node's classes are merged from
  those of a computed specialization when there is one (roll-up);
- a node that fails a monotone model (k-anonymity, distinct l-diversity, or
  any model without suppression) rules out every specialization of it
  (predictive tagging, as in ARX's Flash and OLA);
- every node gets a lower bound of its loss: its generalization loss without
  suppression, plus what the records it must suppress would add; the records
  to suppress are bounded from below by two-attribute projections computed
  up front, and by any computed generalization. The search starts from a
  greedy descent from the top, visits the remaining nodes general first and
  stops when no bound is below the best loss found; the result is the
  optimum, not an approximation.

Information loss (lower is better):

- ``generalization_loss`` (ARX's "loss", Iyengar 2002): for each record and
  quasi-identifier, (values covered by the released label - 1) / (distinct
  values - 1), where the values counted are those present in the data (a
  missing value counts as one value); a suppressed record counts 1 on every
  attribute. The mean over records gives the loss of an attribute; the mean
  over attributes the overall loss, in [0, 1].
- ``discernibility_loss``: the discernibility metric (each record is charged
  the size of its class, a suppressed record the size of the table) divided
  by n², as in :func:`privacy.utility.discernibility_loss`: 1/n when every
  record is unique, 1 when all share one class or are suppressed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from privacy.exceptions import InputError, InternalError
from privacy.hierarchies import Hierarchy, as_text

__all__ = [
    "L_KINDS",
    "MAX_LATTICE_SIZE",
    "MEASURES",
    "T_DISTANCES",
    "AnonymizationResult",
    "FrontierPoint",
    "LossReport",
    "attribute_loss_frame",
    "distribution_frame",
    "frontier",
    "frontier_frame",
    "frontier_point",
    "global_recoding",
    "measure_release",
    "mondrian",
    "recode",
]

MEASURES = ("loss", "discernibility")
L_KINDS = ("distinct", "entropy")
T_DISTANCES = ("equal", "ordered")

# Beyond this many transformations the lattice itself no longer fits in a
# quick search; users should drop quasi-identifiers or hierarchy levels.
MAX_LATTICE_SIZE = 2_000_000

# Mixed-radix keys are built in int64; past this bound the partial key is
# renumbered so that the product of radices never overflows.
_KEY_LIMIT = 2**62

# Class representatives kept for roll-up, counted in classes over all nodes
# (16 bytes each).
_ROLLUP_BUDGET = 4_000_000


@dataclass(frozen=True)
class LossReport:
    """How much a release lost, overall and per quasi-identifier.

    Attributes
    ----------
    measure : str
        The measure the search minimized: ``"loss"`` or ``"discernibility"``.
    generalization_loss : float
        Mean over records and quasi-identifiers of the generalization loss,
        suppressed records counting 1; in [0, 1].
    discernibility_loss : float
        Discernibility metric divided by n², in [1/n, 1].
    attribute_loss : dict of str to float
        Generalization loss of each quasi-identifier, suppressed records
        counting 1.
    """

    measure: str
    generalization_loss: float
    discernibility_loss: float
    attribute_loss: dict[str, float]

    @property
    def value(self) -> float:
        """The loss under the measure the search minimized."""
        if self.measure == "discernibility":
            return self.discernibility_loss
        return self.generalization_loss


@dataclass(frozen=True, eq=False)
class AnonymizationResult:
    """A release made k-anonymous, with what it cost and how it was found.

    Attributes
    ----------
    release : pandas.DataFrame
        The records that remain, quasi-identifiers generalized, other columns
        unchanged, original index kept.
    suppressed : numpy.ndarray of bool
        For each input row, whether it was suppressed.
    levels : dict of str to int
        Hierarchy level chosen per quasi-identifier (empty for local recoding).
    k_achieved : int
        Smallest class among the released records.
    information_loss : LossReport
        Loss of the release, overall and per attribute.
    nodes_evaluated : int
        Transformations whose classes were computed.
    lattice_size : int
        Number of transformations in the lattice (0 for local recoding).
    method : str
        ``"global"`` or ``"local"``.
    quasi_identifiers : tuple of str
        The quasi-identifiers, in the order given.
    k : int
        The k that was asked for.
    max_suppression : float
        The suppression limit, as a share of records.
    class_sizes : numpy.ndarray of int64
        Size of each released equivalence class.
    explanation : str
        Which transformation was chosen and why, in plain words.
    """

    release: pd.DataFrame
    suppressed: np.ndarray
    levels: dict[str, int]
    k_achieved: int
    information_loss: LossReport
    nodes_evaluated: int
    lattice_size: int
    method: str
    quasi_identifiers: tuple[str, ...] = field(default=())
    k: int = 2
    max_suppression: float = 0.0
    class_sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    explanation: str = ""

    @property
    def records_suppressed(self) -> int:
        """Number of input records suppressed."""
        return int(np.count_nonzero(self.suppressed))

    @property
    def suppressed_share(self) -> float:
        """Share of input records suppressed."""
        return self.records_suppressed / max(int(self.suppressed.size), 1)


@dataclass(frozen=True)
class FrontierPoint:
    """The best transformation for one k, with its loss and risk.

    Attributes
    ----------
    k : int
        The k asked for.
    levels : dict of str to int
        The chosen level per quasi-identifier.
    k_achieved : int
        Smallest released class.
    records_suppressed : int
        Records suppressed.
    suppressed_share : float
        Share of records suppressed.
    generalization_loss, discernibility_loss : float
        Loss of the release (see :class:`LossReport`).
    information_loss : float
        Loss under the measure minimized.
    prosecutor_risk_max, prosecutor_risk_avg : float
        Highest and average prosecutor risk of the released records.
    records_at_risk_share : float
        Share of released records whose risk is above the risk threshold.
    method : str
        ``"global"`` or ``"local"``.
    """

    k: int
    levels: dict[str, int]
    k_achieved: int
    records_suppressed: int
    suppressed_share: float
    generalization_loss: float
    discernibility_loss: float
    information_loss: float
    prosecutor_risk_max: float
    prosecutor_risk_avg: float
    records_at_risk_share: float
    method: str = "global"


@dataclass(frozen=True)
class _Model:
    """The privacy model a node must meet."""

    k: int
    allowed_suppressed: int
    l: float | None  # noqa: E741 - the model's name in the literature
    l_kind: str
    t: float | None
    t_distance: str

    @property
    def monotone(self) -> bool:
        # With suppression, entropy l-diversity and t-closeness can fail on a
        # merged class whose parts did not all fail, so failures say nothing
        # about specializations; k and distinct l stay monotone.
        if self.allowed_suppressed == 0:
            return True
        entropy = self.l is not None and self.l_kind == "entropy"
        return not entropy and self.t is None


@dataclass(frozen=True, eq=False)
class _Classes:
    """The equivalence classes of one node over the distinct records."""

    class_of_combination: np.ndarray
    sizes: np.ndarray
    generalization_sums: np.ndarray
    diversity_failed: np.ndarray


@dataclass(frozen=True, eq=False)
class _Profile:
    """A node's classes summarized by size, enough to judge it for any k.

    Classes that meet l / t are grouped by size (ascending) with cumulative
    records, squared sizes and generalization-loss sums; classes that fail
    l / t are totalled apart since they are suppressed whatever k is.
    """

    sizes: np.ndarray
    cumulative_records: np.ndarray
    cumulative_squares: np.ndarray
    cumulative_generalization: np.ndarray
    failed_records: int
    failed_squares: float
    failed_generalization: float
    all_sizes: np.ndarray
    all_cumulative_records: np.ndarray

    def small_records(self, k: int) -> int:
        """Records in classes of fewer than k, whatever their l or t.

        This count only grows from a node to its specializations, and the
        records a node suppresses are at least this many.
        """
        small = int(np.searchsorted(self.all_sizes, k, side="left"))
        return int(self.all_cumulative_records[small])

    def split(self, k: int) -> tuple[int, float, float]:
        """Suppressed records, kept squared sizes and kept generalization sum."""
        small = int(np.searchsorted(self.sizes, k, side="left"))
        suppressed = int(self.cumulative_records[small]) + self.failed_records
        squares = float(self.cumulative_squares[-1] - self.cumulative_squares[small])
        generalization = float(
            self.cumulative_generalization[-1] - self.cumulative_generalization[small]
        )
        return suppressed, squares, generalization

    @property
    def squares_without_suppression(self) -> float:
        """Sum of squared class sizes over all classes (no suppression)."""
        return float(self.cumulative_squares[-1]) + self.failed_squares


class _Lattice:
    """Integer-coded data and the lattice of transformations over it."""

    def __init__(
        self,
        table: pd.DataFrame,
        quasi_identifiers: Sequence[str],
        hierarchies: Mapping[str, Hierarchy],
        sensitive: str | None,
    ) -> None:
        self.quasi_identifiers = tuple(quasi_identifiers)
        self.hierarchies = [hierarchies[name] for name in quasi_identifiers]
        self.records = int(table.shape[0])
        self.heights = np.array([h.height for h in self.hierarchies], dtype=np.int64)

        # Level-0 codes: the hierarchy row of each value, missing last.
        row_codes = []
        for name, hierarchy in zip(quasi_identifiers, self.hierarchies, strict=True):
            codes = hierarchy.row_codes(table[name])
            codes[codes < 0] = len(hierarchy.levels)
            row_codes.append(codes)
        columns = np.column_stack(row_codes)

        # Sensitive values join the distinct-record key so that each class's
        # distribution of them can be counted later.
        self.sensitive_values = 0
        self.sensitive_rank: np.ndarray | None = None
        if sensitive is not None:
            sensitive_codes, uniques = pd.factorize(
                table[sensitive], use_na_sentinel=False
            )
            self.sensitive_values = len(uniques)
            self.sensitive_rank = _value_rank(table[sensitive], uniques)
            columns = np.column_stack([columns, sensitive_codes])

        # Work on distinct records with their counts: every node costs
        # O(distinct records), not O(records).
        record_combination = _row_groups(columns)
        weights = np.bincount(record_combination)
        first = np.empty(weights.size, dtype=np.int64)
        first[record_combination[::-1]] = np.arange(columns.shape[0])[::-1]
        combinations = columns[first]
        self.record_combination = record_combination
        self.weights = weights.astype(np.int64)
        self.combinations = combinations[:, : len(self.hierarchies)]
        self.combination_sensitive = (
            combinations[:, -1] if sensitive is not None else None
        )
        if sensitive is not None:
            self.table_distribution = (
                np.bincount(
                    self.combination_sensitive,
                    weights=self.weights,
                    minlength=self.sensitive_values,
                )
                / self.records
            )

        self._build_level_maps()
        self.size = int(np.prod(self.heights + 1))
        self._nodes: np.ndarray | None = None
        self.cache: dict[tuple[object, ...], _Profile] = {}
        self._mapped_cache: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._base_representatives = (
            np.arange(self.combinations.shape[0]),
            self.weights,
        )
        self._rollup_nodes = np.zeros((64, len(self.hierarchies)), dtype=np.int64)
        self._rollup_counts = np.zeros(64, dtype=np.int64)
        self._rollup_entries: list[tuple[np.ndarray, np.ndarray]] = []
        self._rollup_elements = 0
        self._pair_cache: dict[tuple[int, int, int, int], np.ndarray] = {}
        # Rows of ``nodes`` are in C order: the last attribute varies fastest.
        spans = (self.heights + 1)[::-1]
        self.strides = np.concatenate(([1], np.cumprod(spans)[:-1]))[::-1].astype(
            np.int64
        )

    def _build_level_maps(self) -> None:
        """Lookup arrays from level-0 codes to each level's codes and losses."""
        self.level_maps: list[list[np.ndarray]] = []
        self.level_sizes: list[list[int]] = []
        self.level_losses: list[list[np.ndarray]] = []
        self.attribute_level_loss = []

        for position, hierarchy in enumerate(self.hierarchies):
            rows = len(hierarchy.levels)
            present = np.zeros(rows + 1, dtype=bool)
            present[np.unique(self.combinations[:, position])] = True
            distinct = int(present.sum())
            record_counts = np.bincount(
                self.combinations[:, position], weights=self.weights, minlength=rows + 1
            )

            maps, sizes, losses, attribute = [], [], [], []
            for level in range(hierarchy.height + 1):
                labels = [row[level] for row in hierarchy.levels]
                codes, uniques = pd.factorize(pd.Series(labels, dtype=object))
                codes = codes.astype(np.int64)
                # Missing values keep a code of their own below the top.
                missing_code = len(uniques) if level < hierarchy.height else codes[0]
                level_map = np.append(codes, missing_code)
                label_count = int(level_map.max()) + 1

                # Loss of a label: distinct data values it covers, minus one.
                covered = np.bincount(level_map[present], minlength=label_count)
                loss = (covered - 1) / (distinct - 1) if distinct > 1 else covered * 0.0
                loss = np.clip(loss, 0.0, 1.0)
                maps.append(level_map)
                sizes.append(label_count)
                losses.append(loss[level_map])
                attribute.append(float(record_counts @ loss[level_map] / self.records))
            self.level_maps.append(maps)
            self.level_sizes.append(sizes)
            self.level_losses.append(losses)
            self.attribute_level_loss.append(np.array(attribute))

    @property
    def nodes(self) -> np.ndarray:
        """Every transformation, one row of levels each."""
        if self._nodes is None:
            grids = np.indices(tuple(self.heights + 1)).reshape(len(self.heights), -1)
            self._nodes = grids.T.astype(np.int64)
        return self._nodes

    def generalization_bound(self) -> np.ndarray:
        """Generalization loss of each node if nothing were suppressed."""
        total = np.zeros(self.nodes.shape[0])
        for position, losses in enumerate(self.attribute_level_loss):
            total += losses[self.nodes[:, position]]
        return total / len(self.hierarchies)

    def suppression_bound(self, k: int) -> np.ndarray:
        """A lower bound of the records each node must suppress to reach k.

        Raising attributes to their top level only merges classes, so a node
        suppresses at least as many records for k as any of its projections on
        two attributes (the others fully hidden). Those projections have few
        classes and are cheap; their counts, taken for every pair, bound every
        node of the lattice at once, whatever the l or t requirement.
        """
        nodes = self.nodes
        bound = np.zeros(nodes.shape[0], dtype=np.int64)
        attributes = len(self.hierarchies)
        pairs = [
            (first, second)
            for first in range(attributes)
            for second in range(first + 1, attributes)
        ] or [(0, 0)]
        for first, second in pairs:
            table = np.zeros(
                (self.heights[first] + 1, self.heights[second] + 1), dtype=np.int64
            )
            for level_first in range(self.heights[first] + 1):
                for level_second in range(self.heights[second] + 1):
                    sizes = self._pair_sizes(first, level_first, second, level_second)
                    table[level_first, level_second] = sizes[sizes < k].sum()
            bound = np.maximum(bound, table[nodes[:, first], nodes[:, second]])
        return bound

    def _pair_sizes(
        self, first: int, level_first: int, second: int, level_second: int
    ) -> np.ndarray:
        """Class sizes of the projection on two attributes at given levels."""
        key = (first, level_first, second, level_second)
        if key not in self._pair_cache:
            codes_first = self._mapped(first, level_first)[0]
            codes_second = self._mapped(second, level_second)[0]
            # Label codes are dense and few, so the combined code indexes a
            # small table of counts directly (empty cells count 0).
            combined = codes_first * self.level_sizes[second][level_second] + (
                codes_second
            )
            self._pair_cache[key] = np.bincount(combined, weights=self.weights).astype(
                np.int64
            )
        return self._pair_cache[key]

    def largest_record_loss(self) -> np.ndarray:
        """An upper bound of any record's summed label loss at each node."""
        total = np.zeros(self.nodes.shape[0])
        for position, hierarchy in enumerate(self.hierarchies):
            largest = np.array(
                [
                    self._mapped(position, level)[1].max()
                    for level in range(hierarchy.height + 1)
                ]
            )
            total += largest[self.nodes[:, position]]
        return total

    def _mapped(self, position: int, level: int) -> tuple[np.ndarray, np.ndarray]:
        """Codes and label losses of one attribute's level, per distinct record."""
        key = (position, level)
        if key not in self._mapped_cache:
            base = self.combinations[:, position]
            self._mapped_cache[key] = (
                self.level_maps[position][level][base],
                self.level_losses[position][level][base],
            )
        return self._mapped_cache[key]

    def classes(self, node: tuple[int, ...], model: _Model) -> _Classes:
        """Compute the equivalence classes of a node over the distinct records."""
        combinations = self.combinations.shape[0]
        key = np.zeros(combinations, dtype=np.int64)
        generalization = np.zeros(combinations)
        radix = 1
        for position, level in enumerate(node):
            codes, losses = self._mapped(position, level)
            generalization += losses
            size = self.level_sizes[position][level]
            if radix * size >= _KEY_LIMIT:
                key = pd.factorize(key)[0].astype(np.int64)
                radix = int(key.max()) + 1
            key = key * size + codes
            radix *= size

        class_of_combination, uniques = pd.factorize(key)
        count = len(uniques)
        sizes = np.bincount(
            class_of_combination, weights=self.weights, minlength=count
        ).astype(np.int64)
        sums = np.bincount(
            class_of_combination, weights=self.weights * generalization, minlength=count
        )
        failed = np.zeros(count, dtype=bool)
        if model.l is not None or model.t is not None:
            failed = self._diversity_failed(class_of_combination, sizes, model)
        return _Classes(class_of_combination, sizes, sums, failed)

    def rolled_up(self, node: tuple[int, ...]) -> _Classes:
        """Classes of a node merged from those of a computed specialization.

        Every class of a specialization lies inside one class of the node, so
        the node's classes can be built from one representative record per
        class of the specialization: far fewer rows than the distinct records
        once the specialization is already general. Only class sizes and
        generalization sums are kept (no record mapping, no sensitive counts).
        """
        representatives, sizes = self._base_representatives
        stored = len(self._rollup_entries)
        if stored:
            # The computed specialization with the fewest classes.
            below = np.all(self._rollup_nodes[:stored] <= np.array(node), axis=1)
            if below.any():
                candidates = np.flatnonzero(below)
                counts = self._rollup_counts[:stored][candidates]
                representatives, sizes = self._rollup_entries[
                    int(candidates[np.argmin(counts)])
                ]

        # From the distinct records themselves, no gathering is needed.
        from_base = representatives is self._base_representatives[0]
        key = np.zeros(representatives.size, dtype=np.int64)
        radix = 1
        for position, level in enumerate(node):
            codes = self._mapped(position, level)[0]
            size = self.level_sizes[position][level]
            if radix * size >= _KEY_LIMIT:
                key = pd.factorize(key)[0].astype(np.int64)
                radix = int(key.max()) + 1
            key = key * size + (codes if from_base else codes[representatives])
            radix *= size

        merged, uniques = pd.factorize(key)
        count = len(uniques)
        merged_sizes = np.bincount(merged, weights=sizes, minlength=count).astype(
            np.int64
        )
        first = np.empty(count, dtype=np.int64)
        first[merged[::-1]] = representatives[::-1]

        # All records of a class share its labels, hence their label loss.
        generalization = np.zeros(count)
        for position, level in enumerate(node):
            generalization += self._mapped(position, level)[1][first]
        sums = merged_sizes * generalization

        # Keep the representatives while they fit in the budget.
        if self._rollup_elements + count <= _ROLLUP_BUDGET:
            if stored == self._rollup_nodes.shape[0]:
                self._rollup_nodes = np.concatenate(
                    [self._rollup_nodes, np.zeros_like(self._rollup_nodes)]
                )
                self._rollup_counts = np.concatenate(
                    [self._rollup_counts, np.zeros_like(self._rollup_counts)]
                )
            self._rollup_nodes[stored] = node
            self._rollup_counts[stored] = count
            self._rollup_entries.append((first, merged_sizes))
            self._rollup_elements += count
        return _Classes(merged, merged_sizes, sums, np.zeros(count, dtype=bool))

    def profile(self, node: tuple[int, ...], model: _Model) -> _Profile:
        """Summarize a node's classes by size; cached across searches."""
        cache_key = (node, model.l, model.l_kind, model.t, model.t_distance)
        if cache_key in self.cache:
            return self.cache[cache_key]

        if model.l is None and model.t is None:
            classes = self.rolled_up(node)
        else:
            classes = self.classes(node, model)
        passing = ~classes.diversity_failed
        sizes = classes.sizes[passing]
        distinct_sizes, size_group = np.unique(sizes, return_inverse=True)
        groups = distinct_sizes.size
        records = np.bincount(size_group, weights=sizes, minlength=groups)
        squares = np.bincount(
            size_group, weights=sizes.astype(float) ** 2, minlength=groups
        )
        generalization = np.bincount(
            size_group, weights=classes.generalization_sums[passing], minlength=groups
        )
        failed_sizes = classes.sizes[classes.diversity_failed]
        all_sizes, all_group = np.unique(classes.sizes, return_inverse=True)
        all_records = np.bincount(all_group, weights=classes.sizes)
        profile = _Profile(
            sizes=distinct_sizes,
            cumulative_records=np.concatenate(([0], np.cumsum(records))).astype(
                np.int64
            ),
            cumulative_squares=np.concatenate(([0.0], np.cumsum(squares))),
            cumulative_generalization=np.concatenate(
                ([0.0], np.cumsum(generalization))
            ),
            failed_records=int(failed_sizes.sum()),
            failed_squares=float(np.sum(failed_sizes.astype(float) ** 2)),
            failed_generalization=float(
                classes.generalization_sums[classes.diversity_failed].sum()
            ),
            all_sizes=all_sizes,
            all_cumulative_records=np.concatenate(([0], np.cumsum(all_records))).astype(
                np.int64
            ),
        )
        self.cache[cache_key] = profile
        return profile

    def _diversity_failed(
        self, class_of_combination: np.ndarray, sizes: np.ndarray, model: _Model
    ) -> np.ndarray:
        """Which classes break the l-diversity or t-closeness requirement."""
        values = self.sensitive_values
        counts = np.bincount(
            class_of_combination * values + self.combination_sensitive,
            weights=self.weights,
            minlength=sizes.size * values,
        ).reshape(sizes.size, values)
        shares = counts / sizes[:, None]
        failed = np.zeros(sizes.size, dtype=bool)

        if model.l is not None and model.l_kind == "distinct":
            failed |= np.count_nonzero(counts, axis=1) < model.l
        elif model.l is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                terms = np.where(shares > 0, -shares * np.log(shares), 0.0)
            # A small tolerance keeps exp(log l) == l from failing on rounding.
            failed |= terms.sum(axis=1) < math.log(model.l) - 1e-12

        if model.t is not None:
            difference = shares - self.table_distribution[None, :]
            if model.t_distance == "equal":
                distance = 0.5 * np.abs(difference).sum(axis=1)
            else:
                order = np.argsort(self.sensitive_rank)
                cumulative = np.cumsum(difference[:, order], axis=1)
                distance = np.abs(cumulative).sum(axis=1) / max(values - 1, 1)
            failed |= distance > model.t + 1e-12
        return failed

    def judge(self, profile: _Profile, model: _Model) -> tuple[bool, float, float]:
        """Whether a node meets the model, and its two losses if it does."""
        suppressed, squares, generalization = profile.split(model.k)
        meets = suppressed <= model.allowed_suppressed and suppressed < self.records
        records = self.records
        attributes = len(self.hierarchies)
        generalization_loss = (generalization + suppressed * attributes) / (
            records * attributes
        )
        return (
            meets,
            generalization_loss,
            self.normalize_discernibility(squares + suppressed * float(records)),
        )

    def normalize_discernibility(self, discernibility: float) -> float:
        """Scale the discernibility metric by n², as :mod:`privacy.utility` does."""
        return float(discernibility / float(self.records) ** 2)

    def index_of(self, node: np.ndarray) -> int:
        """Row of a node in :attr:`nodes`."""
        return int(node @ self.strides)


def _row_groups(columns: np.ndarray) -> np.ndarray:
    """Number the distinct rows of an integer matrix, in order of appearance."""
    key = np.zeros(columns.shape[0], dtype=np.int64)
    radix = 1
    for column in columns.T:
        size = int(column.max()) + 1
        if radix * size >= _KEY_LIMIT:
            key = pd.factorize(key)[0].astype(np.int64)
            radix = int(key.max()) + 1
        key = key * size + column
        radix *= size
    return pd.factorize(key)[0].astype(np.int64)


def _value_rank(column: pd.Series, uniques: object) -> np.ndarray:
    """Rank of each sensitive code in value order (missing last)."""
    values = pd.Series(np.asarray(uniques, dtype=object))
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        keys = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    else:
        keys = as_text(values).fillna("\uffff").to_numpy(dtype=object)
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _check_inputs(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy] | None,
    k: int,
    max_suppression: float,
    sensitive: str | None,
) -> None:
    """Raise InputError on any bad argument shared by the search functions."""
    if not isinstance(table, pd.DataFrame) or table.shape[0] == 0:
        raise InputError(
            "The data to anonymize must be a non-empty table; got "
            f"{type(table).__name__} with no rows. Load data first."
        )
    if isinstance(quasi_identifiers, str) or len(quasi_identifiers) == 0:
        raise InputError(
            f"Give at least one quasi-identifier as a list of column names; got "
            f"{quasi_identifiers!r}."
        )
    if len(set(quasi_identifiers)) != len(quasi_identifiers):
        raise InputError(
            f"Quasi-identifiers are listed twice in {list(quasi_identifiers)}; "
            "list each column once."
        )
    unknown = [name for name in quasi_identifiers if name not in table.columns]
    if unknown:
        raise InputError(
            f"Unknown quasi-identifier column(s) {unknown}; the table has "
            f"{list(map(str, table.columns))}."
        )
    if hierarchies is not None:
        missing = [name for name in quasi_identifiers if name not in hierarchies]
        if missing:
            raise InputError(
                f"No hierarchy given for {missing}. Give one per quasi-identifier "
                "(privacy.hierarchies.default_hierarchy builds a sensible one)."
            )
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k must be a whole number of at least 1; got {k!r}.")
    if k > table.shape[0]:
        raise InputError(
            f"k = {k} is larger than the table, which has {table.shape[0]} records; "
            f"choose k of at most {table.shape[0]}."
        )
    if not (isinstance(max_suppression, int | float) and 0 <= max_suppression < 1):
        raise InputError(
            "The suppression limit is a share of records in [0, 1); got "
            f"{max_suppression!r}. Use for example 0.05 for 5%."
        )
    if sensitive is not None:
        if sensitive not in table.columns:
            raise InputError(
                f"Unknown sensitive column {sensitive!r}; the table has "
                f"{list(map(str, table.columns))}."
            )
        if sensitive in quasi_identifiers:
            raise InputError(
                f"The sensitive attribute {sensitive!r} is also a quasi-identifier. "
                "Give it one role only."
            )


def _build_model(
    table: pd.DataFrame,
    k: int,
    max_suppression: float,
    sensitive: str | None,
    l: float | None,  # noqa: E741 - the model's name in the literature
    l_kind: str,
    t: float | None,
    t_distance: str,
    measure: str,
) -> _Model:
    """Check the privacy-model parameters and bundle them."""
    if measure not in MEASURES:
        raise InputError(f"Unknown measure {measure!r}; choose one of {MEASURES}.")
    if l_kind not in L_KINDS:
        raise InputError(f"Unknown l-diversity kind {l_kind!r}; choose {L_KINDS}.")
    if t_distance not in T_DISTANCES:
        raise InputError(
            f"Unknown t-closeness distance {t_distance!r}; choose {T_DISTANCES}."
        )
    if (l is not None or t is not None) and sensitive is None:
        raise InputError(
            "l-diversity and t-closeness need a sensitive attribute; give "
            "sensitive='<column>' or drop l and t."
        )
    if l is not None and (not isinstance(l, int | float) or l < 1):
        raise InputError(f"l must be a number of at least 1; got {l!r}.")
    if t is not None and (not isinstance(t, int | float) or not 0 <= t <= 1):
        raise InputError(f"t must be a distance in [0, 1]; got {t!r}.")
    if t is not None and t_distance == "ordered":
        column = table[sensitive]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(
            column
        ):
            raise InputError(
                f"The ordered distance needs a numeric sensitive attribute; "
                f"{sensitive!r} is {column.dtype}. Use t_distance='equal'."
            )
    allowed = math.floor(max_suppression * table.shape[0] + 1e-9)
    return _Model(int(k), allowed, l, l_kind, t, t_distance)


def _tag_lattice(
    lattice: _Lattice,
    model: _Model,
    evaluate: Callable[[int], bool],
    possible: np.ndarray,
) -> np.ndarray:
    """Decide for every node whether it meets a monotone model.

    Flash-style: from the lowest untagged node, climb a path of untagged
    nodes to the top and binary-search it for the lowest node that meets the
    model; each verdict tags every generalization (meets) or specialization
    (fails) at once. Nodes outside ``possible`` are known to fail.
    """
    nodes = lattice.nodes
    status = np.where(possible, 0, -1).astype(np.int8)
    relative = np.maximum(lattice.heights, 1)
    for start in np.argsort(nodes.sum(axis=1), kind="stable"):
        if status[start] != 0:
            continue
        path = [int(start)]
        current = nodes[start].copy()
        while True:
            step = -1
            # Climb along the attribute that is least generalized so far.
            for position in np.argsort(current / relative, kind="stable"):
                if current[position] == lattice.heights[position]:
                    continue
                candidate = current.copy()
                candidate[position] += 1
                if status[lattice.index_of(candidate)] == 0:
                    step = int(position)
                    break
            if step < 0:
                break
            current[step] += 1
            path.append(lattice.index_of(current))

        low, high = 0, len(path) - 1
        while low <= high:
            middle = (low + high) // 2
            index = path[middle]
            if status[index] == 0:
                if evaluate(index):
                    above = np.all(nodes >= nodes[index], axis=1)
                    status[above & (status == 0)] = 1
                else:
                    below = np.all(nodes <= nodes[index], axis=1)
                    status[below & (status == 0)] = -1
            if status[index] > 0:
                high = middle - 1
            else:
                low = middle + 1
    return status > 0


# Losses closer than this are ties, broken by fewer records suppressed, then
# fewer generalization steps, then lattice order.
_TIE = 1e-12


def _preferred(candidate: tuple[float, int, int, int], incumbent: tuple | None) -> bool:
    """Whether a (loss, suppressed, steps, index) ranking beats the incumbent."""
    if incumbent is None or candidate[0] < incumbent[0] - _TIE:
        return True
    if candidate[0] > incumbent[0] + _TIE:
        return False
    return candidate[1:] < incumbent[1:]


def _ranking(
    lattice: _Lattice, model: _Model, measure: str, index: int, profile: _Profile
) -> tuple[bool, tuple[float, int, int, int]]:
    """Whether a node meets the model, and how it ranks among those that do."""
    meets, generalization_loss, discernibility_loss = lattice.judge(profile, model)
    loss = generalization_loss if measure == "loss" else discernibility_loss
    suppressed = profile.split(model.k)[0]
    steps = int(lattice.nodes[index].sum())
    return meets, (loss, suppressed, steps, index)


def _greedy_descent(
    lattice: _Lattice,
    model: _Model,
    measure: str,
    profile: Callable[[int], _Profile],
) -> tuple[float, int, int, int] | None:
    """A good first transformation: from the top, step to the best child.

    Each step lowers one attribute by one level, to the child that meets the
    model and ranks best; it stops when no child does better.
    """
    current = np.array(lattice.heights)
    index = lattice.index_of(current)
    meets, best = _ranking(lattice, model, measure, index, profile(index))
    if not meets:
        return None
    while True:
        step = None
        for position in range(current.size):
            if current[position] == 0:
                continue
            child = current.copy()
            child[position] -= 1
            child_index = lattice.index_of(child)
            meets, ranking = _ranking(
                lattice, model, measure, child_index, profile(child_index)
            )
            if meets and _preferred(ranking, best):
                step, best = child, ranking
        if step is None:
            return best
        current = step


def _search(lattice: _Lattice, model: _Model, measure: str) -> tuple[int, int]:
    """Best node index and number of nodes evaluated (index -1 if none).

    Branch and bound: the search stops once the best loss found is at most
    every remaining bound. A node that fails a monotone model rules out its
    specializations; for any model, the records a node holds in classes under
    k bound from below the suppression, hence the loss, of its
    specializations, and rule them out when they exceed the limit.
    """
    nodes = lattice.nodes
    records = float(lattice.records)
    attributes = len(lattice.hierarchies)
    evaluated: set[int] = set()

    def profile(index: int) -> _Profile:
        evaluated.add(index)
        return lattice.profile(tuple(int(level) for level in nodes[index]), model)

    # Nodes whose two-attribute projections already suppress too much fail
    # without being computed.
    floor = lattice.suppression_bound(model.k).astype(float)
    candidates = floor <= model.allowed_suppressed

    # Without suppression the nodes that meet a monotone model form an up-set
    # whose border tagging finds in few steps.
    if model.monotone and model.allowed_suppressed == 0:
        candidates &= _tag_lattice(
            lattice,
            model,
            lambda index: lattice.judge(profile(index), model)[0],
            candidates,
        )

    # Lower bounds of the loss given at least ``floor`` suppressed records:
    # each suppressed record costs at least what its labels did not already
    # lose; under discernibility each kept record costs at least k and each
    # suppressed one n.
    if measure == "loss":
        generalization = lattice.generalization_bound()
        headroom = (attributes - lattice.largest_record_loss()) / (records * attributes)

        def bounds(rows: np.ndarray | slice) -> np.ndarray:
            return generalization[rows] + floor[rows] * headroom[rows]

    else:

        def bounds(rows: np.ndarray | slice) -> np.ndarray:
            suppressed = floor[rows]
            return ((records - suppressed) * model.k + suppressed * records) / (
                records * records
            )

    bound = bounds(slice(None))
    best = None
    remaining = candidates.copy()

    # With suppression, start from a good transformation found by descending
    # greedily from the top, then visit general nodes first: a general node
    # that fails rules out many specializations.
    general_first = model.allowed_suppressed > 0
    if general_first:
        best = _greedy_descent(lattice, model, measure, profile)
    height = nodes.sum(axis=1)

    while remaining.any():
        # Nodes whose bound ties the best must still be seen: they may win
        # the tie-break.
        limit = math.inf if best is None else best[0] + _TIE
        if general_first:
            open_rows = np.flatnonzero(remaining & (bound <= limit))
            if open_rows.size == 0:
                break
            index = int(
                open_rows[np.lexsort((bound[open_rows], -height[open_rows]))[0]]
            )
        else:
            masked = np.where(remaining, bound, math.inf)
            index = int(np.argmin(masked))
            if masked[index] > limit or masked[index] == math.inf:
                break
        remaining[index] = False
        node_profile = profile(index)
        meets, ranking = _ranking(lattice, model, measure, index, node_profile)
        if meets and _preferred(ranking, best):
            best = ranking

        # Records in classes under k bound the suppression of every
        # specialization, whatever l or t require.
        below = np.all(nodes <= nodes[index], axis=1)
        small = node_profile.small_records(model.k)
        if (not meets and model.monotone) or small > model.allowed_suppressed:
            remaining &= ~below
        else:
            raised = below & (floor < small)
            floor[raised] = small
            bound[raised] = bounds(raised)
        if measure == "discernibility":
            unsuppressed = lattice.normalize_discernibility(
                node_profile.squares_without_suppression
            )
            above = np.all(nodes >= nodes[index], axis=1)
            bound[above] = np.maximum(bound[above], unsuppressed)
    return (-1 if best is None else best[3]), len(evaluated)


def _no_solution(model: _Model, records: int) -> InputError:
    """Build the error raised when no transformation meets the model."""
    extra = ""
    if model.l is not None:
        extra += f", {model.l_kind} l = {model.l}"
    if model.t is not None:
        extra += f", t = {model.t} ({model.t_distance} distance)"
    return InputError(
        f"No transformation reaches k = {model.k}{extra} while suppressing at most "
        f"{model.allowed_suppressed} of {records} records. Allow more suppression, "
        "lower k (or relax l / t), or add levels to the hierarchies."
    )


def _describe_global(
    lattice: _Lattice,
    levels: dict[str, int],
    loss: LossReport,
    model: _Model,
    suppressed: int,
    k_achieved: int,
    evaluated: int,
) -> str:
    """Plain-language account of the chosen transformation."""
    steps = []
    for name, hierarchy in zip(
        lattice.quasi_identifiers, lattice.hierarchies, strict=True
    ):
        level = levels[name]
        if level == 0:
            steps.append(f"{name} kept as is")
        elif level == hierarchy.height:
            steps.append(f"{name} fully hidden ({hierarchy.levels[0][-1]})")
        else:
            # Illustrate with a value that occurs in the data.
            rows = lattice.combinations[:, len(steps)]
            present = rows[rows < len(hierarchy.levels)]
            row = hierarchy.levels[int(present[0]) if present.size else 0]
            steps.append(
                f"{name} generalized to level {level} of {hierarchy.height} "
                f"(e.g. {row[0]} → {row[level]})"
            )
    model_text = f"k = {model.k}"
    if model.l is not None:
        model_text += f", {model.l_kind} l-diversity l = {model.l}"
    if model.t is not None:
        model_text += f", t-closeness t = {model.t}"
    return (
        f"Chosen transformation: {'; '.join(steps)}. "
        f"It meets {model_text} with {suppressed} of {lattice.records} records "
        f"suppressed (limit {model.allowed_suppressed}); the smallest released "
        f"class has {k_achieved} records. Among the {lattice.size} "
        f"transformations of the lattice it has the lowest {loss.measure} "
        f"({loss.value:.3f}); {evaluated} were evaluated, the others were ruled out "
        "without computing them because they fail the model (monotonicity) or "
        "cannot have a lower loss (bound)."
    )


def global_recoding(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    *,
    k: int,
    max_suppression: float = 0.0,
    sensitive: str | None = None,
    l: float | None = None,  # noqa: E741 - the model's name in the literature
    l_kind: str = "distinct",
    t: float | None = None,
    t_distance: str = "equal",
    measure: str = "loss",
) -> AnonymizationResult:
    """Find the least-loss full-domain generalization that meets the model.

    Every record's quasi-identifiers are generalized to the same level of their
    hierarchies; records in classes that still break the model are suppressed
    whole, up to ``max_suppression`` of the table. Among all transformations
    that meet the model, the one with the least loss under ``measure`` is
    returned; ties go to fewer suppressed records, then fewer generalization
    steps.

    Parameters
    ----------
    table : pandas.DataFrame
        The records.
    quasi_identifiers : sequence of str
        The columns to generalize.
    hierarchies : mapping of str to Hierarchy
        One hierarchy per quasi-identifier, covering its values.
    k : int
        Minimum class size.
    max_suppression : float, default 0.0
        Largest share of records that may be suppressed, in [0, 1).
    sensitive : str, optional
        Sensitive attribute for l-diversity or t-closeness.
    l : float, optional
        Required l-diversity of every released class.
    l_kind : {"distinct", "entropy"}
        Distinct values, or exp of the class entropy (natural log).
    t : float, optional
        Largest allowed distance between a class's sensitive distribution and
        the table's.
    t_distance : {"equal", "ordered"}
        Total variation, or ordered earth mover's distance (numeric values).
    measure : {"loss", "discernibility"}
        The information loss to minimize.

    Returns
    -------
    AnonymizationResult
        The release and how it was reached (``method="global"``).

    Raises
    ------
    InputError
        On bad parameters, a value a hierarchy does not cover, a lattice too
        large to search, or when no transformation meets the model.

    Examples
    --------
    >>> from privacy.hierarchies import interval_hierarchy, suppression_hierarchy
    >>> table = pd.DataFrame({"age": [31, 34, 36, 38], "sex": list("FMFM")})
    >>> hierarchies = {
    ...     "age": interval_hierarchy(table["age"], widths=(5, 10)),
    ...     "sex": suppression_hierarchy(table["sex"]),
    ... }
    >>> result = global_recoding(table, ["age", "sex"], hierarchies, k=2)
    >>> result.levels
    {'age': 2, 'sex': 0}
    >>> result.release["age"].tolist()
    ['[30, 40)', '[30, 40)', '[30, 40)', '[30, 40)']
    >>> result.information_loss.generalization_loss
    0.5
    """
    lattice, model = _prepare(
        table,
        quasi_identifiers,
        hierarchies,
        k,
        max_suppression,
        sensitive,
        l,
        l_kind,
        t,
        t_distance,
        measure,
    )
    best, evaluated = _search(lattice, model, measure)
    if best < 0:
        raise _no_solution(model, lattice.records)
    return _global_result(
        table, lattice, model, measure, best, evaluated, max_suppression
    )


def recode(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    levels: Mapping[str, int],
    *,
    k: int,
    max_suppression: float = 0.0,
    sensitive: str | None = None,
    l: float | None = None,  # noqa: E741 - the model's name in the literature
    l_kind: str = "distinct",
    t: float | None = None,
    t_distance: str = "equal",
    measure: str = "loss",
) -> AnonymizationResult:
    """Apply one given transformation, suppressing the classes that break the model.

    Use it to inspect a transformation other than the optimum, for example a
    point of the frontier or the node another tool chose.

    Parameters
    ----------
    table, quasi_identifiers, hierarchies
        As for :func:`global_recoding`.
    levels : mapping of str to int
        The level of each quasi-identifier.
    k, max_suppression, sensitive, l, l_kind, t, t_distance, measure
        As for :func:`global_recoding`.

    Returns
    -------
    AnonymizationResult
        The release of that transformation (``nodes_evaluated`` is 1).

    Raises
    ------
    InputError
        On bad parameters or levels, or when the transformation needs more
        suppression than allowed.

    Examples
    --------
    >>> from privacy.hierarchies import suppression_hierarchy
    >>> table = pd.DataFrame({"sex": ["F", "F", "M"]})
    >>> hierarchies = {"sex": suppression_hierarchy(table["sex"])}
    >>> recode(table, ["sex"], hierarchies, {"sex": 0}, k=2,
    ...        max_suppression=0.4).suppressed.tolist()
    [False, False, True]
    """
    lattice, model = _prepare(
        table,
        quasi_identifiers,
        hierarchies,
        k,
        max_suppression,
        sensitive,
        l,
        l_kind,
        t,
        t_distance,
        measure,
    )
    node = []
    for name, hierarchy in zip(quasi_identifiers, lattice.hierarchies, strict=True):
        level = levels.get(name) if isinstance(levels, Mapping) else None
        if (
            not isinstance(level, int | np.integer)
            or not 0 <= level <= hierarchy.height
        ):
            raise InputError(
                f"The level of {name!r} must be a whole number from 0 to "
                f"{hierarchy.height}; got {level!r}."
            )
        node.append(int(level))

    index = lattice.index_of(np.array(node))
    profile = lattice.profile(tuple(node), model)
    suppressed, _, _ = profile.split(model.k)
    if not lattice.judge(profile, model)[0]:
        raise InputError(
            f"The transformation {dict(zip(quasi_identifiers, node, strict=True))} "
            f"would suppress {suppressed} of {lattice.records} records to meet "
            f"k = {model.k}, more than the {model.allowed_suppressed} allowed. "
            "Choose more general levels or allow more suppression."
        )
    return _global_result(table, lattice, model, measure, index, 1, max_suppression)


def _prepare(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    k: int,
    max_suppression: float,
    sensitive: str | None,
    l: float | None,  # noqa: E741 - the model's name in the literature
    l_kind: str,
    t: float | None,
    t_distance: str,
    measure: str,
) -> tuple[_Lattice, _Model]:
    """Validate the arguments and code the data."""
    _check_inputs(table, quasi_identifiers, hierarchies, k, max_suppression, sensitive)
    model = _build_model(
        table, k, max_suppression, sensitive, l, l_kind, t, t_distance, measure
    )
    size = math.prod(hierarchies[name].height + 1 for name in quasi_identifiers)
    if size > MAX_LATTICE_SIZE:
        raise InputError(
            f"The hierarchies give {size:,} transformations, more than the "
            f"{MAX_LATTICE_SIZE:,} that can be searched. Use fewer "
            "quasi-identifiers or hierarchies with fewer levels."
        )
    return _Lattice(table, quasi_identifiers, hierarchies, sensitive), model


def _global_result(
    table: pd.DataFrame,
    lattice: _Lattice,
    model: _Model,
    measure: str,
    best: int,
    evaluated: int,
    max_suppression: float,
) -> AnonymizationResult:
    """Build the release and its figures for the chosen node."""
    node = tuple(int(level) for level in lattice.nodes[best])
    meets, generalization, discernibility = lattice.judge(
        lattice.profile(node, model), model
    )
    classes = lattice.classes(node, model)
    violating = (classes.sizes < model.k) | classes.diversity_failed
    suppressed_count = int(classes.sizes[violating].sum())
    if not meets or suppressed_count > model.allowed_suppressed:
        raise InternalError("The chosen transformation does not meet the model.")

    record_class = classes.class_of_combination[lattice.record_combination]
    suppressed = violating[record_class]
    levels = dict(zip(lattice.quasi_identifiers, node, strict=True))

    # Attribute loss: each kept record's label loss, each suppressed record 1.
    attribute_loss = {}
    kept_combinations = ~violating[classes.class_of_combination]
    for position, name in enumerate(lattice.quasi_identifiers):
        label_loss = lattice.level_losses[position][node[position]][
            lattice.combinations[:, position]
        ]
        total = float(
            np.sum(lattice.weights * np.where(kept_combinations, label_loss, 1.0))
        )
        attribute_loss[name] = total / lattice.records
    loss = LossReport(measure, generalization, discernibility, attribute_loss)

    # Labels come from the codes already matched, not from matching again.
    release = table.loc[~suppressed].copy()
    kept_rows = lattice.combinations[lattice.record_combination[~suppressed]]
    for position, (name, hierarchy) in enumerate(
        zip(lattice.quasi_identifiers, lattice.hierarchies, strict=True)
    ):
        level = levels[name]
        if level == 0:
            continue
        missing_label = hierarchy.levels[0][-1] if level == hierarchy.height else None
        labels = np.array(
            [row[level] for row in hierarchy.levels] + [missing_label], dtype=object
        )
        generalized = labels[kept_rows[:, position]]
        if missing_label is None:
            generalized[kept_rows[:, position] == len(hierarchy.levels)] = np.nan
        release[name] = pd.Series(generalized, index=release.index, dtype=object)
    class_sizes = classes.sizes[~violating]
    k_achieved = int(class_sizes.min())
    return AnonymizationResult(
        release=release,
        suppressed=suppressed,
        levels=levels,
        k_achieved=k_achieved,
        information_loss=loss,
        nodes_evaluated=evaluated,
        lattice_size=lattice.size,
        method="global",
        quasi_identifiers=lattice.quasi_identifiers,
        k=model.k,
        max_suppression=float(max_suppression),
        class_sizes=class_sizes,
        explanation=_describe_global(
            lattice, levels, loss, model, suppressed_count, k_achieved, evaluated
        ),
    )


def _risk_figures(class_sizes: np.ndarray, risk_threshold: float) -> tuple[float, ...]:
    """Highest and average prosecutor risk, and share of records at risk."""
    sizes = class_sizes.astype(float)
    records = float(sizes.sum())
    at_risk = float(sizes[1.0 / sizes > risk_threshold].sum())
    return float(1.0 / sizes.min()), sizes.size / records, at_risk / records


def frontier_point(
    result: AnonymizationResult, *, risk_threshold: float = 0.2
) -> FrontierPoint:
    """Summarize a result as one point of the risk–utility frontier.

    Parameters
    ----------
    result : AnonymizationResult
        A global or local release.
    risk_threshold : float, default 0.2
        A released record whose prosecutor risk is above this is at risk.

    Returns
    -------
    FrontierPoint
        Its loss and risk figures.

    Raises
    ------
    InputError
        If the threshold is not in (0, 1].

    Examples
    --------
    >>> from privacy.hierarchies import suppression_hierarchy
    >>> table = pd.DataFrame({"sex": ["F", "F", "M", "M", "M"]})
    >>> result = global_recoding(
    ...     table, ["sex"], {"sex": suppression_hierarchy(table["sex"])}, k=2
    ... )
    >>> point = frontier_point(result)
    >>> point.prosecutor_risk_max, point.prosecutor_risk_avg
    (0.5, 0.4)
    """
    if not 0 < risk_threshold <= 1:
        raise InputError(
            f"The risk threshold is a probability in (0, 1]; got {risk_threshold!r}. "
            "Use for example 0.2 (classes of fewer than 5 records)."
        )
    highest, average, at_risk = _risk_figures(result.class_sizes, risk_threshold)
    loss = result.information_loss
    return FrontierPoint(
        k=result.k,
        levels=dict(result.levels),
        k_achieved=result.k_achieved,
        records_suppressed=result.records_suppressed,
        suppressed_share=result.suppressed_share,
        generalization_loss=loss.generalization_loss,
        discernibility_loss=loss.discernibility_loss,
        information_loss=loss.value,
        prosecutor_risk_max=highest,
        prosecutor_risk_avg=average,
        records_at_risk_share=at_risk,
        method=result.method,
    )


def frontier(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    k_values: Sequence[int],
    *,
    max_suppression: float = 0.0,
    sensitive: str | None = None,
    l: float | None = None,  # noqa: E741 - the model's name in the literature
    l_kind: str = "distinct",
    t: float | None = None,
    t_distance: str = "equal",
    measure: str = "loss",
    risk_threshold: float = 0.2,
) -> list[FrontierPoint]:
    """Find the best transformation for each k: the risk–utility frontier.

    The data is coded once and each node's class profile is computed once for
    all k, so a frontier of ten values of k costs little more than one search.

    Parameters
    ----------
    table, quasi_identifiers, hierarchies
        As for :func:`global_recoding`.
    k_values : sequence of int
        The values of k to solve for; each at most the number of records.
    max_suppression, sensitive, l, l_kind, t, t_distance, measure
        As for :func:`global_recoding`.
    risk_threshold : float, default 0.2
        A released record whose prosecutor risk is above this is at risk.

    Returns
    -------
    list of FrontierPoint
        One point per k that some transformation reaches, by increasing k.

    Raises
    ------
    InputError
        On bad parameters, or when no k of the list can be reached.

    Examples
    --------
    >>> from privacy.hierarchies import interval_hierarchy
    >>> table = pd.DataFrame({"age": [31, 32, 36, 37, 52, 58]})
    >>> hierarchies = {"age": interval_hierarchy(table["age"], widths=(5, 10, 40))}
    >>> [(point.k, point.levels["age"]) for point in
    ...  frontier(table, ["age"], hierarchies, [1, 2, 3])]
    [(1, 0), (2, 2), (3, 4)]
    """
    if isinstance(k_values, int | str) or len(k_values) == 0:
        raise InputError(
            f"Give the values of k as a list such as [2, 5, 10]; got {k_values!r}."
        )
    if any(
        isinstance(k, bool) or not isinstance(k, int | np.integer) for k in k_values
    ):
        raise InputError(
            f"The values of k must be whole numbers; got {list(k_values)!r}. "
            "Give for example [2, 5, 10]."
        )
    k_values = sorted({int(k) for k in k_values})
    if k_values[0] < 1:
        raise InputError(
            f"k must be a whole number of at least 1; got {k_values[0]}. Give "
            "values such as [2, 5, 10]."
        )
    lattice, _ = _prepare(
        table,
        quasi_identifiers,
        hierarchies,
        k_values[-1],
        max_suppression,
        sensitive,
        l,
        l_kind,
        t,
        t_distance,
        measure,
    )

    points = []
    for k in k_values:
        model = _build_model(
            table, k, max_suppression, sensitive, l, l_kind, t, t_distance, measure
        )
        best, evaluated = _search(lattice, model, measure)
        if best < 0:
            continue
        result = _global_result(
            table, lattice, model, measure, best, evaluated, max_suppression
        )
        points.append(frontier_point(result, risk_threshold=risk_threshold))
    if not points:
        raise InputError(
            f"No value of k in {k_values} can be reached with at most "
            f"{max_suppression:.0%} of records suppressed. Allow more suppression "
            "or add levels to the hierarchies."
        )
    return points


def measure_release(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    released: pd.DataFrame,
    covers: Mapping[str, Sequence[int] | np.ndarray],
    *,
    suppressed: Sequence[bool] | np.ndarray | None = None,
    measure: str = "loss",
) -> LossReport:
    """Measure any release with the same losses the searches minimize.

    This is how releases made by other tools are compared with ours: each
    released cell is described by how many distinct values of the original
    column it stands for (its *cover*: 1 for a value kept as is, all of
    them for ``*``).

    Parameters
    ----------
    table : pandas.DataFrame
        The original records.
    quasi_identifiers : sequence of str
        The generalized columns.
    released : pandas.DataFrame
        The released labels of the records that were kept, in table order.
    covers : mapping of str to array of int
        For each quasi-identifier, the cover of each kept record's label.
    suppressed : array of bool, optional
        For each original record, whether it was suppressed.
    measure : {"loss", "discernibility"}
        Which loss ``LossReport.value`` reports.

    Returns
    -------
    LossReport
        Generalization loss (overall and per attribute) and discernibility.

    Raises
    ------
    InputError
        If the sizes do not match or a cover is outside [1, distinct values].

    Examples
    --------
    >>> table = pd.DataFrame({"grade": [9, 10, 11, 12]})
    >>> released = pd.DataFrame({"grade": ["9-10", "9-10", "11-12"]})
    >>> report = measure_release(
    ...     table, ["grade"], released, {"grade": [2, 2, 2]},
    ...     suppressed=[False, False, False, True])
    >>> round(report.generalization_loss, 4), report.discernibility_loss
    (0.5, 0.5625)
    """
    if measure not in MEASURES:
        raise InputError(f"Unknown measure {measure!r}; choose one of {MEASURES}.")
    records = int(table.shape[0])
    mask = np.zeros(records, dtype=bool)
    if suppressed is not None:
        mask = np.asarray(suppressed, dtype=bool)
    kept = int(np.count_nonzero(~mask))
    if mask.size != records or released.shape[0] != kept:
        raise InputError(
            f"The release has {released.shape[0]} kept rows and the mask "
            f"{mask.size} entries, but the table has {records} records of which "
            f"{kept} are not suppressed. Pass the kept rows in table order."
        )

    attribute_loss = {}
    for name in quasi_identifiers:
        distinct = int(table[name].nunique(dropna=False))
        cover = np.asarray(covers[name], dtype=float)
        if cover.size != kept or (
            cover.size and not 1 <= cover.min() <= cover.max() <= distinct
        ):
            raise InputError(
                f"The covers of {name!r} must be one per kept record, each from 1 "
                f"to {distinct}; got {cover.size} values in "
                f"[{cover.min(initial=0):g}, {cover.max(initial=0):g}]."
            )
        loss = (cover - 1) / (distinct - 1) if distinct > 1 else cover * 0.0
        attribute_loss[name] = float((loss.sum() + (records - kept)) / records)
    generalization = float(np.mean(list(attribute_loss.values())))

    discernibility = float((records - kept) * records)
    if kept:
        labels = released[list(quasi_identifiers)].astype(object)
        labels = labels.where(labels.notna(), "\0missing")
        sizes = labels.value_counts(dropna=False).to_numpy(dtype=float)
        discernibility += float(np.sum(sizes**2))
    return LossReport(
        measure, generalization, discernibility / records**2, attribute_loss
    )


@dataclass(frozen=True, eq=False)
class _Ordering:
    """How Mondrian orders, labels and measures one quasi-identifier."""

    name: str
    rank: np.ndarray
    distinct: int
    kind: str
    sorted_text: np.ndarray
    missing_rank: int
    hierarchy: Hierarchy | None = None
    row_of_rank: np.ndarray | None = None
    level_maps: tuple[np.ndarray, ...] = ()
    level_covers: tuple[np.ndarray, ...] = ()


def _ordering(column: pd.Series, name: str, hierarchy: Hierarchy | None) -> _Ordering:
    """Rank a column's values for Mondrian's cuts; missing values rank last."""
    missing = column.isna().to_numpy()
    if hierarchy is not None:
        rows = hierarchy.row_codes(column)
        # Order hierarchy rows so that every group's members are adjacent:
        # sort by the label codes from the top level down to the value.
        keys = []
        for level in range(hierarchy.height + 1):
            labels = pd.Series([row[level] for row in hierarchy.levels], dtype=object)
            keys.append(pd.factorize(labels)[0])
        row_order = np.lexsort(keys)
        position = np.empty(len(row_order), dtype=np.int64)
        position[row_order] = np.arange(len(row_order))
        raw = np.where(missing, len(row_order), position[np.maximum(rows, 0)])
        present, rank = np.unique(raw, return_inverse=True)
        row_of_rank = np.where(
            present < len(row_order),
            row_order[np.minimum(present, len(row_order) - 1)],
            -1,
        )
        maps, covers = _hierarchy_covers(hierarchy, row_of_rank)
        return _Ordering(
            name,
            rank.reshape(-1),
            present.size,
            "hierarchy",
            np.array([]),
            -1,
            hierarchy,
            row_of_rank,
            maps,
            covers,
        )

    numeric = (
        pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    ) or pd.api.types.is_datetime64_any_dtype(column)
    text = as_text(column)
    if numeric:
        values = column[~missing]
        distinct_values = np.sort(values.unique())
        rank = np.full(column.size, distinct_values.size, dtype=np.int64)
        rank[~missing] = np.searchsorted(distinct_values, values.to_numpy())
        sorted_text = as_text(pd.Series(distinct_values, dtype=column.dtype)).to_numpy()
    else:
        # Categories have no order: rank them from most to least frequent, so
        # that cuts can set frequent values apart (ties alphabetically).
        counts = text[~missing].value_counts()
        ordered = sorted(counts.index, key=lambda value: (-counts[value], value))
        sorted_text = np.array(ordered, dtype=object)
        position = pd.Series(np.arange(sorted_text.size), index=sorted_text)
        rank = np.full(column.size, sorted_text.size, dtype=np.int64)
        rank[~missing] = position[text[~missing].to_numpy()].to_numpy()
    return _Ordering(
        name,
        rank,
        sorted_text.size + int(missing.any()),
        "range" if numeric else "set",
        sorted_text,
        int(sorted_text.size),
    )


def _hierarchy_covers(
    hierarchy: Hierarchy, row_of_rank: np.ndarray
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Per level: label code of each rank, and values of the data each label covers."""
    maps, covers = [], []
    for level in range(hierarchy.height + 1):
        labels = pd.Series([row[level] for row in hierarchy.levels], dtype=object)
        codes = pd.factorize(labels)[0].astype(np.int64)
        # Missing values keep a code of their own below the top.
        missing_code = codes.max() + 1 if level < hierarchy.height else codes[0]
        by_rank = np.where(
            row_of_rank >= 0, codes[np.maximum(row_of_rank, 0)], missing_code
        )
        maps.append(by_rank)
        covers.append(np.bincount(by_rank, minlength=int(by_rank.max()) + 1))
    return tuple(maps), tuple(covers)


def _group_labels(
    ordering: _Ordering, ranks: np.ndarray, group_of_record: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Released label and cover of every group, for one quasi-identifier.

    The cover is how many distinct values of the column the label stands for.
    """
    order = np.argsort(group_of_record, kind="stable")
    sorted_ranks = ranks[order]
    starts = np.flatnonzero(np.r_[True, np.diff(group_of_record[order]) != 0])
    missing = ordering.missing_rank
    labels = np.empty(groups, dtype=object)

    if ordering.kind == "hierarchy":
        hierarchy = ordering.hierarchy
        shared = np.full(groups, -1)
        for level, by_rank in enumerate(ordering.level_maps):
            codes = by_rank[sorted_ranks]
            same = np.minimum.reduceat(codes, starts) == np.maximum.reduceat(
                codes, starts
            )
            shared[(shared < 0) & same] = level
        first_rank = sorted_ranks[starts]
        covers = np.empty(groups, dtype=np.int64)
        for group in range(groups):
            level = int(shared[group])
            code = ordering.level_maps[level][first_rank[group]]
            covers[group] = ordering.level_covers[level][code]
            row = ordering.row_of_rank[first_rank[group]]
            if row >= 0:
                labels[group] = hierarchy.levels[row][level]
            else:
                top = level == hierarchy.height
                labels[group] = hierarchy.levels[0][-1] if top else np.nan
        return labels, covers

    # Ranks without the missing value (ranked last) give the range or set.
    has_missing = np.maximum.reduceat(sorted_ranks, starts) == missing
    low = np.minimum.reduceat(sorted_ranks, starts)
    top = np.maximum.reduceat(
        np.where(sorted_ranks == missing, -1, sorted_ranks), starts
    )
    text = ordering.sorted_text
    if ordering.kind == "range":
        covers = np.where(top >= 0, top - low + 1, 0)
        for group in range(groups):
            if top[group] < 0:
                labels[group] = np.nan
            elif low[group] == top[group]:
                labels[group] = text[low[group]]
            else:
                labels[group] = f"[{text[low[group]]}, {text[top[group]]}]"
    else:
        # Distinct (group, value) pairs, in group order, give each set.
        pair_group = group_of_record[order]
        keep = sorted_ranks != missing
        pairs = np.unique(np.stack([pair_group[keep], sorted_ranks[keep]]), axis=1)
        covers = np.bincount(pairs[0], minlength=groups)
        bounds = np.searchsorted(pairs[0], np.arange(groups + 1))
        for group in range(groups):
            names = text[pairs[1, bounds[group] : bounds[group + 1]]]
            if names.size == 0:
                labels[group] = np.nan
            elif names.size == 1:
                labels[group] = names[0]
            else:
                labels[group] = "{" + ", ".join(sorted(names)) + "}"

    mixed = has_missing & (covers > 0)
    labels[mixed] = [f"{label} or missing" for label in labels[mixed]]
    return labels, covers + has_missing


def mondrian(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    k: int,
    *,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    measure: str = "loss",
) -> AnonymizationResult:
    """Local recoding by strict Mondrian partitioning (LeFevre et al., 2006).

    The records are cut in two, again and again, on the quasi-identifier
    whose label is widest relative to its whole range, as long as both sides
    keep at least k records; when no cut of that attribute keeps k on both
    sides, the next widest is tried. Unlike the original median cut, the cut
    falls where the two sides lose least (numbers in value order, categories
    from most to least frequent); with a hierarchy it falls between the
    hierarchy's groups, nearest the median. Each final group releases, per
    quasi-identifier, the range of its numbers or dates (``[lo, hi]``), the
    set of its categories (``{a, b}``), or the lowest label of the hierarchy
    that covers all its values. Nothing is suppressed.

    Parameters
    ----------
    table : pandas.DataFrame
        The records.
    quasi_identifiers : sequence of str
        The columns to generalize.
    k : int
        Minimum group size.
    hierarchies : mapping of str to Hierarchy, optional
        Hierarchies for some or all quasi-identifiers.
    measure : {"loss", "discernibility"}
        Which loss ``information_loss.value`` reports.

    Returns
    -------
    AnonymizationResult
        ``method="local"``; ``levels`` is empty, ``lattice_size`` 0 and
        ``nodes_evaluated`` the number of groups.

    Raises
    ------
    InputError
        On bad parameters or a value a hierarchy does not cover.

    References
    ----------
    K. LeFevre, D. J. DeWitt and R. Ramakrishnan, "Mondrian multidimensional
    k-anonymity", ICDE 2006.

    Examples
    --------
    >>> table = pd.DataFrame({"age": [30, 31, 40, 41], "sex": list("FFMM")})
    >>> result = mondrian(table, ["age", "sex"], 2)
    >>> result.release.values.tolist()
    [['[30, 31]', 'F'], ['[30, 31]', 'F'], ['[40, 41]', 'M'], ['[40, 41]', 'M']]
    """
    _check_inputs(table, quasi_identifiers, None, k, 0.0, None)
    if measure not in MEASURES:
        raise InputError(f"Unknown measure {measure!r}; choose one of {MEASURES}.")
    hierarchies = dict(hierarchies or {})
    orderings = [
        _ordering(table[name], name, hierarchies.get(name))
        for name in quasi_identifiers
    ]
    ranks = np.column_stack([ordering.rank for ordering in orderings])
    spans = np.array([max(ordering.distinct - 1, 1) for ordering in orderings], float)

    groups = _mondrian_partitions(orderings, ranks, spans, int(k))

    records = int(table.shape[0])
    group_of_record = np.empty(records, dtype=np.int64)
    for number, group in enumerate(groups):
        group_of_record[group] = number
    labels, covers = {}, {}
    for position, ordering in enumerate(orderings):
        group_labels, group_covers = _group_labels(
            ordering, ranks[:, position], group_of_record, len(groups)
        )
        labels[ordering.name] = group_labels[group_of_record]
        covers[ordering.name] = group_covers[group_of_record]

    release = table.copy()
    for name in quasi_identifiers:
        release[name] = pd.Series(labels[name], index=table.index, dtype=object)
    loss = measure_release(table, quasi_identifiers, release, covers, measure=measure)
    keys = release[list(quasi_identifiers)].astype(object)
    class_sizes = (
        keys.where(keys.notna(), "\0missing").value_counts().to_numpy(dtype=np.int64)
    )
    k_achieved = int(class_sizes.min())
    explanation = (
        f"Mondrian cut the {records} records into {len(groups)} groups of at least "
        f"k = {k} by splitting, again and again, the attribute with the widest "
        "range where the two sides lose least. Each group shows the range, set or "
        "common hierarchy label of its values; the smallest released class has "
        f"{k_achieved} records and nothing is suppressed. Information loss "
        f"({loss.measure}) is {loss.value:.3f}."
    )
    return AnonymizationResult(
        release=release,
        suppressed=np.zeros(records, dtype=bool),
        levels={},
        k_achieved=k_achieved,
        information_loss=loss,
        nodes_evaluated=len(groups),
        lattice_size=0,
        method="local",
        quasi_identifiers=tuple(quasi_identifiers),
        k=int(k),
        max_suppression=0.0,
        class_sizes=class_sizes,
        explanation=explanation,
    )


def _best_cut(ordering: _Ordering, column: np.ndarray, k: int) -> np.ndarray | None:
    """Left side of the best cut that keeps k records on both sides.

    Numbers and categories are cut where the two sides lose least (records
    times the span of their label). With a hierarchy, cuts fall only between
    the groups one level below the lowest label the values share, nearest the
    median, so that each side keeps a tighter label.
    """
    values, counts = np.unique(column, return_counts=True)
    if values.size < 2:
        return None
    left_sizes = np.cumsum(counts)[:-1]
    allowed = (left_sizes >= k) & (column.size - left_sizes >= k)
    if ordering.kind == "hierarchy":
        shared = next(
            level
            for level, by_rank in enumerate(ordering.level_maps)
            if (by_rank[values] == by_rank[values[0]]).all()
        )
        children = ordering.level_maps[shared - 1][values]
        allowed &= children[:-1] != children[1:]
    if not allowed.any():
        return None
    candidates = np.flatnonzero(allowed)
    if ordering.kind == "hierarchy":
        cost = np.abs(left_sizes[candidates] - column.size / 2)
    else:
        # Cut where the two sides lose least: records times the values their
        # label spans (a range of ranks, or a set of categories).
        right_sizes = column.size - left_sizes[candidates]
        if ordering.kind == "range":
            left_span = values[candidates] - values[0]
            right_span = values[-1] - values[candidates + 1]
        else:
            left_span = candidates
            right_span = values.size - candidates - 2
        cost = left_sizes[candidates] * left_span + right_sizes * right_span
    best = candidates[np.argmin(cost)]
    return column <= values[best]


def _mondrian_partitions(
    orderings: Sequence[_Ordering], ranks: np.ndarray, spans: np.ndarray, k: int
) -> list[np.ndarray]:
    """Strict partitioning: row indices of each final group of at least k."""
    pending = [np.arange(ranks.shape[0])]
    groups = []
    set_positions = [
        position
        for position, ordering in enumerate(orderings)
        if ordering.kind == "set"
    ]
    while pending:
        group = pending.pop()
        if group.size < 2 * k:
            groups.append(group)
            continue
        values = ranks[group]
        widths = (values.max(axis=0) - values.min(axis=0)) / spans
        # A set of categories is as wide as the values it holds, not the
        # range of their alphabetical ranks.
        for position in set_positions:
            held = np.count_nonzero(np.bincount(values[:, position]))
            widths[position] = (held - 1) / spans[position]

        # Try the widest attribute first, then the next ones.
        split = None
        for position in np.argsort(-widths, kind="stable"):
            if widths[position] == 0:
                break
            split = _best_cut(orderings[position], values[:, position], k)
            if split is not None:
                break
        if split is None:
            groups.append(group)
        else:
            pending.extend((group[~split], group[split]))
    return groups


def frontier_frame(points: Sequence[FrontierPoint]) -> pd.DataFrame:
    """Shape frontier points for the risk–utility chart, one row per point.

    Parameters
    ----------
    points : sequence of FrontierPoint
        Global and local points alike.

    Returns
    -------
    pandas.DataFrame
        Columns ``k``, ``method``, ``information_loss``,
        ``generalization_loss``, ``discernibility_loss``,
        ``prosecutor_risk_max``, ``prosecutor_risk_avg``,
        ``records_at_risk_share``, ``suppressed_share`` and
        ``transformation`` (levels as text, or ``"local"``).

    Examples
    --------
    >>> from privacy.hierarchies import suppression_hierarchy
    >>> table = pd.DataFrame({"sex": ["F", "F", "M", "M"]})
    >>> hierarchies = {"sex": suppression_hierarchy(table["sex"])}
    >>> frame = frontier_frame(frontier(table, ["sex"], hierarchies, [2, 4]))
    >>> frame[["k", "transformation", "prosecutor_risk_max"]].values.tolist()
    [[2, 'sex=0', 0.5], [4, 'sex=1', 0.25]]
    """
    columns = [
        "k",
        "method",
        "information_loss",
        "generalization_loss",
        "discernibility_loss",
        "prosecutor_risk_max",
        "prosecutor_risk_avg",
        "records_at_risk_share",
        "suppressed_share",
    ]
    rows = []
    for point in points:
        row = {column: getattr(point, column) for column in columns}
        row["transformation"] = (
            ", ".join(f"{name}={level}" for name, level in point.levels.items())
            if point.method == "global"
            else "local"
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*columns, "transformation"])


def attribute_loss_frame(result: AnonymizationResult) -> pd.DataFrame:
    """Shape the loss of each quasi-identifier for a bar chart.

    Parameters
    ----------
    result : AnonymizationResult
        A global or local release.

    Returns
    -------
    pandas.DataFrame
        Columns ``quasi_identifier`` and ``generalization_loss``, in the order
        the quasi-identifiers were given.

    Examples
    --------
    >>> table = pd.DataFrame({"age": [30, 31, 40, 41]})
    >>> attribute_loss_frame(mondrian(table, ["age"], 2)).values.tolist()
    [['age', 0.3333333333333333]]
    """
    loss = result.information_loss.attribute_loss
    return pd.DataFrame(
        {
            "quasi_identifier": list(loss),
            "generalization_loss": list(loss.values()),
        }
    )


def distribution_frame(
    table: pd.DataFrame, result: AnonymizationResult, column: str, *, top: int = 15
) -> pd.DataFrame:
    """Counts of a quasi-identifier's values before and after anonymization.

    The ``top`` most frequent values of each stage are kept and the rest
    summed as ``"(other values)"``; missing values show as ``"(missing)"`` and
    suppressed records as ``"(suppressed)"`` after anonymization.

    Parameters
    ----------
    table : pandas.DataFrame
        The original records.
    result : AnonymizationResult
        The anonymization of ``table``.
    column : str
        A quasi-identifier.
    top : int, default 15
        Values shown per stage.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage`` (``"before"`` or ``"after"``), ``value`` and
        ``records``.

    Raises
    ------
    InputError
        If the column is not one of the result's quasi-identifiers.

    Examples
    --------
    >>> table = pd.DataFrame({"age": [30, 31, 40, 41]})
    >>> frame = distribution_frame(table, mondrian(table, ["age"], 2), "age")
    >>> frame[frame["stage"] == "after"].values.tolist()
    [['after', '[30, 31]', 2], ['after', '[40, 41]', 2]]
    """
    if column not in result.quasi_identifiers:
        raise InputError(
            f"{column!r} is not a quasi-identifier of this release; choose one of "
            f"{list(result.quasi_identifiers)}."
        )
    stages = [("before", table[column]), ("after", result.release[column])]
    frames = []
    for stage, values in stages:
        text = as_text(values).fillna("(missing)")
        counts = text.value_counts(sort=True)
        shown = counts.head(top)
        rest = int(counts.iloc[top:].sum())
        if rest:
            shown = pd.concat([shown, pd.Series({"(other values)": rest})])
        if stage == "after" and result.records_suppressed:
            shown = pd.concat(
                [shown, pd.Series({"(suppressed)": result.records_suppressed})]
            )
        frames.append(
            pd.DataFrame(
                {
                    "stage": stage,
                    "value": shown.index.astype(str),
                    "records": shown.to_numpy(dtype=np.int64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
