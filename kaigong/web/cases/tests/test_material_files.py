"""
Samples (示例样表) and blank forms (空白表格) of catalogue materials (issue #9 §1, §4): the
catalogue keeps them, the public guide offers them next to the material, the applicant's
materials task list links them, and the guide API gives their download addresses.
"""

from __future__ import annotations

from django.test import Client

import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.catalog.services import material_file_set
from kaigong.core.exceptions import InvalidInput
from kaigong.core.models import AuditRecord

from .clients import client_for

pytestmark = pytest.mark.django_db

SAMPLE = b"%PDF-1.4\n% sample of the application form\n%%EOF\n"
BLANK = b"%PDF-1.4\n% blank application form\n%%EOF\n"


def test_a_material_offers_its_sample_and_blank_form_in_the_guide_the_tasks_and_the_api(monday):
    # given the application form (m-form) of the lifecycle catalogue with both files
    world = lifecycle_world()
    material_file_set(
        material_code="m-form", kind="sample", file_name="申请表（示例）.pdf", content=SAMPLE
    )
    material_file_set(
        material_code="m-form", kind="blank", file_name="申请表（空白）.pdf", content=BLANK
    )
    assert AuditRecord.objects.filter(action="catalog_material_file_saved").count() == 2
    sample_url, blank_url = "/guide/materials/m-form/sample/", "/guide/materials/m-form/blank/"

    # then the public guide page of M1 links both, and anyone can download them
    matter = world.versions["M1"].matter.code
    anonymous = Client()
    guide = anonymous.get(f"/guide/matters/{matter}/").content.decode()
    assert f'href="{sample_url}"' in guide and f'href="{blank_url}"' in guide
    assert "示例样表" in guide and "空白表格" in guide
    response = anonymous.get(sample_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content == SAMPLE
    assert anonymous.get(blank_url + "?download=1")["Content-Disposition"].startswith("attachment")
    assert anonymous.get("/guide/materials/m-form/other/").status_code == 404
    assert anonymous.get("/guide/materials/m-drawings/sample/").status_code == 404

    # and the applicant's materials task list links them next to the form
    draft = CaseFactory(world=world)
    tasks = client_for(world.applicant).get(f"/cases/{draft.public_id}/materials/")
    html = tasks.content.decode()
    row = html[html.index('id="m-m-form"') : html.index('id="m-m-licence"')]
    assert sample_url in row and blank_url in row

    # and the guide API names their addresses on the material, null where there is none
    body = anonymous.get(f"/api/v1/catalog/bundles/{world.bundle.code}/").json()
    m1 = next(i["matter"] for i in body["items"] if i["matter_code"] == matter)
    materials = {m["code"]: m for m in m1["materials"]}
    assert materials["m-form"]["sample_url"] == "http://testserver" + sample_url
    assert materials["m-form"]["blank_form_url"] == "http://testserver" + blank_url
    assert materials["m-drawings"]["sample_url"] is None


def test_a_material_file_must_be_a_document_of_at_most_5_mb(monday):
    lifecycle_world()
    with pytest.raises(InvalidInput) as excinfo:
        material_file_set(material_code="m-form", kind="sample", file_name="x.exe", content=b"MZ")
    assert excinfo.value.code == "file_type"
    with pytest.raises(InvalidInput) as excinfo:
        material_file_set(
            material_code="m-form",
            kind="blank",
            file_name="big.pdf",
            content=b"%PDF" + b"0" * (5 * 1024 * 1024),
        )
    assert excinfo.value.code == "file_size"
