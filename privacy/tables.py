"""Published tables: counts and rates, small-cell rules and complementary suppression.

A table of counts (or rates of a yes/no attribute) by up to three dimensions is
published with its margins: row, column and grand totals, and with school and
grade the school total. Margins tie the cells together, so blanking a small
cell is not enough: a published total minus the published cells gives it
back. This module

1. builds the table and the additive relations between cells and margins
   (:func:`build_table`);
2. applies a small-cell rule (:class:`DisclosureRule`, with named presets in
   :data:`RULE_PRESETS`): *primary* suppression;
3. withholds further cells, the cheapest first, until the attacker's audit
   (:mod:`privacy.tables_audit`) finds no withheld cell it can pin down to
   within the protection level: *complementary* suppression;
4. reports what the protection cost (:class:`ProtectedTable`).

Choices made here, and why
--------------------------
- **Zero counts are published by default.** A zero says no student is in the
  cell; most agencies print it. ``DisclosureRule.withhold_zero_counts``
  withholds them instead. When zeros are printed the attacker knows a blank
  hides at least 1 student; the audit uses that, and complementary
  suppression never picks a zero cell (it would break that knowledge).
- **Rates follow both counts.** A rate is withheld when its numerator or its
  denominator is below the minimum, which includes every rate of 0% (it says
  that *no* student in the cell has the attribute; DESE blanks those too).
  A withheld count withholds its rate.
- **Rounding is conventional**: each published count is rounded to the
  nearest multiple of the base on its own (so margins need not add up), and a
  rate is computed from the rounded numerator and denominator, so it reveals
  no more than they do.
- **Top and bottom coding** prints rates above ``100 - p`` percent as ``">95%"``
  and below ``p`` percent as ``"<5%"`` (for p = 5).
- **Costs**: withholding a cell costs the students in it plus one (so that,
  between two empty-handed choices, fewer cells win).

Where the code lives
--------------------
This module gathers the public names; the code is in
:mod:`privacy.tables_builder` (the table and its margins),
:mod:`privacy.tables_rules` (rules and presets),
:mod:`privacy.tables_suppression` (primary and complementary suppression),
:mod:`privacy.tables_audit` (the attacker's audit) and
:mod:`privacy.tables_solver` (its linear programs),
:mod:`privacy.tables_subgroups` and :mod:`privacy.tables_costs` (who pays, the
DP alternative, differencing) and :mod:`privacy.tables_upload` (auditing a
table already published).

Examples
--------
>>> import pandas as pd
>>> students = pd.DataFrame({"grade": ["1"] * 30 + ["2"] * 2 + ["3"] * 25})
>>> protected = protect_table(students, ["grade"], RULE_PRESETS["dese-6"])
>>> protected.cells["count_reason"].tolist()
['', 'primary', 'complementary', '']
>>> protected.release()["count"].tolist()
[30, <NA>, <NA>, 57]
>>> protected.audit.passed
True
"""

from __future__ import annotations

from privacy.tables_audit import (
    DEFAULT_PROTECTION,
    AuditResult,
    ProtectionLevel,
    TableConstraints,
    audit_table,
)
from privacy.tables_builder import (
    MARGIN_LABEL,
    MAX_CATEGORIES,
    MAX_DIMENSIONS,
    MAX_INTERIOR_CELLS,
    MISSING_LABEL,
    CountTable,
    build_table,
)
from privacy.tables_rules import RULE_PRESETS, DisclosureRule
from privacy.tables_suppression import (
    ProtectedTable,
    protect_table,
    rate_mean_relative_error,
)

__all__ = [
    "DEFAULT_PROTECTION",
    "MARGIN_LABEL",
    "MAX_CATEGORIES",
    "MAX_DIMENSIONS",
    "MAX_INTERIOR_CELLS",
    "MISSING_LABEL",
    "RULE_PRESETS",
    "AuditResult",
    "CountTable",
    "DisclosureRule",
    "ProtectedTable",
    "ProtectionLevel",
    "TableConstraints",
    "audit_table",
    "build_table",
    "protect_table",
    "rate_mean_relative_error",
]
