"""The demo consultation, modelled on the first IOM–NGO regional humanitarian consultation
for the Middle East and North Africa (Istanbul). Every step finds its data by a natural key
first, so seeding twice changes nothing."""

import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa

from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.agenda.models import Attribution, SessionKind, SpeakerRole
from consultation.agenda.services import SessionDetails, add_speaker, save_session
from consultation.db import db, now_utc
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    EventStatus,
    PartnerRole,
    Region,
    TeamRole,
)
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationType,
    comparison_key,
)
from consultation.organisations.services import save_organisation
from consultation.outcomes.demo import seed_outcomes
from consultation.registrations.demo import seed_registrations
from consultation.taxonomy.models import Series, Theme
from consultation.taxonomy.seed import seed_themes
from consultation.taxonomy.services import create_series

DEMO_EMAIL_DOMAIN = "demo.consultation.example"

DEMO_ACCOUNTS = (
    (Role.ADMIN, "Amina Haddad", "Consultation secretariat"),
    (Role.ORGANISER, "Olivier Martin", "IOM Regional Office for MENA"),
    (Role.RAPPORTEUR, "Rania Khalil", "ICVA"),
    (Role.POLICY, "Peter Lindqvist", "IOM Humanitarian Policy"),
    (Role.PARTICIPANT, "Youssef Benali", "Sahel Relief Network"),
)

DEMO_EVENT_SLUG = "iom-ngo-mena-2027"


@dataclass(frozen=True)
class CreatedAccount:
    role: Role
    email: str
    password: str


def database_is_empty() -> bool:
    return all(db.session.scalar(sa.select(model.id).limit(1)) is None for model in (User, Event))


def seed_demo() -> list[CreatedAccount]:
    """Load what is missing of the demo; returns the accounts created by this call."""
    created = seed_accounts()
    seed_themes()
    organisations = seed_organisations()
    if db.session.scalar(sa.select(Event.id).where(Event.slug == DEMO_EVENT_SLUG)) is None:
        event = create_demo_event(organisations)
        db.session.flush()
        seed_agenda(event, organisations)
        seed_registrations(event)
    seed_outcomes(
        db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT_SLUG)),
        organisations,
        rapporteur=accounts.find_user_by_email(demo_email(Role.RAPPORTEUR)),
        reviewer=accounts.find_user_by_email(demo_email(Role.POLICY)),
    )
    db.session.flush()
    return created


def demo_email(role: Role) -> str:
    return f"{role.value}@{DEMO_EMAIL_DOMAIN}"


def seed_accounts() -> list[CreatedAccount]:
    created = []
    for role, name, organisation in DEMO_ACCOUNTS:
        email = demo_email(role)
        if accounts.find_user_by_email(email) is not None:
            continue
        password = secrets.token_urlsafe(12)
        user = User(
            email=email,
            display_name=name,
            organisation_name=organisation,
            role=role,
            language="en",
            email_confirmed_at=now_utc(),
        )
        accounts.set_password(user, password)
        db.session.add(user)
        created.append(CreatedAccount(role, email, password))
    return created


def seed_organisations() -> dict[str, Organisation]:
    by_acronym = {}
    for name, acronym, kind, level, country, website in DEMO_ORGANISATIONS:
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.acronym_key == comparison_key(acronym))
        )
        if organisation is None:
            organisation = save_organisation(None, name, acronym, kind, level, country, website)
        by_acronym[acronym] = organisation
    return by_acronym


def seed_series() -> Series:
    series = db.session.scalar(sa.select(Series).where(Series.code == "MENA"))
    return series or create_series(
        "IOM–NGO Regional Humanitarian Consultations — Middle East and North Africa",
        "MENA",
        "Yearly consultations between IOM, ICVA and NGOs working in the Middle East and North Africa.",
        # The demo organiser adds next year's edition to it.
        owner=accounts.find_user_by_email(demo_email(Role.ORGANISER)),
    )


def create_demo_event(organisations: dict[str, Organisation]) -> Event:
    themes = db.session.scalars(sa.select(Theme).order_by(Theme.position))
    team_roles = {
        Role.ORGANISER: TeamRole.ORGANISER,
        Role.RAPPORTEUR: TeamRole.RAPPORTEUR,
        Role.POLICY: TeamRole.POLICY,
    }
    event = Event(
        series=seed_series(),
        slug=DEMO_EVENT_SLUG,
        title="IOM–NGO Regional Humanitarian Consultation — Middle East and North Africa",
        city="Istanbul",
        country="TR",
        region=Region.MIDDLE_EAST_NORTH_AFRICA,
        edition_year=2027,
        venue="Istanbul Congress Center",
        description=(
            "Across the world, armed conflicts and major crises create life-saving needs for "
            "millions of civilians, while attacks on aid workers and other obstacles reduce "
            "sustained humanitarian access.\n\n"
            "Since 2015, IOM and ICVA have held yearly consultations where humanitarians open "
            "a dialogue, explore ways of working together and answer current challenges. "
            "This consultation asks:\n\n"
            "- how to obtain and keep safe access to people in high-risk, hard-to-reach places;\n"
            "- how to invest in the skills and capacities of local and national NGOs;\n"
            "- how IOM and NGOs at every level can strengthen their partnerships."
        ),
        themes=list(themes),
        partners=[
            EventPartner(organisation=organisations["IOM"], role=PartnerRole.HOST, position=0),
            EventPartner(
                organisation=organisations["ICVA"], role=PartnerRole.CO_ORGANISER, position=1
            ),
        ],
        team=[
            EventMember(user=accounts.find_user_by_email(demo_email(role)), role=team_role)
            for role, team_role in team_roles.items()
        ],
        working_languages=["en", "ar", "fr"],
        start_date=date(2027, 5, 11),
        end_date=date(2027, 5, 13),
        timezone="Europe/Istanbul",
        contact_email="humanitarianpolicy@iom.int",
        status=EventStatus.PUBLISHED,
        summary=(
            "Co-organised by the International Organization for Migration (IOM) and the "
            "International Council of Voluntary Agencies (ICVA), this first regional "
            "consultation brings more than 65 representatives of international, regional, "
            "national and local NGOs together to improve humanitarian access in the Middle "
            "East and North Africa: reducing risk, strengthening local capacity and "
            "reaching hard-to-reach places such as migrant detention centres, with "
            "accountability, transparency, duty of care, conflict-sensitive programming "
            "and aid diversion on the agenda. The exchanges inform IOM's future policies."
        ),
    )
    for language, texts in DEMO_EVENT_TRANSLATIONS.items():
        event.set_translations(language, texts)
    db.session.add(event)
    return event


# The event's texts in its other working languages; the Markdown keeps the English structure.
DEMO_EVENT_TRANSLATIONS = {
    "ar": {
        "title": (
            "المشاورة الإنسانية الإقليمية بين المنظمة الدولية للهجرة والمنظمات غير الحكومية "
            "— الشرق الأوسط وشمال أفريقيا"
        ),
        "summary": (
            "تنظم المنظمة الدولية للهجرة (IOM) والمجلس الدولي للوكالات التطوعية (ICVA) "
            "بالاشتراك هذه المشاورة الإقليمية الأولى، التي تجمع أكثر من 65 ممثلاً عن منظمات "
            "غير حكومية دولية وإقليمية ووطنية ومحلية من أجل تحسين الوصول الإنساني في الشرق "
            "الأوسط وشمال أفريقيا: الحد من المخاطر، وتعزيز القدرات المحلية، والوصول إلى "
            "الأماكن التي يصعب الوصول إليها مثل مراكز احتجاز المهاجرين. ويتضمن جدول الأعمال "
            "المساءلة والشفافية وواجب الرعاية والبرمجة المراعية للنزاعات وتحويل مسار "
            "المساعدات. وستسترشد المنظمة الدولية للهجرة بهذه المداولات في سياساتها المستقبلية."
        ),
        "description": (
            "تفضي النزاعات المسلحة والأزمات الكبرى في شتى أنحاء العالم إلى احتياجات ملحة "
            "لإنقاذ أرواح ملايين المدنيين، في حين تحد الاعتداءات على العاملين في المجال "
            "الإنساني وغيرها من العوائق من استدامة الوصول الإنساني.\n\n"
            "ومنذ عام 2015، تعقد المنظمة الدولية للهجرة والمجلس الدولي للوكالات التطوعية "
            "مشاورات سنوية يفتح فيها العاملون في المجال الإنساني باب الحوار، ويستكشفون سبل "
            "العمل المشترك، ويتصدون للتحديات الراهنة. وتتناول هذه المشاورة المسائل التالية:\n\n"
            "- كيفية تأمين وصول آمن ومستمر إلى السكان في الأماكن الشديدة الخطورة التي يصعب "
            "الوصول إليها؛\n"
            "- كيفية الاستثمار في مهارات المنظمات غير الحكومية المحلية والوطنية وقدراتها؛\n"
            "- كيفية تعزيز الشراكات بين المنظمة الدولية للهجرة والمنظمات غير الحكومية على "
            "جميع المستويات."
        ),
    },
    "fr": {
        "title": "Consultation humanitaire régionale OIM–ONG — Moyen-Orient et Afrique du Nord",
        "summary": (
            "Co-organisée par l’Organisation internationale pour les migrations (OIM) et le "
            "Conseil international des agences bénévoles (ICVA), cette première consultation "
            "régionale réunit plus de 65 représentants d’ONG internationales, régionales, "
            "nationales et locales pour améliorer l’accès humanitaire au Moyen-Orient et en "
            "Afrique du Nord\u00a0: réduire les risques, renforcer les capacités locales et "
            "atteindre les lieux difficiles d’accès, tels que les centres de détention de "
            "migrants. La redevabilité, la transparence, le devoir de protection, la "
            "programmation sensible aux conflits et le détournement de l’aide sont à l’ordre "
            "du jour. Les échanges éclaireront les futures politiques de l’OIM."
        ),
        "description": (
            "Partout dans le monde, les conflits armés et les crises majeures font naître des "
            "besoins vitaux pour des millions de civils, tandis que les attaques contre le "
            "personnel humanitaire et d’autres obstacles entravent un accès humanitaire "
            "durable.\n\n"
            "Depuis 2015, l’OIM et l’ICVA organisent chaque année des consultations où les "
            "acteurs humanitaires engagent le dialogue, explorent des manières de travailler "
            "ensemble et répondent aux défis actuels. Cette consultation pose les questions "
            "suivantes\u00a0:\n\n"
            "- comment obtenir et maintenir un accès sûr aux populations dans les lieux à haut "
            "risque et difficiles d’accès\u00a0;\n"
            "- comment investir dans les compétences et les capacités des ONG locales et "
            "nationales\u00a0;\n"
            "- comment l’OIM et les ONG, à tous les niveaux, peuvent renforcer leurs "
            "partenariats."
        ),
    },
}


DEMO_ORGANISATIONS = (
    (
        "International Organization for Migration",
        "IOM",
        OrganisationType.UN_AGENCY,
        OrganisationLevel.INTERNATIONAL,
        "CH",
        "https://www.iom.int",
    ),
    (
        "International Council of Voluntary Agencies",
        "ICVA",
        OrganisationType.NGO_NETWORK,
        OrganisationLevel.INTERNATIONAL,
        "CH",
        "https://www.icvanetwork.org",
    ),
    (
        "Sahel Relief Network",
        "SRN",
        OrganisationType.NGO_NETWORK,
        OrganisationLevel.REGIONAL,
        "TN",
        None,
    ),
    (
        "Levant Community Aid",
        "LCA",
        OrganisationType.NATIONAL_NGO,
        OrganisationLevel.NATIONAL,
        "JO",
        None,
    ),
)

# (day, start, end, kind, title, room, themes, attribution, people)
# people: (name, title, organisation acronym, role)
DEMO_AGENDA = (
    (1, "08:30", "09:00", SessionKind.BREAK, "Registration and coffee", "Foyer", (), None, ()),
    (
        1,
        "09:00",
        "09:45",
        SessionKind.OPENING,
        "Opening: safe and sustained access in high-risk environments",
        "Marmara Hall",
        ("humanitarian-access",),
        Attribution.ON_RECORD,
        (
            ("Daniel Moreau", "Director of Operations and Emergencies", "IOM", SpeakerRole.SPEAKER),
            ("Hala Nasser", "Executive Director", "ICVA", SpeakerRole.MODERATOR),
        ),
    ),
    (
        1,
        "10:00",
        "11:30",
        SessionKind.PLENARY,
        "Humanitarian access in the region today",
        "Marmara Hall",
        ("humanitarian-access", "ngo-partnerships"),
        Attribution.CHATHAM_HOUSE,
        (("Hala Nasser", "Executive Director", "ICVA", SpeakerRole.MODERATOR),),
    ),
    (1, "11:30", "11:45", SessionKind.BREAK, "Coffee break", "Foyer", (), None, ()),
    (
        1,
        "11:45",
        "13:00",
        SessionKind.PANEL,
        "Risk reduction tactics in unstable environments",
        "Marmara Hall",
        ("risk-reduction", "duty-of-care"),
        Attribution.CHATHAM_HOUSE,
        (
            ("Omar Haddad", "Security adviser", "LCA", SpeakerRole.PANELLIST),
            ("Salma Idrissi", "Programme director", "SRN", SpeakerRole.PANELLIST),
        ),
    ),
    (1, "13:00", "14:00", SessionKind.BREAK, "Lunch", "Terrace", (), None, ()),
    (
        1,
        "14:00",
        "15:30",
        SessionKind.BREAKOUT,
        "Strengthening local capacity",
        "Bosphorus Room",
        ("local-capacity",),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (
        1,
        "14:00",
        "15:30",
        SessionKind.BREAKOUT,
        "Reaching migrant detention centres",
        "Galata Room",
        ("hard-to-reach-places", "humanitarian-access"),
        Attribution.CLOSED,
        (),
    ),
    (
        1,
        "15:45",
        "17:00",
        SessionKind.PLENARY,
        "What the breakouts heard",
        "Marmara Hall",
        ("local-capacity", "hard-to-reach-places"),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (
        2,
        "09:00",
        "10:30",
        SessionKind.PANEL,
        "Accountability and transparency to affected people",
        "Marmara Hall",
        ("accountability", "transparency"),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (2, "10:30", "10:45", SessionKind.BREAK, "Coffee break", "Foyer", (), None, ()),
    (
        2,
        "10:45",
        "12:15",
        SessionKind.WORKING_GROUP,
        "Duty of care for national and local partners",
        "Bosphorus Room",
        ("duty-of-care", "local-capacity"),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (
        2,
        "10:45",
        "12:15",
        SessionKind.WORKING_GROUP,
        "Conflict-sensitive programming",
        "Galata Room",
        ("conflict-sensitive-programming",),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (
        2,
        "10:45",
        "12:15",
        SessionKind.WORKING_GROUP,
        "Preventing and responding to aid diversion",
        "Topkapı Room",
        ("aid-diversion", "accountability"),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (2, "12:15", "13:15", SessionKind.BREAK, "Lunch", "Terrace", (), None, ()),
    (
        2,
        "13:15",
        "14:45",
        SessionKind.PLENARY,
        "Working group reports",
        "Marmara Hall",
        ("duty-of-care", "conflict-sensitive-programming", "aid-diversion"),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (
        2,
        "15:00",
        "16:30",
        SessionKind.PANEL,
        "IOM and NGOs: partnerships at every level",
        "Marmara Hall",
        ("ngo-partnerships",),
        Attribution.ON_RECORD,
        (
            ("Hala Nasser", "Executive Director", "ICVA", SpeakerRole.PANELLIST),
            (
                "Daniel Moreau",
                "Director of Operations and Emergencies",
                "IOM",
                SpeakerRole.PANELLIST,
            ),
        ),
    ),
    (
        3,
        "09:00",
        "10:30",
        SessionKind.WORKING_GROUP,
        "Drafting the recommendations",
        "Marmara Hall",
        ("ngo-partnerships",),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (3, "10:30", "10:45", SessionKind.BREAK, "Coffee break", "Foyer", (), None, ()),
    (
        3,
        "10:45",
        "12:00",
        SessionKind.PLENARY,
        "Recommendations and commitments",
        "Marmara Hall",
        ("accountability", "ngo-partnerships"),
        Attribution.CHATHAM_HOUSE,
        (),
    ),
    (
        3,
        "12:00",
        "13:00",
        SessionKind.CLOSING,
        "Closing: next steps",
        "Marmara Hall",
        ("ngo-partnerships",),
        Attribution.ON_RECORD,
        (("Daniel Moreau", "Director of Operations and Emergencies", "IOM", SpeakerRole.SPEAKER),),
    ),
)


# The title of each session of DEMO_AGENDA in the event's other working languages, by its
# English title; seeding fails on a session missing here, so that new ones get translated.
DEMO_SESSION_TRANSLATIONS = {
    "Registration and coffee": {"ar": "التسجيل والقهوة", "fr": "Accueil et café"},
    "Opening: safe and sustained access in high-risk environments": {
        "ar": "الافتتاح: الوصول الآمن والمستدام في البيئات الشديدة الخطورة",
        "fr": "Ouverture\u00a0: un accès sûr et durable dans les environnements à haut risque",
    },
    "Humanitarian access in the region today": {
        "ar": "واقع الوصول الإنساني في المنطقة اليوم",
        "fr": "L’accès humanitaire dans la région aujourd’hui",
    },
    "Coffee break": {"ar": "استراحة قهوة", "fr": "Pause café"},
    "Risk reduction tactics in unstable environments": {
        "ar": "أساليب الحد من المخاطر في البيئات غير المستقرة",
        "fr": "Tactiques de réduction des risques dans les environnements instables",
    },
    "Lunch": {"ar": "استراحة الغداء", "fr": "Déjeuner"},
    "Strengthening local capacity": {
        "ar": "تعزيز القدرات المحلية",
        "fr": "Renforcer les capacités locales",
    },
    "Reaching migrant detention centres": {
        "ar": "الوصول إلى مراكز احتجاز المهاجرين",
        "fr": "Atteindre les centres de détention de migrants",
    },
    "What the breakouts heard": {
        "ar": "حصيلة الجلسات الموازية",
        "fr": "Restitution des ateliers parallèles",
    },
    "Accountability and transparency to affected people": {
        "ar": "المساءلة والشفافية تجاه السكان المتضررين",
        "fr": "Redevabilité et transparence envers les populations touchées",
    },
    "Duty of care for national and local partners": {
        "ar": "واجب الرعاية تجاه الشركاء الوطنيين والمحليين",
        "fr": "Devoir de protection envers les partenaires nationaux et locaux",
    },
    "Conflict-sensitive programming": {
        "ar": "البرمجة المراعية للنزاعات",
        "fr": "Programmation sensible aux conflits",
    },
    "Preventing and responding to aid diversion": {
        "ar": "منع تحويل مسار المساعدات والتصدي له",
        "fr": "Prévenir le détournement de l’aide et y répondre",
    },
    "Working group reports": {
        "ar": "تقارير الأفرقة العاملة",
        "fr": "Rapports des groupes de travail",
    },
    "IOM and NGOs: partnerships at every level": {
        "ar": "المنظمة الدولية للهجرة والمنظمات غير الحكومية: شراكات على جميع المستويات",
        "fr": "L’OIM et les ONG\u00a0: des partenariats à tous les niveaux",
    },
    "Drafting the recommendations": {
        "ar": "صياغة التوصيات",
        "fr": "Rédaction des recommandations",
    },
    "Recommendations and commitments": {
        "ar": "التوصيات والالتزامات",
        "fr": "Recommandations et engagements",
    },
    "Closing: next steps": {
        "ar": "الجلسة الختامية: الخطوات المقبلة",
        "fr": "Clôture\u00a0: prochaines étapes",
    },
}


def seed_agenda(event: Event, organisations: dict[str, Organisation]) -> None:
    """The three-day agenda of the demo consultation, with its titles translated."""
    themes = {theme.slug: theme for theme in event.themes}
    for day, start, end, kind, title, room, theme_slugs, attribution, people in DEMO_AGENDA:
        session = save_session(
            event,
            None,
            SessionDetails(
                title=title,
                kind=kind,
                day=event.start_date + timedelta(days=day - 1),
                start=time.fromisoformat(start),
                end=time.fromisoformat(end),
                room=room,
                attribution=attribution or Attribution.ON_RECORD,
                theme_ids=[themes[slug].id for slug in theme_slugs],
            ),
        )
        for language, translated_title in DEMO_SESSION_TRANSLATIONS[title].items():
            session.set_translations(language, {"title": translated_title})
        for name, job_title, acronym, speaker_role in people:
            add_speaker(
                session,
                speaker_role,
                name=name,
                title=job_title,
                organisation=organisations[acronym],
            )
