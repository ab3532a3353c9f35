"""The outbox relay: at least once, in order per key, backoff, dead letters, replay, lag."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.management import call_command

import pytest
import time_machine

from kaigong.accounts.tests.factories import UserFactory
from kaigong.core.models import (
    AuditRecord,
    DeliveryStatus,
    Notification,
    OutboxAttempt,
    OutboxDelivery,
    OutboxMessage,
)
from kaigong.core.relay import (
    outbox_consumer_register,
    outbox_consumer_unregister,
    outbox_relay_run,
)
from kaigong.core.selectors import outbox_relay_status
from kaigong.core.services import notification_send, outbox_emit

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _relay_settings(settings):
    settings.KAIGONG_RELAY_BACKOFF_SECONDS = 10
    settings.KAIGONG_RELAY_BACKOFF_MAX_SECONDS = 60
    settings.KAIGONG_RELAY_MAX_ATTEMPTS = 4


class Receiver:
    """A test consumer: records what it received; fails while told to."""

    def __init__(self):
        self.received: list[tuple[str, int]] = []
        self.failing: set[str] = set()  # message keys+seq to refuse, e.g. "a1"

    def __call__(self, message):
        label = f"{message.key}{message.payload['seq']}"
        if label in self.failing:
            raise ConnectionError(f"receiver down for {label}")
        self.received.append(label)


@pytest.fixture
def receiver():
    consumer = Receiver()
    outbox_consumer_register(name="test.receiver", topics=["test.*"], deliver=consumer)
    yield consumer
    outbox_consumer_unregister("test.receiver")


def _emit(key: str, seq: int) -> OutboxMessage:
    return outbox_emit(topic="test.event", key=key, payload={"seq": seq})


def test_delivery_is_in_order_per_key_while_other_keys_flow(clock, receiver):
    # given two messages of key a and one of key b, and a receiver refusing a1 for now
    _emit("a", 1)
    _emit("b", 1)
    _emit("a", 2)
    receiver.failing = {"a1"}

    # when the relay passes
    first = outbox_relay_run()

    # then b1 is delivered, a2 waits behind a1
    assert receiver.received == ["b1"]
    assert (first.delivered, first.failed) == (1, 1)
    assert OutboxDelivery.objects.get(message__payload__seq=2).status == DeliveryStatus.PENDING

    # when the receiver recovers, before and after a1's backoff
    receiver.failing = set()
    outbox_relay_run()
    assert receiver.received == ["b1"]
    clock.shift(timedelta(seconds=10))
    outbox_relay_run()

    # then a1 then a2, in order, each once; every message is marked delivered
    assert receiver.received == ["b1", "a1", "a2"]
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()


def test_backoff_doubles_after_each_failure_up_to_the_cap_then_a_dead_letter(clock, receiver):
    # given a receiver that always refuses a1, and a2 behind it
    _emit("a", 1)
    _emit("a", 2)
    receiver.failing = {"a1"}

    # when the relay passes every second for five minutes
    for _ in range(300):
        outbox_relay_run()
        clock.shift(timedelta(seconds=1))

    # then the attempts were 0, 10, 30, 70 s after the first (waits 10, 20, 40, capped at 60
    # only after the last), and after the 4th (KAIGONG_RELAY_MAX_ATTEMPTS) it is a dead letter
    delivery = OutboxDelivery.objects.get(message__payload__seq=1)
    log = list(delivery.log.order_by("number"))
    offsets = [(a.attempted_at - log[0].attempted_at).total_seconds() for a in log]
    assert offsets == [0, 10, 30, 70]
    assert [a.number for a in log] == [1, 2, 3, 4]
    assert all(not a.succeeded and "receiver down for a1" in a.error for a in log)
    assert delivery.status == DeliveryStatus.DEAD
    # and a2 is held behind the dead letter, never attempted
    held = OutboxDelivery.objects.get(message__payload__seq=2)
    assert (held.status, held.attempts) == (DeliveryStatus.PENDING, 0)
    assert receiver.received == []


def test_an_administrator_replays_a_dead_letter_from_the_admin(clock, receiver, client):
    # given a dead letter a1 and a2 held behind it
    _emit("a", 1)
    _emit("a", 2)
    receiver.failing = {"a1"}
    for _ in range(4):
        outbox_relay_run()
        clock.shift(timedelta(minutes=2))
    dead = OutboxDelivery.objects.get(status=DeliveryStatus.DEAD)

    # when the receiver is fixed and an administrator replays it with the admin action
    receiver.failing = set()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/core/outboxdelivery/",
        {"action": "replay_deliveries", "_selected_action": [dead.pk]},
    )
    assert response.status_code == 302
    outbox_relay_run()

    # then a1 and a2 arrive in order, the log keeps the failed attempts, the replay is audited
    assert receiver.received == ["a1", "a2"]
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DELIVERED
    assert dead.log.count() == 5
    assert AuditRecord.objects.get(action="outbox_replay").actor == admin


def test_replay_by_command_of_every_dead_letter(clock, receiver):
    # given two dead letters of two keys
    _emit("a", 1)
    _emit("b", 1)
    receiver.failing = {"a1", "b1"}
    for _ in range(4):
        outbox_relay_run()
        clock.shift(timedelta(minutes=2))
    assert OutboxDelivery.objects.filter(status=DeliveryStatus.DEAD).count() == 2

    # when the operator replays every dead letter with the receiver back
    receiver.failing = set()
    call_command("outbox_replay", "--dead")
    outbox_relay_run()

    # then both are delivered
    assert sorted(receiver.received) == ["a1", "b1"]
    assert not OutboxDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


def test_at_least_once_with_an_idempotent_consumer(clock):
    # given an external consumer (not transactional) whose receiver applies the message but
    # answers too late the first time: the relay sees a failure after the effect
    applied: dict[int, int] = {}
    calls = []

    def deliver(message):
        calls.append(message.pk)
        applied[message.pk] = message.payload["seq"]  # idempotent: keyed by message id
        if len(calls) == 1:
            raise TimeoutError("no answer in time")

    outbox_consumer_register(
        name="test.external", topics=["test.*"], deliver=deliver, transactional=False
    )
    try:
        message = _emit("a", 1)

        # when the relay passes, then again after the backoff
        outbox_relay_run()
        clock.shift(timedelta(seconds=10))
        outbox_relay_run()
    finally:
        outbox_consumer_unregister("test.external")

    # then the message was delivered twice (at least once), and the effect is there once
    assert calls == [message.pk, message.pk]
    assert applied == {message.pk: 1}
    assert list(OutboxAttempt.objects.values_list("succeeded", flat=True)) == [False, True]


def test_a_transactional_consumer_commits_its_effect_with_the_delivery_only(clock):
    # given an internal consumer that writes, then fails the first time
    user = UserFactory()
    calls = []

    def deliver(message):
        calls.append(message.pk)
        notification_send(kind="test", title="hello", user=user)
        if len(calls) == 1:
            raise RuntimeError("boom")

    outbox_consumer_register(name="test.internal", topics=["test.*"], deliver=deliver)
    try:
        _emit("a", 1)
        outbox_relay_run()
        assert not Notification.objects.filter(kind="test").exists()  # rolled back
        clock.shift(timedelta(seconds=10))
        outbox_relay_run()
    finally:
        outbox_consumer_unregister("test.internal")

    # then the effect exists exactly once
    assert Notification.objects.filter(kind="test").count() == 1


def test_a_message_no_consumer_wants_is_delivered_at_dispatch(clock):
    message = outbox_emit(topic="nobody.listens", key="x", payload={})

    outbox_relay_run()

    message.refresh_from_db()
    assert message.delivered_at == START
    assert not message.deliveries.exists()


def test_relay_lag_is_the_age_of_the_oldest_waiting_message(clock, receiver):
    # given nothing waiting: no lag
    assert outbox_relay_status()["lag_seconds"] == 0

    # given a message emitted 90 s ago that its receiver refuses
    _emit("a", 1)
    receiver.failing = {"a1"}
    clock.shift(timedelta(seconds=90))
    outbox_relay_run()

    # then the lag is 90 s, one pending delivery for the receiver
    status = outbox_relay_status()
    assert status["lag_seconds"] == 90
    assert status["waiting"] == 1
    assert status["consumers"]["test.receiver"]["pending"] == 1

    # when it is delivered, the lag is back to 0
    receiver.failing = set()
    clock.shift(timedelta(seconds=10))
    outbox_relay_run()
    assert outbox_relay_status()["lag_seconds"] == 0


def test_relay_status_command_fails_over_the_lag_budget(clock, receiver, capsys):
    _emit("a", 1)
    receiver.failing = {"a1"}
    clock.shift(timedelta(seconds=120))
    outbox_relay_run()

    with pytest.raises(SystemExit) as exited:
        call_command("relay_status", "--max-lag", "60")

    assert exited.value.code == 1
    assert "120" in capsys.readouterr().out


def test_the_relay_lag_is_shown_to_administrators(clock, receiver, client):
    _emit("a", 1)
    clock.shift(timedelta(seconds=42))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/admin/core/outboxdelivery/").content.decode()

    assert "投递延迟：42 秒" in page


def test_with_celery_workers_each_commit_that_writes_a_message_sends_a_relay_task(
    settings, django_capture_on_commit_callbacks
):
    # given the scaled-out configuration
    settings.KAIGONG_WORKER = "celery"

    # when a transaction writes a message and commits
    with mock.patch("celery.current_app.send_task") as send_task:
        with django_capture_on_commit_callbacks(execute=True):
            outbox_emit(topic="test.event", key="a", payload={"seq": 1})
            sent_before_commit = send_task.call_count

    # then one relay pass is sent to the workers, after the commit only
    assert sent_before_commit == 0
    send_task.assert_called_once_with("kaigong.core.outbox_relay")


def test_embedded_the_commit_sends_nothing_the_runner_polls(
    settings, django_capture_on_commit_callbacks
):
    settings.KAIGONG_WORKER = "embedded"

    with mock.patch("celery.current_app.send_task") as send_task:
        with django_capture_on_commit_callbacks(execute=True):
            outbox_emit(topic="test.event", key="a", payload={"seq": 1})

    send_task.assert_not_called()


def test_keys_held_behind_a_dead_letter_never_starve_the_others(clock, receiver):
    # given a dead letter a1 with a2 and a3 held behind it
    for seq in (1, 2, 3):
        _emit("a", seq)
    receiver.failing = {"a1"}
    for _ in range(4):
        outbox_relay_run()
        clock.shift(timedelta(minutes=2))

    # when b1 comes and a pass may take one delivery only
    _emit("b", 1)
    outbox_relay_run(limit=1)

    # then b1 is the one delivered
    assert receiver.received == ["b1"]
