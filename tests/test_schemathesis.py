"""
Property-based API fuzzing with Schemathesis: every operation of the published OpenAPI
schema, called with generated requests by an authenticated applicant of a lifecycle world
(catalogue, project, cases in several states), must never answer with a 5xx.

The schema is loaded from the app itself (``/api/v1/schema/`` over WSGI), so the run needs
no server and finishes in well under a minute (few examples per operation, no shrinking).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

import pytest
import schemathesis
import time_machine
from hypothesis import HealthCheck, Phase, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error

MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def api_schema(db, settings, tmp_path):
    """The schema over WSGI; requests share the test's database transaction."""
    from config.wsgi import application

    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    # A WSGI call would close the connection at the end of each request (the test client
    # does the same unhooking); keep it so the test's transaction stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
        # Valid requests only: the WSGI transport cannot encode a form body that is not an
        # object, and invalid input is covered by each app's own 400 tests.
        loaded.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def applicant_token(db, api_schema):
    """A demo-like world: catalogue, project, cases drafted, submitted and accepted."""
    from kaigong.cases.tests.factories import CaseFactory, lifecycle_world

    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        CaseFactory(world=world)
        CaseFactory(world=world, submitted=True)
        CaseFactory(world=world, accepted=True)
    _instance, token = AuthToken.objects.create(user=world.applicant)
    return token


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_no_operation_answers_with_a_server_error(case, applicant_token):
    response = case.call(headers={"Authorization": f"Token {applicant_token}"})
    case.validate_response(response, checks=[not_a_server_error])
