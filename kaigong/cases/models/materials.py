"""
Materials handed in for a case: an uploaded file, or a certificate already held (免提交).

History is kept: a new upload for the same material marks the previous row as not
current and points it at its successor.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import MaterialSource
from kaigong.cases.storage import material_upload_to, private_storage
from kaigong.core.models import BaseModel


class SubmittedMaterial(BaseModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="materials"
    )
    material = models.ForeignKey(
        "catalog.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    source = models.CharField(_("source"), max_length=12, choices=MaterialSource.choices)
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to=material_upload_to,
        max_length=200,
        blank=True,
        help_text=_("Stored outside the web root; served only after a permission check."),
    )
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(
        _("detected type"),
        max_length=100,
        blank=True,
        help_text=_("From the content, not the name."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    sm3 = models.CharField(_("SM3"), max_length=64, blank=True)
    certificate_type = models.ForeignKey(
        "catalog.CertificateType",
        verbose_name=_("certificate type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate_identifier = models.CharField(
        _("certificate identifier"), max_length=128, blank=True
    )
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("handed in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    after_acceptance = models.BooleanField(
        _("supplied after acceptance"), default=False, help_text=_("A deferred (容缺) material.")
    )
    is_current = models.BooleanField(_("current"), default=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("submitted material")
        verbose_name_plural = _("submitted materials")
        ordering = ["case_id", "material", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "material"],
                condition=Q(is_current=True),
                name="submitted_material_one_current",
            ),
            models.CheckConstraint(
                name="submitted_material_source_fits",
                condition=Q(source=MaterialSource.UPLOAD, certificate_type__isnull=True)
                & ~Q(file="")
                & ~Q(sha256="")
                & ~Q(sm3="")
                | Q(source=MaterialSource.CERTIFICATE, certificate_type__isnull=False, file=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.material}"
