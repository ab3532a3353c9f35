"""
The role matrix of supervision: every API operation (``API_ROWS``) and every page
(``PAGE_ROWS``), called as each role, and as the department head of another jurisdiction
(潍坊, an outsider: 404 on every scoped object, 403 on the lists of a scope it lacks).

Roles: ``supervisor`` (every department), ``head`` (部门负责人 of D1, the red item's and the
register's unit), ``reviewer`` (reviewer of D1: orders and registers only), ``applicant``,
``clerk``, ``outsider`` (department head in 潍坊).
"""

from __future__ import annotations

from datetime import date

from django.test import Client

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import DepartmentFactory
from kaigong.cases.tests.api.conftest import client_for
from kaigong.supervision.constants import PeriodKind, Step
from kaigong.supervision.models import AuditBatch, SignalRule, StepLimit
from kaigong.supervision.services import (
    audit_compile,
    metrics_refresh,
    order_issue,
    signals_raise,
    snapshot_freeze,
)

from .conftest import at
from .factories import SEEN_ON, _user, m1, supervision_world

ROLES = ("supervisor", "head", "reviewer", "applicant", "clerk", "outsider")
#                 supervisor head reviewer applicant clerk outsider
VIEW = (200, 200, 403, 403, 403, 403)  # the dashboard's scope: supervisors, department heads
DEPT = (200, 200, 200, 403, 403, 200)  # lists of orders and registers (an outsider sees its own)
OBJ = (200, 200, 200, 404, 404, 404)  # one scoped object of D1
OUTSIDER_VIEW = (200, 200, 403, 403, 403, 200)  # the outsider heads its own department
NEW = (200, 403, 403, 403, 403, 403)  # a form that only supervisors fill (the thresholds)
THRESHOLD = (200, 200, 403, 403, 403, 404)  # one threshold row of D1 (its head reads it)

API_ROWS: dict[tuple[str, str], tuple[str, tuple[int, ...]]] = {
    ("GET", "/api/v1/supervision/dashboard/"): ("/api/v1/supervision/dashboard/", OUTSIDER_VIEW),
    ("GET", "/api/v1/supervision/queues/{queue}/"): ("/api/v1/supervision/queues/overdue/", OUTSIDER_VIEW),
    ("GET", "/api/v1/supervision/items/{public_id}/"): ("/api/v1/supervision/items/{item}/", OBJ),
    ("GET", "/api/v1/supervision/orders/"): ("/api/v1/supervision/orders/", DEPT),
    ("GET", "/api/v1/supervision/orders/{public_id}/"): ("/api/v1/supervision/orders/{order}/", OBJ),
    ("GET", "/api/v1/supervision/registers/"): ("/api/v1/supervision/registers/", DEPT),
    ("GET", "/api/v1/supervision/registers/{public_id}/"): ("/api/v1/supervision/registers/{batch}/", OBJ),
    ("GET", "/api/v1/supervision/statistics/"): ("/api/v1/supervision/statistics/?period=month&day=2026-03-12", OUTSIDER_VIEW),
    ("GET", "/api/v1/supervision/reform/"): ("/api/v1/supervision/reform/", OUTSIDER_VIEW),
    ("GET", "/api/v1/supervision/snapshots/"): ("/api/v1/supervision/snapshots/", OUTSIDER_VIEW),
    ("GET", "/api/v1/supervision/signal-rules/"): ("/api/v1/supervision/signal-rules/", OUTSIDER_VIEW),
    ("GET", "/api/v1/supervision/step-limits/"): ("/api/v1/supervision/step-limits/", OUTSIDER_VIEW),
}  # fmt: skip

PAGES: dict[str, tuple[str, tuple[int, ...]]] = {
    "supervision/": ("/supervision/", OUTSIDER_VIEW),
    "supervision/queues/<str:queue>/": ("/supervision/queues/overdue/", OUTSIDER_VIEW),
    "supervision/items/<uuid:public_id>/": ("/supervision/items/{item}/", OBJ),
    "supervision/orders/": ("/supervision/orders/", DEPT),
    "supervision/orders/<uuid:public_id>/": ("/supervision/orders/{order}/", OBJ),
    "supervision/registers/": ("/supervision/registers/", DEPT),
    "supervision/registers/<uuid:public_id>/": ("/supervision/registers/{batch}/", OBJ),
    "supervision/circulars/<uuid:public_id>/": ("/supervision/circulars/{circular}/", OBJ),
    "supervision/statistics/": ("/supervision/statistics/", OUTSIDER_VIEW),
    "supervision/reform/": ("/supervision/reform/", OUTSIDER_VIEW),
    "supervision/snapshots/": ("/supervision/snapshots/", OUTSIDER_VIEW),
    "supervision/thresholds/": ("/supervision/thresholds/", OUTSIDER_VIEW),
    "supervision/thresholds/rules/new/": ("/supervision/thresholds/rules/new/", NEW),
    "supervision/thresholds/rules/<uuid:public_id>/": ("/supervision/thresholds/rules/{rule}/", THRESHOLD),
    "supervision/thresholds/steps/new/": ("/supervision/thresholds/steps/new/", NEW),
    "supervision/thresholds/steps/<uuid:public_id>/": ("/supervision/thresholds/steps/{step}/", THRESHOLD),
}  # fmt: skip
PAGE_ROWS: set[str] = set(PAGES)


@pytest.fixture
def matrix_world(db):
    from kaigong.supervision.tests.test_services import circular_for

    sw = supervision_world("m")
    w = sw.world
    item = m1(sw)
    outsider = _user(
        Role.DEPARTMENT_HEAD, "wf-head", department=DepartmentFactory(region_code="370700")
    )
    with time_machine.travel(at(2026, 3, 12), tick=False):
        metrics_refresh(on=SEEN_ON)
        signals_raise(on=SEEN_ON)
        order = order_issue(
            actor=w.supervisor, department=item.department, item=item, subject="逾期督办",
            instruction="请说明", reply_days=3,
        )  # fmt: skip
        audit_compile(on=date(2026, 3, 6), force=True)
        snapshot_freeze(kind=PeriodKind.MONTH, day=SEEN_ON, actor=w.supervisor)
    batch = AuditBatch.objects.get()
    circular = circular_for(batch, w.supervisor, sw.supervisor2)
    rule = SignalRule.objects.create(department=item.department, prompt_percent=70)
    step = StepLimit.objects.create(
        matter=item.matter_version.matter, step=Step.REVIEW, working_days=3
    )
    users = {
        "supervisor": w.supervisor, "head": sw.head, "reviewer": w.reviewer1,
        "applicant": w.applicant, "clerk": w.clerk, "outsider": outsider,
    }  # fmt: skip
    ids = {"item": item.public_id, "order": order.public_id, "batch": batch.public_id,
           "circular": circular.public_id, "rule": rule.public_id, "step": step.public_id}  # fmt: skip
    return users, ids


def test_every_api_row_as_every_role(matrix_world):
    users, ids = matrix_world
    failures = []
    with time_machine.travel(at(2026, 3, 12), tick=False):
        for role in ROLES:
            client = client_for(users[role])
            for key, (url, expect) in API_ROWS.items():
                status = client.get(url.format(**ids)).status_code
                if status != expect[ROLES.index(role)]:
                    failures.append((key, role, status))
    assert failures == []


def test_every_page_as_every_role(matrix_world):
    users, ids = matrix_world
    failures = []
    with time_machine.travel(at(2026, 3, 12), tick=False):
        for role in ROLES:
            client = Client()
            client.force_login(users[role])
            for route, (url, expect) in PAGES.items():
                status = client.get(url.format(**ids)).status_code
                if status != expect[ROLES.index(role)]:
                    failures.append((route, role, status))
        anonymous = Client().get("/supervision/")
        applicant = Client()
        applicant.force_login(users["applicant"])
        home = applicant.get("/").content.decode()
        head = Client()
        head.force_login(users["head"])
        head_home = head.get("/").content.decode()
    assert failures == []
    # applicants see no supervision at all; a department head finds its view in the header
    assert "/supervision/" not in home
    assert 'href="/supervision/"' in head_home
    assert anonymous.status_code == 302  # to the login page


def test_writes_are_refused_outside_the_scope(matrix_world):
    users, ids = matrix_world
    with time_machine.travel(at(2026, 3, 13), tick=False):
        outsider = Client()
        outsider.force_login(users["outsider"])
        # another jurisdiction's head cannot even see the order (404), let alone reply
        assert (
            outsider.post(
                f"/supervision/orders/{ids['order']}/", {"action": "reply", "text": "x"}
            ).status_code
            == 404
        )
        reviewer = Client()
        reviewer.force_login(users["reviewer"])
        # the department's reviewer may reply, but never close
        assert (
            reviewer.post(f"/supervision/orders/{ids['order']}/", {"action": "close"}).status_code
            == 403
        )
        # the dashboard API is read-only: no write method at all
        assert (
            client_for(users["supervisor"]).post("/api/v1/supervision/dashboard/").status_code
            == 405
        )


def test_queues_statistics_and_audited_exports(matrix_world):
    import csv
    import io

    from openpyxl import load_workbook

    from kaigong.core.models import AuditRecord

    users, ids = matrix_world
    with time_machine.travel(at(2026, 3, 12), tick=False):
        api = client_for(users["supervisor"])
        overdue = api.get("/api/v1/supervision/queues/overdue/").json()["results"]
        corrections = api.get("/api/v1/supervision/queues/correction/").json()["results"]
        orders = api.get("/api/v1/supervision/queues/orders/").json()["results"]
        stats = api.get(
            "/api/v1/supervision/statistics/?period=month&day=2026-03-12&dimension=department"
        ).json()
        figures = api.get(f"/api/v1/supervision/items/{ids['item']}/").json()
        page = Client()
        page.force_login(users["supervisor"])
        xlsx = page.get("/supervision/queues/overdue/?format=xlsx")
        csv_response = page.get(f"/supervision/registers/{ids['batch']}/?format=csv")

    # both items of the red case (M1, M2: 8 working days against 5) are overdue; the other
    # case waits for its correction; one order is open
    assert sorted(r["matter"] for r in overdue) == ["建筑工程施工许可", "建设工程规划许可"]
    assert len(corrections) == 1 and len(orders) == 1
    # March by department: the lead department (规划局) received both cases, accepted one
    # (受理率 50 %); its item is overdue (逾期率 100 %)
    rows = {r["name"]: r for r in stats["rows"]}
    lead = rows["规划局"]
    assert (lead["received"], lead["accepted"], lead["acceptance_rate"]) == (2, 1, 50.0)
    assert (lead["items_accepted"], lead["overdue"], lead["overdue_rate"]) == (1, 1, 100.0)
    # February had nothing: the change is the whole figure
    assert lead["change"]["received"] == 2
    # the item's figures with the calendar's sentence for the promised date
    assert figures["approval_days"] == 8 and figures["by_party"]["government"] == 8
    assert "2026-03-09" in figures["promised_explanation"]

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3  # the header and the two overdue items
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert len(lines) == 2
    exports = AuditRecord.objects.filter(action="supervision.export").order_by("id")
    assert [(e.object_id, e.data["format"], e.data["rows"]) for e in exports] == [
        ("queue-overdue", "xlsx", 2),
        ("denial-register-2026-03-02", "csv", 1),
    ]
