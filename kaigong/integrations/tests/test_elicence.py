"""
The e-licence push against a library the test starts (real HTTP): issued, revoked and
expired certificates arrive in the documented format, idempotent by identifier across a
failure and a retry after a timeout.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.certificates.models import Certificate
from kaigong.certificates.services import certificate_revoke, joint_issuance_condition_record
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.core.models import DeliveryStatus, OutboxDelivery, OutboxMessage
from kaigong.core.relay import outbox_relay_run
from kaigong.integrations.elicence import ELICENCE_CONSUMER, elicence_expiry_sweep
from kaigong.integrations.models import ElicencePush

from .receivers import json_body, serve

pytestmark = pytest.mark.django_db


def _relay(start, passes=8):
    for n in range(passes):
        with time_machine.travel(start + timedelta(seconds=30 * n), tick=True):
            outbox_relay_run()


def test_issued_revoked_and_expired_certificates_reach_the_library_once_each(settings, admin):
    library: dict[str, dict] = {}  # identifier → the licence as the library keeps it
    calls = {"n": 0}

    def respond(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return 503, "{}", 0  # the library is down
        record = json.loads(request["body"])
        identifier = request["path"].rsplit("/", 1)[1]
        library[identifier] = record  # PUT: the same identifier replaces, never duplicates
        if calls["n"] == 2:
            return 200, "{}", 1.0  # stored, but answers after our timeout: retried
        return 200, "{}", 0

    settings.KAIGONG_ELICENCE_TIMEOUT_SECONDS = 0.5
    with serve(respond) as (url, log):
        settings.KAIGONG_ELICENCE_URL = url + "/api"
        catalogue = issuing_catalogue()
        certificates = issue(catalogue)
        identifiers = sorted(c.identifier for c in certificates)
        _relay(timezone.now())

        # then every released certificate is ISSUED in the library, once per identifier
        assert sorted(library) == identifiers
        assert {r["status"] for r in library.values()} == {"ISSUED"}
        # the first was sent three times (down, timeout, then once more): still one licence
        first_paths = [r["path"] for r in log.requests[:3]]
        assert len(set(first_paths)) == 1 and first_paths[0].startswith("/api/licences/")
        assert ElicencePush.objects.count() == len(identifiers)

        planning = next(
            c for c in certificates if c.certificate_type == catalogue.types["planning"]
        )
        permit = next(c for c in certificates if c.certificate_type == catalogue.types["permit"])
        record = library[permit.identifier]
        assert record["licence_code"] == permit.identifier
        assert record["correlative_license"] == [planning.identifier]
        assert record["holder_id_code"] == permit.holder.uscc
        assert record["holder_id_type"] == "001"
        assert record["issue_date"] == permit.issued_on.isoformat()
        assert record["s_sign_data"] == permit.signature_hex

        # when the planning permit is revoked
        approver = user_with_role(Role.APPROVER, department=catalogue.department)
        certificate_revoke(certificate=planning, reason="规划条件变更", actor=approver)
        _relay(timezone.now() + timedelta(minutes=10), passes=2)
        assert library[planning.identifier]["status"] == "ABOLISHED"
        assert library[planning.identifier]["abolish_reason"] == "revoked: 规划条件变更"
        assert library[planning.identifier]["abolished_at"]

        # when another certificate runs out of validity (one day past its end)
        quality = next(c for c in certificates if c.certificate_type == catalogue.types["quality"])
        end = quality.valid_from + timedelta(days=1)
        Certificate.objects.filter(pk=quality.pk).update(valid_to=end)
        assert elicence_expiry_sweep(today=end) == 0  # valid through its last day
        assert elicence_expiry_sweep(today=end + timedelta(days=1)) == 1
        assert elicence_expiry_sweep(today=end + timedelta(days=2)) == 0  # announced once
        _relay(timezone.now() + timedelta(minutes=20), passes=2)
        assert library[quality.identifier]["status"] == "ABOLISHED"
        assert library[quality.identifier]["abolish_reason"] == "expired"
        assert library[quality.identifier]["expiry_date"] == end.isoformat()

    deliveries = OutboxDelivery.objects.filter(consumer=ELICENCE_CONSUMER)
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert sorted(library) == identifiers  # still one licence per certificate


def test_without_an_endpoint_nothing_is_pushed(settings, admin):
    settings.KAIGONG_ELICENCE_URL = ""
    issue(issuing_catalogue())
    outbox_relay_run()
    assert not OutboxDelivery.objects.filter(consumer=ELICENCE_CONSUMER).exists()


def _flaky_library():
    """A library that is down for the first PUT, stores the second but answers too late."""
    library: dict[str, list[str]] = {}  # identifier → every status it was given, in order
    calls = {"n": 0}

    def respond(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return 503, "{}", 0
        identifier = request["path"].rsplit("/", 1)[1]
        library.setdefault(identifier, []).append(json.loads(request["body"])["status"])
        return 200, "{}", 1.0 if calls["n"] == 2 else 0

    return library, respond


def test_held_certificates_are_registered_then_issued_on_release(settings, admin):
    library, respond = _flaky_library()
    settings.KAIGONG_ELICENCE_TIMEOUT_SECONDS = 0.5
    with serve(respond) as (url, log):
        settings.KAIGONG_ELICENCE_URL = url
        # the construction permit waits for the land-use right (多证联发): made, held
        catalogue = issuing_catalogue(joint_rule_types=["permit"])
        certificates = issue(catalogue)
        permit = next(c for c in certificates if c.certificate_type == catalogue.types["permit"])
        others = sorted(c.identifier for c in certificates if c.pk != permit.pk)
        _relay(timezone.now())

        # the held permit is REGISTERED (after the library was down and then slow: the
        # same PUT again, still one licence), the free ones ISSUED
        assert library[permit.identifier][-1] == "REGISTERED"
        assert set(library[permit.identifier]) == {"REGISTERED"}
        assert all(library[i] and set(library[i]) == {"ISSUED"} for i in others)
        assert ElicencePush.objects.get(identifier=permit.identifier).status == "REGISTERED"
        assert len([r for r in log.requests if r["method"] == "PUT"]) >= len(certificates) + 1

        # when the lead department records the condition, the permit is released: ISSUED
        joint_issuance_condition_record(
            rule=catalogue.bundle.issuance_rules.get(),
            project_id=permit.project_id,
            evidence="不动产权证书 鲁(2026)沂南县不动产权第0001234号",
            actor=user_with_role(Role.APPROVER, department=catalogue.department),
        )
        _relay(timezone.now() + timedelta(minutes=10), passes=2)
        assert library[permit.identifier][-1] == "ISSUED"
        assert library[permit.identifier].count("ISSUED") == 1
        assert sorted(library) == sorted([permit.identifier, *others])
    assert set(
        OutboxDelivery.objects.filter(consumer=ELICENCE_CONSUMER).values_list("status", flat=True)
    ) == {DeliveryStatus.DELIVERED}


def test_a_certificate_released_before_its_registration_is_pushed_only_issued(settings, admin):
    pushed: list[tuple[str, str]] = []

    def respond(request):
        pushed.append((request["path"].rsplit("/", 1)[1], json_body(request)["status"]))
        return 200, "{}", 0

    with serve(respond) as (url, _log):
        settings.KAIGONG_ELICENCE_URL = url
        catalogue = issuing_catalogue(joint_rule_types=["permit"])
        permit = next(
            c for c in issue(catalogue) if c.certificate_type == catalogue.types["permit"]
        )
        assert OutboxMessage.objects.filter(topic="certificates.registered").count() == 1
        # released before the relay ran: the registration is not sent after the fact
        joint_issuance_condition_record(
            rule=catalogue.bundle.issuance_rules.get(),
            project_id=permit.project_id,
            evidence="不动产权证书",
            actor=user_with_role(Role.APPROVER, department=catalogue.department),
        )
        _relay(timezone.now(), passes=2)
    assert [s for i, s in pushed if i == permit.identifier] == ["ISSUED"]
    assert "REGISTERED" not in {s for _i, s in pushed}
