"""The audit log and the lists of recent exports speak the reader's language: labels, never
the codes stored behind them; exports made on the command line say who ran them."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.audit.models import AuditAction, AuditEvent
from consultation.audit_log.labels import DETAILS
from consultation.db import db
from consultation.events.models import Event
from consultation.privacy import retention
from consultation.registrations.models import Moderation, Registration
from consultation.reports import services as reports
from consultation.reports.models import Audience, ReportExport, ReportKind
from tests.factories import configure, register, registrations

# What the French and Arabic catalogues say for labels the pages must show.
TRANSLATED = {
    "fr": {
        "pending": "En attente d’approbation",
        "confirmed": "Confirmée",
        "full_name": "Nom complet",
        "email": "Adresse e-mail",
        "status_changed": "Statut d’inscription modifié",
        "exported": "Inscriptions exportées",
        "report_exported": "Rapport exporté",
        "erased": "Données du participant effacées",
        "participants": "Liste des participants",
        "internal": "interne",
        "visitor": "Un participant ou un visiteur",
        "list_visitor": "un visiteur ou la ligne de commande",
    },
    "ar": {
        "pending": "بانتظار الموافقة",
        "confirmed": "مؤكَّد",
        "full_name": "الاسم الكامل",
        "email": "عنوان البريد الإلكتروني",
        "status_changed": "تغيّرت حالة التسجيل",
        "exported": "تم تصدير التسجيلات",
        "report_exported": "تم تصدير التقرير",
        "erased": "تم محو بيانات المشارك",
        "participants": "قائمة المشاركين",
        "internal": "داخلي",
        "visitor": "مشارك أو زائر",
        "list_visitor": "زائر أو سطر الأوامر",
    },
}
# Codes stored in the log that a reader must never see as such.
RAW_CODES = ("from_status", "to_status", "requested_by", "full_name", "registration:", "['")
CODE_KEYS = ("columns", "format", "rows", "kind", "audience", "language")


@pytest.fixture
def event(app, make_event, make_organisation, themes):
    event = make_event()
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=3, moderation=Moderation.APPROVAL)
    return event


@pytest.fixture(params=["fr", "ar"])
def organiser(request, client, make_user, add_to_team, event):
    user = make_user(Role.ORGANISER, language=request.param, display_name="Nadia Haddad")
    add_to_team(event, user)
    client.login(user.email)
    return user


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def log_table(client, event) -> str:
    page = client.get(f"/manage/events/{event.slug}/audit").get_data(as_text=True)
    return text_of(section(page, "<tbody>", "</tbody>"))


def assert_no_codes(text: str) -> None:
    for code in RAW_CODES:
        assert code not in text
    for key in CODE_KEYS:
        assert not re.search(rf"\b{key}\s*:", text), key


def test_the_audit_log_shows_labels_in_the_readers_language(app, client, event, organiser):
    words = TRANSLATED[organiser.language]
    register(app, event, "amal@ngo.example")
    register(app, event, "zaid@ngo.example", full_name="Zaid Khoury")
    amal, zaid = registrations(app, event)
    base = f"/manage/events/{event.slug}/registrations"
    client.get(f"{base}/{amal.id}")
    client.submit(f"{base}/{amal.id}/status", {"status": "confirmed", "reason": "Selected"})
    client.submit(
        f"{base}/export", {"columns": ["full_name", "email"], "file_format": "csv", "status": ""}
    )
    client.submit(f"{base}/{zaid.id}/erase")
    with app.test_request_context():
        stored = db.session.get(Event, event.id)
        reports.record_export(
            stored,
            ReportKind.PARTICIPANTS,
            Audience.INTERNAL,
            "fr",
            db.session.get(User, organiser.id),
        )
        db.session.commit()

    table = log_table(client, event)
    assert_no_codes(table)
    for word in ("status_changed", "exported", "report_exported", "erased"):
        assert words[word] in table
    for word in ("pending", "confirmed", "full_name", "email", "participants", "internal"):
        assert words[word] in table
    assert "Français" in table and "CSV (.csv)" in table
    assert "Nadia Haddad" in table


def test_every_detail_the_application_records_has_a_label(
    app, client, make_user, add_to_team, event
):
    """A guard: a detail recorded somewhere new must be given its words here too."""
    admin = make_user(Role.ADMIN)
    add_to_team(event, admin)
    client.login(admin.email)
    rapporteur = make_user(Role.RAPPORTEUR)
    # Two registrations: one erased now, the other by the retention job.
    register(app, event, "amal@ngo.example", "zaid@ngo.example")
    amal, _zaid = registrations(app, event)
    base = f"/manage/events/{event.slug}/registrations"
    client.submit(f"{base}/{amal.id}/status", {"status": "confirmed", "reason": "Selected"})
    client.submit(f"{base}/export", {"columns": ["email"], "file_format": "xlsx", "status": ""})
    client.submit(f"{base}/{amal.id}/erase")
    with app.test_request_context():
        stored = db.session.get(Event, event.id)
        reports.record_export(stored, ReportKind.OUTCOME, Audience.PUBLIC, "ar", None, "ops")
        accounts.change_role(
            db.session.get(User, rapporteur.id), Role.POLICY, db.session.get(User, admin.id)
        )
        # Long past, so that the retention job has something to do.
        stored.start_date, stored.end_date = date(2000, 3, 1), date(2000, 3, 3)
        db.session.commit()
        retention.run_retention()
        entries = list(db.session.scalars(sa.select(AuditEvent)))
    assert {AuditAction(entry.action) for entry in entries} >= {
        AuditAction.REGISTRATION_STATUS_CHANGED,
        AuditAction.REGISTRATIONS_EXPORTED,
        AuditAction.REGISTRATION_ERASED,
        AuditAction.REPORT_EXPORTED,
        AuditAction.RETENTION_PURGE,
        AuditAction.ROLE_CHANGED,
    }
    assert {key for entry in entries for key in entry.details} <= set(DETAILS)


def test_recent_registration_exports_name_their_columns(app, client, event, organiser):
    words = TRANSLATED[organiser.language]
    register(app, event, "amal@ngo.example")
    url = f"/manage/events/{event.slug}/registrations/export"
    client.submit(url, {"columns": ["full_name", "email"], "file_format": "xlsx", "status": ""})
    recent = text_of(section(client.get(url).get_data(as_text=True), "<aside", "</aside>"))
    assert words["full_name"] in recent and words["email"] in recent
    assert "Excel (.xlsx)" in recent
    assert "full_name" not in recent and ", xlsx" not in recent


def render_on_the_command_line(app, event, tmp_path, *options, user="ops-deploy"):
    return app.test_cli_runner().invoke(
        args=[
            "reports",
            "render",
            event.slug,
            "--kind",
            "participants",
            "--audience",
            "internal",
            "-o",
            str(tmp_path / "participants.pdf"),
            *options,
        ],
        # getpass.getuser() reads the first of these that is set.
        env={"LOGNAME": user, "USER": user, "LNAME": user, "USERNAME": user},
    )


def test_a_command_line_export_names_the_system_user(app, client, event, organiser, tmp_path):
    words = TRANSLATED[organiser.language]
    result = render_on_the_command_line(app, event, tmp_path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        export = db.session.scalar(sa.select(ReportExport))
        assert export.user_id is None and export.command_line_user == "ops-deploy"
        [entry] = db.session.scalars(sa.select(AuditEvent)).all()[1:]
        assert entry.actor_id is None and entry.details["command_line_user"] == "ops-deploy"

    page = client.get(f"/manage/events/{event.slug}/reports").get_data(as_text=True)
    recent = text_of(section(page, 'id="history-heading"', "</table>"))
    assert "ops-deploy" in recent and words["list_visitor"] not in recent
    table = log_table(client, event)
    assert "ops-deploy" in table and words["visitor"] not in table
    assert_no_codes(table)
    # The new detail is sealed in the chain like any other.
    assert "is intact" in app.test_cli_runner().invoke(args=["audit", "verify"]).output


def test_a_command_line_export_may_name_the_account_it_is_for(
    app, client, event, organiser, tmp_path
):
    result = render_on_the_command_line(app, event, tmp_path, "--as", organiser.email.upper())
    assert result.exit_code == 0, result.output
    with app.app_context():
        export = db.session.scalar(sa.select(ReportExport))
        assert export.user_id == organiser.id and export.command_line_user == "ops-deploy"
    page = client.get(f"/manage/events/{event.slug}/reports").get_data(as_text=True)
    recent = text_of(section(page, 'id="history-heading"', "</table>"))
    assert "Nadia Haddad" in recent and "ops-deploy" in recent
    table = log_table(client, event)
    assert "Nadia Haddad" in table and "ops-deploy" in table


def test_an_unknown_account_on_the_command_line_is_refused(
    app, make_user, event, organiser, tmp_path
):
    result = render_on_the_command_line(app, event, tmp_path, "--as", "nobody@ngo.example")
    assert result.exit_code != 0
    assert "No account has the address nobody@ngo.example" in result.output
    # Nor is a report made in the name of someone who could not have it from the site.
    outsider = make_user(Role.ORGANISER)
    refused = render_on_the_command_line(app, event, tmp_path, "--as", outsider.email)
    assert refused.exit_code != 0 and "for the event's team" in refused.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReportExport.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
