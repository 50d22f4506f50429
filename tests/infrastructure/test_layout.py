import re
import subprocess

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import RadioField

from consultation import PROJECT_ROOT
from consultation.accounts.models import Role
from consultation.forms import CheckboxListField

ASSET = re.compile(r'<(?:link|script|img|iframe)\b[^>]*(?:href|src)="([^"]+)"')


def test_pages_load_assets_from_this_site_only(client, make_user, make_event):
    make_event()
    client.login(make_user(Role.ADMIN).email)
    for page in ["/", "/events/consultation-1", "/admin/users", "/account", "/nowhere"]:
        html = client.get(page).get_data(as_text=True)
        assets = ASSET.findall(html)
        assert assets, page
        assert all(asset.startswith(("/static/", "/themes.css")) for asset in assets), (
            page,
            assets,
        )


def test_every_page_has_a_skip_link_landmarks_and_its_language(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<nav" in html and "<header>" in html and "<footer" in html


def test_arabic_pages_are_right_to_left_with_bootstrap_rtl(client):
    client.submit("/language", {"language": "ar"})
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


def test_the_navigation_shows_what_the_role_may_do(client, make_user):
    assert "/admin/users" not in client.get("/").get_data(as_text=True)
    client.login(make_user(Role.PARTICIPANT).email)
    assert "/admin/users" not in client.get("/").get_data(as_text=True)
    admin_browser = client.application.test_client()
    admin_browser.login(make_user(Role.ADMIN).email)
    assert "/admin/users" in admin_browser.get("/").get_data(as_text=True)


def test_vendored_assets_match_their_manifest():
    done = subprocess.run(
        [str(PROJECT_ROOT / "scripts" / "vendor-assets"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_server_error_shows_the_application_error_page(app, client, monkeypatch):
    from consultation.events import lists

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lists, "public_events", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_pages_carry_security_headers(client):
    headers = client.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_form_fields_only_reference_descriptions_that_exist(client):
    html = client.get("/login").get_data(as_text=True)
    assert '="None"' not in html
    assert html.count('id="csrf_token"') == 0


def test_a_list_of_choices_with_help_and_no_choices_says_so(app):
    class Form(FlaskForm):
        themes = CheckboxListField("Themes", choices=[], description="Tick those you follow.")
        role = RadioField("Role", choices=[], description="Pick one.")

    with app.test_request_context():
        html = render_template_string(
            '{% import "_macros/forms.html" as forms %}{{ forms.field(form.themes) }}'
            "{{ forms.field(form.role) }}",
            form=Form(meta={"csrf": False}),
        )
    assert html.count("Nothing to choose from yet.") == 2
    assert 'aria-describedby="themes-help"' in html and "Tick those you follow." in html


def test_an_event_s_page_for_organisers_lists_the_steps_left(
    app, client, make_user, make_event, add_to_team
):
    event = make_event()
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser)
    client.login(organiser.email)
    page = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    steps = re.findall(r'<li><a href="[^"]+" class="alert-link">([^<]+)</a>', page)
    assert steps == ["Add the partners", "Choose the themes", "Build the agenda"]
