"""
Site inspections by video (云踏勘 / 远程勘验) and joint reviews with expert panels (联合评审).

Inspection side: a versioned standard per matter version (勘验标准: checklist items with
method, pass criteria and sample images), an inspection of one case item (two inspectors,
slots the enterprise picks, a rehearsal, the live call's snapshots and location samples,
the results per checklist item), and the signed record (踏勘记录) with its PDF.

Joint-review side: the expert pool (specialties, employer, declared conflicts), a joint
review of several items of one case led by one department, its panel drawn by the
verifiable draw (kaigong/core/draws.py), structured opinions, and the consolidated letter.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.cases.storage import private_storage
from kaigong.core.models import BaseModel

if TYPE_CHECKING:
    from kaigong.accounts.models import User

from .constants import (
    Conclusion,
    InspectionStatus,
    ItemResult,
    Position,
    ReviewStatus,
    Severity,
    SignerRole,
    StandardStatus,
    Topic,
)

USER = settings.AUTH_USER_MODEL


class InspectionStandard(BaseModel):
    """One version of the 勘验标准 of a matter version; immutable once published."""

    matter_version = models.ForeignKey(
        "catalog.MatterVersion",
        verbose_name=_("matter version"),
        on_delete=models.PROTECT,
        related_name="inspection_standards",
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    preparation = models.TextField(_("how to prepare (勘前准备)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection standard")
        verbose_name_plural = _("inspection standards")
        ordering = ["matter_version", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter_version", "version"], name="inspection_standard_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ChecklistItem(BaseModel):
    standard = models.ForeignKey(
        InspectionStandard,
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("what is inspected"), max_length=200)
    method = models.TextField(_("method"))
    pass_criteria = models.TextField(_("pass criteria"))

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["standard", "order", "id"]

    def __str__(self) -> str:
        return self.title


class SampleImage(BaseModel):
    """A reference picture of what passes (示例图), shown in the public guide."""

    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.CASCADE,
        related_name="samples",
    )  # fmt: skip
    caption = models.CharField(_("caption"), max_length=200)
    file = models.FileField(
        _("file"), upload_to="inspections/samples/", max_length=200, storage=private_storage
    )
    content_type = models.CharField(_("content type"), max_length=40)
    sm3 = models.CharField(_("SM3"), max_length=64)

    class Meta:
        verbose_name = _("sample image")
        verbose_name_plural = _("sample images")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.caption


class Inspection(BaseModel):
    item = models.ForeignKey(
        "cases.CaseItem", verbose_name=_("case item"), on_delete=models.PROTECT,
        related_name="inspections",
    )  # fmt: skip
    standard = models.ForeignKey(
        InspectionStandard, verbose_name=_("standard"), on_delete=models.PROTECT,
        related_name="inspections",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=12, choices=InspectionStatus.choices,
        default=InspectionStatus.REQUESTED,
    )  # fmt: skip
    requested_by = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    planned_working_days = models.PositiveSmallIntegerField(_("planned working days"))
    inspectors: "models.ManyToManyField[User, Any]" = models.ManyToManyField(
        USER, verbose_name=_("inspectors"), related_name="inspections_assigned"
    )
    site_person = models.ForeignKey(
        USER, verbose_name=_("enterprise's person on site"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="inspections_on_site",
    )  # fmt: skip
    rehearsal_at = models.DateTimeField(_("rehearsal at"), null=True, blank=True)
    rehearsal_result = models.JSONField(_("rehearsal result"), default=dict, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    started_at = models.DateTimeField(_("call started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("call ended at"), null=True, blank=True)
    recording_stamp = models.JSONField(
        _("time stamp of the recording (chain head, time, platform signature)"),
        default=dict, blank=True,
    )  # fmt: skip

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.get_status_display()}"

    @property
    def record_or_none(self):
        from django.core.exceptions import ObjectDoesNotExist

        try:
            return self.record
        except ObjectDoesNotExist:
            return None

    @property
    def project(self):
        """The project whose site fence (point, radius, red line) the call is checked against."""
        return self.item.case.project

    @property
    def chosen_slot(self):
        return next((s for s in self.slots.all() if s.chosen), None)


class InspectionSlot(BaseModel):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    chosen = models.BooleanField(_("chosen"), default=False)

    class Meta:
        verbose_name = _("inspection slot")
        verbose_name_plural = _("inspection slots")
        ordering = ["inspection", "starts_at"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class ChecklistResult(BaseModel):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    result = models.CharField(_("result"), max_length=4, choices=ItemResult.choices)
    note = models.TextField(_("note"), blank=True)
    call_offset_ms = models.PositiveIntegerField(_("call time (ms)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        ordering = ["inspection", "checklist_item__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "checklist_item"], name="inspection_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.checklist_item_id}: {self.result}"


class Snapshot(BaseModel):
    """A still taken during the call, tied to a checklist item and the call's clock."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
        related_name="snapshots",
    )  # fmt: skip
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    taken_by = models.ForeignKey(
        USER, verbose_name=_("taken by"), on_delete=models.PROTECT, related_name="+"
    )
    call_offset_ms = models.PositiveIntegerField(_("call time (ms)"))
    file = models.FileField(
        _("file"), upload_to="inspections/snapshots/", max_length=200, storage=private_storage
    )
    content_type = models.CharField(_("content type"), max_length=40)
    sm3 = models.CharField(_("SM3"), max_length=64)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    @property
    def call_time(self) -> str:
        seconds = self.call_offset_ms // 1000
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["inspection", "call_offset_ms", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id}@{self.call_offset_ms}"


class CallSegment(BaseModel):
    """
    One recorded segment of the call (MediaRecorder, a complete WebM file), hash-chained
    with the ones before it (kaigong/inspections/recording.py).
    """

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
        related_name="segments",
    )  # fmt: skip
    sequence = models.PositiveIntegerField(_("sequence number"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    start_ms = models.PositiveIntegerField(_("starts at (call time, ms)"))
    end_ms = models.PositiveIntegerField(_("ends at (call time, ms)"))
    received_at = models.DateTimeField(_("received by the server at"))
    file = models.FileField(
        _("file"), upload_to="inspections/segments/", max_length=200, storage=private_storage
    )
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sm3 = models.CharField(_("SM3"), max_length=64)
    chain = models.CharField(_("chain hash (SM3)"), max_length=64)

    class Meta:
        verbose_name = _("call segment")
        verbose_name_plural = _("call segments")
        ordering = ["inspection", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "sequence"], name="call_segment_sequence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}#{self.sequence}"

    @staticmethod
    def _clock(ms: int) -> str:
        seconds = ms // 1000
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"

    @property
    def call_time(self) -> str:
        """Its span on the call's clock, e.g. 00:00:10–00:00:20."""
        return f"{self._clock(self.start_ms)}–{self._clock(self.end_ms)}"


class LocationSample(BaseModel):
    """The site person's position as the browser reported it (navigator.geolocation)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
        related_name="locations",
    )  # fmt: skip
    reported_by = models.ForeignKey(
        USER, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance to the site (m)"), null=True, blank=True)
    inside_site = models.BooleanField(_("inside the site"), null=True, blank=True)

    class Meta:
        verbose_name = _("location sample")
        verbose_name_plural = _("location samples")
        ordering = ["inspection", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.latitude},{self.longitude}"


class InspectionRecord(BaseModel):
    """
    The 踏勘记录 / 勘验笔录: ``data`` frozen when written; ``content_sm3`` = SM3 of its
    canonical JSON; each signer's platform signature is over that digest; the PDF is made
    once everyone signed and its SM3 kept.
    """

    inspection = models.OneToOneField(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="record"
    )
    number = models.CharField(_("record number"), max_length=48, unique=True)
    conclusion = models.CharField(_("conclusion"), max_length=8, choices=Conclusion.choices)
    data = models.JSONField(_("data"), default=dict)
    content_sm3 = models.CharField(_("content SM3"), max_length=64)
    written_by = models.ForeignKey(
        USER, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(
        _("PDF"), upload_to="inspections/records/", max_length=200, storage=private_storage,
        blank=True,
    )  # fmt: skip
    pdf_sm3 = models.CharField(_("PDF SM3"), max_length=64, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class RecordSignature(BaseModel):
    record = models.ForeignKey(
        InspectionRecord, verbose_name=pgettext_lazy("inspection", "record"), on_delete=models.CASCADE,
        related_name="signatures",
    )  # fmt: skip
    signer = models.ForeignKey(USER, verbose_name=_("signer"), on_delete=models.PROTECT)
    role = models.CharField(_("role"), max_length=10, choices=SignerRole.choices)
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signed_at = models.DateTimeField(_("signed at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    key_id = models.CharField(_("signing key"), max_length=64)
    public_key_hex = models.CharField(_("public key"), max_length=200)
    signature_hex = models.TextField(_("signature (SM2, DER hex)"))

    class Meta:
        verbose_name = _("record signature")
        verbose_name_plural = _("record signatures")
        ordering = ["record", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "signer"], name="record_signed_once")
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} ({self.role})"


# -- joint review ------------------------------------------------------------------------


class Expert(BaseModel):
    """One expert of the pool (专家库)."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    user = models.OneToOneField(
        USER, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="expert_profile",
    )  # fmt: skip
    specialties = models.JSONField(_("specialties"), default=list)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    employer_enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("employer (enterprise)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    region_code = models.CharField(_("region"), max_length=12, blank=True)
    active = models.BooleanField(_("active"), default=True)

    @property
    def specialty_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(s, s)) for s in self.specialties]

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ExpertConflict(BaseModel):
    """A conflict the expert declared (回避): with an enterprise."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")

    def __str__(self) -> str:
        return f"{self.expert_id}↔{self.enterprise_id}"


class JointReview(BaseModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
        related_name="joint_reviews",
    )  # fmt: skip
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("lead department"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    items = models.ManyToManyField(
        "cases.CaseItem", verbose_name=_("items"), related_name="joint_reviews"
    )
    title = models.CharField(_("title"), max_length=200)
    meeting = models.CharField(_("meeting (time, place or video room)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=22, choices=ReviewStatus.choices, default=ReviewStatus.CONVENED
    )
    convened_by = models.ForeignKey(
        USER, verbose_name=_("convened by"), on_delete=models.PROTECT, related_name="+"
    )
    panel_size = models.PositiveSmallIntegerField(_("panel size"), default=3)
    specialties = models.JSONField(_("specialties wanted"), default=list, blank=True)
    draw = models.ForeignKey(
        "core.Draw", verbose_name=_("draw"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    recused = models.JSONField(_("recused experts"), default=list, blank=True)
    panel = models.ManyToManyField(Expert, verbose_name=_("panel"), related_name="reviews")
    quorum = models.PositiveSmallIntegerField(
        _("quorum (experts whose signed opinion a conclusion needs)"), default=2
    )
    round = models.PositiveSmallIntegerField(_("review round"), default=1)
    resolutions = models.JSONField(_("conflicts resolved at the meeting"), default=dict, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint review")
        verbose_name_plural = _("joint reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum__gte=1) & models.Q(quorum__lte=models.F("panel_size")),
                name="joint_review_quorum_within_panel",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def letter(self) -> "ReviewLetter | None":
        """The newest round's letter (every round's is kept)."""
        return self.letters.order_by("-round").first()


class ReviewOpinion(BaseModel):
    """One structured opinion item of one expert (topic, material, clause, severity)."""

    review = models.ForeignKey(
        JointReview, verbose_name=_("joint review"), on_delete=models.CASCADE,
        related_name="opinions",
    )  # fmt: skip
    round = models.PositiveSmallIntegerField(_("review round"), default=1)
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="opinions",
    )  # fmt: skip
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    position = models.CharField(
        _("position"), max_length=10, choices=Position.choices, default=Position.MODIFY
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    material = models.CharField(_("material or drawing"), max_length=100)
    clause = models.CharField(_("standard and clause"), max_length=100)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    text = models.TextField(_("opinion"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        ordering = ["review", "round", "topic", "material", "clause", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expert__isnull=False) | models.Q(department__isnull=False),
                name="review_opinion_has_author",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic}/{self.material}/{self.clause}"

    @property
    def author(self) -> str:
        """The expert's name, or the department's for a member department's opinion."""
        if self.expert is not None:
            return self.expert.name
        return self.department.name if self.department is not None else ""


class OpinionSignature(BaseModel):
    """
    One panel expert's signed individual opinion for one round: the canonical JSON of
    every opinion item the expert gave in that round, with the expert's and the signing
    account's ids, signed SM2 with the signer's own key (certificates.PersonalKey; rows
    signed before personal keys carry the platform key's id and verify against it).
    """

    review = models.ForeignKey(
        JointReview, verbose_name=_("joint review"), on_delete=models.CASCADE,
        related_name="opinion_signatures",
    )  # fmt: skip
    round = models.PositiveSmallIntegerField(_("review round"))
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(USER, verbose_name=_("signer"), on_delete=models.PROTECT)
    payload = models.JSONField(_("signed payload"), default=dict)
    signed_at = models.DateTimeField(_("signed at"))
    key_id = models.CharField(_("signing key"), max_length=64)
    public_key_hex = models.CharField(_("public key"), max_length=200)
    signature_hex = models.TextField(_("signature (SM2, DER hex)"))

    class Meta:
        verbose_name = _("signed expert opinion")
        verbose_name_plural = _("signed expert opinions")
        ordering = ["review", "round", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "round", "expert"], name="opinion_signed_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert_id}@{self.round}"


class ReviewLetter(BaseModel):
    """
    The consolidated opinion letter of one round (every round kept): merged items, the
    conflicts and how the meeting resolved them, the quorum and the signed opinions it
    rests on, the PDF (SM3; signed by the chair's own key, or the platform's for letters
    issued before personal keys), and the applicant's answers.
    """

    review = models.ForeignKey(
        JointReview, verbose_name=_("joint review"), on_delete=models.CASCADE,
        related_name="letters",
    )  # fmt: skip
    round = models.PositiveSmallIntegerField(_("review round"))
    number = models.CharField(_("letter number"), max_length=48, unique=True)
    data = models.JSONField(_("letter data"), default=dict)
    pdf = models.FileField(
        _("letter PDF"), upload_to="inspections/letters/", max_length=200,
        storage=private_storage,
    )  # fmt: skip
    sm3 = models.CharField(_("letter SM3"), max_length=64)
    key_id = models.CharField(_("signing key"), max_length=64)
    signature_hex = models.TextField(_("letter signature"))
    signed_by = models.ForeignKey(
        USER, verbose_name=_("signed by (chair)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    issued_at = models.DateTimeField(_("letter issued at"))
    must_fix = models.PositiveSmallIntegerField(_("items to fix"), default=0)
    responses = models.JSONField(_("applicant's responses"), default=dict, blank=True)
    resubmitted_at = models.DateTimeField(_("resubmitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consolidated opinion letter")
        verbose_name_plural = _("consolidated opinion letters")
        ordering = ["review", "round"]
        constraints = [
            models.UniqueConstraint(fields=["review", "round"], name="review_letter_once_per_round")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def must_fix_items(self) -> list[dict]:
        return [m for m in self.data.get("items", []) if m["severity"] == Severity.MUST_FIX]
