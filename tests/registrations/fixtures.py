"""An approval-moderated event with three places, and its organiser signed in: the
registration table's tests and the audit trail's use them."""

import pytest

from consultation.accounts.models import Role
from consultation.registrations.models import Moderation
from tests.factories import configure


@pytest.fixture
def event(app, make_event, make_organisation, themes):
    event = make_event()
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=3, moderation=Moderation.APPROVAL)
    return event


@pytest.fixture
def organiser(client, make_user, add_to_team, event):
    user = make_user(Role.ORGANISER)
    add_to_team(event, user)
    client.login(user.email)
    return user
