"""
The call recording: segments uploaded in order, stored, hashed SM3 and chained; the chain
time-stamped by the platform when the call ends; the record holds the segments' hashes and
the chain head, and its verification finds a changed, removed or reordered segment.
"""

from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

import pytest
import time_machine

from kaigong.cases.hashing import sm3_hex
from kaigong.cases.tests.conftest import MONDAY
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.inspections import recording
from kaigong.inspections.constants import ErrorCode
from kaigong.inspections.models import CallSegment, InspectionRecord
from kaigong.inspections.services import (
    inspection_slot_pick,
    inspection_start,
    record_sign,
    record_verify,
    record_write,
    result_set,
    segment_add,
)

from .factories import inspection_world, requested

pytestmark = pytest.mark.django_db

WEBM = b"\x1a\x45\xdf\xa3"


def webm(payload: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "s.webm", WEBM + (payload or secrets.token_bytes(64)), content_type="video/webm"
    )


# -- the chain alone -----------------------------------------------------------------


def _chain(inspection_id: str, contents: list[bytes]) -> tuple[list[dict], str]:
    previous, segments = recording.genesis(inspection_id), []
    for n, content in enumerate(contents):
        digest = sm3_hex(content)
        previous = recording.link(previous, n, digest, n * 10_000, n * 10_000 + 9_990)
        segments.append({"sequence": n, "sm3": digest, "start_ms": n * 10_000,
                         "end_ms": n * 10_000 + 9_990, "chain": previous})  # fmt: skip
    return segments, previous


def test_the_chain_holds_for_the_segments_as_recorded():
    segments, head = _chain("i-1", [b"a", b"b", b"c"])
    assert recording.chain_check("i-1", segments, head).ok


def test_the_chain_detects_a_changed_segment():
    segments, head = _chain("i-1", [b"a", b"b", b"c"])
    changed = [dict(s) for s in segments]
    changed[1]["sm3"] = sm3_hex(b"B")
    check = recording.chain_check("i-1", changed, head)
    assert not check.ok and check.broken_at == 1
    # the same change with the stored links dropped: the recomputed head differs
    assert not recording.chain_check("i-1", [{**s, "chain": None} for s in changed], head).ok


def test_the_chain_detects_a_removed_segment():
    segments, head = _chain("i-1", [b"a", b"b", b"c"])
    middle = recording.chain_check("i-1", [segments[0], segments[2]], head)
    assert not middle.ok and middle.broken_at == 1
    last = recording.chain_check("i-1", segments[:2], head)
    assert not last.ok


def test_the_chain_detects_a_reordered_segment():
    segments, head = _chain("i-1", [b"a", b"b", b"c"])
    swapped = [segments[0], segments[2], segments[1]]
    assert not recording.chain_check("i-1", swapped, head).ok
    # renumbered to look in order, the links still break
    renumbered = [{**s, "sequence": n, "chain": None} for n, s in enumerate(swapped)]
    assert not recording.chain_check("i-1", renumbered, head).ok


def test_the_chain_belongs_to_its_inspection():
    segments, head = _chain("i-1", [b"a"])
    assert not recording.chain_check("i-2", segments, head).ok


# -- the service and the record --------------------------------------------------------


@pytest.fixture(scope="module")
def call(django_db_setup, django_db_blocker, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    with override_settings(KAIGONG_KEY_DIR=keys), django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(MONDAY, tick=False) as traveller:
            world, standard, _case, item = inspection_world()
            inspection = requested(world, item)
            early = None
            try:
                segment_add(actor=world.inspector1, inspection=inspection, sequence=0,
                            start_ms=0, end_ms=10, file=webm())  # fmt: skip
            except Conflict as error:
                early = error
            inspection_slot_pick(actor=world.applicant, inspection=inspection,
                                 slot=inspection.slots.get().public_id)  # fmt: skip
            traveller.shift(86_400)
            inspection_start(actor=world.inspector1, inspection=inspection)
            contents = [WEBM + secrets.token_bytes(80) for _ in range(3)]
            rows = [
                segment_add(actor=world.inspector1, inspection=inspection, sequence=n,
                            start_ms=n * 10_000, end_ms=n * 10_000 + 9_990,
                            file=SimpleUploadedFile("s.webm", c))
                for n, c in enumerate(contents)
            ]  # fmt: skip
            for check in standard.items.all():
                result_set(actor=world.inspector1, inspection=inspection,
                           checklist_item=check.public_id, result="pass")  # fmt: skip
            record = record_write(actor=world.inspector1, inspection=inspection,
                                  conclusion="pass", summary="合格")  # fmt: skip
            for signer in (world.inspector1, world.inspector1b, world.applicant):
                record_sign(actor=signer, record=record)
            yield {"world": world, "inspection": inspection, "contents": contents, "rows": rows,
                   "record": InspectionRecord.objects.get(pk=record.pk), "early": early}  # fmt: skip
        transaction.set_rollback(True)


def test_segments_are_stored_hashed_and_chained(call):
    rows, contents = call["rows"], call["contents"]
    assert [r.sequence for r in rows] == [0, 1, 2]
    for row, content in zip(rows, contents, strict=True):
        with row.file.open("rb") as handle:
            assert handle.read() == content
        assert row.sm3 == sm3_hex(content) and row.size == len(content)
        assert row.content_type == "video/webm" and row.received_at is not None
    previous = recording.genesis(str(call["inspection"].public_id))
    for row in rows:
        previous = recording.link(previous, row.sequence, row.sm3, row.start_ms, row.end_ms)
        assert row.chain == previous


def test_no_segment_before_the_call(call):
    assert call["early"] is not None and call["early"].code == ErrorCode.BAD_STATUS


def test_the_record_holds_the_segments_and_the_stamped_chain_head(call):
    data = call["record"].data["recording"]
    assert [s["sm3"] for s in data["segments"]] == [r.sm3 for r in call["rows"]]
    assert data["stamp"]["chain_head"] == call["rows"][-1].chain
    assert data["stamp"]["segments"] == 3
    result = record_verify(call["record"])
    assert result["ok"] and result["recording"]["ok"] and result["recording"]["stamp_ok"]


def _fresh_record(call):
    return InspectionRecord.objects.get(pk=call["record"].pk)


def test_verification_detects_a_changed_segment_file(call):
    row = CallSegment.objects.get(pk=call["rows"][1].pk)
    with transaction.atomic():
        row.file.save(row.file.name.rsplit("/", 1)[-1], ContentFile(WEBM + b"changed"), save=True)
        result = record_verify(_fresh_record(call))
        assert not result["ok"] and not result["recording"]["ok"]
        assert [s["file_ok"] for s in result["recording"]["segments"]] == [True, False, True]
        transaction.set_rollback(True)
    # restore the bytes (the file lives outside the transaction)
    row.file.save(row.file.name.rsplit("/", 1)[-1], ContentFile(call["contents"][1]), save=False)


def test_verification_detects_a_missing_segment(call):
    with transaction.atomic():
        CallSegment.objects.filter(pk=call["rows"][2].pk).delete()
        result = record_verify(_fresh_record(call))
        assert not result["ok"] and result["recording"]["segments"][2]["missing"]
        transaction.set_rollback(True)


def test_verification_detects_reordered_segment_files(call):
    first, second = (CallSegment.objects.get(pk=call["rows"][n].pk) for n in (0, 1))
    with transaction.atomic():
        CallSegment.objects.filter(pk=first.pk).update(file=second.file.name)
        CallSegment.objects.filter(pk=second.pk).update(file=first.file.name)
        result = record_verify(_fresh_record(call))
        assert not result["recording"]["ok"] and not result["ok"]
        transaction.set_rollback(True)


def test_verification_detects_a_changed_stamp(call):
    record = _fresh_record(call)
    stamp = record.data["recording"]["stamp"]
    record.data["recording"]["stamp"] = {**stamp, "stamped_at": "2026-01-01T00:00:00+00:00"}
    assert record_verify(record)["recording"]["stamp_ok"] is False


@pytest.fixture
def live(db, settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path
    world, _standard, _case, item = inspection_world()
    inspection = requested(world, item)
    inspection_slot_pick(actor=world.applicant, inspection=inspection,
                         slot=inspection.slots.get().public_id)  # fmt: skip
    with time_machine.travel(inspection.slots.get().starts_at, tick=False):
        inspection_start(actor=world.inspector1, inspection=inspection)
    return world, inspection


def _code(fn, error):
    with pytest.raises(error) as caught, transaction.atomic():
        fn()
    return caught.value.code


def test_out_of_order_and_duplicate_sequences_are_refused(live):
    world, inspection = live

    def add(n, **kw):
        return lambda: segment_add(actor=world.inspector1, inspection=inspection, sequence=n,
                                   start_ms=kw.get("start", n * 1000), end_ms=n * 1000 + 900,
                                   file=kw.get("file") or webm())  # fmt: skip

    assert _code(add(1), Conflict) == ErrorCode.SEGMENT_ORDER
    add(0)()
    assert _code(add(0), Conflict) == ErrorCode.SEGMENT_ORDER
    assert _code(add(2), Conflict) == ErrorCode.SEGMENT_ORDER
    not_video = SimpleUploadedFile("s.webm", b"not a video")
    assert _code(add(1, file=not_video), InvalidInput) == ErrorCode.BAD_SEGMENT
    add(1)()
    assert list(inspection.segments.values_list("sequence", flat=True)) == [0, 1]


def test_only_the_assigned_inspectors_record(live):
    world, inspection = live

    def add(user):
        return segment_add(actor=user, inspection=inspection, sequence=0, start_ms=0, end_ms=900,
                           file=webm())  # fmt: skip

    for who in (world.applicant, world.reviewer1, world.users["supervisor"]):
        with pytest.raises(PermissionDenied), transaction.atomic():
            add(who)
    add(world.users["inspector1b"])  # the second inspector is assigned too
    assert inspection.segments.count() == 1
