"""The one helper every CSV and Excel writer uses (core.spreadsheets): formula-leading
text is made inert, numbers stay numbers (issue 12, item 4)."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from marketplace.core.spreadsheets import csv_cell, unescape_csv_cell, xlsx_row

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+886 2", "-2+3", "@SUM(A1)",
           "\tleading tab", "\rleading CR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_leading_text_gets_an_apostrophe_in_csv_and_comes_back_on_import(text):
    assert csv_cell(text) == "'" + text
    assert unescape_csv_cell(csv_cell(text)) == text


def test_numbers_and_plain_text_are_written_as_they_are():
    assert csv_cell(Decimal("-12.50")) == "-12.50"
    assert csv_cell("-0.25") == "-0.25"  # a number as text: no formula
    assert csv_cell("Hex bolt") == "Hex bolt" and csv_cell(None) == ""
    assert unescape_csv_cell("'quoted") == "'quoted"  # an apostrophe the user typed stays


@pytest.mark.parametrize("write_only", [False, True])
def test_excel_cells_keep_text_as_text_and_numbers_as_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("S") if write_only else book.active
    sheet.append(xlsx_row(sheet, [*HOSTILE, Decimal("-5.5"), 3, None, "plain", "bell\x07"]))
    out = io.BytesIO()
    book.save(out)
    cells = list(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())[0]
    for cell, text in zip(cells, HOSTILE, strict=False):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    number, integer, empty, plain, bell = cells[len(HOSTILE):len(HOSTILE) + 5]
    assert (number.value, number.data_type) == (-5.5, "n") and integer.value == 3
    assert empty.value is None and (plain.value, plain.quotePrefix) == ("plain", False)
    assert bell.value == "bell"  # a control character an .xlsx cannot hold is dropped
