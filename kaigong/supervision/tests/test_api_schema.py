"""The supervision API answers as its schema documents (issue #10: the outside fuzz run
found the queues documented as one row while they answer a page of rows)."""

from __future__ import annotations

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.cases.tests.api.conftest import client_for
from kaigong.core.tests.conformance import assert_conforms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("queue", ["special", "correction", "denied", "orders"])
def test_a_queue_answers_the_page_its_schema_documents(queue):
    # given a supervisor
    client = client_for(user_with_role(Role.SUPERVISOR))

    # when a queue is read (empty: a page with no rows)
    response = client.get(f"/api/v1/supervision/queues/{queue}/")

    # then it is the documented page
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert_conforms(response, "GET", "/api/v1/supervision/queues/{queue}/")
