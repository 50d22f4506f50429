"""Bad input never breaks anything (issue #7, item 6): Hypothesis posts hostile text (any
Unicode, NUL, right-to-left marks, 10,000 characters, emoji, SQL, HTML and template payloads,
header injections, huge numbers) to every form and query parameter of the URL map.

Every answer is below 500; a refused form (4xx) stores nothing and a 422 page shows which
field is wrong; user text is always escaped, on the page answered, on the page a redirect
leads to, in emails (which never gain a header through a name or a title) and in PDFs.

The routes, the role that may use each one and the objects their URLs name come from
``tests/routes.py``: its ``world`` is built once per test function, so one
example's accepted input is the next one's stored data; each example compares the database
before and after itself. ``derandomize=True`` makes every run try the same inputs.
"""

import hashlib
import io
import os
import re
import traceback
from collections.abc import Callable
from email import message_from_bytes
from email.policy import default as email_policy
from functools import partial
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pypdf
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultation import PROJECT_ROOT
from consultation.accounts.models import Role
from consultation.agenda.models import Session
from consultation.db import db
from consultation.events.models import Event
from consultation.mail import OutboxMessage
from consultation.outcomes import reading
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import ReviewStatus
from consultation.registrations.models import Moderation
from consultation.taxonomy.models import Theme
from tests import routes
from tests.factories import configure, form, recommendation
from tests.helpers import Page, baseline, link_in, open_link, pdf_text, render
from tests.routes import (
    ARGUMENTS,
    COLLECTION,
    FOLLOW_UP,
    FOLLOW_UP_COMMITMENT,
    ITEM,
    LOGIN,
    MATRIX,
    ORGANISATION_FORM,
    OUT,
    REG,
    ROLES,
    SESSION,
    SESSION_FORM,
    THEME_FORM,
    form_data,
    signed_in_client,
    urls,
)

# The access matrix's world (event A with its team and objects, the draft event B); the
# reports' consultation (sessions with reviewed outcomes) comes from tests/reports/fixtures.py.
world = routes.world

# Hostile text ----------------------------------------------------------------------------

# The first is what Hypothesis tries first (its simplest value): markup in every field.
PAYLOADS = [
    "<script>alert(1)</script>",
    "\x00",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "A" * 10_000,
    "😀" * 50,
    "' OR 1=1 --",
    "Robert'); DROP TABLE users;--",
    '"><img src=x onerror=alert(1)>',
    "<img src=x>",
    "{{7*7}}",
    "%(x)s",
    "\r\nBcc: victim@example.org",
    "../../etc/passwd",
    "1e309",
    "-1",
    "99999999999999999999",
    "",
]
# Markup that must never reach a page or an email as markup: its escaped form is fine.
MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<img src=x>")

# Any Unicode but surrogates (which no request can carry). NUL is left to its payload: the app
# refuses any request holding one (400), and random text full of NULs would test nothing else.
any_unicode = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40
)
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    any_unicode,
    st.tuples(any_unicode, st.sampled_from(PAYLOADS), any_unicode).map("".join),
)

# Every run tries the same few inputs per route, whatever the machine; FUZZ_EXAMPLES=200
# explores further (other inputs, still the same ones from run to run).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 6))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Forms and links --------------------------------------------------------------------------


# Which page holds the form of each POST rule that has no page of its own, and who uses it -------

FORM_PAGES = {
    "/events/<slug>/register/link": "/events/<slug>/register",
    "/registrations/<int:registration_id>/cancel": "/registrations/<int:registration_id>",
    "/registrations/<int:registration_id>/erase": "/registrations/<int:registration_id>",
    "/language": "/",
    "/logout": "/",
    "/account/registrations/<int:registration_id>/open": "/account/registrations",
    "/admin/users/<int:user_id>/role": "/admin/users/<int:user_id>",
    "/admin/users/<int:user_id>/deactivate": "/admin/users/<int:user_id>",
    "/admin/users/<int:user_id>/reactivate": "/admin/users/<int:user_id>",
    "/manage/organisations/<int:organisation_id>/delete": "/manage/organisations/",
    "/manage/events/<slug>/status": "/manage/events/<slug>",
    "/manage/events/<slug>/partners/<int:partner_id>/delete": "/manage/events/<slug>/partners",
    "/manage/events/<slug>/team/<int:member_id>/delete": "/manage/events/<slug>/team",
    f"{SESSION}/speakers": f"{SESSION}/edit",
    f"{SESSION}/speakers/<int:speaker_id>/delete": f"{SESSION}/edit",
    f"{SESSION}/delete": "/manage/events/<slug>",
    f"{REG}/bulk": REG,
    f"{REG}/<int:registration_id>/status": f"{REG}/<int:registration_id>",
    f"{REG}/<int:registration_id>/erase": f"{REG}/<int:registration_id>",
    "/manage/events/<slug>/emails/<int:message_id>/resend": REG,
    f"{OUT}/sessions/<int:session_id>/summary": f"{OUT}/sessions/<int:session_id>",
    f"{OUT}/sessions/<int:session_id>/{COLLECTION}": f"{OUT}/sessions/<int:session_id>",
    f"{ITEM}/delete": f"{OUT}/sessions/<int:session_id>",
    f"{ITEM}/move": f"{OUT}/sessions/<int:session_id>",
    f"{FOLLOW_UP}/updates": FOLLOW_UP,
    f"{FOLLOW_UP}/updates/<int:update_id>/review": FOLLOW_UP,
    "/manage/series/<code>/follow-up/export": "/manage/series/<code>/follow-up",
    f"{FOLLOW_UP_COMMITMENT}/contacts": FOLLOW_UP,
    f"{FOLLOW_UP_COMMITMENT}/contacts/<int:contact_id>/link": FOLLOW_UP,
    f"{FOLLOW_UP_COMMITMENT}/contacts/<int:contact_id>/delete": FOLLOW_UP,
    f"{OUT}/sessions/<int:session_id>/review": f"{OUT}/sessions/<int:session_id>",
    f"{OUT}/conclusions/review": f"{OUT}/conclusions",
    f"{OUT}/progress-session": f"{OUT}/",
}
DENIED = (LOGIN, 403, 404)
# Preferred for routes several roles may use: the event's organiser covers most of them.
PREFERENCE = (
    "organiser",
    "rapporteur",
    "policy",
    "admin",
    "participant",
    "other_organiser",
    # The contact who reports for the main commitment's owner (see routes.LINKS_OPENED).
    "other_participant",
)


def role_for(method: str, rule: str) -> str:
    """A role that may use the route (in the matrix), or a guess for a route not yet in it."""
    expected = MATRIX.get((method, rule))
    if expected is None:
        return "admin" if rule.startswith(("/manage", "/admin")) else "anonymous"
    if len(set(expected.values())) == 1:
        return "anonymous"
    others = {expected[role] for role in ROLES if role != "anonymous"}
    if expected["anonymous"] not in DENIED and others == {302}:
        return "anonymous"  # sign-in and sign-up: signed-in visitors are sent on
    return next(role for role in PREFERENCE if expected[role] not in DENIED)


# Pages that need their emailed link opened first in the same browser, which keeps it in the
# session: the client opens the link before the page's examples, as its recipient would.
LINK_FIRST = {"/password/reset": "/password/reset/<token>", "/activate": "/activate/<token>"}


def open_links_for(client, rule: str, world) -> None:
    if rule in LINK_FIRST:
        open_link(client, urls("GET", LINK_FIRST[rule], world)[0])


def client_for(app, world, method: str, rule: str):
    """A client of a role that may use the route, which has opened the emailed links its
    visitor holds (a participant's registration, see ``LINKS_OPENED``) and the route needs."""
    client = signed_in_client(app, role_for(method, rule), world)
    open_links_for(client, rule, world)
    return client


MADE_UP_FIELDS = ("unexpected", "x[]")
QUERY_NAMES = (
    "q",
    "status",
    "sort",
    "page",
    "theme",
    "year",
    "region",
    "kind",
    "language",
    "audience",
    "next",
    "format",
    "per_page",
)


# Checks --------------------------------------------------------------------------------


def snapshot(app) -> dict[str, str]:
    """Each table's row count and a digest of its rows."""
    found = {}
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:12]
            found[table.name] = f"{len(rows)} rows, {digest}"
    return found


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [
        f"{name}: {before[name]} -> {after[name]}" for name in before if before[name] != after[name]
    ]


def unescaped_markup(body: str, sent: list[str]) -> list[str]:
    """Hostile markup found as markup in a page: the payloads, or any sent text long enough
    not to occur by chance that holds a tag opening."""
    found = [markup for markup in MARKUP if markup in body]
    found += [
        value[:60]
        for value in sent
        if len(value) >= 8 and re.search(r"<[A-Za-z/!?]", value) and value in body
    ]
    return found


def flatten(values: dict[str, Any]) -> list[str]:
    found = []
    for value in values.values():
        found += value if isinstance(value, list) else [value]
    return [value for value in found if isinstance(value, str)]


def check_page(response, sent: list[str], where: str) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"{where}: {response.status_code}")
    if response.mimetype == "text/html":
        for markup in unescaped_markup(response.get_data(as_text=True), sent):
            problems.append(f"{where}: unescaped {markup!r}")
    return problems


def check_mail(messages: list, sent: list[str]) -> list[str]:
    """Each new email: one recipient, no header a value could have added, escaped HTML."""
    problems = []
    for message in messages:
        names = [name.lower() for name in message]
        for header in ("bcc", "cc", "reply-to"):
            if header in names:
                problems.append(f"email has a {header} header: {message[header]!r}")
        recipients = message.get_all("To") or []
        if len(recipients) != 1 or "," in recipients[0]:
            problems.append(f"email to {recipients!r}")
        if "\n" in str(message["Subject"]) or "\r" in str(message["Subject"]):
            problems.append(f"subject on several lines: {message['Subject']!r}")
        html = message.get_body(preferencelist=("html",))
        if html is not None:
            for markup in unescaped_markup(html.get_content(), sent):
                problems.append(f"email to {recipients}: unescaped {markup!r}")
    return problems


def outbox_of(app) -> list:
    return app.extensions.setdefault("mail_outbox", [])


def event_slug(app, world) -> str:
    """Event A's slug now: an example may have renamed it."""
    with app.app_context():
        return db.session.get(Event, world.event_id).slug


def page_url(rule: str, post_url: str, world, slug: str) -> str:
    """The page holding the form that posts to ``post_url``: for a row acting on a spare
    object, the page of that object (the review of the session in review, say)."""
    page_rule = FORM_PAGES.get(rule)
    if page_rule is None:
        return post_url
    names = ARGUMENTS.get(("POST", rule), {})
    overrides = {name: getattr(world, key) for name, key in names.items() if key != "spare"}
    return urls("GET", page_rule, world, slug=slug, **overrides)[0]


def read_form(client, rule: str, post_url: str, world, slug: str) -> tuple[dict, str]:
    """The fields of the form posting to ``post_url`` (none when its page does not show it)
    and the CSRF token; the page itself is checked on the way."""
    address = page_url(rule, post_url, world, slug)
    response = client.get(address)
    problems = check_page(response, [], f"GET {address}")
    assert not problems, "\n".join(problems)
    found = Page(address, response.get_data(as_text=True)).form_for(urlsplit(post_url).path)
    fields = found.fields if found else {}
    token = (fields.get("csrf_token") or {}).get("values") or [client.csrf_token()]
    return fields, token[0]


def form_plans(app, world, client, rule: str) -> list[SimpleNamespace]:
    """For each URL of the rule, the fields to fuzz, read once before the examples: what
    Hypothesis draws must not depend on what an earlier example changed (a used link's page
    has no form left), or it cannot replay an example."""
    slug = event_slug(app, world)
    plans = []
    for post_url in urls("POST", rule, world, slug=slug):
        fields, _ = read_form(client, rule, post_url, world, slug)
        values = {**baseline(fields), **form_data("POST", rule, world)}
        names = sorted((set(fields) | set(values) | set(MADE_UP_FIELDS)) - {"csrf_token"})
        several = {
            name
            for name in names
            if (fields.get(name) or {}).get("multiple") or isinstance(values.get(name), list)
        }
        plans.append(SimpleNamespace(names=names, several=several))
    return plans


def post_once(app, world, client, rule: str, plans: list[SimpleNamespace], data) -> None:
    """One example: read the form, post hostile values into some or all of its fields."""
    slug = event_slug(app, world)
    index = data.draw(st.integers(0, len(plans) - 1), label="url")
    post_url = urls("POST", rule, world, slug=slug)[index]
    plan = plans[index]
    fields, token = read_form(client, rule, post_url, world, slug)
    values = {**baseline(fields), **form_data("POST", rule, world)}
    mode = data.draw(st.sampled_from(["all", "one", "some"]), label="mode")
    if mode == "all":
        targets = plan.names
    elif mode == "one":
        targets = [data.draw(st.sampled_from(plan.names), label="field")]
    else:
        chosen = data.draw(st.sets(st.sampled_from(plan.names), min_size=1), label="fields")
        targets = sorted(chosen)
    for name in targets:
        several = name in plan.several
        strategy = st.lists(hostile_text, min_size=1, max_size=3) if several else hostile_text
        values[name] = data.draw(strategy, label=name)
    sent = flatten(values)

    before = snapshot(app)
    mail_count = len(outbox_of(app))
    response = client.post(post_url, data={**values, "csrf_token": token})
    where = f"POST {post_url}"
    problems = check_page(response, sent, where)
    status = response.status_code
    if 400 <= status < 500:
        changes = changed_tables(before, snapshot(app))
        allowed = ALLOWED_ON_REFUSAL.get(rule, set())
        changes = [change for change in changes if change.split(":")[0] not in allowed]
        if changes:
            problems.append(f"{where}: {status} but the database changed: {changes}")
    if status == 422 and response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        if "invalid-feedback" not in body and 'id="error-summary"' not in body:
            problems.append(f"{where}: 422 without a field error")
    if status in (301, 302, 303, 307, 308):
        location = response.headers["Location"]
        host = urlsplit(location).netloc
        if host not in ("", "localhost", "consultation.test"):
            problems.append(f"{where}: redirects off the site, to {location!r}")
        else:
            problems += check_page(client.get(location), sent, f"GET {location} after {where}")
    problems += check_mail(outbox_of(app)[mail_count:], sent)
    assert not problems, "\n".join(problems) + (f"\nsent: {values!r}")[:3000]


# The audit trail records a refused sign-in: that is its point, not a change the refused
# input made.
ALLOWED_ON_REFUSAL = {"/login": {"audit_events"}}

POST_RULES = [rule for method, rule in MATRIX if method == "POST"]


ANY_ARGUMENT = re.compile(r"<any\([^)]*\):(\w+)>")


def rule_id(rule: str) -> str:
    """A readable test id: <collection> for <any('key-points', ...):collection>."""
    return ANY_ARGUMENT.sub(r"<\1>", rule)


@pytest.mark.parametrize("rule", POST_RULES, ids=rule_id)
def test_hostile_form_values_never_break_a_form(app, world, rule):
    client = client_for(app, world, "POST", rule)
    plans = form_plans(app, world, client, rule)

    @FUZZ
    @given(data=st.data())
    def post_hostile_values(data):
        post_once(app, world, client, rule, plans, data)

    post_hostile_values()


def fuzz_route(chosen: settings, example: Callable[[Any], None]) -> str | None:
    """Run ``example(data)`` under Hypothesis; the failure, with its input and where in the
    application it broke, or None."""

    @chosen
    @given(data=st.data())
    def fuzz(data):
        example(data)

    try:
        fuzz()
    except Exception as error:  # every route is reported
        frames = [
            f"{os.path.relpath(frame.filename, str(PROJECT_ROOT))}:{frame.lineno} {frame.name}"
            for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename.startswith(os.path.join(str(PROJECT_ROOT), "consultation"))
        ]
        lines = [f"{type(error).__name__}: {error}"[:1500], *getattr(error, "__notes__", [])]
        if frames:
            lines.append("in " + " > ".join(frames[-6:]))
        return "\n".join(lines)
    return None


def test_routes_outside_the_matrix_are_fuzzed_too(app, world):
    """Routes added since the matrix was written: the same fuzzing, as an administrator for
    /manage and /admin, anonymously elsewhere (test_access_matrix fails until they are in)."""
    rules = sorted(
        {
            (method, rule.rule)
            for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}
        }
        - MATRIX.keys()
    )
    failures = []
    for method, rule in rules:
        client = client_for(app, world, method, rule)
        if method == "POST":
            once = partial(
                post_once, app, world, client, rule, form_plans(app, world, client, rule)
            )
        else:
            once = partial(get_once, app, world, client, rule, query_names(client, rule, world))
        failure = fuzz_route(FUZZ, once)
        if failure:
            failures.append(f"{method} {rule}: {failure}")
    assert not failures, "\n\n".join(failures)


# Query parameters ---------------------------------------------------------------------------

STRING_ARGUMENTS = re.compile(r"<(slug|token)>")


def get_once(app, world, client, rule: str, names: list[str], data) -> None:
    """One example: the page with hostile values in some of its query parameters, and
    perhaps in its slug or token."""
    slug = event_slug(app, world)
    url = data.draw(st.sampled_from(urls("GET", rule, world, slug=slug)), label="url")
    path, _, query = url.partition("?")
    if STRING_ARGUMENTS.search(rule) and data.draw(st.booleans(), label="hostile path"):
        # A slug or token that is no slug or token: a 404, never an error.
        value = data.draw(hostile_text.filter(lambda text: text not in ("", ".", "..")))
        argument = STRING_ARGUMENTS.search(rule).group(1)
        real = slug if argument == "slug" else world.registration_token
        path = path.replace(f"/{real}", "/" + quote(value, safe=""), 1)
    chosen = data.draw(st.sets(st.sampled_from(names), min_size=1), label="parameters")
    parameters = [(name, data.draw(hostile_text, label=name)) for name in sorted(chosen)]
    if data.draw(st.booleans(), label="repeat"):
        parameters += [(name, data.draw(hostile_text)) for name, _ in parameters[:2]]
    address = path + "?" + "&".join(filter(None, [query, urlencode(parameters)]))
    response = client.get(address)
    problems = check_page(response, [value for _, value in parameters], f"GET {address[:300]}")
    assert not problems, "\n".join(problems)


def query_names(client, rule: str, world) -> list[str]:
    """The usual names, a couple of made-up ones, and those the page's GET forms and links
    use, read once before the examples."""
    url = urls("GET", rule, world)[0]
    response = client.get(url)
    names = set(QUERY_NAMES) | {"utm_source", "__proto__"}
    if response.mimetype == "text/html":
        names |= Page(url, response.get_data(as_text=True)).get_parameters()
    return sorted(names - {"csrf_token"})


GET_RULES = [rule for method, rule in MATRIX if method == "GET"]
# Each example renders a PDF or reads a file: two are enough.
FEW = settings(FUZZ, max_examples=max(2, EXAMPLES // 3))


def test_hostile_query_parameters_never_break_a_page(app, world):
    failures = []
    clients: dict[str, Any] = {}
    for rule in GET_RULES:
        role = role_for("GET", rule)
        if role not in clients:
            clients[role] = signed_in_client(app, role, world)
        client = clients[role]
        open_links_for(client, rule, world)
        names = query_names(client, rule, world)
        chosen = (
            FEW if rule.endswith((".pdf", ".ics", ".css", ".json", "<path:filename>")) else FUZZ
        )
        failure = fuzz_route(chosen, partial(get_once, app, world, client, rule, names))
        if failure:
            failures.append(f"GET {rule}: {failure}")
    assert not failures, "\n\n".join(failures)


# Stored markup ------------------------------------------------------------------------------

STORED_MARKUP = "<img src=x>"
FREE_TEXT = ("text", "textarea", "search")
# Forms that end something rather than record text: they would leave nothing to look at.
ENDINGS = ("/delete", "/erase", "/cancel", "/logout", "/deactivate")
# Who reads the pages afterwards: between them, every page of the matrix that shows data.
READERS = ("anonymous", "participant", "organiser", "rapporteur", "policy", "admin")


def test_markup_typed_into_any_text_field_is_text_on_every_page(app, world):
    """Random input seldom passes every validator, so markup that is accepted and stored is
    checked here field by field: each free-text field of each form, posted with markup added
    to a valid value, the rest left valid; then every page of the matrix is read, as each
    kind of reader, and none shows the markup as markup."""
    accepted = 0
    for rule in POST_RULES:
        if rule.endswith(ENDINGS):
            continue
        client = client_for(app, world, "POST", rule)
        slug = event_slug(app, world)
        for post_url in urls("POST", rule, world, slug=slug):
            fields, token = read_form(client, rule, post_url, world, slug)
            valid = {**baseline(fields), **form_data("POST", rule, world)}
            for name, field in fields.items():
                if field["kind"] not in FREE_TEXT:
                    continue
                value = f"{valid.get(name) or ''} {STORED_MARKUP}".strip()
                response = client.post(post_url, data={**valid, name: value, "csrf_token": token})
                problems = check_page(response, [value], f"POST {post_url} ({name})")
                assert not problems, problems
                accepted += response.status_code in (302, 303)
    problems = []
    for role in READERS:
        reader = signed_in_client(app, role, world)
        slug = event_slug(app, world)
        for method, rule in MATRIX:
            if method != "GET" or MATRIX[method, rule][role] != 200:
                continue
            open_links_for(reader, rule, world)
            for url in urls("GET", rule, world, slug=slug):
                response = reader.get(url)
                problems += check_page(response, [], f"GET {url} as {role}")
    assert not problems, "\n".join(problems)
    # The markup was stored, or this test would prove nothing: most forms took it.
    assert accepted >= 20, accepted


# Emails -------------------------------------------------------------------------------------

LINE_BREAKS = ["\r\n", "\n", "\r", "\u2028", "\x85", "\x0b"]
HEADERS = {
    "Subject",
    "From",
    "To",
    "Message-ID",
    "Date",
    "MIME-Version",
    "Content-Type",
    "Content-Language",
}


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_names_and_titles_add_no_email_header(
    app, client, make_event, make_user, add_to_team, make_organisation, line_break
):
    """A title typed with a line break and a header after it, then a registrant's name with
    markup and a header: the email goes to the registrant alone, the name escaped."""
    event = make_event(title="Regional consultation")
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=5, moderation=Moderation.APPROVAL)
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser)
    organiser_client = app.test_client()
    organiser_client.login(organiser.email)
    injected = f"{line_break}Bcc: victim@example.org"
    edit = f"/manage/events/{event.slug}/edit"
    page = Page(edit, organiser_client.get(edit).get_data(as_text=True))
    values = {**baseline(page.form_for(edit).fields), "title": f"Regional consultation{injected}"}
    response = organiser_client.post(edit, data=values)
    assert response.status_code in (302, 422), response.status_code
    translate = f"/manage/events/{event.slug}/translations/ar"
    page = Page(translate, organiser_client.get(translate).get_data(as_text=True))
    values = {**baseline(page.form_for(translate).fields), "text0-title": f"مشاورة{injected}"}
    assert organiser_client.post(translate, data=values).status_code in (302, 422)
    with app.app_context():
        title = db.session.get(Event, event.id).title
        assert title.splitlines() == [title], "a title on several lines was stored"

    outbox = outbox_of(app)
    for email, language in (("leila@ngo.example", "en"), ("rania@ngo.example", "ar")):
        name = f"Leila <script>alert(1)</script> Mansour{injected}"
        client.post("/language", data={"language": language, "csrf_token": client.csrf_token()})
        response = client.submit(f"/events/{event.slug}/register", form(email, full_name=name))
        assert response.status_code == 200, response.status_code
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
        message = outbox[-1]
        assert check_mail([message], [name]) == []
        assert set(message.keys()) == HEADERS
        assert message.get_all("To") == [email]
        assert "victim" not in str(message["To"]) + str(message["From"])
        # An address not yet confirmed is greeted without the name it was given...
        assert "Leila" not in message.get_body(preferencelist=("html",)).get_content()
        # ...and once its link is opened, the next email names the registrant, escaped.
        open_link(app.test_client(), link_in(message))
        client.submit(f"/events/{event.slug}/register/link", {"email": email})
        named = outbox[-1]
        assert check_mail([named], [name]) == []
        assert set(named.keys()) == HEADERS
        assert named.get_all("To") == [email]
        html = named.get_body(preferencelist=("html",)).get_content()
        assert "Leila &lt;script&gt;alert(1)&lt;/script&gt; Mansour" in html
    assert len(outbox) == 4
    with app.app_context():
        # The stored copies, which the outbox sends again, have no other header either (a
        # sent one keeps no copy).
        for raw in db.session.scalars(
            sa.select(OutboxMessage.raw_message).where(OutboxMessage.raw_message != b"")
        ):
            stored = message_from_bytes(raw, policy=email_policy)
            assert set(stored.keys()) == HEADERS, stored.keys()


# PDFs ---------------------------------------------------------------------------------------


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_markup_in_outcomes_and_sessions_is_text_in_pdfs(app, consultation, client):
    """Markup in a recommendation, a session summary and a session title is printed as the
    characters typed, in the outcome report and in the public agenda."""
    hostile = "Ask <script>alert(1)</script> and <img src=x> politely."
    with app.app_context():
        event = db.session.get(Event, consultation.id)
        session = db.session.scalar(
            sa.select(Session).where(Session.title == "Opening on the record")
        )
        session.title = "Opening <img src=x> on the record"
        _, outcome = reading.outcome_for_session(event, session.id)
        outcome.review_status = ReviewStatus.DRAFT
        outcomes.add_recommendation(event, outcome, recommendation(hostile))
        outcomes.save_session_summary(outcome, "Summary <script>alert(1)</script> <img src=x>")
        outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()
    report = squeeze(pdf_text(render(app, consultation)))
    assert squeeze(hostile) in report
    assert squeeze("Summary <script>alert(1)</script> <img src=x>") in report
    assert squeeze("Opening <img src=x> on the record") in report
    response = client.get(f"/events/{consultation.slug}/agenda.pdf")
    assert response.status_code == 200
    agenda = squeeze(pdf_text(response.data))
    assert squeeze("Opening <img src=x> on the record") in agenda
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert not reader.attachments


def test_the_payloads_hold_the_markup_looked_for():
    assert all(any(markup in payload for payload in PAYLOADS) for markup in MARKUP)


# Found by fuzzing -----------------------------------------------------------------------------


def test_a_theme_short_name_already_taken_is_said_on_the_form(app, client, make_user):
    """The second example of /manage/themes/new posted the first one's short name again:
    the flush meant to catch it ran outside its savepoint, and the page was a 500."""
    client.login(make_user(Role.ADMIN).email)
    assert client.submit("/manage/themes/new", THEME_FORM).status_code == 302
    other = {**THEME_FORM, "slug": "other-theme", "name_en": "Other theme"}
    assert client.submit("/manage/themes/new", other).status_code == 302
    response = client.submit("/manage/themes/new", {**THEME_FORM, "name_en": "Again"})
    assert response.status_code == 422
    assert "Another theme already uses this short name." in response.get_data(as_text=True)
    with app.app_context():
        other_id = db.session.scalar(sa.select(Theme.id).where(Theme.slug == "other-theme"))
    before = snapshot(app)
    response = client.submit(f"/manage/themes/{other_id}/edit", {**other, "slug": "mental-health"})
    assert response.status_code == 422
    assert 'id="error-summary"' in response.get_data(as_text=True)
    assert snapshot(app) == before


MARKED = "<script>alert(1)</script> Relief"


def test_names_in_refusals_are_escaped(app, make_user, make_event, make_organisation):
    """A name with markup, quoted back in a refusal ("… is already in the directory", "… is
    already on the team", a room taken by "…"): the messages were lazy strings, which Jinja
    takes for safe markup, so the name reached the page as markup."""
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    client.login(admin.email)
    event = make_event()
    base = f"/manage/events/{event.slug}"
    organisation = make_organisation(MARKED, "MR")
    speaker = make_user(Role.RAPPORTEUR, display_name=MARKED)
    participant = make_user(Role.PARTICIPANT, display_name=MARKED)
    session = {**SESSION_FORM, "title": MARKED, "room": "Hall A"}
    requests = [
        ("/manage/organisations/new", {**ORGANISATION_FORM, "name": MARKED}),
        ("/manage/organisations/new", {**ORGANISATION_FORM, "name": "Other", "acronym": "MR"}),
        (f"{base}/partners", {"organisation_id": organisation.id, "role": "sponsor"}),
        (f"{base}/partners", {"organisation_id": organisation.id, "role": "sponsor"}),
        (f"/manage/organisations/{organisation.id}/delete", {}),
        (f"{base}/team", {"email": speaker.email, "role": "rapporteur"}),
        (f"{base}/team", {"email": speaker.email, "role": "rapporteur"}),
        (f"{base}/team", {"email": participant.email, "role": "organiser"}),
        (f"{base}/sessions/new", session),
        (f"{base}/sessions/new", {**session, "title": "Second"}),
    ]
    for url, data in requests:
        response = client.post(url, data={**data, "csrf_token": client.csrf_token()})
        assert response.status_code < 500, url
        body = response.get_data(as_text=True)
        if response.status_code == 302:
            body = client.get(response.headers["Location"]).get_data(as_text=True)
        assert unescaped_markup(body, [MARKED]) == [], url
    with app.app_context():
        session_id = db.session.scalar(sa.select(Session.id).where(Session.title == MARKED))
    speaker_form = {
        "speaker-role": "speaker",
        "speaker-user_id": speaker.id,
        "speaker-name": "",
        "speaker-organisation_id": "0",
    }
    for _ in range(2):
        url = f"{base}/sessions/{session_id}/speakers"
        response = client.post(url, data={**speaker_form, "csrf_token": client.csrf_token()})
        body = client.get(f"{base}/sessions/{session_id}/edit").get_data(as_text=True)
        assert response.status_code < 500
        assert unescaped_markup(response.get_data(as_text=True) + body, [MARKED]) == []
