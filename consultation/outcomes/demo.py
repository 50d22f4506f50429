"""Outcomes of the demo consultation: what each session concluded, the recommendations and
commitments, and the conclusions of the whole event, recorded by the demo rapporteur and
reviewed by the demo policy officer through the same services as the site.

The review is left half-way, as it would be a few weeks after the event: most sessions are
approved or published, one waits for review and two are still drafts, so the public report
differs from the internal one. Texts of Chatham House sessions name no person and no
organisation; the closed session appears only in the internal report.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from consultation.accounts.models import User
from consultation.db import db
from consultation.events.models import Event
from consultation.organisations.models import Organisation
from consultation.outcomes.access import outcome_access
from consultation.outcomes.models import (
    Addressee,
    CommitmentStatus,
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
    set_commitment_status,
)

IOM = Addressee.IOM
NGOS = Addressee.NGOS
DONORS = Addressee.DONORS
STATES = Addressee.STATES
ALL_ACTORS = Addressee.ALL_ACTORS
HIGH, MEDIUM, LOW = Priority.HIGH, Priority.MEDIUM, Priority.LOW
IN_PROGRESS, DONE = CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE


@dataclass(frozen=True)
class DemoRecommendation:
    text: str
    addressees: tuple[Addressee, ...]
    priority: Priority
    # Slugs of themes of the session
    themes: tuple[str, ...]
    other_addressee: str | None = None


@dataclass(frozen=True)
class DemoCommitment:
    text: str
    # Acronym of one of the demo organisations
    owner: str
    due_on: date
    # The status changes since the event, each with its note
    progress: tuple[tuple[CommitmentStatus, str], ...] = ()


@dataclass(frozen=True)
class DemoSessionOutcome:
    summary: str
    key_points: tuple[str, ...]
    recommendations: tuple[DemoRecommendation, ...]
    commitments: tuple[DemoCommitment, ...] = ()
    # Review steps taken, in order, each with its note
    review: tuple[tuple[str, str | None], ...] = ()


# The review steps the rapporteur takes; the policy officer takes the others.
RECORDER_STEPS = frozenset({"submit", "withdraw"})

PUBLISHED = (("submit", None), ("approve", None), ("publish", None))
APPROVED = (("submit", None), ("approve", None))
IN_REVIEW = (("submit", None),)
DRAFT = ()

# By session title (the natural key of a session within the demo event).
DEMO_SESSION_OUTCOMES = {
    "Opening: safe and sustained access in high-risk environments": DemoSessionOutcome(
        summary=(
            "Opening the consultation, Daniel Moreau, IOM Director of Operations and "
            "Emergencies, recalled that obtaining and keeping safe access to people in need "
            "**always involves complex decisions and hard choices** in unstable and dangerous "
            "environments. He called for investment in the skills and capacities that let "
            "humanitarians work in high-risk, hard-to-reach places. Hala Nasser, Executive "
            "Director of ICVA, framed the three days around risk, local capacity and "
            "partnership."
        ),
        key_points=(
            "Attacks on aid workers and other non-lethal obstacles are shrinking humanitarian "
            "access across the region.",
            "NGOs, and national and local NGOs above all, deliver a growing share of the "
            "response in hard-to-reach areas.",
            "IOM's partnerships with NGOs in the region have grown in the range of services "
            "and in geographic coverage as its crisis response expanded.",
        ),
        recommendations=(
            DemoRecommendation(
                "IOM and NGOs should invest jointly in the skills needed to negotiate and keep "
                "access in high-risk environments, rather than each training its own staff "
                "alone.",
                (IOM, NGOS),
                HIGH,
                ("humanitarian-access",),
            ),
        ),
        commitments=(
            DemoCommitment(
                "IOM will share the outcomes of this consultation with its country offices in "
                "the region and report how they informed its humanitarian policy.",
                "IOM",
                date(2027, 9, 30),
                (
                    (
                        IN_PROGRESS,
                        "Outcomes presented to the regional heads of office meeting in June.",
                    ),
                ),
            ),
        ),
        review=PUBLISHED,
    ),
    "Humanitarian access in the region today": DemoSessionOutcome(
        summary=(
            "Participants described an access environment that has **deteriorated** over the "
            "past two years: more administrative impediments, longer clearance procedures and "
            "repeated incidents against staff at checkpoints. Several noted that access "
            "negotiated by one organisation is rarely shared with others working in the same "
            "area. The discussion turned to how a collective approach could lower the cost "
            "of access for everyone."
        ),
        key_points=(
            "Bureaucratic impediments — travel permits, visa delays and registration "
            "requirements — now block more missions than insecurity does.",
            "Access is negotiated organisation by organisation, which duplicates efforts and "
            "lets authorities play organisations against one another.",
            "National staff bear most of the risk of access negotiations at field level.",
        ),
        recommendations=(
            DemoRecommendation(
                "Set up or strengthen inter-agency access working groups in each operation, "
                "with national and local NGOs as full members, to share access analysis and "
                "negotiate on common principles.",
                (ALL_ACTORS,),
                HIGH,
                ("humanitarian-access", "ngo-partnerships"),
            ),
            DemoRecommendation(
                "Simplify and shorten registration, visa and travel-permit procedures for "
                "humanitarian staff and supplies, and publish the applicable rules.",
                (STATES,),
                HIGH,
                ("humanitarian-access",),
                other_addressee="Host governments in the region",
            ),
            DemoRecommendation(
                "Fund the time and staff that access negotiation takes as a programme cost, "
                "not an overhead.",
                (DONORS,),
                MEDIUM,
                ("humanitarian-access",),
            ),
        ),
        review=PUBLISHED,
    ),
    "Risk reduction tactics in unstable environments": DemoSessionOutcome(
        summary=(
            "Panellists compared the risk reduction tactics that keep programmes running in "
            "unstable environments: acceptance built with communities, low-profile movements, "
            "remote management and shared security information. They agreed that no tactic "
            "works without **investment in people**, and that the risks are often transferred "
            "to local partners rather than reduced."
        ),
        key_points=(
            "Community acceptance remains the most effective protection, but it takes years "
            "to build and can be lost in days.",
            "Remote management transfers risk to national and local partners unless it comes "
            "with resources and support.",
            "Security incidents affecting local NGOs are under-reported, so the overall "
            "picture of risk is incomplete.",
        ),
        recommendations=(
            DemoRecommendation(
                "Carry out joint risk assessments with partners before a programme starts, and "
                "agree in writing how the risks identified will be shared and funded.",
                (IOM, NGOS),
                HIGH,
                ("risk-reduction", "duty-of-care"),
            ),
            DemoRecommendation(
                "Create a confidential channel for national and local NGOs to report security "
                "incidents into the shared regional analysis.",
                (NGOS,),
                MEDIUM,
                ("risk-reduction",),
            ),
            DemoRecommendation(
                "Accept flexible programme timelines in high-risk areas, so that partners are "
                "not pushed to take risks to meet deadlines.",
                (DONORS,),
                MEDIUM,
                ("risk-reduction",),
            ),
        ),
        commitments=(
            DemoCommitment(
                "Convene a regional network of security focal points from national and local "
                "NGOs, meeting every quarter.",
                "SRN",
                date(2027, 10, 31),
                (
                    (
                        IN_PROGRESS,
                        "First online meeting held with focal points from six countries.",
                    ),
                ),
            ),
        ),
        review=PUBLISHED,
    ),
    "Strengthening local capacity": DemoSessionOutcome(
        summary=(
            "The breakout heard that capacity strengthening is too often a one-way transfer of "
            "training, while national and local NGOs already hold the knowledge of context "
            "and the community trust that international actors lack. Participants asked for "
            "**multi-year, flexible funding** and a fair share of overhead costs so that local "
            "organisations can keep the staff they train."
        ),
        key_points=(
            "Short project grants without overheads prevent local organisations from keeping "
            "trained staff.",
            "Capacity strengthening should go both ways: international organisations have a "
            "lot to learn about context and acceptance.",
            "Due-diligence requirements are duplicated across partners and weigh heaviest on "
            "the smallest organisations.",
        ),
        recommendations=(
            DemoRecommendation(
                "Include a fair share of overhead costs in every partnership agreement with "
                "national and local NGOs.",
                (IOM, DONORS),
                HIGH,
                ("local-capacity",),
            ),
            DemoRecommendation(
                "Harmonise and mutually recognise partner due-diligence assessments, so that "
                "a local NGO is assessed once rather than by every partner.",
                (ALL_ACTORS,),
                MEDIUM,
                ("local-capacity",),
            ),
            DemoRecommendation(
                "Plan capacity strengthening with local partners from the start, based on the "
                "needs they identify themselves.",
                (NGOS,),
                LOW,
                ("local-capacity",),
            ),
        ),
        commitments=(
            DemoCommitment(
                "Pilot a peer-mentoring scheme pairing national NGOs with community-based "
                "organisations on financial management and reporting.",
                "LCA",
                date(2027, 12, 31),
            ),
        ),
        review=PUBLISHED,
    ),
    "Reaching migrant detention centres": DemoSessionOutcome(
        summary=(
            "In this closed session, participants shared their experience of access to "
            "migrant detention centres: access is **irregular, often negotiated centre by "
            "centre**, and can be withdrawn without notice. Organisations providing assistance "
            "inside centres face a dilemma between meeting urgent needs and appearing to "
            "legitimise detention conditions. Participants agreed on principles for a common "
            "approach."
        ),
        key_points=(
            "Humanitarian access to detention centres depends on individual relationships "
            "with centre managers and is easily lost when they change.",
            "Assistance inside centres must not make detention more acceptable or longer; "
            "advocacy for alternatives to detention must go with it.",
            "Unofficial places of detention remain entirely out of reach.",
        ),
        recommendations=(
            DemoRecommendation(
                "Grant humanitarian organisations regular, unannounced and unimpeded access "
                "to all places where migrants are detained, including unofficial ones.",
                (STATES,),
                HIGH,
                ("hard-to-reach-places", "humanitarian-access"),
                other_addressee="Authorities running detention facilities",
            ),
            DemoRecommendation(
                "Agree on common minimum conditions for assistance inside detention centres, "
                "and a shared position on when to suspend it.",
                (IOM, NGOS),
                HIGH,
                ("hard-to-reach-places",),
            ),
            DemoRecommendation(
                "Document conditions and access incidents in detention centres in a common, "
                "confidential format to support advocacy for alternatives to detention.",
                (NGOS,),
                MEDIUM,
                ("hard-to-reach-places",),
            ),
        ),
        commitments=(
            DemoCommitment(
                "Draft a common protocol for humanitarian visits to migrant detention "
                "facilities and share it with partners for comment.",
                "IOM",
                date(2027, 11, 30),
                ((IN_PROGRESS, "First draft circulated to the participants of the session."),),
            ),
        ),
        review=(("submit", None), ("approve", "Closed session: internal report only.")),
    ),
    "What the breakouts heard": DemoSessionOutcome(
        summary=(
            "The plenary heard the report of the breakout on local capacity; the breakout on "
            "detention centres was closed, and its outcomes are shared with the team only. "
            "Participants found **common ground**: local organisations carry a growing share "
            "of the risk and of the response, without the resources that should come with it."
        ),
        key_points=(
            "The themes of local capacity and access to hard-to-reach places are linked: "
            "local organisations often reach places others cannot.",
            "Participants asked that the consultation's recommendations be followed up publicly.",
        ),
        recommendations=(
            DemoRecommendation(
                "Recognise the access that national and local NGOs obtain by involving them in "
                "planning and funding decisions for hard-to-reach areas.",
                (ALL_ACTORS,),
                MEDIUM,
                ("local-capacity", "hard-to-reach-places"),
            ),
        ),
        review=APPROVED,
    ),
    "Accountability and transparency to affected people": DemoSessionOutcome(
        summary=(
            "Panellists discussed how to answer to affected people, not only to donors. "
            "Complaint and feedback mechanisms exist in most programmes, but people rarely "
            "hear what was done with their feedback. Participants called for **closing the "
            "feedback loop** and for more transparency on funding and selection criteria."
        ),
        key_points=(
            "Feedback mechanisms are seldom designed with the communities that use them, and "
            "often exclude women, older people and people with disabilities.",
            "People are rarely told why they were or were not selected for assistance.",
            "Reporting demands from several partners take time away from accountability to "
            "communities.",
        ),
        recommendations=(
            DemoRecommendation(
                "Design complaint and feedback mechanisms with communities, in their languages, "
                "and report back publicly on the action taken.",
                (NGOS, IOM),
                HIGH,
                ("accountability",),
            ),
            DemoRecommendation(
                "Publish selection criteria for assistance and explain them in the communities "
                "concerned.",
                (ALL_ACTORS,),
                MEDIUM,
                ("transparency", "accountability"),
            ),
            DemoRecommendation(
                "Accept a common reporting format, so that partners can report once to several "
                "donors.",
                (DONORS,),
                LOW,
                ("transparency",),
            ),
        ),
        commitments=(
            DemoCommitment(
                "Compile an inventory of complaint and feedback mechanisms used by NGOs in the "
                "region, with examples of good practice.",
                "ICVA",
                date(2027, 8, 31),
                (
                    (IN_PROGRESS, "Survey sent to members and partners in the region."),
                    (DONE, "Inventory of 42 mechanisms shared with participants."),
                ),
            ),
        ),
        review=PUBLISHED,
    ),
    "Duty of care for national and local partners": DemoSessionOutcome(
        summary=(
            "The working group found that duty of care for national and local partners lags "
            "far behind what international organisations provide to their own staff. Partner "
            "budgets rarely cover insurance, security training or psychosocial support. "
            "Participants asked that **duty of care be shared, funded and written into "
            "partnership agreements**."
        ),
        key_points=(
            "Staff of local partners take the greatest risks with the least protection.",
            "Security and staff-care costs are often cut from partner budgets during negotiation.",
            "Psychosocial support for staff of local organisations is almost never funded.",
        ),
        recommendations=(
            DemoRecommendation(
                "Make security, insurance and staff-care costs of partners eligible, and "
                "protect them from cuts during budget negotiation.",
                (DONORS, IOM),
                HIGH,
                ("duty-of-care",),
            ),
            DemoRecommendation(
                "Open security training and medical evacuation arrangements to the staff of "
                "national and local partners.",
                (IOM, NGOS),
                MEDIUM,
                ("duty-of-care", "local-capacity"),
            ),
            DemoRecommendation(
                "Fund psychosocial support for humanitarian staff of local organisations.",
                (DONORS,),
                MEDIUM,
                ("duty-of-care",),
                other_addressee="Pooled fund managers",
            ),
        ),
        commitments=(
            DemoCommitment(
                "Review partnership agreement templates for the region so that budgets can "
                "include the security, insurance and staff-care costs of partners.",
                "IOM",
                date(2027, 12, 31),
                ((IN_PROGRESS, "Template revision under legal review."),),
            ),
        ),
        review=PUBLISHED,
    ),
    "Conflict-sensitive programming": DemoSessionOutcome(
        summary=(
            "Participants shared how assistance can feed tensions between communities, "
            "through targeting, hiring or the choice of suppliers. Conflict analysis is done "
            "at the start of programmes but seldom updated. The group asked for **light, "
            "regular conflict analysis** shared between partners."
        ),
        key_points=(
            "Hiring and procurement decisions can be perceived as taking sides.",
            "Host and displaced communities must both see the benefit of assistance.",
            "Local staff know the tensions best but are rarely asked.",
        ),
        recommendations=(
            DemoRecommendation(
                "Update conflict analyses at least every six months, with national staff and "
                "local partners, and share them within coordination mechanisms.",
                (NGOS, IOM),
                MEDIUM,
                ("conflict-sensitive-programming",),
            ),
            DemoRecommendation(
                "Include host communities in the targeting of programmes for displaced people "
                "and migrants where tensions are high.",
                (ALL_ACTORS,),
                LOW,
                ("conflict-sensitive-programming",),
            ),
        ),
        review=PUBLISHED,
    ),
    "Preventing and responding to aid diversion": DemoSessionOutcome(
        summary=(
            "The working group discussed the risk of aid diversion by armed groups, "
            "authorities and criminal networks, and the responses to it. Participants warned "
            "that **counter-terrorism clauses and zero-tolerance policies** can push risks onto "
            "local partners and lead them to under-report. They called for a shared approach "
            "that treats reporting of diversion as responsible behaviour."
        ),
        key_points=(
            "Fear of losing funding discourages partners from reporting diversion.",
            "Counter-terrorism clauses are passed down to local partners without support to "
            "apply them.",
            "Post-distribution monitoring and community feedback are the best early warnings.",
        ),
        recommendations=(
            DemoRecommendation(
                "Treat the timely reporting of suspected diversion as good practice, and "
                "respond by supporting the partner rather than ending the partnership.",
                (DONORS, IOM),
                HIGH,
                ("aid-diversion", "accountability"),
            ),
            DemoRecommendation(
                "Include humanitarian exemptions in sanctions and counter-terrorism measures.",
                (STATES,),
                HIGH,
                ("aid-diversion",),
            ),
            DemoRecommendation(
                "Share risk-mitigation measures against diversion, and the costs they involve, "
                "openly between partners.",
                (NGOS,),
                MEDIUM,
                ("aid-diversion",),
            ),
        ),
        commitments=(),
        review=(("submit", None), ("approve", "Wording on sanctions agreed with legal.")),
    ),
    "Working group reports": DemoSessionOutcome(
        summary=(
            "The three working groups reported back to the plenary on duty of care, "
            "conflict-sensitive programming and aid diversion. The plenary noted that the three "
            "themes share one root: **risks are transferred along the partnership chain** "
            "faster than resources."
        ),
        key_points=(
            "Risk sharing should be discussed openly at the start of every partnership.",
            "The three groups asked for common standards rather than organisation-specific "
            "policies.",
        ),
        recommendations=(
            DemoRecommendation(
                "Develop a regional framework on risk sharing between partners that covers "
                "security, diversion and conflict-sensitivity risks together.",
                (ALL_ACTORS,),
                MEDIUM,
                ("duty-of-care", "conflict-sensitive-programming", "aid-diversion"),
            ),
        ),
        review=(
            ("submit", None),
            ("return", "Merge with the working groups' own recommendations to avoid repeats."),
        ),
    ),
    "IOM and NGOs: partnerships at every level": DemoSessionOutcome(
        summary=(
            "Hala Nasser (ICVA) and Daniel Moreau (IOM) discussed how IOM and NGOs can work "
            "together at the international, regional, national and local levels. Daniel "
            "Moreau restated IOM's commitment to **work closely with NGOs at every level** and "
            "to take concrete steps to strengthen its partnerships. Participants asked for "
            "more predictable procedures and a regular space for dialogue."
        ),
        key_points=(
            "NGOs find IOM's partnership procedures hard to follow and different from one "
            "country office to another.",
            "A regular dialogue space between IOM and NGOs in the region is missing.",
            "National NGOs want to be partners in design, not only in implementation.",
        ),
        recommendations=(
            DemoRecommendation(
                "IOM should hold a yearly partnership dialogue with NGOs in the region and "
                "publish how it follows up on their feedback.",
                (IOM,),
                HIGH,
                ("ngo-partnerships",),
            ),
            DemoRecommendation(
                "NGO networks should bring the views of national and local members to IOM "
                "through a regional focal point.",
                (NGOS,),
                LOW,
                ("ngo-partnerships",),
            ),
        ),
        commitments=(
            DemoCommitment(
                "IOM will hold a yearly IOM–NGO partnership dialogue in the region, with "
                "national and local NGOs making up at least half of the participants.",
                "IOM",
                date(2028, 3, 31),
            ),
            DemoCommitment(
                "ICVA will brief NGO members on IOM's partnership procedures through webinars "
                "in Arabic, English and French.",
                "ICVA",
                date(2027, 9, 30),
                (
                    (IN_PROGRESS, "Webinar materials prepared with IOM."),
                    (DONE, "Three webinars held; recordings shared with members."),
                ),
            ),
        ),
        review=PUBLISHED,
    ),
    "Drafting the recommendations": DemoSessionOutcome(
        summary=(
            "Participants reviewed the recommendations gathered over the first two days, "
            "merged overlapping ones and agreed on their addressees. The group insisted that "
            "each recommendation should be **specific enough to be tracked**."
        ),
        key_points=(
            "Recommendations should name whom they address and what a first step would be.",
            "Progress should be reported back to participants within six months.",
        ),
        recommendations=(
            DemoRecommendation(
                "Publish a follow-up of the consultation's recommendations six months after "
                "the event, with the status of each one.",
                (IOM, NGOS),
                MEDIUM,
                ("ngo-partnerships",),
            ),
        ),
        review=IN_REVIEW,
    ),
    "Recommendations and commitments": DemoSessionOutcome(
        summary=(
            "The plenary adopted the recommendations and heard the commitments that "
            "participating organisations were ready to take on. Participants asked that "
            "commitments have **an owner and a due date** and be tracked publicly."
        ),
        key_points=(
            "Commitments are voluntary but should be tracked like the recommendations.",
            "Several participants will take the recommendations to their own boards.",
        ),
        recommendations=(
            DemoRecommendation(
                "Circulate the recommendations to humanitarian country teams and coordination "
                "bodies in the region.",
                (ALL_ACTORS,),
                LOW,
                ("accountability", "ngo-partnerships"),
                other_addressee="Humanitarian country teams",
            ),
        ),
        commitments=(
            DemoCommitment(
                "Translate the recommendations into Arabic and French and circulate them to "
                "member organisations.",
                "SRN",
                date(2027, 7, 31),
            ),
        ),
        review=DRAFT,
    ),
    "Closing: next steps": DemoSessionOutcome(
        summary=(
            "Closing the consultation, Daniel Moreau thanked the more than 65 participants and "
            "confirmed that the exchanges will **inform IOM's future policies**. IOM and ICVA "
            "will report back on the recommendations and commitments."
        ),
        key_points=(
            "The consultation will be held again next year, with a follow-up of this year's "
            "recommendations.",
            "The outcomes will be shared in Arabic, English and French.",
        ),
        recommendations=(
            DemoRecommendation(
                "Give national and local NGOs a greater role in preparing next year's "
                "consultation, including in choosing its themes.",
                (IOM,),
                LOW,
                ("ngo-partnerships",),
                other_addressee="ICVA",
            ),
        ),
        commitments=(
            DemoCommitment(
                "IOM will report to participants six months after the consultation on the "
                "status of every recommendation and commitment.",
                "IOM",
                date(2027, 11, 30),
            ),
        ),
        review=APPROVED,
    ),
}

EXECUTIVE_SUMMARY = (
    "More than 65 representatives of international, regional, national and local NGOs met "
    "IOM and ICVA in Istanbul for the first IOM–NGO regional humanitarian consultation for "
    "the Middle East and North Africa. Over three days they discussed how to obtain and keep "
    "safe access to people in high-risk, hard-to-reach places.\n\n"
    "Participants described a region where attacks on aid workers and administrative "
    "impediments are reducing humanitarian access, and where national and local NGOs carry a "
    "growing share of both the response and the risk. Discussions covered risk reduction, "
    "local capacity, access to migrant detention centres, accountability and transparency, "
    "duty of care, conflict-sensitive programming and aid diversion.\n\n"
    "The consultation made **about thirty recommendations** to IOM, NGOs, donors and States, "
    "and participating organisations took on **ten commitments**, each with an owner and a "
    "due date. Their follow-up is tracked in this report."
)

CONCLUSIONS = (
    "1. **Access is a shared responsibility.** Access negotiated alone is fragile; "
    "participants want collective approaches in which national and local NGOs are full "
    "partners.\n"
    "2. **Risk must be shared, not transferred.** Security, diversion and conflict risks move "
    "down the partnership chain faster than resources. Duty of care for local partners must "
    "be funded and written into agreements.\n"
    "3. **Local capacity needs predictable funding.** Multi-year funding, fair overheads and "
    "harmonised due diligence matter more than more training.\n"
    "4. **Accountability goes to affected people first.** Feedback must be answered, and "
    "selection criteria explained.\n"
    "5. **Partnerships need a regular space.** IOM and NGOs will meet every year and report "
    "on what changed."
)

NEXT_STEPS = (
    "- Share this report with participants, IOM country offices and NGO networks in the "
    "region, in Arabic, English and French.\n"
    "- Track each commitment on this site; owners update its status as work progresses.\n"
    "- Publish a six-month follow-up of every recommendation.\n"
    "- Prepare next year's consultation with national and local NGOs, starting from this "
    "follow-up."
)


def seed_outcomes(
    event: Event, organisations: dict[str, Organisation], rapporteur: User, reviewer: User
) -> None:
    """Record and review the demo event's outcomes, once: nothing happens if the event already
    has outcomes, or if the rapporteur or the reviewer may not do their part."""
    if _has_outcomes(event):
        return
    recording = outcome_access(event, rapporteur)
    reviewing = outcome_access(event, reviewer)
    if not (recording.can_record and reviewing.can_review):
        return
    for session in outcome_sessions(event):
        content = DEMO_SESSION_OUTCOMES.get(session.title)
        if content is None:
            continue
        _, outcome = outcome_for_session(event, session.id)
        themes = {theme.slug: theme.id for theme in session.themes}
        save_session_summary(outcome, content.summary)
        for text in content.key_points:
            add_key_point(outcome, text)
        for recommendation in content.recommendations:
            add_recommendation(
                event,
                outcome,
                RecommendationDetails(
                    text=recommendation.text,
                    addressees=list(recommendation.addressees),
                    other_addressee=recommendation.other_addressee,
                    priority=recommendation.priority,
                    theme_ids=[themes[slug] for slug in recommendation.themes if slug in themes],
                ),
            )
        for commitment in content.commitments:
            owner = organisations.get(commitment.owner)
            item = add_commitment(
                event,
                outcome,
                CommitmentDetails(
                    text=commitment.text,
                    owner_id=owner.id if owner else None,
                    due_on=commitment.due_on,
                ),
                rapporteur,
            )
            for status, note in commitment.progress:
                set_commitment_status(item, status, note, rapporteur)
        for step, note in content.review:
            if step in RECORDER_STEPS:
                take_review_step(outcome, step, recording, rapporteur, note)
            else:
                take_review_step(outcome, step, reviewing, reviewer, note)
    save_conclusions(event, EXECUTIVE_SUMMARY, CONCLUSIONS, NEXT_STEPS)
    review_event_outcome(event, "submit", recording, rapporteur)
    review_event_outcome(event, "approve", reviewing, reviewer)
    db.session.flush()


def _has_outcomes(event: Event) -> bool:
    return any(
        db.session.scalar(sa.select(column).where(column == event.id).limit(1)) is not None
        for column in (SessionOutcome.event_id, EventOutcome.event_id)
    )
