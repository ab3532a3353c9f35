"""
Nothing lost after commit (issue #10 §6): an inbox notice is written in the transaction of
its change, so a committed change never answers 500 because of a notice, a change rolled
back leaves no notice, and a redelivered outbox message never writes the notice again.

The failure injected is "the inbox is unavailable once the change has committed": the
Notification insert raises when it runs outside any transaction, which is where the
``transaction.on_commit`` callbacks of the old code ran. These tests use real commits
(``transaction=True``) so that the callbacks run as in production.
"""

from __future__ import annotations

from unittest import mock

from django.db import connection, transaction

import pytest
from celery import current_app

from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.clock import item_extension_request
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.core.models import Notification, OutboxDelivery, OutboxMessage
from kaigong.core.relay import outbox_delivery_replay, outbox_relay_run

from .conftest import client_for


@pytest.fixture
def world(monday):
    return lifecycle_world()


@pytest.fixture
def inbox_down_after_commit():
    """Every Notification insert outside a transaction (after a commit) fails."""
    create = Notification.objects.create
    failures = []

    def failing_create(**kwargs):
        if not connection.in_atomic_block:
            failures.append(kwargs.get("kind"))
            raise RuntimeError("inbox unavailable")
        return create(**kwargs)

    with mock.patch.object(Notification.objects, "create", side_effect=failing_create):
        yield failures


def _notices(case, kind):
    return Notification.objects.filter(
        enterprise=case.enterprise, kind=kind, link=f"/cases/{case.public_id}/"
    )


@pytest.mark.django_db(transaction=True)
def test_an_accepted_case_answers_200_and_has_its_notice_when_the_inbox_fails_after_commit(
    world, inbox_down_after_commit
):
    # given a submitted case, and an inbox that fails for writes after a commit
    case = CaseFactory(world=world, submitted=True)
    client = client_for(world.clerk)
    client.raise_request_exception = False

    # when the clerk accepts it
    response = client.post(f"/api/v1/cases/{case.public_id}/accept/", {}, format="json")

    # then the committed change answers 200 and its notice is in the inbox, exactly once
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=case.pk).status == "accepted"
    assert _notices(case, "case_accept").count() == 1
    assert inbox_down_after_commit == []  # nothing was left for after the commit


@pytest.mark.django_db(transaction=True)
def test_an_approved_extension_answers_200_and_has_its_notice_when_the_inbox_fails_after_commit(
    world, inbox_down_after_commit
):
    # given a pending extension request on an accepted case's item
    item = item_of(CaseFactory(world=world, accepted=True), "M1")
    extension = item_extension_request(
        item=item, actor=world.reviewer1, working_days=5, reason="需组织专家论证"
    )
    client = client_for(world.approver1)
    client.raise_request_exception = False

    # when the approver grants it while the inbox fails for writes after a commit
    response = client.post(
        f"/api/v1/items/{item.public_id}/extensions/{extension.public_id}/approve/",
        {"reason": "同意延期"},
        format="json",
    )

    # then it answers 200 and both notices (the extension, the item's status) are delivered
    assert response.status_code == 200, response.content
    notice = _notices(item.case, "item_extended").get()
    assert notice.body == "需组织专家论证"
    assert _notices(item.case, "item_extend").count() == 1
    assert inbox_down_after_commit == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_answers_200_when_the_relay_kick_fails(world, settings):
    # given Celery workers whose broker is down (the kick after the commit fails)
    case = CaseFactory(world=world, submitted=True)
    settings.KAIGONG_WORKER = "celery"
    client = client_for(world.clerk)
    client.raise_request_exception = False

    # when the clerk accepts the case (it writes an outbox message)
    with mock.patch.object(current_app, "send_task", side_effect=OSError("broker down")):
        response = client.post(f"/api/v1/cases/{case.public_id}/accept/", {}, format="json")

    # then the change answers 200, and its message waits for the periodic relay pass
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=case.pk).status == "accepted"
    message = OutboxMessage.objects.get(topic="case.accepted", key=str(case.public_id))
    assert message.delivered_at is None


@pytest.mark.django_db
def test_a_change_rolled_back_leaves_no_notice(world):
    # given a submitted case
    case = CaseFactory(world=world, submitted=True)

    # when it is accepted in a transaction that then fails
    with pytest.raises(RuntimeError), transaction.atomic():
        case_accept(case=case, actor=world.clerk)
        assert _notices(case, "case_accept").count() == 1  # written with the change
        raise RuntimeError("a later step of the same change fails")

    # then neither the change nor its notice remains
    assert Case.objects.get(pk=case.pk).status == "submitted"
    assert not _notices(case, "case_accept").exists()


@pytest.mark.django_db
def test_the_notice_is_written_once_even_if_the_relay_delivers_the_event_twice(world):
    # given an accepted case whose outbox message the relay has delivered
    case = CaseFactory(world=world, submitted=True)
    client_for(world.clerk).post(f"/api/v1/cases/{case.public_id}/accept/", {}, format="json")
    outbox_relay_run()

    # when an administrator replays every delivery and the relay runs again
    deliveries = OutboxDelivery.objects.filter(message__key=str(case.public_id))
    assert deliveries.exists()
    outbox_delivery_replay(deliveries=deliveries, actor=None)
    outbox_relay_run()

    # then the acceptance notice is still there exactly once
    assert _notices(case, "case_accept").count() == 1
