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
from kaigong.certificates.models import PersonalKey
from kaigong.core.draw_services import draw_record
from kaigong.core.draws import draw_verify
from kaigong.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from kaigong.core.models import Notification
from kaigong.inspections.constants import ErrorCode, ReviewStatus
from kaigong.inspections.joint_services import (
    conflict_resolve,
    conflicts,
    consolidated_items,
    correction_respond,
    joint_review_conclude,
    joint_review_convene,
    letter_issue,
    letter_verify,
    opinion_add,
    opinion_fingerprint,
    opinion_sign,
    opinion_signature_verify,
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
            env, env2 = (
                ("环境影响报告表", "HJ 2.1-2016 第5.2条"),
                ("环境影响报告表", "HJ 2.1-2016 第5.3条"),
            )
            energy = ("节能报告", "GB/T 2589-2020")
            opinion_add(actor=a.user, review=jr, topic="environment", material=env[0], clause=env[1],
                        severity="must_fix", text="补充大气环境影响预测。")  # fmt: skip
            opinion_add(actor=b.user, review=jr, topic="environment", material="环境影响报告表 ",
                        clause="HJ2.1—2016 第 5.2 条".replace("—", "-"), severity="suggestion",
                        text="建议完善大气预测章节。")  # fmt: skip
            opinion_add(actor=c.user, review=jr, topic="environment", material=env2[0], clause=env2[1],
                        severity="must_fix", text="补充大气环境影响预测。")  # fmt: skip
            opinion_add(actor=world.reviewer1, review=jr, expert=a.public_id, topic="energy",
                        material=energy[0], clause=energy[1], severity="suggestion",
                        position="agree", text="综合能耗折标系数取值合理。")  # fmt: skip
            # the member department D2 (M2's) gives its own opinion: it contradicts a's 同意
            opinion_add(actor=world.reviewer2, review=jr, topic="energy", material=energy[0],
                        clause=energy[1], severity="must_fix", position="modify",
                        text="核实综合能耗折标系数，补充计算过程。")  # fmt: skip
            merged = consolidated_items(jr)
            unsigned_letter = _code(lambda: letter_issue(actor=world.reviewer1, review=jr))
            signatures = [
                opinion_sign(actor=a.user, review=jr),
                opinion_sign(actor=b.user, review=jr),
            ]
            after_signing = _code(lambda: opinion_add(
                actor=a.user, review=jr, topic="energy", material="x", clause="y",
                severity="suggestion", text="z"))  # fmt: skip
            one_unsigned = _code(lambda: letter_issue(actor=world.reviewer1, review=jr))
            signatures.append(opinion_sign(actor=c.user, review=jr))
            conflicting = conflicts(jr)
            conflict_open = _code(lambda: letter_issue(actor=world.reviewer1, review=jr))
            member_resolves = _code(lambda: conflict_resolve(
                actor=world.reviewer2, review=jr, key=conflicting[0]["key"], text="x"))  # fmt: skip
            jr = conflict_resolve(actor=world.reviewer1, review=jr, key=conflicting[0]["key"],
                                  text="会议议定：采纳D2意见，补充计算过程。")  # fmt: skip
            jr = letter_issue(actor=world.reviewer1, review=jr)
            letter_status = jr.status
            missing = _code(
                lambda: correction_respond(
                    actor=world.applicant, review=jr, responses={"1": "已补充"}
                )
            )
            jr = correction_respond(actor=world.applicant, review=jr,
                                    responses={"1": "已补充大气预测", "2": "已补充第5.3条内容",
                                               "3": "已补充能耗计算过程"})  # fmt: skip
            early_conclusion = _code(
                lambda: joint_review_conclude(actor=world.reviewer1, review=jr)
            )
            # round 2: only the three reopened items are reviewed again
            not_reopened = _code(lambda: opinion_add(
                actor=a.user, review=jr, topic="soil_water", material="水土保持方案", clause="GB 50433",
                severity="suggestion", text="新问题"))  # fmt: skip
            opinion_add(actor=a.user, review=jr, topic="environment", material=env[0], clause=env[1],
                        severity="suggestion", position="agree", text="已补充，同意。")  # fmt: skip
            opinion_add(actor=c.user, review=jr, topic="environment", material=env2[0], clause=env2[1],
                        severity="must_fix", text="第5.3条内容仍不完整。")  # fmt: skip
            opinion_add(actor=world.reviewer2, review=jr, topic="energy", material=energy[0],
                        clause=energy[1], severity="suggestion", position="agree", text="同意。")  # fmt: skip
            opinion_sign(actor=a.user, review=jr)
            opinion_sign(actor=c.user, review=jr)
            jr = letter_issue(actor=world.reviewer1, review=jr)
            second_status = jr.status
            jr = correction_respond(
                actor=world.applicant, review=jr, responses={"1": "已完善第5.3条"}
            )
            # round 3: the one item left
            for expert in (a, c):
                opinion_add(actor=expert.user, review=jr, topic="environment", material=env2[0],
                            clause=env2[1], severity="suggestion", position="agree", text="同意。")  # fmt: skip
                opinion_sign(actor=expert.user, review=jr)
            jr = letter_issue(actor=world.reviewer1, review=jr)
            third_status = jr.status
            jr = joint_review_conclude(actor=world.reviewer1, review=jr)
        yield {
            "world": world, "pool": pool, "case": case, "review": JointReview.objects.get(pk=jr.pk),
            "committed": committed, "merged": merged, "conflicts": conflicting,
            "statuses": (letter_status, second_status, third_status),
            "refused": (refused_size, refused_one, refused_outsider, missing),
            "quorum_refusals": (unsigned_letter, one_unsigned, after_signing),
            "conflict_refusals": (conflict_open, member_resolves),
            "round_refusals": (early_conclusion, not_reopened),
            "signatures": signatures, "items": (m1, m2), "panel": (a, b, c),
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
    # an expert's and a department's opinion on the same element are one item too
    assert merged[2]["topic"] == "energy" and merged[2]["severity"] == "must_fix"
    assert merged[2]["experts"] == [review["panel"][0].name, review["items"][1].department.name]
    assert structure_key("energy", "Ｘ 报告", "GB 1") == structure_key("energy", "x报告", "gb1")


def test_every_round_is_kept_and_a_resubmission_reopens_only_the_items_to_fix(review):
    jr = review["review"]
    assert review["statuses"] == (
        ReviewStatus.CORRECTION_REQUESTED,
        ReviewStatus.CORRECTION_REQUESTED,
        ReviewStatus.LETTER_ISSUED,
    )
    assert jr.status == ReviewStatus.CONCLUDED and jr.round == 3
    first, second, third = jr.letters.order_by("round")
    assert [first.round, second.round, third.round] == [1, 2, 3]
    assert [first.must_fix, second.must_fix, third.must_fix] == [3, 1, 0]
    assert first.responses == {
        "1": "已补充大气预测",
        "2": "已补充第5.3条内容",
        "3": "已补充能耗计算过程",
    }
    assert second.responses == {"1": "已完善第5.3条"} and third.responses == {}
    # round 2 re-reviewed the three reopened items and nothing else; round 3 the one left
    assert {m["clause"] for m in second.data["items"]} == {m["clause"] for m in first.data["items"]}
    assert [m["clause"] for m in third.data["items"]] == ["HJ 2.1-2016 第5.3条"]
    assert review["round_refusals"] == (ErrorCode.REVIEW_STATUS, ErrorCode.NOT_REOPENED)
    assert (
        Notification.objects.filter(
            kind="joint_review_letter", enterprise=review["case"].enterprise
        ).count()
        == 3
    )
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(first.pdf.open("rb").read())).pages
    ).replace("\n", "")
    for expected in (
        "联合评审汇总意见书",
        first.number,
        "共 3 项必须整改",
        "补充大气环境影响预测",
        "会议议定：采纳D2意见",
    ):
        assert expected in text, expected
    # the joint review decides nothing: both items are still in review, each department's own
    m1, m2 = review["items"]
    assert {CaseItem.objects.get(pk=m1.pk).status, CaseItem.objects.get(pk=m2.pk).status} == {
        ItemStatus.IN_REVIEW
    }


def test_every_letter_is_filed_in_the_projects_archive(review):
    from kaigong.archives.models import ArchiveDocument

    jr = review["review"]
    filed = {
        d.origin_id: d
        for d in ArchiveDocument.objects.filter(origin_type="inspections.reviewletter")
    }
    letters = list(jr.letters.order_by("round"))
    assert sorted(filed) == sorted(str(letter.public_id) for letter in letters)
    for letter in letters:
        document = filed[str(letter.public_id)]
        assert document.sm3 == letter.sm3 and document.kind == "opinion"
        assert document.folder.project_id == review["case"].project_id
        assert letter.number in document.title


def test_the_letter_needs_the_quorum_of_signed_expert_opinions(review):
    jr = review["review"]
    assert jr.quorum == 2  # more than half of three
    # none signed; two signed but one expert with opinions had not; an expert adds after signing
    assert review["quorum_refusals"] == (
        ErrorCode.QUORUM, ErrorCode.QUORUM, ErrorCode.ALREADY_SIGNED,
    )  # fmt: skip
    first = jr.letters.get(round=1)
    a, b, c = review["panel"]
    assert sorted(first.data["signed_by"]) == sorted([a.name, b.name, c.name])
    assert first.data["quorum"] == 2
    assert jr.opinion_signatures.filter(round=1).count() == 3
    assert jr.opinion_signatures.filter(round=2).count() == 2


def test_each_expert_signs_an_individual_opinion_that_detects_a_change(review):
    jr = review["review"]
    a = review["panel"][0]
    signature = jr.opinion_signatures.get(round=1, expert=a)
    # the signer is named inside what is signed, and signs with an own key
    assert signature.payload["expert"] == str(a.public_id)
    assert signature.key_id == PersonalKey.objects.get(user=a.user).key_id
    others = {s.key_id for s in jr.opinion_signatures.filter(round=1).exclude(expert=a)}
    assert others and signature.key_id not in others
    assert signature.payload["signer"] == str(a.user.public_id)
    assert len(signature.payload["opinions"]) == 2  # a's own and the one the lead minuted
    assert opinion_signature_verify(signature)
    assert opinion_fingerprint(signature)
    opinion = jr.opinions.filter(round=1, expert=a).first()
    opinion.text = "改过的意见"
    opinion.save(update_fields=["text"])
    assert not opinion_signature_verify(signature)


def test_the_chair_signs_the_letter_with_an_own_key(review):
    jr = review["review"]
    first = jr.letters.get(round=1)
    assert first.signed_by is not None
    assert first.key_id == PersonalKey.objects.get(user=first.signed_by).key_id
    check = letter_verify(first)
    assert check["ok"] and check["signature_ok"] and check["fingerprint"]
    first.data = {**first.data, "quorum": 1}
    assert not letter_verify(first)["signature_ok"]


def test_contradicting_opinions_are_flagged_and_must_be_resolved_before_the_letter(review):
    (conflict,) = review["conflicts"]
    a = review["panel"][0]
    d2 = review["items"][1].department
    assert conflict["clause"] == "GB/T 2589-2020"
    assert conflict["positions"] == {a.name: "agree", d2.name: "modify"}
    assert review["conflict_refusals"] == (ErrorCode.CONFLICTS_OPEN, ErrorCode.NOT_LEAD)
    first = review["review"].letters.get(round=1)
    (energy,) = [m for m in first.data["items"] if m["topic"] == "energy"]
    assert energy["conflict"] and energy["resolution"].startswith("会议议定")
    # the same positions without the contradiction: two who want changes are no conflict
    others = [m for m in first.data["items"] if m["topic"] == "environment"]
    assert others and not any(m["conflict"] for m in others)


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
