"""
Site inspections (云踏勘): standards, requests, slots, the call's evidence, the record.

    standard_create / checklist_item_add / sample_add / standard_publish   (catalogue keeper)
    inspection_request(item, inspectors, slots, …)   reviewer; pauses the item's clock
    inspection_slot_pick / inspection_rehearsal_record                  enterprise
    inspection_start / snapshot_add / result_set / record_write         inspectors
    segment_add                    inspectors: the call's recording, segment by segment,
                                   hash-chained (recording.py); record_write time-stamps it
    location_add                                                        site person
    record_sign                    both inspectors, then the enterprise; the last one
                                   completes the record (PDF) and resumes the clock
    inspection_cancel              the requesting reviewer; resumes the clock
    inspections_remind             periodic: reminders before the slot
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.cases.constants import ItemStatus, PauseKind
from kaigong.cases.hashing import canonical_json, sm3_hex
from kaigong.cases.services.clock import item_pause, item_resume
from kaigong.certificates.personal import (
    fingerprint_text,
    key_fingerprint,
    personal_sign,
    signature_verify,
)
from kaigong.certificates.signing import platform_sign, platform_verify
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.services import audit_record, notification_send

from . import recording
from .constants import (
    OPEN_STATUSES,
    Conclusion,
    ErrorCode,
    InspectionStatus,
    ItemResult,
    SignerRole,
    StandardStatus,
)
from .geofence import point_in_polygon
from .models import (
    CallSegment,
    ChecklistItem,
    ChecklistResult,
    Inspection,
    InspectionRecord,
    InspectionSlot,
    InspectionStandard,
    LocationSample,
    RecordSignature,
    SampleImage,
    Snapshot,
)
from .permissions import (
    can_keep_standards,
    can_pick_slot,
    can_request_inspection,
    holds_inspector,
    is_call_participant,
    is_inspector_of,
    is_site_person_of,
    separation_refuses,
)

MAX_IMAGE_BYTES = 8 * 1024 * 1024
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}
REMIND_BEFORE = timedelta(hours=24)


def _name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or user.username)


# What the messages call the fields (never their keys).
_LABELS = {
    "title": _("title"),
    "preparation": _("how to prepare (勘前准备)"),
    "method": _("method"),
    "pass_criteria": _("pass criteria"),
    "caption": _("caption"),
    "reason": _("reason"),
    "note": _("note"),
    "summary": _("summary"),
    "name": pgettext_lazy("person", "name"),
    "employer": _("employer"),
    "meeting": _("meeting (time, place or video room)"),
    "material": _("material or drawing"),
    "clause": _("standard and clause"),
    "text": _("opinion"),
}


def _text(value: Any, name: str, *, max_length: int = 2000, required: bool = True) -> str:
    text = str(value or "").strip()
    label = _LABELS.get(name, name)
    if required and not text:
        raise InvalidInput(
            _("Please fill in %(name)s.") % {"name": label},
            code="required",
            invalid_params=[{"name": name, "code": "required", "reason": _g("Required.")}],
        )
    if len(text) > max_length:
        raise InvalidInput(
            _("%(name)s is too long.") % {"name": label},
            invalid_params=[{"name": name, "code": "max_length", "reason": str(max_length)}],
        )
    return text


def _image(file: Any) -> tuple[bytes, str]:
    if file is None:
        raise InvalidInput(_("Attach a picture."), code=ErrorCode.BAD_FILE)
    content = file.read(MAX_IMAGE_BYTES + 1)
    if len(content) > MAX_IMAGE_BYTES:
        raise InvalidInput(_("The picture is larger than 8 MB."), code=ErrorCode.BAD_FILE)
    for magic, content_type in IMAGE_TYPES.items():
        if content.startswith(magic) and (magic != b"RIFF" or content[8:12] == b"WEBP"):
            return content, content_type
    raise InvalidInput(_("Only PNG, JPEG or WebP pictures are accepted."), code=ErrorCode.BAD_FILE)


def _status(inspection: Inspection, *allowed: str) -> None:
    if inspection.status not in allowed:
        raise Conflict(
            _("The inspection is %(status)s: this cannot be done now.")
            % {"status": inspection.get_status_display()},
            code=ErrorCode.BAD_STATUS,
        )


def _lock(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


# -- standards -----------------------------------------------------------------------


def _ensure_keeper(actor: Any) -> None:
    if not can_keep_standards(actor):
        raise PermissionDenied(_("Only the catalogue keeper writes inspection standards."))


def _ensure_draft(standard: InspectionStandard) -> None:
    if standard.status != StandardStatus.DRAFT:
        raise Conflict(
            _("A published standard does not change; start a new version."),
            code=ErrorCode.STANDARD_PUBLISHED,
        )


@transaction.atomic
def standard_create(
    *, actor: Any, matter_version: Any, title: str, preparation: str = ""
) -> InspectionStandard:
    """A new draft version of the matter version's standard (the previous ones stay)."""
    _ensure_keeper(actor)
    last = InspectionStandard.objects.filter(matter_version=matter_version).aggregate(
        n=Max("version")
    )["n"]
    standard = InspectionStandard.objects.create(
        matter_version=matter_version,
        version=(last or 0) + 1,
        title=_text(title, "title", max_length=200),
        preparation=_text(preparation, "preparation", required=False),
        created_by=actor,
    )
    audit_record(actor=actor, action="inspection_standard_created", obj=standard,
                 summary=f"{matter_version.name} v{standard.version}")  # fmt: skip
    return standard


@transaction.atomic
def checklist_item_add(
    *, actor: Any, standard: InspectionStandard, title: str, method: str, pass_criteria: str
) -> ChecklistItem:
    _ensure_keeper(actor)
    _ensure_draft(standard)
    item = ChecklistItem.objects.create(
        standard=standard,
        order=standard.items.count() + 1,
        title=_text(title, "title", max_length=200),
        method=_text(method, "method"),
        pass_criteria=_text(pass_criteria, "pass_criteria"),
    )
    audit_record(
        actor=actor, action="inspection_checklist_item_added", obj=item, summary=item.title
    )
    return item


@transaction.atomic
def sample_add(*, actor: Any, item: ChecklistItem, caption: str, file: Any) -> SampleImage:
    _ensure_keeper(actor)
    _ensure_draft(item.standard)
    content, content_type = _image(file)
    sample = SampleImage(
        item=item,
        caption=_text(caption, "caption", max_length=200),
        content_type=content_type,
        sm3=sm3_hex(content),
    )
    sample.file.save(f"{sample.public_id}.{content_type.split('/')[1]}", ContentFile(content),
                     save=False)  # fmt: skip
    sample.save()
    audit_record(actor=actor, action="inspection_sample_added", obj=sample,
                 summary=sample.caption, data={"sm3": sample.sm3})  # fmt: skip
    return sample


@transaction.atomic
def standard_publish(*, actor: Any, standard: InspectionStandard) -> InspectionStandard:
    _ensure_keeper(actor)
    standard = InspectionStandard.objects.select_for_update().get(pk=standard.pk)
    _ensure_draft(standard)
    if not standard.items.exists():
        raise InvalidInput(
            _("A standard needs at least one checklist item."), code=ErrorCode.STANDARD_EMPTY
        )
    standard.status = StandardStatus.PUBLISHED
    standard.published_at = timezone.now()
    standard.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=actor, action="inspection_standard_published", obj=standard,
                 summary=str(standard))  # fmt: skip
    return standard


def standard_in_force(matter_version: Any) -> InspectionStandard | None:
    """The newest published standard of the matter version (what an inspection follows)."""
    return (
        InspectionStandard.objects.filter(
            matter_version=matter_version, status=StandardStatus.PUBLISHED
        )
        .order_by("-version")
        .first()
    )


# -- requesting and scheduling -------------------------------------------------------


def _slots(slots: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    now = timezone.now()
    if not slots:
        raise InvalidInput(_("Offer at least one slot."), code=ErrorCode.BAD_SLOT)
    for start, end in slots:
        if start <= now or end <= start or end - start > timedelta(hours=8):
            raise InvalidInput(
                _("Each slot starts in the future and lasts up to eight hours."),
                code=ErrorCode.BAD_SLOT,
                invalid_params=[{"name": "slots", "code": ErrorCode.BAD_SLOT,
                                 "reason": start.isoformat()}],
            )  # fmt: skip
    return sorted(slots)


def _resolve_users(people: list[Any]) -> list[Any]:
    """Users, or their public ids (the API's and the pages' input)."""
    from django.contrib.auth import get_user_model

    users, keys = [], []
    for person in people or []:
        if getattr(person, "pk", None):
            users.append(person)
        else:
            key = as_uuid(person)
            if key is None:
                raise InvalidInput(_("Unknown inspector."), code=ErrorCode.NOT_INSPECTOR)
            keys.append(key)
    found = list(get_user_model().objects.filter(public_id__in=keys, is_active=True))
    if len(found) != len(set(keys)):
        raise InvalidInput(_("Unknown inspector."), code=ErrorCode.NOT_INSPECTOR)
    return users + found


def _ensure_inspectors(inspectors: list[Any], item: Any, requested_by: Any) -> list[Any]:
    """
    # rule: two or more staff verify on site (行政许可法 art. 34), and 审勘分离
    # (docs/legal.md#inspection-two-inspectors)
    """
    unique = list({u.pk: u for u in inspectors}.values())
    if len(unique) < 2:
        raise InvalidInput(
            _("Name two inspectors: the law wants two staff to verify on site."),
            code=ErrorCode.TWO_INSPECTORS,
        )
    for user in unique:
        if separation_refuses(user, item, requested_by):
            raise PermissionDenied(
                _("%(name)s accepted, reviews or decides this item and may not inspect it.")
                % {"name": _name(user)},
                code=ErrorCode.SEPARATION,
            )
        if not holds_inspector(user, item):
            raise InvalidInput(
                _("%(name)s is not an inspector of the item's department.") % {"name": _name(user)},
                code=ErrorCode.NOT_INSPECTOR,
            )
    return unique


@transaction.atomic
def inspection_request(
    *,
    actor: Any,
    item: Any,
    inspectors: list[Any],
    slots: list[tuple[datetime, datetime]],
    reason: str,
    planned_working_days: int,
    site_polygon: Any = None,
) -> Inspection:
    """
    A reviewer asks for a video inspection of the item: two inspectors, slots for the
    enterprise. The fence is the project's (its red line, else its point and radius);
    ``site_polygon``, when given, sets the project's red line (projects.project_site_set). The item's clock stops (special procedure, planned working days) until the
    record is complete or the inspection is cancelled.

    Errors: ``permission_denied`` (403), ``inspection_separation_of_duties`` (403),
    ``inspection_two_inspectors_required`` / ``inspection_not_an_inspector`` /
    ``inspection_bad_slot`` / ``planned_days_required`` (400), ``inspection_no_standard``,
    ``inspection_already_open``, ``transition_not_allowed`` (409).
    """
    if not can_request_inspection(actor, item):
        raise PermissionDenied(_("Only a reviewer of the item may ask for an inspection."))
    if item.status != ItemStatus.IN_REVIEW:
        raise Conflict(_("Only an item in review can be inspected."), code=ErrorCode.BAD_STATUS)
    standard = standard_in_force(item.matter_version)
    if standard is None:
        raise Conflict(
            _("The matter has no published inspection standard yet."), code=ErrorCode.NO_STANDARD
        )
    if Inspection.objects.filter(item=item, status__in=OPEN_STATUSES).exists():
        raise Conflict(_("The item already has an open inspection."), code=ErrorCode.ALREADY_OPEN)
    chosen = _ensure_inspectors(_resolve_users(inspectors), item, actor)
    offered = _slots(slots)
    reason = _text(reason, "reason")
    project = item.case.project
    if site_polygon not in (None, "", []):
        from kaigong.projects.services import project_site_set

        project_site_set(actor=actor, project=project, latitude=project.latitude,
                         longitude=project.longitude, red_line=site_polygon)  # fmt: skip
    inspection = Inspection.objects.create(
        item=item,
        standard=standard,
        requested_by=actor,
        reason=reason,
        planned_working_days=planned_working_days if isinstance(planned_working_days, int) else 0,
    )
    inspection.inspectors.set(chosen)
    InspectionSlot.objects.bulk_create(
        [InspectionSlot(inspection=inspection, starts_at=s, ends_at=e) for s, e in offered]
    )
    # rule: the inspection is a special procedure; its time is not counted and the
    # applicant is told how long it takes (行政许可法 art. 45) (docs/legal.md#inspection-clock)
    # the pause's text is stored, so it is written in the platform's language, not the
    # requester's (the enterprise and the supervisors read it on their pages)
    with translation.override(settings.LANGUAGE_CODE):
        pause_reason = _g("Site inspection by video (云踏勘): %(reason)s") % {"reason": reason}
        evidence = _g("Site inspection request of case %(case)s") % {"case": item.case.number}
    item_pause(
        item=item,
        actor=actor,
        kind=PauseKind.SPECIAL_PROCEDURE,
        reason=pause_reason,
        evidence=evidence,
        planned_working_days=planned_working_days,
    )
    link = f"/inspections/{inspection.public_id}/"
    notification_send(
        kind="inspection_requested",
        title=_g("A site inspection by video is requested: pick a slot"),
        body=f"{item.matter_version.name} · {reason}",
        link=link,
        enterprise=item.case.enterprise,
    )
    for user in chosen:
        notification_send(kind="inspection_assigned", title=_g("You inspect a site by video"),
                          body=item.matter_version.name, link=link, user=user)  # fmt: skip
    audit_record(
        actor=actor,
        action="inspection_requested",
        obj=inspection,
        summary=item.matter_version.name,
        data={"inspectors": [u.username for u in chosen], "slots": len(offered)},
    )
    return inspection


@transaction.atomic
def inspection_slot_pick(*, actor: Any, inspection: Inspection, slot: Any) -> Inspection:
    """The enterprise picks one of the offered slots; the picker is the person on site."""
    if not can_pick_slot(actor, inspection):
        raise PermissionDenied(_("Only the applicant picks the slot."))
    inspection = _lock(inspection)
    _status(inspection, InspectionStatus.REQUESTED, InspectionStatus.SCHEDULED)
    key = as_uuid(getattr(slot, "public_id", slot))
    chosen = inspection.slots.filter(public_id=key).first() if key else None
    if chosen is None or chosen.starts_at <= timezone.now():
        raise InvalidInput(_("Pick one of the offered future slots."), code=ErrorCode.BAD_SLOT)
    inspection.slots.update(chosen=False)
    InspectionSlot.objects.filter(pk=chosen.pk).update(chosen=True)
    inspection.site_person = actor
    inspection.status = InspectionStatus.SCHEDULED
    inspection.reminded_at = None
    inspection.save(update_fields=["site_person", "status", "reminded_at", "updated_at"])
    when = timezone.localtime(chosen.starts_at).strftime("%Y-%m-%d %H:%M")
    for user in inspection.inspectors.all():
        notification_send(kind="inspection_scheduled", title=_g("Site inspection scheduled"),
                          body=when, link=f"/inspections/{inspection.public_id}/",
                          user=user)  # fmt: skip
    audit_record(actor=actor, action="inspection_slot_picked", obj=inspection, summary=when)
    return inspection


@transaction.atomic
def inspection_rehearsal_record(*, actor: Any, inspection: Inspection, result: dict) -> Inspection:
    """A participant's connectivity rehearsal (camera, microphone, signalling, ICE)."""
    inspection = _lock(inspection)
    if not is_call_participant(actor, inspection):
        raise PermissionDenied(_("Only the participants of the inspection rehearse."))
    _status(inspection, InspectionStatus.SCHEDULED)
    checks = {k: bool(result.get(k)) for k in ("camera", "microphone", "signalling", "ice")}
    runs = dict(inspection.rehearsal_result or {})
    runs[actor.username] = {**checks, "at": timezone.now().isoformat()}
    inspection.rehearsal_result = runs
    inspection.rehearsal_at = timezone.now()
    inspection.save(update_fields=["rehearsal_result", "rehearsal_at", "updated_at"])
    audit_record(actor=actor, action="inspection_rehearsed", obj=inspection, data=checks)
    return inspection


def inspections_remind(*, now: datetime | None = None) -> int:
    """Remind the site person and the inspectors of a slot that starts within a day."""
    now = now or timezone.now()
    due = Inspection.objects.filter(
        status=InspectionStatus.SCHEDULED,
        reminded_at__isnull=True,
        slots__chosen=True,
        slots__starts_at__gt=now,
        slots__starts_at__lte=now + REMIND_BEFORE,
    ).distinct()
    count = 0
    for inspection in due:
        with transaction.atomic():
            locked = _lock(inspection)
            if locked.reminded_at is not None:
                continue
            slot = locked.chosen_slot
            when = timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M")
            link = f"/inspections/{locked.public_id}/"
            people = [*locked.inspectors.all(), locked.site_person]
            for user in [p for p in people if p is not None]:
                notification_send(
                    kind="inspection_reminder",
                    title=_g("Reminder: site inspection by video at %(when)s") % {"when": when},
                    body=_g("Run the connectivity rehearsal before the slot."),
                    link=link,
                    user=user,
                )
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at", "updated_at"])
            count += 1
    return count


# -- the call ------------------------------------------------------------------------


def _ensure_inspector(actor: Any, inspection: Inspection) -> None:
    if not is_inspector_of(actor, inspection):
        raise PermissionDenied(_("Only the inspection's inspectors may do this."))


@transaction.atomic
def inspection_start(*, actor: Any, inspection: Inspection) -> Inspection:
    _ensure_inspector(actor, inspection)
    inspection = _lock(inspection)
    _status(inspection, InspectionStatus.SCHEDULED)
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.started_at = timezone.now()
    inspection.save(update_fields=["status", "started_at", "updated_at"])
    audit_record(actor=actor, action="inspection_started", obj=inspection)
    return inspection


def as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _checklist_item(inspection: Inspection, public_id: Any) -> ChecklistItem:
    key = as_uuid(getattr(public_id, "public_id", public_id))
    item = inspection.standard.items.filter(public_id=key).first() if key else None
    if item is None:
        raise InvalidInput(
            _("That is not an item of this inspection's checklist."), code=ErrorCode.BAD_ITEM
        )
    return item


def _offset(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 86_400_000:
        raise InvalidInput(
            _("Give the call time in milliseconds."),
            invalid_params=[{"name": "call_offset_ms", "code": "invalid", "reason": str(value)}],
        )
    return value


def _coordinate(value: Any, name: str, limit: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        raise InvalidInput(
            _("The position is not a valid coordinate."),
            code=ErrorCode.BAD_LOCATION,
            invalid_params=[{"name": name, "code": ErrorCode.BAD_LOCATION, "reason": str(value)}],
        )
    return number.quantize(Decimal("0.000001"))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius 6 371 008.8 m)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


@transaction.atomic
def snapshot_add(
    *,
    actor: Any,
    inspection: Inspection,
    checklist_item: Any,
    file: Any,
    call_offset_ms: int,
    latitude: Any = None,
    longitude: Any = None,
    note: str = "",
) -> Snapshot:
    """A still from the call, hashed (SM3), tied to a checklist item and the call's time."""
    _ensure_inspector(actor, inspection)
    inspection = _lock(inspection)
    _status(inspection, InspectionStatus.IN_PROGRESS)
    item = _checklist_item(inspection, checklist_item)
    offset = _offset(call_offset_ms)
    content, content_type = _image(file)
    lat = _coordinate(latitude, "latitude", 90) if latitude not in (None, "") else None
    lon = _coordinate(longitude, "longitude", 180) if longitude not in (None, "") else None
    snapshot = Snapshot(
        inspection=inspection,
        checklist_item=item,
        taken_by=actor,
        call_offset_ms=offset,
        content_type=content_type,
        sm3=sm3_hex(content),
        latitude=lat,
        longitude=lon,
        note=_text(note, "note", max_length=300, required=False),
    )
    snapshot.file.save(f"{snapshot.public_id}.{content_type.split('/')[1]}", ContentFile(content),
                       save=False)  # fmt: skip
    snapshot.save()
    audit_record(actor=actor, action="inspection_snapshot", obj=snapshot,
                 data={"sm3": snapshot.sm3, "call_offset_ms": offset})  # fmt: skip
    return snapshot


WEBM_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML: a WebM (Matroska) file


def _segment_file(file: Any) -> tuple[bytes, str]:
    from django.conf import settings

    limit = int(getattr(settings, "KAIGONG_CALL_SEGMENT_MAX_BYTES", 16 * 1024 * 1024))
    if file is None:
        raise InvalidInput(_("Attach the recorded segment."), code=ErrorCode.BAD_SEGMENT)
    content = file.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(_("The segment is too large."), code=ErrorCode.BAD_SEGMENT)
    if content.startswith(WEBM_MAGIC):
        return content, "video/webm"
    if content[4:8] == b"ftyp":
        return content, "video/mp4"
    raise InvalidInput(_("A segment is a WebM or MP4 video file."), code=ErrorCode.BAD_SEGMENT)


@transaction.atomic
def segment_add(
    *, actor: Any, inspection: Inspection, sequence: int, start_ms: int, end_ms: int, file: Any
) -> CallSegment:
    """
    One recorded segment of the call, uploaded by an inspector while the call is on: stored,
    hashed (SM3) and chained to the one before (recording.link). Segments come in order,
    0, 1, 2, …: a repeated or skipped sequence number is refused.

    Errors: ``inspection_bad_segment`` (400), ``permission_denied`` (403),
    ``inspection_status_conflict``, ``inspection_segment_out_of_order`` (409).
    """
    _ensure_inspector(actor, inspection)
    inspection = _lock(inspection)
    _status(inspection, InspectionStatus.IN_PROGRESS)
    start, end = _offset(start_ms), _offset(end_ms)
    if end < start:
        raise InvalidInput(
            _("A segment ends after it starts."), code=ErrorCode.BAD_SEGMENT,
            invalid_params=[{"name": "end_ms", "code": ErrorCode.BAD_SEGMENT, "reason": str(end)}],
        )  # fmt: skip
    last = inspection.segments.order_by("-sequence").first()
    expected = last.sequence + 1 if last else 0
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence != expected:
        raise Conflict(
            _("Segment %(got)s is out of order: the next one is %(expected)s.")
            % {"got": sequence, "expected": expected},
            code=ErrorCode.SEGMENT_ORDER,
        )
    if last is not None and start < last.start_ms:
        raise InvalidInput(_("A segment starts after the one before it."),
                           code=ErrorCode.BAD_SEGMENT)  # fmt: skip
    content, content_type = _segment_file(file)
    digest = sm3_hex(content)
    previous = last.chain if last else recording.genesis(str(inspection.public_id))
    segment = CallSegment(
        inspection=inspection, sequence=sequence, recorded_by=actor, start_ms=start, end_ms=end,
        received_at=timezone.now(), content_type=content_type, size=len(content), sm3=digest,
        chain=recording.link(previous, sequence, digest, start, end),
    )  # fmt: skip
    extension = "webm" if content_type == "video/webm" else "mp4"
    segment.file.save(f"{inspection.public_id}-{sequence:05d}.{extension}", ContentFile(content),
                      save=False)  # fmt: skip
    segment.save()
    audit_record(actor=actor, action="inspection_segment", obj=segment,
                 summary=f"#{sequence}", data={"sm3": digest, "chain": segment.chain})  # fmt: skip
    return segment


def _segments_data(inspection: Inspection) -> list[dict]:
    return [
        {"sequence": g.sequence, "sm3": g.sm3, "start_ms": g.start_ms, "end_ms": g.end_ms,
         "size": g.size, "received_at": g.received_at.isoformat(), "chain": g.chain}
        for g in inspection.segments.order_by("sequence")
    ]  # fmt: skip


def recording_stamp(inspection: Inspection, at: datetime) -> dict:
    """The time stamp of the recording as the call ends: the platform's SM2 signature over
    the chain head, the number of segments and the time."""
    segments = list(inspection.segments.order_by("sequence").values_list("chain", flat=True))
    head = segments[-1] if segments else recording.genesis(str(inspection.public_id))
    when = at.isoformat()
    sig = platform_sign(recording.stamp_bytes(str(inspection.public_id), head, when, len(segments)))
    return {"chain_head": head, "segments": len(segments), "stamped_at": when,
            "key_id": sig.key_id, "public_key_hex": sig.public_key_hex,
            "signature_hex": sig.signature_hex}  # fmt: skip


def recording_verify(inspection_id: str, recorded: dict | None, stored: list[Any]) -> dict | None:
    """
    Check the recording a record holds (``recorded``: its segments and time stamp) against
    the stored segment files: each file's SM3 recomputed, the chain recomputed over them in
    sequence, the head compared with the stamped one, the stamp's signature checked.
    None for a record written before calls were recorded.
    """
    if not recorded:
        return None
    stamp = recorded.get("stamp") or {}
    files = {g.sequence: g for g in stored}
    rows, chain_input = [], []
    for seg in recorded.get("segments", []):
        row = files.get(seg["sequence"])
        file_sm3 = None
        if row is not None and row.file:
            try:
                with row.file.open("rb") as handle:
                    file_sm3 = sm3_hex(handle.read())
            except OSError:
                file_sm3 = None
        file_ok = file_sm3 == seg["sm3"]
        rows.append({"sequence": seg["sequence"], "sm3": seg["sm3"], "start_ms": seg["start_ms"],
                     "end_ms": seg["end_ms"], "file_ok": file_ok, "missing": row is None})  # fmt: skip
        chain_input.append({**seg, "sm3": file_sm3 or "", "chain": None})
    check = recording.chain_check(inspection_id, chain_input, stamp.get("chain_head", ""))
    extra = sorted(set(files) - {seg["sequence"] for seg in recorded.get("segments", [])})
    stamp_ok = bool(stamp) and platform_verify(
        recording.stamp_bytes(inspection_id, stamp.get("chain_head", ""),
                              stamp.get("stamped_at", ""), int(stamp.get("segments", -1))),
        stamp.get("signature_hex", ""), stamp.get("public_key_hex"),
    ) and int(stamp.get("segments", -1)) == len(rows)  # fmt: skip
    ok = check.ok and all(r["file_ok"] for r in rows) and stamp_ok and not extra
    try:
        stamped = datetime.fromisoformat(stamp.get("stamped_at", ""))
        stamped_local = timezone.localtime(stamped).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        stamped_local = ""
    return {"segments": rows, "chain_head": stamp.get("chain_head", ""), "chain_ok": check.ok,
            "broken_at": check.broken_at, "stamp_ok": stamp_ok, "stamped_at": stamp.get("stamped_at"),
            "stamped_at_local": stamped_local,
            "unrecorded": extra, "ok": ok}  # fmt: skip


@transaction.atomic
def location_add(
    *, actor: Any, inspection: Inspection, latitude: Any, longitude: Any, accuracy_m: Any = None
) -> LocationSample:
    """The site person's browser reports where it is; compared with the project's site."""
    inspection = _lock(inspection)
    if not is_site_person_of(actor, inspection):
        raise PermissionDenied(_("Only the enterprise's person on site reports the location."))
    _status(inspection, InspectionStatus.IN_PROGRESS)
    lat = _coordinate(latitude, "latitude", 90)
    lon = _coordinate(longitude, "longitude", 180)
    accuracy = None
    if accuracy_m not in (None, ""):
        try:
            accuracy = max(0, min(int(float(accuracy_m)), 100_000))
        except (TypeError, ValueError):
            accuracy = None
    distance = inside = None
    project = inspection.project  # the fence belongs to the project (工程项目红线)
    if project.latitude is not None and project.longitude is not None:
        distance = round(distance_m(float(lat), float(lon), float(project.latitude),
                                    float(project.longitude)))  # fmt: skip
        inside = distance <= project.site_radius_m
    if project.red_line:
        # the red line, where there is one, is the fence; the distance stays informative
        inside = point_in_polygon(float(lat), float(lon), project.red_line)
    sample = LocationSample.objects.create(
        inspection=inspection, reported_by=actor, latitude=lat, longitude=lon,
        accuracy_m=accuracy, distance_m=distance, inside_site=inside,
    )  # fmt: skip
    return sample


@transaction.atomic
def result_set(
    *,
    actor: Any,
    inspection: Inspection,
    checklist_item: Any,
    result: str,
    note: str = "",
    call_offset_ms: int | None = None,
) -> ChecklistResult:
    _ensure_inspector(actor, inspection)
    inspection = _lock(inspection)
    _status(inspection, InspectionStatus.IN_PROGRESS)
    item = _checklist_item(inspection, checklist_item)
    if result not in ItemResult.values:
        raise InvalidInput(
            _("Choose a result."),
            invalid_params=[{"name": "result", "code": "invalid_choice", "reason": str(result)}],
        )
    offset = _offset(call_offset_ms) if call_offset_ms is not None else None
    row, _created = ChecklistResult.objects.update_or_create(
        inspection=inspection,
        checklist_item=item,
        defaults={
            "result": result,
            "note": _text(note, "note", required=result == ItemResult.FAIL),
            "call_offset_ms": offset,
            "recorded_by": actor,
        },
    )
    audit_record(actor=actor, action="inspection_result", obj=row,
                 summary=f"{item.title}: {result}")  # fmt: skip
    return row


def _record_number(inspection: Inspection) -> str:
    case_number = inspection.item.case.number or str(inspection.item.case.public_id)[:8]
    n = InspectionRecord.objects.filter(inspection__item__case=inspection.item.case).count() + 1
    return f"{case_number}-KC{n:02d}"


def record_data(inspection: Inspection, *, number: str, conclusion: str, summary: str,
                rectifications: list[str], written_at: datetime) -> dict:  # fmt: skip
    """What the record says, frozen as JSON (the PDF and the signatures rest on it)."""
    item = inspection.item
    case = item.case
    slot = inspection.chosen_slot
    snapshots: dict[int, list[dict]] = {}
    for s in inspection.snapshots.order_by("call_offset_ms", "id"):
        snapshots.setdefault(s.checklist_item_id, []).append(
            {"id": str(s.public_id), "sm3": s.sm3, "call_offset_ms": s.call_offset_ms,
             "taken_by": _name(s.taken_by)}
        )  # fmt: skip
    results = {r.checklist_item_id: r for r in inspection.results.all()}
    locations = list(inspection.locations.order_by("created_at", "id"))
    return {
        "number": number,
        "inspection": str(inspection.public_id),
        "case_number": case.number,
        "project": case.project.name,
        "enterprise": case.enterprise.name,
        "matter": item.matter_version.name,
        "department": item.department.name,
        "standard": {"title": inspection.standard.title, "version": inspection.standard.version},
        "inspectors": sorted(_name(u) for u in inspection.inspectors.all()),
        "site_person": _name(inspection.site_person) if inspection.site_person else "",
        "slot": slot.starts_at.isoformat() if slot else None,
        "started_at": inspection.started_at.isoformat() if inspection.started_at else None,
        "ended_at": written_at.isoformat(),
        "items": [
            {
                "id": str(c.public_id),
                "title": c.title,
                "pass_criteria": c.pass_criteria,
                "result": results[c.pk].result,
                "note": results[c.pk].note,
                "call_offset_ms": results[c.pk].call_offset_ms,
                "snapshots": snapshots.get(c.pk, []),
            }
            for c in inspection.standard.items.all()
        ],
        "location": {
            "site": (
                [str(case.project.latitude), str(case.project.longitude),
                 case.project.site_radius_m] if case.project.latitude is not None else None
            ),
            "red_line": case.project.red_line,
            "samples": [
                {"lat": str(p.latitude), "lon": str(p.longitude), "accuracy_m": p.accuracy_m,
                 "at": p.created_at.isoformat(), "distance_m": p.distance_m,
                 "inside": p.inside_site}
                for p in locations
            ],
            "outside": sum(1 for p in locations if p.inside_site is False),
        },
        "recording": {
            "segments": _segments_data(inspection),
            "stamp": recording_stamp(inspection, written_at),
        },
        "conclusion": conclusion,
        "summary": summary,
        "rectifications": rectifications,
    }  # fmt: skip


@transaction.atomic
def record_write(
    *,
    actor: Any,
    inspection: Inspection,
    conclusion: str,
    summary: str,
    rectifications: list[str] | None = None,
) -> InspectionRecord:
    """End the call and write the record; every checklist item needs its result."""
    _ensure_inspector(actor, inspection)
    inspection = _lock(inspection)
    _status(inspection, InspectionStatus.IN_PROGRESS)
    if conclusion not in Conclusion.values:
        raise InvalidInput(
            _("Choose a conclusion."),
            invalid_params=[{"name": "conclusion", "code": "invalid_choice",
                             "reason": str(conclusion)}],
        )  # fmt: skip
    missing = inspection.standard.items.exclude(
        pk__in=inspection.results.values("checklist_item_id")
    )
    if missing.exists():
        raise InvalidInput(
            _("Record a result for every checklist item first: %(items)s")
            % {"items": "、".join(m.title for m in missing)},
            code=ErrorCode.RESULTS_MISSING,
        )
    rectifications = [str(r).strip()[:300] for r in (rectifications or []) if str(r).strip()]
    if conclusion == Conclusion.RECHECK and not rectifications:
        raise InvalidInput(
            _("List what must be rectified before the re-inspection."),
            invalid_params=[{"name": "rectifications", "code": "required", "reason": ""}],
        )
    now = timezone.now()
    number = _record_number(inspection)
    data = record_data(inspection, number=number, conclusion=conclusion,
                       summary=_text(summary, "summary"), rectifications=rectifications,
                       written_at=now)  # fmt: skip
    record = InspectionRecord.objects.create(
        inspection=inspection, number=number, conclusion=conclusion, data=data,
        content_sm3=sm3_hex(canonical_json(data)), written_by=actor,
    )  # fmt: skip
    inspection.status = InspectionStatus.RECORDED
    inspection.ended_at = now
    inspection.save(update_fields=["status", "ended_at", "updated_at"])
    audit_record(actor=actor, action="inspection_record_written", obj=record,
                 summary=number, data={"content_sm3": record.content_sm3})  # fmt: skip
    return record


def signed_bytes(record: InspectionRecord, signature: RecordSignature) -> bytes:
    """What a signer signs: the record's number and content SM3, who, as what, when."""
    return canonical_json(
        {
            "record": record.number,
            "content_sm3": record.content_sm3,
            "signer": str(signature.signer.public_id),
            "signer_name": signature.signer_name,
            "role": signature.role,
            "signed_at": signature.signed_at.isoformat(),
            "note": signature.note,
        }
    )


@transaction.atomic
def record_sign(*, actor: Any, record: InspectionRecord, note: str = "") -> InspectionRecord:
    """
    Both inspectors sign, then the enterprise's person acknowledges (签字确认), each with
    their own SM2 key. The last signature completes the record: its PDF is made and the
    item's clock restarts.

    Errors: ``permission_denied`` (403), ``inspection_already_signed`` /
    ``inspection_not_signed`` / ``inspection_status_conflict`` (409).
    """
    inspection = _lock(record.inspection)
    record = InspectionRecord.objects.select_for_update().get(pk=record.pk)
    _status(inspection, InspectionStatus.RECORDED)
    if is_inspector_of(actor, inspection):
        role = SignerRole.INSPECTOR
    elif can_pick_slot(actor, inspection) or is_site_person_of(actor, inspection):
        role = SignerRole.ENTERPRISE
    else:
        raise PermissionDenied(_("Only the inspectors and the enterprise sign the record."))
    if record.signatures.filter(signer=actor).exists():
        raise Conflict(_("You have signed this record already."), code=ErrorCode.ALREADY_SIGNED)
    inspectors_signed = record.signatures.filter(role=SignerRole.INSPECTOR).count()
    if role == SignerRole.ENTERPRISE and inspectors_signed < 2:
        raise Conflict(
            _("The enterprise acknowledges the record after both inspectors signed it."),
            code=ErrorCode.NOT_SIGNED,
        )
    signature = RecordSignature(
        record=record, signer=actor, role=role, signer_name=_name(actor),
        signed_at=timezone.now(), note=_text(note, "note", max_length=300, required=False),
    )  # fmt: skip
    # each signer's own SM2 key (kaigong/certificates/personal.py), made at the first signature
    sig = personal_sign(actor, signed_bytes(record, signature))
    signature.key_id, signature.public_key_hex, signature.signature_hex = (
        sig.key_id, sig.public_key_hex, sig.signature_hex,
    )  # fmt: skip
    signature.save()
    audit_record(actor=actor, action="inspection_record_signed", obj=record,
                 summary=f"{record.number}: {role}")  # fmt: skip
    if role == SignerRole.ENTERPRISE:
        _complete(record, inspection)
    return record


def _complete(record: InspectionRecord, inspection: Inspection) -> None:
    from .filing import record_file
    from .rendering import record_pdf

    pdf = record_pdf(record)
    record.pdf.save(f"{record.number}.pdf", ContentFile(pdf), save=False)
    record.pdf_sm3 = sm3_hex(pdf)
    record.completed_at = timezone.now()
    record.save(update_fields=["pdf", "pdf_sm3", "completed_at", "updated_at"])
    record_file(record, pdf)
    inspection.status = InspectionStatus.COMPLETED
    inspection.save(update_fields=["status", "updated_at"])
    item = inspection.item
    # the inspection ends its own pause (docs/legal.md#inspection-clock)
    if item.status == ItemStatus.PAUSED:
        item_resume(item=item, actor=inspection.requested_by)
    notification_send(
        kind="inspection_completed",
        title=_g("Inspection record %(no)s is complete: %(c)s")
        % {"no": record.number, "c": record.get_conclusion_display()},
        link=f"/workbench/items/{item.public_id}/",
        user=inspection.requested_by,
    )
    notification_send(
        kind="inspection_completed",
        title=_g("Inspection record %(no)s: %(c)s")
        % {"no": record.number, "c": record.get_conclusion_display()},
        link=f"/inspections/{inspection.public_id}/",
        enterprise=item.case.enterprise,
    )


@transaction.atomic
def inspection_cancel(*, actor: Any, inspection: Inspection, reason: str) -> Inspection:
    """The requesting reviewer cancels an open inspection; the item's clock restarts."""
    if actor.pk != inspection.requested_by_id or not can_request_inspection(actor, inspection.item):
        raise PermissionDenied(_("Only the reviewer who asked for it cancels an inspection."))
    inspection = _lock(inspection)
    _status(inspection, *OPEN_STATUSES)
    reason = _text(reason, "reason")
    inspection.status = InspectionStatus.CANCELLED
    inspection.save(update_fields=["status", "updated_at"])
    if inspection.item.status == ItemStatus.PAUSED:
        item_resume(item=inspection.item, actor=actor)
    notification_send(kind="inspection_cancelled", title=_g("The site inspection is cancelled"),
                      body=reason, link=f"/inspections/{inspection.public_id}/",
                      enterprise=inspection.item.case.enterprise)  # fmt: skip
    audit_record(actor=actor, action="inspection_cancelled", obj=inspection, summary=reason)
    return inspection


def record_verify(record: InspectionRecord) -> dict:
    """Recompute the content digest, every signature and the PDF's digest."""
    content_ok = sm3_hex(canonical_json(record.data)) == record.content_sm3
    signatures = [
        {
            "signer_name": s.signer_name,
            "role": s.role,
            "signed_at": s.signed_at.isoformat(),
            "signed_at_local": timezone.localtime(s.signed_at).strftime("%Y-%m-%d %H:%M"),
            "key_id": s.key_id,
            "fingerprint": fingerprint_text(key_fingerprint(s.signer_id, s.key_id)),
            "ok": signature_verify(
                user_id=s.signer_id,
                key_id=s.key_id,
                data=signed_bytes(record, s),
                signature_hex=s.signature_hex,
                stored_public_key_hex=s.public_key_hex,
            ),  # fmt: skip
        }
        for s in record.signatures.select_related("signer").order_by("signed_at", "id")
    ]
    pdf_ok = None
    if record.pdf:
        with record.pdf.open("rb") as handle:
            pdf_ok = sm3_hex(handle.read()) == record.pdf_sm3
    inspectors = sum(1 for s in signatures if s["role"] == SignerRole.INSPECTOR and s["ok"])
    enterprise = any(s["role"] == SignerRole.ENTERPRISE and s["ok"] for s in signatures)
    media = recording_verify(str(record.inspection.public_id), record.data.get("recording"),
                             list(record.inspection.segments.all()))  # fmt: skip
    return {
        "number": record.number,
        "content_sm3": record.content_sm3,
        "content_ok": content_ok,
        "signatures": signatures,
        "pdf_sm3": record.pdf_sm3,
        "pdf_ok": pdf_ok,
        "recording": media,
        "complete": inspectors >= 2 and enterprise,
        "ok": content_ok
        and all(s["ok"] for s in signatures)
        and pdf_ok is not False
        and (media is None or media["ok"]),
    }
