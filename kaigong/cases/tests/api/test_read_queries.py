"""
Queries per authenticated read (issue #16 §2): the product's lightest reads — the HTTP floor
of bench_workflow (the inbox, one row), a reviewer's worklist and a case — each have a
budget, counted with a real token (no forced authentication), so that a per-request look-up
added anywhere on the path (middleware, authentication, permissions) has to raise it here.
Counts, never wall-clock time.
"""

from __future__ import annotations

import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all

from .conftest import client_for

pytestmark = pytest.mark.django_db

# Measured 2026-12-01 (the inbox: 4 before its page carried its counts, COUNT(*) OVER ()).
# Before the token look-up read only the presented token (knox read
# every token of the user on each call to purge the expired ones): one more each.
BUDGET = {
    "inbox": 2,  # token+user; the page with its total and unread count (one query)
    "worklist": 5,  # token+user, memberships, the keyset page, the department, the capped count
    "case": 6,  # token+user, memberships, the case, its matters, its items, the calendar token
}


def _world_with_a_case():
    world = lifecycle_world()
    case = CaseFactory(world=world)
    upload_all(case, world.applicant)
    client_for(world.users["applicant"]).post(f"/api/v1/cases/{case.public_id}/submit/", {})
    client_for(world.users["clerk"]).post(f"/api/v1/cases/{case.public_id}/accept/", {})
    return world, case


@pytest.mark.parametrize(
    "label, role, path",
    [
        ("inbox", "applicant", "/api/v1/inbox/?page_size=1"),
        ("worklist", "reviewer1", "/api/v1/items/"),
        ("case", "applicant", "/api/v1/cases/{case}/"),
    ],
)
def test_an_authenticated_read_stays_within_its_query_budget(
    monday, django_assert_max_num_queries, label, role, path
):
    world, case = _world_with_a_case()
    client = client_for(world.users[role])
    url = path.format(case=case.public_id)
    assert client.get(url).status_code == 200  # the process's caches warm
    with django_assert_max_num_queries(BUDGET[label]):
        assert client.get(url).status_code == 200
