"""
The API for 专班 forming, session attendance and suggestions: what each call does, and the
errors it answers as problem+json (the role matrix proves who may call them).
"""

from __future__ import annotations

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import UserFactory
from kaigong.assistance.models import HelperAssignment, SessionSignup, Suggestion
from kaigong.assistance.services import policy_publish, session_sign_up
from kaigong.cases.tests.api.conftest import client_for
from kaigong.cases.tests.factories import two_jurisdictions

from .conftest import at

pytestmark = pytest.mark.django_db

A = "/api/v1/assistance/"


def _head(world):
    head = UserFactory(username=f"head-{world.enterprise.pk}")
    membership_grant(user=head, role=Role.DEPARTMENT_HEAD, department=world.departments[0])
    return head


def test_a_centre_forms_a_task_force_and_assigns_it_to_a_key_project(monday):
    yinan, weifang = two_jurisdictions()
    clerk = client_for(yinan.users["clerk"])
    member = UserFactory(username="helper-town")
    membership_grant(user=member, role=Role.HELPER, service_center=yinan.centre)
    body = {
        "name": "重点项目专班",
        "lead": str(yinan.helper.public_id),
        "members": [str(member.public_id)],
    }

    made = clerk.post(A + "teams/", body, format="json")

    assert made.status_code == 201, made.content
    team = made.json()
    assert team["name"] == "重点项目专班" and team["service_center"] == yinan.centre.name
    assert team["lead"]["id"] == str(yinan.helper.public_id)
    assert {m["id"] for m in team["members"]} == {
        str(yinan.helper.public_id),
        str(member.public_id),
    }
    assigned = clerk.post(
        A + "assignments/",
        {
            "project": str(yinan.project.public_id),
            "helper": str(member.public_id),
            "level": "town",
            "role": "team_member",
            "team": team["id"],
        },
        format="json",
    )
    assert assigned.status_code == 201, assigned.content
    assert assigned.json()["team"] == "重点项目专班"
    assert HelperAssignment.objects.get(helper=member).team.name == "重点项目专班"

    # another centre's clerk neither sees the team nor forms one with this centre's helpers
    other = client_for(weifang.users["clerk"])
    assert team["id"] not in other.get(A + "teams/").content.decode()
    refused = other.post(A + "teams/", body, format="json")
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "not_helper"
    foreign = other.post(
        A + "assignments/",
        {
            "project": str(weifang.project.public_id),
            "helper": str(weifang.helper.public_id),
            "level": "town",
            "team": team["id"],
        },
        format="json",
    )
    assert foreign.status_code == 404
    # a team needs a name
    blank = clerk.post(A + "teams/", body | {"name": ""}, format="json")
    assert blank.status_code == 400 and blank.json()["code"] == "blank"


def test_attendance_is_recorded_by_the_publishing_department(monday):
    world, _other = two_jurisdictions()
    head = _head(world)
    session = policy_publish(
        actor=head,
        kind="session",
        title="政策解读课",
        body="解读内容",
        session_at=at(2026, 3, 20, 15),
        venue="三楼会议室",
    )
    signup = session_sign_up(
        actor=world.applicant, policy=session, enterprise=world.enterprise, attendee="李四"
    )
    url = f"{A}signups/{signup.public_id}/attendance/"

    listed = client_for(head).get(A + "signups/").json()["results"]
    assert [r["id"] for r in listed] == [str(signup.public_id)]
    assert client_for(world.applicant).get(A + "signups/").json()["results"][0]["attended"] is None
    done = client_for(head).post(url, {"attended": True}, format="json")

    assert done.status_code == 200 and done.json()["attended"] is True
    signup.refresh_from_db()
    assert signup.attended is True and signup.attendance_by == head
    bad = client_for(head).post(url, {"attended": "perhaps"}, format="json")
    assert bad.status_code == 400
    assert SessionSignup.objects.get(pk=signup.pk).attended is True


def test_a_suggestion_is_recorded_read_and_closed_with_its_result(monday):
    world, _other = two_jurisdictions()
    head = _head(world)
    department = world.departments[0]
    made = client_for(world.applicant).post(
        A + "suggestions/",
        {
            "source": "enterprise",
            "text": "希望延长窗口服务时间",
            "owner": department.code,
            "deadline": "2026-04-30",
            "enterprise": str(world.enterprise.public_id),
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    row = made.json()
    assert row["status"] == "open" and row["enterprise"] == str(world.enterprise.public_id)
    assert row["owner"] == department.code

    read = client_for(head).get(f"{A}suggestions/{row['id']}/")
    assert read.status_code == 200 and read.json()["text"] == "希望延长窗口服务时间"
    closed = client_for(head).post(
        f"{A}suggestions/{row['id']}/close/",
        {"status": "done", "result": "工作日延长至晚七点"},
        format="json",
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "done" and closed.json()["closed_at"]
    assert Suggestion.objects.get(public_id=row["id"]).result == "工作日延长至晚七点"

    # a deadline in the past, an open status and an unknown department are refused
    past = client_for(world.applicant).post(
        A + "suggestions/",
        {
            "source": "enterprise",
            "text": "x",
            "owner": department.code,
            "deadline": "2026-03-01",
            "enterprise": str(world.enterprise.public_id),
        },
        format="json",
    )
    assert past.status_code == 400 and past.json()["code"] == "deadline_past"
    reopen = client_for(head).post(
        f"{A}suggestions/{row['id']}/close/", {"status": "open", "result": "x"}, format="json"
    )
    assert reopen.status_code == 400
    unknown = client_for(head).post(
        A + "suggestions/",
        {"source": "forum", "text": "x", "owner": "nowhere", "deadline": "2026-04-30"},
        format="json",
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "department_not_found"
