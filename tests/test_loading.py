"""Tests for privacy.loading: uploads read safely, every failure an InputError."""

from __future__ import annotations

import datetime
import io
import math
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as parquet
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy import loading
from privacy.exceptions import InputError
from privacy.loading import (
    MAX_UPLOAD_BYTES,
    LoadedTable,
    read_table_file,
    read_upload,
)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _xlsx(rows: list[list[object]], extra_sheets: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "students"
    for row in rows:
        sheet.append(row)
    for number in range(extra_sheets):
        workbook.create_sheet(f"other{number}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    parquet.write_table(table, buffer)
    return buffer.getvalue()


# Encodings.


def test_utf8_with_byte_order_mark_is_decoded_without_the_mark():
    loaded = read_upload("a.csv", "\ufeffname,age\nZoë,15\n".encode())
    assert loaded.encoding == "utf-8-sig"
    assert list(loaded.table.columns) == ["name", "age"]
    assert loaded.table.loc[0, "name"] == "Zoë"


def test_windows_1252_is_detected_decoded_and_noted():
    loaded = read_upload("a.csv", "name,age\nJosé,15\n".encode("windows-1252"))
    assert loaded.encoding == "windows-1252"
    assert loaded.table.loc[0, "name"] == "José"
    assert any("Windows-1252" in note for note in loaded.notes)


def test_utf16_with_byte_order_mark_is_decoded():
    loaded = read_upload("a.txt", "name\tage\nAnn\t15\n".encode("utf-16"))
    assert loaded.encoding == "utf-16"
    assert loaded.delimiter == "\t"
    assert loaded.table.loc[0, "age"] == 15


def test_bytes_neither_utf8_nor_windows_1252_are_refused():
    # 0x81 is unassigned in Windows-1252 and invalid as a UTF-8 start byte.
    with pytest.raises(InputError, match=r"neither UTF-8 nor Windows-1252.*0x81"):
        read_upload("a.csv", b"name,age\nA\x81n,15\n")


# Delimiters.


@pytest.mark.parametrize(
    ("delimiter", "line"),
    [(",", "a,b,c"), (";", "a;b;c"), ("\t", "a\tb\tc"), ("|", "a|b|c")],
    ids=["comma", "semicolon", "tab", "pipe"],
)
def test_delimiter_is_detected(delimiter, line):
    text = f"{line}\n1{delimiter}2{delimiter}3\n"
    loaded = read_upload("a.csv", text.encode())
    assert loaded.delimiter == delimiter
    assert loaded.table.shape == (1, 3)


def test_semicolon_file_with_decimal_commas_is_read_as_semicolon():
    loaded = read_upload("a.csv", b"name;score\nAnn;1,5\nBob;2,5\n")
    assert loaded.delimiter == ";"
    assert loaded.table["score"].tolist() == ["1,5", "2,5"]


def test_quoted_fields_with_delimiters_and_newlines_are_respected():
    text = 'name,address\n"Lee, Ann","1 Main St\nBoston"\n'
    loaded = read_upload("a.csv", text.encode())
    assert loaded.delimiter == ","
    assert loaded.table.loc[0, "address"] == "1 Main St\nBoston"


def test_one_column_with_a_consistent_unknown_delimiter_is_refused():
    with pytest.raises(InputError, match=r"single column.*comma, semicolon, tab"):
        read_upload("a.csv", b"name:age\nAnn:15\nBob:16\n")


def test_one_column_without_a_delimiter_pattern_is_accepted_with_a_note():
    loaded = read_upload("a.csv", b"student_id\n0012\n0045\n")
    assert loaded.table["student_id"].tolist() == ["0012", "0045"]
    assert any("single column" in note for note in loaded.notes)


# Types.


def test_leading_zeros_survive_in_zip_and_id_columns():
    loaded = read_upload("a.csv", b"id,zip,grade\n007,02134,9\n010,02121,10\n")
    assert loaded.table["id"].tolist() == ["007", "010"]
    assert loaded.table["zip"].tolist() == ["02134", "02121"]
    assert loaded.table["grade"].dtype == np.int64


def test_code_like_name_keeps_digits_as_text_without_leading_zeros():
    loaded = read_upload("a.csv", b"schoolCode,phone\n4010,6175551234\n")
    assert loaded.table.dtypes.tolist() == [object, object]


def test_leading_zero_value_keeps_a_plainly_named_column_as_text():
    loaded = read_upload("a.csv", b"room\n012\n13\n")
    assert loaded.table["room"].tolist() == ["012", "13"]


def test_integer_column_becomes_int64_and_decimals_float64():
    loaded = read_upload("a.csv", b"age,score\n15,81.5\n16,-3e1\n")
    assert loaded.table["age"].dtype == np.int64
    assert loaded.table["score"].tolist() == [81.5, -30.0]


def test_missing_values_stay_missing_and_rows_are_kept():
    loaded = read_upload("a.csv", b"age,name\n15,Ann\n,NA\nNA,\n")
    assert len(loaded.table) == 3
    assert loaded.table["age"].dtype == np.float64
    assert math.isnan(loaded.table.loc[1, "age"])
    assert loaded.table["name"].isna().tolist() == [False, True, True]


def test_mixed_type_column_is_reported_with_its_text_values_and_kept_as_text():
    loaded = read_upload("a.csv", b"score\n12\nn/a\n14\nabsent\nn/a\n15\n16\n")
    assert loaded.mixed_type_columns == {"score": ["n/a", "absent"]}
    assert loaded.table["score"].tolist()[:3] == ["12", "n/a", "14"]
    assert any("'score' is mostly numbers" in note for note in loaded.notes)


def test_text_column_with_a_few_numbers_is_not_reported_as_mixed():
    loaded = read_upload("a.csv", b"name\nAnn\nBob\n7\n")
    assert loaded.mixed_type_columns == {}


def test_blank_lines_are_skipped_and_counted_in_the_notes():
    loaded = read_upload("a.csv", b"a,b\n1,2\n\n3,4\n")
    assert loaded.table["a"].tolist() == [1, 3]
    assert "Skipped 1 blank line(s)." in loaded.notes


def test_row_of_empty_fields_is_kept_as_missing_values():
    loaded = read_upload("a.csv", b"a,b\n1,2\n,\n")
    assert len(loaded.table) == 2
    assert loaded.table.iloc[1].isna().all()


# Errors in the file.


def test_empty_file_is_refused():
    with pytest.raises(InputError, match=r"is empty \(0 bytes\)"):
        read_upload("a.csv", b"")


def test_header_only_file_is_refused():
    with pytest.raises(InputError, match="header row but no rows of data"):
        read_upload("a.csv", b"name,age\n")


def test_ragged_row_is_refused_with_its_line_number():
    with pytest.raises(InputError, match=r"Line 3 .* has 3 field\(s\).*header has 2"):
        read_upload("a.csv", b"a,b\n1,2\n3,4,5\n6,7\n")


def test_short_row_is_refused_rather_than_padded():
    with pytest.raises(InputError, match=r"Line 2 .* has 1 field"):
        read_upload("a.csv", b"a,b,c\n1\n2,3,4\n")


def test_duplicate_column_names_are_named():
    with pytest.raises(InputError, match=r"duplicate column names: 'age'"):
        read_upload("a.csv", b"age,name,age\n1,A,2\n")


def test_blank_column_name_gives_its_position():
    with pytest.raises(InputError, match=r"Column 2 .* has no name"):
        read_upload("a.csv", b"age, ,name\n1,2,A\n")


def test_file_over_the_size_limit_states_the_limit():
    with pytest.raises(InputError, match=r"over the limit of 0\.0 MB"):
        read_upload("a.csv", b"a,b\n1,2\n", max_bytes=5)


def test_file_over_the_row_limit_states_the_limit():
    with pytest.raises(InputError, match=r"more than 2 data rows"):
        read_upload("a.csv", b"a\n1\n2\n3\n", max_rows=2)


def test_file_at_the_row_limit_is_accepted():
    assert len(read_upload("a.csv", b"a\n1\n2\n", max_rows=2).table) == 2


def test_binary_data_named_csv_is_refused():
    with pytest.raises(InputError, match="binary data"):
        read_upload("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_excel_workbook_named_csv_is_recognized():
    with pytest.raises(InputError, match="looks like an Excel workbook"):
        read_upload("a.csv", _xlsx([["a"], [1]]))


def test_unknown_extension_lists_the_accepted_ones():
    with pytest.raises(InputError, match=r"Unknown file type '\.json'.*\.csv"):
        read_upload("a.json", b"{}")


def test_old_excel_format_is_refused_with_a_remedy():
    with pytest.raises(InputError, match=r"\.xls.*Save it as \.xlsx"):
        read_upload("a.xls", b"\xd0\xcf\x11\xe0")


def test_unclosed_quote_is_refused_instead_of_merging_rows():
    with pytest.raises(InputError, match=r"Cannot parse .* unexpected end of data"):
        read_upload("a.csv", b'a,b\n1,"2\n3,4\n')


def test_non_positive_row_limit_is_refused():
    with pytest.raises(InputError, match=r"max_rows must be a positive.*got 0"):
        read_upload("a.csv", b"a\n1\n", max_rows=0)


# Excel and Parquet.


def test_excel_first_sheet_is_read_as_text_then_typed():
    data = _xlsx([["student_id", "zip", "age"], ["007", "02134", 15]], 1)
    loaded = read_upload("a.xlsx", data)
    assert loaded.file_format == "excel"
    assert loaded.table.to_dict("records") == [
        {"student_id": "007", "zip": "02134", "age": 15}
    ]
    assert any("first sheet, 'students', of 2" in note for note in loaded.notes)


def test_excel_empty_cells_stay_missing():
    loaded = read_upload("a.xlsx", _xlsx([["a", "b"], [1, None], [None, "x"]]))
    assert loaded.table["a"].isna().tolist() == [False, True]
    assert loaded.table["b"].isna().tolist() == [True, False]


def test_excel_duplicate_headers_are_refused():
    with pytest.raises(InputError, match="duplicate column names: 'a'"):
        read_upload("a.xlsx", _xlsx([["a", "a"], [1, 2]]))


def test_excel_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(InputError, match=r"not an \.xlsx workbook"):
        read_upload("a.xlsx", b"name,age\n")


def test_damaged_workbook_is_refused():
    with pytest.raises(InputError, match=r"cannot be opened as an \.xlsx"):
        read_upload("a.xlsx", b"PK\x03\x04" + b"\x00" * 40)


def test_parquet_keeps_stored_types_and_reads_text_like_csv():
    table = pa.table({"zip": ["02134", "02121"], "age": [15, 16]})
    loaded = read_upload("a.parquet", _parquet(table))
    assert loaded.file_format == "parquet"
    assert loaded.table["zip"].tolist() == ["02134", "02121"]
    assert loaded.table["age"].dtype == np.int64


def test_parquet_over_the_row_limit_is_refused():
    table = pa.table({"a": [1, 2, 3]})
    with pytest.raises(InputError, match="more than 2 data rows"):
        read_upload("a.parquet", _parquet(table), max_rows=2)


def test_parquet_with_nested_values_is_refused():
    table = pa.table({"a": [[1, 2], [3]]})
    with pytest.raises(InputError, match=r"'a' .* holds .* values"):
        read_upload("a.parquet", _parquet(table))


def test_truncated_parquet_is_refused():
    with pytest.raises(InputError, match="not a Parquet file"):
        read_upload("a.parquet", _parquet(pa.table({"a": [1]}))[:-3])


# Files on disk.


def test_read_table_file_reads_a_file_from_disk(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_bytes(b"grade\n9\n")
    assert read_table_file(path).table["grade"].tolist() == [9]


def test_read_table_file_refuses_a_missing_path(tmp_path):
    with pytest.raises(InputError, match="No file at"):
        read_table_file(tmp_path / "absent.csv")


def test_upload_limit_matches_fifty_megabytes():
    assert MAX_UPLOAD_BYTES == 50 * 1024 * 1024


def test_uci_student_performance_file_loads_with_all_rows():
    folder = SHARED_DATA / "uci-student-performance"
    if not folder.is_dir():
        pytest.skip(f"shared data folder {folder} is not present")
    path = next(iter(sorted(folder.glob("*mat*.csv"))), None)
    if path is None:
        pytest.skip("no student-mat CSV in the shared data folder")

    loaded = read_table_file(path)
    expected = pd.read_csv(path, sep=loaded.delimiter)
    assert loaded.table.shape == expected.shape
    assert loaded.table["age"].tolist() == expected["age"].tolist()


# Properties: whatever the bytes, only success or InputError.

_CSV_ALPHABET = st.sampled_from(
    [*"ab01,;\t|\"' \n\r-=.", "NA", "é", "\x00", "\x81", "\ufeff"]
)


def _outcome(filename: str, data: bytes) -> LoadedTable | None:
    try:
        loaded = read_upload(filename, data, max_rows=50)
    except InputError:
        return None
    assert isinstance(loaded.table, pd.DataFrame)
    return loaded


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=300),
    filename=st.sampled_from(["x.csv", "x.xlsx", "x.parquet", "x.txt", "x.tsv"]),
)
def test_random_bytes_raise_only_input_error(data, filename):
    _outcome(filename, data)


@settings(max_examples=60, deadline=None)
@given(
    pieces=st.lists(_CSV_ALPHABET, max_size=120),
    encoding=st.sampled_from(["utf-8", "windows-1252", "utf-16"]),
)
def test_random_csv_like_text_raises_only_input_error(pieces, encoding):
    data = "".join(pieces).encode(encoding, errors="replace")
    _outcome("x.csv", data)


@settings(max_examples=50, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.text(alphabet='ab0 ,"\n;', max_size=6), min_size=2, max_size=2),
        min_size=1,
        max_size=8,
    )
)
def test_well_formed_csv_keeps_every_row(cells):
    frame = pd.DataFrame(cells, columns=["left", "right"])
    data = frame.to_csv(index=False).encode()
    loaded = read_upload("x.csv", data)
    assert len(loaded.table) == len(frame)


def test_windows_line_endings_are_read():
    loaded = read_upload("a.csv", b"a,b\r\n1,2\r\n3,4\r\n")
    assert loaded.table.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_blank_line_between_windows_line_endings_is_skipped_and_counted():
    loaded = read_upload("a.csv", b"a,b\r\n1,2\r\n\r\n3,4\r\n")
    assert loaded.table["a"].tolist() == [1, 3]
    assert "Skipped 1 blank line(s)." in loaded.notes


def test_quoted_and_unquoted_files_read_the_same_table():
    unquoted = read_upload("a.csv", b"zip,age,name\n02134,15,Ann\n,16,Bob\n")
    quoted = read_upload("a.csv", b'zip,age,name\n"02134",15,"Ann"\n,16,Bob\n')
    pd.testing.assert_frame_equal(unquoted.table, quoted.table)


@settings(max_examples=50, deadline=None)
@given(
    lines=st.lists(
        st.lists(st.text(alphabet="ab0 9-.", max_size=4), min_size=2, max_size=3),
        min_size=2,
        max_size=6,
    )
)
def test_fast_reader_and_csv_module_read_simple_files_alike(lines):
    """Files without quotes take a faster path; it must change nothing."""
    data = "\n".join(",".join(line) for line in lines).encode()
    outcomes = []
    for path_taken in ("fast", "exact"):
        with pytest.MonkeyPatch.context() as patch:
            if path_taken == "exact":
                patch.setattr(loading, "_parse_unquoted", lambda *arguments: None)
            try:
                outcomes.append(read_upload("x.csv", data).table)
            except InputError as error:
                outcomes.append(str(error))
    if isinstance(outcomes[0], str):
        assert outcomes[0] == outcomes[1]
    else:
        pd.testing.assert_frame_equal(outcomes[0], outcomes[1])


def test_leading_blank_line_is_skipped_and_counted():
    loaded = read_upload("a.csv", b"\na,b\n1,2\n")
    assert list(loaded.table.columns) == ["a", "b"]
    assert "Skipped 1 blank line(s)." in loaded.notes


_VALID_WORKBOOK = _xlsx([["student_id", "age"], ["007", 15], ["010", 16]])
_VALID_PARQUET = _parquet(pa.table({"zip": ["02134", None], "age": [15, 16]}))


@settings(max_examples=50, deadline=None)
@given(
    kind=st.sampled_from(["xlsx", "parquet"]),
    changes=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(0, 255)),
        min_size=1,
        max_size=4,
    ),
)
def test_damaged_workbooks_and_parquet_files_raise_only_input_error(kind, changes):
    original = _VALID_WORKBOOK if kind == "xlsx" else _VALID_PARQUET
    damaged = bytearray(original)
    for position, value in changes:
        damaged[position % len(damaged)] = value
    _outcome(f"x.{kind}", bytes(damaged))


def test_workbook_that_expands_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(loading, "_MAX_EXPANDED_BYTES", 512 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"a" * (1024 * 1024))
    with pytest.raises(InputError, match=r"expands to 1\.0 MB .* limit of 0\.5 MB"):
        read_upload("bomb.xlsx", buffer.getvalue())


def test_excel_dates_are_read_as_iso_text():
    data = _xlsx([["birth_date"], [datetime.datetime(2010, 5, 3)]])
    assert read_upload("a.xlsx", data).table["birth_date"].tolist() == ["2010-05-03"]


def test_excel_over_the_row_limit_is_refused():
    data = _xlsx([["a"], [1], [2], [3]])
    with pytest.raises(InputError, match="more than 2 data rows"):
        read_upload("a.xlsx", data, max_rows=2)


def test_excel_blank_rows_between_records_are_skipped_and_counted():
    loaded = read_upload("a.xlsx", _xlsx([["a"], [1], [None], [2]]))
    assert loaded.table["a"].tolist() == [1, 2]
    assert "Skipped 1 blank row(s)." in loaded.notes


def test_parquet_code_column_stored_as_numbers_gets_a_note():
    loaded = read_upload("a.parquet", _parquet(pa.table({"zip": [2134, 2121]})))
    assert loaded.table["zip"].tolist() == [2134, 2121]
    assert any("'zip' is stored as numbers" in note for note in loaded.notes)


def test_ragged_line_number_counts_lines_inside_quoted_values():
    with pytest.raises(InputError, match=r"Line 4 .* has 1 field\(s\)"):
        read_upload("a.csv", b'a,b\n"x\ny",2\n3\n')


def test_read_table_file_refuses_an_oversized_file_before_reading_it(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(loading, "MAX_UPLOAD_BYTES", 5)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(InputError, match=r"'big\.csv' is 0\.0 MB, over the limit"):
        read_table_file(path)


def test_single_column_of_names_with_spaces_is_accepted():
    loaded = read_upload("a.csv", b"full name\nAnn Lee\nBob Ray\n")
    assert loaded.table["full name"].tolist() == ["Ann Lee", "Bob Ray"]
