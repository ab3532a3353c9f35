"""
The feedback app's role matrix (brief: every API operation and every page of the app, each
called as each relevant role and as an outsider of another jurisdiction, who gets 404),
plus the 12345 intake's signature, replay window and idempotency, through HTTP.

The world is built once: 沂南 (the case, its centre and departments) and 潍坊 (outsiders).
"""

from __future__ import annotations

import json
import time
from datetime import date

from django.db import transaction
from django.test import Client, TestCase, override_settings

import pytest
import time_machine
from rest_framework.test import APIClient

from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import CaseFactory, two_jurisdictions
from kaigong.core.relay import outbox_relay_run
from kaigong.feedback.constants import Occasion
from kaigong.feedback.models import Complaint, HotlineClient, Invitation
from kaigong.feedback.services.callbacks import callback_list_build
from kaigong.feedback.services.complaints import (
    complaint_hotline_intake,
    complaint_register,
    hotline_signature,
)
from kaigong.feedback.services.evaluations import (
    appeal_file,
    evaluation_submit,
    indicator_sets_ensure,
)
from kaigong.feedback.tokens import invitation_token

from .conftest import feedback_staff

E = "/api/v1/feedback/evaluations/{evaluation}/"
T = "/api/v1/feedback/tickets/{ticket}/"
C = "/api/v1/complaints/{complaint}/"

# (method, schema path) → {role: expected status}; "anonymous" is nobody signed in.
# Writes list the refused roles first and end with one allowed role (the write then happens).
API_ROWS: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/feedback/invitations/{token}/"): {"anonymous": 200},
    ("GET", "/api/v1/feedback/evaluations/"): {"anonymous": 401, "applicant": 200, "outsider": 200},
    ("POST", "/api/v1/feedback/evaluations/"): {"anonymous": 201},
    ("GET", "/api/v1/feedback/evaluations/{public_id}/"): {
        "applicant": 200, "stranger": 404, "clerk": 404, "callback": 200, "centre_admin": 200,
        "head1": 200, "approver1": 200, "supervisor": 200, "outsider": 404,
    },
    ("POST", "/api/v1/feedback/evaluations/{public_id}/appeals/"): {
        "stranger": 404, "outsider": 404, "clerk": 404, "applicant": 403, "supervisor": 403,
        "head1": 201,
    },
    ("POST", "/api/v1/feedback/appeals/{public_id}/decision/"): {
        "stranger": 404, "outsider": 404, "applicant": 403, "supervisor": 403, "head1": 404,
        "reviewer2": 403, "centre_admin": 200,
    },
    ("GET", "/api/v1/feedback/results/"): {"anonymous": 200},
    ("GET", "/api/v1/feedback/tickets/"): {"anonymous": 401, "callback": 200, "outsider": 200},
    ("GET", "/api/v1/feedback/tickets/{public_id}/"): {
        "applicant": 200, "stranger": 404, "clerk": 404, "callback": 200, "centre_admin": 200,
        "head1": 200, "supervisor": 200, "outsider": 404,
    },
    ("POST", "/api/v1/feedback/tickets/{public_id}/actions/"): {
        "stranger": 404, "outsider": 404, "applicant": 403, "head1": 403, "supervisor": 403,
        "callback": 200,
    },
    ("GET", "/api/v1/feedback/callbacks/"): {"anonymous": 401, "callback": 200, "outsider": 200},
    ("GET", "/api/v1/feedback/callbacks/figures/"): {
        "anonymous": 401, "applicant": 404, "clerk": 404, "callback": 200, "supervisor": 200,
        "outsider": 200,
    },
    ("POST", "/api/v1/feedback/callbacks/{public_id}/outcome/"): {
        "applicant": 404, "clerk": 404, "head1": 404, "outsider": 404, "supervisor": 403,
        "callback": 200,
    },
    ("GET", "/api/v1/complaints/"): {"anonymous": 401, "applicant": 200, "outsider": 200},
    ("POST", "/api/v1/complaints/"): {"anonymous": 401, "outsider": 403, "clerk": 201},
    ("GET", "/api/v1/complaints/{public_id}/"): {
        "applicant": 200, "stranger": 404, "clerk": 200, "callback": 200, "head1": 404,
        "supervisor": 200, "outsider": 404,
    },
    ("POST", "/api/v1/complaints/{public_id}/actions/"): {
        "stranger": 404, "outsider": 404, "head1": 404, "applicant": 403, "supervisor": 403,
        "clerk": 200,
    },
    ("POST", "/api/v1/complaints/hotline/"): {"anonymous": 401, "hotline": 201},
    ("GET", "/api/v1/complaints/hotline/{ticket_no}/"): {"anonymous": 401, "hotline": 200},
}  # fmt: skip

PAGE_ROWS: set[str] = {
    "feedback/rate/<str:token>/",
    "feedback/rate/<str:token>/qr.png",
    "feedback/results/",
    "feedback/",
    "feedback/tickets/<uuid:public_id>/",
    "feedback/evaluations/<uuid:public_id>/",
    "feedback/callbacks/",
    "feedback/callbacks/build/",
    "feedback/callbacks/<uuid:public_id>/",
    "complaints/",
    "complaints/new/",
    "complaints/counter/",
    "complaints/<uuid:public_id>/",
}

SECRET = "s3cret-12345-shared"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with (
        override_settings(KAIGONG_KEY_DIR=keys),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        indicator_sets_ensure()
        with time_machine.travel(MONDAY, tick=False):
            yinan, weifang = two_jurisdictions()
            feedback_staff(yinan)
            feedback_staff(weifang)
            with TestCase.captureOnCommitCallbacks(execute=True):
                case = CaseFactory(world=yinan, issued=True)
            outbox_relay_run()
            decisions = Invitation.objects.filter(case=case, occasion=Occasion.DECISION)
            first, second = decisions.order_by("id")[:2]
            bad = evaluation_submit(token=invitation_token(first), level=2, text="太慢")
            appealed = evaluation_submit(token=invitation_token(second), level=1, text="乱评")
            appeal = appeal_file(
                evaluation=appealed,
                actor=yinan.users["reviewer2"],
                ground="malicious",
                reason="与事实不符",
                evidence="全程按时办结",
            )
            callbacks = callback_list_build(service_center=yinan.centre, on=date(2026, 3, 3))
            complaint = complaint_register(
                actor=yinan.applicant,
                service_center=yinan.centre,
                data={
                    "title": "施工许可办不下来",
                    "content": "跑了三次",
                    "complainant_name": "张三",
                },
                case=case,
            )
            hotline = HotlineClient.objects.create(
                name="12345", key_id="hotline-yinan", secret=SECRET, service_center=yinan.centre
            )
            complaint_hotline_intake(
                client=hotline,
                data={"ticket_no": "12345-0001", "title": "热线转办", "content": "审批慢",
                      "complainant_name": "王五"},
            )  # fmt: skip
        users = dict(yinan.users)
        users["outsider"] = weifang.users["callback"]
        yield {
            "yinan": yinan,
            "weifang": weifang,
            "users": users,
            "case": case,
            "fresh": Invitation.objects.filter(case=case, occasion=Occasion.ISSUANCE).get(),
            "accept": Invitation.objects.filter(case=case, occasion=Occasion.ACCEPTANCE).get(),
            "bad": bad,
            "appeal": appeal,
            "ticket": bad.ticket,
            "callback": callbacks.tasks.get(),
            "complaint": complaint,
        }
        transaction.set_rollback(True)


def _client(world, role: str) -> APIClient:
    client = APIClient()
    if role not in ("anonymous", "hotline"):
        client.force_authenticate(world["users"][role])
    return client


def signed(method: str, path: str, body: bytes = b"", *, at: int | None = None, secret=SECRET):
    stamp = str(at if at is not None else int(time.time()))
    return {
        "HTTP_X_KAIGONG_KEY": "hotline-yinan",
        "HTTP_X_KAIGONG_TIMESTAMP": stamp,
        "HTTP_X_KAIGONG_SIGNATURE": hotline_signature(secret, stamp, method, path, body),
    }


def _request(world, role: str, method: str, path: str):
    """Fill the path's parameters from the world and call it with a body that fits."""
    objects = {
        "/api/v1/feedback/evaluations/{public_id}/": world["bad"].public_id,
        "/api/v1/feedback/evaluations/{public_id}/appeals/": world["bad"].public_id,
        "/api/v1/feedback/appeals/{public_id}/decision/": world["appeal"].public_id,
        "/api/v1/feedback/tickets/{public_id}/": world["ticket"].public_id,
        "/api/v1/feedback/tickets/{public_id}/actions/": world["ticket"].public_id,
        "/api/v1/feedback/callbacks/{public_id}/outcome/": world["callback"].public_id,
        "/api/v1/complaints/{public_id}/": world["complaint"].public_id,
        "/api/v1/complaints/{public_id}/actions/": world["complaint"].public_id,
    }
    url = path.replace("{public_id}", str(objects.get(path, "")))
    url = url.replace("{token}", invitation_token(world["fresh"]))
    url = url.replace("{ticket_no}", "12345-0001")
    bodies = {
        "/api/v1/feedback/evaluations/": {"token": invitation_token(world["accept"]), "level": 5},
        "/api/v1/feedback/evaluations/{public_id}/appeals/": {
            "ground": "mistaken", "reason": "评错了", "evidence": "办件记录",
        },
        "/api/v1/feedback/appeals/{public_id}/decision/": {"upheld": True, "note": "查实"},
        "/api/v1/feedback/tickets/{public_id}/actions/": {"action": "verify", "note": "核实属实"},
        "/api/v1/feedback/callbacks/{public_id}/outcome/": {"outcome": "satisfied"},
        "/api/v1/complaints/": {
            "service_center": str(world["yinan"].centre.public_id), "channel": "window",
            "title": "窗口现场投诉", "content": "说不清楚", "complainant_name": "李四",
        },
        "/api/v1/complaints/{public_id}/actions/": {
            "action": "assign", "department": str(world["yinan"].departments[1].public_id),
        },
        "/api/v1/complaints/hotline/": {
            "ticket_no": "12345-0002", "category": "complex", "title": "热线转办",
            "content": "企业反映审批慢", "complainant_name": "王五",
        },
    }  # fmt: skip
    client = _client(world, role)
    if method == "GET":
        extra = signed("GET", url) if role == "hotline" else {}
        return client.get(url, **extra)
    body = json.dumps(bodies[path], ensure_ascii=False).encode()
    extra = signed("POST", url, body) if role == "hotline" else {}
    return client.generic("POST", url, body.decode(), content_type="application/json", **extra)


@pytest.mark.parametrize("row", sorted(API_ROWS), ids=lambda r: f"{r[0]} {r[1]}")
def test_every_api_row_as_each_role(world, monday, row):
    method, path = row
    got = {}
    for role in API_ROWS[row]:
        got[role] = _request(world, role, method, path).status_code
    assert got == API_ROWS[row]


def test_lists_show_only_what_is_in_scope(world, monday):
    ticket = str(world["ticket"].public_id)
    for role, sees in (("callback", True), ("applicant", True), ("stranger", False),
                       ("outsider", False), ("supervisor", True)):  # fmt: skip
        body = _client(world, role).get("/api/v1/feedback/tickets/").json()
        assert (ticket in {t["id"] for t in body["results"]}) is sees, role
    figures = _client(world, "outsider").get("/api/v1/feedback/callbacks/figures/").json()
    assert figures["total"] == 0
    assert (
        _client(world, "callback").get("/api/v1/feedback/callbacks/figures/").json()["total"] == 1
    )


# -- the 12345 intake ------------------------------------------------------------------------

INTAKE = "/api/v1/complaints/hotline/"


def _intake(body: dict, **sign):
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = signed("POST", INTAKE, raw, **sign)
    return APIClient().generic(
        "POST", INTAKE, raw.decode(), content_type="application/json", **headers
    )


WORK_ORDER = {
    "ticket_no": "12345-2026-0815",
    "category": "simple",
    "title": "水利审批咨询无人答复",
    "content": "企业三次来电",
    "complainant_name": "赵六",
    "complainant_phone": "13900000000",
}


def test_the_hotline_intake_is_idempotent_on_its_ticket_number(world):
    # Tuesday 29 September 2026: a simple complaint's 5 working days skip 1–7 October
    # (国庆节, 中秋节) and count Saturday 10 October (调休上班): 30 Sep, 8, 9, 10, 12 Oct
    with time_machine.travel("2026-09-29 10:00 +0800", tick=False):
        first = _intake(WORK_ORDER)
        again = _intake(WORK_ORDER)
        other = _intake({**WORK_ORDER, "content": "另一件事"})
    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["number"] == first.json()["number"]
    assert first.json()["due_on"] == "2026-10-12"
    assert (other.status_code, other.json()["code"]) == (409, "hotline_ticket_reused")
    assert Complaint.objects.filter(hotline_ticket=WORK_ORDER["ticket_no"]).count() == 1


def test_the_hotline_intake_refuses_unsigned_forged_and_stale_calls(world):
    raw = json.dumps({**WORK_ORDER, "ticket_no": "12345-X"}).encode()
    unsigned = APIClient().generic("POST", INTAKE, raw, content_type="application/json")
    forged = _intake({**WORK_ORDER, "ticket_no": "12345-Y"}, secret="guessed")
    stale = _intake({**WORK_ORDER, "ticket_no": "12345-Z"}, at=int(time.time()) - 301)
    future = _intake({**WORK_ORDER, "ticket_no": "12345-W"}, at=int(time.time()) + 301)
    # a signature over another body (the body changed on the way) does not verify either
    headers = signed("POST", INTAKE, raw)
    tampered = APIClient().generic(
        "POST", INTAKE, raw.replace(b"12345-X", b"12345-V"), content_type="application/json",
        **headers,
    )  # fmt: skip
    codes = [r.json()["code"] for r in (unsigned, forged, stale, future, tampered)]
    assert [r.status_code for r in (unsigned, forged, stale, future, tampered)] == [401] * 5
    assert codes == [
        "hotline_unsigned", "hotline_bad_signature", "hotline_stale", "hotline_stale",
        "hotline_bad_signature",
    ]  # fmt: skip
    refused = [f"12345-{x}" for x in "XYZWV"]
    assert not Complaint.objects.filter(hotline_ticket__in=refused).exists()


def test_the_hotline_fetches_the_status_after_the_answer(world, monday):
    created = _intake({**WORK_ORDER, "ticket_no": "12345-STATUS"})
    complaint = Complaint.objects.get(number=created.json()["number"])
    clerk = _client(world, "clerk")
    d2 = world["yinan"].departments[1]
    clerk.post(f"/api/v1/complaints/{complaint.public_id}/actions/",
               {"action": "assign", "department": str(d2.public_id)}, format="json")  # fmt: skip
    answer = _client(world, "approver2").post(
        f"/api/v1/complaints/{complaint.public_id}/actions/",
        {"action": "answer", "text": "已安排专人对接"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    path = "/api/v1/complaints/hotline/12345-STATUS/"
    status = APIClient().get(path, **signed("GET", path))
    assert status.status_code == 200
    body = status.json()
    assert (body["status"], body["answer"], body["department"]) == (
        "answered",
        "已安排专人对接",
        d2.name,
    )
    other = "/api/v1/complaints/hotline/12345-NONE/"
    assert APIClient().get(other, **signed("GET", other)).status_code == 404
    # a status signature does not open another ticket's status
    assert APIClient().get(other, **signed("GET", path)).status_code == 401


# -- pages -----------------------------------------------------------------------------------


def _page(world, role: str, url: str, method: str = "get", data=None):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return getattr(client, method)(url, data or {})


def test_every_page_as_each_role_and_as_an_outsider(world, monday):
    token = invitation_token(world["fresh"])
    t, e = world["ticket"].public_id, world["bad"].public_id
    cb, c = world["callback"].public_id, world["complaint"].public_id
    rows = {
        f"/feedback/rate/{token}/": {"anonymous": 200, "applicant": 200},
        f"/feedback/rate/{token}/qr.png": {"anonymous": 200},
        "/feedback/rate/garbage/": {"anonymous": 404},
        "/feedback/results/": {"anonymous": 200},
        "/feedback/": {"anonymous": 302, "callback": 200, "head1": 200, "outsider": 200},
        f"/feedback/tickets/{t}/": {
            "anonymous": 302, "callback": 200, "head1": 200, "applicant": 200,
            "supervisor": 200, "stranger": 404, "clerk": 404, "outsider": 404,
        },
        f"/feedback/evaluations/{e}/": {
            "callback": 200, "head1": 200, "applicant": 200, "stranger": 404, "outsider": 404,
        },
        "/feedback/callbacks/": {"callback": 200, "centre_admin": 200, "applicant": 404, "clerk": 404},
        f"/feedback/callbacks/{cb}/": {"callback": 200, "applicant": 404, "outsider": 404},
        "/complaints/": {"anonymous": 302, "applicant": 200, "clerk": 200, "outsider": 200},
        "/complaints/new/": {"anonymous": 302, "applicant": 200},
        "/complaints/counter/": {"clerk": 200, "applicant": 404},
        f"/complaints/{c}/": {
            "applicant": 200, "clerk": 200, "supervisor": 200, "stranger": 404, "outsider": 404,
        },
    }  # fmt: skip
    got = {
        url: {role: _page(world, role, url).status_code for role in roles}
        for url, roles in rows.items()
    }
    assert got == rows
    # the build button: only the centre's callback staff (GET is not allowed at all)
    build = "/feedback/callbacks/build/"
    centre = str(world["yinan"].centre.public_id)
    assert _page(world, "callback", build).status_code == 405
    assert _page(world, "clerk", build, "post", {"centre": centre}).status_code == 404
    assert _page(world, "outsider", build, "post", {"centre": centre}).status_code == 404
    assert _page(world, "callback", build, "post", {"centre": centre}).status_code == 302


def test_the_rate_page_records_one_rating_and_then_says_it_is_spent(world, monday):
    token = invitation_token(world["fresh"])
    client = Client()
    client.force_login(world["users"]["applicant"])
    url = f"/feedback/rate/{token}/"
    response = client.post(url, {"level": "3", "indicators": ["convenience"], "text": "还行"})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "感谢您的评价" in response.content.decode()
    evaluation = world["fresh"].evaluation
    assert (evaluation.level, evaluation.indicators, evaluation.rater) == (
        3,
        ["convenience"],
        world["users"]["applicant"],
    )
    again = client.post(url, {"level": "1"})
    assert again.status_code == 409 and "该环节已评价" in again.content.decode()
