"""
The joint review (多评合一): convened by the lead department for two items of one case, a
panel drawn with the verifiable draw after recusal, structured opinions merged by their
structure, one letter, one correction round, and each department still deciding alone.
"""

from __future__ import annotations

import io

from django.db import transaction
from django.test import override_settings

import pytest
import time_machine
from pypdf import PdfReader

from kaigong.cases.constants import ItemStatus
from kaigong.cases.models import CaseItem
from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.core.draw_services import draw_record
from kaigong.core.draws import draw_verify
from kaigong.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from kaigong.core.models import Notification
from kaigong.inspections.constants import ErrorCode, ReviewStatus
from kaigong.inspections.joint_services import (
    consolidated_items,
    correction_respond,
    joint_review_conclude,
    joint_review_convene,
    letter_issue,
    opinion_add,
    panel_draw_prepare,
    panel_draw_reveal,
    structure_key,
)
from kaigong.inspections.models import JointReview
from kaigong.inspections.selectors import joint_review_get_for

from .factories import expert_pool

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def review(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with override_settings(KAIGONG_KEY_DIR=keys), django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(MONDAY, tick=False):
            world = lifecycle_world()
            pool = expert_pool(world)
            case = CaseFactory(world=world, accepted=True)
            m1, m2 = item_of(case, "M1"), item_of(case, "M2")
            refused_size = _code(lambda: panel_draw_prepare(actor=world.reviewer1, review=joint_review_convene(
                actor=world.reviewer1, case=case, items=[m1.public_id, m2.public_id], title="x",
                panel_size=5)))  # fmt: skip
            refused_one = _code(lambda: joint_review_convene(
                actor=world.reviewer1, case=case, items=[m1.public_id], title="x"))  # fmt: skip
            refused_outsider = _code(lambda: joint_review_convene(
                actor=world.reviewer3, case=case, items=[m1.public_id, m2.public_id], title="x"))  # fmt: skip
            jr = joint_review_convene(actor=world.reviewer1, case=case,
                                      items=[m1.public_id, m2.public_id], title="多评合一联合评审",
                                      meeting="县政务服务中心三楼会议室", panel_size=3)  # fmt: skip
            jr = panel_draw_prepare(actor=world.reviewer1, review=jr)
            committed = draw_record(jr.draw)
            jr = panel_draw_reveal(actor=world.reviewer1, review=jr, witnesses=["纪检监察员 刘某"])
            panel = list(jr.panel.all())
            a, b, c = panel
            opinion_add(actor=a.user, review=jr, topic="environment", material="环境影响报告表",
                        clause="HJ 2.1-2016 第5.2条", severity="must_fix", text="补充大气环境影响预测。")  # fmt: skip
            opinion_add(actor=b.user, review=jr, topic="environment", material="环境影响报告表 ",
                        clause="HJ2.1—2016 第 5.2 条".replace("—", "-"), severity="suggestion",
                        text="建议完善大气预测章节。")  # fmt: skip
            opinion_add(actor=c.user, review=jr, topic="environment", material="环境影响报告表",
                        clause="HJ 2.1-2016 第5.3条", severity="must_fix", text="补充大气环境影响预测。")  # fmt: skip
            opinion_add(actor=world.reviewer1, review=jr, expert=a.public_id, topic="energy",
                        material="节能报告", clause="GB/T 2589-2020", severity="suggestion",
                        text="核实综合能耗折标系数。")  # fmt: skip
            merged = consolidated_items(jr)
            jr = letter_issue(actor=world.reviewer1, review=jr)
            letter_status = jr.status
            missing = _code(
                lambda: correction_respond(
                    actor=world.applicant, review=jr, responses={"1": "已补充"}
                )
            )
            jr = correction_respond(actor=world.applicant, review=jr,
                                    responses={"1": "已补充大气预测", "2": "已补充第5.3条内容"})  # fmt: skip
            jr = joint_review_conclude(actor=world.reviewer1, review=jr)
        yield {
            "world": world, "pool": pool, "case": case, "review": JointReview.objects.get(pk=jr.pk),
            "committed": committed, "merged": merged, "letter_status": letter_status,
            "refused": (refused_size, refused_one, refused_outsider, missing),
            "items": (m1, m2),
        }  # fmt: skip
        transaction.set_rollback(True)


def _code(fn):
    try:
        with transaction.atomic():
            fn()
    except (InvalidInput, PermissionDenied, Conflict, NotFound) as error:
        return error.code
    return None


def test_the_pool_is_recused_and_the_draw_verifies_from_its_published_record(review):
    jr = review["review"]
    assert sorted(r["expert"] for r in jr.recused) == ["孙关联", "钱雇员"]
    assert {r["reason"] for r in jr.recused} == {"employer", "declared_conflict"}
    record = draw_record(jr.draw)
    labels = " ".join(c["label"] for c in record["candidates"])
    assert "钱雇员" not in labels and "孙关联" not in labels and len(record["candidates"]) == 4
    # the commitment and list hash were published before the reveal, the seed was not
    assert review["committed"]["seed"] is None and review["committed"]["result"] == []
    assert review["committed"]["seed_commitment"] == record["seed_commitment"]
    assert draw_verify(record).ok
    assert sorted(str(e.public_id) for e in jr.panel.all()) == sorted(record["result"])


def test_opinions_merge_by_topic_material_and_clause_not_by_words(review):
    merged = review["merged"]
    assert len(merged) == 3
    first = merged[0]
    # the same clause written two ways is one requirement, the stricter severity wins
    assert first["clause"] == "HJ 2.1-2016 第5.2条" and first["severity"] == "must_fix"
    assert first["texts"] == ["补充大气环境影响预测。", "建议完善大气预测章节。"]
    # the same words under another clause stay a separate item
    assert merged[1]["clause"] == "HJ 2.1-2016 第5.3条" and merged[1]["severity"] == "must_fix"
    assert merged[2]["topic"] == "energy" and merged[2]["severity"] == "suggestion"
    assert structure_key("energy", "Ｘ 报告", "GB 1") == structure_key("energy", "x报告", "gb1")


def test_one_letter_one_correction_round_and_the_departments_decide_alone(review):
    jr = review["review"]
    assert review["letter_status"] == ReviewStatus.CORRECTION_REQUESTED
    assert jr.status == ReviewStatus.CONCLUDED
    assert jr.responses == {"1": "已补充大气预测", "2": "已补充第5.3条内容"}
    letters = Notification.objects.filter(
        kind="joint_review_letter", enterprise=review["case"].enterprise
    )
    assert letters.count() == 1
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(jr.letter_pdf.open("rb").read())).pages
    )
    text = text.replace("\n", "")
    for expected in (
        "联合评审汇总意见书",
        jr.letter_number,
        "共 2 项必须整改",
        "补充大气环境影响预测",
    ):
        assert expected in text, expected
    # the joint review decides nothing: both items are still in review, each department's own
    m1, m2 = review["items"]
    assert {CaseItem.objects.get(pk=m1.pk).status, CaseItem.objects.get(pk=m2.pk).status} == {
        ItemStatus.IN_REVIEW
    }


def test_refusals(review):
    assert review["refused"] == (
        ErrorCode.POOL_TOO_SMALL,  # four eligible experts, five wanted
        ErrorCode.REVIEW_ITEMS,
        ErrorCode.NOT_LEAD,
        ErrorCode.RESPONSE_MISSING,
    )


def test_outsiders_do_not_see_the_review_and_panel_experts_do(review):
    jr, world = review["review"], review["world"]
    with pytest.raises(NotFound):
        joint_review_get_for(world.stranger, jr.public_id)
    expert = jr.panel.first()
    assert joint_review_get_for(expert.user, jr.public_id).pk == jr.pk
