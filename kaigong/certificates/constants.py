"""Choices of the certificates app; values are API contracts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    HELD = "held", _("Held")  # signed but not yet released to the holder (一次出证, 联发, 容缺)
    VALID = "valid", _("Valid")  # released; expired is computed from valid_to, never stored
    REVOKED = "revoked", _("Revoked")  # revoked by the issuing department, with a reason


# The effective status of a held certificate still being rendered and signed (生成中): shown
# to staff, never stored (``Certificate.rendered_at`` is empty), verified as held.
RENDERING = "rendering"
RENDERING_LABEL = _("Being generated")


class VerificationStatus(models.TextChoices):
    VALID = "valid", _("Valid")  # genuine, released, in force
    HELD = "held", _("Held")  # genuine but not released yet: not valid
    REVOKED = "revoked", _("Revoked")  # genuine, revoked (date and reason given)
    EXPIRED = "expired", _("Expired")  # genuine, past its validity
    UNKNOWN = "unknown", _("Unknown")  # no such certificate
    TAMPERED = "tampered", _("Tampered")  # the file or the data does not match the signature


class ReleaseKind(models.TextChoices):
    BUNDLE = "bundle", _("Bundle concluded")  # 一次出证: every free certificate at once
    JOINT_ISSUANCE = "joint_issuance", _("Joint-issuance condition met")  # 多证联发
    DEFERRED_MATERIALS = "deferred_materials", _("Deferred materials arrived")  # 容缺补齐


class HolderCodeType(models.TextChoices):
    # rule: holder code types of the national e-licence catalogue (docs/legal.md#gbt-36904)
    USCC = "001", _("Unified social credit code")  # 统一社会信用代码
    OTHER_LEGAL_PERSON = "099", _("Other legal-person document")  # 其他法人证件


class ErrorCode(models.TextChoices):
    TYPE_INCOMPLETE = "certificate_type_incomplete", _("Certificate type incomplete")
    ALREADY_ISSUED = "certificates_already_issued", _("Certificates already issued")
    ALREADY_REVOKED = "certificate_already_revoked", _("Already revoked")
    REASON_REQUIRED = "revocation_reason_required", _("Reason required")
    EVIDENCE_REQUIRED = "evidence_required", _("Evidence required")
    CONDITION_ALREADY_RECORDED = "condition_already_recorded", _("Condition already recorded")
    NO_SIGNING_KEY = "signing_key_missing", _("No signing key")
    BAD_IDENTIFIER = "identifier_invalid", _("Invalid identifier")
    BAD_FILE = "file_invalid", _("Invalid file")
    RENDERING = "certificate_rendering", _("Certificate being generated")


# Topics of the integration events (core outbox).
TOPIC_REGISTERED = "certificates.registered"  # made and signed, held (制证未签发)
TOPIC_RELEASED = "certificates.released"
TOPIC_REVOKED = "certificates.revoked"
# Internal (no webhook may subscribe: outside every public topic pattern): render and sign
# the certificates of a case after the deciding transaction committed (services/render.py).
TOPIC_RENDER = "internal.certificates.render"
