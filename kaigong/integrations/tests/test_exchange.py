"""
The SPGL export into a front database of its own (the ``exchange`` alias), from a case
walked through the services on known days; the figures recomputed from the front tables
with the provincial formulas match the ones computed by hand.

The case (沂南, calendar of 2026, a plain March):
  Mon 03-02 accepted; M1 and M2 start their clocks (promised 5 WD each).
  M2: opinion and approval on Tue 03-03.
  M1: special procedure (专家评审) Wed 03-04, resumed Mon 03-09; approved Fri 03-13.

By hand: 审批用时 = working days in (受理, 办结] minus the working days the clock stood.
  M2: (03-02, 03-03] = 1 WD; no pause → 1; promised 5 → not overdue.
  M1: (03-02, 03-13] = 03-03…03-06 and 03-09…03-13 = 9 WD; paused 03-04…03-08 = 3 WD
      (Wed, Thu, Fri) → 6; promised 5 → overdue.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connections
from django.test import Client

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.calendars.selectors import work_calendar
from kaigong.calendars.workdays import working_days_between
from kaigong.cases.models import CaseItem
from kaigong.cases.services.clock import item_pause, item_resume
from kaigong.cases.services.decision import item_decide
from kaigong.cases.services.review import item_opinion_submit
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.integrations.exchange import exchange_run, front_table_name
from kaigong.integrations.models import ExchangeRow, ExchangeRun, UploadStatus
from kaigong.integrations.spgl import (
    CORRECTION_END,
    CORRECTION_START,
    MATTER,
    PROCESS,
    PROJECT,
    SPECIAL,
)
from kaigong.supervision.selectors import item_explained

pytestmark = pytest.mark.django_db(databases=["default", "exchange"])

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


def front(table: str) -> list[dict]:
    connection = connections["exchange"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {front_table_name(connection, table)}")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _approve(item, world, n):
    item_opinion_submit(
        item=item, actor=world.users[f"reviewer{n}"], text="同意。", recommendation="approve"
    )
    item.refresh_from_db()
    item_decide(item=item, actor=world.users[f"approver{n}"], decision="approve")


def _figures(calendar) -> dict[str, tuple[int, bool]]:
    """审批用时 and 是否超期 per matter, from the front tables only (valid rows)."""
    matters = [r for r in front(MATTER) if int(r["SJYXBS"]) == 1]
    pauses = [r for r in front(SPECIAL) if int(r["SJYXBS"]) == 1]
    process = [r for r in front(PROCESS) if int(r["SJYXBS"]) == 1]
    figures = {}
    for row in matters:
        if not row["BJSJ"]:
            continue
        start, end = dt.date.fromisoformat(row["SLSJ"]), dt.date.fromisoformat(row["BJSJ"])
        used = working_days_between(start, end, calendar=calendar)
        stood = []  # (first day stopped, day it runs again)
        for p in pauses:
            if p["SPSXSLBM"] == row["SPSXSLBM"] and p["TBCXJSSJ"]:
                stood.append(
                    (dt.date.fromisoformat(p["TBCXKSSJ"]), dt.date.fromisoformat(p["TBCXJSSJ"]))
                )
        case_number = row["SPSXSLBM"].rsplit("-", 1)[0]
        starts = sorted(
            r["BLSJ"]
            for r in process
            if r["SPSXSLBM"] == case_number and r["BLZT"] == CORRECTION_START
        )
        ends = sorted(
            r["BLSJ"]
            for r in process
            if r["SPSXSLBM"] == case_number and r["BLZT"] == CORRECTION_END
        )
        for s, e in zip(starts, ends, strict=False):
            stood.append((dt.datetime.fromisoformat(s).date(), dt.datetime.fromisoformat(e).date()))
        for first, back in stood:
            # the working days in [first, back) that fall inside (start, end]
            lo, hi = max(first - dt.timedelta(days=1), start), min(back - dt.timedelta(days=1), end)
            if hi > lo:
                used -= working_days_between(lo, hi, calendar=calendar)
        figures[row["SPSXBM"]] = (used, used > int(row["CNBJSX"]))
    return figures


def test_the_front_tables_fill_correct_and_give_the_provincial_figures(settings):
    settings.KAIGONG_EXCHANGE_DATABASE = "exchange"
    # a province that takes child rows before their parent is accepted (holding: below)
    settings.KAIGONG_EXCHANGE_HOLD_CHILDREN = False
    with time_machine.travel(at(2), tick=False):
        world = lifecycle_world()
        case = CaseFactory(world=world, accepted=True)
        m1, m2 = item_of(case, "M1"), item_of(case, "M2")
        first = exchange_run()
    assert first.written > 0 and first.invalidated == 0

    # the first run: the project, both matters (not concluded), the process so far
    matters = {r["SPSXBM"]: r for r in front(MATTER)}
    assert set(matters) == {m1.matter_version.matter.code, m2.matter_version.matter.code}
    before = matters[m1.matter_version.matter.code]
    assert before["SLSJ"] == "2026-03-02" and before["BJSJ"] == ""
    assert before["XZQHDM"] == "371321" and int(before["SJYXBS"]) == 1
    assert before["SJSCZT"] == UploadStatus.PENDING and before["LSH"].startswith("371321")
    assert before["SPSXSLBM"] == f"{case.number}-01"

    with time_machine.travel(at(3), tick=False):
        _approve(item_of(case, "M2"), world, 2)
    with time_machine.travel(at(4), tick=False):
        item_pause(
            item=item_of(case, "M1"),
            actor=world.users["reviewer1"],
            kind="special_procedure",
            reason="专家评审",
            evidence="专家评审通知",
            planned_working_days=3,
        )
    with time_machine.travel(at(9), tick=False):
        item_resume(item=item_of(case, "M1"), actor=world.users["reviewer1"])
    with time_machine.travel(at(13), tick=False):
        _approve(item_of(case, "M1"), world, 1)
        second = exchange_run()
        again = exchange_run()

    # a correction: the row sent before comes again as invalid, then the new valid row
    assert second.invalidated >= 2 and again.written == 0 and again.invalidated == 0
    key = str(m1.public_id)
    history = list(ExchangeRow.objects.filter(table=MATTER, dfsjzj=key).order_by("id"))
    assert [(r.sjyxbs, r.current) for r in history] == [(1, False), (0, False), (1, True)]
    assert history[1].sjwxyy == "数据更正" and history[1].data == history[0].data
    assert history[2].supersedes_id == history[0].pk and history[1].supersedes_id == history[0].pk
    front_rows = [r for r in front(MATTER) if r["DFSJZJ"] == key]
    assert sorted((int(r["SJYXBS"]), r["BJSJ"]) for r in front_rows) == [
        (0, ""),
        (1, ""),
        (1, "2026-03-13"),
    ]
    # the special procedure as the clock saw it
    (pause,) = front(SPECIAL)
    assert (pause["TBCXKSSJ"], pause["TBCXJSSJ"], pause["TBCXLX"]) == (
        "2026-03-04",
        "2026-03-09",
        "1",
    )
    blzt = [r["BLZT"] for r in front(PROCESS) if r["SPSXSLBM"] == f"{case.number}-01"]
    assert "9" in blzt and "10" in blzt

    # then the provincial formulas on the front tables give the figures computed by hand
    figures = _figures(work_calendar("371321"))
    assert figures == {
        m1.matter_version.matter.code: (6, True),
        m2.matter_version.matter.code: (1, False),
    }
    # and the supervision dashboard's figures of the same items (kaigong/supervision, read
    # from the state log, not from the exchange) are the same
    for item in CaseItem.objects.filter(pk__in=[m1.pk, m2.pk]).select_related("case__project"):
        shown = item_explained(item, on=dt.date(2026, 3, 13))
        assert (shown.approval_days, shown.overdue) == figures[item.matter_version.matter.code]

    # the province accepts one row and refuses another; the next run reads it back
    connection = connections["exchange"]
    table = front_table_name(connection, MATTER)
    q = connection.ops.quote_name
    accepted, refused = (
        history[2].lsh,
        ExchangeRow.objects.get(table=MATTER, dfsjzj=str(m2.public_id), current=True).lsh,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {q('SJSCZT')} = '3' WHERE {q('LSH')} = %s", [accepted])
        cursor.execute(
            f"UPDATE {table} SET {q('SJSCZT')} = '2', {q('SBYY')} = %s WHERE {q('LSH')} = %s",
            ["PROJ_NOT_FOUND 项目代码不存在", refused],
        )
    with time_machine.travel(at(13, 15), tick=False):
        third = exchange_run()
    assert third.statuses == 2 and third.written == 0
    assert ExchangeRow.objects.get(lsh=accepted).sjsczt == UploadStatus.ACCEPTED
    refused_row = ExchangeRow.objects.get(lsh=refused)
    assert (refused_row.sjsczt, refused_row.sbyy) == ("2", "PROJ_NOT_FOUND 项目代码不存在")
    assert ExchangeRun.objects.filter(status="done").count() == 4


def _province_sets(table: str, lsh: str, status: str, reason: str = "") -> None:
    """The province writes its verdict into the front row (as its loader does)."""
    connection = connections["exchange"]
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {front_table_name(connection, table)} SET {q('SJSCZT')} = %s, "
            f"{q('SBYY')} = %s WHERE {q('LSH')} = %s",
            [status, reason, lsh],
        )


def _current(table: str, key) -> ExchangeRow:
    return ExchangeRow.objects.get(table=table, dfsjzj=str(key), current=True)


def test_children_wait_for_their_parent_to_be_accepted_also_after_a_refusal(settings):
    settings.KAIGONG_EXCHANGE_DATABASE = "exchange"
    settings.KAIGONG_EXCHANGE_HOLD_CHILDREN = True
    with time_machine.travel(at(2), tick=False):
        world = lifecycle_world()
        case = CaseFactory(world=world, accepted=True)
        m1, m2 = item_of(case, "M1"), item_of(case, "M2")
        project = case.project
        first = exchange_run()

    # only the project goes; its matters and the steps wait for it
    assert [r["DFSJZJ"] for r in front(PROJECT)] == [str(project.public_id)]
    assert front(MATTER) == [] and front(PROCESS) == []
    assert first.held > 0 and ExchangeRun.objects.get().rows_held == first.held
    # the administrator's integrations page shows the run's held rows beside the written ones
    admin = Client()
    admin.force_login(user_with_role(Role.CATALOG_ADMIN))
    page = admin.get("/integrations/").content.decode()
    assert "等待上级数据的行数" in page
    assert f'<td data-label="等待上级数据的行数">{first.held}</td>' in page
    parent = _current(PROJECT, project.public_id)

    # the province refuses the project: the children keep waiting
    _province_sets(PROJECT, parent.lsh, "2", "JSDD 建设地点为空")
    with time_machine.travel(at(2, 15), tick=False):
        refused = exchange_run()
    assert refused.statuses == 1 and refused.held == first.held
    assert front(MATTER) == [] and front(PROCESS) == []

    # M2 is decided while its row waits, and the project's address is corrected
    with time_machine.travel(at(3), tick=False):
        _approve(item_of(case, "M2"), world, 2)
        type(project).objects.filter(pk=project.pk).update(address="沂南县界湖街道振兴路1号")
        corrected = exchange_run()
    # the project: the refused row voided, then the corrected row; children still wait
    projects = sorted((int(r["SJYXBS"]), r["JSDD"]) for r in front(PROJECT))
    assert projects == sorted([(1, parent.data["JSDD"]), (0, parent.data["JSDD"]),
                               (1, "沂南县界湖街道振兴路1号")])  # fmt: skip
    assert corrected.invalidated == 1 and front(MATTER) == []
    # M2's waiting row was superseded before it was ever sent: dropped, not voided
    m2_rows = list(ExchangeRow.objects.filter(table=MATTER, dfsjzj=str(m2.public_id)))
    assert [(r.sjyxbs, r.current, r.dropped) for r in m2_rows] == [
        (1, False, True),
        (1, True, False),
    ]

    # the province accepts the corrected project: this run releases its children
    _province_sets(PROJECT, _current(PROJECT, project.public_id).lsh, "3")
    with time_machine.travel(at(3, 15), tick=False):
        released = exchange_run()
    matters = {r["DFSJZJ"]: r for r in front(MATTER)}
    assert set(matters) == {str(m1.public_id), str(m2.public_id)}
    assert {int(r["SJYXBS"]) for r in matters.values()} == {1}  # nothing voided for M2
    assert matters[str(m2.public_id)]["BJSJ"] == "2026-03-03"
    # the case's acceptance (a case-level step) went with the matters; a matter's steps
    # wait for their matter
    steps = front(PROCESS)
    assert {r["SPSXSLBM"] for r in steps} == {case.number}
    assert released.held > 0

    # the province accepts M2 but refuses M1: M2's steps go, M1's wait
    _province_sets(MATTER, _current(MATTER, m2.public_id).lsh, "3")
    _province_sets(MATTER, _current(MATTER, m1.public_id).lsh, "-1", "SPBMDM 部门代码不存在")
    with time_machine.travel(at(4), tick=False):
        item_pause(
            item=item_of(case, "M1"),
            actor=world.users["reviewer1"],
            kind="special_procedure",
            reason="专家评审",
            evidence="专家评审通知",
            planned_working_days=3,
        )
        exchange_run()
    by_matter = {r["SPSXSLBM"] for r in front(PROCESS)}
    assert f"{case.number}-02" in by_matter and f"{case.number}-01" not in by_matter
    # M1's pause (a step and a special procedure) waits for the corrected M1
    assert front(SPECIAL) == []
    waiting = ExchangeRow.objects.filter(sent_at__isnull=True, dropped=False)
    assert {(r.table, r.parent_key) for r in waiting} == {
        (PROCESS, str(m1.public_id)),
        (SPECIAL, str(m1.public_id)),
    }


def test_the_intermediary_services_of_the_marketplace_fill_their_table(settings):
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaigong.cases.tests.factories import PDF
    from kaigong.integrations.spgl import INTERMEDIARY
    from kaigong.marketplace.services import (
        bid_submit,
        contract_file,
        deliverable_file,
        requests_advance,
    )
    from kaigong.marketplace.tests.world import market_world, open_request

    settings.KAIGONG_EXCHANGE_DATABASE = "exchange"
    settings.KAIGONG_EXCHANGE_HOLD_CHILDREN = True
    with time_machine.travel(at(2), tick=False) as clock:
        market = market_world(n_agencies=3)
        world = market.world
        # bought from the guide before any case of the project: the project goes as parent
        request = open_request(market)
        for i, price in enumerate(["20000", "20050", "20100"]):
            bid_submit(
                actor=market.intermediaries[i],
                request=request,
                agency=market.agencies[i],
                price=Decimal(price),
                contact_phone=f"1391111222{i}",
            )
        clock.move_to(at(2, 13))
        requests_advance()
        request.refresh_from_db()
        winner = request.winner
        agent = market.intermediaries[market.agencies.index(winner.agency)]
        exchange_run()
        project_row = _current(PROJECT, world.project.public_id)
        assert project_row.data["XMMC"] == world.project.name
        assert front(INTERMEDIARY) == []  # waits for the project's acceptance
        _province_sets(PROJECT, project_row.lsh, "3")
        exchange_run()
        (chosen,) = front(INTERMEDIARY)
        assert (chosen["ZJFWZT"], chosen["XQFS"], chosen["ZJLX"]) == ("chosen", "random", "fiscal")
        assert chosen["ZJJGMC"] == winner.agency.enterprise.name
        assert chosen["ZJJGDM"] == winner.agency.enterprise.uscc
        assert chosen["ZBJE"] == str(winner.price) and chosen["HTQDRQ"] == ""
        assert chosen["XZQHDM"] == "371321" and chosen["DFSJZJ"] == str(request.public_id)

        clock.move_to(at(6))
        contract_file(
            actor=world.applicant,
            request=request,
            price=winner.price,
            period_days=2,
            signed_on=dt.date(2026, 3, 6),
        )
        exchange_run()
        clock.move_to(at(11))
        report = SimpleUploadedFile("设计图纸.pdf", PDF, content_type="application/pdf")
        deliverable = deliverable_file(actor=agent, request=request, file=report)
        exchange_run()

    # every step is a correction: the row before voided, then the new one
    rows = front(INTERMEDIARY)
    history = list(
        ExchangeRow.objects.filter(table=INTERMEDIARY, dfsjzj=str(request.public_id)).order_by("id")
    )
    assert [(r.sjyxbs, r.current) for r in history] == [
        (1, False),
        (0, False),
        (1, False),
        (0, False),
        (1, True),
    ]
    assert len(rows) == 5
    (valid,) = [r for r in rows if int(r["SJYXBS"]) == 1 and r["FWJG"]]
    # contract (Fri 03-06, 2 working days, due Tue 03-10), report filed Wed 03-11:
    # (03-06, 03-11] = Mon, Tue, Wed = 3 working days > 2 → overdue
    assert (valid["HTQDRQ"], valid["FWQX"], valid["YDWCRQ"]) == ("2026-03-06", "2", "2026-03-10")
    assert (valid["FWKSSJ"], valid["FWJSSJ"]) == ("2026-03-06", "2026-03-11")
    assert (valid["FWYS"], valid["SFCQ"], valid["FWJG"]) == ("3", "1", "1")
    assert valid["ZJFWZT"] == "delivered" and valid["CGWJZY"] == deliverable.sha256
    assert {r["SJWXYY"] for r in rows if int(r["SJYXBS"]) == 0} == {"数据更正"}
