"""
Issuance with no re-typing: a concluded bundle's results become signed certificates.

``certificates_issue_for_case`` is called by the cases app exactly once, when a bundle
concludes, inside its transaction. For every item and every certificate type of its
matter version (several for a merged matter: 四证合发) it:

1. takes the next number of the type in the year from a locked counter row (gap-free:
   the counter and the certificate commit or roll back together; every counter of the
   issuance in one statement, ``core.counters``);
2. builds the GB/T 36904 identifier with its MOD 37,36 check character (identifiers.py);
3. assembles the data from the case data, the project, the holder and the catalogue;
4. records it held and 生成中 (``rendered_at`` empty) and, once the deciding transaction has
   committed, the outbox relay renders the PDF (rendering.py), hashes it with SM3, signs
   SM3(canonical data + PDF hash) with the issuing department's SM2 key (signing.py,
   crypto/) and releases together, in one event, those no joint-issuance rule and no
   deferred material holds (services/render.py, release.py); the held ones get one outbox
   message ``certificates.registered`` (the e-licence library's REGISTERED). With
   ``KAIGONG_CERTIFICATES_RENDER_INLINE`` (the tests) this happens in the transaction.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department, Enterprise
from kaigong.catalog.constants import DependencyKind
from kaigong.catalog.memo import memoised
from kaigong.catalog.models import (
    CertificateType,
    FieldSpec,
    JointIssuanceRule,
    MatterVersion,
)
from kaigong.catalog.selectors import versions_by_id
from kaigong.certificates.constants import (
    TOPIC_RENDER,
    CertificateStatus,
    ErrorCode,
    HolderCodeType,
)
from kaigong.certificates.identifiers import build_identifier, serial_for
from kaigong.certificates.models import Certificate, CertificateCounter, JointIssuanceFulfilment
from kaigong.certificates.rendering import spec_value_text, value_text
from kaigong.core.counters import counters_add
from kaigong.core.exceptions import Conflict
from kaigong.core.services import audit_record, outbox_emit
from kaigong.projects.models import Project

from .render import certificates_render, render_inline


@dataclass(frozen=True)
class ItemResult:
    """The result of one concluded case item, as the cases app hands it over."""

    case_item_id: int
    matter_version_id: int
    decided_on: date
    deferred_materials_outstanding: bool
    data: Mapping[str, Any]


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def validity_end(valid_from: date, months: int | None) -> date | None:
    """Last day of validity: ``months`` after ``valid_from``, minus one day; None = 长期有效."""
    if not months:
        return None
    return add_months(valid_from, months) - timedelta(days=1)


def issuer_code(department: Department) -> str:
    # rule: the issuer code is the issuing authority's USCC; some provinces use a shorter
    # region-based code (docs/legal.md#gbt-36904) — used when the department has no USCC
    return department.uscc or department.region_code


def _field_key_label(field: Any) -> tuple[str, str]:
    if isinstance(field, Mapping):
        key = str(field.get("key", ""))
        return key, str(field.get("label") or "")
    return str(field), ""


def field_specs_for(certificate_types: Sequence[CertificateType]) -> dict[str, FieldSpec]:
    """The field specs the surfaces of these types name (perf: once per catalogue
    fingerprint, ``catalog.memo``; shared, read-only instances)."""
    keys = {_field_key_label(f)[0] for t in certificate_types for f in t.fields or []}
    if not keys:
        return {}
    wanted = tuple(sorted(keys))
    # a key without a spec is memoised as absent too (the set is the key)
    return memoised(
        ("field_specs", wanted),
        lambda: {spec.key: spec for spec in FieldSpec.objects.filter(key__in=wanted)},
    )


def surface_fields(
    certificate_type: CertificateType,
    data: Mapping[str, Any],
    project: Project | None,
    specs: Mapping[str, FieldSpec] | None = None,
) -> list[dict[str, Any]]:
    """照面信息: each field of the type, from the case data, else from the project."""
    keys = [_field_key_label(f) for f in certificate_type.fields or []]
    if specs is None:
        specs = field_specs_for([certificate_type])
    surface = []
    for key, label in keys:
        spec = specs.get(key)
        value = data.get(key)
        if value in (None, "") and project is not None:
            attribute = (spec.project_attribute if spec else "") or key
            value = getattr(project, attribute, None)
        # printed by label: choices by their names, lists joined with 、, the unit after
        text = spec_value_text(spec, value) if spec else value_text(value)
        surface.append({"key": key, "label": label or (spec.label if spec else key), "value": text})
    return surface


def _bundle_rules(bundle_id: int) -> list[JointIssuanceRule]:
    """The bundle's joint-issuance rules with their certificate types, in code order (perf:
    once per catalogue fingerprint, ``catalog.memo``; shared, read-only instances)."""
    return memoised(
        ("joint_issuance_rules", bundle_id),
        lambda: list(
            JointIssuanceRule.objects.filter(bundle_id=bundle_id)
            .prefetch_related("certificate_types")
            .order_by("code")
        ),
    )


def _pending_rules(bundle_id: int | None, project: Project) -> list[JointIssuanceRule]:
    """The bundle's rules whose condition is not recorded for the project yet (perf: a
    bundle without rules, the usual case, reads nothing)."""
    rules = _bundle_rules(bundle_id) if bundle_id is not None else []
    if not rules:
        return []
    fulfilled = set(
        JointIssuanceFulfilment.objects.filter(
            project=project, rule_id__in=[r.id for r in rules]
        ).values_list("rule_id", flat=True)
    )
    return [r for r in rules if r.id not in fulfilled]


def _holding_rule(
    certificate_type: CertificateType, pending: Sequence[JointIssuanceRule]
) -> JointIssuanceRule | None:
    for rule in pending:
        type_ids = {t.id for t in rule.certificate_types.all()}
        if not type_ids or certificate_type.id in type_ids:
            return rule
    return None


def _check_type(certificate_type: CertificateType) -> None:
    if not certificate_type.type_code:
        raise Conflict(
            _("The certificate type %(name)s has no national type code.")
            % {"name": certificate_type.name},
            code=ErrorCode.TYPE_INCOMPLETE,
        )


def _certificate_create(
    *,
    certificate_type: CertificateType,
    version: MatterVersion,
    result: ItemResult,
    number: int,
    case_public_id: UUID,
    project: Project,
    holder: Enterprise,
    hold_rule: JointIssuanceRule | None,
    specs: Mapping[str, FieldSpec],
) -> Certificate:
    """The certificate's row, not saved yet (issued in one insert with its bundle's)."""
    issuer = certificate_type.issuing_department or version.department
    year = result.decided_on.year
    serial = serial_for(year, number)
    identifier = build_identifier(
        type_code=certificate_type.type_code, issuer_code=issuer_code(issuer), serial=serial
    )
    valid_from = result.decided_on
    valid_to = validity_end(valid_from, certificate_type.validity_months)
    license_no = f"{issuer.region_code}{certificate_type.type_code[-3:]}{serial}"
    data = {
        "identifier": identifier,
        "license_no": license_no,
        "type_code": certificate_type.type_code,
        "type_name": certificate_type.name,
        "holder_name": holder.name,
        "holder_code": holder.uscc,
        "holder_code_type": HolderCodeType.USCC.value,
        "issuer_name": issuer.name,
        "issuer_code": issuer_code(issuer),
        "region_code": issuer.region_code,
        "issued_on": result.decided_on.isoformat(),
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat() if valid_to else None,
        "project_name": project.name,
        "project_code": project.investment_project_code,
        "matter": version.name,
        "surface": surface_fields(certificate_type, result.data, project, specs),
    }
    certificate = Certificate(
        certificate_type=certificate_type,
        matter_version=version,
        case_public_id=case_public_id,
        case_item_id=result.case_item_id,
        project=project,
        holder=holder,
        issuer=issuer,
        identifier=identifier,
        year=year,
        number=number,
        license_no=license_no,
        issued_on=result.decided_on,
        valid_from=valid_from,
        valid_to=valid_to,
        data=data,
        status=CertificateStatus.HELD,
        hold_rule=hold_rule,
        hold_deferred_materials=result.deferred_materials_outstanding,
    )
    # perf: no full_clean — every value was just made from rows read in this transaction,
    # and its foreign-key and uniqueness queries ran once per certificate (≈ 10 ms); the
    # database's constraints still refuse a duplicate number or identifier
    return certificate


def _link_dependencies(certificates: Sequence[Certificate], project: Project) -> None:
    """A certificate depends on the project's certificates of the matters its matter needs."""
    for certificate in certificates:
        prerequisites = [
            d.prerequisite_id
            for d in certificate.matter_version.dependencies.all()
            if d.kind == DependencyKind.REQUIRES_RESULT
        ]
        if not prerequisites:
            continue
        basis = (
            Certificate.objects.filter(project=project, matter_version__matter_id__in=prerequisites)
            .exclude(status=CertificateStatus.REVOKED)
            .exclude(pk=certificate.pk)
        )
        certificate.depends_on.add(*basis)


# perf: part of the caller's transaction (the conclusion), no savepoint of its own
@transaction.atomic(savepoint=False)
def certificates_issue_for_case(
    *,
    case_public_id: UUID,
    project_id: int,
    enterprise_id: int,
    bundle_id: int | None,
    results: Sequence[ItemResult],
    actor,
    project: Project | None = None,
    holder: Enterprise | None = None,
) -> list[Certificate]:
    """
    Issue every certificate of every concluded item of a bundle; hold or release them.

    Called once per case by the cases app; a second call raises
    ``certificates_already_issued`` (409). Items without certificate types (e.g. a denial
    or an opinion-only matter) produce nothing. ``project`` and ``holder``: the rows of
    ``project_id`` and ``enterprise_id`` when the caller read them in this transaction
    (perf: not read again).
    """
    if Certificate.objects.filter(case_public_id=case_public_id).exists():
        raise Conflict(
            _("The certificates of this case are already issued."),
            code=ErrorCode.ALREADY_ISSUED,
        )
    if project is None or project.pk != project_id:
        project = Project.objects.select_related("enterprise").get(pk=project_id)
    if holder is None or holder.pk != enterprise_id:
        holder = (
            project.enterprise
            if project.enterprise_id == enterprise_id
            else Enterprise.objects.get(pk=enterprise_id)
        )
    pending = _pending_rules(bundle_id, project)
    # perf: the versions with their matter, department, certificate types (and issuing
    # departments) and dependencies, once per catalogue fingerprint (catalog.memo): shared,
    # read-only instances — the certificates only point at them
    versions = versions_by_id({r.matter_version_id for r in results})
    planned = [
        (result, certificate_type)
        for result in sorted(results, key=lambda r: r.case_item_id)
        for certificate_type in sorted(
            versions[result.matter_version_id].certificate_types.all(), key=lambda t: t.code
        )
    ]
    for _result, certificate_type in planned:
        _check_type(certificate_type)
    wanted: dict[tuple[int, int], int] = {}
    for result, certificate_type in planned:
        key = (certificate_type.id, result.decided_on.year)
        wanted[key] = wanted.get(key, 0) + 1
    # perf: every counter of the issuance taken in one statement (kaigong.core.counters),
    # locked in (type id, year) order to commit: gap-free, never waiting in a cycle
    last = counters_add(
        CertificateCounter,
        keys=("certificate_type", "year"),
        column="last_number",
        increments=wanted,
    )
    # the numbers of a type and year go to its certificates in the order planned
    numbers: dict[int, int] = {}
    for index, (result, certificate_type) in enumerate(planned):
        key = (certificate_type.id, result.decided_on.year)
        numbers[index] = last[key] - wanted[key] + 1
        wanted[key] -= 1

    specs = field_specs_for([t for _r, t in planned])
    issued = [
        _certificate_create(
            certificate_type=certificate_type,
            version=versions[result.matter_version_id],
            result=result,
            number=numbers[index],
            case_public_id=case_public_id,
            project=project,
            holder=holder,
            hold_rule=_holding_rule(certificate_type, pending),
            specs=specs,
        )
        for index, (result, certificate_type) in enumerate(planned)
    ]
    issued = Certificate.objects.bulk_create(issued) if issued else issued
    _link_dependencies(issued, project)
    audit_record(
        actor=actor,
        action="certificates_issue_for_case",
        object_type="cases.case",
        object_id=str(case_public_id),
        summary=f"{len(issued)} certificates",
        data={"identifiers": [c.identifier for c in issued]},
    )
    if not issued:
        return issued
    if render_inline():
        # rendered and signed now, in the deciding transaction; the case is issued by its
        # conclusion (cases), so the bundle's release does not tell cases again
        certificates_render(issued, actor=actor, tell_cases=False)
    else:
        # perf: the decision commits first; the relay renders, signs and releases them
        # (services/render.py), retrying until it succeeds — the message commits with them
        outbox_emit(
            topic=TOPIC_RENDER,
            key=str(case_public_id),
            payload={"case": str(case_public_id), "actor": getattr(actor, "pk", None)},
        )
    return issued
