"""What people type never runs out of its table cell in a PDF report: a long word breaks
inside its column instead of being printed over the next one."""

import io
import re
from datetime import UTC, date, datetime

import pdfplumber
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consultation.accounts.models import Role
from consultation.agenda.models import (
    Attribution,
    Session,
    SessionKind,
    SessionSpeaker,
    SpeakerRole,
)
from consultation.db import db
from consultation.events.models import Event, EventPartner, PartnerRole
from consultation.outcomes import access as outcome_access
from consultation.outcomes import reading, review
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import Addressee, Priority
from consultation.registrations.models import Registration
from consultation.reports.models import Audience, ReportKind
from consultation.taxonomy.models import Theme
from tests.factories import add_organisation, add_registration
from tests.helpers import render

MILLIMETRE = 72 / 25.4
# The page margins of report.css, left and right.
SIDE_MARGIN = 18 * MILLIMETRE
# The longest short code an event may have: references are as long as they get.
LONGEST_SHORT_CODE = "ABCDEFGHIJKL"


def token(word: str) -> str:
    """40 characters and nowhere to break a line: VENUEVENUEVENUE…"""
    return (word * 40)[:40]


# The typed texts each report shows, in its tables and the lines around them, by the word
# that makes their 40 characters: the venue, a theme, a partner, a session's title and room, a
# speaker and their organisation, a recommendation and its other addressee, a commitment and
# its owner, a participant's name, organisation, its acronym and the participant's job title.
REFERENCES = [f"{LONGEST_SHORT_CODE}-2027-R01", f"{LONGEST_SHORT_CODE}-2027-C01"]
SHOWN = {
    ReportKind.OUTCOME: [
        "VENUE", "THEME", "PARTNER", "SESSION", "SPEAKER", "AFFILIATE", "ADVICE", "ADDRESSEE",
        "PLEDGE", "OWNER", "DELEGATE", "MEMBERORG", "ACRONYM",
    ],
    ReportKind.SUMMARY: ["ADVICE", "ADDRESSEE"],
    ReportKind.AGENDA: ["VENUE", "THEME", "SESSION", "ROOM", "SPEAKER", "AFFILIATE"],
    ReportKind.PARTICIPANTS: ["DELEGATE", "ACRONYM", "JOBTITLE"],
    ReportKind.PROGRESS: ["THEME", "ADVICE", "PLEDGE"],
    # The crowded event is in no series: its series report has nothing to show.
    ReportKind.SERIES_PROGRESS: [],
}  # fmt: skip


def organisation_with_acronym(name: str, acronym: str):
    organisation = add_organisation(name)
    organisation.acronym, organisation.acronym_key = acronym, acronym.casefold()
    return organisation


@pytest.fixture
def crowded(app, make_event, make_user):
    """A published event whose every typed text is one long word."""
    event = make_event(short_code=LONGEST_SHORT_CODE, venue=token("VENUE"))
    user = make_user(Role.ORGANISER)
    with app.app_context():
        stored = db.session.get(
            Event, event.id, options=[selectinload(Event.themes), selectinload(Event.partners)]
        )
        theme = Theme(
            slug="long-theme",
            colour="#0b5394",
            position=99,
            name=token("THEME"),
            translations={"fr": {"name": token("THEME")}, "ar": {"name": token("THEME")}},
        )
        stored.themes = [theme]
        stored.partners = [
            EventPartner(organisation=add_organisation(token("PARTNER")), role=PartnerRole.HOST)
        ]
        session = Session(
            event_id=stored.id,
            title=token("SESSION"),
            kind=SessionKind.PANEL,
            starts_at=datetime(2027, 3, 1, 9, tzinfo=UTC),
            ends_at=datetime(2027, 3, 1, 10, tzinfo=UTC),
            room=token("ROOM"),
            attribution=Attribution.ON_RECORD,
            themes=[theme],
            speakers=[
                SessionSpeaker(
                    name=token("SPEAKER"),
                    organisation=organisation_with_acronym("Affiliate", token("AFFILIATE")),
                    role=SpeakerRole.SPEAKER,
                )
            ],
        )
        db.session.add(session)
        db.session.flush()
        _, outcome = reading.outcome_for_session(stored, session.id)
        outcomes.add_key_point(outcome, "A key point.")
        outcomes.add_recommendation(
            stored,
            outcome,
            outcomes.RecommendationDetails(
                token("ADVICE"), [Addressee.IOM], token("ADDRESSEE"), Priority.HIGH, [theme.id]
            ),
        )
        owner = organisation_with_acronym("Owner", token("OWNER"))
        db.session.flush()
        actor = db.session.merge(user)
        outcomes.add_commitment(
            stored,
            outcome,
            outcomes.CommitmentDetails(token("PLEDGE"), owner.id, date(2027, 6, 30)),
        )
        access = outcome_access.OutcomeAccess(True, True)
        for step in ("submit", "approve", "publish"):
            review.take_review_step(outcome, step, access, actor)
        member = organisation_with_acronym(token("MEMBERORG"), token("ACRONYM"))
        add_registration(stored, 1, member, consent=True)
        db.session.flush()
        registration = db.session.scalar(sa.select(Registration))
        registration.full_name = token("DELEGATE")
        registration.job_title = token("JOBTITLE")
        db.session.commit()
    return event


def text_lines(page, text: str) -> list[list[dict]]:
    """Each line of each place the page shows ``text``, as the characters drawn there (the
    PDF draws a cell's lines one after the other, so its text reads on across them)."""
    chars = page.chars
    stream, owner = "", []
    for index, char in enumerate(chars):
        stream += char["text"]
        owner.extend([index] * len(char["text"]))
    lines = []
    for match in re.finditer(re.escape(text), stream):
        drawn = [chars[index] for index in sorted(set(owner[match.start() : match.end()]))]
        by_line: dict[float, list[dict]] = {}
        for char in drawn:
            by_line.setdefault(round(char["top"]), []).append(char)
        lines.extend(by_line.values())
    return lines


def box(chars: list[dict]) -> tuple[float, float, float, float]:
    return (
        min(char["x0"] for char in chars),
        min(char["top"] for char in chars),
        max(char["x1"] for char in chars),
        max(char["bottom"] for char in chars),
    )


def overlap(first, second, tolerance: float = 0.5) -> bool:
    return (
        min(first[2], second[2]) - max(first[0], second[0]) > tolerance
        and min(first[3], second[3]) - max(first[1], second[1]) > tolerance
    )


def layout_problems(content: bytes, texts: list[str]) -> tuple[list[str], set[str]]:
    """Where one of ``texts`` is drawn over other text or beyond the side margins; and
    which of them the PDF shows at all."""
    problems, found = [], set()
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for text in texts:
                for line in text_lines(page, text):
                    found.add(text)
                    own = {id(char) for char in line}
                    area = box(line)
                    drawn = "".join(char["text"] for char in line)
                    if area[0] < SIDE_MARGIN - 1 or area[2] > page.width - SIDE_MARGIN + 1:
                        problems.append(f"page {number}: {drawn} runs into the margin")
                    covered = "".join(
                        char["text"]
                        for char in page.chars
                        if id(char) not in own and overlap(area, box([char]))
                    )
                    if covered.strip():
                        problems.append(f"page {number}: {drawn} is drawn over {covered!r}")
    return problems, found


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("kind", list(ReportKind))
def test_long_words_break_inside_their_table_cells(app, crowded, kind, language):
    """Every column that holds typed text gets a 40-character word, and the references are
    as long as the longest short code makes them."""
    content = render(app, crowded, kind, Audience.PUBLIC, language)
    texts = [token(word) for word in SHOWN[kind]]
    if kind in (ReportKind.OUTCOME, ReportKind.SUMMARY, ReportKind.PROGRESS):
        texts += REFERENCES[:1] if kind is ReportKind.SUMMARY else REFERENCES
    problems, found = layout_problems(content, texts)
    assert found == set(texts)
    assert problems == [], "\n".join(problems)
