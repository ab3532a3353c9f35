"""Catalogue changes keep their before/after in the audit record (AuditRecord.data)."""

from datetime import date

from django.urls import reverse

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.catalog.models import Material
from kaigong.catalog.services import material_upsert
from kaigong.catalog.tests.factories import draft, published_matter, revision
from kaigong.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def _last(action: str) -> AuditRecord:
    return AuditRecord.objects.filter(action=action).order_by("-id").first()


def test_an_upsert_records_the_changed_fields_before_and_after():
    # given a material
    material_upsert(code="plan", name="总平面图", issuing_body="甲")
    # when its name changes and its issuing body stays
    material_upsert(code="plan", name="总平面布置图", issuing_body="甲")
    # then the audit record holds the old and the new name, and nothing unchanged
    data = _last("catalog_material_saved").data
    assert data["before"] == {"name": "总平面图"}
    assert data["after"] == {"name": "总平面布置图"}


def test_a_created_row_has_an_empty_before():
    material_upsert(code="plan", name="总平面图")
    data = _last("catalog_material_saved").data
    assert data["before"] == {}
    assert data["after"]["name"] == "总平面图" and data["after"]["code"] == "plan"


def test_redrafting_a_version_records_its_old_and_new_elements():
    # given a draft version of a matter
    published_matter("M1")
    rev = revision(effective_on=date(2025, 1, 1))
    draft(rev, "M1", name="第二版")
    # when the draft is replaced with another name
    draft(rev, "M1", name="第二版（修订）")
    # then the diff names the change
    data = _last("catalog_version_drafted").data
    assert (data["before"]["name"], data["after"]["name"]) == ("第二版", "第二版（修订）")


def _keeper(client):
    user = user_with_role(Role.CATALOG_ADMIN)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return user


def test_a_keeper_s_admin_change_records_before_and_after(client):
    # given a material and a catalogue keeper in the admin
    keeper = _keeper(client)
    material = material_upsert(code="plan", name="总平面图")
    # when the keeper renames it on its change page
    response = client.post(
        reverse("admin:catalog_material_change", args=[material.pk]),
        {"code": "plan", "name": "总平面布置图", "source_channel": material.source_channel},
    )
    # then one audit record by the keeper holds the old and new name
    assert response.status_code == 302
    record = AuditRecord.objects.get(action="catalog_row_changed", actor=keeper)
    assert record.data["before"] == {"name": "总平面图"}
    assert record.data["after"]["name"] == "总平面布置图"
    assert not AuditRecord.objects.filter(action__startswith="admin_").exists()


def test_a_keeper_s_admin_deletion_records_what_was_deleted(client):
    keeper = _keeper(client)
    material = material_upsert(code="plan", name="总平面图")
    response = client.post(
        reverse("admin:catalog_material_delete", args=[material.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Material.objects.filter(code="plan").exists()
    record = AuditRecord.objects.get(action="catalog_row_deleted", actor=keeper)
    assert record.data["before"]["name"] == "总平面图" and record.data["after"] == {}
