"""Factories for the catalogue. Versions are built through the services (the one path)."""

from datetime import date

import factory

from kaigong.accounts.tests.factories import DepartmentFactory
from kaigong.catalog import services
from kaigong.catalog.constants import NationalStage, QuestionKind, RevisionKind, SourceChannel
from kaigong.catalog.models import (
    CertificateType,
    FieldSpec,
    Material,
    ProcessTrack,
    Question,
    Stage,
)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"stage-{n}")
    name = factory.Sequence(lambda n: f"阶段{n}")
    national_stage = NationalStage.CONSTRUCTION_PERMIT


class ProcessTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessTrack
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"流程{n}")
    main_process_days = 35


class CertificateTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cert-{n}")
    name = factory.Sequence(lambda n: f"证照{n}")


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"material-{n}")
    name = factory.Sequence(lambda n: f"材料{n}")
    source_channel = SourceChannel.APPLICANT


class FieldSpecFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldSpec
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"字段{n}")
    field_type = "string"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"q-{n}")
    text = factory.Sequence(lambda n: f"问题{n}？")
    kind = QuestionKind.YES_NO


def revision(*, effective_on=date(2024, 1, 1), kind=RevisionKind.NEW, title="修订", actor=None):
    return services.revision_create(title=title, kind=kind, effective_on=effective_on, actor=actor)


def draft(rev, code, *, department=None, name=None, statutory=20, promised=10, **kwargs):
    """Draft a matter version with sensible defaults."""
    return services.matter_version_draft(
        revision=rev,
        matter_code=code,
        department=department or DepartmentFactory(),
        name=name or f"事项{code}",
        statutory_limit=statutory,
        promised_limit=promised,
        **kwargs,
    )


def published_matter(code, *, effective_on=date(2024, 1, 1), **kwargs):
    """One matter with one published version; returns the version."""
    rev = revision(effective_on=effective_on)
    version = draft(rev, code, **kwargs)
    services.revision_publish(revision=rev, actor=None)
    version.refresh_from_db()
    return version


def rich_catalog(actor=None):
    """
    A catalogue with every kind of row: departments with a parent, every reference list,
    two published revisions (a new version and a withdrawal), a draft revision, and a
    bundle with conditional items and an issuance rule.
    """
    from kaigong.accounts.models import AdminLevel
    from kaigong.accounts.services import department_upsert
    from kaigong.accounts.tests.factories import make_uscc

    city = department_upsert(
        code="city-zhujian", name="市住房和城乡建设局", level=AdminLevel.CITY, region_code="371300"
    )
    zhujian = department_upsert(
        code="yinan-zhujian",
        name="沂南县住房和城乡建设局",
        short_name="县住建局",
        level=AdminLevel.COUNTY,
        region_code="371321",
        parent=city,
        uscc=make_uscc(7, authority="1", category="1"),
    )
    ziran = department_upsert(
        code="yinan-ziran", name="沂南县自然资源局", level=AdminLevel.COUNTY, region_code="371321"
    )
    services.stage_upsert(code="s1", name="立项用地规划许可", national_stage=1, order=1)
    services.stage_upsert(code="s3", name="施工许可", national_stage=3, order=3, description="说明")
    services.process_track_upsert(
        code="social-civil", name="社会投资民用建筑", investment_type="social",
        main_process_days=35, region_code="371321", source="沂南〔2023〕1号",
    )  # fmt: skip
    services.certificate_type_upsert(
        code="planning-permit", name="建设工程规划许可证", type_code="11371321MB28620847001",
        issuing_department="yinan-ziran", fields=["project_name", "address"], validity_months=12,
    )  # fmt: skip
    services.certificate_type_upsert(code="construction-permit", name="建筑工程施工许可证",
                                     issuing_department=zhujian)  # fmt: skip
    services.material_upsert(code="application", name="申请表")
    services.material_upsert(code="land-proof", name="土地证明", source_channel="government",
                             issuing_body="自然资源局", description="不动产权证书")  # fmt: skip
    services.material_upsert(code="drawings", name="施工图", source_channel="intermediary",
                             fill_instructions="加盖出图章")  # fmt: skip
    services.field_spec_upsert(key="project_name", label="项目名称", field_type="string",
                               max_length=100, project_attribute="name")  # fmt: skip
    services.field_spec_upsert(key="floor_area", label="建筑面积", field_type="decimal",
                               unit="㎡", minimum="0", maximum="9999999.5")  # fmt: skip
    services.field_spec_upsert(key="use", label="用途", field_type="choice",
                               choices=[{"value": "home", "label": "住宅"}])  # fmt: skip
    services.question_upsert(code="has_land", text="是否已取得土地？", kind="yes_no", order=1)
    services.question_upsert(
        code="land_kind", text="土地取得方式？", kind="single", order=2,
        choices=[{"value": "allocated", "label": "划拨"}, {"value": "sold", "label": "出让"}],
        ask_when={"q": "has_land", "op": "truthy"},
    )  # fmt: skip

    rev1 = revision(effective_on=date(2024, 1, 1), title="首批目录", actor=actor)
    draft(rev1, "PLAN", department=ziran, name="建设工程规划许可", statutory=20, promised=5,
          stage="s1", certificate_types=["planning-permit"], pre_approval_allowed=True,
          pre_approval_days=3, fees=[{"name": "无", "standard": "0", "basis": "—"}],
          requirements=[{"material": "application", "original_copies": 1},
                        {"material": "land-proof", "necessity": "conditional",
                         "condition": {"q": "has_land", "op": "truthy"}, "deferrable": True,
                         "satisfied_by": "planning-permit", "formats": ["pdf"]}],
          fields=[{"field": "project_name"},
                  {"field": "floor_area", "required": False,
                   "condition": {"fact": "floor_area", "op": "gt", "value": 1000}}],
          actor=actor)  # fmt: skip
    draft(rev1, "BUILD", department=zhujian, name="建筑工程施工许可", statutory=15,
          statutory_limit_unit="ND", promised=3, stage="s3", case_kind="2",
          certificate_types=["construction-permit", "planning-permit"],
          requirements=[{"material": "application"}, {"material": "drawings", "order": 0}],
          fields=[{"field": "project_name"}, {"field": "use"}],
          dependencies=[{"prerequisite": "PLAN", "kind": "accepts_pre_approval", "note": "预审批"}],
          actor=actor)  # fmt: skip
    draft(rev1, "OLD", department=zhujian, name="将取消的事项", actor=actor)
    services.revision_publish(revision=rev1, actor=actor)

    rev2 = revision(effective_on=date(2025, 1, 1), kind="standard_adjustment", title="调整")
    draft(rev2, "BUILD", department=zhujian, name="建筑工程施工许可（新）", statutory=15,
          promised=2, stage="s3", dependencies=[{"prerequisite": "PLAN"}],
          requirements=[{"material": "application", "copy_copies": 2}], actor=actor)  # fmt: skip
    services.matter_withdraw_draft(revision=rev2, matter_code="OLD", actor=actor)
    services.revision_publish(revision=rev2, actor=actor)

    rev3 = revision(effective_on=date(2026, 1, 1), kind="new", title="草稿")
    draft(rev3, "NEWONE", department=ziran, name="新增事项", notes="草稿", actor=actor)

    services.bundle_upsert(
        code="kaigong", name="开工一件事", kind="one_thing", lead_department=zhujian,
        track="social-civil", stage="s3", region_code="371321", promised_limit=48,
        key_project_factor="0.7", source="高明", actor=actor,
        items=[{"matter": "PLAN"}, {"matter": "BUILD", "mandatory": False,
                                    "condition": {"q": "has_land", "op": "truthy"}}],
        issuance_rules=[{"code": "land", "condition_name": "取得土地使用权",
                         "evidence_required": "不动产权证书",
                         "certificate_types": ["construction-permit"]}],
    )  # fmt: skip
    services.bundle_upsert(code="theme", name="主题", kind="theme", lead_department=ziran,
                           is_active=False, actor=actor)  # fmt: skip
