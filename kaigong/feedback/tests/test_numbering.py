"""
Ticket and complaint numbers (``PREFIX-YYYY-NNNNNN``) are race-free: the year's counter row
is locked while a number is taken, so the year's first numbers drawn at the same instant
by several creators are all different (PostgreSQL, threads with their own connections); a
counter created after numbers were issued continues from the highest (SQLite too).
"""

from __future__ import annotations

import threading

from django.db import connection

import pytest

from kaigong.accounts.tests.factories import ServiceCenterFactory
from kaigong.feedback.models import Complaint, HotlineClient, NumberCounter
from kaigong.feedback.services.complaints import complaint_hotline_intake


def _order(n: int) -> dict:
    return {
        "ticket_no": f"12345-{n:04d}",
        "category": "simple",
        "title": "热线转办",
        "content": f"审批慢 {n}",
        "complainant_name": "王五",
    }


@pytest.mark.django_db
def test_a_counter_created_late_continues_from_the_highest_number_issued():
    client = HotlineClient.objects.create(
        name="12345", key_id="k", secret="s", service_center=ServiceCenterFactory()
    )
    first, _ = complaint_hotline_intake(client=client, data=_order(1))
    second, _ = complaint_hotline_intake(client=client, data=_order(2))
    year = first.number.split("-")[1]
    assert (first.number, second.number) == (f"BBCS-{year}-000001", f"BBCS-{year}-000002")

    # numbers issued before the counter existed (e.g. before this migration) are respected
    NumberCounter.objects.all().delete()
    third, _ = complaint_hotline_intake(client=client, data=_order(3))

    assert third.number == f"BBCS-{year}-000003"
    assert NumberCounter.objects.get(prefix="BBCS").last == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_years_first_numbers_taken_at_once_are_all_different():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    client = HotlineClient.objects.create(
        name="12345", key_id="k", secret="s", service_center=ServiceCenterFactory()
    )
    calls = 8
    barrier = threading.Barrier(calls)
    errors: list[Exception] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            complaint_hotline_intake(client=client, data=_order(n))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    numbers = sorted(Complaint.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[1]
    assert numbers == [f"BBCS-{year}-{n:06d}" for n in range(1, calls + 1)]
