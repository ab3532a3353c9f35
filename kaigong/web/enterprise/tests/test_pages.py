from decimal import Decimal

import pytest

from kaigong.accounts.models import Enterprise
from kaigong.accounts.tests.factories import make_uscc
from kaigong.core.services import notification_send
from kaigong.projects.models import Project
from kaigong.projects.services import service_code_ensure, service_code_rotate
from kaigong.projects.tests.conftest import BLIND, SEES
from kaigong.projects.tests.factories import ProjectFactory, small_catalogue


@pytest.mark.django_db
def test_new_enterprise_signs_up_and_registers_a_project(client):
    # given the catalogue of a civil-building track
    catalogue = small_catalogue()
    # when a stranger signs up
    response = client.post(
        "/enterprises/register/",
        {
            "uscc": make_uscc(888001),
            "name": "潍坊开工建设有限公司",
            "legal_representative": "赵六",
            "username": "kaigong-new",
            "password": "Kaigong-s3cure-pass",
        },
    )
    assert response.status_code == 302
    assert Enterprise.objects.filter(name="潍坊开工建设有限公司").exists() is True
    # and registers a project (now logged in)
    response = client.post(
        "/projects/new/",
        {
            "name": "潍坊民用建筑项目",
            "investment_type": "social",
            "category": "civil_building",
            "track": catalogue["track"].code,
            "region_code": "370702",
            "floor_area": "20000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(name="潍坊民用建筑项目")
    # then the detail page shows the guide, and the timeline explains its total
    page = client.get(f"/projects/{project.public_id}/").content.decode()
    assert "甲事项" in page and "hx-post" in page
    timeline = client.get(
        f"/projects/{project.public_id}/timeline/?start=2025-09-26"
    ).content.decode()
    assert "<svg" in timeline
    assert "甲事项 → 乙事项 → 丁事项" in timeline
    code = client.get(f"/projects/{project.public_id}/service-code/")
    assert code.status_code == 200
    assert (
        client.get(f"/projects/{project.public_id}/service-code/qr.png")["Content-Type"]
        == "image/png"
    )
    pdf = client.get(f"/projects/{project.public_id}/guide.pdf")
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_sign_up_with_a_bad_code_shows_the_error_and_saves_nothing(client):
    response = client.post(
        "/enterprises/register/",
        {
            "uscc": "91370702ABC",
            "name": "坏代码公司",
            "legal_representative": "赵六",
            "username": "bad-code",
            "password": "Kaigong-s3cure-pass",
        },
    )
    assert response.status_code == 200
    assert Enterprise.objects.count() == 0
    assert "error" in response.content.decode()


@pytest.mark.django_db
def test_htmx_answer_rerenders_the_guide_fragment(client, world):
    catalogue = small_catalogue()
    project = ProjectFactory(enterprise=world["enterprise"], track=catalogue["track"])
    client.force_login(world["applicant"])
    response = client.post(
        f"/projects/{project.public_id}/answers/",
        {"asked": ["q-green"], "q__q-green": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not a page
    assert "设计图纸" in html  # m3 appears once 绿地 is answered yes
    assert "q__q-trees" in html  # the follow-up question is asked
    project.refresh_from_db()
    assert project.answers == {"q-green": True}


@pytest.mark.django_db
def test_htmx_bad_answer_shows_an_error_and_saves_nothing(client, world):
    small_catalogue()
    client.force_login(world["applicant"])
    project = world["project"]
    response = client.post(
        f"/projects/{project.public_id}/answers/",
        {"asked": ["q-green", "q-trees"], "q__q-green": "yes", "q__q-trees": "many"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    project.refresh_from_db()
    assert project.answers == {}


@pytest.mark.django_db
@pytest.mark.parametrize("role", SEES)
def test_project_pages_for_roles_that_see(client, world, role):
    client.force_login(world[role])
    base = f"/projects/{world['project'].public_id}/"
    for suffix in ("", "timeline/", "guide.pdf"):
        assert client.get(base + suffix).status_code == 200, suffix


@pytest.mark.django_db
@pytest.mark.parametrize("role", BLIND)
def test_project_pages_are_404_for_others(client, world, role):
    client.force_login(world[role])
    base = f"/projects/{world['project'].public_id}/"
    for suffix in ("", "timeline/", "guide.pdf", "service-code/", "service-code/qr.png"):
        assert client.get(base + suffix).status_code == 404, suffix
    assert world["project"].name not in client.get("/projects/").content.decode()


@pytest.mark.django_db
def test_project_pages_need_a_login(client, world):
    response = client.get(f"/projects/{world['project'].public_id}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_stranger_phone_opens_the_tracking_page_and_learns_only_progress(client, world):
    catalogue = small_catalogue()
    project = world["project"]
    project.track = catalogue["track"]
    project.floor_area = Decimal("20000")
    project.save()
    code = service_code_ensure(enterprise=world["enterprise"], project=project)
    page = client.get(f"/track/{code.token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲事项" in html
    for secret in (world["enterprise"].uscc, world["enterprise"].legal_representative):
        assert secret not in html
    service_code_rotate(enterprise=world["enterprise"], project=project, actor=world["applicant"])
    assert client.get(f"/track/{code.token}/").status_code == 404


@pytest.mark.django_db
def test_rotate_button_issues_a_new_code(client, world):
    old = service_code_ensure(enterprise=world["enterprise"], project=world["project"])
    client.force_login(world["applicant"])
    response = client.post(f"/projects/{world['project'].public_id}/service-code/")
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.is_active is False


@pytest.mark.django_db
def test_inbox_page_marks_read(client, world):
    message = notification_send(
        kind="progress", title="甲事项已办结", enterprise=world["enterprise"]
    )
    client.force_login(world["applicant"])
    assert "甲事项已办结" in client.get("/inbox/").content.decode()
    response = client.post(f"/inbox/{message.public_id}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.read_at is not None
    client.force_login(world["other_applicant"])
    assert client.post(f"/inbox/{message.public_id}/read/").status_code == 404
