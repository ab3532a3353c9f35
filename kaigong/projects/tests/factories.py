"""Factories for projects, and a small catalogue built through the catalogue's services."""

from __future__ import annotations

from datetime import date

import factory

from kaigong.accounts.tests.factories import DepartmentFactory, EnterpriseFactory
from kaigong.catalog.constants import BundleKind, DependencyKind, QuestionKind, RevisionKind
from kaigong.catalog.services import (
    bundle_upsert,
    certificate_type_upsert,
    material_upsert,
    matter_version_draft,
    process_track_upsert,
    question_upsert,
    revision_create,
    revision_publish,
    stage_upsert,
)
from kaigong.projects.models import Project


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"测试项目{n}")
    investment_type = "social"
    category = "civil_building"
    region_code = "370702"

    class Params:
        key = factory.Trait(is_key_project=True, key_project_level="city")


def small_catalogue(*, effective_on: date = date(2025, 1, 1), factor=None):
    """
    Four matters in one bundle, with a pre-approval edge:

        A (promised 10, statutory 20, pre-approval after 3 days)
        ├── B  accepts A's pre-approval   (promised 8, statutory 15)
        │   └── D  needs B's result       (promised 5, statutory 6)
        └── C  needs A's result           (promised 5, statutory 10)

    Materials: A asks m1, m2 (deferrable), m3 (only when q-green is yes); B asks m1,
    m2 (deferrable), m4 (satisfied by certificate ct-land); C asks m1, m5; D asks m5.
    C applies only when the floor area exceeds 10 000 m².
    """
    d1, d2, d3 = (
        DepartmentFactory(name="住建局"),
        DepartmentFactory(name="自然资源局"),
        (DepartmentFactory(name="城管局")),
    )
    stage1 = stage_upsert(code="s-plan", name="立项用地规划许可", national_stage=1, order=1)
    stage3 = stage_upsert(code="s-build", name="施工许可", national_stage=3, order=3)
    track = process_track_upsert(code="t-civil", name="社会投资民用建筑", main_process_days=35)
    certificate_type_upsert(code="ct-land", name="不动产权证书")
    question_upsert(code="q-green", text="是否涉及城市绿地？", kind=QuestionKind.YES_NO, order=1)
    question_upsert(
        code="q-trees",
        text="需要迁移几棵树？",
        kind=QuestionKind.NUMBER,
        ask_when={"q": "q-green", "op": "eq", "value": True},
        order=2,
    )
    for i, name in enumerate(["申请表", "营业执照", "设计图纸", "土地证明", "施工合同"], 1):
        material_upsert(code=f"m{i}", name=name)
    revision = revision_create(title="测试目录", kind=RevisionKind.NEW, effective_on=effective_on)
    matter_version_draft(
        revision=revision,
        matter_code="A",
        department=d1,
        name="甲事项",
        statutory_limit=20,
        promised_limit=10,
        stage="s-plan",
        pre_approval_allowed=True,
        pre_approval_days=3,
        fees=[{"name": "不收费", "standard": "0"}],
        intermediary_services=[{"name": "地质勘察", "basis": "条例", "typical_days": 10}],
        requirements=[
            {"material": "m1"},
            {"material": "m2", "deferrable": True},
            {
                "material": "m3",
                "necessity": "conditional",
                "condition": {"q": "q-green", "op": "eq", "value": True},
            },
        ],
    )
    matter_version_draft(
        revision=revision,
        matter_code="B",
        department=d2,
        name="乙事项",
        statutory_limit=15,
        promised_limit=8,
        stage="s-plan",
        dependencies=[{"prerequisite": "A", "kind": DependencyKind.ACCEPTS_PRE_APPROVAL}],
        requirements=[
            {"material": "m1"},
            {"material": "m2", "deferrable": True},
            {"material": "m4", "satisfied_by": "ct-land"},
        ],
    )
    matter_version_draft(
        revision=revision,
        matter_code="C",
        department=d3,
        name="丙事项",
        statutory_limit=10,
        promised_limit=5,
        stage="s-build",
        dependencies=[{"prerequisite": "A", "kind": DependencyKind.REQUIRES_RESULT}],
        requirements=[{"material": "m1"}, {"material": "m5"}],
    )
    matter_version_draft(
        revision=revision,
        matter_code="D",
        department=d1,
        name="丁事项",
        statutory_limit=6,
        promised_limit=5,
        stage="s-build",
        dependencies=[{"prerequisite": "B", "kind": DependencyKind.REQUIRES_RESULT}],
        requirements=[{"material": "m5"}],
    )
    revision_publish(revision=revision, actor=None)
    bundle = bundle_upsert(
        code="b-test",
        name="测试主题",
        kind=BundleKind.THEME,
        lead_department=d1,
        track=track,
        region_code="370700",
        promised_limit=48,
        key_project_factor=factor,
        items=[
            {"matter": "A", "order": 1},
            {"matter": "B", "order": 2},
            {
                "matter": "C",
                "order": 3,
                "condition": {"fact": "floor_area", "op": "gt", "value": 10000},
            },
            {"matter": "D", "order": 4},
        ],
    )
    return {"bundle": bundle, "track": track, "stages": (stage1, stage3)}
