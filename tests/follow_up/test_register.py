"""The register of a series: every edition's items, filtered, sorted, paged and exported by
the series' organisers and policy team, and by nobody else."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from consultation.accounts.models import Role, User
from consultation.audit.models import AuditAction
from consultation.db import db
from consultation.follow_up import access, updates
from consultation.follow_up.register import item_or_404
from tests.audit.test_audit import logged

REGISTER = "/manage/series/MENA/follow-up"


def references(page: str, world) -> list[str]:
    """The references the page lists, in its order."""
    found = [(page.find(f">{ref}<"), ref) for ref in world.references.values()]
    return [ref for position, ref in sorted(found) if position >= 0]


def test_the_register_lists_every_edition_and_filters_them(app, client, series_world):
    client.login(series_world.users["organiser"].email)
    refs = series_world.references

    def listed(query: str = "") -> list[str]:
        response = client.get(REGISTER + query)
        assert response.status_code == 200
        return references(response.get_data(as_text=True), series_world)

    assert listed() == [refs["r26_access"], refs["r26_local"], refs["r27_protocol"]]
    assert listed(f"?edition={series_world.editions[2027]}") == [refs["r27_protocol"]]
    assert listed(f"?theme={series_world.theme_ids['local']}") == [refs["r26_local"]]
    assert listed("?addressee=states") == [refs["r26_access"]]
    assert listed("?priority=low") == [refs["r26_local"]]
    assert listed("?q=PROTOCOL") == [refs["r27_protocol"]]
    assert listed("?q=mena-2026-r02") == [refs["r26_local"]]
    assert listed("?sort=priority&order=desc") == [
        refs["r26_local"],
        refs["r27_protocol"],
        refs["r26_access"],
    ]
    assert listed("?kind=commitments") == [
        refs["c26_overdue"],
        refs["c26_done"],
        refs["c27_open"],
    ]
    assert listed("?kind=commitments&overdue=1") == [refs["c26_overdue"]]
    assert listed("?kind=commitments&status=done") == [refs["c26_done"]]
    assert listed(f"?kind=commitments&owner={series_world.ngo_id}") == [
        refs["c26_done"],
        refs["c27_open"],
    ]
    # A commitment has its session's themes.
    assert listed(f"?kind=commitments&theme={series_world.theme_ids['local']}") == [
        refs["c27_open"]
    ]
    assert listed("?kind=commitments&sort=due&order=desc") == [
        refs["c27_open"],
        refs["c26_overdue"],
        refs["c26_done"],
    ]
    page = client.get(REGISTER + "?kind=commitments&q=nothing-like-this").get_data(as_text=True)
    assert "No item matches these filters." in page


def test_the_register_pages_its_items(app, client, series_world):
    app.config["FOLLOW_UP_ITEMS_PER_PAGE"] = 2
    try:
        client.login(series_world.users["policy"].email)
        first = client.get(REGISTER).get_data(as_text=True)
        second = client.get(REGISTER + "?page=2").get_data(as_text=True)
    finally:
        app.config["FOLLOW_UP_ITEMS_PER_PAGE"] = 50
    refs = series_world.references
    assert references(first, series_world) == [refs["r26_access"], refs["r26_local"]]
    assert references(second, series_world) == [refs["r27_protocol"]]
    assert "Page 2 of 2" in second


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("organiser", 200),
        # A policy officer of the 2026 edition only follows the 2027 items up too.
        ("policy", 200),
        ("admin", 200),
        ("rapporteur", 403),
        ("other_organiser", 403),
        ("participant", 403),
    ],
)
def test_only_the_series_organisers_and_policy_team_open_it(client, series_world, role, expected):
    client.login(series_world.users[role].email)
    assert client.get(REGISTER).status_code == expected
    item = f"/manage/follow-up/recommendations/{series_world.items['r27_protocol']}"
    # Whether an item exists is the team's business: anyone else finds nothing there.
    assert client.get(item).status_code == (200 if expected == 200 else 404)


def test_a_demoted_policy_officer_loses_the_register(app, client, series_world):
    with app.app_context():
        db.session.get(User, series_world.users["policy"].id).role = Role.PARTICIPANT
        db.session.commit()
    client.login(series_world.users["policy"].email)
    assert client.get(REGISTER).status_code == 403


def test_the_export_is_formula_safe_filtered_and_audited(app, client, series_world):
    with app.app_context():
        item, _event = item_or_404("commitments", series_world.items["c26_overdue"])
        item.text = '=HYPERLINK("https://evil.example","Map")'
        db.session.commit()
    client.login(series_world.users["organiser"].email)
    response = client.submit(
        REGISTER + "/export", {"file_format": "csv", "kind": "commitments", "overdue": "1"}
    )
    assert response.status_code == 200
    assert 'filename="MENA-commitments.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["Reference", "Session", "Attribution", "Text", "Status"]
    assert [row[0] for row in rows[1:]] == [series_world.references["c26_overdue"]]
    assert rows[1][3].startswith("'=HYPERLINK")
    assert rows[1][rows[0].index("Overdue")] == "yes"

    response = client.submit(REGISTER + "/export", {"file_format": "xlsx", "kind": "commitments"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    cell = sheet.cell(row=2, column=4)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s" and cell.quotePrefix
    assert sheet.max_row == 4

    entries = [e for e in logged(app) if e.action == AuditAction.FOLLOW_UP_EXPORTED]
    assert [(e.details["format"], e.details["rows"], e.details["items"]) for e in entries] == [
        ("csv", 1, "commitments"),
        ("xlsx", 3, "commitments"),
    ]
    assert entries[0].actor_id == series_world.users["organiser"].id


def test_updates_waiting_for_review_are_counted_and_filtered(app, client, series_world):
    with app.app_context():
        organiser = db.session.get(User, series_world.users["organiser"].id)
        item, event = item_or_404("recommendations", series_world.items["r27_protocol"])
        updates.post_update(
            item,
            updates.UpdateDetails(date.today(), "accepted", "Agreed."),
            organiser,
            access.event_access(event, organiser),
        )
        db.session.commit()
    client.login(series_world.users["policy"].email)
    page = client.get(REGISTER).get_data(as_text=True)
    assert "1 update waits for the policy team" in page
    assert references(client.get(REGISTER + "?review=1").get_data(as_text=True), series_world) == [
        series_world.references["r27_protocol"]
    ]
