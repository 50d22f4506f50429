"""Command groups of ``flask --app consultation``."""

import getpass
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from consultation import backup, demo, jobs, mail
from consultation.accounts import services as accounts
from consultation.accounts.models import Role
from consultation.audit import services as audit
from consultation.config import LANGUAGES
from consultation.db import db, scrub_free_space
from consultation.errors import ConsultationError
from consultation.events.access import EVENT_PAGE_OPTIONS, event_by_slug
from consultation.follow_up import reminders as follow_up_reminders
from consultation.privacy import ledger, restore, retention
from consultation.reports import access as report_access
from consultation.reports import services as reports
from consultation.reports import store
from consultation.reports.models import Audience, ExportState, ReportExport, ReportKind
from consultation.taxonomy.seed import seed_themes
from consultation.unit_of_work import transaction

demo_cli = AppGroup("demo", help="The demo consultation.")
accounts_cli = AppGroup("accounts", help="User accounts.")
mail_cli = AppGroup("mail", help="The outbox of emails.")
themes_cli = AppGroup("themes", help="The global theme taxonomy.")
reports_cli = AppGroup("reports", help="PDF reports.")
audit_cli = AppGroup("audit", help="The audit log.")
privacy_cli = AppGroup("privacy", help="Retention and erasure of personal data.")
follow_up_cli = AppGroup("follow-up", help="Following recommendations and commitments up.")


@follow_up_cli.command("remind")
@click.option(
    "--on",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Run as on this day (default: today).",
)
def remind_command(today) -> None:
    """Email the reminders due to commitments' owners and the monthly digests of overdue
    commitments (daily on the worker; from cron without Redis). Each is sent once."""
    result = follow_up_reminders.run_reminders(today.date() if today else None)
    click.echo(
        f"Reminders sent: {result.reminders}; digests sent: {result.digests}; "
        f"participants' follow-up emails sent: {result.news}."
    )


@contextmanager
def command_errors() -> Iterator[None]:
    """A rule the service refused ends the command with its message."""
    try:
        yield
    except ConsultationError as error:
        raise click.ClickException(str(error.message)) from error


@privacy_cli.command("purge")
def purge_command() -> None:
    """Clear sensitive answers, anonymise registrations and delete stored reports past their
    retention (see the README); safe to run as often as wanted."""
    result = retention.run_retention()
    click.echo(
        f"Sensitive answers cleared: {result.sensitive_cleared}; registrations anonymised: "
        f"{result.anonymised}; emails deleted: {result.emails_deleted}; stored report files "
        f"deleted: {result.report_files_deleted}; speakers anonymised: "
        f"{result.speakers_anonymised}; old backups deleted: {result.backups_deleted}; "
        f"commitment owners' contacts deleted: {result.contacts_deleted}."
    )


def _broken(result: audit.Verification) -> click.ClickException:
    return click.ClickException(
        f"The audit log is broken at entry {result.first_broken_id} ({result.reason}), after "
        f"{result.checked} intact entries: it was changed outside the application."
    )


@audit_cli.command("verify")
def verify_audit_command() -> None:
    """Recompute the chain of seals and hold it to the latest anchor; exit with 1 at the
    first entry that does not match."""
    result = audit.verify()
    if not result.intact:
        raise _broken(result)
    click.echo(f"The audit log is intact ({result.checked} entries).")


@audit_cli.command("anchor")
def anchor_audit_command() -> None:
    """Append the head of the audit log (id, count, seal) to AUDIT_ANCHOR_FILE, after
    checking the chain; the worker does it daily."""
    try:
        written = audit.anchor()
    except audit.BrokenChain as error:
        raise _broken(error.result) from error
    click.echo(f"Anchored at entry {written.id} ({written.count} entries): {written.seal}")


def system_user() -> str:
    """The login name of whoever runs the command, as the audit trail names them (cut to the
    length the exports table keeps: it comes from the environment, which may hold anything)."""
    try:
        return getpass.getuser()[:64]
    except (KeyError, OSError):
        # A container may run under a user id that has no name.
        return f"uid {os.getuid()}"


@reports_cli.command("render")
@click.argument("slug")
@click.option(
    "--kind",
    type=click.Choice([kind.value for kind in ReportKind]),
    default=ReportKind.OUTCOME.value,
)
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="en")
@click.option(
    "--audience", type=click.Choice([audience.value for audience in Audience]), default="public"
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option(
    "--as",
    "account_email",
    metavar="EMAIL",
    help="The account the report is made for, named with it under Recent exports.",
)
def render_report_command(
    slug: str, kind: str, language: str, audience: str, output: str, account_email: str | None
) -> None:
    """Write an event's report to a PDF file (recorded like a download from the site, with
    the system user who ran the command)."""
    account = None
    if account_email is not None:
        account = accounts.find_user_by_email(account_email)
        if account is None:
            raise click.ClickException(f"No account has the address {account_email}.")
        if not account.active:
            raise click.ClickException(f"The account {account_email} is deactivated.")
    with transaction(), command_errors():
        if account is None:
            event = event_by_slug(slug, *EVENT_PAGE_OPTIONS)
        else:
            # Made for an account: only a report that account may have from the site.
            event = report_access.report_event(slug, account, ReportKind(kind))
        export_id = reports.record_export(
            event, ReportKind(kind), Audience(audience), language, account, system_user()
        ).id
    if reports.produce(export_id) is not ExportState.READY:
        raise click.ClickException("The report could not be made; the log says why.")
    export = db.session.get(ReportExport, export_id)
    shutil.copyfile(store.stored_pdf(export), output)
    click.echo(f"{output}: {export.page_count} page(s), SHA-256 {export.sha256}")


@themes_cli.command("seed")
def seed_themes_command() -> None:
    """Add the seed themes that are missing (humanitarian access, risk reduction, ...)."""
    with transaction():
        added = seed_themes()
    click.echo(f"{len(added)} theme(s) added.")


@demo_cli.command("seed")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing unless the database has no users and no events."
)
def seed_command(if_empty: bool) -> None:
    """Load the demo consultation and one account per role (safe to run twice)."""
    if current_app.config["CONSULTATION_ENV"] == "production":
        raise click.ClickException("The demo is not loaded into a production installation.")
    if if_empty and not demo.database_is_empty():
        click.echo("The database already has data; the demo was not loaded.")
        return
    with transaction():
        created = demo.seed_demo()
    click.echo("Demo consultation loaded.")
    if not created:
        return
    lines = [
        f"{account.role.value:<12} {account.email:<40} {account.password}" for account in created
    ]
    credentials = Path(current_app.config["DEMO_CREDENTIALS_FILE"])
    credentials.touch(mode=0o600)
    credentials.write_text("\n".join(["role         email" + " " * 36 + "password", *lines]) + "\n")
    click.echo("Demo accounts (also saved to instance/demo-accounts.txt):")
    for line in lines:
        click.echo(f"  {line}")


@accounts_cli.command("invite")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.ADMIN.value)
@click.option("--organisation", default=None)
@click.option("--language", type=click.Choice(LANGUAGES), default="en")
def invite_command(
    email: str, display_name: str, role: str, organisation: str | None, language: str
) -> None:
    """Create an account and email its owner a link to choose a password."""
    with transaction(), command_errors():
        accounts.invite_user(email, display_name, organisation, Role(role), language, None)
    click.echo(f"Invitation sent to {email}.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run the jobs (emails, reports, the daily retention job, follow-up reminders and audit
    anchor, the outbox sweep) put on the Redis queue."""
    if not burst and current_app.extensions.get("job_queue") is not None:
        # One job each under a fixed id, however many workers start; the first sweep sends
        # what waited while no worker ran.
        retention.schedule_retention(timedelta(minutes=1))
        follow_up_reminders.schedule_reminders(timedelta(minutes=3))
        audit.schedule_anchor(timedelta(minutes=2))
        mail.schedule_sweep(timedelta(0))
    try:
        jobs.run_worker(current_app._get_current_object(), burst=burst)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error


@click.command("backup")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: instance/backups/consultation-<UTC time>.<sqlite3|dump>.",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Back up the database (it holds personal data: keep the file encrypted)."""
    try:
        path = backup.backup_database(current_app._get_current_object(), output)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    size, sha256 = backup.file_digest(path)
    click.echo(f"{path}: {size:,} bytes, SHA-256 {sha256}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database with a backup made by `backup`."""
    app = current_app._get_current_object()
    try:
        backup.check_backup(app, path)
        database = backup.database_url(app).render_as_string(hide_password=True)
        if not yes:
            click.confirm(f"Replace everything in {database} with {path}?", abort=True)
        backup.restore_database(app, path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{database} restored from {path}.")
    # The backup may be older than erasures people asked for: they are made again.
    db.session.remove()
    with transaction():
        reapplied = restore.reapply_erasures()
    scrub_free_space()
    click.echo(
        f"Erasures made again from {ledger.ledger_path()}: {reapplied.registrations} "
        f"registration(s), {reapplied.accounts} account(s)."
    )
    click.echo("If the backup is older than the code, run `flask --app consultation db upgrade`.")


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Send the emails that are due, retries included (for a cron job when REDIS_URL is unset)."""
    click.echo(f"{mail.deliver_due_messages()} email(s) sent.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(themes_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(follow_up_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
