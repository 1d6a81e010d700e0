"""Turning an uploaded CSV or Excel file into records (backdrop-api.md §1.12), before the pipeline.

Public API:

    records_from_upload(name: str, content: bytes, upload_format: str) -> list[dict]
        Checks the file (size, type), parses it as CSV or Excel (xlsx with openpyxl, xls with xlrd),
        keeps the first sheet, and turns its rows into dicts keyed by the header row. Raises
        UploadError(messages) listing every problem; the records then go through prepare_records.

CSV: UTF-8 (a byte-order mark is allowed), any line ending, quoted cells may hold newlines, rows
whose first cell starts with '#' are comments, a column headed exactly "comment" is dropped, empty
rows are dropped, and each cell becomes an int if it reads as one, else a float, else stays text.
Excel: date cells become ISO 8601 UTC strings, empty cells null, whole-number cells ints, error
cells their error text (such as "#DIV/0!").
"""

import csv
import datetime
import io
import mimetypes
import re
from typing import TYPE_CHECKING

from .pipeline import isoformat

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
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"


class UploadError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def records_from_upload(name: str, content: bytes, upload_format: str) -> list[dict]:
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
        problems.append(f"the file type {mimetype or 'unknown'} is not CSV or Excel")
    if problems:
        raise UploadError([f"Invalid file upload {name} - {' and '.join(problems)}"])


def _format_from_name(name: str) -> str:
    return "excel" if name.lower().endswith((".xls", ".xlsx")) else "csv"


# -- CSV -----------------------------------------------------------------------------------------


def parse_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(["Non-UTF8 characters found."]) from None
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if not (row and row[0].startswith("#"))]
    if rows and "comment" in rows[0]:
        dropped = rows[0].index("comment")
        rows = [row[:dropped] + row[dropped + 1 :] for row in rows]
    return [[_number(cell) for cell in row] for row in rows if any(cell.strip() for cell in row)]


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
        return [[_excel_value(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
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


def rows_to_records(rows: list[list]) -> list[dict]:
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise UploadError(["The file has no rows."])
    header = [str(key) if key is not None else "" for key in rows[0]]
    # Trailing empty header cells are spreadsheet padding, not columns.
    while header and header[-1] == "":
        header.pop()
    longer = fewer = False
    records = []
    for row in rows[1:]:
        cells = list(row)
        while len(cells) > len(header) and cells[-1] in (None, ""):
            cells.pop()
        longer = longer or len(cells) > len(header)
        fewer = fewer or len(cells) < len(header)
        records.append(dict(zip(header, cells, strict=False)))
    errors = []
    if longer:
        errors.append("Some rows in the CSV file contain more values than columns")
    if fewer:
        errors.append("Some rows in the CSV file contain fewer values than columns")
    if errors:
        raise UploadError(errors)
    return records
