"""Choices of the assistance app (帮办代办, 专家咨询, 政策入企, 申报预审)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaigong.cases import hooks


class HelperLevel(models.TextChoices):
    # 潍坊 "濰好辦": three levels of helpers (seeds/…潍坊)
    CITY = "city", _("City level")  # 市级
    COUNTY = "county", _("County level")  # 县级
    TOWN = "town", _("Town level")  # 镇级


class AssignmentRole(models.TextChoices):
    PROJECT_HELPER = "project_helper", _("Project helper")  # 项目助手 / 帮办代办员
    TEAM_MEMBER = "team_member", _("Task-force member")  # 专班成员


class MandateAction(models.TextChoices):
    DRAFT = hooks.ACT_DRAFT, _("Prepare the application")
    UPLOAD = hooks.ACT_UPLOAD, _("Upload materials")
    SUBMIT = hooks.ACT_SUBMIT, _("Submit")
    ANSWER_CORRECTIONS = hooks.ACT_ANSWER_CORRECTIONS, _("Answer corrections")
    RECEIVE_DOCUMENTS = hooks.ACT_RECEIVE_DOCUMENTS, _("Receive documents")


class MandateStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    NOT_YET = "not_yet", _("Not yet in force")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the expert")
    ANSWERED = "answered", _("Answered")


class PolicyKind(models.TextChoices):
    POLICY = "policy", _("Policy")  # 政策
    SESSION = "session", _("Interpretation session")  # 政策解读课


class SuggestionSource(models.TextChoices):
    FORUM = "forum", _("Forum")  # 座谈会
    ENTERPRISE = "enterprise", _("Enterprise")


class SuggestionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status", "Open")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class PreReviewStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ANNOTATED = "annotated", _("Annotated")


class NoteTarget(models.TextChoices):
    FIELD = "field", _("Form field")
    MATERIAL = "material", _("Material")
    GENERAL = "general", _("General")


class ErrorCode:
    NOT_HELPER = "not_helper"
    NOT_EXPERT = "not_expert"
    MANDATE_INVALID = "mandate_invalid"
    MANDATE_REVOKED = "mandate_revoked"
    NO_EXPERT_ON_DUTY = "no_expert_on_duty"
    ALREADY_ANSWERED = "already_answered"
    NOT_A_DRAFT = "not_a_draft"
    NOT_A_SESSION = "not_a_session"
    TEXT_REQUIRED = "text_required"
