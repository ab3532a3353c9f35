"""
Who may call what in post-approval supervision (rows for the generated role matrix): the
public reads for anyone; planning for the department's head or approver; results and
findings for the drawn inspectors; revocation for the issuer's approver; outsiders 404.
"""

from __future__ import annotations

from datetime import date

from django.test import Client

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import EnterpriseFactory, UserFactory
from kaigong.cases.tests.api.conftest import client_for
from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import lifecycle_world
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.postapproval.models import Finding, Target, Task
from kaigong.projects.tests.factories import ProjectFactory

from .worlds import planner_world

P = "/api/v1/post-approval/"
API_ROWS = {
    ("GET", P + "check-items/"): "public",
    ("POST", P + "check-items/"): "department head or approver",
    ("PUT", P + "check-items/{public_id}/"): "department head or approver",
    ("GET", P + "plans/"): "public",
    ("POST", P + "plans/"): "department head or approver",
    ("PUT", P + "plans/{public_id}/"): "department head or approver",
    ("POST", P + "plans/{public_id}/generate-tasks/"): "department head or approver",
    ("POST", P + "tasks/"): "department head or approver of the plan's department",
    ("GET", P + "tasks/{public_id}/"): "public",
    ("POST", P + "tasks/{public_id}/draw-targets/"): "department head or approver",
    ("POST", P + "tasks/{public_id}/draw-inspectors/"): "department head or approver",
    ("POST", P + "tasks/{public_id}/publish/"): "department head or approver",
    ("POST", P + "targets/{public_id}/result/"): "an inspector drawn for the target",
    ("POST", P + "targets/{public_id}/findings/"): "an inspector drawn for the target",
    ("POST", P + "findings/{public_id}/revoke/"): "approver of the permit's issuing department",
    ("POST", P + "findings/{public_id}/rectified/"): "an inspector drawn for the target",
    ("GET", P + "commitment-checks/"): "department staff; supervisors",
    ("POST", P + "commitment-checks/{public_id}/record/"): "approver of a department of the case",
}
PAGE_ROWS = {
    "post-approval/",
    "post-approval/tasks/<uuid:public_id>/",
    "post-approval/work/",
    # the planner's pages: test_manage_pages.py calls each as every role
    "post-approval/manage/",
    "post-approval/manage/items/new/",
    "post-approval/manage/items/<uuid:public_id>/",
    "post-approval/manage/plans/new/",
    "post-approval/manage/plans/<uuid:public_id>/",
}
DENIED = {401, 403}


@pytest.mark.django_db
def test_each_role_and_every_outsider():
    with time_machine.travel(MONDAY, tick=False):
        catalogue = issuing_catalogue()
        department = catalogue.department
        for i in range(2):
            issue(
                catalogue,
                project=ProjectFactory(
                    enterprise=EnterpriseFactory(name=f"建设单位{i}"), region_code="371321"
                ),
            )
        head = UserFactory(username="rm-head")
        membership_grant(user=head, role=Role.APPROVER, department=department)
        inspectors = [UserFactory(username=f"rm-insp{i}") for i in range(2)]
        for person in inspectors:
            membership_grant(user=person, role=Role.INSPECTOR, department=department)
        weifang = lifecycle_world(
            prefix="WF",
            centre_name="潍坊市政务服务中心",
            centre_region="370700",
            project_region="370702",
        )
        c = {
            "head": client_for(head),
            "insp0": client_for(inspectors[0]),
            "insp1": client_for(inspectors[1]),
            "anonymous": client_for(None),
            "outsider": client_for(weifang.applicant),
            "outsider_staff": client_for(weifang.approver1),
            "outsider_inspector": client_for(weifang.inspector1),
            "supervisor": client_for(weifang.supervisor),
        }

        def check(method, url, expect, data=None):
            for role, wanted in expect.items():
                call = getattr(c[role], method.lower())
                response = call(url, data, format="json") if method != "GET" else call(url)
                allowed = wanted if isinstance(wanted, set) else {wanted}
                assert response.status_code in allowed, (
                    method,
                    url,
                    role,
                    response.status_code,
                    response.content[:300],
                )
            return response

        item = {
            "code": "rm-1",
            "name": "规划许可后续监管",
            "basis": "《城乡规划法》",
            "object_type": "project",
            "matter_code": catalogue.single.matter.code,
            "ratio_percent": 50,
            "frequency": "每年",
            "method": "现场",
        }
        check(
            "POST", P + "check-items/", {"anonymous": DENIED, "outsider": 403, "insp0": 403}, item
        )
        item_id = check("POST", P + "check-items/", {"head": 201}, item).json()["id"]
        check("GET", P + "check-items/", {"anonymous": 200})
        plan = {"year": 2026, "title": "2026年度计划", "items": [item_id]}
        check(
            "POST",
            P + "plans/",
            {"anonymous": DENIED, "insp0": 403, "outsider_staff": 201 if False else {400, 403}},
            plan,
        )
        plan_id = check("POST", P + "plans/", {"head": 201}, plan).json()["id"]
        check("GET", P + "plans/", {"anonymous": 200})
        # changing an item and a plan: the department's inspector 403, other staff 404
        changed = {k: v for k, v in item.items() if k != "code"} | {"name": "规划许可批后监管"}
        I = P + f"check-items/{item_id}/"  # noqa: E741
        check(
            "PUT",
            I,
            {"anonymous": DENIED, "insp0": 403, "outsider": 404, "outsider_staff": 404},
            changed,
        )
        assert check("PUT", I, {"head": 200}, changed).json()["name"] == "规划许可批后监管"
        L = P + f"plans/{plan_id}/"
        retitled = plan | {"title": "2026年度双随机抽查计划"}
        check("PUT", L, {"anonymous": DENIED, "insp0": 403, "outsider_staff": 404}, retitled)
        assert check("PUT", L, {"head": 200}, retitled).json()["title"] == retitled["title"]
        task = {
            "plan": plan_id,
            "item": item_id,
            "code": "RM〔2026〕1号",
            "sample_kind": "random",
            "period_start": "2026-03-02",
            "period_end": "2026-06-30",
            "inspectors_per_target": 1,
        }
        check(
            "POST", P + "tasks/", {"anonymous": DENIED, "insp0": 403, "outsider_staff": 404}, task
        )
        tid = check("POST", P + "tasks/", {"head": 201}, task).json()["id"]
        T = P + f"tasks/{tid}/"
        check("GET", T, {"anonymous": 200})
        witnesses = {"witnesses": ["见证人"]}
        check(
            "POST",
            T + "draw-targets/",
            {"anonymous": DENIED, "insp0": 403, "outsider_staff": 403},
            witnesses,
        )
        check("POST", T + "draw-targets/", {"head": 200}, witnesses)
        check(
            "POST",
            T + "draw-inspectors/",
            {"anonymous": DENIED, "insp0": 403, "outsider_staff": 403},
            witnesses,
        )
        check("POST", T + "draw-inspectors/", {"head": 200}, witnesses)
        target = Target.objects.get()
        assigned = "insp0" if target.inspectors.filter(pk=inspectors[0].pk).exists() else "insp1"
        other = "insp1" if assigned == "insp0" else "insp0"
        G = P + f"targets/{target.public_id}/"
        finding = {"severity": "serious", "description": "擅自变更规划", "basis": "《城乡规划法》"}
        check(
            "POST",
            G + "findings/",
            {"anonymous": DENIED, "outsider_inspector": 404, "outsider": 404, other: 403},
            finding,
        )
        fid = check("POST", G + "findings/", {assigned: 201}, finding).json()["id"]
        check(
            "POST",
            G + "result/",
            {"anonymous": DENIED, "outsider_inspector": 404, other: 403, assigned: 200},
            {"result": "serious"},
        )
        F = P + f"findings/{fid}/"
        check(
            "POST",
            F + "rectified/",
            {"anonymous": DENIED, "outsider_inspector": 404, assigned: 409},
            {"reason": "x"},
        )
        check(
            "POST",
            F + "revoke/",
            {"anonymous": DENIED, "outsider_staff": 404, assigned: 403},
            {"reason": "严重违法"},
        )
        check("POST", F + "revoke/", {"head": 200}, {"reason": "严重违法"})
        check("POST", T + "publish/", {"anonymous": DENIED, assigned: 403, "outsider_staff": 403})
        check("POST", T + "publish/", {"head": 200})
        assert c["anonymous"].get(T).json()["targets"][0]["result"] == "serious"
        check(
            "GET",
            P + "commitment-checks/",
            {"anonymous": DENIED, "head": 200, "supervisor": 200, "outsider": 200},
        )
        assert c["outsider"].get(P + "commitment-checks/").json() == []
        unknown = "11111111-1111-1111-1111-111111111111"
        check(
            "POST",
            P + f"commitment-checks/{unknown}/record/",
            {"anonymous": DENIED, "head": 404},
            {"passed": True},
        )

        # the plan's tasks generated: the period of the task above is taken (409, the item
        # named), a later one makes a task
        period = {"sample_kind": "random", "period_start": "2026-03-02", "period_end": "2026-06-30"}
        GT = P + f"plans/{plan_id}/generate-tasks/"
        check("POST", GT, {"anonymous": DENIED, "insp0": 403, "outsider_staff": 404}, period)
        taken = check("POST", GT, {"head": 409}, period).json()
        assert taken["code"] == "nothing_to_generate"
        later = period | {"period_start": "2026-07-01", "period_end": "2026-12-31"}
        made = check("POST", GT, {"head": 201}, later).json()
        assert [t["code"] for t in made["tasks"]] == [
            t.code for t in Task.objects.filter(period_start=date(2026, 7, 1))
        ]
        assert len(made["tasks"]) == 1 and made["skipped"] == []

        page = Client()
        assert page.get("/post-approval/").status_code == 200
        assert page.get(f"/post-approval/tasks/{tid}/").status_code == 200
        assert page.get(f"/post-approval/tasks/{unknown}/").status_code == 404
        assert page.get("/post-approval/work/").status_code == 302
        page.force_login(weifang.applicant)
        assert page.get("/post-approval/work/").status_code == 404
        page.force_login(weifang.inspector1)
        assert (
            page.post(
                "/post-approval/work/", {"action": "ok", "target": str(target.public_id)}
            ).status_code
            == 404
        )
        page.force_login(inspectors[0])
        assert page.get("/post-approval/work/").status_code == 200
    assert date(2026, 3, 2) == MONDAY.date()


@pytest.mark.django_db
def test_the_work_page_runs_a_task_from_plan_to_published_results():
    """The planner's steps and the inspector's confirmation are page actions, not API-only;
    an outsider's posts answer 404 and a refused step its status."""
    with time_machine.travel(MONDAY, tick=False):
        world = planner_world(
            prefix="wp",
            permits=1,
            item={
                "code": "wp-1",
                "name": "规划许可后续监管",
                "basis": "《城乡规划法》",
                "ratio_percent": 100,
                "frequency": "每年",
                "method": "现场",
            },
            plan_title="2026年度计划",
        )
        head, inspector, weifang = world["head"], world["inspector"], world["weifang"]
        item, plan = world["item"], world["plan"]
        page = Client()
        page.force_login(head)
        W = "/post-approval/work/"
        assert page.get(W).status_code == 200
        created = {
            "action": "task_create",
            "plan": str(plan.public_id),
            "item": str(item.public_id),
            "code": "WP〔2026〕1号",
            "sample_kind": "random",
            "period_start": "2026-03-02",
            "period_end": "2026-06-30",
            "inspectors_per_target": "1",
        }
        assert page.post(W, {**created, "period_end": "x"}).status_code == 400
        assert page.post(W, created).status_code == 302
        task = Task.objects.get(code="WP〔2026〕1号")
        step = {"task": str(task.public_id)}
        assert page.post(W, {**step, "action": "draw_targets"}).status_code == 400  # no witness
        # an outsider department's approver neither sees nor steps the task
        page.force_login(weifang.approver1)
        draw = {**step, "action": "draw_targets", "witnesses": "见证人甲"}
        assert page.post(W, draw).status_code == 404
        page.force_login(head)
        assert page.post(W, draw).status_code == 302
        assert page.post(W, {**draw, "action": "draw_inspectors"}).status_code == 302
        task.refresh_from_db()
        assert task.status == "drawn" and task.inspector_draw.is_revealed
        assert page.post(W, {**step, "action": "publish"}).status_code == 409  # not checked yet
        target = Target.objects.get(task=task)
        assert list(target.inspectors.all()) == [inspector]
        page.force_login(inspector)
        finding = {
            "action": "finding",
            "target": str(target.public_id),
            "severity": "rectify",
            "description": "未按图施工",
            "basis": "《城乡规划法》第四十条",
        }
        assert page.post(W, finding).status_code == 302
        found = Finding.objects.get(target=target)
        assert "未按图施工" in page.get(W).content.decode()  # listed to confirm
        assert page.post(W, {**step, "action": "publish"}).status_code == 404  # not a planner
        done = {"action": "rectified", "finding": str(found.public_id), "note": "已整改到位"}
        assert page.post(W, done).status_code == 302
        found.refresh_from_db()
        assert found.status == "rectified" and found.rectification == "已整改到位"
        page.force_login(head)
        assert page.post(W, {**step, "action": "publish"}).status_code == 302
        task.refresh_from_db()
        assert task.status == "done" and task.results_published_at is not None
        page.force_login(weifang.approver1)
        assert page.post(W, {"action": "verify", "check": "nope"}).status_code == 404
