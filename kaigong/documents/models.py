"""
The written notices and decisions of a case (行政文书), as issued: a signed PDF.

One ``OfficialDocument`` per event that the law says the applicant is told of in writing
(受理通知书, 一次性补正告知书, 不予受理决定书, 不予行政许可决定书, 准予行政许可决定书, 特别程序告知书,
延期告知书; ``cases.constants.OfficialDocumentKind``). ``data`` is what the PDF shows;
``content_digest`` = SM3 of the canonical JSON of {data, pdf_sm3}; ``signature_hex`` is the
platform integrity key's SM2 signature of those canonical bytes (certificates.signing).
One document per (kind, origin): issuing twice returns the first.

A document is recorded in the transaction of its event (number, data, issue time) and
rendered after commit by the outbox relay (services.py): until then ``rendered_at`` is
empty, it has no PDF, digest or signature yet, and the pages say 生成中.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.cases.constants import OfficialDocumentKind
from kaigong.cases.storage import private_storage
from kaigong.core.models import BaseModel


class OfficialDocument(BaseModel):
    kind = models.CharField(_("kind"), max_length=32, choices=OfficialDocumentKind.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="official_documents",
    )
    item = models.ForeignKey(
        "cases.CaseItem",
        verbose_name=_("case item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="official_documents",
    )
    number = models.CharField(
        _("document number"), max_length=48, unique=True, help_text=_("Case number and kind.")
    )
    title = models.CharField(_("title"), max_length=100)
    issuer_name = models.CharField(pgettext_lazy("issuing body", "issued by"), max_length=100)
    origin_type = models.CharField(
        _("origin type"), max_length=64, help_text=_("Model label, e.g. cases.denial.")
    )
    origin_id = models.CharField(_("origin id"), max_length=64)
    data = models.JSONField(_("data"), default=dict)
    pdf = models.FileField(
        _("PDF"), upload_to="documents/%Y/", max_length=200, storage=private_storage, blank=True
    )
    pdf_sm3 = models.CharField(_("PDF SM3"), max_length=64, blank=True)
    content_digest = models.CharField(_("content digest (SM3)"), max_length=64, blank=True)
    key_id = models.CharField(_("signing key"), max_length=64, blank=True)
    signature_hex = models.TextField(_("signature (SM2, DER hex)"), blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    rendered_at = models.DateTimeField(
        _("rendered at"),
        null=True,
        blank=True,
        help_text=_("Empty while the PDF is being prepared (rendered after commit)."),
    )

    class Meta:
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        ordering = ["case_id", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "origin_type", "origin_id"], name="official_document_once"
            )
        ]

    @property
    def is_rendered(self) -> bool:
        return self.rendered_at is not None

    def __str__(self) -> str:
        return f"{self.title} {self.number}"
