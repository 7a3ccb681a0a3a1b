"""Cells for every CSV and Excel file the marketplace writes, safe to open.

Text that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return: "formula injection", OWASP's CSV injection) is written
inert: in a CSV cell with a leading apostrophe (the catalog import takes it off again),
in an Excel cell as text marked "quote prefix", so Excel shows the text as typed and
never evaluates it. Numbers stay numbers: only text is escaped, and a plain number
written as text ("-0.25") is no formula and is left alone.

Use ``csv_row`` for every row a ``csv.writer`` writes, and ``xlsx_row`` for every row
appended to an openpyxl sheet (normal or write-only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")  # "12.5", "-0.25": a number, not a formula

# Control characters an .xlsx file cannot hold (openpyxl refuses them with an error).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet opening this text would treat it as a formula."""
    return text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text)


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for None, formula-leading text behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if runs_as_formula(value) else value
    return str(value)


def csv_row(values: Iterable[Any]) -> list[str]:
    return [csv_cell(value) for value in values]


def unescape_csv_cell(cell: str) -> str:
    """Undo ``csv_cell`` on import: the apostrophe written before formula-leading text
    (files written before plain numbers were left alone carry "'-5" too)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def xlsx_cell(sheet, value: Any) -> Any:
    """One Excel cell for ``sheet.append``: text as a text cell (never a formula, control
    characters dropped), formula-leading text with Excel's quote prefix; anything else
    (numbers, dates, None) as it is."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import Cell

    text = _XLSX_ILLEGAL.sub("", value)
    cell = Cell(sheet, row=1, column=1, value=text)  # placed by append
    cell.data_type = "s"  # openpyxl would make "=..." a formula
    if runs_as_formula(text):
        cell.quotePrefix = True
    return cell


def xlsx_row(sheet, values: Iterable[Any]) -> list[Any]:
    return [xlsx_cell(sheet, value) for value in values]
