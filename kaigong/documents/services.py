"""
Issuing the written notices and decisions of a case (行政文书): record, render, sign, file.

A decision commits before its documents render (issue #16 §3), as certificates do:

1. cases calls ``cases.hooks.document_due`` inside the event's transaction, under the case's
   row lock; the listener ``document_record`` (registered in apps.py) composes the
   document's data from its source row (the case, a correction, a denial, an item, a
   pause, an extension), numbers it and stores it 生成中 (``rendered_at`` empty, no PDF),
   with the internal outbox message ``internal.documents.render`` — one INSERT each; the
   document exists at once, committed with its event or not at all;
2. the outbox relay (core/relay.py) delivers the message to ``document_render_on_message``,
   which, in the delivery's own transaction, renders the PDF of the recorded data
   (rendering.py, deterministic), signs the canonical {data, pdf_sm3} with the platform
   integrity key (certificates.signing.platform_sign), stores it, files the PDF in the
   project's archive (archives.services.archive_document_file, origin
   ``documents.officialdocument``) and tells the enterprise (inbox).

A failure (a missing key, a full disk) rolls the delivery back: the document stays 生成中,
the relay retries with back-off and keeps a dead letter an administrator replays; nothing is
lost. Until it is rendered the pages and the API say the document is being prepared (no
PDF, no 500). With ``render_inline()`` (tests, the demo loader) a document is also
rendered in-process as soon as its event commits. ``document_issue(kind=…, source=…)`` records and renders at once (the
sweep); ``documents_issue_missing`` (command ``documents_issue_missing``) renders what is
still 生成中 and issues what an event is owed and does not have. One document per kind and
source: recording or issuing again returns the first.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_holds
from kaigong.archives.constants import STAGE_BY_NATIONAL, StageTag
from kaigong.archives.constants import DocumentKind as ArchiveKind
from kaigong.archives.services import archive_document_file, stage_of
from kaigong.cases.constants import (
    CommitmentKind,
    Decision,
    DenialKind,
    ItemStatus,
    OfficialDocumentKind,
)
from kaigong.cases.hooks import ACT_RECEIVE_DOCUMENTS, acting_for
from kaigong.cases.models import Case, CaseItem, ClockPause, Correction, Denial, Extension
from kaigong.cases.permissions import is_assigned_helper
from kaigong.cases.services.intake import DEFAULT_RIGHTS
from kaigong.catalog.models import Material
from kaigong.certificates.crypto import sm3_hex
from kaigong.certificates.services.render import render_inline
from kaigong.certificates.signing import platform_sign
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, NotFound
from kaigong.core.services import audit_record, notification_send, outbox_emit

from .models import OfficialDocument
from .rendering import render_document_pdf
from .selectors import document_get_for

logger = logging.getLogger(__name__)

K = OfficialDocumentKind

# the letters of a document number after the case number (受理 SL, 补正 BZ …)
NUMBER_CODES: dict[str, str] = {
    K.ACCEPTANCE_NOTICE: "SL",
    K.CORRECTION_NOTICE: "BZ",
    K.REFUSAL_DECISION: "BSL",
    K.DENIAL_DECISION: "BXK",
    K.APPROVAL_DECISION: "ZXK",
    K.SPECIAL_PROCEDURE_NOTICE: "TB",
    K.EXTENSION_NOTICE: "YQ",
}


def canonical_bytes(data: dict[str, Any], pdf_sm3: str) -> bytes:
    """What is signed: canonical JSON of {data, pdf_sm3} (sorted keys, no spaces, UTF-8)."""
    return json.dumps(
        {"data": data, "pdf_sm3": pdf_sm3},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")


def _day(value: date | None) -> str:
    if value is None:
        return "—"
    return _("%(y)s-%(m)s-%(d)s") % {"y": value.year, "m": value.month, "d": value.day}


def _issuer_of_case(case: Case) -> str:
    centre = case.service_center
    if centre is not None:
        return centre.name
    lead = case.bundle.lead_department
    return lead.name if lead is not None else ""


def _received(case: Case) -> str:
    return _day(local_date(case.received_at) if case.received_at else None)


def _opening(case: Case) -> str:
    return _(
        "Your application for %(bundle)s for the project %(project)s (case number %(number)s), "
        "received on %(received)s,"
    ) % {
        "bundle": case.bundle.name,
        "project": case.project.name,
        "number": case.number,
        "received": _received(case),
    }


def _remedies(recorded: str) -> dict[str, Any]:
    # rule: a refusal or denial states the remedies: 行政复议 within 60 days (行政复议法 art.
    # 20), 行政诉讼 within 6 months (行政诉讼法 art. 46); 行政许可法 art. 38
    facts = [
        [
            _("Administrative reconsideration"),
            _(
                "Within 60 days of learning of this decision, to the people's government at "
                "the level of the issuing body (Administrative Reconsideration Law art. 20)."
            ),
        ],
        [
            _("Administrative lawsuit"),
            _(
                "Within 6 months of learning of this decision, before the people's court "
                "with jurisdiction (Administrative Litigation Law art. 46)."
            ),
        ],
    ]
    recorded = (recorded or "").strip()
    told = [] if not recorded or recorded == DEFAULT_RIGHTS else [recorded]
    return {
        "heading": _("Remedies"),
        "facts": facts,
        "paragraphs": [_("As told by the deciding body: %(text)s") % {"text": t} for t in told],
    }


def _materials_named(codes: list[str]) -> dict[str, str]:
    return dict(Material.objects.filter(code__in=codes).values_list("code", "name"))


# --- composing each kind ----------------------------------------------------------------------


def _acted_for(case: Case) -> dict[str, Any] | None:
    """
    Who handed the application in, when a helper did it under a mandate (the submission's
    event carries ``on_behalf``, cases.hooks.acting_for): every document of the case says
    so, so that the helper never passes for the applicant (docs/assistance.md).
    """
    # perf: the last submission's event data alone, not every transition of the case
    data = (
        case.events.filter(kind="case_transition", data__action__in=["submit", "resubmit"])
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )
    context = (data or {}).get("on_behalf")
    if not isinstance(context, dict):
        return None
    return {
        "heading": _("Submitted on the enterprise's behalf"),
        "paragraphs": [
            _(
                "The application was submitted by the helper %(agent)s on behalf of "
                "%(enterprise)s, under mandate %(number)s."
            )
            % {
                "agent": context.get("agent", ""),
                "enterprise": context.get("enterprise", ""),
                "number": context.get("number", ""),
            }
        ],
    }


def _acceptance(case: Case) -> dict[str, Any]:
    items = list(case.items.select_related("matter_version", "department").order_by("order", "id"))
    rows = [
        [
            str(index),
            i.matter_version.name,
            i.department.name,
            _day(i.promised_due_on)
            if i.promised_due_on
            else _("Starts when its prerequisite is met"),
            _day(i.statutory_due_on) if i.statutory_due_on else "—",
        ]
        for index, i in enumerate(items, start=1)
    ]
    sections: list[dict[str, Any]] = [
        {
            "heading": _("Accepted matters and promised due dates"),
            "table": {
                "columns": [
                    _("No."),
                    _("Matter"),
                    _("Department"),
                    _("Promised due date"),
                    _("Statutory due date"),
                ],
                "rows": rows,
                "widths": [0.08, 0.32, 0.18, 0.21, 0.21],
            },
        }
    ]
    for commitment in case.commitments.order_by("created_at", "id"):
        names = _materials_named(commitment.material_codes)
        if commitment.kind == CommitmentKind.DEFERRAL:
            sections.append(
                {
                    "heading": _("Deferred materials (容缺受理) and their due date"),
                    "table": {
                        "columns": [_("No."), _("Material"), _("Due date")],
                        "rows": [
                            [str(n), names.get(code, code), _day(commitment.due_on)]
                            for n, code in enumerate(commitment.material_codes, start=1)
                        ],
                        "widths": [0.08, 0.62, 0.30],
                    },
                    "paragraphs": [
                        _(
                            "Hand in the deferred materials by %(date)s as committed; until "
                            "then the certificates are held, and a lapsed commitment ends "
                            "the application."
                        )
                        % {"date": _day(commitment.due_on)}
                    ],
                }
            )
        else:
            sections.append(
                {
                    "heading": _("Proofs replaced by your commitment (告知承诺)"),
                    "table": {
                        "columns": [_("No."), _("Material"), _("Verified by")],
                        "rows": [
                            [str(n), names.get(code, code), _day(commitment.verification_due_on)]
                            for n, code in enumerate(commitment.material_codes, start=1)
                        ],
                        "widths": [0.08, 0.62, 0.30],
                    },
                }
            )
    paragraphs = [
        _opening(case)
        + _(
            " has been examined: the materials are complete and in the statutory form, and "
            "the application is accepted as of %(accepted)s."
        )
        % {"accepted": _day(case.accepted_on)}
    ]
    if case.deemed_accepted:
        paragraphs.append(
            _(
                "No correction notice was sent within 5 working days of receipt, so the "
                "application counts as accepted from the day of receipt "
                "(Administrative Licensing Law art. 32)."
            )
        )
    closing = [
        _(
            "The bundle is promised to be completed by %(promised)s; the statutory limit ends "
            "on %(statutory)s. Time for special procedures is not counted, and you will be "
            "told of it in writing."
        )
        % {"promised": _day(case.promised_due_on), "statutory": _day(case.statutory_due_on)},
        _("Legal basis: Administrative Licensing Law art. 32."),
    ]
    return {
        "item": None,
        "issuer": _issuer_of_case(case),
        "paragraphs": paragraphs,
        "sections": sections,
        "closing": closing,
    }


def _problem(problem: str) -> str:
    return _("Defective") if problem == "defective" else _("Missing")


def _correction(correction: Correction) -> dict[str, Any]:
    case = correction.case
    rows = [
        [
            str(n),
            i.get("label") or i.get("code", ""),
            _("Material") if i.get("kind") == "material" else _("Form field"),
            _problem(i.get("problem", "")),
            i.get("note", ""),
        ]
        for n, i in enumerate(correction.items, start=1)
    ]
    sections = [
        {
            "heading": _("Everything to correct (%(count)s)") % {"count": len(rows)},
            "table": {
                "columns": [_("No."), _("What"), _("Item kind"), _("Problem"), _("Note")],
                "rows": rows,
                "widths": [0.08, 0.30, 0.14, 0.18, 0.30],
            },
            "paragraphs": [correction.note] if correction.note else [],
        }
    ]
    paragraphs = [
        _opening(case)
        + _(
            " is incomplete or not in the statutory form. Under art. 32 of the Administrative "
            "Licensing Law you are told at once of everything to correct, listed below."
        )
    ]
    closing = [
        _(
            "Correct everything listed and hand the application in again; once it is complete "
            "and in the statutory form it will be accepted. Nothing else will be asked of you "
            "for these materials."
        ),
        _("Legal basis: Administrative Licensing Law art. 32."),
    ]
    return {
        "item": None,
        "issuer": _issuer_of_case(case),
        "paragraphs": paragraphs,
        "sections": sections,
        "closing": closing,
    }


def _refusal(denial: Denial) -> dict[str, Any]:
    case = denial.case
    return {
        "item": None,
        "issuer": _issuer_of_case(case),
        "paragraphs": [
            _opening(case) + _(" has been examined. It is decided not to accept the application.")
        ],
        "sections": [
            {
                "heading": _("Reasons and legal basis"),
                "facts": [[_("Reasons"), denial.reason], [_("Legal basis"), denial.legal_basis]],
            },
            _remedies(denial.applicant_rights),
        ],
        "closing": [],
    }


def _denial(denial: Denial) -> dict[str, Any]:
    case, item = denial.case, denial.item
    if item is None:
        raise ValueError("a denial of a licence names its item")
    return {
        "item": item,
        "issuer": item.department.name,
        "paragraphs": [
            _opening(case)
            + _(
                " has been reviewed for the matter %(matter)s. It is decided not to grant the "
                "administrative licence."
            )
            % {"matter": item.matter_version.name}
        ],
        "sections": [
            {
                "heading": _("Reasons and legal basis"),
                "facts": [
                    [_("Matter"), item.matter_version.name],
                    [_("Reasons"), denial.reason],
                    [_("Legal basis"), denial.legal_basis],
                    [_("Decided on"), _day(item.decided_on)],
                ],
            },
            _remedies(denial.applicant_rights),
        ],
        "closing": [],
    }


def _approval(item: CaseItem) -> dict[str, Any]:
    case = item.case
    facts = [
        [_("Matter"), item.matter_version.name],
        [_("Applicant"), case.enterprise.name],
        [_("Project"), case.project.name],
        [_("Decided on"), _day(item.decided_on)],
    ]
    closing = [
        _(
            "The certificate is issued as an electronic licence within 10 days of this "
            "decision (Administrative Licensing Law art. 44); verify it by its QR code."
        )
    ]
    if item.status == ItemStatus.APPROVED_DEFERRED:
        closing.insert(
            0,
            _(
                "Deferred materials (容缺) are still outstanding: the certificate is held until "
                "they are handed in as committed."
            ),
        )
    return {
        "item": item,
        "issuer": item.department.name,
        "paragraphs": [
            _opening(case)
            + _(
                " has been reviewed for the matter %(matter)s: it meets the statutory "
                "conditions and standards, and it is decided to grant the administrative "
                "licence (Administrative Licensing Law art. 38)."
            )
            % {"matter": item.matter_version.name}
        ],
        "sections": [{"heading": _("Decision"), "facts": facts}],
        "closing": closing,
    }


def _special_procedure(pause: ClockPause) -> dict[str, Any]:
    item = pause.item
    case = item.case
    return {
        "item": item,
        "issuer": item.department.name,
        "paragraphs": [
            _opening(case)
            + _(
                " needs a special procedure for the matter %(matter)s. Under art. 45 of the "
                "Administrative Licensing Law the time it takes is not counted in the time "
                "limit; you are told in writing how long it will take."
            )
            % {"matter": item.matter_version.name}
        ],
        "sections": [
            {
                "heading": _("The special procedure"),
                "facts": [
                    [_("Matter"), item.matter_version.name],
                    [_("Kind of procedure"), pause.get_kind_display()],
                    [_("Reasons"), pause.reason],
                    [_("Grounds"), pause.evidence],
                    [_("Starts on"), _day(pause.started_on)],
                    [
                        _("Planned duration"),
                        _("%(days)s working days") % {"days": pause.planned_working_days},
                    ],
                    [_("Planned end"), _day(pause.planned_end_on)],
                ],
            }
        ],
        "closing": [
            _(
                "The time limit runs again when the procedure ends; you will see the new due "
                "date on your case page."
            ),
            _("Legal basis: Administrative Licensing Law art. 45."),
        ],
    }


def _extension(extension: Extension) -> dict[str, Any]:
    item = extension.item
    case = item.case
    return {
        "item": item,
        "issuer": item.department.name,
        "paragraphs": [
            _opening(case)
            + _(
                " cannot be decided within the time limit for the matter %(matter)s. With the "
                "approval of the head of this body the limit is extended by %(days)s working "
                "days."
            )
            % {"matter": item.matter_version.name, "days": extension.working_days}
        ],
        "sections": [
            {
                "heading": _("The extension"),
                "facts": [
                    [_("Matter"), item.matter_version.name],
                    [
                        _("Extended by"),
                        _("%(days)s working days") % {"days": extension.working_days},
                    ],
                    [_("Reasons"), extension.reason],
                    [_("Promised due date"), _day(item.promised_due_on)],
                    [_("Statutory due date"), _day(item.statutory_due_on)],
                ],
            }
        ],
        "closing": [_("Legal basis: Administrative Licensing Law art. 42.")],
    }


def _case_of(source: Any) -> Case:
    if isinstance(source, Case):
        return source
    if isinstance(source, (Correction, Denial)):
        return source.case
    if isinstance(source, CaseItem):
        return source.case
    return source.item.case


COMPOSERS: dict[str, tuple[type[Any], Callable[[Any], dict[str, Any]]]] = {
    K.ACCEPTANCE_NOTICE: (Case, _acceptance),
    K.CORRECTION_NOTICE: (Correction, _correction),
    K.REFUSAL_DECISION: (Denial, _refusal),
    K.DENIAL_DECISION: (Denial, _denial),
    K.APPROVAL_DECISION: (CaseItem, _approval),
    K.SPECIAL_PROCEDURE_NOTICE: (ClockPause, _special_procedure),
    K.EXTENSION_NOTICE: (Extension, _extension),
}


def _number(case: Case, kind: str, seq: int | None = None) -> str:
    if seq is None:
        seq = OfficialDocument.objects.filter(case=case, kind=kind).count() + 1
    return f"{case.number}-{NUMBER_CODES[kind]}{seq:02d}"


def _stage(case: Case, item: CaseItem | None) -> str:
    if item is not None:
        return stage_of(item.matter_version)
    stage = case.bundle.stage
    if stage is not None:
        return STAGE_BY_NATIONAL.get(stage.national_stage, StageTag.OTHER)
    return StageTag.OTHER


TOPIC_RENDER = "internal.documents.render"  # the relay renders a case's documents 生成中
DOCUMENT_BEING_PREPARED = "document_being_prepared"  # the error code of a PDF not rendered yet


def _origin(kind: str, source: Any) -> tuple[Callable[[Any], dict[str, Any]], str, str]:
    model, compose = COMPOSERS[OfficialDocumentKind(kind)]
    if not isinstance(source, model):
        raise ValueError(f"{kind} is not issued for {source._meta.label_lower}")
    return compose, source._meta.label_lower, str(source.public_id)


def _recorded(kind: str, origin_type: str, origin_id: str) -> OfficialDocument | None:
    return OfficialDocument.objects.filter(
        kind=kind, origin_type=origin_type, origin_id=origin_id
    ).first()


def document_record(kind: str, source: Any) -> OfficialDocument:
    """
    The cases hook's listener (``cases.hooks.document_due``), inside the event's transaction
    under the case's row lock: record the document of ``kind`` for ``source`` — composed,
    numbered, dated, 生成中 (no PDF yet) — and the outbox message after which the relay
    renders, signs, files and announces it (``documents_render_for_case``). Idempotent: a
    document already recorded for the source is returned. ``ValueError`` for a kind that
    does not fit the source.

    With ``render_inline()`` (tests, the demo loader) it is also rendered in-process once
    the event's transaction commits.
    """
    compose, origin_type, origin_id = _origin(kind, source)
    case = _case_of(source)
    # perf: one read gives both the origin's document, if any, and the number's sequence
    recorded = list(
        OfficialDocument.objects.filter(case=case, kind=kind).values_list(
            "origin_type", "origin_id"
        )
    )
    if (origin_type, origin_id) in recorded:
        return OfficialDocument.objects.get(kind=kind, origin_type=origin_type, origin_id=origin_id)
    document = _record(kind, source, case, compose, seq=len(recorded) + 1)
    # the message commits with the document: the relay renders it, retrying until it
    # succeeds (a dead letter an administrator replays); the document is never lost
    outbox_emit(topic=TOPIC_RENDER, key=str(case.public_id), payload={"case": str(case.public_id)})
    if render_inline():
        # tests and the demo loader: rendered in-process as soon as the event commits (a
        # second rendering by the relay finds nothing 生成中)
        transaction.on_commit(
            functools.partial(documents_render_for_case, case_public_id=case.public_id),
            robust=True,
        )
    return document


def document_issue(*, kind: str, source: Any) -> OfficialDocument:
    """
    Issue the document of ``kind`` for ``source`` now (idempotent): record it if it is not,
    and render, sign, store, file in the archive and tell the enterprise if it is still
    生成中 — the sweep's way, outside any event (``documents_issue_missing``).

    Raises ``ValueError`` for a kind that does not fit the source, ``KeyFileMissing``
    without the integrity key in production (nothing is stored then).
    """
    compose, origin_type, origin_id = _origin(kind, source)
    existing = _recorded(kind, origin_type, origin_id)
    if existing is not None and existing.is_rendered:
        return existing
    case = _case_of(source)
    try:
        with transaction.atomic():
            # the case's row lock orders the documents of one case: the number's sequence
            # is counted under it, and a second issuer of the same origin finds the first
            Case.objects.select_for_update().filter(pk=case.pk).first()
            document = _recorded(kind, origin_type, origin_id)
            if document is None:
                document = _record(kind, source, case, compose)
            else:
                pending = _locked_pending(document.pk)
                if pending is None:  # rendered meanwhile (the relay): the rendered row
                    return OfficialDocument.objects.get(pk=document.pk)
                document = pending
            if not document.is_rendered:
                _render(document)
            return document
    except IntegrityError:
        # issued meanwhile by another worker without the lock (same origin)
        existing = _recorded(kind, origin_type, origin_id)
        if existing is None:
            raise
        return existing


def _record(
    kind: str, source: Any, case: Case, compose, *, seq: int | None = None
) -> OfficialDocument:
    """
    Compose, number and store the document 生成中 (inside the caller's transaction, under
    the case's row lock). ``seq``: the number's sequence when the caller counted it.
    """
    now = timezone.now()
    with translation.override("zh-hans"):
        composed = compose(source)
        acted = _acted_for(case)
        if acted:
            # every document of a case a helper handed in names the 代办人, not only the
            # acceptance notice (docs/assistance.md)
            composed["sections"] = [*composed["sections"], acted]
        title = str(OfficialDocumentKind(kind).label)
        number = _number(case, kind, seq)
        document = OfficialDocument(
            kind=kind,
            case=case,
            item=composed["item"],
            number=number,
            title=title,
            issuer_name=composed["issuer"] or case.bundle.name,
            origin_type=source._meta.label_lower,
            origin_id=str(source.public_id),
            issued_at=now,
        )
        document.data = {
            "document_id": str(document.public_id),
            "kind": kind,
            "title": title,
            "number": number,
            "case_number": case.number,
            "issuer_name": document.issuer_name,
            "addressee": case.enterprise.name,
            "addressee_code": case.enterprise.uscc,
            "matter": composed["item"].matter_version.name if composed["item"] else "",
            "issued_on": local_date(now).isoformat(),
            "issued_on_text": _day(local_date(now)),
            "paragraphs": composed["paragraphs"],
            "sections": composed["sections"],
            "closing": composed["closing"],
        }
    # perf: no full_clean (its uniqueness checks are a query per unique field): the values
    # are composed here, the number's and origin's uniqueness are the database's constraints
    document.save(force_insert=True)
    return document


def _render(document: OfficialDocument) -> None:
    """
    Render the PDF of the recorded data, sign the canonical {data, pdf_sm3} with the
    platform integrity key, store it, file it in the archive, audit it and tell the
    enterprise (inside the caller's transaction: all of it or none).
    """
    case = document.case
    data, number, title = document.data, document.number, document.title
    pdf = render_document_pdf(data)
    pdf_sm3 = sm3_hex(pdf)
    signed = canonical_bytes(data, pdf_sm3)
    signature = platform_sign(signed)
    document.pdf_sm3 = pdf_sm3
    document.content_digest = sm3_hex(signed)
    document.key_id = signature.key_id
    document.signature_hex = signature.signature_hex
    document.rendered_at = timezone.now()
    document.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    document.save(
        update_fields=[
            "pdf",
            "pdf_sm3",
            "content_digest",
            "key_id",
            "signature_hex",
            "rendered_at",
            "updated_at",
        ]
    )
    archive_document_file(
        project=case.project,
        kind=ArchiveKind.NOTICE,
        title=f"{number} {title}",
        origin_type=document._meta.label_lower,
        origin_id=str(document.public_id),
        content=pdf,
        file_name=f"{number}.pdf",
        stage=_stage(case, document.item),
    )
    audit_record(
        actor=None,
        action="document_issue",
        obj=document,
        summary=f"{number} {title}",
        data={"kind": document.kind, "origin": f"{document.origin_type}:{document.origin_id}"},
    )
    with translation.override("zh-hans"):
        notice_title = _("%(title)s issued: %(number)s") % {"title": title, "number": number}
    notification_send(
        kind="document_issued",
        title=notice_title,
        body=case.bundle.name,
        link=f"/cases/{case.public_id}/#documents",
        enterprise=case.enterprise,
    )


def _pending() -> Any:
    return (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related(
            "case__project", "case__bundle__stage", "case__enterprise", "item__matter_version"
        )
        .filter(rendered_at__isnull=True)
    )


def _locked_pending(pk: int) -> OfficialDocument | None:
    return _pending().filter(pk=pk).first()


@transaction.atomic
def documents_render_for_case(*, case_public_id: Any) -> list[OfficialDocument]:
    """
    Render, sign, file and announce the documents of one case still 生成中, oldest first
    (idempotent: they are locked, and a second delivery finds none).
    """
    pending = list(_pending().filter(case__public_id=case_public_id).order_by("id"))
    for document in pending:
        _render(document)
    return pending


def document_render_on_message(message) -> None:
    """The relay's consumer of ``internal.documents.render`` (raises to be retried)."""
    documents_render_for_case(case_public_id=(message.payload or {})["case"])


def documents_render_pending() -> int:
    """Render every document still 生成中, case by case; return how many were rendered."""
    cases = (
        OfficialDocument.objects.filter(rendered_at__isnull=True)
        .values_list("case__public_id", flat=True)
        .distinct()
    )
    return sum(len(documents_render_for_case(case_public_id=c)) for c in list(cases))


def document_issue_for_event(kind: str, label: str, pk: int) -> OfficialDocument | None:
    """A queued call of the former on-commit listener (task ``document_issue``): issue it."""
    source = apps.get_model(label).objects.filter(pk=pk).first()
    if source is None:
        return None
    return document_issue(kind=kind, source=source)


def _pending_sources() -> list[tuple[str, Any]]:
    """Every source row whose document is not issued yet."""
    issued = {
        (kind, origin) for kind, origin in OfficialDocument.objects.values_list("kind", "origin_id")
    }
    candidates: list[tuple[str, Any]] = []
    candidates += [(K.ACCEPTANCE_NOTICE, c) for c in Case.objects.filter(accepted_at__isnull=False)]
    candidates += [(K.CORRECTION_NOTICE, c) for c in Correction.objects.all()]
    candidates += [(K.REFUSAL_DECISION, d) for d in Denial.objects.filter(kind=DenialKind.REFUSAL)]
    candidates += [
        (K.DENIAL_DECISION, d)
        for d in Denial.objects.filter(kind=DenialKind.DENIAL, item__isnull=False)
    ]
    candidates += [
        (K.APPROVAL_DECISION, i) for i in CaseItem.objects.filter(decision=Decision.APPROVE)
    ]
    candidates += [
        (K.SPECIAL_PROCEDURE_NOTICE, p)
        for p in ClockPause.objects.filter(planned_working_days__isnull=False)
    ]
    candidates += [
        (K.EXTENSION_NOTICE, e) for e in Extension.objects.filter(approved_at__isnull=False)
    ]
    return [(k, s) for k, s in candidates if (str(k), str(s.public_id)) not in issued]


def documents_issue_missing() -> int:
    """
    Render every document still 生成中 (a relay that has not run), then issue every
    document an event is owed and does not have (recorded before documents were recorded
    in their event's transaction); return how many.
    """
    issued = documents_render_pending()
    for kind, source in _pending_sources():
        try:
            document_issue(kind=kind, source=source)
        except Exception:  # noqa: BLE001 - one bad source must not stop the others
            logger.exception("document %s for %s not issued", kind, source.pk)
            continue
        issued += 1
    return issued


def document_download(user: Any, case_public_id: Any, public_id: Any) -> OfficialDocument:
    """
    The document whose PDF ``user`` downloads: whoever may see the case, except that a
    helper receives documents only under a mandate in force covering ``receive_documents``
    (``cases.hooks.acting_for``); without one, 404 like any outsider. A helper's download
    is audited as done on the enterprise's behalf, a refused one as refused. A document
    still 生成中 is ``Conflict`` (``document_being_prepared``, 409) to whoever may see it.

    # rule: a helper acts for the enterprise only within a mandate in force, checked on
    # every request (docs/legal.md#mandate-acting-for)
    """
    document = document_get_for(user, case_public_id, public_id)
    case = document.case
    if user_holds(user, Role.APPLICANT, enterprise_id=case.enterprise_id):
        return _rendered(document)
    if not is_assigned_helper(user, case):
        return _rendered(document)
    context = acting_for(user, case, ACT_RECEIVE_DOCUMENTS)
    if context is None:
        audit_record(
            actor=user,
            action="document_download_refused",
            obj=document,
            summary=f"{document.number} {document.title}",
            data={"reason": "mandate_required"},
        )
        raise NotFound(code="document_not_found")
    _rendered(document)  # before its audit: a download refused for 生成中 did not happen
    audit_record(
        actor=user,
        action="document_download",
        obj=document,
        summary=_("%(agent)s for %(enterprise)s under mandate %(number)s: %(document)s")
        % {
            "agent": context.get("agent", ""),
            "enterprise": context.get("enterprise", ""),
            "number": context.get("number", ""),
            "document": document.number,
        },
        data={"on_behalf": context},
    )
    return document


def _rendered(document: OfficialDocument) -> OfficialDocument:
    if not document.is_rendered:
        # 生成中: recorded with its event, its PDF follows from the relay in a moment
        raise Conflict(
            _("The document is being prepared; its PDF follows in a moment."),
            code=DOCUMENT_BEING_PREPARED,
        )
    return document
