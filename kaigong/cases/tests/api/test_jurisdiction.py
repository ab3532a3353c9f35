"""
Clerks are scoped to their centre's jurisdiction, archives follow the cases they hold, and
refused writes leave an audit record (issue #10, parts 3 and 7).

Two worlds (factories.two_jurisdictions): 沂南 (371321) and 潍坊 (370700, its project in
潍城区 370702); the 潍坊 window clerk is the outsider of everything in 沂南.
"""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import Client

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import UserFactory
from kaigong.cases.models import Case
from kaigong.cases.tests.factories import CaseFactory, two_jurisdictions
from kaigong.core.exceptions import PermissionDenied
from kaigong.core.models import AuditRecord
from kaigong.projects.models import Project
from kaigong.projects.services import project_helpers_set

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _archive_sweep() -> None:
    """File every project's documents (the command: cases sit below archives, DESIGN.md §2)."""
    call_command("archive_sweep", stdout=io.StringIO())


@pytest.fixture
def worlds(monday):
    return two_jurisdictions()


def _refusals(user) -> list[dict]:
    rows = AuditRecord.objects.filter(action="write_refused", actor=user).order_by("id")
    return [row.data for row in rows]


def test_an_outside_clerk_cannot_change_the_answers_of_a_project(worlds):
    # given a 沂南 project with one answer, and the window clerk of 潍坊
    yinan, weifang = worlds
    project = yinan.project
    Project.objects.filter(pk=project.pk).update(answers={"q-green": False})
    url = f"/api/v1/projects/{project.public_id}/answers/"

    # when the 潍坊 clerk answers the questionnaire of the 沂南 project
    response = client_for(weifang.clerk).post(url, {"answers": {"q-green": True}}, format="json")

    # then it is not found, and the answers are as they were
    assert response.status_code == 404
    assert response.json()["code"] == "project_not_found"
    project.refresh_from_db()
    assert project.answers == {"q-green": False}


def test_the_clerk_of_the_jurisdiction_may_change_the_answers(worlds):
    # given the same project and the 沂南 window clerk
    yinan, _weifang = worlds
    url = f"/api/v1/projects/{yinan.project.public_id}/answers/"

    # when the 沂南 clerk answers
    response = client_for(yinan.clerk).post(url, {"answers": {"q-green": True}}, format="json")

    # then the answer is saved
    assert response.status_code == 200
    assert Project.objects.get(pk=yinan.project.pk).answers == {"q-green": True}


def test_a_city_clerk_sees_the_projects_of_its_sub_regions_only(worlds):
    # given the 潍坊市 clerk (370700) and projects in 潍城区 (370702) and in 沂南 (371321)
    yinan, weifang = worlds

    # when it lists the projects
    response = client_for(weifang.clerk).get("/api/v1/projects/")

    # then it sees the 潍城区 project and not the 沂南 one
    assert response.status_code == 200
    names = {row["public_id"] for row in response.json()["results"]}
    assert str(weifang.project.public_id) in names
    assert str(yinan.project.public_id) not in names


def test_an_outside_clerk_cannot_register_a_project_in_another_jurisdiction(worlds):
    # given the 潍坊 clerk and the 沂南 enterprise
    yinan, weifang = worlds
    body = {
        "enterprise": str(yinan.enterprise.public_id),
        "name": "越界登记的项目",
        "region_code": "371321",
    }

    # when it registers a 沂南 project on the enterprise's behalf
    response = client_for(weifang.clerk).post("/api/v1/projects/", body, format="json")

    # then it is refused and nothing is registered
    assert response.status_code == 403
    assert not Project.objects.filter(name="越界登记的项目").exists()


def test_an_outside_clerk_cannot_download_the_archive_of_a_case_it_cannot_see(worlds):
    # given an accepted 沂南 case filed in the project's archive
    yinan, weifang = worlds
    case = CaseFactory(world=yinan, accepted=True)
    _archive_sweep()
    api = f"/api/v1/archives/projects/{yinan.project.public_id}/"
    page = f"/archives/projects/{yinan.project.public_id}/"
    outsider = client_for(weifang.clerk)
    assert outsider.get(f"/api/v1/cases/{case.public_id}/").status_code == 404

    # when the 潍坊 clerk asks for the archive index and package, on the API and the pages
    outsider.force_login(weifang.clerk)
    answers = [outsider.get(url).status_code for url in (api, api + "package/", page + "package/")]

    # then every one is not found, while the 沂南 clerk gets the package
    assert answers == [404, 404, 404]
    assert client_for(yinan.clerk).get(api + "package/").status_code == 200


def test_an_outside_department_does_not_see_the_archive(worlds):
    # given an accepted 沂南 case in the archive, and the reviewer of a 潍坊 department
    yinan, weifang = worlds
    CaseFactory(world=yinan, accepted=True)
    _archive_sweep()
    url = f"/api/v1/archives/projects/{yinan.project.public_id}/"

    # when the 潍坊 reviewer and the 沂南 reviewer of D1 read the archive
    outside = client_for(weifang.reviewer1).get(url).status_code
    inside = client_for(yinan.reviewer1).get(url).status_code

    # then only the reviewer of the case's department sees it
    assert (outside, inside) == (404, 200)


def test_a_refused_api_write_is_an_audit_record(worlds):
    # given the 潍坊 clerk and the 沂南 project
    yinan, weifang = worlds
    url = f"/api/v1/projects/{yinan.project.public_id}/answers/"

    # when the clerk's write is refused
    client_for(weifang.clerk).post(
        url, {"answers": {"q-green": True}}, format="json", REMOTE_ADDR="203.0.113.7"
    )

    # then one audit record says who tried what, and how it was answered
    assert _refusals(weifang.clerk) == [
        {
            "method": "POST",
            "path": url,
            "status": 404,
            "code": "project_not_found",
            "ip": "203.0.113.7",
            "username": weifang.clerk.username,
            "api": True,
        }
    ]


def test_a_forbidden_and_a_conflicting_write_are_audit_records(worlds):
    # given a submitted 沂南 case
    yinan, _weifang = worlds
    case = CaseFactory(world=yinan, submitted=True)
    url = f"/api/v1/cases/{case.public_id}/"

    # when the supervisor (read-only) accepts it, and the applicant submits it again
    client_for(yinan.supervisor).post(url + "accept/", {}, format="json")
    client_for(yinan.applicant).post(url + "submit/", {}, format="json")

    # then both refusals are recorded with their status and error code
    forbidden = _refusals(yinan.supervisor)
    conflict = _refusals(yinan.applicant)
    assert [(r["status"], r["code"]) for r in forbidden] == [(403, "permission_denied")]
    assert [(r["status"], r["path"]) for r in conflict] == [(409, url + "submit/")]
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_a_refused_page_write_is_an_audit_record_and_a_refused_read_is_not(worlds, client):
    # given the 潍坊 clerk logged in on the pages
    yinan, weifang = worlds
    client.force_login(weifang.clerk)
    url = f"/projects/{yinan.project.public_id}/answers/"

    # when it reads the 沂南 project page, then posts answers to it
    read = client.get(f"/projects/{yinan.project.public_id}/")
    write = client.post(url, {"asked": ["q-green"], "q-green": "yes"})

    # then both are not found, and only the write is recorded
    assert (read.status_code, write.status_code) == (404, 404)
    assert [(r["method"], r["path"], r["status"], r["api"]) for r in _refusals(weifang.clerk)] == [
        ("POST", url, 404, False)
    ]


def test_a_helper_sees_only_the_projects_assigned_to_it(worlds):
    # given a second helper of the 沂南 centre, not assigned to the 沂南 project
    yinan, _weifang = worlds
    helper = UserFactory(username="unassigned-helper")
    membership_grant(user=helper, role=Role.HELPER, service_center=yinan.centre)
    url = f"/api/v1/projects/{yinan.project.public_id}/"

    # when it and the assigned helper read the project
    answers = [client_for(u).get(url).status_code for u in (helper, yinan.helper)]

    # then only the assigned one sees it
    assert answers == [404, 200]


def test_a_write_without_its_csrf_token_is_an_audit_record(worlds):
    # given the 沂南 applicant logged in on the pages of a client that checks CSRF
    yinan, _weifang = worlds
    client = Client(enforce_csrf_checks=True)
    client.force_login(yinan.applicant)
    url = f"/projects/{yinan.project.public_id}/answers/"

    # when it posts the questionnaire without the token
    response = client.post(url, {"asked": ["q-green"], "q-green": "yes"})

    # then the write is refused, and recorded
    assert response.status_code == 403
    assert [(r["path"], r["status"]) for r in _refusals(yinan.applicant)] == [(url, 403)]


def test_only_a_clerk_of_the_jurisdiction_assigns_helpers(worlds):
    # given the 沂南 project, its clerk, the 潍坊 clerk and a second 沂南 helper
    yinan, weifang = worlds
    helper = UserFactory(username="second-helper")
    membership_grant(user=helper, role=Role.HELPER, service_center=yinan.centre)

    # when the 潍坊 clerk assigns it, then the 沂南 clerk
    with pytest.raises(PermissionDenied):
        project_helpers_set(project=yinan.project, helpers=[helper], actor=weifang.clerk)
    project_helpers_set(project=yinan.project, helpers=[helper], actor=yinan.clerk)

    # then only the second assignment took
    assert list(yinan.project.helpers.all()) == [helper]
