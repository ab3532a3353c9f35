"""
The integrations' role matrix: every operation and page of the app, called by each role.

Only the platform administrator — a catalogue keeper (``catalog_admin``) or a superuser —
may see or do anything here; every other role, and staff of any jurisdiction, gets 404 (the
pages are not there for them); an anonymous caller 401 on the API and a login redirect on
the pages.
"""

from __future__ import annotations

from django.test import Client

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import UserFactory, user_with_role
from kaigong.core.models import OutboxDelivery
from kaigong.core.relay import outbox_dispatch
from kaigong.core.services import outbox_emit
from kaigong.integrations.services import webhook_subscription_create

ADMIN = "admin"  # the roles that may
OTHERS = (
    Role.APPLICANT,
    Role.WINDOW_CLERK,
    Role.REVIEWER,
    Role.APPROVER,
    Role.SUPERVISOR,
    Role.CENTRE_ADMIN,
    Role.HELPER,
)

S = "/api/v1/webhooks/subscriptions/{id}/"
API_ROWS: dict[tuple[str, str], dict] = {
    ("GET", "/api/v1/webhooks/subscriptions/"): {
        "call": ("get", "/api/v1/webhooks/subscriptions/", None),
        "ok": 200,
    },
    ("POST", "/api/v1/webhooks/subscriptions/"): {
        "call": (
            "post",
            "/api/v1/webhooks/subscriptions/",
            {"name": "接收方", "url": "https://receiver.example/hook", "topics": ["case.*"]},
        ),
        "ok": 201,
    },
    ("GET", "/api/v1/webhooks/subscriptions/{public_id}/"): {"call": ("get", S, None), "ok": 200},
    ("PATCH", "/api/v1/webhooks/subscriptions/{public_id}/"): {
        "call": ("patch", S, {"name": "改名"}),
        "ok": 200,
    },
    ("POST", "/api/v1/webhooks/subscriptions/{public_id}/rotate/"): {
        "call": ("post", S + "rotate/", {"overlap_hours": 1}),
        "ok": 200,
    },
    ("GET", "/api/v1/webhooks/subscriptions/{public_id}/deliveries/"): {
        "call": ("get", S + "deliveries/", None),
        "ok": 200,
    },
    ("POST", "/api/v1/webhooks/subscriptions/{public_id}/deliveries/{delivery_id}/replay/"): {
        "call": ("post", S + "deliveries/{delivery}/replay/", None),
        "ok": 200,
    },
    ("GET", "/api/v1/exchange/runs/"): {"call": ("get", "/api/v1/exchange/runs/", None), "ok": 200},
    ("GET", "/api/v1/exchange/rows/"): {"call": ("get", "/api/v1/exchange/rows/", None), "ok": 200},
    ("GET", "/api/v1/exchange/errors/"): {
        "call": ("get", "/api/v1/exchange/errors/", None),
        "ok": 200,
    },
}

P = "/integrations/webhooks/{id}/"
PAGE_ROWS: set[str] = {
    "integrations/",
    "integrations/webhooks/<uuid:public_id>/",
    "integrations/webhooks/<uuid:public_id>/rotate/",
    "integrations/webhooks/<uuid:public_id>/toggle/",
    "integrations/webhooks/<uuid:public_id>/deliveries/<int:delivery_id>/replay/",
}
PAGE_CALLS = {
    "integrations/": ("get", "/integrations/", 200),
    "integrations/webhooks/<uuid:public_id>/": ("get", P, 200),
    "integrations/webhooks/<uuid:public_id>/rotate/": ("post", P + "rotate/", 302),
    "integrations/webhooks/<uuid:public_id>/toggle/": ("post", P + "toggle/", 302),
    "integrations/webhooks/<uuid:public_id>/deliveries/<int:delivery_id>/replay/": (
        "post",
        P + "deliveries/{delivery}/replay/",
        302,
    ),
}


@pytest.fixture
def world(db):
    admin = user_with_role(Role.CATALOG_ADMIN)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    others = {str(role): user_with_role(role) for role in OTHERS}
    subscription = webhook_subscription_create(
        actor=admin, name="矩阵", url="https://receiver.example/hook", topics=["case.*"]
    )
    outbox_emit(topic="case.accepted", key="k", payload={})
    outbox_dispatch()
    delivery = OutboxDelivery.objects.get(consumer=subscription.consumer_name)
    return {
        "admins": {"catalog_admin": admin, "superuser": superuser},
        "others": others,
        "subscription": subscription,
        "delivery": delivery,
    }


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _url(template: str, world) -> str:
    return template.format(id=world["subscription"].public_id, delivery=world["delivery"].pk)


def _api(user, method, template, body, world):
    client = client_for(user)
    return getattr(client, method)(_url(template, world), body, format="json")


def test_only_the_platform_administrator_reaches_the_api(world):
    for (method, path), row in API_ROWS.items():
        verb, template, body = row["call"]
        for name, user in world["others"].items():
            answer = _api(user, verb, template, body, world)
            assert answer.status_code == 404, (name, method, path, answer.status_code)
        assert _api(None, verb, template, body, world).status_code == 401, path
        for name, user in world["admins"].items():
            answer = _api(user, verb, template, body, world)
            assert answer.status_code == row["ok"], (name, method, path, answer.content[:300])


def test_only_the_platform_administrator_reaches_the_pages(world):
    for route, (verb, template, ok) in PAGE_CALLS.items():
        url = _url(template, world)
        for name, user in world["others"].items():
            client = Client()
            client.force_login(user)
            assert getattr(client, verb)(url).status_code == 404, (name, route)
        anonymous = getattr(Client(), verb)(url)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"], route
        for name, user in world["admins"].items():
            client = Client()
            client.force_login(user)
            assert getattr(client, verb)(url).status_code == ok, (name, route)


def test_the_matrix_names_every_page_call():
    assert set(PAGE_CALLS) == PAGE_ROWS
