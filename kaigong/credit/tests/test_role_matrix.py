"""
Who may call what on credit records (rows for the generated role matrix,
kaigong/cases/tests/api/test_role_matrix.py counts them): each row as the allowed role, as
roles that are not, as an outsider of another jurisdiction (404) and anonymously. Built
from accounts alone (credit sits just above it).
"""

from __future__ import annotations

from typing import Any

from django.test import Client

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ServiceCenterFactory,
    UserFactory,
    make_uscc,
)
from kaigong.credit.models import CreditRecord

C = "/api/v1/credit/"
API_ROWS = {
    ("GET", C + "records/"): "logged in: supervisors all, staff their region's, members their own",
    ("POST", C + "records/"): "approver or head of a department (the authority)",
    ("GET", C + "records/{public_id}/"): "as the list",
    ("POST", C + "records/{public_id}/repairs/"): "member of the enterprise the record is on",
    ("POST", C + "repairs/{public_id}/decide/"): "approver or head of the authority",
    ("GET", C + "gates/{gate}/"): "staff",
}
PAGE_ROWS = {"credit/"}
DENIED = {401, 403}


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _people(region: str, tag: str) -> dict:
    d1, d2 = DepartmentFactory(region_code=region), DepartmentFactory(region_code=region)
    centre = ServiceCenterFactory(region_code=region)
    enterprise = EnterpriseFactory(uscc=make_uscc(610000 + int(region[-3:]), region=region))
    grants: dict[str, tuple[Role, dict[str, Any]]] = {
        "applicant": (Role.APPLICANT, {"enterprise": enterprise}),
        "stranger": (Role.APPLICANT, {"enterprise": EnterpriseFactory()}),
        "approver1": (Role.APPROVER, {"department": d1}),
        "approver2": (Role.APPROVER, {"department": d2}),
        "reviewer1": (Role.REVIEWER, {"department": d1}),
        "clerk": (Role.WINDOW_CLERK, {"service_center": centre}),
        "supervisor": (Role.SUPERVISOR, {}),
    }
    users: dict[str, Any] = {}
    for name, (role, scope) in grants.items():
        users[name] = UserFactory(username=f"{name}-{tag}")
        membership_grant(user=users[name], role=role, **scope)
    return {"enterprise": enterprise, **users}


@pytest.mark.django_db
def test_each_role_and_every_outsider():
    yinan, weifang = _people("371321", "yn"), _people("370700", "wf")
    c = {
        name: client_for(yinan[name])
        for name in (
            "applicant",
            "approver1",
            "approver2",
            "reviewer1",
            "clerk",
            "supervisor",
            "stranger",
        )
    }
    c.update(
        {
            "anonymous": client_for(None),
            "outsider": client_for(weifang["applicant"]),
            "outsider_staff": client_for(weifang["approver1"]),
        }
    )

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

    uscc = yinan["enterprise"].uscc
    body = {
        "uscc": uscc,
        "list_kind": "black",
        "level": "watch",
        "reason": "容缺逾期",
        "basis": "承诺书",
    }
    check(
        "POST",
        C + "records/",
        {"anonymous": DENIED, "applicant": 403, "reviewer1": 403, "clerk": 403, "supervisor": 403},
        body,
    )
    rid = check("POST", C + "records/", {"approver1": 201}, body).json()["id"]
    check("GET", C + "records/", {"anonymous": DENIED, "applicant": 200, "outsider": 200})
    assert c["outsider"].get(C + "records/").json()["count"] == 0
    assert c["outsider_staff"].get(C + "records/").json()["count"] == 0
    assert c["applicant"].get(C + "records/").json()["count"] == 1
    R = C + f"records/{rid}/"
    check(
        "GET",
        R,
        {
            "anonymous": DENIED,
            "applicant": 200,
            "approver1": 200,
            "reviewer1": 200,
            "supervisor": 200,
            "stranger": 404,
            "outsider": 404,
            "outsider_staff": 404,
        },
    )
    repair = {"statement": "已补齐", "evidence": "回执"}
    check(
        "POST",
        R + "repairs/",
        {"anonymous": DENIED, "stranger": 404, "outsider": 404, "approver1": 403},
        repair,
    )
    pid = check("POST", R + "repairs/", {"applicant": 201}, repair).json()["id"]
    D = C + f"repairs/{pid}/decide/"
    decide = {"grant": True, "reason": "已纠正"}
    check(
        "POST",
        D,
        {
            "anonymous": DENIED,
            "outsider_staff": 404,
            "stranger": 404,
            "applicant": 403,
            "approver2": 403,
            "supervisor": 403,
        },
        decide,
    )
    assert check("POST", D, {"approver1": 200}, decide).json()["status"] == "granted"
    G = C + f"gates/deferral/?uscc={uscc}"
    check("GET", G, {"anonymous": DENIED, "applicant": 403, "clerk": 200, "supervisor": 200})
    assert c["clerk"].get(G).json()["allowed"] is True
    check("GET", C + "gates/nope/?uscc=x", {"clerk": 404})

    page = Client()
    assert page.get("/credit/").status_code == 302
    page.force_login(yinan["applicant"])
    assert page.get("/credit/").status_code == 200
    page.force_login(weifang["applicant"])
    response = page.get("/credit/")
    assert response.status_code == 200 and "容缺逾期" not in response.content.decode()
    assert (
        page.post("/credit/", {"record": rid, "statement": "x", "evidence": "y"}).status_code == 404
    )


@pytest.mark.django_db
def test_the_authority_enters_a_record_and_decides_its_repair_on_the_page():
    """Entering a record and deciding a repair were API-only; now page actions too."""
    yinan, weifang = _people("371321", "yn"), _people("370700", "wf")
    uscc = yinan["enterprise"].uscc
    page = Client()
    entered = {
        "action": "create",
        "uscc": uscc,
        "list_kind": "black",
        "level": "general",
        "reason": "提供虚假材料",
        "basis": "《行政许可法》第七十八条",
    }
    page.force_login(yinan["reviewer1"])  # not an authority: refused, audited
    assert page.post("/credit/", entered).status_code == 403
    page.force_login(yinan["approver1"])
    assert "credit-create-form" in page.get("/credit/").content.decode()
    assert page.post("/credit/", {**entered, "uscc": "nope"}).status_code == 400
    assert page.post("/credit/", {**entered, "expires_on": "soon"}).status_code == 400
    assert page.post("/credit/", entered).status_code == 302
    record = CreditRecord.objects.get(reason="提供虚假材料")
    assert record.authority.memberships.filter(user=yinan["approver1"]).exists()
    page.force_login(yinan["applicant"])
    asked = {"action": "repair", "record": str(record.public_id), "statement": "已更正"}
    assert page.post("/credit/", {**asked, "evidence": "更正通知书"}).status_code == 302
    repair = record.repairs.get()
    decide = {"action": "decide", "repair": str(repair.public_id), "grant": "yes"}
    assert page.post("/credit/", {**decide, "reason": "x"}).status_code == 403  # the subject
    for outsider in (weifang["approver1"], yinan["approver2"]):
        page.force_login(outsider)
        assert page.post("/credit/", {**decide, "reason": "x"}).status_code in {403, 404}
    page.force_login(yinan["approver1"])
    assert "repair-decide" in page.get("/credit/").content.decode()
    assert page.post("/credit/", decide).status_code == 400  # a reason is required
    assert page.post("/credit/", {**decide, "reason": "已纠正违法行为"}).status_code == 302
    record.refresh_from_db()
    repair.refresh_from_db()
    assert (record.status, repair.status) == ("repaired", "granted")
    assert page.post("/credit/", {"action": "?"}).status_code == 404
