"""
Credit records (信用记录) on enterprises, persons and agencies, and credit repair (信用修复).

A record names its list (red/black), level, reason, the authority (认定机关) and the basis
(认定依据), when it was decided, listed and until when it stands (截止日期), and where it
came from (manual, Kaigong's own rule, a synchronisation). Records expire; a repair request
with evidence and a decision ends one early. Every credit gate cites the records it used
(``selectors.credit_gate``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

from .constants import Level, ListKind, RecordStatus, RepairStatus, Source, SubjectKind


class CreditRecord(BaseModel):
    subject_kind = models.CharField(_("subject kind"), max_length=12, choices=SubjectKind.choices)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
        null=True,
        blank=True,
    )
    list_kind = models.CharField(_("list"), max_length=8, choices=ListKind.choices)
    level = models.CharField(pgettext_lazy("grade", "level"), max_length=12, choices=Level.choices)
    reason = models.TextField(_("reason"))
    authority = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
        null=True,
        blank=True,
    )
    authority_name = models.CharField(_("authority (认定机关)"), max_length=100)
    basis = models.CharField(_("basis (认定依据)"), max_length=300)
    decided_on = models.DateField(_("decided on (认定时间)"))
    listed_on = models.DateField(_("listed on (列入时间)"))
    expires_on = models.DateField(_("stands until (截止日期)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ("-listed_on", "-id")
        indexes = [models.Index(fields=["enterprise", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | models.Q(person__isnull=False),
                name="credit_record_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()} {self.get_level_display()}: {self.subject_name}"

    @property
    def subject_name(self) -> str:
        # A null foreign key reads as None without a query, so this is the old id test.
        if self.enterprise is not None:
            return self.enterprise.name
        if self.person is not None:
            return self.person.full_name or self.person.username
        return ""


class CreditRepair(BaseModel):
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="repairs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    statement = models.TextField(_("statement"))
    evidence = models.TextField(_("evidence"))
    evidence_file = models.FileField(
        _("evidence file"), upload_to="credit/repairs/%Y/", blank=True, max_length=200
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RepairStatus.choices, default=RepairStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    class Meta:
        verbose_name = _("credit repair request")
        verbose_name_plural = _("credit repair requests")
        ordering = ("-created_at",)
