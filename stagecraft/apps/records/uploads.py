"""Turning an uploaded CSV or Excel file into records (backdrop-api.md §1.12), before the pipeline.

Public API:

    read_upload(name: str, content: bytes, upload_format: str) -> ParsedUpload
        Checks the file (size, type), parses it as CSV or Excel (xlsx with openpyxl, xls with xlrd),
        keeps the first sheet, and turns its rows into dicts keyed by the header row, remembering
        each record's spreadsheet row number (the header is row 1 when nothing comes before it).
        Raises UploadError(messages) listing every problem; the records then go through
        prepare_records.

CSV: UTF-8 (a byte-order mark is allowed), any line ending, quoted cells may hold newlines, rows
whose first cell starts with '#' are comments, a column headed exactly "comment" is dropped, empty
rows are dropped, and each cell becomes an int if it reads as one, else a float, else stays text.
Excel: date cells become ISO 8601 UTC strings, empty cells null, whole-number cells ints, error
cells their error text (such as "#DIV/0!").
Both: a `_timestamp` that is a plain date (2014-02-04, the commonest thing in a spreadsheet) is taken
as midnight UTC (2014-02-04T00:00:00+00:00); the write API itself still refuses plain dates.
"""

import csv
import datetime
import io
import mimetypes
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .documents import isoformat

if TYPE_CHECKING:
    from xlrd.sheet import Cell  # xlrd has no type information: for the reader only

MAX_UPLOAD_BYTES = 1_000_000
ALLOWED_MIMETYPES = {
    "text/plain",
    "text/csv",
    "application/json",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_INT = re.compile(r"^\s*[+-]?\d+\s*$")
_FLOAT = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_PLAIN_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*$")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"


class UploadError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class ParsedUpload:
    """An upload's records, with the header's column names and each record's spreadsheet row."""

    columns: list[str]
    records: list[dict]
    row_numbers: list[int]


def read_upload(name: str, content: bytes, upload_format: str) -> ParsedUpload:
    check_file(name, content)
    if (upload_format or _format_from_name(name)) == "excel":
        rows = parse_excel(content)
    else:
        rows = parse_csv(content)
    return rows_to_records(rows)


def check_file(name: str, content: bytes) -> None:
    problems = []
    if not content:
        problems.append("the file is empty")
    elif len(content) >= MAX_UPLOAD_BYTES:
        problems.append(f"the file is too large (it must be under {MAX_UPLOAD_BYTES:,} bytes)")
    mimetype, _ = mimetypes.guess_type(name)
    if mimetype not in ALLOWED_MIMETYPES:
        problems.append(
            f"the file type {mimetype or 'unknown'} is not CSV or Excel (upload a .csv, .xlsx or .xls file)"
        )
    if problems:
        raise UploadError([f"Invalid file upload {name} - {' and '.join(problems)}"])


def _format_from_name(name: str) -> str:
    return "excel" if name.lower().endswith((".xls", ".xlsx")) else "csv"


# -- CSV -----------------------------------------------------------------------------------------


def parse_csv(content: bytes) -> list[list]:
    """Every row of the file, in order, so that row N of the list is the spreadsheet's row N + 1:
    comment rows become empty rows (dropped later, like other empty rows)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(["Non-UTF8 characters found."]) from None
    rows = [
        [] if row and row[0].startswith("#") else row for row in csv.reader(io.StringIO(text, newline=""))
    ]
    header = next((row for row in rows if row), [])
    if "comment" in header:
        dropped = header.index("comment")
        rows = [row[:dropped] + row[dropped + 1 :] for row in rows]
    return [[_number(cell) for cell in row] for row in rows]


def _number(cell: str) -> object:
    # Python won't read integers of more than 4,300 digits; those stay text (and fail the rules).
    if _INT.match(cell) and len(cell) <= 4000:
        return int(cell)
    if _FLOAT.match(cell):
        return float(cell)
    return cell


# -- Excel ---------------------------------------------------------------------------------------


def parse_excel(content: bytes) -> list[list]:
    """The first sheet's rows (the default first_sheet_filter)."""
    if content.startswith(_ZIP_MAGIC):
        return _parse_xlsx(content)
    if content.startswith(_OLE2_MAGIC):
        return _parse_xls(content)
    raise UploadError(["The file is not an Excel workbook (.xlsx or .xls)."])


def _parse_xlsx(content: bytes) -> list[list]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UploadError([f"The Excel file could not be read: {error}"]) from None
    try:
        sheet = workbook.worksheets[0]
        # From row 1 (not the sheet's first used row), so that list positions are row numbers.
        rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        return [[_excel_value(cell) for cell in row] for row in rows]
    finally:
        workbook.close()


def _excel_value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return isoformat(value)
    if isinstance(value, datetime.date):
        return isoformat(datetime.datetime.combine(value, datetime.time()))
    if isinstance(value, datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _parse_xls(content: bytes) -> list[list]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content)
    except Exception as error:  # xlrd raises many kinds for a broken file
        raise UploadError([f"The Excel file could not be read: {error}"]) from None
    sheet = book.sheet_by_index(0)
    return [[_xls_value(cell, book.datemode) for cell in sheet.row(index)] for index in range(sheet.nrows)]


def _xls_value(cell: "Cell", datemode: int) -> object:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        return isoformat(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return _excel_value(cell.value)


# -- rows to records -----------------------------------------------------------------------------


def rows_to_records(rows: list[list]) -> ParsedUpload:
    """Records keyed by the first non-empty row; rows[i] is spreadsheet row i + 1."""
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if any(cell not in (None, "") for cell in row)
    ]
    if not numbered:
        raise UploadError(
            ["The file has no rows: its first row should name the fields, and each row after it is a record."]
        )
    header = _header(numbered[0][1])
    if len(numbered) == 1:
        raise UploadError(
            [f"The file has a header row ({', '.join(header)}) but no records: add a row for each record."]
        )
    longer: list[int] = []
    fewer: list[int] = []
    records, row_numbers = [], []
    for number, row in numbered[1:]:
        cells = list(row)
        while len(cells) > len(header) and cells[-1] in (None, ""):
            cells.pop()
        if len(cells) != len(header):
            (longer if len(cells) > len(header) else fewer).append(number)
        record = dict(zip(header, cells, strict=False))
        _midnight_for_a_plain_date(record)
        records.append(record)
        row_numbers.append(number)
    _refuse_uneven_rows(longer, fewer)
    return ParsedUpload(header, records, row_numbers)


def _header(row: list) -> list[str]:
    header = [str(key) if key is not None else "" for key in row]
    # Trailing empty header cells are spreadsheet padding, not columns.
    while header and header[-1] == "":
        header.pop()
    return header


def _refuse_uneven_rows(longer: list[int], fewer: list[int]) -> None:
    errors = []
    if longer:
        errors.append(f"Some rows in the CSV file contain more values than columns: {describe_rows(longer)}")
    if fewer:
        errors.append(f"Some rows in the CSV file contain fewer values than columns: {describe_rows(fewer)}")
    if errors:
        raise UploadError(errors)


def describe_rows(numbers: list[int], most: int = 20) -> str:
    """'row 3', 'rows 3-5, 9', with runs of consecutive rows as ranges and at most `most` runs."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    parts = [str(first) if first == last else f"{first}-{last}" for first, last in runs[:most]]
    if len(runs) > most:
        parts.append(f"and {len(runs) - most} more")
    single = len(runs) == 1 and runs[0][0] == runs[0][1]
    return ("row " if single else "rows ") + ", ".join(parts)


def _midnight_for_a_plain_date(record: dict) -> None:
    value = record.get("_timestamp")
    match = _PLAIN_DATE.match(value) if isinstance(value, str) else None
    if match:
        record["_timestamp"] = f"{match[1]}T00:00:00+00:00"
