"""
Electronic certificates (电子证照): signed, numbered, held or released, revocable.

A ``Certificate`` is made from a concluded case item with no re-typing (services/issuance.py):
its data is signed with the issuing department's SM2 key (``SigningKey``: public part here,
private part in ``KAIGONG_KEY_DIR``), its PDF is hashed into the signed form, and it is
numbered gap-free per type and year (``CertificateCounter``). It starts ``held`` and is
released by a ``CertificateRelease`` event, together with the others of its bundle
(一次出证), once no joint-issuance rule (``JointIssuanceFulfilment``) and no deferred
material holds it. Expired is computed from ``valid_to``, never stored.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

from .constants import CertificateStatus, HolderCodeType, ReleaseKind

if TYPE_CHECKING:  # certificates never imports cases at run time (layers, STYLE.md 3.2)
    from kaigong.cases.models import CaseItem  # noqa: F401


class SigningKey(BaseModel):
    """The public half of an issuing department's SM2 key pair; the private half is a file."""

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="signing_keys",
    )
    key_id = models.CharField(
        _("key id"),
        max_length=64,
        unique=True,
        help_text=_("Names the private key file in the key directory (or the signing server)."),
    )
    algorithm = models.CharField(_("algorithm"), max_length=16, default="sm2-sm3")
    public_key_hex = models.CharField(
        _("public key"),
        max_length=130,
        help_text=_("Uncompressed SM2 point 04‖x‖y in hex."),
    )
    active = models.BooleanField(_("active"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["department", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(active=True),
                name="signing_key_one_active_per_department",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.key_id}"


class PersonalKey(BaseModel):
    """
    One person's own SM2 key pair for the signatures they give (inspection records, expert
    opinions, joint-review letters): the public key and its fingerprint, and the private
    key sealed with the key-encryption key of the settings (kaigong/certificates/personal.py).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("key holder"),
        on_delete=models.PROTECT,
        related_name="personal_key",
    )
    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=16, default="sm2-sm3")
    public_key_hex = models.CharField(
        _("public key"), max_length=130, help_text=_("Uncompressed SM2 point 04‖x‖y in hex.")
    )
    fingerprint = models.CharField(_("key fingerprint (SM3)"), max_length=64)
    private_key_sealed = models.BinaryField(_("private key (sealed with the KEK)"))
    kek_id = models.CharField(_("key-encryption key id"), max_length=16)

    class Meta:
        verbose_name = _("personal signing key")
        verbose_name_plural = _("personal signing keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.key_id}"


class CertificateCounter(models.Model):
    """The last number given to a certificate of one type in one year (locked to increment)."""

    certificate_type = models.ForeignKey(
        "catalog.CertificateType",
        verbose_name=_("certificate type"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")
        ordering = ["certificate_type", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_type", "year"], name="certificate_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_type_id}/{self.year}: {self.last_number}"


class CertificateRelease(BaseModel):
    """One release event: the certificates it lists reached the holder at the same moment."""

    kind = models.CharField(_("kind"), max_length=24, choices=ReleaseKind.choices)
    case_public_id = models.UUIDField(_("case"), null=True, blank=True, db_index=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificate_releases",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate release")
        verbose_name_plural = _("certificate releases")
        ordering = ["-released_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.released_at:%Y-%m-%d %H:%M}"


class JointIssuanceFulfilment(BaseModel):
    """A joint-issuance condition (e.g. 取得土地使用权) recorded for a project, with evidence."""

    rule = models.ForeignKey(
        "catalog.JointIssuanceRule",
        verbose_name=_("joint issuance rule"),
        on_delete=models.PROTECT,
        related_name="fulfilments",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="joint_issuance_fulfilments",
    )
    evidence = models.TextField(
        _("evidence"), help_text=_("What proves the condition, e.g. the land-use right deed.")
    )
    evidence_reference = models.CharField(
        _("evidence reference"),
        max_length=200,
        blank=True,
        help_text=_("Number of the deed or identifier of the certificate that proves it."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("joint issuance condition met")
        verbose_name_plural = _("joint issuance conditions met")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "project"], name="fulfilment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.project_id}"


class Certificate(BaseModel):
    """One electronic certificate (电子证照), signed at issuance and immutable afterwards."""

    certificate_type = models.ForeignKey(
        "catalog.CertificateType",
        verbose_name=_("certificate type"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    matter_version = models.ForeignKey(
        "catalog.MatterVersion",
        verbose_name=_("matter version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    case_public_id = models.UUIDField(
        _("case"), null=True, blank=True, db_index=True, help_text=_("The bundled application.")
    )
    case_item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        help_text=_("The case item whose decision this certificate carries."),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    holder = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=pgettext_lazy("certificate", "holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    holder_code_type = models.CharField(
        _("holder code type"),
        max_length=3,
        choices=HolderCodeType.choices,
        default=HolderCodeType.USCC,
    )
    issuer = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("issuing department"),
        on_delete=models.PROTECT,
        related_name="certificates_issued",
    )

    identifier = models.CharField(_("identifier"), max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number in year"))
    license_no = models.CharField(_("certificate number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Empty: valid without a time limit.")
    )
    data = models.JSONField(
        _("data"), default=dict, help_text=_("The signed data: catalogue and surface fields.")
    )

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.HELD,
        db_index=True,
    )
    hold_rule = models.ForeignKey(
        "catalog.JointIssuanceRule",
        verbose_name=_("held by joint issuance rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_certificates",
    )
    hold_deferred_materials = models.BooleanField(
        _("held for deferred materials"),
        default=False,
        help_text=_("容缺: held until the deferred materials of its item arrive."),
    )
    release = models.ForeignKey(
        CertificateRelease,
        verbose_name=_("release"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    # Rendered and signed after the deciding transaction commits (services/rendering.py):
    # until then the PDF, its hash, the signature and the key are empty and the certificate
    # is 生成中 — held, never released.
    rendered_at = models.DateTimeField(
        _("rendered at"),
        null=True,
        blank=True,
        help_text=_("When the PDF was rendered and signed; empty while it is being generated."),
    )
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/", max_length=200, blank=True)
    pdf_sm3 = models.CharField(_("PDF SM3"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size (bytes)"), default=0)
    content_digest = models.CharField(
        _("content digest"),
        max_length=64,
        blank=True,
        help_text=_("SM3 of the canonical signed form."),
    )
    signature_hex = models.TextField(_("SM2 signature"), blank=True, help_text=_("DER, in hex."))
    signing_key = models.ForeignKey(
        SigningKey,
        verbose_name=_("signing key"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )

    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(_("revocation reason"), blank=True)

    prerequisite_revoked_at = models.DateTimeField(
        _("prerequisite revoked at"),
        null=True,
        blank=True,
        help_text=_(
            "Set when a certificate this one was issued on the basis of is revoked "
            "(所依据的证照已撤销); the certificate itself stays as it is."
        ),
    )
    depends_on = models.ManyToManyField(
        "self",
        verbose_name=_("issued on the basis of"),
        symmetrical=False,
        blank=True,
        related_name="dependants",
        help_text=_("Certificates this one presupposes; their revocation flags it."),
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_type", "year", "number"], name="certificate_number_unique"
            ),
            models.CheckConstraint(
                name="certificate_revoked_has_date",
                condition=Q(status=CertificateStatus.REVOKED, revoked_at__isnull=False)
                | (~Q(status=CertificateStatus.REVOKED) & Q(revoked_at__isnull=True)),
            ),
            models.CheckConstraint(
                name="certificate_valid_is_released",
                condition=~Q(status=CertificateStatus.VALID) | Q(released_at__isnull=False),
            ),
            models.CheckConstraint(
                name="certificate_held_is_not_released",
                condition=~Q(status=CertificateStatus.HELD) | Q(released_at__isnull=True),
            ),
            # rule: a certificate reaches its holder only once signed (生成中 stays held; DESIGN.md §1)
            models.CheckConstraint(
                name="certificate_valid_is_rendered",
                condition=~Q(status=CertificateStatus.VALID) | Q(rendered_at__isnull=False),
            ),
            models.CheckConstraint(
                name="certificate_rendered_is_signed",
                condition=Q(rendered_at__isnull=True)
                | (Q(signing_key__isnull=False) & ~Q(signature_hex="") & ~Q(pdf_sm3="")),
            ),
            models.CheckConstraint(
                name="certificate_validity_ordered",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_type} {self.license_no}"

    @property
    def rendering(self) -> bool:
        """生成中: numbered and recorded, its PDF and signature not made yet."""
        return self.rendered_at is None
