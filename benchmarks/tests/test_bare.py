"""The bare DRF view of bench_workflow, and its gunicorn configurations."""

from __future__ import annotations

from django.test import Client, override_settings

import pytest
from knox.models import AuthToken

from benchmarks.bare import BARE_PATH
from benchmarks.cases.workflow import ServerSpec
from kaigong.accounts.tests.factories import UserFactory


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="benchmarks.urls")
def test_the_bare_view_answers_a_token_and_refuses_without_one():
    user = UserFactory()
    token = AuthToken.objects.create(user=user)[1]
    answer = Client(HTTP_AUTHORIZATION=f"Token {token}").get(BARE_PATH)
    assert answer.status_code == 200
    assert answer.json()["user"] == str(user.public_id)
    assert Client().get(BARE_PATH).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Token nope").get(BARE_PATH).status_code == 401


def test_the_product_urls_do_not_serve_the_bare_view(client):
    assert client.get(BARE_PATH).status_code == 404


def test_a_server_spec_becomes_its_gunicorn_command(monkeypatch):
    threaded = ServerSpec.parse("gthread:5x2").argv(9000)
    assert threaded[1:] == ["-k", "gthread", "--log-level", "warning", "-w", "5", "--threads",
                            "2", "-b", "127.0.0.1:9000", "config.wsgi:application"]  # fmt: skip
    assert ServerSpec.parse("uvicorn:3").argv(9000)[-1] == "config.asgi:application"
    monkeypatch.setenv("KAIGONG_WEB_WORKER_CLASS", "sync")
    conf = ServerSpec.parse("conf")
    assert conf.argv(9000)[1:3] == ["-c", "deploy/gunicorn.conf.py"]
    assert conf.argv(9000)[-1] == "config.wsgi:application"  # the file's class, from the env
    monkeypatch.delenv("KAIGONG_WEB_WORKER_CLASS")
    assert conf.argv(9000)[-1] == "config.asgi:application"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="benchmarks.urls")
def test_the_bare_transition_writes_its_three_rows_and_moves_the_locked_one():
    from benchmarks.bare import BARE_TRANSITION_PATH, BARE_TRANSITION_TOPIC
    from kaigong.accounts.models import User
    from kaigong.core.models import AuditRecord, Notification, OutboxMessage

    user = UserFactory()
    token = AuthToken.objects.create(user=user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    for n in (1, 2):
        answer = client.post(BARE_TRANSITION_PATH)
        assert answer.status_code == 200
        assert User.objects.get(pk=user.pk).last_login.isoformat() == answer.json()["at"]
        assert AuditRecord.objects.filter(actor=user, action="bench_transition").count() == n
        assert OutboxMessage.objects.filter(topic=BARE_TRANSITION_TOPIC).count() == n
        assert Notification.objects.filter(user=user, kind="bench").count() == n
    assert Client().post(BARE_TRANSITION_PATH).status_code == 401
