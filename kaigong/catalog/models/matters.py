"""
Matters and their versions, dated by catalogue revisions (动态调整).

    CatalogRevision (draft) ─publish→ (published, effective_on)
        └─ MatterVersion (draft) ─── becomes published with its revision, then never changes

A ``MatterVersion`` holds every standard element of the matter (docs/legal.md#matter-codes). Once
published it is immutable: a change is a new version in a new revision. The version in
force on a date is the published version with the latest ``effective_from`` on or before
that date; a version with ``withdraws_matter`` set takes the matter out of the catalogue.
A case pins the versions it was accepted under.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaigong.catalog.constants import (
    CaseKind,
    DependencyKind,
    ExerciseLevel,
    LimitUnit,
    MatterType,
    Necessity,
    ResultType,
    RevisionKind,
    RevisionStatus,
    VersionStatus,
)
from kaigong.core.models import BaseModel


class CatalogRevision(BaseModel):
    """A dated batch of catalogue changes, published as a whole."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=RevisionKind.choices)
    effective_on = models.DateField(_("effective on"))
    source = models.CharField(_("source document"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("catalogue revision")
        verbose_name_plural = _("catalogue revisions")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                name="revision_published_has_time",
                condition=Q(status=RevisionStatus.DRAFT, published_at__isnull=True)
                | Q(status=RevisionStatus.PUBLISHED, published_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"


class Matter(BaseModel):
    """A government service matter (政务服务事项); its content lives in its versions."""

    code = models.CharField(
        _("matter code"),
        max_length=50,
        unique=True,
        help_text=_(
            "基本编码 / 实施编码 or a local code; variable length (docs/legal.md#matter-codes)."
        ),
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("Name of the latest version, for lists.")
    )

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MatterVersion(BaseModel):
    """Every standard element of a matter, as of one revision. Immutable once published."""

    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    revision = models.ForeignKey(
        CatalogRevision,
        verbose_name=_("revision"),
        on_delete=models.PROTECT,
        related_name="matter_versions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateField(
        _("effective from"),
        null=True,
        blank=True,
        help_text=_("Set from the revision when published."),
    )
    withdraws_matter = models.BooleanField(
        _("withdraws the matter"),
        default=False,
        help_text=_("This version takes the matter out of the catalogue (取消)."),
    )

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    matter_type = models.CharField(
        _("matter type"), max_length=2, choices=MatterType.choices, default=MatterType.LICENSING
    )
    exercise_level = models.CharField(
        _("exercise level"),
        max_length=1,
        choices=ExerciseLevel.choices,
        default=ExerciseLevel.COUNTY,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("implementing department"),
        on_delete=models.PROTECT,
        related_name="matter_versions",
    )
    stage = models.ForeignKey(
        "catalog.Stage",
        verbose_name=_("stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matter_versions",
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    acceptance_conditions = models.TextField(_("acceptance conditions"), blank=True)
    procedure = models.TextField(_("procedure"), blank=True)

    # rule: statutory and promised limits, each with its unit; promised ≤ statutory
    # (国务院令716 第6条; docs/legal.md#gwyl-716)
    statutory_limit = models.PositiveIntegerField(_("statutory limit"))
    statutory_limit_unit = models.CharField(
        _("statutory limit unit"),
        max_length=2,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAYS,
    )
    promised_limit = models.PositiveIntegerField(_("promised limit"))
    promised_limit_unit = models.CharField(
        _("promised limit unit"),
        max_length=2,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAYS,
    )
    # rule: the acceptance day is day 0 unless the matter says it counts (docs/legal.md#minfadian-art-201)
    count_acceptance_day = models.BooleanField(_("acceptance day counts"), default=False)
    warning_days = models.PositiveSmallIntegerField(
        _("warning threshold (working days)"),
        null=True,
        blank=True,
        help_text=_("Yellow when at most this many working days remain; empty: the default."),
    )
    case_kind = models.CharField(
        _("case kind"), max_length=1, choices=CaseKind.choices, default=CaseKind.PROMISED
    )

    is_fee = models.BooleanField(_("charges a fee"), default=False)
    fees = models.JSONField(
        _("fees"), default=list, blank=True, help_text=_('[{"name": …, "standard": …, "basis": …}]')
    )
    intermediary_services = models.JSONField(
        _("intermediary services"),
        default=list,
        blank=True,
        help_text=_('[{"name": …, "basis": …, "typical_days": …}] needed before applying.'),
    )

    result_name = models.CharField(_("result name"), max_length=200, blank=True)
    result_type = models.CharField(
        _("result type"), max_length=12, choices=ResultType.choices, default=ResultType.CERTIFICATE
    )
    certificate_types = models.ManyToManyField(
        "catalog.CertificateType",
        verbose_name=_("result certificate types"),
        blank=True,
        related_name="matter_versions",
        help_text=_("Several for a merged matter (四证合发)."),
    )

    site_inspection_required = models.BooleanField(_("site inspection required"), default=False)
    commitment_allowed = models.BooleanField(
        _("notification and commitment allowed"),
        default=False,
        help_text=_("告知承诺: a signed commitment may replace the listed proofs."),
    )
    pre_approval_allowed = models.BooleanField(_("pre-approval allowed"), default=False)
    pre_approval_days = models.PositiveIntegerField(
        _("typical pre-approval days"),
        null=True,
        blank=True,
        help_text=_("Working days to a pre-approval (预审批) when allowed."),
    )
    consent_letter_allowed = models.BooleanField(_("consent letter allowed"), default=False)
    separation_relaxed = models.BooleanField(
        _("one person may accept and decide"),
        default=False,
        help_text=_("For instant matters only: relaxes the three-person rule."),
    )
    is_milestone = models.BooleanField(_("milestone matter"), default=False)
    contact_phone = models.CharField(_("enquiry phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("matter version")
        verbose_name_plural = _("matter versions")
        ordering = ["matter", "version"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "version"], name="matter_version_unique"),
            models.CheckConstraint(
                name="matter_version_promised_within_statutory",
                condition=~Q(promised_limit_unit=F("statutory_limit_unit"))
                | Q(promised_limit__lte=F("statutory_limit")),
            ),
            models.CheckConstraint(
                name="matter_version_published_has_date",
                condition=Q(status=VersionStatus.DRAFT)
                | Q(status=VersionStatus.PUBLISHED, effective_from__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class MaterialRequirement(BaseModel):
    """What a matter version asks of one material."""

    matter_version = models.ForeignKey(
        MatterVersion,
        verbose_name=_("matter version"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    material = models.ForeignKey(
        "catalog.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    necessity = models.CharField(
        _("necessity"), max_length=12, choices=Necessity.choices, default=Necessity.REQUIRED
    )
    condition = models.JSONField(
        _("condition"),
        default=dict,
        blank=True,
        help_text=_("When conditional: the situation (safe JSON)."),
    )
    original_copies = models.PositiveSmallIntegerField(_("originals"), default=0)
    copy_copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    electronic = models.BooleanField(_("electronic accepted"), default=True)
    formats = models.JSONField(
        _("file formats"), default=list, blank=True, help_text=_('e.g. ["pdf", "jpg", "png"]')
    )
    max_size_mb = models.PositiveIntegerField(_("size limit (MB)"), default=20)
    deferrable = models.BooleanField(
        _("may be deferred (容缺)"),
        default=False,
        help_text=_("A secondary material that may follow after acceptance on a commitment."),
    )
    commitment_replaces = models.BooleanField(
        _("replaced by a commitment (告知承诺)"),
        default=False,
    )
    satisfied_by = models.ForeignKey(
        "catalog.CertificateType",
        verbose_name=_("satisfied by certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="satisfies",
        help_text=_("A valid certificate of this type the applicant holds replaces the upload."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("material requirement")
        verbose_name_plural = _("material requirements")
        ordering = ["matter_version", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter_version", "material"], name="requirement_unique_material"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter_version} · {self.material}"


class MatterField(BaseModel):
    """A form field a matter version asks for, from the shared dictionary."""

    matter_version = models.ForeignKey(
        MatterVersion,
        verbose_name=_("matter version"),
        on_delete=models.CASCADE,
        related_name="fields",
    )
    field = models.ForeignKey(
        "catalog.FieldSpec", verbose_name=_("field"), on_delete=models.PROTECT, related_name="uses"
    )
    required = models.BooleanField(_("required"), default=True)
    condition = models.JSONField(_("condition"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("matter field")
        verbose_name_plural = _("matter fields")
        ordering = ["matter_version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matter_version", "field"], name="matter_field_unique")
        ]

    def __str__(self) -> str:
        return f"{self.matter_version} · {self.field.key}"


class MatterDependency(BaseModel):
    """The dependent version needs ``prerequisite`` (its result, pre-approval or consent)."""

    matter_version = models.ForeignKey(
        MatterVersion,
        verbose_name=_("dependent version"),
        on_delete=models.CASCADE,
        related_name="dependencies",
    )
    prerequisite = models.ForeignKey(
        Matter,
        verbose_name=_("prerequisite matter"),
        on_delete=models.PROTECT,
        related_name="dependents",
    )
    kind = models.CharField(
        _("kind"),
        max_length=24,
        choices=DependencyKind.choices,
        default=DependencyKind.REQUIRES_RESULT,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("matter dependency")
        verbose_name_plural = _("matter dependencies")
        ordering = ["matter_version", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter_version", "prerequisite"], name="dependency_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_version} ← {self.prerequisite} ({self.kind})"
