"""
Table tests of the province's formulas (metrics.item_figures) against hand-computed values,
on a hand-made calendar: 2026-10-01 … 10-07 holidays (国庆), Saturday 2026-10-10 worked
(调休上班), otherwise Monday–Friday.

Hand counts (the days counted are (受理, 办结], weekends and holidays skipped):
"""

from datetime import date, timedelta

import pytest

from kaigong.calendars.workdays import Pause, WorkCalendar
from kaigong.supervision.metrics import Interval, ItemFacts, group_figures, item_figures

HOLIDAYS = {date(2026, 10, d): False for d in range(1, 8)}
CAL = WorkCalendar(
    overrides={**HOLIDAYS, date(2026, 10, 10): True},
    known_years=frozenset({2026}),
    reasons={**{d: "国庆节" for d in HOLIDAYS}, date(2026, 10, 10): "国庆节调休上班"},
    kinds={**{d: "holiday" for d in HOLIDAYS}, date(2026, 10, 10): "in_lieu"},
)
D = date


def facts(**kw):
    base = {
        "received_on": D(2026, 10, 30),
        "accepted_on": D(2026, 11, 2),
        "clock_started_on": D(2026, 11, 2),
        "finished_on": None,
        "limit_days": 5,
    }
    base.update(kw)
    return ItemFacts(**base)


# (name, facts, today, approval, gross, correction, special, promised, overdue, span)
TABLE = [
    # Mon 21 Sep → Fri 25 Sep: 22, 23, 24, 25 = 4; promised 22 23 24 25 28 → 28 Sep
    ("plain week", facts(received_on=D(2026, 9, 18), accepted_on=D(2026, 9, 21),
     clock_started_on=D(2026, 9, 21), finished_on=D(2026, 9, 25)),
     D(2026, 12, 1), 4, 4, 0, 0, D(2026, 9, 28), False, 7),
    # Wed 30 Sep → Mon 12 Oct: 1–7 holiday, 8, 9, 10 (调休 Sat), 12 = 4; promised 8 9 10 12 13
    ("across 国庆 with 调休", facts(received_on=D(2026, 9, 29), accepted_on=D(2026, 9, 30),
     clock_started_on=D(2026, 9, 30), finished_on=D(2026, 10, 12)),
     D(2026, 12, 1), 4, 4, 0, 0, D(2026, 10, 13), False, 13),
    # Mon 2 Nov → Wed 11 Nov: 3 4 5 6 9 10 11 = 7, pause 4–8 Nov (resumed 9th) takes 4 5 6
    ("special procedure subtracted", facts(finished_on=D(2026, 11, 11),
     pauses=(Pause(D(2026, 11, 4), D(2026, 11, 8), "专家评审"),)),
     D(2026, 12, 1), 4, 7, 0, 3, D(2026, 11, 9), False, 12),
    # limit 3 + extension 2 = 5; Mon 2 → Tue 10 Nov: 3 4 5 6 9 10 = 6 > 5
    ("overdue despite extension", facts(limit_days=5, finished_on=D(2026, 11, 10)),
     D(2026, 12, 1), 6, 6, 0, 0, D(2026, 11, 9), True, 11),
    # the same with an extension of 3 (limit 6): 6 is not more than 6
    ("extension keeps it in time", facts(limit_days=6, finished_on=D(2026, 11, 10)),
     D(2026, 12, 1), 6, 6, 0, 0, D(2026, 11, 10), False, 11),
    # withdrawn Fri 13 Nov: 9 working days against 3, never overdue; the clock stopped
    ("withdrawn never overdue", facts(limit_days=3, finished_on=D(2026, 11, 13), withdrawn=True),
     D(2026, 12, 1), 9, 9, 0, 0, D(2026, 11, 5), False, 14),
    # terminated the same day: overdue (9 > 3), the clock stopped on the 13th
    ("terminated stops its clock", facts(limit_days=3, finished_on=D(2026, 11, 13)),
     D(2026, 12, 1), 9, 9, 0, 0, D(2026, 11, 5), True, 14),
    # correction 4–5 Nov inside the window: 3 4 5 6 = 4, minus 2 → 2, limit 2: not overdue
    ("correction subtracted", facts(limit_days=2, finished_on=D(2026, 11, 6),
     corrections=(Interval(D(2026, 11, 4), D(2026, 11, 5), "补正"),)),
     D(2026, 12, 1), 2, 4, 2, 0, D(2026, 11, 4), False, 7),
    # waiting item: day 0 is Thu 5 Nov → Mon 9 Nov: 6, 9 = 2
    ("clock from the prerequisite", facts(clock_started_on=D(2026, 11, 5), finished_on=D(2026, 11, 9)),
     D(2026, 12, 1), 2, 2, 0, 0, D(2026, 11, 12), False, 10),
    # open, seen on Fri 6 Nov: 3 4 5 6 = 4 > 3
    ("open item counts to today", facts(limit_days=3), D(2026, 11, 6), 4, 4, 0, 0,
     D(2026, 11, 5), True, 7),
    # the acceptance day counts: [2, 4 Nov] = 3 > 2; promised 2, 3 → 3 Nov
    ("acceptance day counts", facts(limit_days=2, count_start=True, finished_on=D(2026, 11, 4)),
     D(2026, 12, 1), 3, 3, 0, 0, D(2026, 11, 3), True, 5),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,f,today,approval,gross,corr,special,promised,overdue,span",
    TABLE,
    ids=[row[0] for row in TABLE],
)
def test_formula(name, f, today, approval, gross, corr, special, promised, overdue, span):
    fig = item_figures(f, calendar=CAL, today=today)

    assert fig.approval_days == approval
    assert fig.gross_days == gross
    assert fig.correction_days == corr
    assert fig.special_days == special
    assert fig.promised_on == promised
    assert fig.overdue is overdue
    assert fig.span_days == span


def test_the_holiday_figure_explains_itself():
    f = facts(received_on=D(2026, 9, 29), accepted_on=D(2026, 9, 30),
              clock_started_on=D(2026, 9, 30), finished_on=D(2026, 10, 12))  # fmt: skip

    fig = item_figures(f, calendar=CAL, today=D(2026, 12, 1))

    # seven holidays by name and Sunday 11 Oct skipped; Saturday 10 Oct counted as 调休
    assert [(s.day.day, s.reason) for s in fig.skipped] == [
        *((d, "国庆节") for d in range(1, 8)),
        (11, "周末"),
    ]
    assert fig.adjusted == (D(2026, 10, 10),)


def test_the_pause_is_named_as_subtracted():
    f = facts(
        finished_on=D(2026, 11, 11), pauses=(Pause(D(2026, 11, 4), D(2026, 11, 8), "专家评审"),)
    )

    fig = item_figures(f, calendar=CAL, today=D(2026, 12, 1))

    assert [(s.party, s.start, s.end, s.working_days, s.reason) for s in fig.subtracted] == [
        ("special", D(2026, 11, 4), D(2026, 11, 6), 3, "专家评审")
    ]


def test_time_by_party_each_working_day_once():
    # received Fri 30 Oct, accepted Mon 2 Nov, waiting to Thu 5, paused Fri 6 (resumed Mon 9),
    # approved Tue 10 with deferred materials that arrive Thu 12
    f = facts(
        clock_started_on=D(2026, 11, 5),
        finished_on=D(2026, 11, 10),
        pauses=(Pause(D(2026, 11, 6), D(2026, 11, 8), "检测"),),
        supplements=(Interval(D(2026, 11, 11), D(2026, 11, 12), "容缺补齐"),),
    )

    fig = item_figures(f, calendar=CAL, today=D(2026, 12, 1))

    # 2 Nov government (the acceptance day); 3, 4, 5 prerequisite; 6 special; 9, 10
    # government; 11, 12 applicant
    assert fig.by_party == {
        "special": 1, "applicant": 2, "intermediary": 0, "prerequisite": 3, "government": 3,
    }  # fmt: skip
    # the formula: (5 Nov, 10 Nov] = 6 9 10 = 3, minus the pause day 6 → 2
    assert fig.approval_days == 2


def test_correction_before_acceptance_is_the_applicants_time():
    # received Mon 26 Oct, correction notice Tue 27, resubmitted Thu 29, accepted Fri 30
    f = facts(
        received_on=D(2026, 10, 26), accepted_on=D(2026, 10, 30), clock_started_on=D(2026, 10, 30),
        finished_on=D(2026, 11, 3),
        corrections=(Interval(D(2026, 10, 28), D(2026, 10, 29), "补正"),),
    )  # fmt: skip

    fig = item_figures(f, calendar=CAL, today=D(2026, 12, 1))

    # 27 government (the window), 28 29 applicant, 30 government, 2 3 Nov government
    assert fig.by_party["applicant"] == 2
    assert fig.by_party["government"] == 4
    # 补正 before 受理 is outside (受理, 办结]: nothing subtracted
    assert fig.approval_days == 2 and fig.correction_days == 0


def test_bundle_level():
    a = item_figures(
        facts(limit_days=5, finished_on=D(2026, 11, 6)), calendar=CAL, today=D(2026, 12, 1)
    )
    b = item_figures(
        facts(limit_days=3, finished_on=D(2026, 11, 10)), calendar=CAL, today=D(2026, 12, 1)
    )
    c = item_figures(facts(limit_days=3), calendar=CAL, today=D(2026, 11, 4))

    done = group_figures([a, b], limit_days=7)
    running = group_figures([a, c])

    # a: 4 days of 5; b: 6 of 3 (overdue); the bundle 6 of 7 but an item overdue
    assert (done.concluded, done.finished_on, done.approval_days, done.overdue_items) == (
        True, D(2026, 11, 10), 6, 1,
    )  # fmt: skip
    assert done.overdue is True
    assert running.concluded is False and running.finished_on is None
    assert running.limit_days == 5 and running.overdue is False


def test_days_after_today_never_count():
    f = facts(limit_days=3)

    fig = item_figures(f, calendar=CAL, today=D(2026, 11, 2))

    assert fig.approval_days == 0 and fig.end_on == D(2026, 11, 2)
    assert fig.promised_on == D(2026, 11, 2) + timedelta(days=3)
