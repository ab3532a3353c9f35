"""
Factories for cases: a catalogue of three matters in three departments, every role, and
cases in every state, each built through the services so that the data obeys the rules.

    world = lifecycle_world()               # catalogue + project + one user per role
    case = CaseFactory(world=world, accepted=True)   # or draft / submitted / ... traits
    item = case.items.get(matter_version__matter__code="M1")

Catalogue (bundle ``kg-bundle``, lead department D1, effective 2025-01-01)::

    M1 规划许可  D1  promised 5 / statutory 20 WD, pre-approval allowed
    M2 施工许可  D2  promised 5 / statutory 20 WD   (``dependency=`` makes it wait for M1)
    M3 绿地审批  D3  promised 3 / statutory 10 WD, consent letter allowed; optional matter

    materials: m-form 申请表 (all, pdf), m-licence 营业执照 (M1, held certificate ct-licence
    replaces it), m-drawings 设计图纸 (M1, M2; deferrable), m-contract 施工合同 (M2;
    deferrable, 告知承诺 may replace it), m-green 绿化方案 (M3, only when q-green is yes)
    fields: project_name (all, required, from the project), floor_area (M1, ≥ 0),
    contact_phone (M2, required), builder_uscc (M2, optional)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import factory

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ServiceCenterFactory,
    UserFactory,
    make_uscc,
)
from kaigong.cases import hooks
from kaigong.cases.constants import Decision, Recommendation
from kaigong.cases.models import Case, CaseItem
from kaigong.catalog.constants import BundleKind, QuestionKind, RevisionKind
from kaigong.catalog.services import (
    bundle_upsert,
    certificate_type_upsert,
    field_spec_upsert,
    material_upsert,
    matter_version_draft,
    question_upsert,
    revision_create,
    revision_publish,
)
from kaigong.projects.tests.factories import ProjectFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

MATERIALS = {
    "m-form": "申请表",
    "m-licence": "营业执照",
    "m-drawings": "设计图纸",
    "m-contract": "施工合同",
    "m-green": "绿化方案",
}


def pdf_file(name: str = "申请表.pdf", content: bytes = PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@dataclass
class World:
    """Everything a lifecycle test needs, by role."""

    bundle: Any
    departments: list
    versions: dict
    centre: Any
    other_centre: Any
    enterprise: Any
    project: Any
    users: dict = field(default_factory=dict)

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def lifecycle_catalogue(
    *,
    effective_on: date = date(2025, 1, 1),
    dependency: str | None = None,
    promised_limit: int | None = None,
    factor=None,
    separation_relaxed: bool = False,
    warning_days: int | None = None,
    departments: list | None = None,
    prefix: str = "",
    region_code: str = "371321",
    certificates: bool = False,
) -> tuple[Any, list, dict]:
    """
    The three-matter bundle of the module docstring; returns (bundle, departments, versions).
    ``prefix`` makes a second, separate bundle (matters ``<prefix>M1``…, bundle
    ``<prefix>kg-bundle``) in departments of ``region_code``; ``versions`` keeps the keys M1–M3.
    ``certificates``: M1 and M2 each issue a certificate (two per concluded case, as the
    demo bundles do: 规划许可证, 施工许可证).
    """
    d1, d2, d3 = departments or [
        DepartmentFactory(name=f"{prefix}规划局", region_code=region_code),
        DepartmentFactory(name=f"{prefix}住建局", region_code=region_code),
        DepartmentFactory(name=f"{prefix}城管局", region_code=region_code),
    ]
    for code, name in MATERIALS.items():
        material_upsert(code=code, name=name)
    certificate_type_upsert(code="ct-licence", name="营业执照")
    question_upsert(code="q-green", text="是否涉及城市绿地？", kind=QuestionKind.YES_NO)
    field_spec_upsert(
        key="project_name", label="项目名称", field_type="string", max_length=200,
        project_attribute="name",
    )  # fmt: skip
    field_spec_upsert(
        key="floor_area", label="建筑面积", field_type="decimal", minimum=0, unit="m²"
    )
    field_spec_upsert(key="contact_phone", label="联系电话", field_type="phone")
    field_spec_upsert(key="builder_uscc", label="施工单位统一社会信用代码", field_type="uscc")
    revision = revision_create(
        title=f"{prefix}开工测试目录", kind=RevisionKind.NEW, effective_on=effective_on
    )
    common = {"revision": revision, "separation_relaxed": separation_relaxed}
    issued: dict[str, list[str]] = {"M1": [], "M2": []}
    if certificates:
        for key, department, name, digits in (
            ("M1", d1, "建设工程规划许可证", "001"),
            ("M2", d2, "建筑工程施工许可证", "002"),
        ):
            code = f"{prefix}ct-{key.lower()}"
            certificate_type_upsert(
                code=code,
                name=name,
                type_code=f"11100000000013338W{digits}",
                issuing_department=department,
                fields=["project_name", "floor_area"],
            )
            issued[key] = [code]
    if separation_relaxed:
        # one person may accept and decide only for 即办件 (publication refuses otherwise)
        common["case_kind"] = "1"
    if warning_days is not None:
        common["warning_days"] = warning_days
    versions = {
        "M1": matter_version_draft(
            matter_code=f"{prefix}M1",
            department=d1,
            name="建设工程规划许可",
            statutory_limit=20,
            promised_limit=5,
            pre_approval_allowed=True,
            certificate_types=issued["M1"],
            requirements=[
                {"material": "m-form", "formats": ["pdf"], "order": 1},
                {"material": "m-licence", "satisfied_by": "ct-licence", "order": 2},
                {"material": "m-drawings", "deferrable": True, "order": 3},
            ],
            fields=[
                {"field": "project_name", "required": True, "order": 1},
                {"field": "floor_area", "required": False, "order": 2},
            ],
            **common,
        ),
        "M2": matter_version_draft(
            matter_code=f"{prefix}M2",
            department=d2,
            name="建筑工程施工许可",
            statutory_limit=20,
            promised_limit=5,
            commitment_allowed=True,
            certificate_types=issued["M2"],
            requirements=[
                {"material": "m-form", "formats": ["pdf"], "order": 1},
                {"material": "m-drawings", "deferrable": True, "order": 2},
                {"material": "m-contract", "deferrable": True, "commitment_replaces": True},
            ],
            fields=[
                {"field": "project_name", "required": True, "order": 1},
                {"field": "contact_phone", "required": True, "order": 2},
                {"field": "builder_uscc", "required": False, "order": 3},
            ],
            dependencies=[{"prerequisite": f"{prefix}M1", "kind": dependency}]
            if dependency
            else [],
            **common,
        ),
        "M3": matter_version_draft(
            matter_code=f"{prefix}M3",
            department=d3,
            name="城市绿地审批",
            statutory_limit=10,
            promised_limit=3,
            consent_letter_allowed=True,
            requirements=[
                {"material": "m-form", "formats": ["pdf"], "order": 1},
                {
                    "material": "m-green",
                    "necessity": "conditional",
                    "condition": {"q": "q-green", "op": "eq", "value": True},
                },
            ],
            fields=[{"field": "project_name", "required": True}],
            **common,
        ),
    }
    revision_publish(revision=revision, actor=None)
    for version in versions.values():
        version.refresh_from_db()
    bundle = bundle_upsert(
        code=f"{prefix}kg-bundle",
        name=f"{prefix}开工测试一件事",
        kind=BundleKind.ONE_THING,
        lead_department=d1,
        items=[
            {"matter": f"{prefix}M1", "mandatory": True, "order": 1},
            {"matter": f"{prefix}M2", "mandatory": True, "order": 2},
            {"matter": f"{prefix}M3", "mandatory": False, "order": 3},
        ],
        promised_limit=promised_limit,
        key_project_factor=factor,
    )
    return bundle, [d1, d2, d3], versions


def _user(role: str, username: str, **scope):
    user = UserFactory(username=username)
    membership_grant(user=user, role=role, **scope)
    return user


def lifecycle_world(
    *,
    key_project: bool = False,
    centre_name: str = "沂南县政务服务中心",
    centre_region: str = "371321",
    project_region: str = "371321",
    **catalogue,
) -> World:
    """
    The catalogue, a service centre serving D1–D3, an enterprise, a project, every role.
    By default in 沂南 (371321); a second world of another jurisdiction takes a catalogue
    ``prefix``, its centre's name and region and the project's region (e.g. 潍坊市 370700
    and 潍城区 370702).
    """
    catalogue.setdefault("region_code", centre_region)
    bundle, departments, versions = lifecycle_catalogue(**catalogue)
    centre = ServiceCenterFactory(name=centre_name, region_code=centre_region)
    centre.departments.set(departments)
    other_centre = ServiceCenterFactory(name="别处政务服务中心")
    enterprise = EnterpriseFactory(name=f"{catalogue.get('prefix', '')}开工建设有限公司")
    project = ProjectFactory(
        enterprise=enterprise,
        name="开工测试项目",
        region_code=project_region,
        is_key_project=key_project,
        key_project_level="city" if key_project else "",
    )
    n = Case.objects.count() + CaseItem.objects.count()
    tag = f"{enterprise.pk}x{n}"
    d1, d2, d3 = departments
    users = {
        "applicant": _user(Role.APPLICANT, f"applicant{tag}", enterprise=enterprise),
        "helper": _user(Role.HELPER, f"helper{tag}", service_center=centre),
        "clerk": _user(Role.WINDOW_CLERK, f"clerk{tag}", service_center=centre),
        "other_clerk": _user(Role.WINDOW_CLERK, f"oclerk{tag}", service_center=other_centre),
        "supervisor": _user(Role.SUPERVISOR, f"supervisor{tag}"),
        "catalog_admin": _user(Role.CATALOG_ADMIN, f"catadmin{tag}"),
        "stranger": _user(
            Role.APPLICANT,
            f"stranger{tag}",
            enterprise=EnterpriseFactory(uscc=make_uscc(500000 + enterprise.pk)),
        ),
    }
    for index, department in enumerate(departments, 1):
        users[f"reviewer{index}"] = _user(Role.REVIEWER, f"rev{index}{tag}", department=department)
        users[f"approver{index}"] = _user(Role.APPROVER, f"app{index}{tag}", department=department)
        users[f"inspector{index}"] = _user(
            Role.INSPECTOR, f"insp{index}{tag}", department=department
        )
    project.helpers.add(users["helper"])
    return World(
        bundle=bundle,
        departments=departments,
        versions=versions,
        centre=centre,
        other_centre=other_centre,
        enterprise=enterprise,
        project=project,
        users=users,
    )


def two_jurisdictions() -> tuple[World, World]:
    """
    Two separate worlds, each with its own catalogue, departments, centre, enterprise,
    project and one user per role: 沂南县 (centre and project 371321) and 潍坊市 (centre
    370700, project in its sub-region 潍城区 370702). Everyone of one is an outsider of the
    other.
    """
    yinan = lifecycle_world()
    weifang = lifecycle_world(
        prefix="WF",
        centre_name="潍坊市政务服务中心",
        centre_region="370700",
        project_region="370702",
    )
    return yinan, weifang


def valid_form(**overrides) -> dict:
    return {
        "project_name": "开工测试项目",
        "floor_area": 1200.5,
        "contact_phone": "13800138000",
        **overrides,
    }


def upload_all(case: Case, actor, *, skip: tuple[str, ...] = ()) -> None:
    """Hand in every required material of the case as a PDF (except ``skip``)."""
    from kaigong.cases.applicable import case_material_needs
    from kaigong.cases.services.materials import case_material_upload

    for need in case_material_needs(case):
        if need.required and need.code not in skip:
            case_material_upload(
                case=case, actor=actor, material_code=need.code, file=pdf_file(f"{need.name}.pdf")
            )


def item_of(case: Case, matter_code: str) -> CaseItem:
    return case.items.select_related("case", "matter_version").get(
        matter_version__matter__code=matter_code
    )


def review_all(case: Case, world: World, *, recommendation=Recommendation.APPROVE) -> None:
    from kaigong.cases.services.review import item_opinion_submit

    for index, department in enumerate(world.departments, 1):
        for item in case.items.filter(department=department, status="in_review"):
            item_opinion_submit(
                item=item,
                actor=world.users[f"reviewer{index}"],
                text="符合要求，建议同意。",
                recommendation=recommendation,
            )


def decide_all(case: Case, world: World, *, decision=Decision.APPROVE) -> None:
    from kaigong.cases.services.decision import item_decide

    for index, department in enumerate(world.departments, 1):
        for item in case.items.filter(department=department, status="proposed"):
            item_decide(
                item=item,
                actor=world.users[f"approver{index}"],
                decision=decision,
                reason="不符合规划条件",
                legal_basis="《城乡规划法》第四十条",
                applicant_rights="可于六十日内申请行政复议或六个月内提起行政诉讼",
            )


STATES = ["draft", "submitted", "correction_requested", "accepted", "proposed", "issued"]


class CaseFactory(factory.Factory):
    """
    A case in the state its trait names, built through the services:
    ``CaseFactory(world=w)`` (draft with form data), ``submitted=True``,
    ``correction_requested=True``, ``accepted=True``, ``proposed=True`` (every opinion in),
    ``issued=True`` (every item approved). ``with_optional=True`` adds M3.
    """

    class Meta:
        model = Case

    world = factory.LazyFunction(lifecycle_world)
    state = "draft"
    with_optional = False

    class Params:
        submitted = factory.Trait(state="submitted")
        correction_requested = factory.Trait(state="correction_requested")
        accepted = factory.Trait(state="accepted")
        proposed = factory.Trait(state="proposed")
        issued = factory.Trait(state="issued")

    @classmethod
    def _create(cls, model_class, *, world: World, state: str, with_optional: bool):
        from kaigong.cases.services.acceptance import case_accept
        from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
        from kaigong.cases.services.intake import case_request_correction, case_submit

        applicant = world.applicant
        case = case_create_draft(
            actor=applicant,
            project=world.project,
            bundle_code=world.bundle.code,
            matter_codes=[world.versions["M3"].matter.code] if with_optional else [],
        )
        case = case_form_data_set(case=case, actor=applicant, data=valid_form())
        if state == "draft":
            return Case.objects.get(pk=case.pk)
        upload_all(case, applicant)
        case = case_submit(case=Case.objects.get(pk=case.pk), actor=applicant)
        if state == "submitted":
            return Case.objects.get(pk=case.pk)
        if state == "correction_requested":
            case_request_correction(
                case=case,
                actor=world.clerk,
                items=[{"kind": "material", "code": "m-drawings", "problem": "defective"}],
            )
            return Case.objects.get(pk=case.pk)
        case = case_accept(case=Case.objects.get(pk=case.pk), actor=world.clerk)
        if state == "accepted":
            return Case.objects.get(pk=case.pk)
        review_all(case, world)
        if state == "proposed":
            return Case.objects.get(pk=case.pk)
        decide_all(case, world)
        return Case.objects.get(pk=case.pk)

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("cases are built through the services: use CaseFactory()")


ALL_MANDATE_ACTIONS = frozenset(
    {
        hooks.ACT_DRAFT,
        hooks.ACT_UPLOAD,
        hooks.ACT_SUBMIT,
        hooks.ACT_ANSWER_CORRECTIONS,
        hooks.ACT_RECEIVE_DOCUMENTS,
    }
)


@contextmanager
def mandate_for(helper: Any, actions: frozenset[str] = ALL_MANDATE_ACTIONS) -> Iterator[None]:
    """
    While the block runs, ``helper`` acts under a stand-in mandate covering ``actions``
    (cases knows no mandates: it asks the checker registered in ``cases.hooks``).
    """

    def checker(user, case, action):
        if user.pk != helper.pk or (action is not None and action not in actions):
            return None
        return {"number": "WT-TEST", "enterprise": "测试企业", "agent": helper.username}

    hooks.register_acting_for_checker(checker)
    try:
        yield
    finally:
        hooks.unregister_acting_for_checker(checker)
