"""The privacy library behind the Boston data-sharing tradeoff explorer.

It takes DataFrames and plain parameters and returns values or frozen
dataclasses; nothing here imports Streamlit. The main entry points:

- :func:`privacy.tiers.evaluate_tier` and :func:`privacy.tiers.compare_tiers`:
  the four future states of sharing, their releases, risk and utility;
- :func:`privacy.risk.assess_risk`: k, prosecutor / journalist / marketer risk,
  l-diversity and t-closeness of a table;
- :func:`privacy.anonymization.global_recoding`,
  :func:`privacy.anonymization.mondrian`: k-anonymization;
- :func:`privacy.tables.protect_table`: published tables with small-cell and
  complementary suppression, audited;
- :mod:`privacy.dp`: differentially private releases and the privacy budget;
- :func:`privacy.datasets.load_builtin` and :func:`privacy.loading.read_upload`:
  data in.

Naming follows one convention: ``*_score`` is higher-is-better, ``*_error`` and
``*_loss`` are lower-is-better, ``*_risk`` is a probability.
"""

from privacy.exceptions import (
    BudgetWarning,
    EphemeralKeyWarning,
    InputError,
    InternalError,
    PrivacyWarning,
)

__all__ = [
    "BudgetWarning",
    "EphemeralKeyWarning",
    "InputError",
    "InternalError",
    "PrivacyWarning",
    "__version__",
]

__version__ = "0.1.0"
