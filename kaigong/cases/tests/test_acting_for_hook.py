"""
The acting-for hook (ADR 0002): cases asks the registered checker whether a helper may do
an action for the enterprise; without an answer the helper writes nothing, and an event a
helper causes under a mandate carries the mandate ("X 代 Y（委托书 M）").
"""

import pytest

from kaigong.cases.constants import CaseStatus
from kaigong.cases.permissions import can_edit_case, can_submit_case, can_withdraw_case
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, mandate_for, upload_all
from kaigong.core.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_helper_writes_only_the_actions_a_mandate_covers(monday):
    world = lifecycle_world()
    draft = CaseFactory(world=world)
    helper, stranger = world.helper, world.users["stranger"]

    # no checker answers: the helper reads (is assigned) but writes nothing
    assert not can_edit_case(helper, draft)
    assert not can_submit_case(helper, draft)

    with mandate_for(helper, frozenset({"upload"})):
        assert can_edit_case(helper, draft, "upload")
        assert not can_edit_case(helper, draft, "draft")
        assert not can_submit_case(helper, draft)
        assert not can_edit_case(stranger, draft, "upload")  # not assigned: no mandate helps

    # under correction every edit and the resubmission need "answer_corrections"
    draft.status = CaseStatus.CORRECTION_REQUESTED
    with mandate_for(helper, frozenset({"draft", "upload", "submit"})):
        assert not can_edit_case(helper, draft, "upload")
        assert not can_submit_case(helper, draft)
    with mandate_for(helper, frozenset({"answer_corrections"})):
        assert can_edit_case(helper, draft, "upload")
        assert can_submit_case(helper, draft)
        assert not can_withdraw_case(helper, draft)  # withdrawal is the enterprise's own


def test_a_submission_under_a_mandate_records_for_whom(monday):
    world = lifecycle_world()
    draft = CaseFactory(world=world)
    upload_all(draft, world.applicant)

    with pytest.raises(PermissionDenied) as excinfo:
        case_submit(case=draft, actor=world.helper)
    assert excinfo.value.code == "mandate_required"

    with mandate_for(world.helper, frozenset({"submit"})):
        submitted = case_submit(case=draft, actor=world.helper)

    event = submitted.events.order_by("-seq").first()
    assert event.actor == world.helper
    assert event.data["on_behalf"] == {
        "number": "WT-TEST",
        "enterprise": "测试企业",
        "agent": world.helper.username,
    }
    # the applicant's own events carry no on_behalf
    assert "on_behalf" not in submitted.events.order_by("seq").first().data
