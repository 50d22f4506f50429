"""Excel exports open ready to read: text that looks like a formula shows as written yet never
runs, columns fit their content, the header stays in view and has filters."""

import io

import openpyxl

from tests.factories import register
from tests.registrations import fixtures as registration_fixtures

FORMULA = '=HYPERLINK("https://evil.example","Click")'
LONG_NEEDS = ", ".join(["Step-free access to every room"] * 10)


# The registration table's approval-moderated event with three places.
event = registration_fixtures.event


def exported_sheet(client, event, columns):
    response = client.submit(
        f"/manage/events/{event.slug}/registrations/export",
        {"columns": columns, "file_format": "xlsx", "status": ""},
    )
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def test_formula_like_text_shows_as_written_and_never_runs(app, client, event, organiser):
    register(
        app,
        event,
        "a@ngo.example",
        full_name=FORMULA,
        job_title="+1 cell",
        accessibility_needs="@SUM(A1)",
    )
    register(app, event, "b@ngo.example", full_name="Amal Said", job_title="-")
    register(app, event, "c@ngo.example", full_name="Zaid Khoury", job_title="#N/A")
    sheet = exported_sheet(client, event, ["full_name", "job_title", "accessibility_needs"])
    rows = list(sheet.iter_rows(min_row=2))
    by_name = {row[0].value: row for row in rows}
    formula_row = by_name[FORMULA]
    assert [cell.value for cell in formula_row] == [FORMULA, "+1 cell", "@SUM(A1)"]
    for cell in formula_row:
        assert cell.data_type == "s" and cell.quotePrefix
    # Ordinary text is left as it is.
    plain = by_name["Amal Said"]
    assert not plain[0].quotePrefix and plain[0].data_type == "s"
    # A lone "-" starts like a formula too: quoted, still shown as itself.
    assert plain[1].value == "-" and plain[1].quotePrefix
    # Text that a spreadsheet would take for an error code stays text.
    assert by_name["Zaid Khoury"][1].value == "#N/A"
    assert by_name["Zaid Khoury"][1].data_type == "s"
    assert not any(
        isinstance(cell.value, str) and cell.value.startswith("'")
        for row in sheet.iter_rows()
        for cell in row
    )


def test_the_sheet_fits_its_columns_freezes_the_header_and_filters(app, client, event, organiser):
    register(app, event, "a@ngo.example", full_name="Li", accessibility_needs=LONG_NEEDS)
    register(app, event, "b@ngo.example", full_name="Amal Said")
    columns = ["full_name", "email", "status", "accessibility_needs"]
    sheet = exported_sheet(client, event, columns)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    # Each column as wide as its longest value or its heading, within bounds.
    assert widths["A"] >= len("Full name") and widths["A"] < 20
    assert widths["B"] >= len("a@ngo.example")
    assert widths["C"] >= len("Awaiting approval")
    assert len("Accessibility needs") <= widths["D"] <= 80 < len(LONG_NEEDS)
    assert widths["D"] > widths["C"] > widths["A"]
    # The answer too long for its column wraps within it.
    long_answer = next(cell for cell in sheet["D"] if cell.value == LONG_NEEDS)
    assert long_answer.alignment.wrap_text
