"""
Step-level (环节) timers and the intermediary clock, against hand-computed values.

The hand-made calendar is the one of test_formulas (国庆 1–7 Oct 2026 off, Saturday 10 Oct
worked); November 2026 is plain: Mon 2, … Fri 6, Mon 9, … Fri 13.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from kaigong.calendars.workdays import Pause
from kaigong.supervision.metrics import (
    Interval,
    default_step_days,
    item_figures,
    step_figures,
)

from .test_formulas import CAL, facts

D = date


# -- the intermediary's days are not the government's -----------------------------------


def test_intermediary_time_is_subtracted_once_and_named():
    # accepted Mon 2 Nov, concluded Fri 13 Nov, limit 5: (2, 13] = 3 4 5 6 9 10 11 12 13 = 9.
    # An intermediary worked (4 Nov, 10 Nov] = 5 6 9 10; a pause on 9 Nov takes 9 first, so
    # the intermediary's are 5 6 10 = 3 and the pause's 1: 9 − 1 − 3 = 5, not more than 5.
    f = facts(
        finished_on=D(2026, 11, 13),
        pauses=(Pause(D(2026, 11, 9), D(2026, 11, 9), "检测"),),
        intermediary=(Interval(D(2026, 11, 5), D(2026, 11, 10), "中介服务（甲设计院）"),),
    )

    fig = item_figures(f, calendar=CAL, today=D(2026, 12, 1))

    assert (fig.gross_days, fig.special_days, fig.intermediary_days) == (9, 1, 3)
    assert fig.approval_days == 5 and fig.overdue is False
    assert [(s.party, s.start, s.end, s.working_days, s.reason) for s in fig.subtracted] == [
        ("intermediary", D(2026, 11, 5), D(2026, 11, 6), 2, "中介服务（甲设计院）"),
        ("special", D(2026, 11, 9), D(2026, 11, 9), 1, "检测"),
        ("intermediary", D(2026, 11, 10), D(2026, 11, 10), 1, "中介服务（甲设计院）"),
    ]
    # time by party: the intermediary's 3 days are not the government's
    # received Fri 30 Oct: 2 Nov government, 3 4 government, 5 6 intermediary, 9 special,
    # 10 intermediary, 11 12 13 government
    assert fig.by_party["intermediary"] == 3 and fig.by_party["government"] == 6


def test_without_the_intermediary_the_same_item_is_overdue():
    f = facts(finished_on=D(2026, 11, 13), pauses=(Pause(D(2026, 11, 9), D(2026, 11, 9), "检测"),))

    fig = item_figures(f, calendar=CAL, today=D(2026, 12, 1))

    assert fig.approval_days == 8 and fig.overdue is True


# -- steps (环节) -------------------------------------------------------------------------


LATER = D(2026, 12, 1)


def _steps(f, today=LATER, allowed=None):
    fig = item_figures(f, calendar=CAL, today=today)
    allowed = allowed or default_step_days(fig.limit_days)
    return fig, {
        s.step: s for s in step_figures(f, fig, calendar=CAL, today=today, allowed=allowed)
    }


def test_default_step_durations():
    # 受理 5 working days; the limit 7 shared: decision 7 // 5 = 1, review 6
    assert default_step_days(7) == {"acceptance": 5, "review": 6, "decision": 1}
    assert default_step_days(20) == {"acceptance": 5, "review": 16, "decision": 4}
    assert default_step_days(1) == {"acceptance": 5, "review": 1, "decision": 0}


def test_a_step_overruns_while_the_item_is_within_its_limit():
    # received Fri 30 Oct, accepted Mon 2 Nov (day 0), opinion Thu 5 Nov, decided Tue 10 Nov,
    # limit 7: the item (2, 10] = 6 working days, within 7.
    # 受理 (30 Oct, 2 Nov] = 2 Nov = 1; 审查 (2, 5] = 3 4 5 = 3; 决定 (5, 10] = 6 9 10 = 3 > 1
    f = facts(limit_days=7, finished_on=D(2026, 11, 10), steps=((D(2026, 11, 5), "decision"),))

    fig, steps = _steps(f)

    assert fig.approval_days == 6 and fig.overdue is False
    assert (steps["acceptance"].used_days, steps["acceptance"].allowed_days) == (1, 5)
    assert (steps["review"].used_days, steps["review"].allowed_days) == (3, 6)
    assert (steps["review"].start, steps["review"].end) == (D(2026, 11, 2), D(2026, 11, 5))
    decision = steps["decision"]
    assert (decision.used_days, decision.allowed_days) == (3, 1)
    assert (decision.start, decision.end) == (D(2026, 11, 5), D(2026, 11, 10))
    assert decision.overrun is True and decision.warning is True
    assert steps["review"].overrun is False and steps["review"].warning is False


def test_an_overdue_item_overrunning_a_step_is_red_not_a_step_warning():
    f = facts(limit_days=5, finished_on=D(2026, 11, 10), steps=((D(2026, 11, 5), "decision"),))

    fig, steps = _steps(f)

    assert fig.overdue is True
    assert steps["decision"].overrun is True and steps["decision"].warning is False


def test_a_pause_and_a_correction_are_subtracted_from_their_step():
    # received Mon 26 Oct, correction (27 Oct, 28 Oct] → the applicant's 28 Oct, accepted Fri
    # 30 Oct: 受理 (26, 30] = 27 28 29 30 = 4 − 1 = 3.
    # day 0 Fri 30 Oct, paused Wed 4 Nov (resumed Thu 5), opinion Fri 6 Nov, decided Mon 9:
    # 审查 (30 Oct, 6 Nov] = 2 3 4 5 6 = 5 − 1 (pause) = 4; 决定 (6, 9] = 9 = 1
    f = facts(
        received_on=D(2026, 10, 26), accepted_on=D(2026, 10, 30), clock_started_on=D(2026, 10, 30),
        finished_on=D(2026, 11, 9), limit_days=5,
        corrections=(Interval(D(2026, 10, 28), D(2026, 10, 28), "补正"),),
        pauses=(Pause(D(2026, 11, 4), D(2026, 11, 4), "专家评审"),),
        steps=((D(2026, 11, 6), "decision"),),
    )  # fmt: skip

    _fig, steps = _steps(f)

    acceptance, review, decision = steps["acceptance"], steps["review"], steps["decision"]
    assert (acceptance.gross_days, acceptance.used_days) == (4, 3)
    assert [(r.party, r.start, r.working_days) for r in acceptance.subtracted] == [
        ("applicant", D(2026, 10, 28), 1)
    ]
    assert (review.gross_days, review.used_days) == (5, 4)
    assert [(r.party, r.start, r.reason) for r in review.subtracted] == [
        ("special", D(2026, 11, 4), "专家评审")
    ]
    assert (decision.gross_days, decision.used_days) == (1, 1)


def test_a_send_back_returns_the_days_to_review():
    # opinion Thu 5, sent back Fri 6, opinion again Mon 9, decided Tue 10 Nov:
    # day 6 still 决定 (the change on the 6th counts from the 7th), 9 审查, 10 决定
    # 审查 = 3 4 5 9 = 4; 决定 = 6 10 = 2
    f = facts(
        limit_days=7, finished_on=D(2026, 11, 10),
        steps=((D(2026, 11, 5), "decision"), (D(2026, 11, 6), "review"), (D(2026, 11, 9), "decision")),
    )  # fmt: skip

    _fig, steps = _steps(f)

    assert steps["review"].used_days == 4 and steps["decision"].used_days == 2


def test_an_open_item_runs_its_current_step_to_today():
    # day 0 Mon 2 Nov, no opinion yet, seen Fri 6 Nov: 审查 3 4 5 6 = 4, running
    f = facts(limit_days=7)

    _fig, steps = _steps(f, today=D(2026, 11, 6))

    assert steps["review"].used_days == 4 and steps["review"].running is True
    assert steps["decision"].used_days == 0 and steps["decision"].start is None
    assert steps["acceptance"].running is False


# -- from the state log (the database) ------------------------------------------------------


@pytest.mark.django_db
def test_the_item_page_figures_read_the_steps_from_the_events_and_the_matters_durations():
    from kaigong.cases.tests.factories import (
        CaseFactory,
        decide_all,
        item_of,
        lifecycle_world,
        review_all,
    )
    from kaigong.supervision.models import StepLimit
    from kaigong.supervision.selectors import item_steps

    from .conftest import at

    with time_machine.travel(at(2026, 3, 2), tick=False) as clock:  # Mon 2 March: 受理
        world = lifecycle_world()
        case = CaseFactory(world=world, accepted=True)
        clock.move_to(at(2026, 3, 4))  # Wed 4: the opinions
        review_all(case, world)
        clock.move_to(at(2026, 3, 9))  # Mon 9: the decisions
        decide_all(case, world)
    item = item_of(case, "M1")
    StepLimit.objects.create(matter=item.matter_version.matter, step="decision", working_days=2)

    fig, steps = item_steps(item, on=date(2026, 3, 20))
    by_step = {s.step: s for s in steps}

    # 审查 (2, 4 Mar] = 3 4 = 2; 决定 (4, 9 Mar] = 5 6 9 = 3 > the matter's own 2
    assert fig.finished_on == date(2026, 3, 9)
    assert by_step["review"].used_days == 2
    assert by_step["decision"].used_days == 3 and by_step["decision"].allowed_days == 2
    assert by_step["decision"].source == "matter" and by_step["decision"].overrun is True

    # the item's supervision page shows the steps, in Chinese

    with time_machine.travel(at(2026, 3, 20), tick=False):
        page = _page_client(world.users["supervisor"]).get(f"/supervision/items/{item.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "环节用时" in html and "决定" in html and "环节超时" in html


@pytest.mark.django_db
def test_the_intermediary_contract_of_the_case_is_subtracted_in_the_job_figures():
    from kaigong.cases.tests.conftest import MONDAY
    from kaigong.cases.tests.factories import CaseFactory, item_of
    from kaigong.marketplace.services import (
        bid_submit,
        contract_file,
        deliverable_file,
        requests_advance,
    )
    from kaigong.marketplace.tests.world import market_world, open_request
    from kaigong.supervision.models import ItemMetric
    from kaigong.supervision.selectors import item_explained
    from kaigong.supervision.services import metrics_refresh

    from .conftest import SHANGHAI

    def day(d):
        return datetime(2026, 3, d, 10, 0, tzinfo=SHANGHAI)

    with time_machine.travel(MONDAY, tick=False) as clock:  # Mon 2 March 2026
        market = market_world(n_agencies=3)
        world = market.world
        case = CaseFactory(world=world, accepted=True)
        request = open_request(market, case=case)
        for i, price in enumerate(["20000", "20050", "20100"]):
            bid_submit(
                actor=market.intermediaries[i], request=request, agency=market.agencies[i],
                price=Decimal(price), contact_phone=f"1391111222{i}",
            )  # fmt: skip
        clock.move_to(MONDAY + timedelta(hours=3))
        requests_advance()
        request.refresh_from_db()
        winner = request.winner
        agent = market.intermediaries[market.agencies.index(winner.agency)]
        clock.move_to(day(6))
        contract_file(
            actor=world.applicant, request=request, price=winner.price, period_days=10,
            signed_on=date(2026, 3, 6),
        )  # fmt: skip
        clock.move_to(day(11))
        from django.core.files.uploadedfile import SimpleUploadedFile

        from kaigong.cases.tests.factories import PDF

        deliverable_file(
            actor=agent, request=request,
            file=SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf"),
        )  # fmt: skip
    item = item_of(case, "M1")

    fig = item_explained(item, on=date(2026, 3, 13))

    # (Mon 2, Fri 13 Mar] = 9 working days; the intermediary's (6, 11 Mar] = 9 10 11 = 3
    assert fig.gross_days == 9 and fig.intermediary_days == 3 and fig.approval_days == 6
    [line] = [s for s in fig.subtracted if s.party == "intermediary"]
    assert (line.start, line.end, line.working_days) == (date(2026, 3, 9), date(2026, 3, 11), 3)
    assert winner.agency.enterprise.name in line.reason

    metrics_refresh(on=date(2026, 3, 13), items=case.items.filter(pk=item.pk))
    metric = ItemMetric.objects.get(item=item)
    assert (metric.intermediary_days, metric.approval_days) == (3, 6)


def _page_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
