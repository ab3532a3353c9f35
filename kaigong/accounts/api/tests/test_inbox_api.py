import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import EnterpriseFactory, MembershipFactory, user_with_role
from kaigong.core.services import notification_send


@pytest.fixture
def inbox(db):
    enterprise = EnterpriseFactory()
    user = MembershipFactory(role=Role.APPLICANT, enterprise=enterprise).user
    to_enterprise = notification_send(kind="progress", title="乙事项已受理", enterprise=enterprise)
    to_user = notification_send(kind="next_step", title="请准备材料", user=user)
    other = notification_send(kind="progress", title="别人的消息", enterprise=EnterpriseFactory())
    return {"user": user, "mine": [to_enterprise, to_user], "other": other}


@pytest.mark.django_db
def test_inbox_lists_messages_to_the_user_and_its_enterprise(api_client, inbox):
    api_client.force_authenticate(inbox["user"])
    body = api_client.get("/api/v1/inbox/").json()
    titles = {n["title"] for n in body["results"]}
    assert titles == {"乙事项已受理", "请准备材料"}
    assert body["unread_count"] == 2


@pytest.mark.django_db
def test_mark_read_and_unread(api_client, inbox):
    api_client.force_authenticate(inbox["user"])
    target = inbox["mine"][0]
    response = api_client.post(f"/api/v1/inbox/{target.public_id}/read/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert api_client.get("/api/v1/inbox/?unread=true").json()["unread_count"] == 1
    unread = api_client.get("/api/v1/inbox/?unread=true").json()["results"]
    assert [n["title"] for n in unread] == ["请准备材料"]
    response = api_client.post(
        f"/api/v1/inbox/{target.public_id}/read/", {"read": False}, format="json"
    )
    assert response.json()["read"] is False


@pytest.mark.django_db
def test_someone_elses_message_is_404(api_client, inbox):
    api_client.force_authenticate(inbox["user"])
    response = api_client.post(f"/api/v1/inbox/{inbox['other'].public_id}/read/")
    assert response.status_code == 404
    inbox["other"].refresh_from_db()
    assert inbox["other"].read_at is None


@pytest.mark.django_db
def test_read_all(api_client, inbox):
    api_client.force_authenticate(inbox["user"])
    assert api_client.post("/api/v1/inbox/read-all/").json() == {"marked": 2}
    assert api_client.get("/api/v1/inbox/").json()["unread_count"] == 0


@pytest.mark.django_db
def test_inbox_needs_a_login(api_client):
    assert api_client.get("/api/v1/inbox/").status_code in (401, 403)


@pytest.mark.django_db
def test_department_staff_see_their_departments_messages(api_client):
    reviewer = user_with_role(Role.REVIEWER)
    department = reviewer.memberships.get().department
    notification_send(kind="worklist", title="新件待审", department=department)
    api_client.force_authenticate(reviewer)
    assert [n["title"] for n in api_client.get("/api/v1/inbox/").json()["results"]] == ["新件待审"]


@pytest.mark.django_db
def test_the_page_carries_the_total_and_the_unread_count_of_the_whole_inbox(api_client, inbox):
    # page and counts come from one query (COUNT(*) OVER ()): they must still describe the
    # whole inbox, not the page
    api_client.force_authenticate(inbox["user"])
    api_client.post(f"/api/v1/inbox/{inbox['mine'][0].public_id}/read/", {}, format="json")
    for n in range(3):
        notification_send(kind="progress", title=f"进度 {n}", user=inbox["user"])

    first = api_client.get("/api/v1/inbox/?page_size=2").json()
    second = api_client.get("/api/v1/inbox/?page_size=2&page=2").json()
    third = api_client.get("/api/v1/inbox/?page_size=2&page=3").json()
    last = api_client.get("/api/v1/inbox/?page_size=2&page=last").json()

    assert [len(p["results"]) for p in (first, second, third)] == [2, 2, 1]
    assert {p["count"] for p in (first, second, third, last)} == {5}
    assert {p["unread_count"] for p in (first, second, third, last)} == {4}
    assert last["results"] == third["results"]
    assert first["next"].endswith("page=2&page_size=2") and first["previous"] is None
    assert third["next"] is None
    titles = [n["title"] for p in (first, second, third) for n in p["results"]]
    assert len(set(titles)) == 5
    assert api_client.get("/api/v1/inbox/?page_size=2&page=4").status_code == 404


@pytest.mark.django_db
def test_an_empty_inbox_is_one_empty_page(api_client):
    api_client.force_authenticate(user_with_role(Role.APPLICANT))
    body = api_client.get("/api/v1/inbox/").json()
    assert (body["count"], body["unread_count"], body["results"]) == (0, 0, [])
    assert api_client.get("/api/v1/inbox/?page=2").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["null", "maybe", "2"])
def test_unread_that_is_not_a_boolean_is_a_400_naming_it(api_client, inbox, value):
    api_client.force_authenticate(inbox["user"])
    response = api_client.get(f"/api/v1/inbox/?unread={value}")
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid_boolean"
    assert [p["name"] for p in body["invalid_params"]] == ["unread"]
    assert "true" in body["detail"]
