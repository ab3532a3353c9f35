"""
The video site inspection, through the services: the standard, the request with two
inspectors and 审勘分离, the clock pause, the slot, reminders, the call's evidence with the
site fence, the record signed by both inspectors and acknowledged, its PDF, verification.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

from django.db import transaction
from django.test import TestCase, override_settings

import pytest
import time_machine
from pypdf import PdfReader

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.cases.constants import ItemStatus
from kaigong.cases.models import CaseItem
from kaigong.cases.tests.conftest import MONDAY
from kaigong.cases.tests.factories import PNG
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.models import Notification
from kaigong.inspections.constants import Conclusion, ErrorCode, InspectionStatus
from kaigong.inspections.models import InspectionRecord
from kaigong.inspections.services import (
    checklist_item_add,
    inspection_request,
    inspection_slot_pick,
    inspection_start,
    inspections_remind,
    location_add,
    record_sign,
    record_verify,
    record_write,
    result_set,
    snapshot_add,
)

from .factories import inspection_world, png, requested, slots

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def journey(django_db_setup, django_db_blocker, tmp_path_factory):
    """One inspection walked from request to a complete record (Mon 2 → Wed 4 March 2026)."""
    keys = tmp_path_factory.mktemp("keys")
    with override_settings(KAIGONG_KEY_DIR=keys), django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(MONDAY, tick=False) as traveller:
            world, standard, case, item = inspection_world()
            with TestCase.captureOnCommitCallbacks(execute=True):
                inspection = requested(world, item)
            paused = CaseItem.objects.get(pk=item.pk)
            slot = inspection.slots.get()
            inspection = inspection_slot_pick(
                actor=world.applicant, inspection=inspection, slot=slot.public_id
            )
            reminded_early = inspections_remind()
            traveller.shift(timedelta(hours=12))  # Mon 22:00: the slot (Tue 10:00) is within a day
            reminded = inspections_remind()
            reminded_again = inspections_remind()
            traveller.shift(timedelta(hours=12))  # Tue 10:00
            inspection = inspection_start(actor=world.inspector1, inspection=inspection)
            first, second = standard.items.all()
            snap = snapshot_add(actor=world.inspector1, inspection=inspection, checklist_item=first.public_id,
                                file=png(), call_offset_ms=65_000)  # fmt: skip
            inside = location_add(actor=world.applicant, inspection=inspection,
                                  latitude="35.551000", longitude="118.460000", accuracy_m=12)  # fmt: skip
            outside = location_add(actor=world.applicant, inspection=inspection,
                                   latitude="35.560000", longitude="118.460000", accuracy_m=12)  # fmt: skip
            result_set(actor=world.inspector1, inspection=inspection, checklist_item=first.public_id,
                       result="pass", call_offset_ms=66_000)  # fmt: skip
            result_set(actor=world.inspector1b, inspection=inspection, checklist_item=second.public_id,
                       result="fail", note="东侧有临时板房", call_offset_ms=120_000)  # fmt: skip
            record = record_write(actor=world.inspector1, inspection=inspection,
                                  conclusion=Conclusion.RECHECK, summary="位置相符，东侧临时板房需拆除。",
                                  rectifications=["拆除东侧临时板房"])  # fmt: skip
            traveller.shift(timedelta(days=1))  # Wed 4 March
            record_sign(actor=world.inspector1, record=record)
            record_sign(actor=world.inspector1b, record=record)
            with TestCase.captureOnCommitCallbacks(execute=True):
                record_sign(actor=world.applicant, record=record, note="已知悉")
        yield {
            "world": world, "standard": standard, "item": item, "inspection": inspection,
            "paused": paused, "snap": snap, "inside": inside, "outside": outside,
            "record": InspectionRecord.objects.get(pk=record.pk),
            "reminded": (reminded_early, reminded, reminded_again),
        }  # fmt: skip
        transaction.set_rollback(True)


def test_the_request_pauses_the_item_for_the_planned_days_and_the_record_resumes_it(journey):
    assert journey["paused"].status == ItemStatus.PAUSED
    pause = journey["item"].pauses.get()
    # paused Monday 2 March for 5 working days, the day it starts counted: Mon–Fri, so the
    # planned end is Friday 6 March (no holiday that week)
    assert pause.started_on == date(2026, 3, 2)
    assert pause.planned_working_days == 5 and pause.planned_end_on == date(2026, 3, 6)
    # and ended by the last signature, Wednesday 4 March
    assert pause.resumed_on == date(2026, 3, 4)
    assert CaseItem.objects.get(pk=journey["item"].pk).status == ItemStatus.IN_REVIEW


def test_reminders_go_out_once_within_a_day_of_the_slot(journey):
    # Monday 10:00, slot Tuesday 10:00: exactly 24 h ahead counts; the second pass sends nothing
    assert journey["reminded"] == (1, 0, 0)
    world = journey["world"]
    assert (
        Notification.objects.filter(kind="inspection_reminder", user=world.inspector1).count() == 1
    )
    assert (
        Notification.objects.filter(kind="inspection_reminder", user=world.applicant).count() == 1
    )


def test_snapshots_are_hashed_and_locations_checked_against_the_site(journey):
    snap = journey["snap"]
    # SM3 of the uploaded bytes, hand-checked against gmssl's implementation
    from gmssl import func, sm3

    assert snap.sm3 == sm3.sm3_hash(func.bytes_to_list(PNG))
    assert snap.call_offset_ms == 65_000
    # 0.001° of latitude ≈ 111 m: inside the 300 m fence; 0.01° ≈ 1112 m: outside
    assert journey["inside"].inside_site is True and journey["inside"].distance_m == 111
    assert journey["outside"].inside_site is False and journey["outside"].distance_m == 1112
    assert journey["record"].data["location"]["outside"] == 1


def test_the_record_is_signed_by_both_inspectors_and_the_enterprise_and_verifies(journey):
    record = journey["record"]
    assert journey["inspection"].__class__.objects.get(pk=journey["inspection"].pk).status == (
        InspectionStatus.COMPLETED
    )
    roles = sorted(record.signatures.values_list("role", flat=True))
    assert roles == ["enterprise", "inspector", "inspector"]
    result = record_verify(record)
    assert result["ok"] and result["complete"] and result["pdf_ok"]
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(record.pdf.open("rb").read())).pages
    )
    for expected in (
        "现场勘验记录",
        record.number,
        "整改后复查",
        "拆除东侧临时板房",
        "东侧有临时板房",
    ):
        assert expected in text.replace("\n", ""), expected


def test_the_completed_record_is_filed_in_the_projects_archive_package(journey):
    from kaigong.archives.models import ArchiveDocument
    from kaigong.archives.package import package_build, package_verify

    record = journey["record"]
    filed = ArchiveDocument.objects.get(
        origin_type="inspections.inspectionrecord", origin_id=str(record.public_id)
    )
    with record.pdf.open("rb") as handle:
        pdf = handle.read()
    with filed.file.open("rb") as handle:
        assert handle.read() == pdf
    assert filed.folder.project_id == journey["item"].case.project_id
    assert filed.kind == "notice" and record.number in filed.title and "现场勘验记录" in filed.title
    package = package_build(filed.folder)
    assert package_verify(package).ok
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    entries = [f for f in manifest["files"] if f["origin"].endswith(str(record.public_id))]
    assert [e["sm3"] for e in entries] == [record.pdf_sm3]


def test_a_changed_field_or_pdf_no_longer_verifies(journey):
    record = InspectionRecord.objects.get(pk=journey["record"].pk)
    record.data = {**record.data, "conclusion": "pass"}
    assert record_verify(record)["content_ok"] is False
    record = InspectionRecord.objects.get(pk=journey["record"].pk)
    record.pdf_sm3 = "0" * 64
    assert record_verify(record)["pdf_ok"] is False
    record = InspectionRecord.objects.get(pk=journey["record"].pk)
    signature = record.signatures.first()
    signature.signer_name = "别人"
    signature.save()
    assert record_verify(record)["signatures"][0]["ok"] is False or not record_verify(record)["ok"]


# -- refusals (each in its own world: cheap, and the journey stays untouched) -------------


@pytest.fixture(scope="module")
def fresh(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys2")
    with override_settings(KAIGONG_KEY_DIR=keys), django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(MONDAY, tick=False):
            world, standard, case, item = inspection_world()
            yield world, standard, case, item.pk
        transaction.set_rollback(True)


def assert_refused(fn, error, code):
    with pytest.raises(error) as caught, transaction.atomic():
        fn()
    assert caught.value.code == code


@pytest.mark.parametrize("who", ["reviewer1", "clerk", "approver1"])
def test_separation_refuses_who_accepted_reviews_or_decides(fresh, who):
    world, _standard, _case, item_pk = fresh
    item = CaseItem.objects.get(pk=item_pk)
    with time_machine.travel(MONDAY, tick=False), transaction.atomic():
        person = world.users[who]
        membership_grant(user=person, role=Role.INSPECTOR, department=world.departments[0])
        if who == "approver1":  # the approver of the item (set when it decides): stand-in
            CaseItem.objects.filter(pk=item.pk).update(approver=person)
            item = CaseItem.objects.get(pk=item.pk)
        assert_refused(lambda: requested(world, item, inspectors=[world.inspector1, person]),
                 PermissionDenied, ErrorCode.SEPARATION)  # fmt: skip
        transaction.set_rollback(True)


def test_two_inspectors_of_the_department_are_required(fresh):
    world, _standard, _case, item_pk = fresh
    item = CaseItem.objects.get(pk=item_pk)
    with time_machine.travel(MONDAY, tick=False):
        assert_refused(lambda: requested(world, item, inspectors=[world.inspector1]),
                 InvalidInput, ErrorCode.TWO_INSPECTORS)  # fmt: skip
        assert_refused(lambda: requested(world, item, inspectors=[world.inspector1, world.inspector1]),
                 InvalidInput, ErrorCode.TWO_INSPECTORS)  # fmt: skip
        assert_refused(lambda: requested(world, item, inspectors=[world.inspector1, world.inspector2]),
                 InvalidInput, ErrorCode.NOT_INSPECTOR)  # fmt: skip
        assert_refused(
            lambda: requested(world, item, slots=slots(days=-1)), InvalidInput, ErrorCode.BAD_SLOT
        )
        assert CaseItem.objects.get(pk=item.pk).status == ItemStatus.IN_REVIEW


def test_only_a_reviewer_requests_and_only_the_enterprise_picks(fresh):
    world, _standard, _case, item_pk = fresh
    item = CaseItem.objects.get(pk=item_pk)
    with time_machine.travel(MONDAY, tick=False), transaction.atomic():
        assert_refused(lambda: inspection_request(actor=world.inspector1, item=item, slots=slots(),
                                            inspectors=[world.inspector1, world.inspector1b],
                                            reason="核实", planned_working_days=3),
                 PermissionDenied, "permission_denied")  # fmt: skip
        inspection = requested(world, item)
        assert_refused(
            lambda: requested(world, CaseItem.objects.get(pk=item.pk)),
            Conflict,
            ErrorCode.BAD_STATUS,
        )
        slot = inspection.slots.get()
        assert_refused(lambda: inspection_slot_pick(actor=world.stranger, inspection=inspection, slot=slot.public_id),
                 PermissionDenied, "permission_denied")  # fmt: skip
        assert_refused(lambda: inspection_start(actor=world.inspector1, inspection=inspection),
                 Conflict, ErrorCode.BAD_STATUS)  # fmt: skip
        transaction.set_rollback(True)


def test_a_published_standard_does_not_change(fresh):
    world, standard, _case, _item = fresh
    assert_refused(lambda: checklist_item_add(actor=world.catalog_admin, standard=standard, title="x",
                                        method="y", pass_criteria="z"),
             Conflict, ErrorCode.STANDARD_PUBLISHED)  # fmt: skip
    assert_refused(lambda: checklist_item_add(actor=world.reviewer1, standard=standard, title="x",
                                        method="y", pass_criteria="z"),
             PermissionDenied, "permission_denied")  # fmt: skip


def test_the_record_needs_every_result_and_the_enterprise_signs_last(fresh):
    world, standard, _case, item_pk = fresh
    item = CaseItem.objects.get(pk=item_pk)
    with time_machine.travel(MONDAY, tick=False) as traveller, transaction.atomic():
        inspection = requested(world, item)
        inspection_slot_pick(
            actor=world.applicant, inspection=inspection, slot=inspection.slots.get().public_id
        )
        traveller.shift(timedelta(days=1))
        inspection_start(actor=world.inspector1, inspection=inspection)
        first, second = standard.items.all()
        result_set(
            actor=world.inspector1,
            inspection=inspection,
            checklist_item=first.public_id,
            result="pass",
        )
        assert_refused(lambda: record_write(actor=world.inspector1, inspection=inspection, conclusion="pass",
                                      summary="合格"), InvalidInput, ErrorCode.RESULTS_MISSING)  # fmt: skip
        assert_refused(lambda: result_set(actor=world.inspector1, inspection=inspection,
                                    checklist_item=second.public_id, result="fail"),
                 InvalidInput, "required")  # fmt: skip
        assert_refused(lambda: location_add(actor=world.inspector1, inspection=inspection, latitude=1, longitude=1),
                 PermissionDenied, "permission_denied")  # fmt: skip
        assert_refused(lambda: location_add(actor=world.applicant, inspection=inspection, latitude=91, longitude=1),
                 InvalidInput, ErrorCode.BAD_LOCATION)  # fmt: skip
        result_set(
            actor=world.inspector1,
            inspection=inspection,
            checklist_item=second.public_id,
            result="pass",
        )
        record = record_write(
            actor=world.inspector1, inspection=inspection, conclusion="pass", summary="合格"
        )
        assert_refused(
            lambda: record_sign(actor=world.applicant, record=record),
            Conflict,
            ErrorCode.NOT_SIGNED,
        )
        record_sign(actor=world.inspector1, record=record)
        assert_refused(
            lambda: record_sign(actor=world.inspector1, record=record),
            Conflict,
            ErrorCode.ALREADY_SIGNED,
        )
        assert_refused(
            lambda: record_sign(actor=world.reviewer1, record=record),
            PermissionDenied,
            "permission_denied",
        )
        transaction.set_rollback(True)


def test_the_item_page_shows_the_conclusion_and_it_starts_the_opinion(journey):
    from django.test import Client

    from kaigong.inspections.selectors import item_inspection_opinion_text

    world, item, record = journey["world"], journey["item"], journey["record"]
    text = item_inspection_opinion_text(item)
    assert (
        text.startswith(f"现场勘验笔录 {record.number}：整改后复查。")
        and "拆除东侧临时板房" in text
    )
    client = Client()
    client.force_login(world.reviewer1)
    response = client.get(f"/workbench/items/{item.public_id}/")
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert 'id="inspection-conclusion"' in page and record.number in page
    assert "拆除东侧临时板房</textarea>" in page  # the opinion form starts from the record


def test_the_guide_shows_the_standard_and_its_samples_to_anyone(journey):
    from django.test import Client

    version = journey["item"].matter_version
    page = (
        Client().get(f"/guide/matters/{version.matter.code}/v{version.version}/").content.decode()
    )
    assert "现场勘验标准（勘前准备）" in page and "与规划总平面图一致" in page
    sample = journey["standard"].items.first().samples.get()
    assert f"/inspections/samples/{sample.public_id}/" in page
    assert Client().get(f"/inspections/samples/{sample.public_id}/").status_code == 200


def test_the_page_names_who_rehearsed_and_whether_their_devices_worked(fresh):
    # the rehearsal is kept by account name; the page shows the person and the outcome
    from django.test import Client

    from kaigong.inspections.services import inspection_rehearsal_record

    world, _standard, _case, item_pk = fresh
    inspection = requested(world, CaseItem.objects.get(pk=item_pk))
    inspection = inspection_slot_pick(
        actor=world.applicant, inspection=inspection, slot=inspection.slots.get().public_id
    )
    every = {"camera": True, "microphone": True, "signalling": True, "ice": True}
    inspection_rehearsal_record(actor=world.applicant, inspection=inspection, result=every)
    inspection_rehearsal_record(
        actor=world.inspector1, inspection=inspection, result=every | {"camera": False}
    )
    client = Client()
    client.force_login(world.inspector1)
    page = client.get(f"/inspections/{inspection.public_id}/").content.decode()

    assert f"{world.applicant} · 已连接" in page
    assert f"{world.inspector1} · 请检查设备" in page
    assert f">{world.applicant.username}<" not in page


def test_the_pause_of_an_inspection_is_written_in_chinese_whatever_the_requester_reads(fresh):
    from django.utils import translation

    world, _standard, _case, item_pk = fresh
    item = CaseItem.objects.get(pk=item_pk)
    with time_machine.travel(MONDAY, tick=False), transaction.atomic():
        with translation.override("en"):
            requested(world, item)
        pause = CaseItem.objects.get(pk=item.pk).pauses.get()
        assert pause.reason.startswith("视频踏勘（云踏勘）：")
        assert pause.evidence == f"办件 {item.case.number} 的云踏勘申请"
        transaction.set_rollback(True)
