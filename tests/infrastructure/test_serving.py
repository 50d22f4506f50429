"""Responses ready for production: fingerprinted static files cached for a year, and
compression where it cannot leak a secret."""

import gzip
import re


def static_link(page: str, name: str) -> str:
    match = re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]{{12}})"', page)
    assert match, f"no fingerprinted link to {name}"
    return match.group(1)


def test_static_files_are_fingerprinted_and_kept_for_a_year(client):
    link = static_link(client.get("/").get_data(as_text=True), "css/app.css")
    response = client.get(link)
    assert response.status_code == 200
    assert response.cache_control.max_age == 31_536_000 and response.cache_control.immutable
    assert not response.cache_control.no_cache
    # Without the fingerprint a file is checked again each time.
    assert client.get("/static/css/app.css").cache_control.no_cache


def test_public_pages_and_assets_are_compressed(client):
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(page.data)
    link = static_link(
        client.get("/").get_data(as_text=True), "vendor/bootstrap/css/bootstrap.min.css"
    )
    css = client.get(link, headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert len(css.data) < 0.3 * len(gzip.decompress(css.data))


def test_pages_for_signed_in_people_are_not_compressed(client, make_user):
    client.login(make_user().email)
    page = client.get("/account", headers={"Accept-Encoding": "gzip, br"})
    assert page.status_code == 200 and "Content-Encoding" not in page.headers
