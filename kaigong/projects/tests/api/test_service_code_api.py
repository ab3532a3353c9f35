import pytest
from rest_framework.throttling import ScopedRateThrottle

from kaigong.projects.models import ServiceCode
from kaigong.projects.services import service_code_ensure
from kaigong.projects.tests.factories import small_catalogue

TRACK_KEYS = {"scope", "projects"}
PROJECT_KEYS = {
    "name",
    "matters",
    "submitted_materials",
    "next_steps",
    "materials_to_prepare",
    "certificates_held",
}
MATTER_KEYS = {"name", "department", "status", "due_on", "warning"}


def _code(world):
    return service_code_ensure(enterprise=world["enterprise"], project=world["project"])


@pytest.mark.django_db
def test_token_carries_at_least_128_random_bits(world):
    code = _code(world)
    assert len(code.token) * 6 >= 128  # url-safe base64: 6 bits a character
    other = service_code_ensure(enterprise=world["enterprise"])
    assert other.token != code.token


@pytest.mark.django_db
def test_rotation_retires_the_old_token(api_client, world):
    # given the project's current code works
    old = _code(world)
    assert api_client.get(f"/api/v1/track/{old.token}/").status_code == 200
    # when the applicant rotates it
    api_client.force_authenticate(world["applicant"])
    response = api_client.post(
        f"/api/v1/projects/{world['project'].public_id}/service-code/rotate/"
    )
    assert response.status_code == 200
    new_token = response.json()["token"]
    api_client.force_authenticate(None)
    # then the old one is 404 and the new one 200
    assert api_client.get(f"/api/v1/track/{old.token}/").status_code == 404
    assert api_client.get(f"/api/v1/track/{old.token}/").json()["code"] == "service_code_not_found"
    assert api_client.get(f"/api/v1/track/{new_token}/").status_code == 200
    assert response.json()["track_url"].endswith(f"/track/{new_token}/")
    assert ServiceCode.objects.filter(project=world["project"], is_active=True).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["helper", "window_clerk", "supervisor", "other_applicant", "reviewer"]
)
def test_only_the_enterprise_rotates_a_project_code(api_client, world, role):
    old = _code(world)
    api_client.force_authenticate(world[role])
    response = api_client.post(
        f"/api/v1/projects/{world['project'].public_id}/service-code/rotate/"
    )
    assert response.status_code in (403, 404)
    old.refresh_from_db()
    assert old.is_active is True


@pytest.mark.django_db
def test_enterprise_code_needs_the_administrator(api_client, world):
    url = f"/api/v1/enterprises/{world['enterprise'].public_id}/service-code/rotate/"
    api_client.force_authenticate(world["colleague"])
    assert api_client.post(url).status_code == 403
    api_client.force_authenticate(world["applicant"])
    assert api_client.post(url).status_code == 200


@pytest.mark.django_db
def test_qr_png_is_served_to_the_enterprise_only(api_client, world):
    url = f"/api/v1/projects/{world['project'].public_id}/service-code/qr.png"
    api_client.force_authenticate(world["applicant"])
    response = api_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    api_client.force_authenticate(world["other_applicant"])
    assert api_client.get(url).status_code == 404


@pytest.mark.django_db
def test_track_payload_has_exactly_the_progress_keys_and_no_personal_data(api_client, world):
    # given a project of the small catalogue and a phone without login
    catalogue = small_catalogue()
    project = world["project"]
    project.track = catalogue["track"]
    project.save()
    code = _code(world)
    # when
    data = api_client.get(f"/api/v1/track/{code.token}/").json()
    # then
    assert set(data) == TRACK_KEYS
    assert data["scope"] == "project"
    [entry] = data["projects"]
    assert set(entry) == PROJECT_KEYS
    assert {frozenset(m) for m in entry["matters"]} == {frozenset(MATTER_KEYS)}
    assert [m["name"] for m in entry["matters"]] == ["甲事项", "乙事项", "丁事项"]
    assert entry["materials_to_prepare"]
    text = str(data)
    enterprise = world["enterprise"]
    for secret in (enterprise.uscc, enterprise.legal_representative, world["applicant"].username):
        assert secret not in text


@pytest.mark.django_db
def test_enterprise_code_tracks_every_project_of_the_enterprise(api_client, world):
    code = service_code_ensure(enterprise=world["enterprise"])
    data = api_client.get(f"/api/v1/track/{code.token}/").json()
    assert data["scope"] == "enterprise"
    assert [p["name"] for p in data["projects"]] == [world["project"].name]


@pytest.mark.django_db
def test_unknown_token_is_404(api_client):
    assert api_client.get("/api/v1/track/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_track_is_rate_limited(api_client, world, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"track": "3/minute"})
    code = _code(world)
    statuses = [api_client.get(f"/api/v1/track/{code.token}/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api_client.get(f"/api/v1/track/{code.token}/").json()["code"] == "throttled"
