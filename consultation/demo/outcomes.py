"""Outcomes of the demo consultation (``outcomes.toml``): what each session concluded, the recommendations and
commitments, and the conclusions of the whole event, recorded by the demo rapporteur and
reviewed by the demo policy officer through the same services as the site.

The review is left half-way, as it would be a few weeks after the event: most sessions are
approved or published, one waits for review and two are still drafts, so the public report
differs from the internal one. Texts of Chatham House sessions name no person and no
organisation; the closed session appears only in the internal report.
"""

from datetime import date

import sqlalchemy as sa

from consultation.accounts.models import User
from consultation.db import db
from consultation.demo.data import load
from consultation.events.models import Event
from consultation.follow_up.access import event_access
from consultation.follow_up.updates import UpdateDetails, post_update
from consultation.organisations.models import Organisation
from consultation.outcomes.access import outcome_access
from consultation.outcomes.models import (
    Addressee,
    EventOutcome,
    Priority,
    SessionOutcome,
)
from consultation.outcomes.reading import outcome_for_session, outcome_sessions
from consultation.outcomes.review import review_event_outcome, take_review_step
from consultation.outcomes.services import (
    CommitmentDetails,
    RecommendationDetails,
    add_commitment,
    add_key_point,
    add_recommendation,
    save_conclusions,
    save_session_summary,
)

# The review steps the rapporteur takes; the policy officer takes the others.
RECORDER_STEPS = frozenset({"submit", "withdraw"})


def seed_outcomes(
    event: Event,
    organisations: dict[str, Organisation],
    rapporteur: User,
    reviewer: User,
    edition: str = "",
) -> None:
    """Record and review the demo event's outcomes, once: nothing happens if the event already
    has outcomes, or if the rapporteur or the reviewer may not do their part."""
    if _has_outcomes(event):
        return
    recording = outcome_access(event, rapporteur)
    reviewing = outcome_access(event, reviewer)
    if not (recording.can_record and reviewing.can_review):
        return
    data = load(f"{edition}outcomes")
    by_title = {entry["title"]: entry for entry in data["sessions"]}
    for session in outcome_sessions(event):
        content = by_title.get(session.title)
        if content is None:
            continue
        _, outcome = outcome_for_session(event, session.id)
        themes = {theme.slug: theme.id for theme in session.themes}
        save_session_summary(outcome, content["summary"])
        for text in content["key_points"]:
            add_key_point(outcome, text)
        for recommendation in content.get("recommendations", ()):
            add_recommendation(
                event,
                outcome,
                RecommendationDetails(
                    text=recommendation["text"],
                    addressees=[Addressee(code) for code in recommendation["addressees"]],
                    other_addressee=recommendation.get("other_addressee"),
                    priority=Priority(recommendation["priority"]),
                    theme_ids=[themes[slug] for slug in recommendation["themes"] if slug in themes],
                    follows=recommendation.get("follows", []),
                ),
            )
        for commitment in content.get("commitments", ()):
            owner = organisations.get(commitment["owner"])
            item = add_commitment(
                event,
                outcome,
                CommitmentDetails(
                    text=commitment["text"],
                    owner_id=owner.id if owner else None,
                    due_on=commitment["due_on"],
                ),
            )
            for change in commitment.get("progress", ()):
                post_update(
                    item,
                    UpdateDetails(
                        reported_on=date.today(), status=change["status"], text=change["note"]
                    ),
                    reviewer,
                    event_access(event, reviewer),
                )
        for step in content.get("review", ()):
            if step["step"] in RECORDER_STEPS:
                take_review_step(outcome, step["step"], recording, rapporteur, step.get("note"))
            else:
                take_review_step(outcome, step["step"], reviewing, reviewer, step.get("note"))
    save_conclusions(event, data["executive_summary"], data["conclusions"], data["next_steps"])
    review_event_outcome(event, "submit", recording, rapporteur)
    review_event_outcome(event, "approve", reviewing, reviewer)
    db.session.flush()


def _has_outcomes(event: Event) -> bool:
    return any(
        db.session.scalar(sa.select(column).where(column == event.id).limit(1)) is not None
        for column in (SessionOutcome.event_id, EventOutcome.event_id)
    )
