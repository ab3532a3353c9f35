"""
Reads: which certificates a user may see, an enterprise's valid ones (我的空间), status, and
the joint-issuance conditions (十证联发) of a bundle for a project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_department_ids, user_enterprise_ids, user_has_role
from kaigong.catalog.models import JointIssuanceRule
from kaigong.core.clock import local_date
from kaigong.core.exceptions import NotFound

from .constants import RENDERING, CertificateStatus
from .models import Certificate, JointIssuanceFulfilment
from .permissions import STAFF_ROLES

if TYPE_CHECKING:
    from kaigong.accounts.models import Enterprise
    from kaigong.catalog.models import Bundle
    from kaigong.projects.models import Project


def _with_related(qs: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return qs.select_related("certificate_type", "holder", "issuer", "project", "signing_key")


def certificate_list_visible_to(user) -> QuerySet[Certificate]:
    """Supervisors all; department staff what their department issued; holders released ones."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Certificate.objects.none()
    if user_has_role(user, Role.SUPERVISOR):
        return _with_related(Certificate.objects.all())
    condition = Q(issuer_id__in=user_department_ids(user, STAFF_ROLES))
    condition |= Q(holder_id__in=user_enterprise_ids(user), released_at__isnull=False)
    return _with_related(Certificate.objects.filter(condition))


def certificate_get_for(user, public_id: UUID | str) -> Certificate:
    try:
        return certificate_list_visible_to(user).get(public_id=public_id)
    except (Certificate.DoesNotExist, ValueError):
        raise NotFound() from None


def certificate_effective_status(certificate: Certificate, *, on: date | None = None) -> str:
    """
    rendering (生成中) / held / valid / revoked / expired; expired is computed from
    valid_to, rendering from an empty ``rendered_at``, neither is stored.
    """
    on = on or local_date()
    if certificate.status == CertificateStatus.HELD and certificate.rendered_at is None:
        return RENDERING
    if certificate.status != CertificateStatus.VALID:
        return certificate.status
    if certificate.valid_to is not None and certificate.valid_to < on:
        return "expired"
    return CertificateStatus.VALID


def certificate_list_valid_for_enterprise(
    enterprise: Enterprise, *, on: date | None = None
) -> QuerySet[Certificate]:
    """The enterprise's e-licence library (我的空间): released, not revoked, not expired."""
    on = on or local_date()
    return _with_related(
        Certificate.objects.filter(holder=enterprise, status=CertificateStatus.VALID).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
    )


def certificate_find_valid_for(enterprise: Enterprise, type_code: str) -> Certificate | None:
    """A valid certificate of that type (catalogue code or national type code), newest first."""
    return (
        certificate_list_valid_for_enterprise(enterprise)
        .filter(Q(certificate_type__code=type_code) | Q(certificate_type__type_code=type_code))
        .order_by("-issued_on", "-id")
        .first()
    )


def held_certificate_type_codes(enterprise: Enterprise) -> set[str]:
    """Catalogue codes of the types the enterprise holds valid certificates of (projects hook)."""
    return set(
        certificate_list_valid_for_enterprise(enterprise).values_list(
            "certificate_type__code", flat=True
        )
    )


def certificate_prerequisites_revoked(certificate: Certificate) -> list[Certificate]:
    """Certificates this one was issued on the basis of that have since been revoked."""
    return list(certificate.depends_on.filter(status=CertificateStatus.REVOKED))


def certificate_list_for_case(case_public_id: UUID) -> QuerySet[Certificate]:
    return _with_related(Certificate.objects.filter(case_public_id=case_public_id))


def certificate_list_for_project(project) -> QuerySet[Certificate]:
    return _with_related(Certificate.objects.filter(project=project))


def certificate_list_for_case_item(case_item_id: int) -> QuerySet[Certificate]:
    return _with_related(Certificate.objects.filter(case_item_id=case_item_id))


@dataclass(frozen=True)
class JointConditionState:
    """A joint-issuance rule of a bundle and where it stands for one project."""

    rule: JointIssuanceRule
    fulfilment: JointIssuanceFulfilment | None
    type_names: list[str] = field(default_factory=list)  # empty: every certificate of the bundle
    held: list[Certificate] = field(default_factory=list)  # the project's certificates it holds

    @property
    def met(self) -> bool:
        return self.fulfilment is not None


def joint_conditions_for_project(project: Project, bundle: Bundle) -> list[JointConditionState]:
    """
    The bundle's joint-issuance rules with, for ``project``, the fulfilment (when, by whom,
    evidence) or the certificates the rule still holds. Four queries, whatever the count.
    """
    rules = list(
        JointIssuanceRule.objects.filter(bundle=bundle)
        .select_related("bundle__lead_department")
        .prefetch_related("certificate_types")
        .order_by("code")
    )
    if not rules:
        return []
    fulfilments = {
        f.rule_id: f
        for f in JointIssuanceFulfilment.objects.filter(
            project=project, rule__in=rules
        ).select_related("recorded_by")
    }
    held: dict[int, list[Certificate]] = {}
    for certificate in (
        Certificate.objects.filter(
            project=project, hold_rule__in=rules, status=CertificateStatus.HELD
        )
        .select_related("certificate_type")
        .order_by("id")
    ):
        held.setdefault(certificate.hold_rule_id, []).append(certificate)
    return [
        JointConditionState(
            rule=rule,
            fulfilment=fulfilments.get(rule.id),
            type_names=[t.name for t in rule.certificate_types.all()],
            held=held.get(rule.id, []),
        )
        for rule in rules
    ]


def joint_issuance_rule_get(bundle: Bundle, public_id: UUID | str) -> JointIssuanceRule:
    """A joint-issuance rule of ``bundle``, or ``NotFound`` (also for another bundle's rule)."""
    try:
        return JointIssuanceRule.objects.select_related("bundle__lead_department").get(
            bundle=bundle, public_id=public_id
        )
    except (JointIssuanceRule.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None


def joint_condition_target_get(
    user, *, bundle_code: str, rule_code: str, project_public_id: UUID | str
) -> tuple[JointIssuanceRule, Project | None]:
    """
    The rule and the project a joint-issuance condition is recorded for, as ``user`` may
    know them: ``NotFound`` when the rule does not exist, or when the user may not record it
    AND does not see the project (an outsider of another jurisdiction learns nothing: 404,
    not 403). Whoever sees the project but may not record gets the service's 403.
    """
    from kaigong.projects.models import Project
    from kaigong.projects.selectors import project_list_visible_to

    from .permissions import can_record_joint_condition

    rule = (
        JointIssuanceRule.objects.select_related("bundle__lead_department")
        .filter(bundle__code=bundle_code, code=rule_code)
        .first()
    )
    if rule is None:
        raise NotFound()
    try:
        project = Project.objects.filter(public_id=project_public_id).first()
    except (ValueError, ValidationError):
        project = None
    if not can_record_joint_condition(user, rule) and (
        project is None or not project_list_visible_to(user).filter(pk=project.pk).exists()
    ):
        raise NotFound()
    return rule, project


@dataclass(frozen=True)
class CertificateHold:
    """A certificate still held (not released), and why (多证联发 condition, 容缺 materials)."""

    certificate_type: str  # the type's name
    case_public_id: UUID | None
    case_item_id: int | None
    matter_name: str
    condition: str  # the joint-issuance condition it waits for ("" for none)
    evidence_required: str
    deferred_materials: bool  # it waits for deferred 容缺 materials of its item
    rendering: bool = False  # 生成中: its PDF and signature are being made after the decision

    def reasons(self) -> list[str]:
        """The reasons in the holder's words (Chinese through gettext)."""
        from django.utils.translation import gettext as _

        reasons = []
        if self.rendering:
            reasons.append(_("Being generated: its PDF is rendered and signed in a moment."))
        if self.condition:
            reasons.append(
                _("Held until the joint-issuance condition “%(condition)s” is met.")
                % {"condition": self.condition}
            )
        if self.deferred_materials:
            reasons.append(_("Held until the deferred materials (容缺) arrive."))
        if not reasons:
            reasons.append(_("Held until the bundle's certificates are released together."))
        return reasons


def _holds(qs: QuerySet[Certificate]) -> list[CertificateHold]:
    rows = (
        qs.filter(status=CertificateStatus.HELD)
        .select_related("certificate_type", "hold_rule", "matter_version")
        .order_by("case_item_id", "certificate_type__code", "id")
    )
    return [
        CertificateHold(
            certificate_type=c.certificate_type.name,
            case_public_id=c.case_public_id,
            case_item_id=c.case_item_id,
            matter_name=c.matter_version.name if c.matter_version_id else "",
            condition=c.hold_rule.condition_name if c.hold_rule_id else "",
            evidence_required=c.hold_rule.evidence_required if c.hold_rule_id else "",
            deferred_materials=c.hold_deferred_materials,
            rendering=c.rendered_at is None,
        )
        for c in rows
    ]


def certificate_holds_for_case(case_public_id: UUID) -> list[CertificateHold]:
    """The case's certificates that are still held, and why; empty when all are released."""
    return _holds(Certificate.objects.filter(case_public_id=case_public_id))


def certificate_holds_for_project(project) -> list[CertificateHold]:
    """The project's certificates that are still held, and why."""
    return _holds(Certificate.objects.filter(project=project))


def certificate_held_exists(case_public_id: UUID) -> bool:
    """Whether any certificate of the case is still held (the case is not 已出证 yet)."""
    return Certificate.objects.filter(
        case_public_id=case_public_id, status=CertificateStatus.HELD
    ).exists()
