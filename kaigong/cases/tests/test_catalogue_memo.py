"""
The catalogue's per-process memo (catalog.memo) as the cases and the guide read it: a
change of the catalogue is seen by the next read, in a request or not, whatever the clock
says (these tests run on a frozen clock: every row has the same ``updated_at``).
"""

from __future__ import annotations

from datetime import date

import pytest

from kaigong.cases.applicable import case_form_schema, case_material_needs, case_versions
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.catalog import memo
from kaigong.catalog.constants import RevisionKind
from kaigong.catalog.services import (
    field_spec_upsert,
    material_upsert,
    matter_version_draft,
    revision_create,
    revision_publish,
)
from kaigong.core.clock import local_date
from kaigong.core.request_cache import request_cache_scope
from kaigong.projects.guide import project_guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monday):
    return lifecycle_world()


def _publish_m1_with_a_new_material(world, *, on: date) -> None:
    """A new version of M1 in force ``on``: its old rows plus a required 'm-new'."""
    material_upsert(code="m-new", name="新增材料")
    revision = revision_create(title="调整", kind=RevisionKind.STANDARD_ADJUSTMENT, effective_on=on)
    old = world.versions["M1"]
    matter_version_draft(
        revision=revision,
        matter_code=old.matter.code,
        department=old.department,
        name=old.name,
        statutory_limit=old.statutory_limit,
        promised_limit=old.promised_limit,
        pre_approval_allowed=True,
        requirements=[
            {"material": "m-form", "formats": ["pdf"], "order": 1},
            {"material": "m-new", "order": 2},
        ],
        fields=[{"field": "project_name", "required": True, "order": 1}],
    )
    revision_publish(revision=revision, actor=None)


def _codes(case) -> set[str]:
    return {n.code for n in case_material_needs(case)}


def test_a_case_sees_the_version_published_after_its_catalogue_was_memoised(world):
    case = CaseFactory(world=world)
    before = case_versions(case)[0]
    assert "m-new" not in _codes(case)  # the memo holds M1 v1
    _publish_m1_with_a_new_material(world, on=local_date())
    after = case_versions(case)[0]
    assert after.version == before.version + 1
    assert "m-new" in _codes(case) and "m-licence" not in _codes(case)


def test_a_renamed_material_and_field_are_seen_though_no_version_changed(world):
    # the published versions' own rows never change, but the rows they point to do
    case = CaseFactory(world=world)
    names = {n.code: n.name for n in case_material_needs(case)}
    title = case_form_schema(case)["properties"]["project_name"]["title"]
    material_upsert(code="m-form", name="改名后的申请表")
    field_spec_upsert(
        key="project_name", label="改名后的项目名称", field_type="string", max_length=200,
        project_attribute="name",
    )  # fmt: skip
    assert names["m-form"] != "改名后的申请表" and title != "改名后的项目名称"
    assert {n.code: n.name for n in case_material_needs(case)}["m-form"] == "改名后的申请表"
    assert case_form_schema(case)["properties"]["project_name"]["title"] == "改名后的项目名称"


def test_within_one_request_a_catalogue_write_is_seen_by_the_next_read(world):
    # the fingerprint is read once per request; a write service forgets it
    case = CaseFactory(world=world)
    with request_cache_scope():
        assert "m-new" not in _codes(case)
        _publish_m1_with_a_new_material(world, on=local_date())
        assert "m-new" in _codes(case)


def test_the_guide_sees_a_published_version_and_a_renamed_material(world):
    def materials():
        return {m.code: m.name for m in project_guide(world.project).materials}

    assert "m-new" not in materials()
    _publish_m1_with_a_new_material(world, on=local_date())
    assert materials()["m-new"] == "新增材料"
    material_upsert(code="m-new", name="再改名的材料")
    assert materials()["m-new"] == "再改名的材料"


def test_the_guide_sees_the_fields_of_a_new_version(world):
    # the guide's snapshot carries the versions' fields (MatterField, FieldSpec) too
    from kaigong.projects.guide import _catalogue_rows

    m1 = world.versions["M1"].matter_id

    def m1_fields():
        project_guide(world.project)
        return [f.spec.key for f in _catalogue_rows(local_date())[3].versions[m1].fields]

    assert m1_fields() == ["project_name", "floor_area"]
    _publish_m1_with_a_new_material(world, on=local_date())
    assert m1_fields() == ["project_name"]


def test_a_repeated_fingerprint_is_why_tests_clear_the_memo(world, monkeypatch):
    # on SQLite a rolled-back test's ids and (frozen) timestamps repeat: were the
    # fingerprint to repeat, only clearing the memo (the root conftest does, per test)
    # would show the new rows
    monkeypatch.setattr(memo, "catalogue_fingerprint", lambda: ("same",))
    case = CaseFactory(world=world)
    assert "m-new" not in _codes(case)
    _publish_m1_with_a_new_material(world, on=local_date())
    assert "m-new" not in _codes(case)  # stale: the key did not change
    memo.memo_clear()
    assert "m-new" in _codes(case)
