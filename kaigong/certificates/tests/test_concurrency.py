"""Concurrent issuance gives unique, gap-free numbers (PostgreSQL: real row locks)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections

import pytest

from kaigong.certificates.models import Certificate
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.projects.tests.factories import ProjectFactory

WORKERS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_numbers_are_unique_and_gap_free():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update has no effect on SQLite; run on PostgreSQL")
    # given one catalogue and a project per worker
    catalogue = issuing_catalogue()
    projects = [ProjectFactory() for _ in range(WORKERS)]
    issue(catalogue, project=ProjectFactory())  # the signing key exists before the race
    start = threading.Barrier(WORKERS)

    def work(project):
        try:
            start.wait()
            return [c.number for c in issue(catalogue, project=project)]
        finally:
            connections.close_all()

    # when every worker concludes a bundle at the same moment
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(work, projects))

    # then each type's numbers are exactly 1..N+1, with no gap and no duplicate
    for certificate_type in catalogue.types.values():
        numbers = sorted(
            Certificate.objects.filter(certificate_type=certificate_type).values_list(
                "number", flat=True
            )
        )
        assert numbers == list(range(1, WORKERS + 2))
