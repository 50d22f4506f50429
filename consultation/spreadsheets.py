"""CSV and XLSX files that no cell of which can run as a formula.

Whoever typed the text (a registrant, an owner reporting progress) must not be able to plant
a formula: a cell that a spreadsheet would read as one (starting with =, +, -, @, a tab or a
carriage return) is made text. CSV has no way to say so but an apostrophe before the value.
XLSX keeps the value as written, in a string cell with the quote-prefix style: shown without
the apostrophe, and still text when someone edits it.
"""

import csv
import io

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Column widths of the XLSX sheet, in characters: a long answer wraps onto lines of this
# width at most rather than pushing the other columns off the screen.
MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH = 8, 60
WRAPPED = Alignment(wrap_text=True, vertical="top")
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    """The CSV cell: an apostrophe before a value that a spreadsheet would run."""
    return "'" + value if looks_like_formula(value) else value


def attachment(content: bytes, file_format: str, filename: str) -> Response:
    """The file as a download named ``filename`` (its extension added)."""
    return Response(
        content,
        mimetype=MEDIA_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}.{file_format}"'},
    )


def spreadsheet(file_format: str, title: str, header: list[str], rows: list[list]) -> bytes:
    """The file in ``file_format`` ("xlsx" or "csv"); ``title`` names the XLSX sheet."""
    return _xlsx(title, header, rows) if file_format == "xlsx" else _csv(header, rows)


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    # With a byte-order mark, spreadsheet programs read Arabic and accents as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def _xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                # openpyxl would store "=…" as a formula and "#N/A" as an error: answers are text.
                cell.data_type = "s"
                if looks_like_formula(cell.value):
                    cell.quotePrefix = True
                if "\n" in cell.value or len(cell.value) > MAX_COLUMN_WIDTH:
                    cell.alignment = WRAPPED
    for index, values in enumerate(zip(header, *rows, strict=True), start=1):
        longest = max(_text_width(value) for value in values)
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(longest + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH
        )
    # The headings stay in view while scrolling, with a filter on each.
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_width(value: object) -> int:
    """Characters in the value's longest line."""
    return max((len(line) for line in str(value or "").splitlines()), default=0)
