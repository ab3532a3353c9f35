"""
The inbox's page SQL compiled once per process (``CompiledList``, issue #16 §2): every
caller still reads its own inbox, page by page, and a query whose SQL the value changes
is not cached.
"""

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    MembershipFactory,
    UserFactory,
)
from kaigong.core.api.pagination import _SENTINELS, CompiledList
from kaigong.core.models import Notification
from kaigong.core.selectors import notification_list_for
from kaigong.core.services import notification_send


def _titles(api_client, user, query=""):
    api_client.force_authenticate(user)
    body = api_client.get(f"/api/v1/inbox/{query}").json()
    return [n["title"] for n in body["results"]], body


@pytest.mark.django_db
def test_each_caller_reads_its_own_inbox_through_the_same_compiled_sql(api_client):
    enterprise, department = EnterpriseFactory(), DepartmentFactory()
    applicant = MembershipFactory(role=Role.APPLICANT, enterprise=enterprise).user
    officer = MembershipFactory(role=Role.REVIEWER, department=department).user
    loner = UserFactory()
    notification_send(kind="progress", title="企业的消息", enterprise=enterprise)
    notification_send(kind="progress", title="部门的消息", department=department)
    notification_send(kind="next_step", title="本人的消息", user=loner)
    notification_send(kind="next_step", title="申请人本人", user=applicant)
    CompiledList._cache.clear()
    seen = {}
    for user in (applicant, officer, loner, applicant):  # the second applicant: a cache hit
        titles, body = _titles(api_client, user)
        expected = [n.title for n in notification_list_for(user)]
        assert titles == expected
        assert body["count"] == len(expected)
        seen[user.username] = titles
    assert sorted(seen[applicant.username]) == ["企业的消息", "申请人本人"]
    assert seen[officer.username] == ["部门的消息"]
    assert seen[loner.username] == ["本人的消息"]
    compiled = [v for k, v in CompiledList._cache.items() if k[0] == ("inbox", False)]
    assert len(compiled) == 1 and compiled[0] is not None  # one shape, compiled


@pytest.mark.django_db
def test_pages_unread_and_last_page_answer_as_before(api_client):
    user = UserFactory()
    for n in range(5):
        notification_send(kind="progress", title=f"消息{n}", user=user)
    first = Notification.objects.filter(user=user).order_by("created_at", "pk").first()
    first.read_at = first.created_at
    first.save()
    ordered = [n.title for n in notification_list_for(user)]
    page2, body = _titles(api_client, user, "?page_size=2&page=2")
    assert page2 == ordered[2:4]
    assert (body["count"], body["unread_count"]) == (5, 4)
    assert "page=3" in body["next"]
    last, body = _titles(api_client, user, "?page_size=2&page=last")
    assert last == ordered[4:]
    assert body["unread_count"] == 4
    unread, body = _titles(api_client, user, "?unread=true&page_size=10")
    assert first.title not in unread and len(unread) == 4
    assert body["count"] == 4
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/inbox/?page_size=2&page=9").status_code == 404


@pytest.mark.django_db
def test_a_query_the_value_changes_beyond_its_parameters_is_not_cached():
    mine = notification_send(kind="progress", title="甲", user=UserFactory())
    notification_send(kind="progress", title="乙", user=UserFactory())

    def annotate(queryset, number, size):
        return queryset[(number - 1) * size : number * size]

    def by_shape(value):  # a sentinel (negative) reads one more column: another SQL text
        queryset = Notification.objects.filter(user_id=value)
        return queryset.only("title") if value == _SENTINELS[1] else queryset

    CompiledList._cache.clear()
    rows = CompiledList("shape", Notification, by_shape, mine.user_id).page(annotate, 1, 10)
    assert [r.title for r in rows] == ["甲"]
    assert list(CompiledList._cache.values()) == [None]  # built by the ORM each time

    def ignoring(value):  # the value is not in the SQL at all: nothing to put in its place
        return Notification.objects.filter(title="甲")

    CompiledList._cache.clear()
    CompiledList("none", Notification, ignoring, 1).page(annotate, 1, 10)
    assert list(CompiledList._cache.values()) == [None]
