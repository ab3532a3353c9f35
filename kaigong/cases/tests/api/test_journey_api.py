"""
The demo enterprise takes 沂南's 办理市政设施建设手续 bundle from draft to concluded through
the API alone: a correction round, a 容缺 commitment, and a special-procedure pause whose
working days move the due date exactly.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

import pytest
import time_machine

from kaigong.accounts.models import User
from kaigong.calendars.selectors import work_calendar
from kaigong.calendars.workdays import add_working_days
from kaigong.credit.models import CreditRecord
from kaigong.credit.services import credit_record_withdraw
from kaigong.projects.models import Project

from .conftest import client_for, filled_form, pdf_upload

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUNDLE = "yinan-municipal-facilities"
MATTERS = ["371321-SZ-001", "371321-SZ-002", "371321-SZ-003"]
DEFERRED = "yn-owner-consent"  # 设施产权（运营维护）单位意见: deferrable in SZ-003
DEFECTIVE = "yn-construction-plan"


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


def users(*names: str) -> list:
    return [client_for(User.objects.get(username=name)) for name in names]


@pytest.mark.django_db
def test_the_demo_enterprise_takes_the_yinan_bundle_from_draft_to_concluded_by_api():
    with time_machine.travel(at(2), tick=False) as traveller:  # Monday 2 March 2026
        # the demo app's public interface is its command (it sits above this layer)
        call_command("demo_load", stdout=io.StringIO())
        applicant, clerk = users("yinan_applicant", "yinan_clerk")
        project = Project.objects.filter(region_code="371321").order_by("id").first()
        # the demo's post-approval check (审管联动) left a serious credit record on this
        # enterprise, which shuts 容缺; here its source overturns it, as an upheld appeal does
        for record in CreditRecord.objects.filter(enterprise=project.enterprise):
            with transaction.atomic():
                credit_record_withdraw(public_id=record.public_id, reason="复议撤销", actor=None)

        # given a draft of the bundle with three of its five matters
        response = applicant.post(
            "/api/v1/cases/",
            {"project": str(project.public_id), "bundle": BUNDLE, "matters": MATTERS},
            format="json",
        )
        assert response.status_code == 201, response.json()
        case = response.json()
        url = f"/api/v1/cases/{case['id']}/"
        assert case["status"] == "draft"
        assert case["matters"] == MATTERS

        # when the applicant fills the one merged form and hands in every material but the
        # deferrable one
        form = applicant.get(url + "form/").json()
        data = filled_form(form["schema"], uscc=project.enterprise.uscc)
        assert applicant.put(url + "form-data/", {"data": data}, format="json").status_code == 200
        required = [m["code"] for m in form["materials"] if m["required"]]
        assert DEFERRED in required
        for code in required:
            if code == DEFERRED:
                continue
            upload = applicant.post(
                url + "materials/", {"material": code, "file": pdf_upload(f"{code}.pdf")}
            )
            assert upload.status_code == 201, upload.json()

        # and submits twice with the same Idempotency-Key
        first = applicant.post(url + "submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        replay = applicant.post(url + "submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        other = applicant.post(
            url + "submit/", {"again": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
        )

        # then the replay returns the first result and another body is refused
        assert first.status_code == 200, first.json()
        assert replay.status_code == 200
        assert replay.json()["number"] == first.json()["number"]
        assert other.status_code == 409
        assert other.json()["code"] == "idempotency_key_reused"

        # when the clerk sees it in the queue and asks once for a corrected plan
        queue = clerk.get("/api/v1/cases/queue/").json()["results"]
        assert case["id"] in [c["id"] for c in queue]
        notice = clerk.post(
            url + "request-correction/",
            {"items": [{"kind": "material", "code": DEFECTIVE, "problem": "defective"}]},
            format="json",
        )
        assert notice.status_code == 200, notice.json()
        assert applicant.get(url).json()["status"] == "correction_requested"

        # and the applicant replaces the plan and resubmits
        applicant.post(url + "materials/", {"material": DEFECTIVE, "file": pdf_upload()})
        resubmitted = applicant.post(url + "resubmit/")
        assert resubmitted.status_code == 200, resubmitted.json()
        assert resubmitted.json()["status"] == "submitted"

        # when the clerk accepts with the operator's opinion deferred on a signed commitment
        accepted = clerk.post(
            url + "accept/",
            {
                "deferral": {
                    "text": "本单位承诺在约定期限内补齐设施产权单位意见，逾期愿承担相应责任。",
                    "signer_name": "孟凡成",
                    "materials": [DEFERRED],
                    "due_on": "2026-03-06",
                }
            },
            format="json",
        )

        # then every item is in review with its due date
        assert accepted.status_code == 200, accepted.json()
        body = accepted.json()
        assert body["status"] == "accepted"
        assert [i["status"] for i in body["items"]] == ["in_review"] * 3
        items = {i["matter_code"]: i for i in body["items"]}

        # when the 综合执法 reviewer pauses SZ-001 on Tuesday for an expert review …
        road = items["371321-SZ-001"]
        item_url = f"/api/v1/items/{road['item']}/"
        before = dt.date.fromisoformat(road["promised_due_on"])
        zhifa_reviewer, zhifa_approver = users("yinan_zhifa_reviewer", "yinan_zhifa_approver")
        traveller.move_to(at(3))
        paused = zhifa_reviewer.post(
            item_url + "pause/",
            {
                "kind": "special_procedure",
                "reason": "专家评审",
                "evidence": "专家评审通知书",
                "planned_working_days": 5,
            },
            format="json",
        )
        assert paused.status_code == 200, paused.json()
        # … and resumes it on Friday
        traveller.move_to(at(6))
        resumed = zhifa_reviewer.post(item_url + "resume/")
        assert resumed.status_code == 200, resumed.json()

        # then Tuesday to Thursday (three working days) move the due date by exactly three
        after = dt.date.fromisoformat(resumed.json()["promised_due_on"])
        assert after == add_working_days(before, 3, calendar=work_calendar("371321"))
        clock = zhifa_reviewer.get(item_url + "clock/").json()
        paused_days = [s["date"] for s in clock["promised"]["skipped"] if s["kind"] == "paused"]
        assert paused_days == ["2026-03-03", "2026-03-04", "2026-03-05"]

        # when each department's reviewer gives an opinion and its approver decides
        for department, matter in (
            ("zhifa", "371321-SZ-001"),
            ("zhujian", "371321-SZ-002"),
            ("shuiwu", "371321-SZ-003"),
        ):
            reviewer, approver = users(
                f"yinan_{department}_reviewer", f"yinan_{department}_approver"
            )
            target = f"/api/v1/items/{items[matter]['item']}/"
            opinion = reviewer.post(
                target + "opinions/",
                {"text": "材料齐全，符合条件，建议同意。", "recommendation": "approve"},
                format="json",
            )
            assert opinion.status_code == 201, opinion.json()
            decided = approver.post(target + "decide/", {"decision": "approve"}, format="json")
            assert decided.status_code == 200, decided.json()

        # then the bundle is concluded, the water item's result held for the deferred material
        concluded = applicant.get(url).json()
        assert concluded["status"] == "concluded"
        statuses = {i["matter_code"]: i["status"] for i in concluded["items"]}
        assert statuses["371321-SZ-003"] == "approved_deferred"

        # when the deferred material arrives
        supplied = applicant.post(url + "materials/", {"material": DEFERRED, "file": pdf_upload()})
        assert supplied.status_code == 201, supplied.json()

        # then every result is released together and the history tells the whole story
        final = applicant.get(url).json()
        assert final["status"] == "issued"
        assert {i["status"] for i in final["items"]} == {"approved"}
        events = applicant.get(url + "events/?page_size=500").json()["results"]
        seqs = [e["seq"] for e in events]
        assert seqs == list(range(1, len(seqs) + 1))
        kinds = {e["kind"] for e in events}
        assert {
            "draft_created",
            "case_transition",
            "item_transition",
            "commitment_fulfilled",
        } <= kinds
