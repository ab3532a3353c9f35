"""
The thresholds' pages: a supervisor creates, changes and deactivates the ladder's rules
(per matter or department) and the matters' step durations; the writes and the refused
writes are audited; the errors are in Chinese; a department head reads its own rows only;
a changed step duration reaches the item's figures on the next job.
"""

from datetime import date

from django.test import Client

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import DepartmentFactory
from kaigong.core.models import AuditRecord
from kaigong.supervision.constants import SignalLevel, Step
from kaigong.supervision.models import ItemMetric, Signal, SignalRule, StepLimit
from kaigong.supervision.services import supervision_sweep

from .conftest import at
from .factories import _user, m1, supervision_world

pytestmark = pytest.mark.django_db

THU = date(2026, 3, 5)  # M1 accepted Mon 2 March: 3 working days in review, 3 of 5


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_a_supervisor_sets_a_departments_ladder_and_deactivates_it():
    sw = supervision_world()
    item = m1(sw)
    page = _client(sw.world.supervisor)
    form = {
        "target": "department", "department": str(item.department.public_id),
        "prompt_percent": "60", "prompt_days_before": "", "yellow_percent": "75",
        "advice_after_days": "3", "active": "1",
    }  # fmt: skip

    created = page.post("/supervision/thresholds/rules/new/", form)

    assert created.status_code == 302
    rule = SignalRule.objects.get()
    assert (rule.department_id, rule.matter_id) == (item.department_id, None)
    assert (rule.prompt_percent, rule.yellow_percent, rule.advice_after_days) == (60, 75, 3)
    assert rule.prompt_days_before is None and rule.active is True

    # deactivated: the row stays, the job no longer applies it
    changed = page.post(f"/supervision/thresholds/rules/{rule.public_id}/", {**form, "active": ""})

    assert changed.status_code == 302
    rule.refresh_from_db()
    assert rule.active is False
    saves = AuditRecord.objects.filter(action="supervision.signal_rule_save").order_by("id")
    assert [r.data["after"]["active"] for r in saves] == [True, False]
    assert saves.last().data["before"]["prompt_percent"] == 60
    listing = page.get("/supervision/thresholds/").content.decode()
    assert item.department.name in listing and "已停用" in listing


def test_invalid_thresholds_are_refused_in_chinese_and_audited():
    sw = supervision_world()
    item = m1(sw)
    page = _client(sw.world.supervisor)

    response = page.post(
        "/supervision/thresholds/rules/new/",
        {"target": "matter", "matter": str(item.matter_version.matter.public_id),
         "prompt_percent": "95", "yellow_percent": "90", "advice_after_days": "0"},
    )  # fmt: skip

    assert response.status_code == 200
    html = response.content.decode()
    assert "黄牌不得早于预警" in html
    assert "1 至 60 的整数" in html
    assert SignalRule.objects.count() == 0
    refused = AuditRecord.objects.get(action="supervision.threshold_refused")
    assert sorted(refused.data["errors"]) == ["advice_after_days", "yellow_percent"]


def test_a_second_active_rule_for_the_same_matter_is_refused():
    sw = supervision_world()
    item = m1(sw)
    matter = item.matter_version.matter
    SignalRule.objects.create(matter=matter, prompt_percent=70)
    page = _client(sw.world.supervisor)

    response = page.post(
        "/supervision/thresholds/rules/new/",
        {"target": "matter", "matter": str(matter.public_id), "prompt_percent": "50",
         "yellow_percent": "80", "advice_after_days": "5", "active": "1"},
    )  # fmt: skip

    assert "已有启用的规则" in response.content.decode()
    assert SignalRule.objects.filter(matter=matter).count() == 1


def test_a_department_head_reads_its_own_thresholds_and_cannot_write():
    sw = supervision_world()
    item = m1(sw)
    own = SignalRule.objects.create(department=item.department, prompt_percent=70)
    elsewhere = DepartmentFactory(region_code="370700")
    foreign = SignalRule.objects.create(department=elsewhere, prompt_percent=65)
    head = _client(sw.head)

    listing = head.get("/supervision/thresholds/").content.decode()
    own_page = head.get(f"/supervision/thresholds/rules/{own.public_id}/")
    foreign_page = head.get(f"/supervision/thresholds/rules/{foreign.public_id}/")
    write = head.post(f"/supervision/thresholds/rules/{own.public_id}/", {"prompt_percent": "1"})

    assert f"/supervision/thresholds/rules/{own.public_id}/" in listing
    assert f"/supervision/thresholds/rules/{foreign.public_id}/" not in listing
    assert own_page.status_code == 200 and "disabled" in own_page.content.decode()
    assert foreign_page.status_code == 404
    assert write.status_code == 403
    own.refresh_from_db()
    assert own.prompt_percent == 70
    refused = AuditRecord.objects.filter(action="write_refused", actor=sw.head).get()
    assert refused.data["status"] == 403
    # the other jurisdiction's head sees its own rule, not D1's
    outsider = _user(Role.DEPARTMENT_HEAD, "wf-head-t", department=elsewhere)
    api = _client(outsider).get("/api/v1/supervision/signal-rules/").json()
    assert [r["id"] for r in api["results"]] == [str(foreign.public_id)]


def test_a_step_duration_set_by_page_reaches_the_next_job():
    sw = supervision_world()
    item = m1(sw)
    page = _client(sw.world.supervisor)
    with time_machine.travel(at(2026, 3, 5), tick=False):
        supervision_sweep(on=THU)  # the default review: 4 days, 3 used
        assert ItemMetric.objects.get(item=item).step_allowed_days == 4
        created = page.post(
            "/supervision/thresholds/steps/new/",
            {"matter": str(item.matter_version.matter.public_id), "step": Step.REVIEW,
             "working_days": "2", "active": "1"},
        )  # fmt: skip
        duplicate = page.post(
            "/supervision/thresholds/steps/new/",
            {"matter": str(item.matter_version.matter.public_id), "step": Step.REVIEW,
             "working_days": "9", "active": "1"},
        )  # fmt: skip
        result = supervision_sweep(on=THU)

    assert created.status_code == 302
    assert "已有该环节的时限" in duplicate.content.decode()
    limit = StepLimit.objects.get()
    assert (limit.step, limit.working_days, limit.active) == (Step.REVIEW, 2, True)
    assert result["metrics"] >= 1  # recomputed, though nothing of the item changed
    metric = ItemMetric.objects.get(item=item)
    assert (metric.step_used_days, metric.step_allowed_days) == (3, 2)
    assert Signal.objects.filter(item=item, level=SignalLevel.STEP, step=Step.REVIEW).exists()
    audit = AuditRecord.objects.get(action="supervision.step_limit_save")
    assert audit.data["after"]["working_days"] == 2
    assert AuditRecord.objects.filter(action="supervision.threshold_refused").count() == 1
    api = _client(sw.world.supervisor).get("/api/v1/supervision/step-limits/").json()
    assert [(r["step"], r["working_days"]) for r in api["results"]] == [("review", 2)]
