import json

import pandas as pd
import pytest

from privacy.config import (
    CONFIG_VERSION,
    ConfigDocument,
    TierConfig,
    config_from_json,
    config_to_json,
    table_fingerprint,
)
from privacy.exceptions import InputError
from privacy.roles import ColumnRole


def _document(**tier) -> ConfigDocument:
    return ConfigDocument(
        tier=TierConfig(**tier),
        roles={"school": ColumnRole.QUASI_IDENTIFIER, "name": ColumnRole.OTHER},
        origin={"builtin": "synthetic", "year": "2024-25", "seed": 7, "students": 100},
        input_name="Synthetic",
        input_rows=100,
        input_sha256="a" * 64,
    )


def test_round_trip_restores_every_field():
    document = _document(tier=4, k=7, levels={"school": 1}, sensitive_attribute="x")
    assert config_from_json(config_to_json(document)) == document


def test_export_names_versions_and_never_a_key():
    payload = json.loads(config_to_json(_document()))
    assert payload["version"] == CONFIG_VERSION
    assert set(payload["library_versions"]) >= {"diffprivlib", "scikit-learn"}
    assert "key" not in json.dumps(payload).lower().replace("library_versions", "")


def test_fingerprint_is_the_sha256_of_the_canonical_csv():
    """The digest of the two-line CSV text, computed with hashlib."""
    import hashlib

    expected = hashlib.sha256(b"a\n1\n").hexdigest()
    assert table_fingerprint(pd.DataFrame({"a": [1]})) == expected


def test_fingerprint_changes_with_one_value():
    first = table_fingerprint(pd.DataFrame({"zip": ["02134"]}))
    assert first != table_fingerprint(pd.DataFrame({"zip": ["2134"]}))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: p.update(version=99), "'version' is 99"),
        (lambda p: p.update(format="other"), "'format' must be"),
        (lambda p: p.pop("tier"), "lacks the field 'tier'"),
        (lambda p: p["tier"].pop("k"), "lacks the field 'tier.k'"),
        (lambda p: p["tier"].update(k=1), "'k' must be a whole number from 2"),
        (lambda p: p["tier"].update(epsilon=-1), "'epsilon' must be a number above 0"),
        (lambda p: p["tier"].update(k="5"), "'tier.k' must be int"),
        (lambda p: p["tier"].update(tier=True), "'tier.tier' must be int"),
        (lambda p: p["tier"].update(colour="red"), "unknown fields \\['colour'\\]"),
        (lambda p: p["input"].pop("sha256"), "lacks the field 'input.sha256'"),
        (lambda p: p["column_roles"].update(x="secret"), "column_roles.x"),
        (lambda p: p["tier"].update(max_suppression=0.9), "'max_suppression'"),
        (lambda p: p["input"]["origin"].update(evil=1), "unknown fields \\['evil'\\]"),
        (lambda p: p["input"]["origin"].update(seed="7"), "input.origin.seed"),
    ],
    ids=[
        "unknown-version",
        "other-format",
        "missing-tier",
        "missing-k",
        "k-too-small",
        "negative-epsilon",
        "k-as-text",
        "boolean-tier",
        "unknown-field",
        "missing-fingerprint",
        "unknown-role",
        "too-much-suppression",
        "unknown-origin-field",
        "origin-seed-as-text",
    ],
)
def test_invalid_documents_name_the_field(edit, message):
    payload = json.loads(config_to_json(_document()))
    edit(payload)
    with pytest.raises(InputError, match=message):
        config_from_json(json.dumps(payload))


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "not valid JSON"), ("[1, 2]", "must hold a JSON object"), (b"\xff", "JSON")],
    ids=["truncated", "list", "binary"],
)
def test_non_documents_are_refused_with_a_remedy(text, message):
    with pytest.raises(InputError, match=message):
        config_from_json(text)
