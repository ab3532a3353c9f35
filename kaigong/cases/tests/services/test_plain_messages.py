"""Messages name fields, actions, statuses and correction problems by their Chinese labels."""

from __future__ import annotations

from django.utils import translation

import pytest

from kaigong.cases.exceptions import TransitionNotAllowed
from kaigong.cases.models import Denial
from kaigong.cases.services.clock import item_pause
from kaigong.cases.services.intake import case_request_correction
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.core.exceptions import InvalidInput


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_a_refused_transition_names_the_action_and_the_status_by_label():
    error = TransitionNotAllowed(current="submitted", action="edit")

    assert str(error.message) == "当前状态为“已提交”，不能“编辑”。"


@pytest.mark.django_db
def test_a_pause_without_evidence_names_the_field_by_its_label(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)

    with pytest.raises(InvalidInput) as excinfo:
        item_pause(
            item=item_of(case, "M1"),
            actor=world.users["reviewer1"],
            kind="special_procedure",
            reason="专家评审",
            evidence="",
            planned_working_days=5,
        )

    assert str(excinfo.value.message) == "请填写证明材料。"


@pytest.mark.django_db
def test_the_correction_summary_names_problems_by_label(monday):
    world = lifecycle_world()
    case = CaseFactory(world=world, submitted=True)

    case_request_correction(
        case=case,
        actor=world.clerk,
        items=[{"kind": "material", "code": "m-drawings", "problem": "defective"}],
    )

    reason = Denial.objects.get(case=case).reason
    assert "defective" not in reason
    assert "（不符合要求）" in reason
