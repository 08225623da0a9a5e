"""Property-based API tests generated from /api/schema/ (schemathesis): no 5xx, ever,
and every documented response matches the schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from newsroom.wsgi import application
from prism.models import Briefing, Subscriber

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Enough cases to reach every operation and its parameters, few enough to stay quick.
EXAMPLES_PER_OPERATION = 30


def not_a_server_error(ctx, response, case) -> bool | None:
    """The property under test: nothing the client sends makes the API fail."""
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: "
        f"{response.text[:500]}"
    )
    return None


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Calls go straight to the WSGI app, whose request signals would close the
    database connection the test's transaction lives on (PostgreSQL); Django's own
    test client unhooks them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def api_data(make_briefing, settings):
    """A published briefing to find, and throttling relaxed for the many requests."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "prism_anon": "100000/minute",
            "prism_user": "100000/minute",
        },
    }
    cache.clear()
    make_briefing(status=Briefing.Status.PUBLISHED)


@pytest.fixture
def chief_editor_headers(db) -> dict[str, str]:
    """A chief editor's token: may read every state and push articles."""
    user = get_user_model().objects.create_user("schemathesis-chief", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=["Editors", "Chief editors"]))
    Subscriber.objects.create(user=user)
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


# Loaded from the running app (no database needed to serve the schema).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
HYPOTHESIS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@HYPOTHESIS
def test_api_for_anonymous_clients(case):
    case.validate_response(case.call(), checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_api_for_a_chief_editor_with_a_token(case, chief_editor_headers):
    response = case.call(headers=chief_editor_headers)
    case.validate_response(response, checks=CHECKS)
