from datetime import date
from decimal import Decimal

import pytest

from kaigong.core.models import AuditRecord, Notification
from kaigong.projects.models import Project, ServiceCode
from kaigong.projects.tests.conftest import BLIND, SEES
from kaigong.projects.tests.factories import ProjectFactory, small_catalogue

URL = "/api/v1/projects/"


def _payload(**extra):
    return {
        "name": "潍坊某住宅小区",
        "region_code": "370702",
        "investment_type": "social",
        "category": "civil_building",
        "investment_project_code": "2017-370702-70-03-012345",
        "latitude": "36.706900",
        "longitude": "119.161800",
        "floor_area": "20000",
        **extra,
    }


@pytest.mark.django_db
def test_applicant_registers_a_project_with_service_codes_and_a_notification(api_client, world):
    api_client.force_authenticate(world["applicant"])
    response = api_client.post(URL, _payload(), format="json")
    assert response.status_code == 201, response.json()
    project = Project.objects.get(public_id=response.json()["public_id"])
    assert project.enterprise == world["enterprise"]
    assert project.investment_project_code == "2017-370702-70-03-012345"
    assert ServiceCode.objects.filter(project=project, is_active=True).count() == 1
    assert ServiceCode.objects.filter(
        enterprise=world["enterprise"], project=None, is_active=True
    ).exists()
    assert Notification.objects.filter(enterprise=world["enterprise"]).exists()


@pytest.mark.django_db
def test_helper_registers_on_behalf_and_it_is_recorded(api_client, world):
    api_client.force_authenticate(world["helper"])
    response = api_client.post(
        URL, _payload(enterprise=str(world["enterprise"].public_id)), format="json"
    )
    assert response.status_code == 201, response.json()
    project = Project.objects.get(public_id=response.json()["public_id"])
    assert project.registered_by == world["helper"]
    assert AuditRecord.objects.filter(
        action="project_registered_on_behalf", object_id=str(project.public_id)
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor"])
def test_supervisor_may_not_register_a_project(api_client, world, role):
    api_client.force_authenticate(world[role])
    response = api_client.post(
        URL, _payload(enterprise=str(world["enterprise"].public_id)), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reviewer", "other_applicant"])
def test_enterprise_not_visible_is_404_on_create(api_client, world, role):
    api_client.force_authenticate(world[role])
    response = api_client.post(
        URL, _payload(enterprise=str(world["enterprise"].public_id)), format="json"
    )
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("investment_project_code", "2017-3707", "investment_code_format"),
        ("investment_project_code", "0017-370702-70-03-012345", "investment_code_format"),
        ("investment_project_code", "2017-000702-70-03-01234X", "investment_code_format"),
        ("latitude", "80.000000", "coordinates"),
        ("longitude", "10.000000", "coordinates"),
        ("region_code", "12345", "region_code"),
        ("track", "no-such-track", "unknown_track"),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_saved(api_client, world, field, value, code):
    api_client.force_authenticate(world["applicant"])
    before = (Project.objects.count(), ServiceCode.objects.count(), Notification.objects.count())
    response = api_client.post(URL, _payload(**{field: value}), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    after = (Project.objects.count(), ServiceCode.objects.count(), Notification.objects.count())
    assert after == before


@pytest.mark.django_db
def test_one_coordinate_without_the_other_is_refused(api_client, world):
    api_client.force_authenticate(world["applicant"])
    payload = _payload()
    del payload["longitude"]
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "coordinates"


@pytest.mark.django_db
@pytest.mark.parametrize("role", SEES)
def test_roles_that_see_the_project(api_client, world, role):
    api_client.force_authenticate(world[role])
    url = f"{URL}{world['project'].public_id}/"
    assert api_client.get(url).status_code == 200
    listed = [p["public_id"] for p in api_client.get(URL).json()["results"]]
    assert str(world["project"].public_id) in listed


@pytest.mark.django_db
@pytest.mark.parametrize("role", BLIND)
def test_roles_that_get_404(api_client, world, role):
    api_client.force_authenticate(world[role])
    project = world["project"]
    for suffix in ("", "guide/", "guide/pdf/", "timeline/", "service-code/"):
        response = api_client.get(f"{URL}{project.public_id}/{suffix}")
        assert response.status_code == 404, suffix
    listed = [p["public_id"] for p in api_client.get(URL).json()["results"]]
    assert str(project.public_id) not in listed


@pytest.mark.django_db
def test_anonymous_gets_401(api_client, world):
    response = api_client.get(f"{URL}{world['project'].public_id}/")
    assert response.status_code in (401, 403)


@pytest.mark.django_db
def test_supervisor_reads_but_may_not_answer(api_client, world):
    api_client.force_authenticate(world["supervisor"])
    response = api_client.post(
        f"{URL}{world['project'].public_id}/answers/", {"answers": {}}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_unknown_question_is_400_and_nothing_is_saved(api_client, world):
    small_catalogue()
    api_client.force_authenticate(world["applicant"])
    response = api_client.post(
        f"{URL}{world['project'].public_id}/answers/",
        {"answers": {"q-green": True, "no-such-question": 1}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_question"
    world["project"].refresh_from_db()
    assert world["project"].answers == {}


@pytest.mark.django_db
def test_invalid_answer_is_400(api_client, world):
    small_catalogue()
    api_client.force_authenticate(world["applicant"])
    response = api_client.post(
        f"{URL}{world['project'].public_id}/answers/",
        {"answers": {"q-green": "perhaps"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_answer"


@pytest.mark.django_db
def test_answer_changes_the_guide(api_client, world):
    catalogue = small_catalogue()
    project = ProjectFactory(enterprise=world["enterprise"], track=catalogue["track"])
    api_client.force_authenticate(world["applicant"])
    guide_url = f"{URL}{project.public_id}/guide/"
    before = api_client.get(guide_url).json()
    assert (before["materials_before"], before["materials_after"]) == (6, 4)

    response = api_client.post(
        f"{URL}{project.public_id}/answers/", {"answers": {"q-green": True}}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["answers"] == {"q-green": True}

    after = api_client.get(guide_url).json()
    assert (after["materials_before"], after["materials_after"]) == (7, 5)
    assert after["unanswered"] == ["q-trees"]


@pytest.mark.django_db
def test_guide_with_unknown_bundle_is_400(api_client, world):
    api_client.force_authenticate(world["applicant"])
    response = api_client.get(f"{URL}{world['project'].public_id}/guide/?bundle=nope")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_bundle"


@pytest.mark.django_db
def test_timeline_api_gives_dates_critical_path_and_compression(api_client, world):
    catalogue = small_catalogue()
    project = ProjectFactory(
        enterprise=world["enterprise"], track=catalogue["track"], floor_area=Decimal("20000")
    )
    api_client.force_authenticate(world["applicant"])
    response = api_client.get(
        f"{URL}{project.public_id}/timeline/?start=2025-09-26&mode=pre_approval"
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data["modes"]) == {"serial", "pre_approval"}
    mode = data["modes"]["pre_approval"]
    assert (mode["total_days"], mode["end_on"]) == (16, "2025-10-24")
    assert mode["critical_path"] == ["A", "B", "D"]
    assert mode["compression_days"] == 35
    assert data["provisional"] is False


@pytest.mark.django_db
def test_timeline_in_a_year_without_calendar_is_marked_provisional(api_client, world):
    catalogue = small_catalogue()
    project = ProjectFactory(enterprise=world["enterprise"], track=catalogue["track"])
    api_client.force_authenticate(world["applicant"])
    response = api_client.get(f"{URL}{project.public_id}/timeline/?start=2027-02-01")
    assert response.status_code == 200
    assert response.json()["provisional"] is True
    assert response.json()["modes"]["parallel"]["provisional"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["2025-13-01", "yesterday", "1800-01-01"])
def test_timeline_bad_start_is_400(api_client, world, start):
    api_client.force_authenticate(world["applicant"])
    response = api_client.get(f"{URL}{world['project'].public_id}/timeline/?start={start}")
    assert response.status_code == 400


@pytest.mark.django_db
def test_guide_pdf_is_served(api_client, world):
    small_catalogue()
    api_client.force_authenticate(world["applicant"])
    response = api_client.get(f"{URL}{world['project'].public_id}/guide/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_timeline_query_count_is_constant(api_client, world, django_assert_max_num_queries):
    catalogue = small_catalogue()
    project = ProjectFactory(enterprise=world["enterprise"], track=catalogue["track"])
    api_client.force_authenticate(world["applicant"])
    url = f"{URL}{project.public_id}/timeline/?start={date(2025, 9, 26).isoformat()}"
    api_client.get(url)  # warm the calendar cache
    with django_assert_max_num_queries(30):
        assert api_client.get(url).status_code == 200
