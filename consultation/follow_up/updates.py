"""Writing and reviewing follow-up updates. An update changes its item's status and progress
only when published: what the public and the reports show has always been reviewed."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from consultation.accounts.models import User
from consultation.db import db, now_utc, today_utc
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
    if details.reported_on > today_utc():
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
    """Publishes the update; the item takes the status and progress of its latest published
    update, which this one may or may not be."""
    item = update.item
    before = item.status
    _review(update, UpdateReview.PUBLISHED, reviewer, note)
    _take_latest(item)
    # The step this update made, if it made one: an update about an earlier month does not
    # move the item, and its history must not say it did.
    update.previous_status = before.value if item.status is not before else None


def reject(update: FollowUpUpdate, reviewer: User, note: str | None) -> None:
    """Keeps the update from publication, with the reason for its author."""
    if not (note or "").strip():
        raise ConsultationError(_l("Say why the update is not published."), field="note")
    _review(update, UpdateReview.REJECTED, reviewer, note)


def _review(update: FollowUpUpdate, review: UpdateReview, reviewer: User, note) -> None:
    """Reviews the update with one conditional UPDATE: of two reviewers at once, the second
    finds it reviewed already."""
    db.session.flush()
    claimed = db.session.execute(
        sa.update(FollowUpUpdate)
        .where(FollowUpUpdate.id == update.id, FollowUpUpdate.review == UpdateReview.PENDING)
        .values(
            review=review,
            reviewed_by_id=reviewer.id,
            reviewed_at=now_utc(),
            review_note=(note or "").strip() or None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(_l("This update has already been reviewed."))
    db.session.refresh(update)


def _take_latest(item: Recommendation | Commitment) -> None:
    """The item's status and progress are its latest published update's, by the date each
    reports on: an update published late about an earlier month does not undo a newer one.
    Read from the database with the item locked, so that two publications at once agree."""
    model = type(item)
    column = (
        FollowUpUpdate.recommendation_id
        if model is Recommendation
        else FollowUpUpdate.commitment_id
    )
    db.session.execute(sa.select(model.id).where(model.id == item.id).with_for_update())
    published = db.session.execute(
        sa.select(FollowUpUpdate.status, FollowUpUpdate.progress)
        .where(column == item.id, FollowUpUpdate.review == UpdateReview.PUBLISHED)
        .order_by(FollowUpUpdate.reported_on, FollowUpUpdate.created_at, FollowUpUpdate.id)
    ).all()
    statuses = [row.status for row in published if row.status is not None]
    item.status = item.statuses(statuses[-1]) if statuses else item.statuses.initial()
    if isinstance(item, Commitment):
        progress = [row.progress for row in published if row.progress is not None]
        item.progress = progress[-1] if progress else None
