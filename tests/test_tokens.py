"""Tests for privacy.tokens: keyed tokens and where the key comes from."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.exceptions import EphemeralKeyWarning, InputError
from privacy.tokens import (
    EPHEMERAL_KEY_MESSAGE,
    KEY_ENVIRONMENT_VARIABLE,
    resolve_token_key,
    tokenize,
    warn_if_ephemeral,
)

KEY = b"0123456789abcdef"
OTHER_KEY = b"fedcba9876543210"


# Where the key comes from.


def test_secret_wins_over_the_environment():
    environ = {KEY_ENVIRONMENT_VARIABLE: "environment key 1234"}
    assert resolve_token_key("secret key 123456", environ=environ) == (
        b"secret key 123456",
        False,
    )


def test_environment_variable_is_used_without_a_secret():
    environ = {KEY_ENVIRONMENT_VARIABLE: "environment key 1234"}
    assert resolve_token_key(None, environ=environ) == (b"environment key 1234", False)


def test_no_configured_key_gives_a_fresh_random_ephemeral_key():
    first, first_is_ephemeral = resolve_token_key(environ={})
    second, _ = resolve_token_key(environ={})
    assert first_is_ephemeral
    assert len(first) == 32
    assert first != second


def test_short_secret_is_refused_with_the_rule():
    with pytest.raises(InputError, match=r"token_key secret is 5 bytes.*at least 16"):
        resolve_token_key("short", environ={})


def test_empty_environment_variable_is_refused_rather_than_ignored():
    with pytest.raises(InputError, match=rf"{KEY_ENVIRONMENT_VARIABLE}.* is 0 bytes"):
        resolve_token_key(environ={KEY_ENVIRONMENT_VARIABLE: ""})


def test_ephemeral_key_warning_carries_the_message():
    with pytest.warns(EphemeralKeyWarning, match="will not match tokens"):
        warn_if_ephemeral(True)
    assert "EXPLORER_TOKEN_KEY" in EPHEMERAL_KEY_MESSAGE


# Tokens.


def test_token_is_the_truncated_hmac_sha256_with_prefix():
    expected = "tok_" + hmac.new(KEY, b"100231", hashlib.sha256).hexdigest()[:16]
    assert tokenize(pd.Series(["100231"]), KEY).tolist() == [expected]


def test_same_key_and_value_give_the_same_token():
    tokens = tokenize(pd.Series(["A1", "B2", "A1"]), KEY)
    assert tokens[0] == tokens[2]
    assert tokens[0] != tokens[1]


def test_different_keys_give_different_tokens():
    values = pd.Series(["A1"])
    assert tokenize(values, KEY)[0] != tokenize(values, OTHER_KEY)[0]


def test_missing_values_stay_missing():
    tokens = tokenize(pd.Series(["A1", None, np.nan]), KEY)
    assert tokens.isna().tolist() == [False, True, True]


def test_index_and_name_are_kept():
    values = pd.Series(["A1", "B2"], index=[7, 3], name="student_id")
    tokens = tokenize(values, KEY)
    assert tokens.index.tolist() == [7, 3]
    assert tokens.name == "student_id"


def test_integer_float_and_text_forms_of_an_id_share_a_token():
    tokens = tokenize(pd.Series([123, 123.0, "123", np.int64(123)], dtype=object), KEY)
    assert tokens.nunique() == 1


def test_leading_zeros_change_the_token():
    tokens = tokenize(pd.Series(["0123", "123"]), KEY)
    assert tokens[0] != tokens[1]


def test_prefix_and_length_are_applied():
    token = tokenize(pd.Series(["A1"]), KEY, prefix="", length=8)[0]
    assert len(token) == 8
    assert all(character in "0123456789abcdef" for character in token)


def test_short_key_is_refused():
    with pytest.raises(InputError, match=r"at least 16 bytes; got 3 bytes"):
        tokenize(pd.Series(["A1"]), b"abc")


def test_text_key_is_refused():
    with pytest.raises(InputError, match=r"at least 16 bytes; got str"):
        tokenize(pd.Series(["A1"]), "0123456789abcdef")  # type: ignore[arg-type]


def test_out_of_range_length_is_refused():
    with pytest.raises(InputError, match=r"length must be .* 8 to 64; got 4"):
        tokenize(pd.Series(["A1"]), KEY, length=4)


def test_list_instead_of_series_is_refused():
    with pytest.raises(InputError, match="values must be a pandas Series; got list"):
        tokenize(["A1"], KEY)  # type: ignore[arg-type]


def test_no_token_equals_a_plain_hash_of_its_identifier():
    identifiers = [f"{number:06d}" for number in range(100_000, 100_200)]
    tokens = tokenize(pd.Series(identifiers), KEY, prefix="")
    for identifier, token in zip(identifiers, tokens, strict=True):
        for algorithm in ("md5", "sha1", "sha256"):
            plain = hashlib.new(algorithm, identifier.encode()).hexdigest()
            assert token != plain
            assert token != plain[: len(token)]


@settings(max_examples=50, deadline=None)
@given(identifiers=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20))
def test_tokens_match_exactly_when_identifiers_match(identifiers):
    tokens = tokenize(pd.Series(identifiers, dtype=object), KEY)
    for left, left_token in zip(identifiers, tokens, strict=True):
        for right, right_token in zip(identifiers, tokens, strict=True):
            assert (left == right) == (left_token == right_token)


def test_key_longer_than_a_hash_block_matches_standard_hmac():
    long_key = bytes(range(100))
    expected = "tok_" + hmac.new(long_key, b"A1", hashlib.sha256).hexdigest()[:16]
    assert tokenize(pd.Series(["A1"]), long_key).tolist() == [expected]


def test_unhashable_identifiers_are_refused():
    with pytest.raises(InputError, match="Identifiers must be numbers or text"):
        tokenize(pd.Series([["A1"], ["B2"]], name="ids"), KEY)


@pytest.mark.parametrize(
    ("key", "identifier", "published"),
    [
        (
            b"\x0b" * 20,
            "Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"\xaa" * 131,
            "Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
    ],
    ids=["rfc4231-case-1", "rfc4231-case-6"],
)
def test_full_length_tokens_match_the_published_hmac_sha256_vectors(
    key, identifier, published
):
    """RFC 4231 publishes HMAC-SHA256 test vectors; a 64-character token is one."""
    token = tokenize(pd.Series([identifier]), key, prefix="", length=64)[0]
    assert token == published
