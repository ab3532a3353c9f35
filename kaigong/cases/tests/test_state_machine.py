"""
Random sequences of lifecycle actions, by anyone: whatever happens, the case never reaches
an illegal state and its history chain always verifies.
"""

from datetime import date
from unittest import mock

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kaigong.cases.constants import (
    ITEM_CONCLUDED_STATUSES,
    ITEM_OPEN_STATUSES,
    CaseStatus,
    ItemStatus,
)
from kaigong.cases.models import Case, CaseEvent
from kaigong.cases.services.acceptance import case_accept, case_accept_with_deferral
from kaigong.cases.services.clock import (
    item_extension_approve,
    item_extension_request,
    item_pause,
    item_resume,
)
from kaigong.cases.services.commitments import commitment_breach_check
from kaigong.cases.services.decision import item_decide, item_pre_approve
from kaigong.cases.services.events import case_event_chain_verify
from kaigong.cases.services.intake import (
    case_refuse,
    case_request_correction,
    case_resubmit,
    case_submit,
    case_withdraw,
)
from kaigong.cases.services.materials import case_material_upload
from kaigong.cases.services.review import item_opinion_submit, item_send_back
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, pdf_file
from kaigong.cases.workflow import CASE_TRANSITIONS, ITEM_TRANSITIONS
from kaigong.core.exceptions import DomainError

pytestmark = pytest.mark.django_db

CASE_REACHABLE = {s for (s, _a) in CASE_TRANSITIONS} | set(CASE_TRANSITIONS.values())
ITEM_REACHABLE = {s for (s, _a) in ITEM_TRANSITIONS} | set(ITEM_TRANSITIONS.values())
USERS = ["applicant", "clerk", "reviewer1", "approver1", "reviewer2", "approver2", "supervisor"]


def make_machine(world):
    class Lifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.case = CaseFactory(world=world, submitted=True)
            self.last_status = self.case.status

        def _try(self, fn):
            try:
                fn()
            except DomainError:
                pass  # a refused action is fine; an illegal state is not

        def _fresh(self):
            return Case.objects.get(pk=self.case.pk)

        def _item(self, index):
            items = list(self._fresh().items.order_by("order", "id"))
            return items[index % len(items)] if items else None

        @rule(user=st.sampled_from(USERS))
        def accept(self, user):
            self._try(lambda: case_accept(case=self._fresh(), actor=world.users[user]))

        @rule()
        def accept_deferred(self):
            commitment = {
                "text": "承诺",
                "signer_name": "张三",
                "materials": ["m-drawings"],
                "due_on": date(2026, 3, 6),
            }
            self._try(
                lambda: case_accept_with_deferral(
                    case=self._fresh(), actor=world.clerk, commitment=commitment
                )
            )

        @rule()
        def commitments_lapse(self):
            commitment_breach_check(on=date(2026, 3, 20))

        @rule()
        def refuse(self):
            self._try(
                lambda: case_refuse(
                    case=self._fresh(), actor=world.clerk, reason="r", legal_basis="b"
                )
            )

        @rule()
        def correction(self):
            items = [{"kind": "material", "code": "m-drawings", "problem": "defective"}]
            self._try(
                lambda: case_request_correction(case=self._fresh(), actor=world.clerk, items=items)
            )

        @rule()
        def resubmit(self):
            self._try(lambda: case_resubmit(case=self._fresh(), actor=world.applicant))

        @rule()
        def submit(self):
            self._try(lambda: case_submit(case=self._fresh(), actor=world.applicant))

        @rule()
        def withdraw(self):
            self._try(lambda: case_withdraw(case=self._fresh(), actor=world.applicant))

        @rule()
        def supply(self):
            self._try(
                lambda: case_material_upload(
                    case=self._fresh(),
                    actor=world.applicant,
                    material_code="m-drawings",
                    file=pdf_file(),
                )
            )

        @rule(
            index=st.integers(0, 1),
            user=st.sampled_from(USERS),
            recommendation=st.sampled_from(["approve", "deny"]),
        )
        def opinion(self, index, user, recommendation):
            item = self._item(index)
            if item is not None:
                self._try(
                    lambda: item_opinion_submit(
                        item=item,
                        actor=world.users[user],
                        text="意见",
                        recommendation=recommendation,
                    )
                )

        @rule(
            index=st.integers(0, 1),
            user=st.sampled_from(USERS),
            decision=st.sampled_from(["approve", "deny"]),
        )
        def decide(self, index, user, decision):
            item = self._item(index)
            if item is not None:
                self._try(
                    lambda: item_decide(
                        item=item,
                        actor=world.users[user],
                        decision=decision,
                        reason="r",
                        legal_basis="b",
                        applicant_rights="复议",
                    )  # fmt: skip
                )

        @rule(index=st.integers(0, 1), user=st.sampled_from(USERS))
        def pre_approve(self, index, user):
            item = self._item(index)
            if item is not None:
                self._try(lambda: item_pre_approve(item=item, actor=world.users[user]))

        @rule(index=st.integers(0, 1))
        def send_back(self, index):
            item = self._item(index)
            if item is not None:
                self._try(
                    lambda: item_send_back(
                        item=item, actor=world.users[f"approver{index % 2 + 1}"], reason="再审"
                    )
                )

        @rule(index=st.integers(0, 1), resume=st.booleans())
        def pause_or_resume(self, index, resume):
            item = self._item(index)
            if item is None:
                return
            actor = world.users[
                f"reviewer{item.department_id == world.departments[1].pk and 2 or 1}"
            ]
            if resume:
                self._try(lambda: item_resume(item=item, actor=actor))
            else:
                self._try(
                    lambda: item_pause(
                        item=item,
                        actor=actor,
                        kind="special_procedure",
                        reason="检测",
                        evidence="委托",
                        planned_working_days=5,
                    )
                )

        @rule(index=st.integers(0, 1))
        def extend(self, index):
            item = self._item(index)
            if item is None:
                return
            n = 2 if item.department_id == world.departments[1].pk else 1
            try:
                extension = item_extension_request(
                    item=item, actor=world.users[f"reviewer{n}"], working_days=3, reason="延"
                )
            except DomainError:
                return
            self._try(
                lambda: item_extension_approve(
                    extension=extension, actor=world.users[f"approver{n}"]
                )
            )

        @invariant()
        def legal_state(self):
            case = self._fresh()
            assert case.status in CASE_REACHABLE
            statuses = list(case.items.values_list("status", flat=True))
            assert all(s in ITEM_REACHABLE for s in statuses)
            if case.status in (
                CaseStatus.DRAFT,
                CaseStatus.SUBMITTED,
                CaseStatus.CORRECTION_REQUESTED,
                CaseStatus.REFUSED,
            ):
                assert statuses == []
            if case.status == CaseStatus.ACCEPTED:
                assert len(statuses) == 2
                assert any(s not in ITEM_CONCLUDED_STATUSES for s in statuses)
            if case.status in (CaseStatus.CONCLUDED, CaseStatus.ISSUED):
                assert all(s in ITEM_CONCLUDED_STATUSES for s in statuses)
            if case.status == CaseStatus.ISSUED:
                assert ItemStatus.APPROVED_DEFERRED not in statuses
            if case.status in (CaseStatus.WITHDRAWN, CaseStatus.HALTED):
                assert not any(s in ITEM_OPEN_STATUSES for s in statuses)
            conclusions = CaseEvent.objects.filter(case=case, data__action="conclude").count()
            assert conclusions == (
                1 if case.status in (CaseStatus.CONCLUDED, CaseStatus.ISSUED) else 0
            )

        @invariant()
        def chain_verifies(self):
            assert case_event_chain_verify(self.case) is None

    return Lifecycle


def test_random_action_sequences_keep_the_lifecycle_legal(monday):
    world = lifecycle_world()
    with (
        mock.patch("kaigong.certificates.services.certificates_issue_for_case", return_value=[]),
        mock.patch("kaigong.certificates.services.certificates_release_deferred", return_value=[]),
    ):
        run_state_machine_as_test(
            make_machine(world),
            settings=settings(
                max_examples=8,
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            ),
        )
