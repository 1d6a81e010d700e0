"""Parsing uploaded CSV and Excel files into records (backdrop-api.md §1.12)."""

import datetime
import io

import openpyxl
import pytest

from stagecraft.apps.records.uploads import (
    UploadError,
    describe_rows,
    parse_csv,
    read_upload,
    rows_to_records,
)


def records_from_upload(name, content, upload_format):
    return read_upload(name, content, upload_format).records


def upload_errors(name, content, upload_format="csv"):
    with pytest.raises(UploadError) as caught:
        records_from_upload(name, content, upload_format)
    return caught.value.messages


def test_it_turns_csv_rows_into_records_with_numbers():
    content = b"_timestamp,count,rate,name\r\n2014-01-01T00:00:00Z,12,0.5,web\r\n"
    assert records_from_upload("data.csv", content, "csv") == [
        {"_timestamp": "2014-01-01T00:00:00Z", "count": 12, "rate": 0.5, "name": "web"}
    ]


def test_it_skips_comment_lines_empty_rows_and_the_comment_column():
    content = (
        b"# exported by the ministry\n"
        b"name,comment,count\n"
        b"web,first row,1\n"
        b",,\n"
        b"\n"
        b"# another comment\r"
        b'"multi\nline",x,2\n'
    )
    assert records_from_upload("data.csv", content, "csv") == [
        {"name": "web", "count": 1},
        {"name": "multi\nline", "count": 2},
    ]


def test_it_keeps_text_that_only_looks_like_a_number():
    assert parse_csv(b"a1,b1,c1,d1\n1_000,nan,1e3, 7 \n") == [
        ["a1", "b1", "c1", "d1"],
        ["1_000", "nan", 1000.0, 7],
    ]


def test_it_refuses_non_utf8_csv():
    assert upload_errors("data.csv", "name\ncafé\n".encode("latin-1")) == ["Non-UTF8 characters found."]


def test_it_accepts_a_byte_order_mark():
    assert records_from_upload("data.csv", "\ufeffname\nx1\n".encode(), "csv") == [{"name": "x1"}]


def test_it_reports_rows_with_more_and_fewer_values_than_columns():
    assert upload_errors("data.csv", b"aa,bb\n1,2,3\n1\n1,2\n4,5,6\n") == [
        "Some rows in the CSV file contain more values than columns: rows 2, 5",
        "Some rows in the CSV file contain fewer values than columns: row 3",
    ]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("data.csv", b"", "the file is empty"),
        ("data.csv", b"x" * 1_000_000, "the file is too large (it must be under 1,000,000 bytes)"),
        ("data.exe", b"x", "the file type application/x-msdos-program is not CSV or Excel (upload a .csv"),
        ("data", b"x", "the file type unknown is not CSV or Excel"),
    ],
)
def test_it_checks_the_file_first(name, content, problem):
    messages = upload_errors(name, content)
    assert len(messages) == 1
    assert messages[0].startswith(f"Invalid file upload {name} - ")
    assert problem in messages[0]


def xlsx(rows, extra_sheet=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        other = workbook.create_sheet("second")
        for row in extra_sheet:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_the_first_sheet_of_an_xlsx_file():
    content = xlsx(
        [
            ["_timestamp", "count", "rate", "name", "empty"],
            [datetime.datetime(2013, 12, 3, 13, 30), 5.0, 0.25, "web", None],
            [None, None, None, None, None],
        ],
        extra_sheet=[["other"], ["ignored"]],
    )
    assert records_from_upload("data.xlsx", content, "excel") == [
        {"_timestamp": "2013-12-03T13:30:00+00:00", "count": 5, "rate": 0.25, "name": "web", "empty": None}
    ]


def test_it_refuses_a_file_that_is_not_a_workbook():
    assert upload_errors("data.xlsx", b"not a workbook", "excel") == [
        "The file is not an Excel workbook (.xlsx or .xls)."
    ]


def test_it_guesses_the_format_from_the_name_when_the_data_set_has_none():
    assert records_from_upload("data.xlsx", xlsx([["name"], ["x1"]]), "") == [{"name": "x1"}]


def test_a_file_without_rows_is_an_error():
    with pytest.raises(UploadError):
        rows_to_records([["", ""]])


def test_each_record_knows_its_spreadsheet_row():
    content = b'# a comment\nname,count\nweb,1\n\n"two\nlines",2\n# another\npost,3\n'
    parsed = read_upload("data.csv", content, "csv")
    assert parsed.columns == ["name", "count"]
    assert parsed.records == [
        {"name": "web", "count": 1},
        {"name": "two\nlines", "count": 2},
        {"name": "post", "count": 3},
    ]
    assert parsed.row_numbers == [3, 5, 7]


def test_excel_rows_are_numbered_from_the_top_of_the_sheet():
    parsed = read_upload("data.xlsx", xlsx([[None], ["name"], ["x1"], [None], ["x2"]]), "excel")
    assert parsed.row_numbers == [3, 5]


def test_a_plain_date_in_timestamp_is_midnight_utc():
    parsed = read_upload("data.csv", b"_timestamp,other\n2014-02-04,2014-02-04\n 2014-02-05 ,x\n", "csv")
    assert parsed.records == [
        {"_timestamp": "2014-02-04T00:00:00+00:00", "other": "2014-02-04"},
        {"_timestamp": "2014-02-05T00:00:00+00:00", "other": "x"},
    ]


def test_a_header_without_records_is_refused():
    assert upload_errors("notes.txt", b"hello\n") == [
        "The file has a header row (hello) but no records: add a row for each record."
    ]


@pytest.mark.parametrize(
    ("numbers", "described"),
    [
        ([3], "row 3"),
        ([3, 4, 5, 9], "rows 3-5, 9"),
        ([9, 3, 3], "rows 3, 9"),
        (list(range(2, 100, 2)), "rows " + ", ".join(str(n) for n in range(2, 42, 2)) + ", and 29 more"),
    ],
)
def test_rows_are_described_as_ranges(numbers, described):
    assert describe_rows(numbers) == described
