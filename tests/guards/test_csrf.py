from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from consultation.accounts.models import Role


def post_urls(app) -> list[str]:
    def sample_value(converter) -> int | str:
        if isinstance(converter, IntegerConverter):
            return 1
        if isinstance(converter, AnyConverter):
            return min(converter.items)
        return "sample"

    def sample_url(rule: Rule) -> str:
        values = {name: sample_value(converter) for name, converter in rule._converters.items()}
        return rule.build({**(rule.defaults or {}), **values})[1]

    return sorted(sample_url(rule) for rule in app.url_map.iter_rules() if "POST" in rule.methods)


def test_there_are_forms_to_protect(app):
    assert "/login" in post_urls(app)
    assert "/admin/users/1/deactivate" in post_urls(app)


def test_every_post_without_a_csrf_token_is_refused(app, client, make_user):
    client.login(make_user(Role.ADMIN).email)
    for url in post_urls(app):
        response = client.post(url, data={"email": "x@example.org", "password": "x" * 12})
        assert response.status_code == 400, url
        assert "Reload the page" in response.get_data(as_text=True), url
    assert client.get("/account").status_code == 200


def test_a_token_from_another_session_is_refused(app, client):
    stolen = app.test_client().csrf_token()
    response = client.post(
        "/password/forgot", data={"email": "x@example.org", "csrf_token": stolen}
    )
    assert response.status_code == 400
