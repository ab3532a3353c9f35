"""With the cache (Redis) unreachable, logins, tracking and the calendar still answer."""

import logging

from django.test import override_settings

import pytest

from config.settings.base import redis_cache
from kaigong.accounts.tests.factories import PASSWORD, EnterpriseFactory, UserFactory
from kaigong.projects.services import service_code_ensure
from kaigong.projects.tests.factories import ProjectFactory

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: every cache call fails
REDIS_DOWN = {"default": redis_cache(CLOSED_PORT)}
# Django's own Redis backend raises on every call: the throttles alone must fail open.
REDIS_DOWN_RAISING = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}
}


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN)
def test_token_login_works_without_the_cache(api_client):
    UserFactory(username="wangwu")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "wangwu", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"]


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN)
def test_tracking_page_and_api_work_without_the_cache(api_client, client):
    project = ProjectFactory(enterprise=EnterpriseFactory())
    code = service_code_ensure(enterprise=project.enterprise, project=project)
    assert api_client.get(f"/api/v1/track/{code.token}/").status_code == 200
    assert client.get(f"/track/{code.token}/").status_code == 200


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN)
def test_calendar_works_without_the_cache(api_client):
    response = api_client.get("/api/v1/calendar/due-date", {"start": "2026-03-02", "days": 5})
    assert response.status_code == 200
    assert response.json()["due_on"] == "2026-03-09"


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN_RAISING)
def test_login_throttles_fail_open_and_warn(api_client, client, caplog):
    # given a cache backend that raises on every call
    UserFactory(username="wangwu")
    # when someone logs in on the API and on the page
    with caplog.at_level(logging.WARNING, logger="kaigong.core.throttling"):
        api = api_client.post(
            "/api/v1/auth/token/", {"username": "wangwu", "password": PASSWORD}, format="json"
        )
        page = client.post("/accounts/login/", {"username": "wangwu", "password": PASSWORD})
    # then both succeed, and the skipped throttles are logged as warnings
    assert api.status_code == 200
    assert page.status_code == 302
    warnings = [r for r in caplog.records if r.name == "kaigong.core.throttling"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
