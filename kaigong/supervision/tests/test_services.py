"""
Supervision's services on a real world (cases built through the cases services): the
figures from the state log, the signal ladder raised once, a 督办 order's journey, the
weekly denial audit (a holiday Friday moves it; "improper" needs a second person), the
signed snapshot and its revision.
"""

from datetime import date

import pytest
import time_machine

from kaigong.calendars.tests.seeding import national_calendar_seeded
from kaigong.cases.constants import DenialKind
from kaigong.cases.models import Denial
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.models import AuditRecord, Notification
from kaigong.supervision.constants import Finding, OrderStatus, PeriodKind, SignalLevel
from kaigong.supervision.models import AuditBatch, ItemMetric, Signal
from kaigong.supervision.selectors import item_explained
from kaigong.supervision.services import (
    audit_compile,
    batch_confirm,
    batch_is_late,
    circular_close,
    circular_issue,
    circular_rectify,
    entry_review,
    entry_second_review,
    metrics_refresh,
    order_close,
    order_issue,
    order_reply,
    signals_raise,
    snapshot_freeze,
    snapshot_verify,
    week_compile_day,
)

from .conftest import at
from .factories import SEEN_ON, m1, supervision_world

pytestmark = pytest.mark.django_db


def test_the_week_of_a_supervisor():
    sw = supervision_world()
    w = sw.world
    item = m1(sw)

    # the figures from the state log: accepted Mon 2 Mar, seen Thu 12 Mar
    fig = item_explained(item, on=SEEN_ON)
    assert (fig.accepted_on, fig.approval_days, fig.limit_days) == (date(2026, 3, 2), 8, 5)
    assert fig.promised_on == date(2026, 3, 9) and fig.overdue is True
    assert [s.day.day for s in fig.skipped] == [7, 8]  # the weekend, by name
    assert fig.skipped[0].reason == "周末"

    # the job's figures, then the ladder: 8 of 5 → 预警, 黄牌, 红牌 (not 建议书: 3 < 5 over)
    with time_machine.travel(at(2026, 3, 12), tick=False):
        assert metrics_refresh(on=SEEN_ON) == 2
        first = signals_raise(on=SEEN_ON)
        again = signals_raise(on=SEEN_ON)
    assert (first, again) == (6, 0)
    levels = set(Signal.objects.filter(item=item).values_list("level", flat=True))
    assert levels == {SignalLevel.PROMPT, SignalLevel.YELLOW, SignalLevel.RED}
    assert ItemMetric.objects.get(item=item).overdue is True
    inbox = Notification.objects.filter(kind="supervision.signal")
    assert sorted(n.department_id for n in inbox) == sorted(d.pk for d in w.departments[:2])

    # a 督办 order from the red signal, replied by the head, closed by the supervisor
    red = Signal.objects.get(item=item, level=SignalLevel.RED)
    with time_machine.travel(at(2026, 3, 12), tick=False):
        order = order_issue(
            actor=w.supervisor, department=item.department, item=item, signal=red,
            subject="逾期督办", instruction="请说明逾期原因并限期办结", reply_days=3,
        )  # fmt: skip
    # Thu 12 + 3 working days: 13, 16, 17 → Tue 17 March
    assert order.reply_due_on == date(2026, 3, 17)
    assert Notification.objects.filter(
        kind="supervision.order", department=item.department
    ).exists()
    with pytest.raises(PermissionDenied):
        order_reply(order=order, actor=sw.other_head, text="不是我们的")
    with time_machine.travel(at(2026, 3, 16), tick=False):
        order_reply(order=order, actor=sw.head, text="已督促经办人，今日办结")
    with time_machine.travel(at(2026, 3, 17), tick=False):
        order_close(order=order, actor=w.supervisor, text="同意")
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    steps = [(s.kind, s.working_days) for s in order.steps.order_by("at")]
    # issued Thu 12; replied Mon 16 (13, 16: 2 working days); closed Tue 17 (1)
    assert steps == [("issued", 0), ("replied", 2), ("closed", 1)]
    with pytest.raises(Conflict):
        order_reply(order=order, actor=sw.head, text="again")

    # the correction of Monday 2 March is in Friday's register of its unit (the lead dept)
    assert Denial.objects.filter(kind=DenialKind.CORRECTION).count() == 1
    with time_machine.travel(at(2026, 3, 6, 18), tick=False):
        assert audit_compile(on=date(2026, 3, 5)) == 0  # Thursday: not the day
        assert audit_compile(on=date(2026, 3, 6)) == 1
        assert audit_compile(on=date(2026, 3, 6)) == 0  # idempotent
    batch = AuditBatch.objects.get()
    assert (batch.department, batch.compiled_on, batch.confirm_due_on) == (
        w.bundle.lead_department, date(2026, 3, 6), date(2026, 3, 9),
    )  # fmt: skip
    assert batch_is_late(batch, on=date(2026, 3, 10)) is True
    with time_machine.travel(at(2026, 3, 9), tick=False):
        batch_confirm(batch=batch, actor=sw.head, annotation="无异议")
    assert batch_is_late(batch, on=date(2026, 3, 20)) is False

    # "improper" needs a second, different person
    entry = batch.entries.get()
    entry_review(entry=entry, actor=w.supervisor, finding=Finding.IMPROPER, note="材料实际齐全")
    with pytest.raises(InvalidInput):
        circular_issue(
            department=batch.department, entries=[entry], actor=w.supervisor, text="通报"
        )
    with pytest.raises(PermissionDenied):
        entry_second_review(entry=entry, actor=w.supervisor, agree=True)
    entry_second_review(entry=entry, actor=sw.supervisor2, agree=True)
    entry.refresh_from_db()
    assert entry.finding_final is True

    # the 抽查通报 with 15 working days to rectify, tracked to closure
    with time_machine.travel(at(2026, 3, 10), tick=False):
        circular = circular_issue(
            department=batch.department, entries=[entry], actor=w.supervisor, text="抽查通报"
        )
    # Tue 10 March + 15 working days → Tue 31 March
    assert circular.rectify_due_on == date(2026, 3, 31)
    with pytest.raises(Conflict):
        circular_close(circular=circular, actor=w.supervisor)
    circular_rectify(circular=circular, actor=sw.head, report="已整改，组织培训")
    circular_close(circular=circular, actor=w.supervisor)
    assert AuditRecord.objects.filter(action__startswith="supervision.").count() >= 8


def test_a_holiday_friday_moves_the_compilation():
    national_calendar_seeded()  # real 2026 holidays, whatever ran before on this worker
    # 2026: 1 May (Friday) is 劳动节; the week's last working day is Thursday 30 April
    assert week_compile_day(date(2026, 4, 27)) == date(2026, 4, 30)
    assert week_compile_day(date(2026, 3, 2)) == date(2026, 3, 6)
    # 2026-10-01 … 10-08 国庆/中秋: the week of 5 October has no working day until Friday 9
    assert week_compile_day(date(2026, 10, 5)) == date(2026, 10, 9)
    assert audit_compile(on=date(2026, 5, 1)) == 0


def test_the_snapshot_verifies_and_a_tampered_one_fails():
    sw = supervision_world("s")
    with time_machine.travel(at(2026, 3, 12), tick=False):
        metrics_refresh(on=SEEN_ON)
        snap = snapshot_freeze(kind=PeriodKind.MONTH, day=SEEN_ON, actor=sw.world.supervisor)
    assert (snap.period_start, snap.period_end, snap.revision) == (
        date(2026, 3, 1), date(2026, 3, 31), 1,
    )  # fmt: skip
    # March: two cases received, one accepted (the other awaits correction), two items
    assert snap.figures[""]["received"] == 2
    assert snap.figures[""]["accepted"] == 1
    assert snap.figures[""]["corrections"] == 1
    assert snapshot_verify(snap) is True

    snap.figures[""]["accepted"] = 2
    assert snapshot_verify(snap) is False

    with pytest.raises(InvalidInput):
        snapshot_freeze(kind=PeriodKind.MONTH, day=SEEN_ON, actor=sw.world.supervisor)
    revised = snapshot_freeze(
        kind=PeriodKind.MONTH, day=SEEN_ON, actor=sw.world.supervisor, reason="补录一件"
    )
    assert (revised.revision, revised.supersedes_id) == (2, snap.pk)
    snap.refresh_from_db()
    assert snapshot_verify(snap) is True  # last month's numbers unchanged


def circular_for(batch, first, second):
    """An improper finding confirmed by a second person, and its circular (for other tests)."""
    entry = batch.entries.first()
    entry_review(entry=entry, actor=first, finding=Finding.IMPROPER, note="不当")
    entry_second_review(entry=entry, actor=second, agree=True)
    return circular_issue(department=batch.department, entries=[entry], actor=first, text="通报")


def test_the_job_moves_untouched_figures_forward_in_sql_as_the_formula_would():
    from kaigong.supervision.services import metrics_advance

    sw = supervision_world("a")
    item = m1(sw)
    with time_machine.travel(at(2026, 3, 12), tick=False):
        metrics_refresh(on=SEEN_ON)
    # Monday 16 March, nothing changed since Thursday: 13, 16 = 2 more working days
    later = date(2026, 3, 16)
    with time_machine.travel(at(2026, 3, 16), tick=False):
        assert metrics_advance(on=later) == 2
        assert metrics_refresh(on=later) == 0  # nothing left to read
    metric = ItemMetric.objects.get(item=item)
    fig = item_explained(item, on=later)
    assert (metric.approval_days, metric.government_days, metric.span_days) == (
        fig.approval_days, fig.by_party["government"], fig.span_days,
    ) == (10, 10, 14)  # fmt: skip
    assert metric.overdue is True and metric.computed_on == later
