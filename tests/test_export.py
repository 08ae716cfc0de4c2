"""Tests for privacy.export: formula-safe CSV bytes and passphrase encryption."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.exceptions import InputError
from privacy.export import (
    MIN_PASSPHRASE_LENGTH,
    decrypt_bytes,
    encrypt_bytes,
    neutralize_formula,
    to_csv_bytes,
)
from privacy.loading import read_upload

PASSPHRASE = "correct horse battery"


# CSV bytes.


def test_formula_like_cells_get_an_apostrophe_and_numbers_do_not():
    table = pd.DataFrame(
        {
            "cell": [
                "=SUM(A1:A2)",
                "+1 555 0100",
                "-x",
                "@cmd",
                "\tlead",
                "-3",
                "+4.5",
                "plain",
            ],
            "count": [1, 2, 3, 4, 5, 6, 7, -8],
        }
    )
    expected = (
        b"cell,count\n"
        b"'=SUM(A1:A2),1\n"
        b"'+1 555 0100,2\n"
        b"'-x,3\n"
        b"'@cmd,4\n"
        b"'\tlead,5\n"
        b"-3,6\n"
        b"+4.5,7\n"
        b"plain,-8\n"
    )
    assert to_csv_bytes(table) == expected


def test_carriage_return_cells_are_quoted_so_rows_stay_whole():
    table = pd.DataFrame({"note": ["\rlead", "a\rb"], "count": [1, 2]})
    assert to_csv_bytes(table) == b'"note","count"\n"\'\rlead",1\n"a\rb",2\n'


def test_formula_like_column_name_is_neutralized():
    table = pd.DataFrame({"=cmd": [1]})
    assert to_csv_bytes(table) == b"'=cmd\n1\n"


def test_missing_values_are_written_as_empty_cells():
    table = pd.DataFrame({"a": ["x", None], "b": [1.5, np.nan]})
    assert to_csv_bytes(table) == b"a,b\nx,1.5\n,\n"


def test_output_is_utf8_with_newline_endings_and_no_index():
    table = pd.DataFrame({"name": ["Zoë"]}, index=[42])
    assert to_csv_bytes(table) == "name\nZoë\n".encode()


def test_categorical_text_cells_are_neutralized():
    table = pd.DataFrame({"a": pd.Categorical(["=1", "b"])})
    assert to_csv_bytes(table) == b"a\n'=1\nb\n"


def test_table_is_not_changed_by_the_export():
    table = pd.DataFrame({"a": ["=1"]})
    to_csv_bytes(table)
    assert table.loc[0, "a"] == "=1"


def test_non_table_is_refused():
    with pytest.raises(InputError, match="Only a table can be exported; got list"):
        to_csv_bytes([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize("number", ["-3", "+4.5", "-1e5", ".5", "-0.25"])
def test_numbers_in_text_cells_are_left_alone(number):
    assert neutralize_formula(number) == number


@settings(max_examples=50, deadline=None)
@given(cells=st.lists(st.text(max_size=8), min_size=1, max_size=6))
def test_no_exported_cell_starts_like_a_formula_unless_it_is_a_number(cells):
    table = pd.DataFrame({"a": cells})
    lines = to_csv_bytes(table).decode()
    frame = pd.read_csv(io.StringIO(lines), dtype=str, keep_default_na=False)
    for cell in frame["a"]:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert neutralize_formula(cell) == cell


def test_exported_csv_reads_back_through_the_upload_reader():
    table = pd.DataFrame({"zip": ["02134"], "count": [12]})
    loaded = read_upload("release.csv", to_csv_bytes(table))
    assert loaded.table.to_dict("records") == [{"zip": "02134", "count": 12}]


# Encryption.


def test_encryption_round_trips():
    assert decrypt_bytes(encrypt_bytes(b"a,b\n1,2\n", PASSPHRASE), PASSPHRASE) == (
        b"a,b\n1,2\n"
    )


def test_ciphertext_differs_each_time_and_hides_the_data():
    first = encrypt_bytes(b"student 100231", PASSPHRASE)
    second = encrypt_bytes(b"student 100231", PASSPHRASE)
    assert first != second
    assert b"100231" not in first


def test_wrong_passphrase_is_refused():
    sealed = encrypt_bytes(b"data", PASSPHRASE)
    with pytest.raises(InputError, match="Wrong passphrase"):
        decrypt_bytes(sealed, PASSPHRASE + "!")


def test_changed_file_is_refused():
    sealed = bytearray(encrypt_bytes(b"data", PASSPHRASE))
    sealed[-1] ^= 1
    with pytest.raises(InputError, match="file was changed"):
        decrypt_bytes(bytes(sealed), PASSPHRASE)


def test_changed_header_is_refused():
    sealed = bytearray(encrypt_bytes(b"data", PASSPHRASE))
    sealed[12] ^= 1
    with pytest.raises(InputError, match="Wrong passphrase, or the file was changed"):
        decrypt_bytes(bytes(sealed), PASSPHRASE)


def test_short_passphrase_is_refused_with_the_rule():
    with pytest.raises(InputError, match=rf"at least {MIN_PASSPHRASE_LENGTH} .*got 5"):
        encrypt_bytes(b"data", "short")


def test_empty_passphrase_is_refused_when_decrypting():
    with pytest.raises(InputError, match="passphrase is empty"):
        decrypt_bytes(encrypt_bytes(b"data", PASSPHRASE), "")


def test_file_not_made_by_the_explorer_is_refused():
    with pytest.raises(InputError, match="not a file encrypted by the explorer"):
        decrypt_bytes(b"name,age\n" * 10, PASSPHRASE)


def test_unknown_format_version_is_refused():
    sealed = bytearray(encrypt_bytes(b"data", PASSPHRASE))
    sealed[6] = 9
    with pytest.raises(InputError, match="format version 9"):
        decrypt_bytes(bytes(sealed), PASSPHRASE)


def test_excessive_key_derivation_cost_is_refused():
    sealed = bytearray(encrypt_bytes(b"data", PASSPHRASE))
    sealed[7] = 40
    with pytest.raises(InputError, match=r"log2 n = 40.*out of the accepted range"):
        decrypt_bytes(bytes(sealed), PASSPHRASE)
