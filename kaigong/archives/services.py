"""
Filing documents into project folders, the archive sweep, and point-to-point pushes.

Nothing in cases calls archives (STYLE.md 3.2): ``archive_sweep`` reads the cases and
certificates of projects and files what is not filed yet, idempotently (one document per
origin). Documents that are records rather than files (opinions, decisions, correction
notices, commitments, denials) are filed as canonical JSON renditions, so that every
document has bytes and hashes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department
from kaigong.catalog.models import MatterVersion
from kaigong.certificates.crypto import sm3_hex
from kaigong.certificates.selectors import certificate_list_for_project
from kaigong.core.services import audit_record, notification_send
from kaigong.projects.models import Project

from .constants import (
    PUSHED_STAGES,
    STAGE_BY_NATIONAL,
    Classification,
    DocumentKind,
    StageTag,
)
from .models import ArchiveDocument, ArchiveFolder, DocumentPush, Subscription


def archive_folder_open(*, project: Project) -> ArchiveFolder:
    """The project's folder, opened on first use and classified by investment type."""
    folder = ArchiveFolder.objects.filter(project=project).first()
    if folder is not None:
        return folder
    classification = (
        Classification.GOVERNMENT
        if project.investment_type == Classification.GOVERNMENT
        else Classification.SOCIAL
    )
    try:
        with transaction.atomic():
            folder = ArchiveFolder(project=project, classification=classification)
            folder.full_clean()
            folder.save()
    except IntegrityError:
        folder = ArchiveFolder.objects.get(project=project)
    return folder


def stage_of(version: MatterVersion | None) -> str:
    if version is None or version.stage_id is None:
        return StageTag.OTHER
    return STAGE_BY_NATIONAL.get(version.stage.national_stage, StageTag.OTHER)


def canonical_json(record: dict[str, Any]) -> bytes:
    return json.dumps(
        record, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


@transaction.atomic
def archive_document_file(
    *,
    project: Project,
    kind: str,
    title: str,
    origin_type: str,
    origin_id: str,
    content: bytes,
    file_name: str,
    stage: str = StageTag.OTHER,
    actor=None,
) -> ArchiveDocument:
    """File one document (idempotent by origin) and push it to subscribed departments."""
    folder = archive_folder_open(project=project)
    existing = folder.documents.filter(origin_type=origin_type, origin_id=origin_id).first()
    if existing is not None:
        return existing
    name = get_valid_filename(file_name) or "document"
    document = ArchiveDocument(
        folder=folder,
        kind=kind,
        stage=stage,
        title=title[:300],
        origin_type=origin_type,
        origin_id=origin_id,
        file_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        sm3=sm3_hex(content),
    )
    document.file.save(name, ContentFile(content), save=False)
    document.full_clean()
    document.save()
    audit_record(
        actor=actor,
        action="archive_document_file",
        obj=document,
        summary=title[:200],
        data={"origin": f"{origin_type}:{origin_id}", "sm3": document.sm3},
    )
    if stage in PUSHED_STAGES:
        _push(document, project)
    return document


def _push(document: ArchiveDocument, project: Project) -> None:
    """点对点推送: every active subscription for the stage and the project's region."""
    for subscription in Subscription.objects.filter(active=True).select_related("department"):
        if document.stage not in subscription.stages:
            continue
        region = subscription.region_code or subscription.department.region_code
        if not project.region_code.startswith(region.rstrip("0") or region):
            continue
        DocumentPush.objects.create(document=document, department=subscription.department)
        notification_send(
            kind="archive_document_pushed",
            title=_("New %(stage)s document: %(title)s")
            % {"stage": document.get_stage_display(), "title": document.title},
            body=project.name,
            link=f"/archives/projects/{project.public_id}/",
            department=subscription.department,
        )


@transaction.atomic
def subscription_set(
    *, department: Department, stages: list[str], region_code: str = "", actor=None
) -> Subscription:
    """Replace the department's subscription (stages among approval, planning, construction)."""
    unknown = sorted(set(stages) - set(PUSHED_STAGES))
    if unknown:
        from kaigong.core.exceptions import InvalidInput

        raise InvalidInput(
            code="unknown_stage",
            invalid_params=[
                {"name": "stages", "code": "unknown_stage", "reason": ", ".join(unknown)}
            ],
        )
    Subscription.objects.filter(department=department, active=True).update(active=False)
    subscription = Subscription(department=department, stages=list(stages), region_code=region_code)
    subscription.full_clean()
    subscription.save()
    audit_record(
        actor=actor, action="archive_subscription_set", obj=subscription, data={"stages": stages}
    )
    return subscription


def _file_record(project, kind, title, obj, prefix, number, record, stage, actor, known) -> int:
    """
    File one case record (correction, commitment, denial, opinion, decision) as JSON; 1 when
    it is new, 0 when ``known`` (the origins already filed) has it.
    """
    if (obj._meta.label_lower, str(obj.public_id)) in known:
        return 0
    archive_document_file(
        project=project,
        kind=kind,
        title=title,
        origin_type=obj._meta.label_lower,
        origin_id=str(obj.public_id),
        content=canonical_json({"case": number, **record}),
        file_name=f"{prefix}-{obj.public_id}.json",
        stage=stage,
        actor=actor,
    )
    return 1


def _file_cases(
    project: Project, actor, known: set[tuple[str, str]], case_public_id: Any = None
) -> int:
    from kaigong.cases.models import Case

    filed = 0
    scope = {"public_id": case_public_id} if case_public_id is not None else {}
    cases = (
        Case.objects.filter(project=project, **scope)
        .select_related("bundle__stage")
        .prefetch_related(
            "materials__material",
            "corrections",
            "commitments",
            "denials",
            "items__matter_version__stage",
            "items__opinions",
        )
    )
    for case in cases:
        case_stage = (
            STAGE_BY_NATIONAL.get(case.bundle.stage.national_stage, StageTag.OTHER)
            if case.bundle and case.bundle.stage_id
            else StageTag.OTHER
        )
        number = case.number or str(case.public_id)[:8]
        for material in case.materials.all():
            if not material.file or ("cases.submittedmaterial", str(material.public_id)) in known:
                continue
            with material.file.open("rb") as handle:
                content = handle.read()
            archive_document_file(
                project=project,
                kind=DocumentKind.MATERIAL,
                title=f"{number} {material.material.name}",
                origin_type="cases.submittedmaterial",
                origin_id=str(material.public_id),
                content=content,
                file_name=material.original_name or f"{material.public_id}.bin",
                stage=case_stage,
                actor=actor,
            )
            filed += 1
        for correction in case.corrections.all():
            record = {
                "items": correction.items,
                "note": correction.note,
                "requested_at": correction.requested_at,
            }
            filed += _file_record(
                project,
                DocumentKind.CORRECTION,
                f"{number} {_('Correction notice')}",
                correction,
                "correction",
                number,
                record,
                case_stage,
                actor,
                known,
            )
        for commitment in case.commitments.all():
            record = {
                "kind": commitment.kind,
                "text": commitment.text,
                "signer": commitment.signer_name,
                "signed_at": commitment.signed_at,
                "materials": commitment.material_codes,
            }
            filed += _file_record(
                project,
                DocumentKind.COMMITMENT,
                f"{number} {_('Commitment')}",
                commitment,
                "commitment",
                number,
                record,
                case_stage,
                actor,
                known,
            )
        for denial in case.denials.all():
            record = {
                "kind": denial.kind,
                "reason": denial.reason,
                "legal_basis": denial.legal_basis,
                "rights": denial.applicant_rights,
                "at": denial.at,
            }
            filed += _file_record(
                project,
                DocumentKind.DENIAL,
                f"{number} {denial.get_kind_display()}",
                denial,
                "denial",
                number,
                record,
                case_stage,
                actor,
                known,
            )
        for item in case.items.all():
            stage = stage_of(item.matter_version)
            name = item.matter_version.name
            for opinion in item.opinions.all():
                record = {
                    "matter": name,
                    "text": opinion.text,
                    "recommendation": opinion.recommendation,
                    "at": opinion.created_at,
                }
                filed += _file_record(
                    project,
                    DocumentKind.OPINION,
                    f"{number} {name} {_('Review opinion')}",
                    opinion,
                    "opinion",
                    number,
                    record,
                    stage,
                    actor,
                    known,
                )
            if item.decided_at is not None:
                record = {"matter": name, "decision": item.decision, "decided_at": item.decided_at}
                filed += _file_record(
                    project,
                    DocumentKind.DECISION,
                    f"{number} {name} {_('Decision')}",
                    item,
                    "decision",
                    number,
                    record,
                    stage,
                    actor,
                    known,
                )
    return filed


def _file_certificates(
    project: Project, actor, known: set[tuple[str, str]], case_public_id: Any = None
) -> int:
    filed = 0
    certificates = certificate_list_for_project(project)
    if case_public_id is not None:
        certificates = certificates.filter(case_public_id=case_public_id)
    for certificate in certificates.select_related("matter_version__stage"):
        if certificate.released_at is None:
            continue  # held certificates are not issued yet
        if ("certificates.certificate", str(certificate.public_id)) in known:
            continue
        with certificate.pdf.open("rb") as handle:
            content = handle.read()
        archive_document_file(
            project=project,
            kind=DocumentKind.CERTIFICATE,
            title=f"{certificate.certificate_type.name} {certificate.license_no}",
            origin_type="certificates.certificate",
            origin_id=str(certificate.public_id),
            content=content,
            file_name=f"{certificate.license_no}.pdf",
            stage=stage_of(certificate.matter_version),
            actor=actor,
        )
        filed += 1
    return filed


# An event committed by a transaction that began before a sweep may carry an earlier time
# than the sweep's start: the watermark stays this far behind, so such an event is not missed.
SWEEP_MARGIN = timedelta(minutes=10)


def _projects_with_news() -> QuerySet[Project]:
    """
    Projects with something the archive may not have: never swept, or a case event or a
    released certificate since their folder's watermark (perf: an idle sweep reads no
    document and no file; issue #16, part 4).
    """
    from kaigong.cases.models import CaseEvent
    from kaigong.certificates.models import Certificate

    watermark = OuterRef("archive_folder__swept_at")
    events = CaseEvent.objects.filter(case__project=OuterRef("pk"), occurred_at__gte=watermark)
    released = Certificate.objects.filter(project=OuterRef("pk"), released_at__gte=watermark)
    return Project.objects.filter(
        Q(archive_folder__isnull=True)
        | Q(archive_folder__swept_at__isnull=True)
        | Exists(events)
        | Exists(released)
    ).order_by("id")


def archive_sweep(*, project: Project | None = None, actor=None, case_public_id: Any = None) -> int:
    """
    File every not-yet-filed document of one project, or of every project with news since
    its last sweep; returns the number filed. Already filed origins are skipped before any
    file is read. ``case_public_id`` (with ``project``): only that case's documents and
    certificates, the relay's filing after one of its events (perf: not every case of the
    project again); the folder's watermark is then left as it is, so the periodic sweep
    still looks at the project's other cases.
    """
    projects = [project] if project is not None else _projects_with_news()
    filed = 0
    for each in projects:
        started = timezone.now()
        with transaction.atomic():
            folder = archive_folder_open(project=each)
            known = set(folder.documents.values_list("origin_type", "origin_id"))
            filed += _file_cases(each, actor, known, case_public_id)
            filed += _file_certificates(each, actor, known, case_public_id)
            if case_public_id is None:
                ArchiveFolder.objects.filter(pk=folder.pk).update(swept_at=started - SWEEP_MARGIN)
    return filed
