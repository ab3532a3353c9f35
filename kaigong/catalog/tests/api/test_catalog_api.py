"""The public catalogue API and the keeper-only export/import."""

import json
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.catalog.constants import LimitUnit
from kaigong.catalog.services import catalog_export
from kaigong.catalog.tests.factories import rich_catalog
from kaigong.catalog.tests.transfer.test_roundtrip import _wipe_catalogue_and_departments
from kaigong.catalog.transfer import catalog_is_empty
from kaigong.core.models import AuditRecord

EXPORT = "/api/v1/catalog/export/"
IMPORT = "/api/v1/catalog/import/"


@pytest.mark.django_db
@time_machine.travel(date(2025, 6, 1), tick=False)
def test_matters_are_public_and_show_the_version_in_force(api_client):
    rich_catalog()

    response = api_client.get("/api/v1/catalog/matters/")

    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()["results"]}
    assert set(rows) == {"BUILD", "PLAN"}  # OLD withdrawn, NEWONE a draft
    build = rows["BUILD"]
    assert build["version"] == 2
    assert build["name"] == "建筑工程施工许可（新）"
    assert build["promised_limit"] == {
        "value": 2,
        "unit": "WD",
        "unit_label": str(LimitUnit.WORKING_DAYS.label),
    }
    assert build["department"]["code"] == "yinan-zhujian"
    assert [m["code"] for m in build["materials"]] == ["application"]
    assert build["prerequisites"] == [{"matter": "PLAN", "kind": "requires_result", "note": ""}]
    assert rows["PLAN"]["certificate_types"] == [
        {"code": "planning-permit", "name": "建设工程规划许可证"}
    ]


@pytest.mark.django_db
@time_machine.travel(date(2024, 6, 1), tick=False)
def test_matters_filter_by_department_stage_and_text(api_client):
    rich_catalog()

    by_department = api_client.get("/api/v1/catalog/matters/", {"department": "yinan-ziran"})
    by_stage = api_client.get("/api/v1/catalog/matters/", {"stage": "s3"})
    by_text = api_client.get("/api/v1/catalog/matters/", {"q": "取消"})

    assert [r["code"] for r in by_department.json()["results"]] == ["PLAN"]
    assert [r["code"] for r in by_stage.json()["results"]] == ["BUILD"]
    assert [r["code"] for r in by_text.json()["results"]] == ["OLD"]


@pytest.mark.django_db
@time_machine.travel(date(2025, 6, 1), tick=False)
def test_bundles_are_public_with_computed_material_counts(api_client):
    rich_catalog()

    listing = api_client.get("/api/v1/catalog/bundles/")
    detail = api_client.get("/api/v1/catalog/bundles/kaigong/")

    assert [b["code"] for b in listing.json()["results"]] == ["kaigong"]  # theme is inactive
    body = detail.json()
    assert detail.status_code == 200
    assert body["key_project_factor"] == "0.70"
    assert body["key_project_promised_limit"] == 34  # 48 × 0.7 = 33.6 → 34
    # PLAN v1 asks application + land-proof, BUILD v2 asks application: 3 listed, 2 merged
    assert body["materials"] == {"before": 3, "after": 2}
    assert [i["matter_code"] for i in body["items"]] == ["PLAN", "BUILD"]
    assert body["items"][1]["matter"]["version"] == 2
    assert body["issuance_rules"][0]["certificate_types"][0]["code"] == "construction-permit"


@pytest.mark.django_db
def test_unknown_bundle_is_a_404_problem(api_client):
    response = api_client.get("/api/v1/catalog/bundles/nope/")

    assert response.status_code == 404
    assert response.json()["code"] == "bundle_not_found"


@pytest.mark.django_db
def test_export_and_import_need_a_login(api_client):
    assert api_client.get(EXPORT).status_code == 401
    assert api_client.post(IMPORT, {}, format="json").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.REVIEWER, Role.WINDOW_CLERK, Role.SUPERVISOR, Role.APPROVER]
)
def test_export_and_import_are_refused_to_other_roles(api_client, role):
    api_client.force_authenticate(user_with_role(role))

    export = api_client.get(EXPORT)
    imported = api_client.post(IMPORT, {"format": "kaigong-catalog/1"}, format="json")

    assert export.status_code == 403
    assert export.json()["code"] == "catalog_keeper_only"
    assert imported.status_code == 403
    assert catalog_is_empty() is True


@pytest.mark.django_db
@time_machine.travel(date(2025, 6, 1), tick=False)
def test_keeper_exports_the_file_with_a_filename(api_client):
    rich_catalog()
    api_client.force_authenticate(user_with_role(Role.CATALOG_ADMIN))

    response = api_client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="kaigong-catalog-2025-06-01.json"' in response["Content-Disposition"]
    assert response.content == catalog_export()


@pytest.mark.django_db
def test_keeper_imports_a_json_body_into_an_empty_catalogue(api_client):
    rich_catalog()
    raw = catalog_export()
    _wipe_catalogue_and_departments()
    keeper = user_with_role(Role.CATALOG_ADMIN)
    api_client.force_authenticate(keeper)

    response = api_client.post(IMPORT, raw, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["status"] == "imported"
    assert response.json()["counts"]["matter_versions"] == 6
    assert catalog_export() == raw
    assert AuditRecord.objects.filter(action="catalog_imported", actor=keeper).exists() is True


@pytest.mark.django_db
def test_keeper_imports_an_uploaded_file(api_client):
    rich_catalog()
    raw = catalog_export()
    _wipe_catalogue_and_departments()
    api_client.force_authenticate(user_with_role(Role.CATALOG_ADMIN))

    upload = SimpleUploadedFile("catalog.json", raw, content_type="application/json")
    response = api_client.post(IMPORT, {"file": upload}, format="multipart")

    assert response.status_code == 200
    assert catalog_export() == raw


@pytest.mark.django_db
def test_a_broken_import_is_a_400_listing_every_error(api_client):
    api_client.force_authenticate(user_with_role(Role.CATALOG_ADMIN))
    doc = {
        "format": "kaigong-catalog/1",
        "materials": [{"code": "a"}, {"code": "bad code!", "name": "x"}],
    }

    response = api_client.post(IMPORT, json.dumps(doc), content_type="application/json")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "catalog_invalid"
    assert {p["name"] for p in body["invalid_params"]} == {"materials[0].name", "materials[1].code"}
    assert catalog_is_empty() is True


@pytest.mark.django_db
def test_importing_over_a_different_catalogue_is_a_409(api_client):
    rich_catalog()
    api_client.force_authenticate(user_with_role(Role.CATALOG_ADMIN))

    response = api_client.post(
        IMPORT, json.dumps({"format": "kaigong-catalog/1"}), content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "catalog_not_empty"
