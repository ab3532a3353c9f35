"""
A world for the inspection tests: the cases' lifecycle world (沂南 371321) with a second
inspector in D1, a published 勘验标准 of M1 with two checklist items and a sample, and an
accepted case whose M1 item is in review. The project's site is at 35.550000, 118.460000.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kaigong.accounts.roles import Role
from kaigong.cases.tests.factories import PNG, CaseFactory, _user, item_of, lifecycle_world
from kaigong.inspections.services import (
    checklist_item_add,
    inspection_request,
    sample_add,
    standard_create,
    standard_publish,
)

SITE = (Decimal("35.550000"), Decimal("118.460000"))


def png(name: str = "sample.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def published_standard(world, version_key: str = "M1"):
    version = world.versions[version_key]
    standard = standard_create(actor=world.catalog_admin, matter_version=version,
                               title="规划许可现场勘验标准", preparation="请清理场地，准备手机。")  # fmt: skip
    first = checklist_item_add(actor=world.catalog_admin, standard=standard, title="建设位置",
                               method="视频环拍四至", pass_criteria="与规划总平面图一致")  # fmt: skip
    checklist_item_add(actor=world.catalog_admin, standard=standard, title="场地现状",
                       method="视频查看场地", pass_criteria="无违法建设")  # fmt: skip
    sample_add(actor=world.catalog_admin, item=first, caption="四至示例", file=png())
    return standard_publish(actor=world.catalog_admin, standard=standard)


def inspection_world():
    world = lifecycle_world()
    d1 = world.departments[0]
    world.users["inspector1b"] = _user(
        Role.INSPECTOR, f"insp1b{world.enterprise.pk}", department=d1
    )
    world.project.latitude, world.project.longitude = SITE
    world.project.save(update_fields=["latitude", "longitude"])
    standard = published_standard(world)
    case = CaseFactory(world=world, accepted=True)
    return world, standard, case, item_of(case, "M1")


def slots(days: int = 1, hours: int = 1):
    start = timezone.now() + timedelta(days=days)
    return [(start, start + timedelta(hours=hours))]


def requested(world, item, **overrides):
    return inspection_request(
        actor=world.reviewer1,
        item=item,
        inspectors=overrides.pop("inspectors", [world.inspector1, world.inspector1b]),
        slots=overrides.pop("slots", slots()),
        reason=overrides.pop("reason", "核实建设位置"),
        planned_working_days=overrides.pop("planned_working_days", 5),
        **overrides,
    )


def expert_pool(world):
    """Six experts: four eligible, one employed by the applicant, one with a declared conflict."""
    from kaigong.inspections.joint_services import expert_create

    keeper, d1 = world.catalog_admin, world.departments[0]
    tag = world.enterprise.pk
    pool = {}
    for n, (name, specialties) in enumerate(
        [("王环评", ["environment"]), ("李节能", ["energy"]), ("张水保", ["soil_water", "environment"]),
         ("赵水资源", ["water_abstraction"])], 1
    ):  # fmt: skip
        user = _user(Role.EXPERT, f"expert{n}x{tag}", department=d1)
        pool[name] = expert_create(actor=keeper, name=name, specialties=specialties,
                                   employer="山东省环境规划研究院", user=user)  # fmt: skip
    pool["钱雇员"] = expert_create(actor=keeper, name="钱雇员", specialties=["environment"],
                                   employer_enterprise=world.enterprise)  # fmt: skip
    pool["孙关联"] = expert_create(actor=keeper, name="孙关联", specialties=["energy"],
                                   conflicts=[world.enterprise])  # fmt: skip
    return pool
