"""The review of outcomes, step by step from draft to published, by who may take each step."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consultation.accounts.models import User
from consultation.db import db, now_utc
from consultation.errors import NotAllowed
from consultation.events.models import Event
from consultation.outcomes.access import OutcomeAccess
from consultation.outcomes.models import (
    EventOutcome,
    ReviewStatus,
    SessionOutcome,
)
from consultation.outcomes.reading import _stored_event_outcome

# Access --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewStep:
    name: str
    label: str
    target: ReviewStatus
    # Who may take the step: "record" (rapporteurs, organisers) or "review" (policy, organisers)
    needs: str


REVIEW_STEPS = {
    ReviewStatus.DRAFT: [
        ReviewStep("submit", _l("Submit for review"), ReviewStatus.IN_REVIEW, "record"),
    ],
    ReviewStatus.IN_REVIEW: [
        ReviewStep("approve", _l("Approve"), ReviewStatus.APPROVED, "review"),
        ReviewStep("return", _l("Return to draft"), ReviewStatus.DRAFT, "review"),
        ReviewStep("withdraw", _l("Withdraw from review"), ReviewStatus.DRAFT, "record"),
    ],
    ReviewStatus.APPROVED: [
        ReviewStep("publish", _l("Publish"), ReviewStatus.PUBLISHED, "review"),
        ReviewStep("reopen", _l("Reopen for changes"), ReviewStatus.DRAFT, "review"),
    ],
    ReviewStatus.PUBLISHED: [
        ReviewStep("reopen", _l("Reopen for changes"), ReviewStatus.DRAFT, "review"),
    ],
}


def review_steps(status: ReviewStatus, access: OutcomeAccess) -> list[ReviewStep]:
    allowed = {"record": access.can_record, "review": access.can_review}
    steps = [step for step in REVIEW_STEPS[status] if allowed[step.needs]]
    # A reviewer returning a submission needs no separate "withdraw" button.
    names = {step.name for step in steps}
    return [step for step in steps if not (step.name == "withdraw" and "return" in names)]


def take_review_step(
    outcome: SessionOutcome | EventOutcome,
    step_name: str,
    access: OutcomeAccess,
    actor: User,
    note: str | None = None,
) -> ReviewStatus:
    step = next(
        (step for step in review_steps(outcome.review_status, access) if step.name == step_name),
        None,
    )
    if step is None:
        raise NotAllowed(
            _l(
                "These outcomes are %(status)s; you cannot do that now.",
                status=outcome.review_status.label,
            )
        )
    if outcome not in db.session:
        db.session.add(outcome)
    outcome.review_status = step.target
    outcome.review_note = (note or "").strip() or None
    outcome.status_changed_by = actor
    outcome.status_changed_at = now_utc()
    return step.target


def review_event_outcome(
    event: Event, step_name: str, access: OutcomeAccess, actor: User, note: str | None = None
) -> ReviewStatus:
    return take_review_step(_stored_event_outcome(event), step_name, access, actor, note)
