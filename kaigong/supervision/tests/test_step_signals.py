"""
环节超时 as a signal: the periodic job raises it, once, when a step (受理/审查/决定) is over
its own duration although the item is within its limit; it reaches the department's inbox,
the step-overrun queue and the dashboard's counts.

The red case's M1 (limit 5 working days, default review 5 − 1 = 4) was accepted Mon 2 March
2026: (2, 4 Mar] = 2 working days in review, (2, 5 Mar] = 3, (2, 12 Mar] = 8 (overdue).
"""

from datetime import date

import pytest
import time_machine

from kaigong.core.models import Notification
from kaigong.supervision.constants import Queue, SignalLevel, Step
from kaigong.supervision.models import ItemMetric, Signal, StepLimit
from kaigong.supervision.selectors import queue_counts, queue_rows
from kaigong.supervision.services import supervision_sweep

from .conftest import at
from .factories import m1, supervision_world

pytestmark = pytest.mark.django_db

WED, THU = date(2026, 3, 4), date(2026, 3, 5)


def _sweep(day: date) -> dict:
    with time_machine.travel(at(day.year, day.month, day.day), tick=False):
        return supervision_sweep(on=day)


def _step_signals(item):
    return list(Signal.objects.filter(item=item, level=SignalLevel.STEP))


def test_the_job_twice_raises_a_step_overrun_once():
    sw = supervision_world()
    item = m1(sw)
    StepLimit.objects.create(matter=item.matter_version.matter, step=Step.REVIEW, working_days=2)

    first = _sweep(THU)
    again = _sweep(THU)

    signals = _step_signals(item)
    assert len(signals) == 1 and again["signals"] == 0 and first["signals"] >= 1
    metric = ItemMetric.objects.get(item=item)
    # 3 days in review against 2 allowed, the item 3 of 5: within its limit
    assert (metric.step, metric.step_used_days, metric.step_allowed_days) == ("review", 3, 2)
    assert metric.overdue is False
    assert signals[0].step == Step.REVIEW
    assert (signals[0].rule["used_days"], signals[0].rule["allowed_days"]) == (3, 2)
    inbox = Notification.objects.filter(kind="supervision.signal", department=item.department)
    assert inbox.count() == 1
    assert str(SignalLevel.STEP.label) in inbox.get().title
    # the supervisor's queue and the dashboard's count
    rows = queue_rows(None, Queue.STEP_OVERRUN, on=THU)
    assert [r["case"] for r in rows] == [item.case.number]
    assert queue_counts(None, on=THU)[Queue.STEP_OVERRUN] == len(rows)
    # the department head of another department does not see it
    other = {sw.world.departments[1].pk} - {item.department_id}
    assert queue_rows(other, Queue.STEP_OVERRUN, on=THU) == []


def test_a_step_within_its_duration_raises_nothing():
    sw = supervision_world()
    item = m1(sw)  # the default review: 4 working days; 3 used on Thursday

    _sweep(THU)

    metric = ItemMetric.objects.get(item=item)
    assert (metric.step, metric.step_used_days, metric.step_allowed_days) == ("review", 3, 4)
    assert _step_signals(item) == []


def test_the_next_days_advance_carries_the_step_over_its_duration():
    sw = supervision_world()
    item = m1(sw)
    StepLimit.objects.create(matter=item.matter_version.matter, step=Step.REVIEW, working_days=2)

    _sweep(WED)  # 2 of 2: not over
    assert _step_signals(item) == []
    moved = _sweep(THU)  # moved forward in SQL (not recomputed): 3 of 2

    assert moved["advanced"] >= 1
    assert ItemMetric.objects.get(item=item).step_used_days == 3
    assert [s.step for s in _step_signals(item)] == [Step.REVIEW]


def test_an_overdue_item_gets_the_red_card_not_a_step_overrun():
    sw = supervision_world()
    item = m1(sw)
    StepLimit.objects.create(matter=item.matter_version.matter, step=Step.REVIEW, working_days=2)

    _sweep(date(2026, 3, 12))  # 8 of 5: overdue

    assert _step_signals(item) == []
    assert Signal.objects.filter(item=item, level=SignalLevel.RED).exists()


def test_an_inactive_step_duration_is_not_applied():
    sw = supervision_world()
    item = m1(sw)
    StepLimit.objects.create(
        matter=item.matter_version.matter, step=Step.REVIEW, working_days=2, active=False
    )

    _sweep(THU)

    assert ItemMetric.objects.get(item=item).step_allowed_days == 4
    assert _step_signals(item) == []
