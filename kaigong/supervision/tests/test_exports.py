"""
Every table of the supervision pages exports to xlsx and CSV, audited: the item page's
figures, steps, time by party and signals; the thresholds; an order's steps; the signed
reports; the dashboard's reform table. The xlsx files are opened with openpyxl and their
rows checked against the data.

The red case's M1 seen Thu 12 March 2026: accepted (and received) Mon 2 March, limit 5,
(2, 12 Mar] = 8 working days, all in review (no opinion yet): review 8 of 4 (the default:
5 − 5 // 5), acceptance 0 of 5, decision 0 of 1.
"""

import csv
import io

from django.test import Client

import pytest
import time_machine
from openpyxl import load_workbook

from kaigong.core.models import AuditRecord
from kaigong.supervision.constants import PeriodKind, Step
from kaigong.supervision.models import Signal, SignalRule, StepLimit
from kaigong.supervision.services import (
    metrics_refresh,
    order_issue,
    order_reply,
    signals_raise,
    snapshot_freeze,
)

from .conftest import at
from .factories import SEEN_ON, m1, supervision_world

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def world(db):
    sw = supervision_world("x")
    item = m1(sw)
    with time_machine.travel(at(2026, 3, 12), tick=False):
        metrics_refresh(on=SEEN_ON)
        signals_raise(on=SEEN_ON)
    page = Client()
    page.force_login(sw.world.supervisor)
    return sw, item, page


def test_the_item_pages_tables_export(world):
    sw, item, page = world
    url = f"/supervision/items/{item.public_id}/"
    with time_machine.travel(at(2026, 3, 12), tick=False):
        steps = _rows(page.get(url + "?table=steps&format=xlsx"))
        figures = _rows(page.get(url + "?table=figures&format=xlsx"))
        signals = _rows(page.get(url + "?table=signals&format=xlsx"))
        party = _csv(page.get(url + "?table=party&format=csv"))

    # the header, then acceptance, review, decision: (used, allowed) by hand
    assert len(steps) == 4
    assert [(r[3], r[4]) for r in steps[1:]] == [(0, 5), (8, 4), (0, 1)]
    assert steps[2][6] == "环节超时"  # the review overran (the item is overdue as well)
    values = {r[0]: r[1] for r in figures[1:]}
    assert values["审批用时"] == 8 and values["办理时限"] == 5 and values["是否超期"] == "是"
    # one row a signal raised for the item, its approval days and limit as raised
    raised = Signal.objects.filter(item=item).order_by("raised_on", "id")
    assert len(signals) - 1 == raised.count() == 3
    assert {(r[3], r[4]) for r in signals[1:]} == {(8, 5)}
    # time by party: eight government days (3–6, 9–12 March) in the segments
    assert sum(int(r[3]) for r in party[1:]) == 8
    audited = AuditRecord.objects.filter(action="supervision.export").order_by("id")
    assert [(a.data["format"], a.data["rows"]) for a in audited] == [
        ("xlsx", 3), ("xlsx", 11), ("xlsx", 3), ("csv", len(party) - 1),
    ]  # fmt: skip
    assert all(a.object_id.startswith(f"item-{item.case.number}-") for a in audited)


def test_the_thresholds_export(world):
    sw, item, page = world
    SignalRule.objects.create(
        department=item.department, prompt_percent=70, yellow_percent=85, advice_after_days=4
    )
    StepLimit.objects.create(
        matter=item.matter_version.matter, step=Step.REVIEW, working_days=3, active=False
    )

    rules = _rows(page.get("/supervision/thresholds/?table=rules&format=xlsx"))
    limits = _rows(page.get("/supervision/thresholds/?table=steps&format=xlsx"))

    assert rules[1] == [item.department.name, "部门", 70, "", 85, 4, "是"]
    matter = item.matter_version.matter
    assert limits[1] == [matter.name, matter.code, "审查", 3, "否"]
    assert len(rules) == len(limits) == 2
    audited = AuditRecord.objects.filter(action="supervision.export").order_by("id")
    assert [(a.object_id, a.data["rows"]) for a in audited] == [
        ("signal-rules", 1),
        ("step-limits", 1),
    ]


def test_an_orders_steps_the_signed_reports_and_the_reform_table_export(world):
    sw, item, page = world
    w = sw.world
    with time_machine.travel(at(2026, 3, 12), tick=False):
        order = order_issue(
            actor=w.supervisor, department=item.department, item=item, subject="逾期督办",
            instruction="请说明", reply_days=3,
        )  # fmt: skip
    with time_machine.travel(at(2026, 3, 16), tick=False):
        order_reply(order=order, actor=sw.head, text="已办理")
        snapshot_freeze(kind=PeriodKind.MONTH, day=SEEN_ON, actor=w.supervisor)
        steps = _csv(page.get(f"/supervision/orders/{order.public_id}/?format=csv"))
        reports = _rows(page.get("/supervision/snapshots/?format=xlsx"))
        reform = _rows(page.get("/supervision/?table=reform&format=xlsx"))

    # issued Thu 12, replied Mon 16: (12, 16] = 13 and 16 March, two working days
    assert [(r[0], r[3], r[4]) for r in steps[1:]] == [
        ("已签发", "0", "请说明"),
        ("已回告", "2", "已办理"),
    ]
    assert reports[1][3] == 1 and reports[1][5] == "SM2 签名验证通过"
    assert len(reform) >= 2  # the header and one row per active bundle
    objects = list(
        AuditRecord.objects.filter(action="supervision.export")
        .order_by("id")
        .values_list("object_id", flat=True)
    )
    assert objects == [f"order-{order.number}", "snapshots", "dashboard-reform"]
