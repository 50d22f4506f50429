"""What a registrant types as their organisation stays private to their registration: no
public form, picker, directory or count shows it until an organiser of the event approves
it; erasure deletes it; the directory's removals and merges say what really stops them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role
from consultation.agenda import services as agenda
from consultation.agenda.models import Attribution, SessionSpeaker, SpeakerRole
from consultation.db import db, now_utc
from consultation.events.access import EVENT_PAGE_OPTIONS
from consultation.events.models import Event, EventPartner, PartnerRole, TeamRole
from consultation.events.services import add_partner
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationStatus,
    OrganisationType,
)
from consultation.privacy import retention
from consultation.registrations import services as registrations
from consultation.registrations.models import Moderation, Registration, RegistrationStatus
from consultation.reports import gather
from consultation.reports.models import Audience, ReportKind
from tests.factories import add_session, configure, form
from tests.helpers import link_in, open_link

TYPED = "Tripoli Community Aid"


@pytest.fixture
def two_events(app, make_event, make_organisation):
    """Two published events taking registrations (no capacity, so no count of places moves
    when someone registers), and a directory with IOM in it."""
    make_organisation("International Organization for Migration", "IOM")
    first, second = make_event(title="Consultation A"), make_event(title="Consultation B")
    for event in (first, second):
        configure(app, event, capacity=None, moderation=Moderation.AUTOMATIC)
    return first, second


def register(app, event, email, **changes):
    response = app.test_client().submit(f"/events/{event.slug}/register", form(email, **changes))
    assert response.status_code == 200, response.get_data(as_text=True)


def typed_organisation(app, name=TYPED) -> Organisation:
    with app.app_context():
        return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def organiser_of(client, make_user, add_to_team, event, role=Role.ORGANISER):
    user = make_user(role)
    if role is Role.ORGANISER:
        add_to_team(event, user, TeamRole.ORGANISER)
    client.login(user.email)
    return user


def review_url(event, organisation, action=""):
    return f"/manage/events/{event.slug}/organisations/{organisation.id}{action}"


# Nothing typed is seen outside the event's organisers ----------------------------------------


def test_a_typed_organisation_appears_on_no_public_form_and_in_no_count(app, client, two_events):
    first, second = two_events
    before = {event.slug: client.get(f"/events/{event.slug}/register") for event in two_events}
    register(app, first, "leila@ngo.example")
    for event in (first, second):
        page = client.get(f"/events/{event.slug}/register")
        assert TYPED not in page.get_data(as_text=True)
        assert "International Organization for Migration" in page.get_data(as_text=True)
        # Comparing the form's version over time would tell that someone registered.
        assert page.headers["ETag"] == before[event.slug].headers["ETag"]
    organisation = typed_organisation(app)
    assert organisation.status is OrganisationStatus.PROPOSED


def test_organisers_pickers_and_the_directory_offer_only_approved_organisations(
    app, client, two_events, make_user, add_to_team
):
    first, second = two_events
    register(app, first, "leila@ngo.example")
    organiser_of(client, make_user, add_to_team, second)
    pages = [
        "/manage/organisations/",
        f"/manage/events/{second.slug}/partners",
        "/manage/organisations/?q=tripoli",
    ]
    for url in pages:
        text = client.get(url).get_data(as_text=True)
        assert TYPED not in text, url
    organisation = typed_organisation(app)
    assert client.post(
        f"/manage/events/{second.slug}/partners",
        data={"organisation_id": organisation.id, "role": "sponsor"},
    ).status_code in (400, 404, 422)
    assert client.get(f"/manage/organisations/{organisation.id}/edit").status_code == 404
    assert client.get(review_url(first, organisation, "/merge")).status_code == 403
    assert client.get(review_url(second, organisation, "/merge")).status_code == 404


def test_the_registrant_keeps_their_own_organisation_when_they_correct_their_answers(
    app, client, two_events, outbox
):
    first, _ = two_events
    register(app, first, "leila@ngo.example")
    organisation = typed_organisation(app)
    manage = open_link(client, link_in(outbox[-1]))
    page = client.get(manage).get_data(as_text=True)
    assert f'<option selected value="{organisation.id}">{TYPED}</option>' in page
    response = client.submit(
        manage,
        form("leila@ngo.example", organisation_id=str(organisation.id), job_title="Director"),
    )
    assert response.status_code == 302
    with app.app_context():
        [registration] = db.session.scalars(sa.select(Registration)).all()
        assert registration.organisation_id == organisation.id
        assert registration.job_title == "Director"


def test_another_registrant_cannot_choose_someone_else_s_private_organisation(
    app, client, two_events
):
    first, second = two_events
    register(app, first, "leila@ngo.example")
    organisation = typed_organisation(app)
    response = client.submit(
        f"/events/{second.slug}/register",
        form("omar@ngo.example", organisation_id=str(organisation.id)),
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_typing_a_directory_name_or_acronym_joins_it_and_typing_a_private_one_does_not(
    app, two_events
):
    first, second = two_events
    register(app, first, "leila@ngo.example", new_organisation_name="iom")
    register(app, first, "omar@ngo.example")
    register(app, second, "nour@ngo.example")
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.email, Organisation.name, Organisation.status)
            .join(Organisation)
            .order_by(Registration.id)
        ).all()
    assert rows[0][1:] == ("International Organization for Migration", OrganisationStatus.APPROVED)
    # Two registrants who typed the same name each have their own private organisation.
    assert [row.status for row in rows[1:]] == [OrganisationStatus.PROPOSED] * 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Organisation.name == TYPED)) == 2


# The review queue -----------------------------------------------------------------------------


def test_approving_puts_the_organisation_on_every_form(
    app, client, two_events, make_user, add_to_team
):
    first, second = two_events
    register(app, first, "leila@ngo.example")
    organisation = typed_organisation(app)
    organiser_of(client, make_user, add_to_team, first)
    queue = client.get(f"/manage/events/{first.slug}/organisations/").get_data(as_text=True)
    assert TYPED in queue and "Leila Mansour" in queue
    registrations_page = client.get(f"/manage/events/{first.slug}/registrations")
    assert "1 organisation typed by a registrant is waiting for review." in (
        registrations_page.get_data(as_text=True)
    )
    assert client.submit(review_url(first, organisation, "/approve")).status_code == 302
    assert typed_organisation(app).status is OrganisationStatus.APPROVED
    public = app.test_client().get(f"/events/{second.slug}/register").get_data(as_text=True)
    assert TYPED in public
    queue = client.get(f"/manage/events/{first.slug}/organisations/").get_data(as_text=True)
    assert "No organisation is waiting for review" in queue


def test_approving_a_name_already_in_the_directory_asks_to_merge(
    app, client, two_events, make_user, add_to_team, make_organisation
):
    first, _ = two_events
    register(app, first, "leila@ngo.example")
    make_organisation(TYPED)
    organisation = typed_organisation(app)
    organiser_of(client, make_user, add_to_team, first)
    response = client.submit(review_url(first, organisation, "/approve"))
    assert response.status_code == 409
    assert "merge into it instead" in response.get_data(as_text=True)


def test_keeping_it_private_takes_it_out_of_the_queue_and_off_every_form(
    app, client, two_events, make_user, add_to_team
):
    first, _ = two_events
    register(app, first, "leila@ngo.example")
    organisation = typed_organisation(app)
    organiser_of(client, make_user, add_to_team, first)
    assert client.submit(review_url(first, organisation, "/keep-private")).status_code == 302
    kept = client.get(f"/manage/events/{first.slug}/organisations/?kept=1").get_data(as_text=True)
    waiting = client.get(f"/manage/events/{first.slug}/organisations/").get_data(as_text=True)
    assert TYPED not in waiting and TYPED in kept
    for event in two_events:
        assert TYPED not in client.get(f"/events/{event.slug}/register").get_data(as_text=True)


def test_merging_offers_likely_duplicates_and_moves_the_registration(
    app, client, two_events, make_user, add_to_team
):
    first, _ = two_events
    register(
        app, first, "leila@ngo.example", new_organisation_name="Intl. Organization for Migration"
    )
    organisation = typed_organisation(app, "Intl. Organization for Migration")
    organiser_of(client, make_user, add_to_team, first)
    page = client.get(review_url(first, organisation, "/merge")).get_data(as_text=True)
    # Its initials are the acronym of IOM.
    assert "International Organization for Migration (IOM)" in page
    with app.app_context():
        iom = db.session.scalar(sa.select(Organisation).where(Organisation.acronym == "IOM"))
    response = client.submit(review_url(first, organisation, "/merge"), {"into": iom.id})
    assert response.status_code == 302
    with app.app_context():
        [registration] = db.session.scalars(sa.select(Registration)).all()
        assert registration.organisation_id == iom.id
        assert db.session.get(Organisation, organisation.id) is None


def test_the_merge_search_finds_what_the_duplicates_missed(
    app, client, two_events, make_user, add_to_team, make_organisation
):
    first, _ = two_events
    register(app, first, "leila@ngo.example")
    make_organisation("Lebanese Red Cross", "LRC")
    organisation = typed_organisation(app)
    organiser_of(client, make_user, add_to_team, first)
    assert "Lebanese Red Cross" not in client.get(
        review_url(first, organisation, "/merge")
    ).get_data(as_text=True)
    found = client.get(review_url(first, organisation, "/merge?q=lebanese"))
    assert "Lebanese Red Cross (LRC)" in found.get_data(as_text=True)


# Erasure -------------------------------------------------------------------------------------


def test_erasure_deletes_the_private_organisation_but_not_a_directory_one(
    app, client, two_events, outbox
):
    first, _ = two_events
    register(app, first, "leila@ngo.example")
    register(app, first, "omar@ngo.example", organisation_id="0", new_organisation_name="IOM")
    organisation = typed_organisation(app)
    leila_page = open_link(client, link_in(outbox[0]))
    response = client.submit(f"{leila_page}/erase", headers={"Referer": leila_page})
    assert "Your data is erased" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organisation, organisation.id) is None
        erased, kept = db.session.scalars(sa.select(Registration).order_by(Registration.id))
        assert erased.anonymised_at is not None and erased.organisation_id is None
        assert kept.organisation.acronym == "IOM"


def test_anonymisation_on_schedule_deletes_private_organisations(app, make_event):
    long_ago = now_utc().date() - timedelta(days=400)
    ended = make_event(start_date=long_ago, end_date=long_ago + timedelta(days=1))
    configure(app, ended, capacity=None, moderation=Moderation.AUTOMATIC)
    with app.app_context():
        registration = registrations.register(
            db.session.merge(ended),
            "leila@ngo.example",
            "en",
            registrations.Answers(
                full_name="Leila Mansour",
                organisation_id=None,
                new_organisation=registrations.NewOrganisation(
                    TYPED, None, OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL, "LB"
                ),
                job_title=None,
                country_of_work="LB",
            ),
        )
        registration.status = RegistrationStatus.CONFIRMED
        db.session.commit()
        result = retention.run_retention()
        assert result.anonymised == 1
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0
        # The statistics still count the participant.
        assert gather.participation(db.session.merge(ended)).total == 1


# Removing and merging in the directory ----------------------------------------------------


@pytest.fixture
def admin(client, make_user):
    user = make_user(Role.ADMIN)
    client.login(user.email)
    return user


def test_a_refused_removal_names_what_really_uses_the_organisation(app, client, two_events, admin):
    first, _ = two_events
    register(app, first, "leila@ngo.example", new_organisation_name="IOM")
    with app.app_context():
        iom = db.session.scalar(sa.select(Organisation).where(Organisation.acronym == "IOM"))
    response = client.submit(f"/manage/organisations/{iom.id}/delete")
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "the organisation of 1 registration" in text
    assert "partner" not in text


def test_merging_duplicates_moves_partners_speakers_commitments_and_registrations(
    app, client, two_events, admin, make_organisation
):
    first, second = two_events
    kept = make_organisation("Save the Children", "SC")
    duplicate = make_organisation("Save the Children International")
    with app.app_context():
        a, b = (
            db.session.get(Event, event.id, options=EVENT_PAGE_OPTIONS) for event in (first, second)
        )
        add_partner(a, db.session.merge(kept), PartnerRole.SPONSOR)
        add_partner(a, db.session.merge(duplicate), PartnerRole.CO_ORGANISER)
        add_partner(b, db.session.merge(duplicate), PartnerRole.HOST)
        session = add_session(
            a, "Humanitarian access", 9, room="Hall A", attribution=Attribution.ON_RECORD
        )
        agenda.add_speaker(
            session,
            SpeakerRole.SPEAKER,
            name="Rania Haddad",
            organisation=db.session.merge(duplicate),
        )
        db.session.commit()
    register(
        app, first, "leila@ngo.example", new_organisation_name="Save the Children International"
    )
    page = client.get(f"/manage/organisations/{duplicate.id}/merge").get_data(as_text=True)
    assert "Save the Children (SC)" in page
    response = client.submit(f"/manage/organisations/{duplicate.id}/merge", {"into": kept.id})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, duplicate.id) is None
        partners = db.session.execute(
            sa.select(
                EventPartner.event_id, EventPartner.organisation_id, EventPartner.role
            ).order_by(EventPartner.event_id)
        ).all()
        # Event A had both: it keeps the one it had of the organisation kept.
        assert partners == [
            (first.id, kept.id, PartnerRole.SPONSOR),
            (second.id, kept.id, PartnerRole.HOST),
        ]
        assert db.session.scalar(sa.select(SessionSpeaker.organisation_id)) == kept.id
        assert db.session.scalar(sa.select(Registration.organisation_id)) == kept.id


def test_an_organiser_changes_only_organisations_no_other_event_uses(
    app, client, two_events, make_user, add_to_team, make_organisation
):
    first, second = two_events
    shared = make_organisation("Amel Association", "AMEL")
    own = make_organisation("Basmeh and Zeitooneh")
    with app.app_context():
        add_partner(db.session.merge(first), db.session.merge(shared), PartnerRole.HOST)
        add_partner(db.session.merge(second), db.session.merge(shared), PartnerRole.HOST)
        add_partner(db.session.merge(second), db.session.merge(own), PartnerRole.SPONSOR)
        db.session.commit()
    organiser_of(client, make_user, add_to_team, second)
    renamed = {
        "name": "IOM",
        "type": "national_ngo",
        "level": "national",
        "country": "",
        "website": "",
    }
    response = client.submit(f"/manage/organisations/{shared.id}/edit", renamed)
    assert response.status_code == 403
    assert "only an administrator can change it" in response.get_data(as_text=True)
    assert client.submit(f"/manage/organisations/{own.id}/edit", renamed).status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, shared.id).name == "Amel Association"
        assert db.session.get(Organisation, own.id).name == "IOM"


# Reports ------------------------------------------------------------------------------------


def test_a_public_report_counts_only_the_organisations_it_names(app, two_events, make_organisation):
    first, _ = two_events
    listed = make_organisation("Amel Association", "AMEL")
    for index in range(3):
        register(
            app,
            first,
            f"listed{index}@ngo.example",
            organisation_id=str(listed.id),
            named_in_report="y",
        )
    # One participant alone from an organisation, who asked not to be listed.
    register(app, first, "hidden@ngo.example", new_organisation_name="Hidden Helpers")
    with app.app_context():
        event = db.session.merge(first)
        public = gather.gather(event, ReportKind.OUTCOME, Audience.PUBLIC, "en")
        internal = gather.gather(event, ReportKind.OUTCOME, Audience.INTERNAL, "en")
        summary = gather.gather(event, ReportKind.SUMMARY, Audience.PUBLIC, "en")
    assert [organisation.name for organisation in public.organisations] == ["Amel Association"]
    assert public.participation.organisations == 1
    assert summary.participation.organisations == 1
    assert internal.participation.organisations == 2
    assert public.participation.total == 4
