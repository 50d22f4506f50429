"""An approval-moderated event with three places: the registration table's tests, its Excel
exports' and the audit trail's use it."""

import pytest

from consultation.registrations.models import Moderation
from tests.factories import configure


@pytest.fixture
def event(app, make_event, make_organisation, themes):
    event = make_event()
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=3, moderation=Moderation.APPROVAL)
    return event
