"""
The bare DRF views of ``bench_workflow`` (issue #16), mounted only by the benchmark's
URLconf (``benchmarks.urls``, via ``benchmarks.settings``), never by the product's:

* ``BareView`` (part 2): knox token authentication (the API's own class) and one indexed
  SELECT, rendered as JSON — what the stack itself serves, against which the product's
  lightest read (the floor) is measured;
* ``BareTransitionView`` (part 3): the least a transition of the product does, on the same
  stack — in one transaction a row locked, updated under a version check, an event, an
  outbox message and an inbox notice inserted — so that the product's transitions can be
  read against what Django and PostgreSQL need for that much, not only against a read.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from kaigong.api.authentication import TokenAuthentication

BARE_PATH = "/bench/bare/"
BARE_TRANSITION_PATH = "/bench/bare-transition/"
BARE_TRANSITION_TOPIC = "bench.bare_transition"  # no consumer: the relay logs it at once


class BareView(APIView):
    """One row by primary key (an index scan), for the authenticated caller."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    throttle_classes: list = []

    def get(self, request):
        from kaigong.accounts.models import User

        row = User.objects.filter(pk=request.user.pk).values_list("public_id", "username").first()
        return Response({"user": str(row[0]) if row else None, "name": row[1] if row else None})


class BareTransitionView(APIView):
    """
    POST: the caller's user row locked and updated (its ``last_login``, matched on the
    value read, as a transition's UPDATE matches its version), then an audit record (the
    event), an outbox message and an inbox notice inserted: five statements between BEGIN
    and COMMIT, through the ORM as the product writes them. Answers the new value.
    """

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    throttle_classes: list = []

    def post(self, request):
        from kaigong.accounts.models import User
        from kaigong.core.models import AuditRecord, Notification, OutboxMessage

        now = timezone.now()
        with transaction.atomic():
            row = User.objects.select_for_update().only("id", "last_login").get(pk=request.user.pk)
            updated = User.objects.filter(pk=row.pk, last_login=row.last_login).update(
                last_login=now
            )
            if updated != 1:  # pragma: no cover - the row is locked
                raise RuntimeError("the locked row changed")
            data = {"user": str(request.user.public_id), "at": now.isoformat()}
            AuditRecord.objects.create(
                actor_id=row.pk, action="bench_transition", object_type="accounts.user", data=data
            )
            OutboxMessage.objects.create(
                topic=BARE_TRANSITION_TOPIC, key=data["user"], payload=data
            )
            Notification.objects.create(user_id=row.pk, kind="bench", title="bench")
        return Response(data)
