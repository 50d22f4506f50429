"""Writing and reviewing follow-up updates. An update changes its item's status and progress
only when published: what the public and the reports show has always been reviewed."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from consultation.accounts.models import User
from consultation.db import now_utc
from consultation.errors import Conflict, ConsultationError
from consultation.follow_up.access import FollowUpAccess
from consultation.follow_up.models import CommitmentContact, FollowUpUpdate, UpdateReview
from consultation.multilingual import isolated
from consultation.outcomes.models import Commitment, Recommendation

MAX_EVIDENCE_LINKS = 10


@dataclass
class UpdateDetails:
    reported_on: date
    status: str | None
    text: str | None
    progress: int | None = None
    evidence_links: list[str] = field(default_factory=list)
    language: str | None = None


def _evidence(links: list[str]) -> list[str]:
    links = [link.strip() for link in links if link.strip()]
    if len(links) > MAX_EVIDENCE_LINKS:
        raise ConsultationError(
            _l("Give at most %(num)d links.", num=MAX_EVIDENCE_LINKS), field="evidence_links"
        )
    for link in links:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConsultationError(
                # gettext, not _l: the lazy string would count as safe markup.
                gettext("“%(link)s” is not a web address (https://…).", link=isolated(link)),
                field="evidence_links",
            )
    return links


def _checked(item: Recommendation | Commitment, details: UpdateDetails) -> None:
    if details.status is not None and details.status not in {s.value for s in item.statuses}:
        raise ConsultationError(_l("Choose a status from the list."), field="status")
    if details.progress is not None and (
        not isinstance(item, Commitment) or not 0 <= details.progress <= 5
    ):
        raise ConsultationError(_l("Progress goes from 0 to 5."), field="progress")
    if details.reported_on > date.today():
        raise ConsultationError(_l("The date of an update cannot be in the future."), "reported_on")
    if details.status is None and details.progress is None and not (details.text or "").strip():
        raise ConsultationError(
            _l("Say what changed: a status, the progress or a text."), field="text"
        )


def post_update(
    item: Recommendation | Commitment,
    details: UpdateDetails,
    author: User | None,
    access: FollowUpAccess,
    contact: CommitmentContact | None = None,
) -> FollowUpUpdate:
    """Adds an update to the item, written by a user or by the owner's ``contact``; the
    policy team's own are published at once, the others wait for its review."""
    _checked(item, details)
    update = FollowUpUpdate(
        reported_on=details.reported_on,
        status=details.status,
        progress=details.progress,
        text=(details.text or "").strip() or None,
        language=details.language,
        evidence_links=_evidence(details.evidence_links),
        author=author,
        contact=contact,
        review=UpdateReview.PENDING,
        created_at=now_utc(),
    )
    item.updates.append(update)
    if access.can_review:
        publish(update, author)
    return update


def publish(update: FollowUpUpdate, reviewer: User, note: str | None = None) -> None:
    """Publishes the update; its status and progress become the item's."""
    if update.review is not UpdateReview.PENDING:
        raise Conflict(_l("This update has already been reviewed."))
    item = update.item
    update.previous_status = item.status.value
    _reviewed(update, UpdateReview.PUBLISHED, reviewer, note)
    _take_latest(item)


def _take_latest(item: Recommendation | Commitment) -> None:
    """The item's status and progress are its latest published update's, by the date each
    reports on: an update published late about an earlier month does not undo a newer one."""
    published = sorted(
        (update for update in item.updates if update.is_published),
        key=lambda update: (update.reported_on, update.created_at),
    )
    statuses = [update.status for update in published if update.status is not None]
    item.status = item.statuses(statuses[-1]) if statuses else item.statuses.initial()
    if isinstance(item, Commitment):
        progress = [update.progress for update in published if update.progress is not None]
        item.progress = progress[-1] if progress else None


def reject(update: FollowUpUpdate, reviewer: User, note: str | None) -> None:
    """Keeps the update from publication, with the reason for its author."""
    if update.review is not UpdateReview.PENDING:
        raise Conflict(_l("This update has already been reviewed."))
    if not (note or "").strip():
        raise ConsultationError(_l("Say why the update is not published."), field="note")
    _reviewed(update, UpdateReview.REJECTED, reviewer, note)


def _reviewed(update: FollowUpUpdate, review: UpdateReview, reviewer: User, note) -> None:
    update.review = review
    update.reviewed_by = reviewer
    update.reviewed_at = now_utc()
    update.review_note = (note or "").strip() or None
