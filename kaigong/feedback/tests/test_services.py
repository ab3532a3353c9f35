"""
The feedback loop through the services, on one world built once: invitations after each
occasion, the signed link (replay, forgery, expiry), a bad review's ticket on the
working-day clock, the appeal, the callback list and its seed, complaints.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

from django.db import transaction
from django.test import TestCase

import pytest
import time_machine

from kaigong.cases.constants import CaseStatus
from kaigong.cases.services.intake import case_refuse
from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.core.exceptions import PermissionDenied
from kaigong.core.relay import outbox_relay_run
from kaigong.feedback.constants import (
    CallbackMode,
    CallbackOutcome,
    EvaluationStatus,
    Level,
    Occasion,
    TicketStatus,
)
from kaigong.feedback.exceptions import InvitationExpired, InvitationInvalid, InvitationUsed
from kaigong.feedback.models import Invitation, Ticket
from kaigong.feedback.services.evaluations import (
    appeal_decide,
    appeal_file,
    evaluation_submit,
    indicator_sets_ensure,
)
from kaigong.feedback.services.tickets import ticket_act
from kaigong.feedback.tokens import invitation_token

from .conftest import feedback_staff


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    keys = tmp_path_factory.mktemp("keys")
    with (
        override_settings(KAIGONG_KEY_DIR=keys),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        indicator_sets_ensure()
        with time_machine.travel(MONDAY, tick=False):
            world = lifecycle_world()
            feedback_staff(world)
            with TestCase.captureOnCommitCallbacks(execute=True):
                case = CaseFactory(world=world, issued=True)
                others = [CaseFactory(world=world, issued=True) for _ in range(2)]
                refused = CaseFactory(world=world, submitted=True)
                case_refuse(
                    case=refused,
                    actor=world.clerk,
                    reason="申请事项不属于本机关职权范围",
                    legal_basis="《行政许可法》第三十二条第一款第二项",
                )
            outbox_relay_run()
        yield {"world": world, "case": case, "others": others, "refused": refused}
        transaction.set_rollback(True)


def test_each_occasion_gets_one_invitation_tied_to_department_and_staff(story, monday):
    case, world = story["case"], story["world"]
    rows = Invitation.objects.filter(case=case)
    assert sorted(rows.values_list("occasion", flat=True)) == [
        "acceptance",
        "decision",
        "decision",
        "issuance",
    ]
    assert case.status == CaseStatus.ISSUED
    decisions = rows.filter(occasion=Occasion.DECISION)
    assert decisions.count() == case.items.count()
    assert rows.filter(occasion=Occasion.ACCEPTANCE).get().staff == world.clerk
    for invitation in decisions:
        assert invitation.staff == invitation.item.approver
        assert invitation.department == invitation.item.department
        assert invitation.matter_version == invitation.item.matter_version


def _invitation(case, occasion=Occasion.DECISION) -> Invitation:
    return Invitation.objects.filter(case=case, occasion=occasion).order_by("id")[0]


def _forged(token: str) -> str:
    public_id, expiry, mac = token.split(".")
    return f"{public_id}.{expiry}.{'0' if mac[0] != '0' else '1'}{mac[1:]}"


def test_the_invitation_is_single_use_and_cannot_be_forged_or_used_late(story, monday):
    invitation = _invitation(story["others"][0], Occasion.ACCEPTANCE)
    token = invitation_token(invitation)
    public_id, expiry, _mac = token.split(".")

    # forged: another MAC, a later expiry with the old MAC, another invitation's id
    with pytest.raises(InvitationInvalid):
        evaluation_submit(token=_forged(token), level=Level.SATISFIED)
    with pytest.raises(InvitationInvalid):
        evaluation_submit(token=f"{public_id}.{int(expiry) + 86400}.{_mac}", level=5)
    other = _invitation(story["others"][1], Occasion.ACCEPTANCE)
    with pytest.raises(InvitationInvalid):
        evaluation_submit(token=f"{other.public_id.hex}.{expiry}.{_mac}", level=5)
    with pytest.raises(InvitationInvalid):
        evaluation_submit(token="garbage", level=5)

    # used after expiry (the rule's 30 days after the invitation was made on 2 March)
    monday.move_to(dt.datetime(2026, 4, 1, 10, 0, tzinfo=MONDAY.tzinfo))
    with pytest.raises(InvitationExpired):
        evaluation_submit(token=token, level=5)
    monday.move_to(MONDAY)

    # once: the first rating counts, the replay is refused and changes nothing
    evaluation = evaluation_submit(
        token=token, level=Level.VERY_SATISFIED, indicators=["efficiency"], text="很快"
    )
    with pytest.raises(InvitationUsed):
        evaluation_submit(token=token, level=Level.VERY_DISSATISFIED)
    evaluation.refresh_from_db()
    assert (evaluation.level, evaluation.indicators, evaluation.text) == (5, ["efficiency"], "很快")
    assert evaluation.staff == story["world"].clerk
    assert not Ticket.objects.filter(evaluation=evaluation).exists()


def test_an_unknown_indicator_is_refused_and_local_extras_are_kept_apart(story, monday):
    from kaigong.core.exceptions import InvalidInput

    token = invitation_token(_invitation(story["others"][1], Occasion.ISSUANCE))
    with pytest.raises(InvalidInput):
        evaluation_submit(token=token, level=4, indicators=["made_up"])
    evaluation = evaluation_submit(
        token=token, level=4, indicators=["convenience"], local_indicators=["once_done"]
    )
    assert evaluation.indicator_set.code == "gbt39734-online"
    assert evaluation.indicators == ["convenience"]
    assert evaluation.local_set.code == "local-online"
    assert evaluation.local_indicators == ["once_done"]


def test_a_bad_review_runs_verify_assign_rectify_feedback_and_the_callback_closes_it(story, monday):
    from kaigong.feedback.services.callbacks import callback_record

    world = story["world"]
    invitation = _invitation(story["case"])  # the first decision, D1's
    evaluation = evaluation_submit(
        token=invitation_token(invitation), level=Level.DISSATISFIED, text="审批人员态度冷淡"
    )
    ticket = Ticket.objects.get(evaluation=evaluation)
    assert (ticket.status, ticket.department) == (TicketStatus.VERIFYING, world.departments[0])

    # the department may not verify its own bad review; the centre's callback agent does
    with pytest.raises(PermissionDenied):
        ticket_act(ticket=ticket, actor=world.head1, action="verify", note="核实")
    ticket = ticket_act(ticket=ticket, actor=world.callback, action="verify", note="电话核实属实")
    # assigned on Wednesday 29 April 2026: 15 working days skip 1 May, 4–5 May (劳动节) and
    # count Saturday 9 May (调休上班): 30 Apr, 6, 7, 8, 9, 11–15, 18–22 May → Friday 22 May
    monday.move_to(dt.datetime(2026, 4, 29, 9, 0, tzinfo=MONDAY.tzinfo))
    ticket = ticket_act(ticket=ticket, actor=world.callback, action="assign", note="交办规划局")
    assert ticket.due_on == date(2026, 5, 22)

    # a stranger department's approver may not rectify; D1's head does
    with pytest.raises(PermissionDenied):
        ticket_act(ticket=ticket, actor=world.approver2, action="rectify", note="x")
    ticket = ticket_act(ticket=ticket, actor=world.head1, action="rectify", note="约谈并培训")
    ticket = ticket_act(ticket=ticket, actor=world.callback, action="feedback", note="已电话反馈")
    assert ticket.status == TicketStatus.FED_BACK
    followup = ticket.followups.get()

    # the follow-up call: not reached keeps it open, satisfied closes it
    callback_record(task=followup, actor=world.callback, outcome=CallbackOutcome.NOT_REACHED)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.FED_BACK
    callback_record(task=followup, actor=world.callback, outcome=CallbackOutcome.SATISFIED)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at is not None


def test_an_appeal_goes_to_a_second_person_and_an_upheld_one_annuls_the_rating(story, monday):
    from kaigong.feedback.selectors import evaluation_results

    world = story["world"]
    invitation = _invitation(story["others"][1])
    evaluation = evaluation_submit(
        token=invitation_token(invitation), level=Level.VERY_DISSATISFIED, text="乱评"
    )
    ticket = Ticket.objects.get(evaluation=evaluation)
    before = {r["unit"]: r for r in evaluation_results()}[evaluation.department.name]

    appeal = appeal_file(
        evaluation=evaluation,
        actor=world.head1 if evaluation.department == world.departments[0] else world.callback,
        ground="malicious",
        reason="评价人非申请人",
        evidence="办件全程按时，评价与事实不符",
    )
    # the filer may not review it, nor the rated approver
    with pytest.raises(PermissionDenied):
        appeal_decide(appeal=appeal, actor=appeal.filed_by, upheld=True, note="x")
    with pytest.raises(PermissionDenied):
        appeal_decide(appeal=appeal, actor=evaluation.staff, upheld=True, note="x")
    appeal = appeal_decide(appeal=appeal, actor=world.centre_admin, upheld=True, note="查实恶意")
    evaluation.refresh_from_db()
    ticket.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ANNULLED
    assert ticket.status == TicketStatus.CANCELLED
    after = {r["unit"]: r for r in evaluation_results()}.get(
        evaluation.department.name, {"total": 0, "l1": 0}
    )
    assert after["total"] == before["total"] - 1 and after["l1"] == before["l1"] - 1


def test_the_morning_list_in_binzhou_mode_holds_every_case_of_the_previous_working_day(
    story, monday
):
    from kaigong.feedback.services.callbacks import callback_list_build

    world = story["world"]
    # Tuesday 3 March: the list covers Monday 2 March, when all four cases concluded or were refused
    callback_list = callback_list_build(service_center=world.centre, on=date(2026, 3, 3))
    numbers = sorted(callback_list.tasks.values_list("case__number", flat=True))
    expected = sorted(
        [story["case"].number, story["refused"].number] + [c.number for c in story["others"]]
    )
    assert (callback_list.mode, callback_list.covers, numbers) == (
        CallbackMode.ALL_PREVIOUS_DAY,
        date(2026, 3, 2),
        expected,
    )
    # built again: the same list
    assert callback_list_build(service_center=world.centre, on=date(2026, 3, 3)) == callback_list
    # Monday 9 March covers Friday 6 March: nothing concluded then
    assert callback_list_build(service_center=world.centre, on=date(2026, 3, 9)).tasks.count() == 0


def test_the_risk_list_takes_every_denial_and_a_sample_reproducible_from_its_record(story, monday):
    import hashlib

    from kaigong.feedback.models import FeedbackRule
    from kaigong.feedback.services.callbacks import callback_list_build, callback_sample

    world = story["world"]
    FeedbackRule.objects.create(
        service_center=world.centre, callback_mode=CallbackMode.RISK_AND_SAMPLE, sample_percent=50
    )
    callback_list = callback_list_build(
        service_center=world.centre, on=date(2026, 3, 4) - timedelta(days=1)
    )
    tasks = {t.case.number: t.reason for t in callback_list.tasks.select_related("case")}
    # the refusal is always called; 50 % of the three others, rounded up: two
    assert tasks.pop(story["refused"].number) == "denial"
    assert sorted(tasks.values()) == ["sample", "sample"]
    pool = sorted(c.number for c in [story["case"], *story["others"]])
    assert callback_list.rule["pool"] == pool
    assert callback_list.rule["pool_sha256"] == hashlib.sha256("\n".join(pool).encode()).hexdigest()
    assert len(callback_list.seed) == 32
    # anyone holding the record redraws the same sample
    redrawn = callback_sample(
        callback_list.rule["pool"],
        seed=callback_list.seed,
        percent=callback_list.rule["sample_percent"],
    )
    assert redrawn == sorted(tasks)


def test_a_callback_problem_becomes_a_ticket_closed_only_after_feedback_and_its_callback(
    story, monday
):
    from kaigong.feedback.services.callbacks import callback_list_build, callback_record

    world = story["world"]
    callback_list = callback_list_build(service_center=world.centre, on=date(2026, 3, 3))
    task = callback_list.tasks.get(case=story["refused"])
    with pytest.raises(PermissionDenied):
        callback_record(task=task, actor=world.clerk, outcome="problem", note="x")
    callback_record(
        task=task, actor=world.callback, outcome="problem", note="窗口未说明不予受理理由"
    )
    ticket = Ticket.objects.get(callback=task)
    assert ticket.source == "callback" and ticket.status == TicketStatus.VERIFYING
    assert ticket.department is None  # a refusal at the window has no department's item
    d1 = world.departments[0]
    for action, actor in (("verify", world.callback), ("assign", world.callback),
                          ("rectify", world.centre_admin), ("feedback", world.callback)):  # fmt: skip
        ticket = ticket_act(
            ticket=ticket, actor=actor, action=action, note=f"{action} 记录", department=d1
        )
    assert ticket.status == TicketStatus.FED_BACK and ticket.feedback == "feedback 记录"
    callback_record(task=ticket.followups.get(), actor=world.callback, outcome="satisfied")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED


def test_callback_figures_count_done_reached_and_satisfied(story, monday):
    from kaigong.feedback.selectors import callback_figures
    from kaigong.feedback.services.callbacks import callback_list_build, callback_record

    world = story["world"]
    tasks = list(callback_list_build(service_center=world.centre, on=date(2026, 3, 3)).tasks.all())
    outcomes = ["satisfied", "reached", "not_reached", "problem"]
    for task, outcome in zip(tasks, outcomes, strict=True):
        callback_record(task=task, actor=world.callback, outcome=outcome, note="记录")
    figures = callback_figures(service_center_ids=[world.centre.pk])
    assert (figures["total"], figures["done"], figures["reached"], figures["satisfied"]) == (
        4,
        3,
        3,
        1,
    )
    assert figures["problems"] == 1 and figures["not_reached"] == 1
    assert callback_figures(service_center_ids=[world.other_centre.pk])["total"] == 0


def test_the_morning_job_builds_lists_on_working_days_only(story, monday):
    from kaigong.feedback.models import CallbackList
    from kaigong.feedback.services.callbacks import callback_lists_build_all

    centre = story["world"].centre
    # Saturday 7 March: no list; Monday 9 March: one (covering Friday), and only once
    assert callback_lists_build_all(on=date(2026, 3, 7)) == 0
    assert callback_lists_build_all(on=date(2026, 3, 9)) == 1
    assert callback_lists_build_all(on=date(2026, 3, 9)) == 0
    built = CallbackList.objects.get(service_center=centre, on=date(2026, 3, 9))
    assert built.covers == date(2026, 3, 6)


def test_deadline_warnings_come_once_within_two_working_days_of_the_deadline(story, monday):
    from kaigong.core.models import Notification
    from kaigong.feedback.services.complaints import complaint_register
    from kaigong.feedback.services.warnings import deadline_warnings_send

    world = story["world"]
    # received Tuesday 29 September 2026, simple: due Monday 12 October (see the hotline test)
    monday.move_to(dt.datetime(2026, 9, 29, 10, 0, tzinfo=MONDAY.tzinfo))
    complaint = complaint_register(
        actor=world.clerk,
        service_center=world.centre,
        channel="window",
        data={"title": "办不成", "content": "现场反映", "complainant_name": "钱七"},
    )
    assert complaint.due_on == date(2026, 10, 12)
    # Thursday 8 October: 3 working days left (9, 10 调休上班, 12) — no warning yet
    assert deadline_warnings_send(on=date(2026, 10, 8)) == 0
    # Friday 9 October: 2 left (10, 12) — warned once
    assert deadline_warnings_send(on=date(2026, 10, 9)) == 1
    assert deadline_warnings_send(on=date(2026, 10, 10)) == 0
    # not yet assigned: each of the centre's counter staff (clerk, callback agent, admin)
    warned = Notification.objects.filter(kind="feedback_complaint_due")
    assert {n.user for n in warned} == {world.clerk, world.callback, world.centre_admin}


def test_complaint_categories_take_5_10_15_working_days_and_close_on_confirmation(story, monday):
    from kaigong.feedback.services.complaints import complaint_act, complaint_register

    world = story["world"]
    monday.move_to(dt.datetime(2026, 9, 29, 10, 0, tzinfo=MONDAY.tzinfo))
    due = {}
    for category in ("simple", "complex", "hard"):
        due[category] = complaint_register(
            actor=world.applicant,
            service_center=world.centre,
            data={
                "title": "办不成",
                "content": "x",
                "complainant_name": "孙八",
                "category": category,
            },
        )
    # 30 Sep; 8, 9, 10 (Sat, worked), 12 | 13–16, 19 | 20–23, 26 (Oct 2026)
    assert {k: c.due_on for k, c in due.items()} == {
        "simple": date(2026, 10, 12),
        "complex": date(2026, 10, 19),
        "hard": date(2026, 10, 26),
    }
    complaint = due["simple"]
    with pytest.raises(PermissionDenied):  # the complainant may not assign
        complaint_act(complaint=complaint, actor=world.applicant, action="assign",
                      department=world.departments[1])  # fmt: skip
    complaint_act(complaint=complaint, actor=world.clerk, action="assign",
                  department=world.departments[1])  # fmt: skip
    with pytest.raises(PermissionDenied):  # another department may not answer
        complaint_act(complaint=complaint, actor=world.approver1, action="answer", text="x")
    complaint_act(complaint=complaint, actor=world.approver2, action="answer", text="已协调办理")
    complaint = complaint_act(
        complaint=complaint, actor=world.applicant, action="confirm", text="问题已解决，满意"
    )
    assert complaint.status == "closed" and complaint.answered_on == date(2026, 9, 29)
    escalated = complaint_act(
        complaint=due["hard"], actor=world.clerk, action="escalate", text="提交营商环境领导小组"
    )
    assert escalated.status == "escalated"
