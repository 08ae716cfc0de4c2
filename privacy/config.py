"""The configuration document: a decision that can be exported and applied again.

The document is JSON. It records the tier and its parameters, the column roles,
how to load the input again (for built-in data) and a fingerprint of the input
(SHA-256 of its canonical CSV form and its row count), plus the versions of the
product and the libraries that computed the numbers. It never holds a data
value, and never the tokenization key.

Loading validates every field: an unknown format version, a missing field or an
out-of-range value raises :class:`~privacy.exceptions.InputError` naming the
field, so a hand-edited or truncated file cannot silently change a decision.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import pandas as pd

from privacy.exceptions import InputError
from privacy.roles import ColumnRole
from privacy.tier_catalog import Tier

__all__ = [
    "CONFIG_FORMAT",
    "CONFIG_VERSION",
    "PRODUCT_VERSION",
    "ConfigDocument",
    "TierConfig",
    "config_from_json",
    "config_to_json",
    "table_fingerprint",
]

CONFIG_FORMAT = "boston-tradeoff-explorer/configuration"
CONFIG_VERSION = 1
PRODUCT_VERSION = "0.1.0"

# Libraries whose versions change the numbers, recorded in every export.
_LIBRARIES = ("pandas", "numpy", "diffprivlib", "scikit-learn", "scipy", "streamlit")

TABLE_PROTECTIONS = ("suppression", "differential_privacy")
L_DIVERSITY_KINDS = ("distinct", "entropy")
MAX_EPSILON = 10.0
MAX_K = 1000


@dataclass(frozen=True)
class TierConfig:
    """A tier and every parameter that shapes its release.

    Parameters
    ----------
    tier : int
        1 to 4, the future state of sharing.
    dimensions : tuple of str
        Tables (tiers 1 and 2): the columns the table is broken down by. Tier 1
        always publishes by school only.
    indicator : str or None
        Tables: the yes/no column whose rate is published beside the counts.
    min_cell_size : int
        Tables: cells with fewer students than this are withheld.
    protection : str
        Tier 2: ``"suppression"`` or ``"differential_privacy"``.
    epsilon : float
        Tier 2 with differential privacy: the privacy-loss parameter.
    k : int
        Tiers 3 and 4: every released record shares its quasi-identifiers with
        at least k - 1 others.
    max_suppression : float
        Tiers 3 and 4: the largest share of records that may be withheld.
    hierarchies : dict
        Tiers 3 and 4: the generalization rule of each quasi-identifier, as
        plain parameters (see :mod:`privacy.hierarchies`).
    levels : dict or None
        Tiers 3 and 4: a fixed generalization level per quasi-identifier, or
        None to search for the transformation that loses least.
    sensitive_attribute : str or None
        Tier 4: the sensitive column protected by l-diversity.
    l : int
        Tier 4: at least l distinct sensitive values in every class.
    l_kind : str
        Tier 4: ``"distinct"`` or ``"entropy"`` l-diversity.
    seed : int
        Seed of the noise (differential privacy) so a release can be redrawn
        exactly by its owner.
    """

    tier: int = 3
    dimensions: tuple[str, ...] = ("school", "grade")
    indicator: str | None = "chronically_absent"
    min_cell_size: int = 10
    protection: str = "suppression"
    epsilon: float = 1.0
    k: int = 5
    max_suppression: float = 0.05
    hierarchies: dict[str, dict[str, Any]] = field(default_factory=dict)
    levels: dict[str, int] | None = None
    sensitive_attribute: str | None = None
    l: int = 2  # noqa: E741 - the name of the privacy model's parameter
    l_kind: str = "distinct"
    seed: int = 0

    def __post_init__(self) -> None:
        """Check every parameter against its range."""
        _check(self.tier in {tier.value for tier in Tier}, "tier", self.tier, "1-4")
        _check(
            2 <= self.min_cell_size <= 1000,
            "min_cell_size",
            self.min_cell_size,
            "a whole number from 2 to 1000",
        )
        _check(
            self.protection in TABLE_PROTECTIONS,
            "protection",
            self.protection,
            f"one of {list(TABLE_PROTECTIONS)}",
        )
        _check(
            isinstance(self.epsilon, int | float)
            and math.isfinite(self.epsilon)
            and 0 < self.epsilon <= MAX_EPSILON,
            "epsilon",
            self.epsilon,
            f"a number above 0 and at most {MAX_EPSILON}",
        )
        _check(2 <= self.k <= MAX_K, "k", self.k, f"a whole number from 2 to {MAX_K}")
        _check(
            0.0 <= self.max_suppression <= 0.5,
            "max_suppression",
            self.max_suppression,
            "a share from 0 to 0.5",
        )
        _check(2 <= self.l <= 100, "l", self.l, "a whole number from 2 to 100")
        _check(
            self.l_kind in L_DIVERSITY_KINDS,
            "l_kind",
            self.l_kind,
            f"one of {list(L_DIVERSITY_KINDS)}",
        )
        _check(len(self.dimensions) <= 3, "dimensions", self.dimensions, "1-3 columns")


def _check(condition: bool, name: str, value: object, expected: str) -> None:
    if not condition:
        raise InputError(
            f"Configuration field {name!r} must be {expected}; got {value!r}. "
            "Correct the value or export the configuration again from the app."
        )


@dataclass(frozen=True)
class ConfigDocument:
    """Everything needed to apply a decision again, and nothing secret.

    Parameters
    ----------
    tier : TierConfig
        The tier and its parameters.
    roles : dict of str to ColumnRole
        The role of every column.
    origin : dict
        How to load the input again (built-in name and parameters), or empty.
    input_name : str
        The dataset's display name.
    input_rows : int
        Number of records in the input.
    input_sha256 : str
        SHA-256 of the input's canonical CSV form.
    """

    tier: TierConfig
    roles: dict[str, ColumnRole]
    origin: dict[str, Any]
    input_name: str
    input_rows: int
    input_sha256: str


def table_fingerprint(table: pd.DataFrame) -> str:
    """Return the SHA-256 of a table's canonical CSV form.

    The canonical form is UTF-8 CSV with a header, no index, newline line ends
    and ISO dates, so the same table gives the same fingerprint on any machine.

    Parameters
    ----------
    table : pandas.DataFrame
        The input data.

    Returns
    -------
    str
        64 hexadecimal characters.

    Examples
    --------
    >>> table_fingerprint(pd.DataFrame({"a": [1]}))[:12]
    '309b0e45a73d'
    """
    text = table.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_to_json(document: ConfigDocument) -> str:
    """Serialize a configuration document to indented JSON.

    Parameters
    ----------
    document : ConfigDocument
        The decision to export.

    Returns
    -------
    str
        The JSON text, with format, version, creation time and library versions.
    """
    tier = asdict(document.tier)
    tier["dimensions"] = list(document.tier.dimensions)
    payload = {
        "format": CONFIG_FORMAT,
        "version": CONFIG_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "product_version": PRODUCT_VERSION,
        "library_versions": _library_versions(),
        "input": {
            "name": document.input_name,
            "rows": document.input_rows,
            "sha256": document.input_sha256,
            "origin": document.origin,
        },
        "column_roles": {name: str(role) for name, role in document.roles.items()},
        "tier": tier,
    }
    return json.dumps(payload, indent=2, sort_keys=False)


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def config_from_json(text: str | bytes) -> ConfigDocument:
    """Read and validate a configuration document.

    Parameters
    ----------
    text : str or bytes
        The JSON text as exported by :func:`config_to_json`.

    Returns
    -------
    ConfigDocument
        The validated decision.

    Raises
    ------
    InputError
        If the text is not JSON, is of another format or version, lacks a field
        or holds a value out of range; the message names the field.
    """
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(
            f"The configuration file is not valid JSON ({error}). Load a file "
            "exported by the explorer's Export page."
        ) from None
    if not isinstance(payload, dict):
        raise InputError(
            "The configuration file must hold a JSON object; got "
            f"{type(payload).__name__}. Load a file exported by the explorer."
        )

    if payload.get("format") != CONFIG_FORMAT:
        raise InputError(
            f"Field 'format' must be {CONFIG_FORMAT!r}; got "
            f"{payload.get('format')!r}. This is not an explorer configuration."
        )
    if payload.get("version") != CONFIG_VERSION:
        raise InputError(
            f"Field 'version' is {payload.get('version')!r}, but this explorer "
            f"reads version {CONFIG_VERSION}. Export the configuration again with "
            "this version of the explorer."
        )

    source = _require(payload, "input", dict)
    roles = _read_roles(_require(payload, "column_roles", dict))
    return ConfigDocument(
        tier=_read_tier(_require(payload, "tier", dict)),
        roles=roles,
        origin=_read_origin(_require(source, "origin", dict, prefix="input.")),
        input_name=_require(source, "name", str, prefix="input."),
        input_rows=_require(source, "rows", int, prefix="input."),
        input_sha256=_require(source, "sha256", str, prefix="input."),
    )


def _require(
    payload: Mapping[str, Any], name: str, kind: type, *, prefix: str = ""
) -> Any:
    if name not in payload:
        raise InputError(
            f"The configuration lacks the field {prefix + name!r}. Export the "
            "configuration again, or add the field."
        )
    value = payload[name]
    # JSON has no separate boolean and integer types in Python's eyes: a
    # boolean is never an acceptable count.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InputError(
            f"Field {prefix + name!r} must be of type {kind.__name__}; got {value!r}."
        )
    return value


# What may describe how to load a built-in dataset again, with its types.
_ORIGIN_FIELDS: dict[str, tuple[type, ...]] = {
    "builtin": (str,),
    "year": (str,),
    "seed": (int,),
    "students": (int, type(None)),
}


def _read_origin(raw: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(_ORIGIN_FIELDS))
    if unknown:
        raise InputError(
            f"The configuration's 'input.origin' has unknown fields {unknown}; "
            f"known fields are {sorted(_ORIGIN_FIELDS)}."
        )
    for name, value in raw.items():
        kinds = _ORIGIN_FIELDS[name]
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise InputError(
                f"Field 'input.origin.{name}' has the wrong type; got {value!r}."
            )
    if raw and "builtin" not in raw:
        raise InputError(
            "The configuration's 'input.origin' lacks the field 'builtin' naming "
            "the dataset to load."
        )
    return dict(raw)


def _read_roles(raw: Mapping[str, Any]) -> dict[str, ColumnRole]:
    valid = {role.value for role in ColumnRole}
    roles = {}
    for name, value in raw.items():
        if value not in valid:
            raise InputError(
                f"Field 'column_roles.{name}' must be one of {sorted(valid)}; got "
                f"{value!r}."
            )
        roles[name] = ColumnRole(value)
    return roles


def _read_tier(raw: Mapping[str, Any]) -> TierConfig:
    known = {item.name: item for item in fields(TierConfig)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise InputError(
            f"The configuration's 'tier' has unknown fields {unknown}; known "
            f"fields are {sorted(known)}."
        )
    missing = sorted(set(known) - set(raw))
    if missing:
        raise InputError(
            f"The configuration lacks the field 'tier.{missing[0]}'. Export the "
            "configuration again, or add the field."
        )
    values = dict(raw)
    _check_types(values)
    values["dimensions"] = tuple(values["dimensions"])
    return TierConfig(**values)


_TIER_TYPES: dict[str, tuple[type, ...]] = {
    "tier": (int,),
    "dimensions": (list,),
    "indicator": (str, type(None)),
    "min_cell_size": (int,),
    "protection": (str,),
    "epsilon": (int, float),
    "k": (int,),
    "max_suppression": (int, float),
    "hierarchies": (dict,),
    "levels": (dict, type(None)),
    "sensitive_attribute": (str, type(None)),
    "l": (int,),
    "l_kind": (str,),
    "seed": (int,),
}


def _check_types(values: Mapping[str, Any]) -> None:
    for name, kinds in _TIER_TYPES.items():
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, kinds):
            expected = " or ".join(
                "null" if kind is type(None) else kind.__name__ for kind in kinds
            )
            raise InputError(f"Field 'tier.{name}' must be {expected}; got {value!r}.")
