"""
Signed webhooks through the relay, against receivers the test starts (real HTTP):
a receiver that fails, times out, then recovers still processes every event exactly once,
in order per key; signatures verified with ``standardwebhooks`` on the receiving side,
across a secret rotation; replays refused.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

import pytest
import time_machine
from standardwebhooks import Webhook, WebhookVerificationError

from kaigong.core.models import DeliveryStatus, OutboxAttempt, OutboxDelivery
from kaigong.core.relay import outbox_relay_run
from kaigong.core.services import outbox_emit
from kaigong.integrations.services import (
    webhook_deliveries_replay,
    webhook_secret_rotate,
    webhook_subscription_create,
    webhook_subscription_update,
)

from .receivers import example_receiver_module, serve

pytestmark = pytest.mark.django_db

receiver_module = example_receiver_module()
# two cases (the archive consumer reads the case's public id from every case event)
CASE_A, CASE_B = "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"
NAMES = {CASE_A: "A", CASE_B: "B"}


def _relay_until_quiet(start: datetime, *, passes: int = 12) -> None:
    """Relay passes, each 30 s later than the last: every backoff (10, 20, …) falls due."""
    for n in range(passes):
        with time_machine.travel(start + timedelta(seconds=30 * n), tick=True):
            outbox_relay_run()


def test_a_failing_then_slow_receiver_gets_every_event_once_in_order(admin):
    flaky = None
    calls = {"n": 0}

    def respond(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return 500, "down", 0  # fails
        status, text = flaky.handle(request["body"], request["headers"])
        if calls["n"] == 2:
            return status, text, 1.5  # processed, but answers after Kaigong's 0.5 s timeout
        return status, text, 0

    with (
        serve(respond) as (flaky_url, flaky_log),
        serve(lambda r: (*steady.handle(r["body"], r["headers"]), 0)) as (steady_url, steady_log),
    ):
        # given two subscriptions: case events to a flaky endpoint, everything to a steady one
        one = webhook_subscription_create(
            actor=admin, name="审批监管", url=flaky_url + "/hook", topics=["case.*"]
        )
        two = webhook_subscription_create(
            actor=admin,
            name="数据中台",
            url=steady_url + "/hook",
            topics=["case.*", "certificates.*"],
        )
        flaky = receiver_module.Receiver([one.secret])
        steady = receiver_module.Receiver([two.secret])

        # when case A has three events, case B two, and a certificate release one
        for n in (1, 2, 3):
            outbox_emit(topic="case.accepted", key="case-A", payload={"case": CASE_A, "n": n})
        for n in (1, 2):
            outbox_emit(topic="case.decided", key="case-B", payload={"case": CASE_B, "n": n})
        outbox_emit(topic="certificates.released", key="rel-1", payload={"release": "1"})
        _relay_until_quiet(timezone.now())

    # then each receiver processed each of its events once, in order per key
    def order(receiver):
        return [(NAMES.get(m["data"].get("case")), m["data"].get("n")) for m in receiver.processed]

    flaky_seen = order(flaky)
    assert sorted(flaky_seen) == [("A", 1), ("A", 2), ("A", 3), ("B", 1), ("B", 2)]
    assert [n for case, n in flaky_seen if case == "A"] == [1, 2, 3]
    assert [n for case, n in flaky_seen if case == "B"] == [1, 2]
    assert sorted(order(steady), key=str) == sorted(
        [("A", 1), ("A", 2), ("A", 3), ("B", 1), ("B", 2), (None, None)], key=str
    )
    # the flaky one was asked more often than it processed: a failure, a timeout, a repeat
    assert len(steady_log.requests) == 6
    # and every delivery is delivered; the log has one attempt per try: the 500 and the
    # timeout as failures (one key each: the first of A, then the first of B in that pass)
    deliveries = OutboxDelivery.objects.filter(consumer=one.consumer_name)
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    failed = list(OutboxAttempt.objects.filter(delivery__in=deliveries, succeeded=False))
    assert len(failed) == 2
    assert "HTTP 500" in failed[0].error and "Timeout" in failed[1].error
    assert OutboxAttempt.objects.filter(delivery__in=deliveries, succeeded=True).count() == 5
    # the retries carried the same webhook-id; the headers are the three of the spec
    ids = [r["headers"]["webhook-id"] for r in flaky_log.requests]
    assert len(ids) == 7 and len(set(ids)) == 5  # two retries, same id as their first try
    assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= {
        k.lower() for k in flaky_log.requests[0]["headers"]
    }


def test_rotation_signs_with_both_secrets_during_the_overlap_then_only_the_new(admin):
    with serve(lambda r: (200, "ok", 0)) as (url, log):
        subscription = webhook_subscription_create(
            actor=admin, name="住建局", url=url, topics=["case.*"]
        )
        old_secret = subscription.secret
        rotated = webhook_secret_rotate(actor=admin, subscription=subscription, overlap_hours=72)
        new_secret = rotated.secret
        outbox_emit(topic="case.accepted", key="k", payload={"n": 1})
        outbox_relay_run()
        later = timezone.now() + timedelta(hours=73)
        with time_machine.travel(later, tick=False):
            outbox_emit(topic="case.accepted", key="k", payload={"n": 2})
            outbox_relay_run()
            during, after = log.requests

            # then: after the overlap only the new secret verifies
            assert len(after["headers"]["webhook-signature"].split(" ")) == 1
            Webhook(new_secret).verify(after["body"], after["headers"])
            with pytest.raises(WebhookVerificationError):
                Webhook(old_secret).verify(after["body"], after["headers"])

    # during the overlap both signatures were sent: a receiver on either secret verifies
    assert new_secret != old_secret
    assert len(during["headers"]["webhook-signature"].split(" ")) == 2
    with time_machine.travel(
        datetime.fromtimestamp(int(during["headers"]["webhook-timestamp"]), UTC), tick=False
    ):
        assert Webhook(old_secret).verify(during["body"], during["headers"])["data"] == {"n": 1}
        assert Webhook(new_secret).verify(during["body"], during["headers"])["data"] == {"n": 1}


def test_the_example_receiver_refuses_replays_and_forgeries(admin):
    with serve(lambda r: (200, "ok", 0)) as (url, log):
        subscription = webhook_subscription_create(
            actor=admin, name="档案馆", url=url, topics=["case.*"]
        )
        outbox_emit(topic="case.accepted", key="k", payload={"n": 1})
        outbox_relay_run()
    (captured,) = log.requests
    receiver = receiver_module.Receiver([subscription.secret])
    sent_at = datetime.fromtimestamp(int(captured["headers"]["webhook-timestamp"]), UTC)

    with time_machine.travel(sent_at + timedelta(seconds=2), tick=False):
        # the genuine message is processed once; the same request again is dropped
        assert receiver.handle(captured["body"], captured["headers"]) == (200, "processed")
        assert receiver.handle(captured["body"], captured["headers"])[1].startswith("duplicate")
        # a changed body does not verify
        forged = captured["body"].replace(b'"n":1', b'"n":9')
        assert receiver.handle(forged, captured["headers"])[0] == 401
    # replayed later than the 5-minute tolerance, to a receiver that forgot the id: refused
    fresh = receiver_module.Receiver([subscription.secret])
    with time_machine.travel(sent_at + timedelta(minutes=6), tick=False):
        status, text = fresh.handle(captured["body"], captured["headers"])
    assert status == 401 and "too old" in text
    assert len(receiver.processed) == 1


def test_a_paused_subscription_waits_and_a_dead_letter_is_replayed(admin, settings):
    settings.KAIGONG_RELAY_MAX_ATTEMPTS = 2
    answers = {"status": 503}
    with serve(lambda r: (answers["status"], "", 0)) as (url, log):
        subscription = webhook_subscription_create(
            actor=admin, name="统计", url=url, topics=["case.*"]
        )
        outbox_emit(topic="case.accepted", key="k", payload={"n": 1})
        _relay_until_quiet(timezone.now(), passes=3)
        delivery = OutboxDelivery.objects.get(consumer=subscription.consumer_name)
        assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == 2

        # when the receiver is back and the administrator replays the dead letter
        answers["status"] = 204
        assert (
            webhook_deliveries_replay(actor=admin, subscription=subscription, deliveries=[delivery])
            == 1
        )
        # a paused subscription sends nothing meanwhile
        webhook_subscription_update(actor=admin, subscription=subscription, active=False)
        outbox_relay_run()
        assert len(log.requests) == 2
        webhook_subscription_update(actor=admin, subscription=subscription, active=True)
        outbox_relay_run()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(log.requests) == 3
