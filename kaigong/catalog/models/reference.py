"""
Reference lists of the catalogue, shared by every matter: stages, process tracks,
certificate types, the master list of materials, the field dictionary and the questions.

Each has a stable ``code``: the catalogue file refers to rows by code, never by id.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.catalog.constants import (
    FieldType,
    InvestmentType,
    NationalStage,
    QuestionKind,
    SourceChannel,
)
from kaigong.core.models import BaseModel


class Stage(BaseModel):
    """An approval stage: one of the national four, or a local variant (沂南 项目策划 …)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    national_stage = models.PositiveSmallIntegerField(
        _("national stage"),
        choices=NationalStage.choices,
        help_text=_("Which of the national stages this stage belongs to."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ProcessTrack(BaseModel):
    """An approval-flow category (审批流程类型) with its main-process goal in working days."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    investment_type = models.CharField(
        _("investment type"),
        max_length=12,
        choices=InvestmentType.choices,
        default=InvestmentType.ANY,
    )
    main_process_days = models.PositiveIntegerField(
        _("main-process goal (working days)"),
        null=True,
        blank=True,
        help_text=_("The locally promised total for the main process, e.g. 35 or 25."),
    )
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    source = models.CharField(_("source document"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("process track")
        verbose_name_plural = _("process tracks")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CertificateType(BaseModel):
    """
    A kind of electronic certificate a matter results in (证照类型), e.g. 施工许可证.

    ``type_code`` is the national code: the defining authority's USCC + 3 digits
    (docs/legal.md#gbt-36904). ``fields`` is the JSON Schema of the certificate's surface data.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    type_code = models.CharField(
        _("national type code"),
        max_length=32,
        blank=True,
        help_text=_("证照类型代码: the defining authority's USCC followed by 3 digits."),
    )
    issuing_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("issuing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificate_types",
    )
    fields = models.JSONField(
        _("surface fields"),
        default=list,
        blank=True,
        help_text=_("List of field keys printed on the certificate."),
    )
    validity_months = models.PositiveIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: valid without a time limit (长期有效)."),
    )

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Material(BaseModel):
    """
    One material in the master list, shared across matters.

    Merging a guide's materials means de-duplicating by this row: two matters asking for
    the same material ask for it once.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source_channel = models.CharField(
        _("source channel"),
        max_length=16,
        choices=SourceChannel.choices,
        default=SourceChannel.APPLICANT,
    )
    issuing_body = models.CharField(
        pgettext_lazy("issuing body", "issued by"), max_length=100, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    fill_instructions = models.TextField(_("filling instructions"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class FieldSpec(BaseModel):
    """A form field in the shared dictionary: merged forms de-duplicate by ``key``."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=16, choices=FieldType.choices)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For choice fields: [{"value": …, "label": …}].'),
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    minimum = models.DecimalField(
        _("minimum"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    pattern = models.CharField(_("pattern"), max_length=200, blank=True)
    help_text_zh = models.CharField(_("help text"), max_length=300, blank=True)
    project_attribute = models.CharField(
        _("project attribute"),
        max_length=64,
        blank=True,
        help_text=_("Pre-filled from this project attribute when set (e.g. name, address)."),
    )

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class Question(BaseModel):
    """A situation question (情形) whose answers decide which matters, materials, fields apply."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    text = models.CharField(_("question"), max_length=300)
    help_text_zh = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('[{"value": …, "label": …}] for choice questions.'),
    )
    ask_when = models.JSONField(
        _("ask when"),
        default=dict,
        blank=True,
        help_text=_("Condition (safe JSON) on earlier answers; empty: always asked."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.text


class MaterialFileKind(models.TextChoices):
    SAMPLE = "sample", _("Sample (示例样表)")
    BLANK = "blank", _("Blank form (空白表格)")


class MaterialFile(BaseModel):
    """
    A file the guide offers next to a material: a filled-in sample (示例样表) or the blank
    form (空白表格) to fill in. Public (the guide needs no login); small, so kept in the
    database with its hash, one of each kind per material.
    """

    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=MaterialFileKind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("material file")
        verbose_name_plural = _("material files")
        ordering = ["material__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["material", "kind"], name="material_file_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.material.name} · {self.get_kind_display()}"
