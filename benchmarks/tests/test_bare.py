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


def test_the_floor_and_the_bare_view_are_measured_in_alternating_rounds():
    from benchmarks.cases.workflow import interleaved_rounds

    calls: list[str] = []
    values = iter([100.0, 200.0, 110.0, 190.0, 90.0, 210.0])

    def measure(path: str) -> float:
        calls.append(path)
        return next(values)

    rounds = interleaved_rounds(measure, ["floor", "bare"], 3)
    assert calls == ["floor", "bare", "floor", "bare", "floor", "bare"]
    assert rounds == {"floor": [100.0, 110.0, 90.0], "bare": [200.0, 190.0, 210.0]}


def test_a_result_reports_the_medians_of_its_rounds_and_their_spread():
    from benchmarks.cases.workflow import WorkflowResult, spread

    floor, bare = [150.0, 60.0, 160.0], [200.0, 100.0, 220.0]  # round 2: a slow patch
    assert spread(floor) == (150.0, 60.0, 160.0)
    assert spread([]) == (0.0, 0.0, 0.0)
    result = WorkflowResult(
        concurrency=8, cases=1, transitions=6, errors=0, seconds=1.0, pgbench_tps=None,
        floor_per_second=spread(floor)[0], bare_per_second=spread(bare)[0],
        floor_rounds=floor, bare_rounds=bare,
        floor_cpu_rounds=[5.0, 9.0, 4.0], bare_cpu_rounds=[4.0, 8.0, 4.5],
    )  # fmt: skip
    assert result.bare_share == 0.75  # 150 ÷ 200, the slow round deciding nothing
    assert result.round_shares == [0.75, 0.6, 160 / 220]
    assert result.paired_share == 160 / 220  # 0.6 < 0.727 < 0.75
    assert result.cpu_share == 4.5 / 5.0  # the medians of the CPU per read, bare ÷ floor


def test_the_bare_transition_is_read_against_the_floor_and_the_transitions_against_it():
    from benchmarks.cases.workflow import WorkflowResult

    result = WorkflowResult(
        concurrency=8, cases=4, transitions=60, errors=0, seconds=2.0, pgbench_tps=None,
        floor_per_second=200.0, bare_transition_per_second=120.0,
    )  # fmt: skip
    assert result.bare_transition_share == pytest.approx(0.6)
    assert result.stack_share == pytest.approx(0.25)  # 30 transitions/s ÷ 120
    assert WorkflowResult(8, 4, 60, 0, 2.0, None).stack_share is None
