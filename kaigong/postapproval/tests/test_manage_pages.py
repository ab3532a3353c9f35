"""
The planner's pages for check items (抽查事项) and annual plans: list, new, edit, and a plan
turned into tasks. Head or approver of the department only: 404 for anyone who works in no
department or in another one, 403 for the department's inspector; validation errors in
Chinese; every write audited.
"""

from __future__ import annotations

from django.test import Client

import pytest
import time_machine

from kaigong.cases.tests.conftest import MONDAY
from kaigong.core.models import AuditRecord
from kaigong.postapproval import services
from kaigong.postapproval.models import CheckItem, Plan, Task

from .worlds import planner_world

pytestmark = pytest.mark.django_db
M = "/post-approval/manage/"


@pytest.fixture
def world():
    with time_machine.travel(MONDAY, tick=False):
        yield planner_world(
            prefix="mp",
            permits=3,
            item={
                "code": "mp-1",
                "name": "施工许可后续监管",
                "basis": "《建筑法》",
                "ratio_percent": 40,
                "frequency": "每年一次",
                "method": "现场检查",
            },
            plan_title="2026年度抽查计划",
        )


def _as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_manage_page_for_every_role(world):
    item, plan, wf = world["item"], world["plan"], world["weifang"]
    pages = [
        M,
        M + "items/new/",
        M + f"items/{item.public_id}/",
        M + "plans/new/",
        M + f"plans/{plan.public_id}/",
    ]
    expect = {
        "head": 200,
        "inspector": 403,  # the department's staff, not a planner
        "outsider_staff": 404,  # an approver of another jurisdiction (its own lists: 200)
        "applicant": 404,
        "supervisor": 404,
    }
    users = {
        "head": world["head"],
        "inspector": world["inspector"],
        "outsider_staff": wf.approver1,
        "applicant": wf.applicant,
        "supervisor": wf.supervisor,
    }
    with time_machine.travel(MONDAY, tick=False):
        for url in pages:
            assert _as(None).get(url).status_code == 302, url  # to the login page
            for role, status in expect.items():
                if role == "outsider_staff" and url.endswith(("manage/", "new/")):
                    # another jurisdiction's planner: its own (empty) lists, none of these
                    response = _as(users[role]).get(url)
                    assert response.status_code == 200
                    assert item.name not in response.content.decode()
                    continue
                assert _as(users[role]).get(url).status_code == status, (url, role)
        # posts: the same answers, and nothing changes
        edit = {"name": "改名", "basis": "x", "object_type": "project", "ratio_percent": "10",
                "frequency": "每年", "method": "现场"}  # fmt: skip
        assert _as(world["inspector"]).post(pages[2], edit).status_code == 403
        assert _as(wf.approver1).post(pages[2], edit).status_code == 404
        generate = {"action": "generate", "sample_kind": "random",
                    "period_start": "2026-03-02", "period_end": "2026-06-30",
                    "inspectors_per_target": "1"}  # fmt: skip
        assert _as(world["inspector"]).post(pages[4], generate).status_code == 403
        assert _as(wf.approver1).post(pages[4], generate).status_code == 404
    item.refresh_from_db()
    assert item.name == "施工许可后续监管"
    assert not Task.objects.exists()
    # every refused post is audited, with its status
    refused = AuditRecord.objects.filter(action="write_refused")
    assert sorted(r.data["status"] for r in refused) == [403, 403, 404, 404]


def test_the_planner_creates_and_edits_items_and_plans_with_errors_in_chinese(world):
    head, department = world["head"], world["catalogue"].department
    page = _as(head)
    with time_machine.travel(MONDAY, tick=False):
        listed = page.get(M).content.decode()
        assert "施工许可后续监管" in listed and "2026年度抽查计划" in listed
        # a bad form: every error in Chinese, next to its field
        bad = {"department": str(department.public_id), "code": "mp-2", "name": "",
               "basis": "《城乡规划法》", "object_type": "project", "ratio_percent": "150",
               "frequency": "每季度", "method": "书面核查"}  # fmt: skip
        response = page.post(M + "items/new/", bad)
        html = response.content.decode()
        assert response.status_code == 400
        assert "该字段是必填项。" in html
        assert "确保该值小于或等于100。" in html
        assert "There is a problem" not in html
        # the code is taken: the service's refusal, in Chinese, on the form
        taken = {**bad, "code": "mp-1", "name": "规划许可后续监管", "ratio_percent": "20"}
        response = page.post(M + "items/new/", taken)
        assert response.status_code == 409
        assert "已有该编码的抽查事项" in response.content.decode()
        made = {**taken, "code": "mp-2"}
        assert page.post(M + "items/new/", made).status_code == 302
        new = CheckItem.objects.get(code="mp-2")
        assert (new.department, new.ratio_percent, new.method) == (department, 20, "书面核查")
        # edit: the code stays, the fields change, the write is audited
        edited = {"name": "规划许可批后监管", "basis": "《城乡规划法》第四十条",
                  "object_type": "enterprise", "ratio_percent": "30", "frequency": "每半年",
                  "method": "现场检查", "matter_code": "", "inspector_requirements": "持证"}  # fmt: skip
        assert page.post(M + f"items/{new.public_id}/", edited).status_code == 302
        new.refresh_from_db()
        assert (new.code, new.name, new.ratio_percent, new.object_type) == (
            "mp-2",
            "规划许可批后监管",
            30,
            "enterprise",
        )
        audit = AuditRecord.objects.get(action="check_item_update")
        assert set(audit.data["changed"]) == {
            "name",
            "basis",
            "object_type",
            "ratio_percent",
            "frequency",
            "method",
            "inspector_requirements",
        }
        # a plan over both items, then edited
        plan = {"action": "save", "department": str(department.public_id), "year": "2026",
                "title": "", "items": [str(world["item"].public_id)]}  # fmt: skip
        response = page.post(M + "plans/new/", plan)
        assert response.status_code == 400 and "该字段是必填项。" in response.content.decode()
        plan["title"] = "2026年度规划监管计划"
        plan["items"].append(str(new.public_id))
        response = page.post(M + "plans/new/", plan)
        created = Plan.objects.get(title="2026年度规划监管计划")
        assert response.status_code == 302
        assert response["Location"] == M + f"plans/{created.public_id}/"
        assert set(created.items.values_list("code", flat=True)) == {"mp-1", "mp-2"}
        change = {"action": "save", "year": "2027", "title": "2027年度规划监管计划",
                  "items": [str(new.public_id)]}  # fmt: skip
        assert page.post(M + f"plans/{created.public_id}/", change).status_code == 302
        created.refresh_from_db()
        assert (created.year, list(created.items.values_list("code", flat=True))) == (
            2027,
            ["mp-2"],
        )
        assert AuditRecord.objects.filter(action="plan_update", summary=created.title).exists()


def test_a_plan_is_turned_into_tasks_once_per_item_and_period(world):
    head, plan, item = world["head"], world["plan"], world["item"]
    page = _as(head)
    P = M + f"plans/{plan.public_id}/"
    generate = {"action": "generate", "sample_kind": "weighted",
                "period_start": "2026-03-02", "period_end": "2026-06-30",
                "inspectors_per_target": "1"}  # fmt: skip
    with time_machine.travel(MONDAY, tick=False):
        response = page.post(P, {**generate, "period_end": "2026-01-01"})
        assert response.status_code == 400
        assert "期限的结束日期早于开始日期" in response.content.decode()
        response = page.post(P, generate)
        assert response.status_code == 200
        task = Task.objects.get(plan=plan)
        html = response.content.decode()
        assert task.code in html and "已生成" in html
        # the pool is the item's permits, the count follows its ratio, the seed committed
        pool = services.task_pool(item)
        assert task.pool_size == len(pool)
        assert task.target_count == -(-len(pool) * item.ratio_percent // 100)
        assert task.item == item and task.sample_kind == "weighted"
        assert task.target_draw is not None and not task.target_draw.is_revealed
        assert task.code == f"{plan.year}-{item.code}-1"
        audit = AuditRecord.objects.get(action="plan_generate_tasks")
        assert audit.data["tasks"] == [task.code]
        # again for the same period: nothing to make, said in Chinese
        response = page.post(P, generate)
        assert response.status_code == 409
        html = response.content.decode()
        assert "没有可生成的任务" in html
        assert f"{item.code}（此期限内已有任务）" in html  # the item skipped, and why
        assert Task.objects.filter(plan=plan).count() == 1
        # the next period makes the item's second task
        later = {**generate, "period_start": "2026-07-01", "period_end": "2026-12-31"}
        assert page.post(P, later).status_code == 200
        assert sorted(Task.objects.filter(plan=plan).values_list("code", flat=True)) == [
            f"{plan.year}-{item.code}-1",
            f"{plan.year}-{item.code}-2",
        ]
