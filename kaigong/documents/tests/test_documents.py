"""
The written notices and decisions: each is issued by its event, says what the law requires,
verifies on the public page, fails verification once tampered with, is filed in the archive,
and is downloadable by whoever may see the case (404 for everyone else).

One story, built once for the module through the services with the hook's on-commit calls
run: case A accepted with a deferred material, its M1 paused, extended and approved, its M2
denied; case B sent a correction notice; case C refused.
"""

from __future__ import annotations

import io
import json
from datetime import date
from unittest import mock

from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.utils import timezone

import pytest
import time_machine
from pypdf import PdfReader
from rest_framework.test import APIClient

from kaigong.archives.models import ArchiveDocument
from kaigong.cases.constants import Decision, OfficialDocumentKind, Recommendation
from kaigong.cases.models import Case
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.clock import (
    item_extension_approve,
    item_extension_request,
    item_pause,
    item_resume,
)
from kaigong.cases.services.decision import item_decide
from kaigong.cases.services.drafting import case_create_draft, case_form_data_set
from kaigong.cases.services.intake import case_refuse, case_request_correction, case_submit
from kaigong.cases.services.review import item_opinion_submit
from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import item_of, lifecycle_world, upload_all, valid_form
from kaigong.certificates.crypto import sm3_hex
from kaigong.core.models import DeliveryStatus, Notification, OutboxDelivery, OutboxMessage
from kaigong.core.relay import outbox_relay_run
from kaigong.documents.models import OfficialDocument
from kaigong.documents.rendering import render_document_pdf
from kaigong.documents.services import document_issue, documents_issue_missing
from kaigong.documents.verification import document_verify

pytestmark = pytest.mark.django_db

K = OfficialDocumentKind


def _draft(world):
    case = case_create_draft(
        actor=world.applicant, project=world.project, bundle_code=world.bundle.code, matter_codes=[]
    )
    return case_form_data_set(case=case, actor=world.applicant, data=valid_form())


def _submitted(world, *, skip=()):
    case = _draft(world)
    upload_all(case, world.applicant, skip=skip)
    return case_submit(case=Case.objects.get(pk=case.pk), actor=world.applicant)


def _story(world):
    # case A: accepted on Monday 2 March with 设计图纸 deferred to Friday 6 March
    a = _submitted(world, skip=("m-drawings",))
    a = case_accept(
        case=Case.objects.get(pk=a.pk),
        actor=world.clerk,
        deferral={
            "text": "本单位承诺于期限内补齐容缺材料。",
            "signer_name": "张三",
            "materials": ["m-drawings"],
            "due_on": date(2026, 3, 6),
        },
    )
    m1 = item_of(a, "M1")
    item_pause(
        item=m1,
        actor=world.reviewer1,
        kind="special_procedure",
        reason="委托第三方检测",
        evidence="检测委托书",
        planned_working_days=4,
    )
    item_resume(item=item_of(a, "M1"), actor=world.reviewer1)
    extension = item_extension_request(
        item=item_of(a, "M1"), actor=world.reviewer1, working_days=10, reason="需要专家论证"
    )
    item_extension_approve(extension=extension, actor=world.approver1)
    item_opinion_submit(
        item=item_of(a, "M1"), actor=world.reviewer1, text="符合要求", recommendation="approve"
    )
    item_decide(item=item_of(a, "M1"), actor=world.approver1, decision=Decision.APPROVE)
    item_opinion_submit(
        item=item_of(a, "M2"),
        actor=world.reviewer2,
        text="不符合",
        recommendation=Recommendation.DENY,
    )
    item_decide(
        item=item_of(a, "M2"),
        actor=world.approver2,
        decision=Decision.DENY,
        reason="施工图未经审查合格",
        legal_basis="《建筑法》第八条",
        applicant_rights="可于六十日内向沂南县人民政府申请行政复议。",
    )
    # case B: a one-time correction notice of two things
    b = _submitted(world)
    case_request_correction(
        case=b,
        actor=world.clerk,
        items=[
            {"kind": "material", "code": "m-drawings", "problem": "defective", "note": "缺少签章"},
            {"kind": "field", "code": "contact_phone", "problem": "missing"},
        ],
        note="请一并补正",
    )
    # case C: refused at the window
    c = _submitted(world)
    case_refuse(
        case=c,
        actor=world.clerk,
        reason="申请事项不属于本机关职权范围",
        legal_basis="《行政许可法》第三十二条第一款第二项",
    )
    return {"a": Case.objects.get(pk=a.pk), "b": b, "c": Case.objects.get(pk=c.pk)}


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with (
        override_settings(KAIGONG_KEY_DIR=keys),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        with time_machine.travel(MONDAY, tick=False):
            world = lifecycle_world()
            with TestCase.captureOnCommitCallbacks(execute=True):
                cases = _story(world)
        yield {"world": world, **cases}
        transaction.set_rollback(True)


def _document(case, kind) -> OfficialDocument:
    return OfficialDocument.objects.get(case=case, kind=kind)


def _text(document: OfficialDocument) -> str:
    with document.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


# --- each document is issued by its event and says what the law requires ----------------


def test_the_acceptance_notice_lists_matters_due_dates_and_deferred_materials(story):
    document = _document(story["a"], K.ACCEPTANCE_NOTICE)
    text = _text(document)
    assert document.title == "受理通知书" and document.issuer_name == "沂南县政务服务中心"
    assert "开工建设有限公司" in text and story["a"].number in text
    assert "规划许可" in text and "施工许可" in text
    # promised due dates of the items at acceptance (5 WD from Mon 2 March)
    assert "2026年3月9日" in text
    # the deferred material and its due date
    assert "设计图纸" in text and "2026年3月6日" in text


def test_the_correction_notice_lists_everything_asked(story):
    text = _text(_document(story["b"], K.CORRECTION_NOTICE))
    assert "一次性补正告知书" in text
    for expected in ("设计图纸", "缺少签章", "不符合要求", "缺少", "请一并补正", "第三十二条"):
        assert expected in text, expected


def test_the_refusal_decision_gives_reasons_basis_and_remedies(story):
    document = _document(story["c"], K.REFUSAL_DECISION)
    text = _text(document)
    assert document.title == "不予受理决定书"
    assert "申请事项不属于本机关职权范围" in text
    assert "《行政许可法》第三十二条第一款第二项" in text
    for remedy in ("行政复议", "六十日", "人民政府", "行政诉讼", "六个月", "人民法院"):
        assert remedy in text, remedy


def test_the_denial_decision_gives_reasons_basis_and_remedies(story):
    document = _document(story["a"], K.DENIAL_DECISION)
    text = _text(document)
    assert document.title == "不予行政许可决定书"
    assert document.item == item_of(story["a"], "M2")
    assert document.issuer_name == item_of(story["a"], "M2").department.name
    assert "施工图未经审查合格" in text and "《建筑法》第八条" in text
    for remedy in ("六十日", "行政复议", "六个月", "行政诉讼", "沂南县人民政府"):
        assert remedy in text, remedy


def test_the_approval_decision_names_the_matter_and_the_held_certificate(story):
    document = _document(story["a"], K.APPROVAL_DECISION)
    text = _text(document)
    assert document.title == "准予行政许可决定书"
    assert "规划许可" in text and "准予行政许可" in text
    # approved while 设计图纸 is still deferred: the certificate is held
    assert "容缺" in text


def test_the_special_procedure_notice_says_how_long_it_takes(story):
    text = _text(_document(story["a"], K.SPECIAL_PROCEDURE_NOTICE))
    assert "特别程序告知书" in text and "委托第三方检测" in text
    # 4 working days from Monday 2 March, counting it: Thursday 5 March
    assert "4个工作日" in text and "2026年3月5日" in text
    assert "第四十五条" in text


def test_the_extension_notice_gives_days_and_reasons(story):
    text = _text(_document(story["a"], K.EXTENSION_NOTICE))
    assert "延期告知书" in text and "需要专家论证" in text and "10个工作日" in text
    assert "第四十二条" in text


def test_each_document_is_issued_once_and_filed_in_the_archive(story):
    documents = OfficialDocument.objects.filter(case__in=[story["a"], story["b"], story["c"]])
    assert sorted(documents.values_list("kind", flat=True)) == sorted(
        [
            K.ACCEPTANCE_NOTICE,
            K.SPECIAL_PROCEDURE_NOTICE,
            K.EXTENSION_NOTICE,
            K.APPROVAL_DECISION,
            K.DENIAL_DECISION,
            K.CORRECTION_NOTICE,
            K.REFUSAL_DECISION,
        ]
    )
    for document in documents:
        filed = ArchiveDocument.objects.get(
            origin_type="documents.officialdocument", origin_id=str(document.public_id)
        )
        assert filed.kind == "notice" and filed.sm3 == document.pdf_sm3
    # issuing again returns the first; the sweep finds nothing missing
    again = document_issue(kind=K.ACCEPTANCE_NOTICE, source=story["a"])
    assert again.pk == _document(story["a"], K.ACCEPTANCE_NOTICE).pk
    assert documents_issue_missing() == 0
    assert Notification.objects.filter(
        kind="document_issued", enterprise=story["world"].enterprise
    ).count() == len(documents)


# --- verification -----------------------------------------------------------------------


def test_the_qr_page_shows_the_document_and_that_it_verifies(story):
    document = _document(story["c"], K.REFUSAL_DECISION)
    page = Client().get(f"/documents/verify/{document.public_id}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "有效" in body and document.number in body and "不予受理决定书" in body
    assert body.count('class="badge green"') == 2  # digest and signature


def test_an_uploaded_copy_verifies_and_a_tampered_copy_does_not(story):
    document = _document(story["b"], K.CORRECTION_NOTICE)
    with document.pdf.open("rb") as handle:
        content = handle.read()
    tampered = content + b"%one more line\n"  # any changed byte
    url = f"/documents/verify/{document.public_id}/"

    genuine = Client().post(url, {"file": _named(content)})
    forged = Client().post(url, {"file": _named(tampered)})

    assert 'class="badge green"' in genuine.content.decode()
    assert "无效" in forged.content.decode()
    assert 'class="badge green"' not in forged.content.decode()


def _named(content: bytes):
    upload = io.BytesIO(content)
    upload.name = "copy.pdf"
    return upload


def test_a_stored_file_changed_in_storage_fails_verification(story):
    document = _document(story["a"], K.EXTENSION_NOTICE)
    storage, name = document.pdf.storage, document.pdf.name
    with storage.open(name, "rb") as handle:
        original = handle.read()
    try:
        storage.delete(name)
        storage.save(name, ContentFile(original.replace(b"/Title", b"/Tytle", 1)))
        page = Client().get(f"/documents/verify/{document.public_id}/")
    finally:
        storage.delete(name)
        storage.save(name, ContentFile(original))
    assert "无效" in page.content.decode()
    assert 'class="badge green"' not in page.content.decode()


def test_an_unknown_document_is_404_on_the_public_page():
    page = Client().get("/documents/verify/00000000-0000-4000-8000-000000000000/")
    assert page.status_code == 404


# --- who may download -------------------------------------------------------------------


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_applicant_downloads_from_the_case_page_and_an_outsider_gets_404(story):
    world, case = story["world"], story["a"]
    document = _document(case, K.DENIAL_DECISION)
    pdf_url = f"/cases/{case.public_id}/documents/{document.public_id}/pdf/"

    page = _login(world.applicant).get(f"/cases/{case.public_id}/")
    mine = _login(world.applicant).get(pdf_url)
    staff = _login(world.reviewer2).get(pdf_url)
    item_page = _login(world.reviewer2).get(f"/workbench/items/{document.item.public_id}/")
    outsider = _login(world.stranger).get(pdf_url)
    other_clerk = _login(world.other_clerk).get(pdf_url)

    assert pdf_url in page.content.decode() and "文书" in page.content.decode()
    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    assert b"".join(mine.streaming_content).startswith(b"%PDF")
    assert staff.status_code == 200
    assert pdf_url in item_page.content.decode()  # the item page lists the item's documents
    assert outsider.status_code == 404 and other_clerk.status_code == 404


def test_the_api_lists_a_cases_documents_and_serves_their_pdf(story, api_client):
    world, case = story["world"], story["a"]
    api_client.force_authenticate(world.applicant)
    listed = api_client.get(f"/api/v1/cases/{case.public_id}/documents/")
    kinds = {row["kind"] for row in listed.json()}
    first = listed.json()[0]
    pdf = api_client.get(first["pdf_url"])

    api_client.force_authenticate(world.stranger)
    hidden_list = api_client.get(f"/api/v1/cases/{case.public_id}/documents/")
    hidden_pdf = api_client.get(first["pdf_url"])

    assert listed.status_code == 200
    assert kinds == {
        K.ACCEPTANCE_NOTICE,
        K.SPECIAL_PROCEDURE_NOTICE,
        K.EXTENSION_NOTICE,
        K.APPROVAL_DECISION,
        K.DENIAL_DECISION,
    }
    assert first["number"].startswith(case.number)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hidden_list.status_code == 404 and hidden_pdf.status_code == 404
    assert hidden_list["Content-Type"].startswith("application/problem+json")


AFTER_COMMIT = override_settings(KAIGONG_CERTIFICATES_RENDER_INLINE=False)  # production's


def _accepted_after_commit(world):
    """A case accepted as in production: its 受理通知书 recorded, rendered after commit."""
    with AFTER_COMMIT:
        return case_accept(case=Case.objects.get(pk=_submitted(world).pk), actor=world.clerk)


def _comparable(data):
    """A document's data without what names the document or its case (ids, numbers)."""
    named = ("document_id", "number", "case_number")
    text = json.dumps({k: v for k, v in data.items() if k not in named}, ensure_ascii=False)
    for case in Case.objects.all():
        text = text.replace(case.number, "<case>")
    return json.loads(text)


def test_a_document_is_recorded_with_its_event_and_rendered_after_commit(tmp_path, settings):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        case = _accepted_after_commit(world)
    # the notice exists at once, numbered and dated, 生成中: no PDF, digest or signature yet,
    # not filed, not announced; its message for the relay was written with it
    document = _document(case, K.ACCEPTANCE_NOTICE)
    assert document.rendered_at is None and not document.pdf and not document.signature_hex
    assert document.number == f"{case.number}-SL01" and document.data["number"] == document.number
    assert not ArchiveDocument.objects.filter(origin_id=str(document.public_id)).exists()
    announced = Notification.objects.filter(
        kind="document_issued", link__startswith=f"/cases/{case.public_id}/"
    )
    assert not announced.exists()
    assert (
        OutboxMessage.objects.filter(
            topic="internal.documents.render", key=str(case.public_id)
        ).count()
        == 1
    )
    # whoever may see the case is told it is being prepared, in Chinese, never a 500
    api = APIClient()
    api.force_authenticate(world.applicant)
    listed = api.get(f"/api/v1/cases/{case.public_id}/documents/").json()
    assert [(row["number"], row["rendered"]) for row in listed] == [(document.number, False)]
    pdf = api.get(listed[0]["pdf_url"])
    assert pdf.status_code == 409 and pdf.json()["code"] == "document_being_prepared"
    assert "正在生成" in pdf.json()["detail"]
    browser = Client()
    browser.force_login(world.applicant)
    page = browser.get(f"/cases/{case.public_id}/documents/{document.public_id}/pdf/")
    assert page.status_code == 409 and "正在生成" in page.content.decode()
    detail = browser.get(f"/cases/{case.public_id}/").content.decode()
    assert "生成中" in detail
    verify = Client().get(f"/documents/verify/{document.public_id}/")
    assert verify.status_code == 200 and "生成中" in verify.content.decode()
    # when the relay runs: rendered, signed, filed and announced; it verifies
    outbox_relay_run()
    document.refresh_from_db()
    assert document.rendered_at is not None
    assert document_verify(document.public_id).status == "valid"
    filed = ArchiveDocument.objects.get(origin_id=str(document.public_id))
    assert filed.sm3 == document.pdf_sm3
    assert announced.count() == 1
    assert api.get(listed[0]["pdf_url"]).status_code == 200


def test_a_document_rendered_after_commit_is_the_one_rendered_in_the_transaction(
    tmp_path, settings
):
    # given two cases alike, accepted the same day: one notice rendered as soon as the
    # accepting transaction committed (as before), the other rendered by the relay
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        with TestCase.captureOnCommitCallbacks(execute=True):  # as before: on commit
            inline = case_accept(case=Case.objects.get(pk=_submitted(world).pk), actor=world.clerk)
        assert _document(inline, K.ACCEPTANCE_NOTICE).rendered_at is not None
        relayed = _accepted_after_commit(world)
        assert _document(relayed, K.ACCEPTANCE_NOTICE).rendered_at is None
        outbox_relay_run()
    before, after = _document(inline, K.ACCEPTANCE_NOTICE), _document(relayed, K.ACCEPTANCE_NOTICE)
    # then they say the same thing, and both verify (digest of the stored PDF, signature)
    assert _comparable(after.data) == _comparable(before.data)
    assert _text(after).replace(relayed.number, "").replace(after.data["document_id"], "") == (
        _text(before).replace(inline.number, "").replace(before.data["document_id"], "")
    )
    assert document_verify(after.public_id).status == "valid"
    assert document_verify(before.public_id).status == "valid"
    # and the relay's PDF is the one its recorded data renders to (deterministic)
    assert sm3_hex(render_document_pdf(after.data)) == after.pdf_sm3


def test_a_failed_rendering_is_retried_and_loses_no_document(tmp_path, settings):
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        case = _accepted_after_commit(world)
    with mock.patch(
        "kaigong.documents.services.render_document_pdf", side_effect=OSError("disk full")
    ):
        result = outbox_relay_run()
    assert result.failed == 1
    delivery = OutboxDelivery.objects.get(consumer="documents.render", key=str(case.public_id))
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "disk full" in delivery.last_error
    # the failed attempt rolled back: the notice is still there, 生成中, nothing filed
    document = _document(case, K.ACCEPTANCE_NOTICE)
    assert document.rendered_at is None
    assert not ArchiveDocument.objects.filter(origin_id=str(document.public_id)).exists()
    OutboxDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    outbox_relay_run()
    delivery.refresh_from_db()
    document.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert document.rendered_at is not None
    assert document_verify(document.public_id).status == "valid"
    assert ArchiveDocument.objects.filter(origin_id=str(document.public_id)).count() == 1


def test_no_document_when_the_event_rolls_back():
    # given a submitted case, accepted inside a transaction that is rolled back
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        case = _submitted(world)
        with AFTER_COMMIT, pytest.raises(RuntimeError), transaction.atomic():
            case_accept(case=Case.objects.get(pk=case.pk), actor=world.clerk)
            assert OfficialDocument.objects.filter(case=case).exists()
            raise RuntimeError("rolled back")
    # then neither the notice nor its message for the relay exists
    assert not OfficialDocument.objects.filter(case=case).exists()
    assert not OutboxMessage.objects.filter(
        topic="internal.documents.render", key=str(case.public_id)
    ).exists()


def test_pdfs_render_chinese_with_the_issuers_name(story):
    # the PDF's information names the document; the text carries the issuer (seal and head)
    document = _document(story["a"], K.ACCEPTANCE_NOTICE)
    with document.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert reader.metadata["/Subject"] == str(document.public_id)
    assert _text(document).count("沂南县政务服务中心") >= 2


def test_the_sweep_renders_what_the_relay_left_and_issues_what_is_missing(tmp_path, settings):
    # given an accepted case whose notice is 生成中 (the relay has not run), and a refused
    # one whose decision was never recorded (an event from before documents were recorded
    # in their event's transaction)
    settings.KAIGONG_KEY_DIR = tmp_path / "keys"
    with time_machine.travel(MONDAY, tick=False):
        world = lifecycle_world()
        accepted = _accepted_after_commit(world)
        refused = case_refuse(
            case=_submitted(world),
            actor=world.clerk,
            reason="不属于本机关职权",
            legal_basis="第三十二条",
        )
        OfficialDocument.objects.filter(case=refused).delete()
        # when the sweep runs
        issued = documents_issue_missing()
    # then both exist once, rendered and signed
    assert issued == 2
    for case, kind in ((accepted, K.ACCEPTANCE_NOTICE), (refused, K.REFUSAL_DECISION)):
        document = OfficialDocument.objects.get(case=case, kind=kind)
        assert document_verify(document.public_id).status == "valid"
    assert documents_issue_missing() == 0


def test_a_case_s_documents_are_read_without_joining_the_case():
    """Ordered by the case's column, not the case's own ordering (a join only to sort)."""
    sql = str(OfficialDocument.objects.filter(case_id=1, kind="acceptance_notice").query)
    assert "JOIN" not in sql
    assert 'ORDER BY "documents_officialdocument"."case_id" ASC' in sql
