"""
The public doors are rate-limited per client address: the rating POST (API and page share
the budget) and the 12345 intake; the N+1th call in the window is 429 problem+json
``throttled`` with ``Retry-After`` (the page: the Chinese 429 page). Each address has its
own budget, and reads of the evaluation list are not counted against the rating.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.test import Client

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from kaigong.accounts.tests.factories import ServiceCenterFactory
from kaigong.feedback.models import HotlineClient
from kaigong.feedback.services.complaints import hotline_signature

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-tests"
RATES = {"feedback_rating": "3/minute", "hotline": "3/minute"}


@pytest.fixture(autouse=True)
def _rates(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", RATES)
    cache.clear()
    yield
    cache.clear()


def _api(ip: str) -> APIClient:
    return APIClient(REMOTE_ADDR=ip)


def _rate_body():
    return {"token": "not-a-token", "level": 5, "channel": "online", "indicators": {}}


def _assert_throttled(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) >= 1


def test_the_rating_post_is_throttled_per_address_and_the_page_shares_the_budget():
    client = _api("203.0.113.7")
    url = "/api/v1/feedback/evaluations/"

    first = [client.post(url, _rate_body(), format="json").status_code for _ in range(3)]

    assert 429 not in first  # refused for the bad token, but not throttled
    _assert_throttled(client.post(url, _rate_body(), format="json"))
    # the rating page from the same address is over the same budget
    page = Client(REMOTE_ADDR="203.0.113.7").post("/feedback/rate/not-a-token/", {"level": "5"})
    assert page.status_code == 429 and "Retry-After" in page
    # another address still rates; a read of the list is not counted as a rating
    assert _api("203.0.113.8").post(url, _rate_body(), format="json").status_code != 429
    assert client.get(url).status_code != 429


def test_the_rating_page_post_alone_is_throttled_but_its_get_is_not():
    page = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [
        page.post("/feedback/rate/not-a-token/", {"level": "5"}).status_code for _ in range(3)
    ]
    assert 429 not in statuses
    assert page.post("/feedback/rate/not-a-token/", {"level": "5"}).status_code == 429
    assert page.get("/feedback/rate/not-a-token/").status_code == 404


def _signed(path: str, body: bytes):
    stamp = str(int(time.time()))
    return {
        "HTTP_X_KAIGONG_KEY": "hotline-t",
        "HTTP_X_KAIGONG_TIMESTAMP": stamp,
        "HTTP_X_KAIGONG_SIGNATURE": hotline_signature(SECRET, stamp, "GET", path, body),
    }


def test_the_hotline_intake_is_throttled_per_address_signed_or_not():
    HotlineClient.objects.create(
        name="12345", key_id="hotline-t", secret=SECRET, service_center=ServiceCenterFactory()
    )
    client = _api("198.51.100.4")
    intake = "/api/v1/complaints/hotline/"
    status = "/api/v1/complaints/hotline/NO-SUCH/"

    assert client.post(intake, {}, format="json").status_code == 401  # unsigned
    assert client.get(status, **_signed(status, b"")).status_code == 404  # signed, unknown
    assert client.post(intake, {}, format="json").status_code == 401

    _assert_throttled(client.post(intake, {}, format="json"))
    _assert_throttled(client.get(status, **_signed(status, b"")))
    assert _api("198.51.100.5").post(intake, {}, format="json").status_code == 401
