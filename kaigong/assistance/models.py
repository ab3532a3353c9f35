"""
Serving the enterprise (issue #12, first half).

* ``HelperTeam`` (专班: a named team with a lead) and ``HelperAssignment`` (项目助手 or 专班
  member on a project, level 市/县/镇, since/until: a hand-over closes one row and opens the
  next, so the history stays). The current helpers also sit in ``Project.helpers`` (the
  spine's read scope), kept in step by the services.
* ``Mandate`` (授权委托书): the enterprise authorises one helper for some projects and some
  actions until a date; signed (SM3 of its text + the platform's SM2 signature), revocable.
* ``ExpertDuty`` / ``Question`` (专家咨询), ``Policy`` / ``PolicyReceipt`` /
  ``SessionSignup`` (政策入企), ``Suggestion`` (座谈会 suggestions), ``PreReview`` /
  ``PreReviewNote`` (前期辅导/申报预审) and ``EarlyIntervention`` (提前介入).
"""

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.core.models import BaseModel

if TYPE_CHECKING:
    from kaigong.accounts.models import User

from .constants import (
    AssignmentRole,
    HelperLevel,
    NoteTarget,
    PolicyKind,
    PreReviewStatus,
    QuestionStatus,
    SuggestionSource,
    SuggestionStatus,
)

USER = "accounts.User"


class HelperTeam(BaseModel):
    name = models.CharField(_("name"), max_length=100)
    service_center = models.ForeignKey(
        "accounts.ServiceCenter", verbose_name=_("service centre"), on_delete=models.PROTECT
    )
    lead = models.ForeignKey(
        USER, verbose_name=pgettext_lazy("team", "lead"), on_delete=models.PROTECT, related_name="+"
    )
    members: "models.ManyToManyField[User, Any]" = models.ManyToManyField(
        USER, verbose_name=_("members"), related_name="+"
    )

    class Meta:
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HelperAssignment(BaseModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="helper_assignments",
    )
    helper = models.ForeignKey(
        USER, verbose_name=_("helper"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=AssignmentRole.choices, default="project_helper"
    )
    level = models.CharField(_("level"), max_length=10, choices=HelperLevel.choices)
    team = models.ForeignKey(
        HelperTeam, verbose_name=_("task force"), null=True, blank=True, on_delete=models.PROTECT
    )
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        USER, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    handed_over_to = models.ForeignKey(
        "self", verbose_name=_("handed over to"), null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("helper assignment")
        verbose_name_plural = _("helper assignments")
        ordering = ["project", "-since", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.helper}"


class Mandate(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    agent = models.ForeignKey(
        USER, verbose_name=_("authorised helper"), on_delete=models.PROTECT, related_name="+"
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("projects"), related_name="mandates"
    )
    actions = models.JSONField(_("actions"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    text = models.TextField(_("text of the mandate"))
    text_sm3 = models.CharField(_("SM3 of the text"), max_length=64)
    signature_hex = models.TextField(_("platform signature"), blank=True)
    signature_key_id = models.CharField(_("signing key"), max_length=64, blank=True)
    signed_by = models.ForeignKey(
        USER, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ExpertDuty(BaseModel):
    """An expert of a department on duty for consultations from ``start`` to ``end``."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    expert = models.ForeignKey(
        USER, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))

    class Meta:
        verbose_name = _("expert duty")
        verbose_name_plural = _("expert duties")
        ordering = ["department", "start"]

    def __str__(self) -> str:
        return f"{self.department} · {self.expert}"


class Question(BaseModel):
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    matter = models.ForeignKey(
        "catalog.Matter", verbose_name=_("matter"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    asked_by = models.ForeignKey(
        USER, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("question"))
    expert = models.ForeignKey(
        USER, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6)
    asked_on = models.DateField(_("asked on"))
    due_on = models.DateField(_("answer due on"))
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default="open"
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    faq_question = models.TextField(_("FAQ question (anonymised)"), blank=True)
    faq_answer = models.TextField(_("FAQ answer"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


class Policy(BaseModel):
    kind = models.CharField(_("kind"), max_length=10, choices=PolicyKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    published_by = models.ForeignKey(
        USER, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))
    region_code = models.CharField(
        _("target region"), max_length=6, help_text=_("Projects in this region and below.")
    )
    categories = models.JSONField(_("target categories"), default=list, blank=True)
    stages = models.JSONField(_("target stages"), default=list, blank=True)
    key_projects_only = models.BooleanField(_("key projects only"), default=False)
    session_at = models.DateTimeField(_("session time"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PolicyReceipt(BaseModel):
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="receipts"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT
    )
    read_by = models.ForeignKey(
        USER, verbose_name=_("read by"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="policy_read_once")
        ]


class SessionSignup(BaseModel):
    policy = models.ForeignKey(
        Policy, verbose_name=_("session"), on_delete=models.CASCADE, related_name="signups"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT
    )
    signed_up_by = models.ForeignKey(
        USER, verbose_name=_("signed up by"), on_delete=models.PROTECT, related_name="+"
    )
    attendee = models.CharField(_("attendee"), max_length=50)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_by = models.ForeignKey(
        USER,
        verbose_name=_("attendance recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("session sign-up")
        verbose_name_plural = _("session sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="session_signup_once")
        ]


class Suggestion(BaseModel):
    source = models.CharField(_("source"), max_length=10, choices=SuggestionSource.choices)
    text = models.TextField(_("suggestion"))
    region_code = models.CharField(_("region code"), max_length=6)
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "accounts.Department",
        verbose_name=pgettext_lazy("responsibility", "owner"),
        on_delete=models.PROTECT,
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default="open"
    )
    result = models.TextField(_("result"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class PreReview(BaseModel):
    """前期辅导/申报预审 of a draft: suggestions only, no statutory clock (no 补正)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("requested on"))
    due_on = models.DateField(_("annotations due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=PreReviewStatus.choices, default="requested"
    )
    note = models.TextField(_("note"), blank=True)
    annotated_by = models.ForeignKey(
        USER,
        verbose_name=_("annotated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    annotated_at = models.DateTimeField(_("annotated at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pre-review")
        verbose_name_plural = _("pre-reviews")
        ordering = ["-created_at", "-id"]


class PreReviewNote(BaseModel):
    pre_review = models.ForeignKey(
        PreReview, verbose_name=_("pre-review"), on_delete=models.CASCADE, related_name="notes"
    )
    target = models.CharField(_("about"), max_length=10, choices=NoteTarget.choices)
    code = models.CharField(_("field or material code"), max_length=64, blank=True)
    text = models.TextField(_("suggestion"))
    author = models.ForeignKey(
        USER, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pre-review note")
        verbose_name_plural = _("pre-review notes")
        ordering = ["id"]


class EarlyIntervention(BaseModel):
    """提前介入: a department assigned to a key project before its land is obtained."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="early_interventions",
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    assigned_by = models.ForeignKey(
        USER, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("early intervention")
        verbose_name_plural = _("early interventions")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "department"], name="early_intervention_once"
            )
        ]
