"""Reading uploaded tables (CSV, Excel, Parquet) safely, in memory only.

Uploads arrive as bytes and never touch the disk. Every cell is read as text
first, so that identifiers and ZIP codes keep their leading zeros; a column then
becomes numeric only when every value in it is a number and nothing about the
column says it is a code. Rules the reader follows:

- CSV text is decoded as UTF-8 (with or without a byte-order mark), or as
  Windows-1252 when it is not valid UTF-8 (a note says so), or as UTF-16 when
  the file starts with a UTF-16 byte-order mark.
- The delimiter (comma, semicolon, tab or pipe) is the one that splits the first
  records into the same number of fields (more than one), quoted fields
  respected.
- Empty cells and ``NA`` are missing values; they stay missing and no row is
  ever dropped. Entirely blank lines are skipped and counted in the notes.
- A row with more or fewer fields than the header is an error naming its line.
- A column that is mostly numbers with a few text values (``"12"``, ``"n/a"``)
  stays text and is reported with the offending values.

Everything that can go wrong with the file raises
:class:`privacy.exceptions.InputError`, whose message says what to do.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as arrow_compute
from pyarrow import csv as arrow_csv

from privacy.exceptions import InputError, InternalError

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MEGABYTES",
    "MISSING_MARKERS",
    "LoadedTable",
    "read_table_file",
    "read_upload",
]

# Matches ``server.maxUploadSize = 50`` in .streamlit/config.toml (Streamlit
# counts a megabyte as 1024 * 1024 bytes).
MAX_UPLOAD_MEGABYTES = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MEGABYTES * 1024 * 1024
MAX_ROWS = 2_000_000

ACCEPTED_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
}

# Text that means "no value". Kept short on purpose: "n/a", "-" or "unknown"
# may carry meaning, so they stay text and show up as mixed-type values.
MISSING_MARKERS = frozenset({"", "NA"})

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SAMPLE_RECORDS = 100
# An .xlsx file unpacks to several times its size; beyond this it is refused.
_MAX_EXPANDED_BYTES = 10 * MAX_UPLOAD_BYTES
_SAMPLE_CHARACTERS = 256 * 1024
_MAX_REPORTED_VALUES = 5

# Arrow (RE2) patterns: ASCII digits only, anchored.
_INTEGER_PATTERN = r"^[+-]?[0-9]+$"
_DECIMAL_PATTERN = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_LEADING_ZERO_PATTERN = r"^[+-]?0[0-9]+$"
_MISSING_VALUE_SET = pa.array(sorted(MISSING_MARKERS), type=pa.string())
_CODE_WORDS = ("zip", "code", "postal", "phone")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ALLOWED_BYTES = bytes(
    byte for byte in range(256) if byte >= 0x20 or chr(byte) in "\t\n\r"
)
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True, eq=False)
class LoadedTable:
    """A table read from an upload, with what the reader noticed on the way.

    Parameters
    ----------
    table : pandas.DataFrame
        The data: text columns hold ``str`` (missing values are NaN), numeric
        columns are ``int64`` or ``float64``.
    file_format : str
        ``"csv"``, ``"excel"`` or ``"parquet"``.
    encoding : str or None
        The text encoding used for a CSV file (``"utf-8"``, ``"utf-8-sig"``,
        ``"windows-1252"``, ``"utf-16"``); None for Excel and Parquet.
    delimiter : str or None
        The field delimiter of a CSV file; None for Excel and Parquet.
    notes : tuple of str
        Things the user should know, in plain sentences.
    mixed_type_columns : dict of str to list of str
        Columns that are mostly numbers but hold some text, with up to five of
        the text values; these columns are kept as text.
    """

    table: pd.DataFrame
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    notes: tuple[str, ...] = ()
    mixed_type_columns: dict[str, list[str]] = field(default_factory=dict)


def read_upload(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_rows: int = MAX_ROWS,
) -> LoadedTable:
    r"""Read an uploaded file into a table, checking it on the way.

    Parameters
    ----------
    filename : str
        The name the file was uploaded with; its extension picks the reader
        (see ``ACCEPTED_EXTENSIONS``).
    data : bytes
        The file's content.
    max_bytes : int, default MAX_UPLOAD_BYTES
        Largest accepted file size.
    max_rows : int, default MAX_ROWS
        Largest accepted number of data rows.

    Returns
    -------
    LoadedTable
        The table with its format, encoding, delimiter, notes and mixed-type
        columns.

    Raises
    ------
    InputError
        The file is empty, too large, not of an accepted kind, cannot be
        decoded, has ragged rows, blank or duplicate column names, no data
        rows, or a single column that suggests a wrong delimiter.

    Examples
    --------
    >>> loaded = read_upload("students.csv", b"student_id;zip;age\n007;02134;15\n")
    >>> loaded.delimiter, loaded.encoding
    (';', 'utf-8')
    >>> loaded.table.to_dict("records")
    [{'student_id': '007', 'zip': '02134', 'age': 15}]
    """
    file_format = _file_format(filename)
    _check_limit("max_bytes", max_bytes)
    _check_limit("max_rows", max_rows)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InputError(
            f"The upload must be bytes; got {type(data).__name__}. Pass the "
            "file's raw content."
        )
    data = bytes(data)

    if not data:
        raise InputError(
            f"The file {filename!r} is empty (0 bytes). Choose a file that has "
            "a header row and at least one data row."
        )
    if len(data) > max_bytes:
        raise InputError(
            f"The file {filename!r} is {_megabytes(len(data))}, over the limit "
            f"of {_megabytes(max_bytes)}. Upload a smaller extract (fewer rows "
            "or columns)."
        )

    if file_format == "excel":
        return _read_excel(filename, data, max_rows)
    if file_format == "parquet":
        return _read_parquet(filename, data, max_rows)
    return _read_csv(filename, data, max_rows)


def read_table_file(path: str | Path) -> LoadedTable:
    r"""Read a table from a file on disk, with the same checks as an upload.

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV, Excel or Parquet file.

    Returns
    -------
    LoadedTable
        As :func:`read_upload`.

    Raises
    ------
    InputError
        The path does not name a readable file, or the file fails a check of
        :func:`read_upload`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "grades.csv"
    ...     _ = path.write_bytes(b"grade,score\n9,81.5\n10,77\n")
    ...     read_table_file(path).table.dtypes.tolist()
    [dtype('int64'), dtype('float64')]
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"No file at {str(path)!r}. Check the path, or give the full path "
            "to a CSV, Excel or Parquet file."
        )

    # Refuse an oversized file before reading it into memory.
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise InputError(
            f"The file {path.name!r} is {_megabytes(size)}, over the limit of "
            f"{_megabytes(MAX_UPLOAD_BYTES)}. Use a smaller extract."
        )

    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(
            f"Cannot read {str(path)!r}: {error.strerror}. Check that the file "
            "is readable by you."
        ) from error
    return read_upload(path.name, data)


# Checks shared by every format.


def _file_format(filename: str) -> str:
    if not isinstance(filename, str):
        raise InputError(
            f"The file name must be text; got {type(filename).__name__}. Pass "
            "the uploaded file's name."
        )
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls":
        raise InputError(
            f"{filename!r} is an Excel 97-2003 workbook (.xls), which is not "
            "supported. Save it as .xlsx or as CSV in Excel and upload that."
        )
    if suffix not in ACCEPTED_EXTENSIONS:
        accepted = ", ".join(sorted(ACCEPTED_EXTENSIONS))
        raise InputError(
            f"Unknown file type {suffix or '(no extension)'!r} for {filename!r}. "
            f"Accepted extensions: {accepted}. Save the table in one of these "
            "formats."
        )
    return ACCEPTED_EXTENSIONS[suffix]


def _check_limit(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(
            f"{name} must be a positive whole number; got {value!r}. Use the "
            "default or a positive integer."
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _too_many_rows(filename: str, max_rows: int) -> InputError:
    return InputError(
        f"The file {filename!r} has more than {max_rows:,} data rows, the "
        "limit. Upload a sample or a subset of the rows."
    )


# CSV.


def _read_csv(filename: str, data: bytes, max_rows: int) -> LoadedTable:
    if data.startswith(_ZIP_MAGIC) or data.startswith(_PARQUET_MAGIC):
        kind = "an Excel workbook" if data.startswith(_ZIP_MAGIC) else "Parquet"
        raise InputError(
            f"{filename!r} looks like {kind}, not text. Rename it with the "
            "right extension (.xlsx or .parquet) or export it as CSV."
        )

    text, encoding, notes = _decode(filename, data)
    delimiter = _detect_delimiter(filename, text)
    parsed = _parse_unquoted(filename, text, delimiter, max_rows)
    if parsed is None:
        parsed = _parse_records(filename, text, delimiter, max_rows)
    header, columns, blank_lines = parsed
    if blank_lines:
        notes.append(f"Skipped {blank_lines} blank line(s).")
    if len(header) == 1:
        notes.append(
            "The file has a single column; if it should have more, check that "
            "it uses commas, semicolons, tabs or pipes between columns."
        )

    loaded = _build_table(filename, header, columns)
    return LoadedTable(
        table=loaded.table,
        file_format="csv",
        encoding=encoding,
        delimiter=delimiter,
        notes=(*notes, *loaded.notes),
        mixed_type_columns=loaded.mixed_type_columns,
    )


def _decode(filename: str, data: bytes) -> tuple[str, str, list[str]]:
    notes: list[str] = []

    # Excel's "Unicode text" export is UTF-16 with a byte-order mark.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(
                f"{filename!r} starts like UTF-16 text but byte {error.start} "
                "cannot be decoded. Save the file as CSV UTF-8 and upload again."
            ) from error
        notes.append("Decoded as UTF-16 (the file starts with a UTF-16 mark).")
        encoding = "utf-16"
    elif b"\x00" in data:
        position = data.index(b"\x00")
        raise InputError(
            f"{filename!r} contains binary data (a zero byte at position "
            f"{position}), not text. Upload a CSV text file, an .xlsx workbook "
            "or a Parquet file."
        )
    else:
        text, encoding = _decode_8bit(filename, data, notes)

    # A lone end-of-file mark from old DOS tools is harmless; other control
    # characters mean the bytes are not a text table.
    text = text.removesuffix("\x1a")
    _reject_control_characters(filename, text)
    return text, encoding, notes


def _decode_8bit(filename: str, data: bytes, notes: list[str]) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("windows-1252")
        except UnicodeDecodeError as error:
            raise InputError(
                f"{filename!r} is neither UTF-8 nor Windows-1252 text: byte "
                f"0x{data[error.start]:02x} at position {error.start} cannot "
                "be decoded. Save the file as 'CSV UTF-8' and upload again."
            ) from utf8_error
    notes.append(
        "Decoded as Windows-1252 because the file is not valid UTF-8; check "
        "that accented letters look right, or save it as 'CSV UTF-8'."
    )
    return text, "windows-1252"


def _reject_control_characters(filename: str, text: str) -> None:
    # Deleting every allowed byte is far faster than a regular expression
    # over a large file; the search below only runs when something is left.
    encoded = text.encode("utf-8", errors="surrogatepass")
    if not encoded.translate(None, _ALLOWED_BYTES):
        return
    found = _CONTROL_CHARACTER.search(text)
    if found:
        raise InputError(
            f"{filename!r} contains a control character "
            f"(U+{ord(found.group()):04X}) at character {found.start()}, so it "
            "is binary data, not a text table. Upload a CSV text file, an "
            ".xlsx workbook or a Parquet file."
        )


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    # strict: an opening quote that is never closed is an error instead of
    # silently swallowing the rest of the file into one cell.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _sample_counts(text: str, delimiter: str) -> list[int]:
    """Field counts of the first non-blank records, up to a parsing error."""
    # The first records lie in the first stretch of text; the record cut by
    # the end of that stretch is left out.
    sample = text[:_SAMPLE_CHARACTERS]
    truncated = len(sample) < len(text)
    counts: list[int] = []
    try:
        for record in _records(sample, delimiter):
            if _is_nonblank(record):
                counts.append(len(record))
            if len(counts) == _SAMPLE_RECORDS:
                return counts
    except csv.Error:
        # The full parse reports the error with its line number.
        pass
    if truncated and len(counts) > 1:
        counts.pop()
    return counts


def _is_nonblank(record: Sequence[str]) -> bool:
    return len(record) > 0


def _detect_delimiter(filename: str, text: str) -> str:
    # The right delimiter splits the header into several fields and every
    # sampled record into as many; among those, the one giving most fields.
    consistent: list[tuple[int, str]] = []
    partial: list[tuple[float, int, str]] = []
    for delimiter in _DELIMITER_NAMES:
        counts = _sample_counts(text, delimiter)
        if not counts or counts[0] < 2:
            continue
        matching = sum(count == counts[0] for count in counts) / len(counts)
        if matching == 1:
            consistent.append((counts[0], delimiter))
        else:
            partial.append((matching, counts[0], delimiter))

    if consistent:
        return max(consistent, key=lambda item: item[0])[1]
    if partial:
        # Parse with the closest fit so that the error names the ragged line.
        return max(partial, key=lambda item: (item[0], item[1]))[2]

    # One column: fine for a list of values, but a punctuation mark that
    # appears equally often on every line is probably an unsupported
    # delimiter. Spaces are left out: names and addresses contain them.
    _reject_probable_other_delimiter(filename, text)
    return ","


def _reject_probable_other_delimiter(filename: str, text: str) -> None:
    sample = text[:_SAMPLE_CHARACTERS].splitlines()
    if len(text) > _SAMPLE_CHARACTERS:
        # The last line of the sample may be cut short.
        sample = sample[:-1]
    lines = [line for line in sample[:_SAMPLE_RECORDS] if line.strip()]
    if len(lines) < 2:
        return
    candidates = {
        character
        for character in lines[0]
        if not character.isalnum() and character not in "\"'_-. "
    }
    for character in sorted(candidates):
        per_line = {line.count(character) for line in lines}
        if len(per_line) == 1:
            tried = ", ".join(_DELIMITER_NAMES.values())
            raise InputError(
                f"{filename!r} reads as a single column: none of the "
                f"delimiters tried ({tried}) splits its lines, but every line "
                f"contains {character!r} {per_line.pop()} time(s), which looks "
                "like a delimiter. Save the file as CSV with commas between "
                "columns."
            )


def _parse_records(
    filename: str, text: str, delimiter: str, max_rows: int
) -> tuple[list[str], list[pa.Array], int]:
    """Parse with the csv module, which reports the line of any problem."""
    reader = _records(text, delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise InputError(
            f"Cannot parse {filename!r} at line {reader.line_num}: {error}. "
            "A quoted value must end with a closing quote followed by the "
            "delimiter; fix the quoting that starts on or before that line."
        ) from error

    # Blank lines parse as empty records: they are skipped and counted.
    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    nonblank = np.flatnonzero(lengths > 0)
    if len(nonblank) == 0:
        raise InputError(
            f"{filename!r} contains only blank lines. Choose a file with a "
            "header row and at least one data row."
        )
    header = records[nonblank[0]]
    body = nonblank[1:]
    if np.any(lengths[body] != len(header)):
        _raise_ragged_line(filename, text, delimiter, len(header))
    if len(body) > max_rows:
        raise _too_many_rows(filename, max_rows)

    # Rows all have the header's length now, so they stack into a matrix
    # whose columns Arrow takes without a Python loop per cell.
    matrix = np.empty((len(body), len(header)), dtype=object)
    if len(body):
        matrix[:] = [records[position] for position in body]
    columns = [
        pa.array(matrix[:, position], type=pa.string())
        for position in range(len(header))
    ]
    return header, columns, len(records) - len(nonblank)


def _raise_ragged_line(
    filename: str, text: str, delimiter: str, header_length: int
) -> NoReturn:
    """Find the first record whose field count differs, and name its line."""
    reader = _records(text, delimiter)
    seen_header = False
    for record in reader:
        if not _is_nonblank(record):
            continue
        if not seen_header:
            seen_header = True
        elif len(record) != header_length:
            raise InputError(
                f"Line {reader.line_num} of {filename!r} has {len(record)} "
                f"field(s) but the header has {header_length}. Fix that line: "
                "quote values that contain the delimiter, and give every row "
                "one value per column (empty is fine)."
            )
    raise InternalError("A ragged record was found once but not a second time.")


def _has_blank_line(text: str) -> bool:
    # Two line breaks in a row, where CR LF counts as one break.
    return "\n\n" in text or "\r\r" in text or "\n\r" in text


def _parse_unquoted(
    filename: str, text: str, delimiter: str, max_rows: int
) -> tuple[list[str], list[pa.ChunkedArray], int] | None:
    """Parse a simple file quickly with Arrow, or return None.

    Without quote characters or blank lines every line is one record, and
    Arrow's reader refuses any line whose field count differs from the
    header's, so it reads exactly what the csv module would, many times
    faster. Anything else returns None and the csv module parses the file,
    naming the line of any problem.
    """
    text = text.rstrip("\r\n")
    if '"' in text or text.startswith(("\r", "\n")) or _has_blank_line(text):
        return None
    first_line = _LINE_BREAK.split(text, maxsplit=1)[0]
    width = first_line.count(delimiter) + 1
    if width < 2:
        return None

    names = [f"f{position}" for position in range(width)]
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=arrow_csv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=arrow_csv.ParseOptions(
                delimiter=delimiter, quote_char=False, ignore_empty_lines=False
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows - 1 > max_rows:
        raise _too_many_rows(filename, max_rows)

    header = [table.column(name)[0].as_py() for name in names]
    columns = [table.column(name).slice(1) for name in names]
    return header, columns, 0


# Excel.


def _read_excel(filename: str, data: bytes, max_rows: int) -> LoadedTable:
    if not data.startswith(_ZIP_MAGIC):
        raise InputError(
            f"{filename!r} is not an .xlsx workbook (it does not start like "
            "one). Open it in Excel and save it as .xlsx, or export it as CSV."
        )

    _check_expanded_size(filename, data)

    # openpyxl raises many exception types on damaged workbooks; all of them
    # mean the same thing to the user.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as error:
        raise InputError(
            f"{filename!r} cannot be opened as an .xlsx workbook "
            f"({type(error).__name__}). Open it in Excel and save it again, "
            "or export it as CSV."
        ) from error

    try:
        sheet_names = workbook.sheetnames
        records, blank_rows = _excel_records(
            workbook[sheet_names[0]], filename, max_rows
        )
    except InputError:
        raise
    except Exception as error:
        raise InputError(
            f"The first sheet of {filename!r} cannot be read "
            f"({type(error).__name__}). Open it in Excel and save it again, "
            "or export it as CSV."
        ) from error
    finally:
        workbook.close()

    if not records:
        raise InputError(
            f"The first sheet of {filename!r} is empty. Put the table (a "
            "header row, then data rows) on the first sheet."
        )
    header, rows = _trim_excel(records)
    notes = [f"Skipped {blank_rows} blank row(s)."] if blank_rows else []
    if len(sheet_names) > 1:
        notes.append(
            f"Read the first sheet, {sheet_names[0]!r}, of {len(sheet_names)}; "
            "move the table you want to the first sheet to read another."
        )

    columns = [pa.array(column, type=pa.string()) for column in zip(*rows, strict=True)]
    loaded = _build_table(filename, header, columns)
    return LoadedTable(
        table=loaded.table,
        file_format="excel",
        notes=(*notes, *loaded.notes),
        mixed_type_columns=loaded.mixed_type_columns,
    )


def _check_expanded_size(filename: str, data: bytes) -> None:
    # A workbook is a zip archive: a small upload can expand to gigabytes in
    # memory. The sizes in the archive's directory bound what reading yields.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise InputError(
            f"{filename!r} cannot be opened as an .xlsx workbook (damaged "
            "archive). Open it in Excel and save it again, or export it as CSV."
        ) from error
    if expanded > _MAX_EXPANDED_BYTES:
        raise InputError(
            f"{filename!r} expands to {_megabytes(expanded)} when unpacked, over "
            f"the limit of {_megabytes(_MAX_EXPANDED_BYTES)}. Upload a smaller "
            "workbook, or export the table as CSV."
        )


def _excel_records(
    sheet: object, filename: str, max_rows: int
) -> tuple[list[list[str]], int]:
    records: list[list[str]] = []
    blank_rows = 0
    pending_blank = 0
    for values in sheet.iter_rows(values_only=True):  # type: ignore[attr-defined]
        record = [_excel_text(value) for value in values]
        if all(value == "" for value in record):
            pending_blank += 1
            continue

        # Blank rows between records are skipped like blank CSV lines; those
        # after the last record are formatting leftovers and not counted.
        if records:
            blank_rows += pending_blank
        pending_blank = 0
        records.append(record)
        # The header row is not a data row.
        if len(records) > max_rows + 1:
            raise _too_many_rows(filename, max_rows)
    return records, blank_rows


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _trim_excel(records: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    # Rows may differ in length in a read-only sheet; pad them, then drop
    # columns that are empty from top to bottom (formatting leftovers).
    width = max(len(record) for record in records)
    padded = [record + [""] * (width - len(record)) for record in records]
    used = [
        position
        for position in range(width)
        if any(record[position] != "" for record in padded)
    ]
    header = [padded[0][position] for position in used]
    rows = [[record[position] for position in used] for record in padded[1:]]
    return header, rows


# Parquet.


def _read_parquet(filename: str, data: bytes, max_rows: int) -> LoadedTable:
    if not (data.startswith(_PARQUET_MAGIC) and data.endswith(_PARQUET_MAGIC)):
        raise InputError(
            f"{filename!r} is not a Parquet file (it lacks the Parquet "
            "markers at its start and end). Upload a valid Parquet file or "
            "export the table as CSV."
        )

    import pyarrow.parquet as parquet

    # pyarrow raises several exception types on damaged files; all of them
    # mean the same thing to the user.
    try:
        parquet_file = parquet.ParquetFile(io.BytesIO(data))
        if parquet_file.metadata.num_rows > max_rows:
            raise _too_many_rows(filename, max_rows)
        arrow_table = parquet_file.read()
        # Without the pandas metadata a stored index comes back as a column
        # instead of being hidden in the index.
        frame = arrow_table.to_pandas(ignore_metadata=True)
    except InputError:
        raise
    except Exception as error:
        raise InputError(
            f"{filename!r} cannot be read as Parquet ({type(error).__name__}: "
            f"{error}). Write the file again, or export the table as CSV."
        ) from error

    header = [str(name).strip() for name in frame.columns]
    _check_header(filename, header)
    if len(frame) == 0:
        raise _no_rows(filename)

    # Typed columns keep their types; text columns get the same treatment
    # as CSV cells.
    columns: dict[str, pd.Series] = {}
    mixed: dict[str, list[str]] = {}
    notes: list[str] = []
    for name, (_, column) in zip(header, frame.items(), strict=True):
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            columns[name] = column.reset_index(drop=True)
            if _is_code_like_name(name) and not pd.api.types.is_bool_dtype(column):
                notes.append(
                    f"Column {name!r} is stored as numbers although its name "
                    "suggests a code: leading zeros (as in ZIP 02134) were lost "
                    "when the file was written. Store it as text to keep them."
                )
            continue
        if pd.api.types.is_datetime64_any_dtype(column):
            columns[name] = column.reset_index(drop=True)
            continue
        values = [_parquet_text(filename, name, value) for value in column]
        columns[name], offending = _typed_column(
            name, pa.array(values, type=pa.string())
        )
        if offending:
            mixed[name] = offending
            notes.append(_mixed_note(name, offending))

    return LoadedTable(
        table=pd.DataFrame(columns),
        file_format="parquet",
        notes=tuple(notes),
        mixed_type_columns=mixed,
    )


def _parquet_text(filename: str, name: str, value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bytes | list | tuple | dict | np.ndarray):
        raise InputError(
            f"Column {name!r} of {filename!r} holds {type(value).__name__} "
            "values (lists, structures or binary), which a table of records "
            "cannot use. Flatten or drop that column before uploading."
        )
    return str(value).strip()


# Building the table: names, types, mixed columns.


@dataclass(frozen=True, eq=False)
class _Built:
    table: pd.DataFrame
    notes: tuple[str, ...]
    mixed_type_columns: dict[str, list[str]]


def _no_rows(filename: str) -> InputError:
    return InputError(
        f"{filename!r} has a header row but no rows of data below it. Add "
        "at least one row of data below the header."
    )


def _check_header(filename: str, header: Sequence[str]) -> None:
    for position, name in enumerate(header, start=1):
        if name == "":
            raise InputError(
                f"Column {position} of {filename!r} has no name (blank header "
                "cell). Give every column a name in the first row."
            )
    seen: set[str] = set()
    duplicates = [name for name in header if name in seen or seen.add(name)]
    if duplicates:
        names = ", ".join(repr(name) for name in dict.fromkeys(duplicates))
        raise InputError(
            f"{filename!r} has duplicate column names: {names}. Rename them so "
            "that every column name is unique."
        )


def _build_table(
    filename: str,
    header: Sequence[str],
    columns: Sequence[pa.Array | pa.ChunkedArray],
) -> _Built:
    header = [name.strip() for name in header]
    _check_header(filename, header)
    if not columns or len(columns[0]) == 0:
        raise _no_rows(filename)

    typed: dict[str, pd.Series] = {}
    mixed: dict[str, list[str]] = {}
    notes: list[str] = []
    for name, values in zip(header, columns, strict=True):
        typed[name], offending = _typed_column(name, values)
        if offending:
            mixed[name] = offending
            notes.append(_mixed_note(name, offending))
    return _Built(pd.DataFrame(typed), tuple(notes), mixed)


def _mixed_note(name: str, offending: list[str]) -> str:
    shown = ", ".join(repr(value) for value in offending)
    return (
        f"Column {name!r} is mostly numbers but also holds text ({shown}); "
        "it is kept as text. Replace those values with numbers or leave the "
        "cells empty to use it as a number."
    )


def _typed_column(
    name: str, raw_values: pa.Array | pa.ChunkedArray
) -> tuple[pd.Series, list[str]]:
    """Return the column as numbers or text, and its offending text values."""
    values = arrow_compute.utf8_trim_whitespace(raw_values)
    missing = arrow_compute.is_in(values, value_set=_MISSING_VALUE_SET)
    present = values.filter(arrow_compute.invert(missing))
    if len(present) == 0:
        return _text_series(values, missing), []

    is_number = arrow_compute.match_substring_regex(present, _DECIMAL_PATTERN)
    numbers = arrow_compute.sum(is_number).as_py() or 0
    if numbers == len(present):
        if _is_code_like_name(name) or _has_leading_zero(present):
            return _text_series(values, missing), []
        return _as_numbers(values, missing, present), []

    # Mostly numbers with some text: report the text, keep the column as text.
    offending: list[str] = []
    if numbers * 2 >= len(present) and not _is_code_like_name(name):
        text_values = present.filter(arrow_compute.invert(is_number))
        offending = arrow_compute.unique(text_values).to_pylist()
    return _text_series(values, missing), offending[:_MAX_REPORTED_VALUES]


def _text_series(
    values: pa.Array | pa.ChunkedArray, missing: pa.Array | pa.ChunkedArray
) -> pd.Series:
    cells = values.to_numpy(zero_copy_only=False)
    cells[missing.to_numpy(zero_copy_only=False)] = np.nan
    return pd.Series(cells, dtype=object)


def _is_code_like_name(name: str) -> bool:
    lowered = name.lower()
    if any(word in lowered for word in _CODE_WORDS):
        return True
    words = re.split(r"[^a-z0-9]+", _CAMEL_BOUNDARY.sub(" ", name).lower())
    return any(word in ("id", "ids") for word in words) or lowered.endswith("id")


def _has_leading_zero(present: pa.Array | pa.ChunkedArray) -> bool:
    found = arrow_compute.match_substring_regex(present, _LEADING_ZERO_PATTERN)
    return bool(arrow_compute.any(found).as_py())


def _as_numbers(
    values: pa.Array | pa.ChunkedArray,
    missing: pa.Array | pa.ChunkedArray,
    present: pa.Array | pa.ChunkedArray,
) -> pd.Series:
    # Arrow's number parser does not accept a leading plus sign.
    unsigned = values
    if arrow_compute.any(arrow_compute.starts_with(present, "+")).as_py():
        unsigned = arrow_compute.replace_substring_regex(values, r"^\+", "")
    no_missing = len(present) == len(values)
    all_integers = arrow_compute.all(
        arrow_compute.match_substring_regex(present, _INTEGER_PATTERN)
    ).as_py()
    if no_missing and all_integers:
        try:
            integers = arrow_compute.cast(unsigned, pa.int64())
        except pa.ArrowInvalid:
            # Beyond 64 bits the values are codes, not quantities: keep them.
            return _text_series(values, missing)
        return pd.Series(integers.to_numpy(zero_copy_only=False), dtype="int64")

    nulls = pa.nulls(len(values), type=pa.string())
    numbers = arrow_compute.cast(
        arrow_compute.if_else(missing, nulls, unsigned), pa.float64()
    )
    return pd.Series(numbers.to_numpy(zero_copy_only=False), dtype="float64")
