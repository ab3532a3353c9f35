"""
The electronic archive (电子档案): one folder per project, every document indexed and hashed.

``ArchiveFolder`` is classified government or social investment (沂南 电子图档系统);
``ArchiveDocument`` keeps a copy of each document with its SM3 and SHA-256, its kind and its
origin (the model and public id it came from), so that a package can be checked later
(档案法 art. 37, 39; DA/T 85-2019 / GB/T 42727-2023: docs/legal.md#electronic-archives). ``Subscription`` lets
a department receive the 立项/规划/施工 documents of projects in its charge (点对点推送);
each delivery is a ``DocumentPush``.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

from .constants import Classification, DocumentKind, StageTag


class ArchiveFolder(BaseModel):
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="archive_folder",
    )
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices
    )
    # the sweep's watermark: events and releases since then may have news to file
    swept_at = models.DateTimeField(_("swept at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive folder")
        verbose_name_plural = _("archive folders")
        ordering = ["classification", "-created_at"]

    def __str__(self) -> str:
        return str(self.project)


class ArchiveDocument(BaseModel):
    folder = models.ForeignKey(
        ArchiveFolder,
        verbose_name=_("folder"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    stage = models.CharField(
        _("stage"), max_length=12, choices=StageTag.choices, default=StageTag.OTHER
    )
    title = models.CharField(pgettext_lazy("archives", "title"), max_length=300)
    origin_type = models.CharField(
        _("origin type"), max_length=64, help_text=_("Model label, e.g. cases.opinion.")
    )
    origin_id = models.CharField(_("origin id"), max_length=64)
    file = models.FileField(_("file"), upload_to="archives/%Y/", max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sm3 = models.CharField(_("SM3"), max_length=64)

    class Meta:
        verbose_name = _("archive document")
        verbose_name_plural = _("archive documents")
        ordering = ["folder", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "origin_type", "origin_id"], name="archive_document_origin"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Subscription(BaseModel):
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="archive_subscriptions",
    )
    stages = models.JSONField(
        _("stages"),
        default=list,
        help_text=_('Stages whose documents are pushed: ["approval", "planning", "construction"].'),
    )
    region_code = models.CharField(
        _("region code"),
        max_length=12,
        blank=True,
        help_text=_("Only projects in this region (prefix); empty: the department's region."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("archive subscription")
        verbose_name_plural = _("archive subscriptions")
        ordering = ["department"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"], condition=Q(active=True), name="subscription_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department}: {', '.join(self.stages)}"


class DocumentPush(BaseModel):
    document = models.ForeignKey(
        ArchiveDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="pushes"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="archive_pushes",
    )

    class Meta:
        verbose_name = _("document push")
        verbose_name_plural = _("document pushes")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["document", "department"], name="push_once")]

    def __str__(self) -> str:
        return f"{self.document} → {self.department}"
