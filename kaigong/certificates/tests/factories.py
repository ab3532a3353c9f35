"""
Factories for certificates, and small catalogues that issue them, built through services.

``issuing_catalogue`` makes the shapes the release rules care about: a merged matter with
four certificate types (潍坊 四证合发), a plain matter with one type, and, on request, a
joint-issuance rule (滨州 十证联发) on the bundle.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.apps import apps

from kaigong.accounts.models import Department
from kaigong.accounts.tests.factories import DepartmentFactory, make_uscc
from kaigong.catalog.constants import BundleKind, RevisionKind
from kaigong.catalog.models import Bundle, CertificateType, MatterVersion
from kaigong.catalog.services import (
    bundle_upsert,
    certificate_type_upsert,
    matter_version_draft,
    revision_create,
    revision_publish,
)
from kaigong.certificates.services import ItemResult, certificates_issue_for_case
from kaigong.projects.tests.factories import ProjectFactory

_types = iter(range(1, 10_000))


def national_type_code() -> str:
    # MOHURD's USCC + 3 digits, as in docs/legal.md#gbt-36904
    return f"11100000000013338W{next(_types) % 1000:03d}"


def issuing_department(**kwargs) -> Department:
    n = next(_types)
    return DepartmentFactory(uscc=make_uscc(900000 + n, authority="1", category="1"), **kwargs)


def certificate_type(code: str, name: str, department: Department, **kwargs) -> CertificateType:
    return certificate_type_upsert(
        code=code,
        name=name,
        type_code=national_type_code(),
        issuing_department=department,
        fields=kwargs.pop("fields", ["floor_area", "contract_days"]),
        validity_months=kwargs.pop("validity_months", 12),
        **kwargs,
    )


@dataclass
class Catalogue:
    bundle: Bundle
    merged: MatterVersion  # four certificates at once
    single: MatterVersion  # one certificate
    department: Department
    types: dict[str, CertificateType]


def issuing_catalogue(*, joint_rule_types: list[str] | None = None, admin=None) -> Catalogue:
    """A bundle with a 四证合发 matter and a one-certificate matter; optionally a 联发 rule."""
    suffix = uuid.uuid4().hex[:6]
    department = issuing_department(name="住房和城乡建设局")
    names = {
        "permit": "建筑工程施工许可证",
        "quality": "工程质量监督登记",
        "safety": "安全施工措施备案",
        "civil-defence": "人防工程质量监督登记",
        "planning": "建设工程规划许可证",
    }
    types = {
        key: certificate_type(f"ct-{key}-{suffix}", name, department) for key, name in names.items()
    }
    revision = revision_create(
        title="测试目录", kind=RevisionKind.NEW, effective_on=date(2025, 1, 1)
    )
    matter_version_draft(
        revision=revision,
        matter_code=f"plan-{suffix}",
        department=department,
        name="建设工程规划许可",
        statutory_limit=20,
        promised_limit=10,
        certificate_types=[types["planning"].code],
    )
    matter_version_draft(
        revision=revision,
        matter_code=f"start-{suffix}",
        department=department,
        name="建筑工程施工许可证核发（四证合一）",
        statutory_limit=15,
        promised_limit=5,
        certificate_types=[types[k].code for k in ("permit", "quality", "safety", "civil-defence")],
        dependencies=[{"prerequisite": f"plan-{suffix}", "kind": "requires_result"}],
    )
    admin = admin or _catalog_admin()
    revision_publish(revision=revision, actor=admin)
    rules = []
    if joint_rule_types is not None:
        rules = [
            {
                "code": "land-right",
                "condition_name": "取得土地使用权",
                "evidence_required": "不动产权证书",
                "certificate_types": [types[k].code for k in joint_rule_types],
            }
        ]
    bundle = bundle_upsert(
        code=f"start-{suffix}",
        name="我要开工",
        kind=BundleKind.THEME,
        lead_department=department,
        items=[{"matter": f"plan-{suffix}"}, {"matter": f"start-{suffix}"}],
        issuance_rules=rules,
    )
    versions = {
        v.matter.code: v
        for v in MatterVersion.objects.filter(revision=revision).select_related("matter")
    }
    return Catalogue(
        bundle=bundle,
        merged=versions[f"start-{suffix}"],
        single=versions[f"plan-{suffix}"],
        department=department,
        types=types,
    )


def _catalog_admin():
    from kaigong.accounts.roles import Role
    from kaigong.accounts.tests.factories import user_with_role

    return user_with_role(Role.CATALOG_ADMIN)


def case_with_items(project, bundle: Bundle, versions: list[MatterVersion]):
    """
    A case and its items, made as bare rows (certificates may not import cases, so the
    models are looked up by name). Returns (case public id, [case item ids]).
    """
    case_model = apps.get_model("cases", "Case")
    item_model = apps.get_model("cases", "CaseItem")
    case = case_model.objects.create(project=project, enterprise=project.enterprise, bundle=bundle)
    items = [
        item_model.objects.create(case=case, matter_version=v, department=v.department, order=i)
        for i, v in enumerate(versions)
    ]
    return case.public_id, [item.id for item in items]


def item_result(version: MatterVersion, *, case_item_id: int, **kwargs) -> ItemResult:
    return ItemResult(
        case_item_id=case_item_id,
        matter_version_id=version.id,
        decided_on=kwargs.pop("decided_on", date(2026, 3, 2)),
        deferred_materials_outstanding=kwargs.pop("deferred", False),
        data=kwargs.pop("data", {"floor_area": "12000", "contract_days": "365"}),
    )


def issue(catalogue: Catalogue, *, project=None, deferred=(), actor=None, decided_on=None):
    """
    Conclude a case of the bundle for a project and issue its certificates.

    ``deferred``: "single" and/or "merged", the items whose 容缺 materials are outstanding.
    """
    project = project or ProjectFactory()
    versions = [catalogue.single, catalogue.merged]
    case_id, item_ids = case_with_items(project, catalogue.bundle, versions)
    extra = {"decided_on": decided_on} if decided_on else {}
    results = [
        item_result(v, case_item_id=i, deferred=name in deferred, **extra)
        for v, i, name in zip(versions, item_ids, ["single", "merged"], strict=True)
    ]
    return certificates_issue_for_case(
        case_public_id=case_id,
        project_id=project.id,
        enterprise_id=project.enterprise_id,
        bundle_id=catalogue.bundle.id,
        results=results,
        actor=actor,
    )
