"""Choices of supervision. Values are stable API contracts."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Party(models.TextChoices):
    """Whose court the working day is in (time by responsible party)."""

    GOVERNMENT = "government", _("Government")  # the window or the department works
    APPLICANT = "applicant", _("Applicant")  # 补正, 容缺 supplements
    SPECIAL = "special", _("Special procedure")  # 特别程序 (行政许可法 art. 45)
    INTERMEDIARY = "intermediary", _("Intermediary service")  # 中介服务 (not the government's)
    PREREQUISITE = "prerequisite", _("Waiting on a prerequisite")  # 前置事项未办结


class Step(models.TextChoices):
    """The steps (环节) of an item, each timed against its own duration."""

    ACCEPTANCE = "acceptance", pgettext_lazy("step", "Acceptance")  # 受理: 接件 → 受理
    REVIEW = "review", pgettext_lazy("step", "Review")  # 审查: day 0 → the opinion
    DECISION = "decision", pgettext_lazy("step", "Decision")  # 决定: the opinion → the decision


class SignalLevel(models.TextChoices):
    PROMPT = "prompt", _("Early warning")  # 预警
    YELLOW = "yellow", _("Yellow card")  # 黄牌
    RED = "red", _("Red card")  # 红牌: overdue
    ADVICE = "advice", _("Supervision advice")  # 监察建议书
    # 环节超时: a step (受理/审查/决定) over its own duration while the item is within its
    # limit; beside the ladder, not a rung of it
    STEP = "step", _("Step overrun")


LEVEL_ORDER = [SignalLevel.PROMPT, SignalLevel.YELLOW, SignalLevel.RED, SignalLevel.ADVICE]


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Awaiting reply")  # 督办中
    REPLIED = "replied", _("Replied")  # 已回告
    CLOSED = "closed", _("Closed")  # 已办结
    ESCALATED = "escalated", pgettext_lazy("supervision", "Escalated")  # 已升级


class OrderStepKind(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", pgettext_lazy("supervision", "Escalated")


class DenialReason(models.TextChoices):
    """The controlled taxonomy of denial reasons (否定事项原因)."""

    MATERIALS_INCOMPLETE = "materials_incomplete", _("Materials incomplete")
    FORM_NOT_LEGAL = "form_not_legal", _("Materials not in the legal form")
    NOT_COMPETENT = "not_competent", _("Not this department's competence")
    NOT_A_PERMIT = "not_a_permit", _("Not subject to a permit")
    CONDITIONS_NOT_MET = "conditions_not_met", _("Legal conditions not met")
    APPLICANT_WITHDREW = "applicant_withdrew", _("Applicant withdrew")
    COMMITMENT_LAPSED = "commitment_lapsed", _("Commitment lapsed")
    OTHER = "other", _("Other")


class Finding(models.TextChoices):
    PROPER = "proper", _("Proper")
    IMPROPER = "improper", _("Improper")
    NEEDS_EXPLANATION = "needs_explanation", _("Needs explanation")


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Queue(models.TextChoices):
    """The seven queues a supervisor works from."""

    WARNING = "warning", _("Early warning")  # 预警
    OVERDUE = "overdue", _("Overdue")  # 逾期
    CORRECTION = "correction", _("Awaiting correction")  # 待补正
    SPECIAL = "special", _("In special procedure")  # 特别程序中
    DENIED = "denied", _("Refused or denied")  # 不予受理/不予许可
    ORDERS = "orders", _("Under supervision order")  # 督办中
    REPLY_OVERDUE = "reply_overdue", _("Reply overdue")  # 回告逾期
    STEP_OVERRUN = "step_overrun", _("Step overrun")  # 环节超时 (item within its limit)


class ErrorCode(models.TextChoices):
    NOT_FOUND = "not_found", _("Not found")
    INVALID = "supervision_invalid", _("Not valid")
    NOT_ALLOWED = "supervision_not_allowed", _("Not allowed")
    ORDER_NOT_OPEN = "order_not_open", _("Order not open")
    SECOND_REVIEWER_REQUIRED = "second_reviewer_required", _("A second reviewer is required")
    SAME_REVIEWER = "second_reviewer_same_person", _("The second reviewer must be another person")
    ALREADY_CONFIRMED = "batch_already_confirmed", _("Already confirmed")
    SNAPSHOT_EXISTS = "snapshot_exists", _("Snapshot exists")


# Default ladder (thresholds are data: ``SignalRule`` rows override these per matter or
# department). # rule: yellow at 90 % of the promised limit, red when overdue (电子监察;
# docs/legal.md#sup-signal-ladder)
DEFAULT_PROMPT_PERCENT = 80
DEFAULT_YELLOW_PERCENT = 90
DEFAULT_ADVICE_AFTER_DAYS = 5
# rule: a 督办 order is answered (回告) within 5 working days unless the supervisor sets
# otherwise (docs/legal.md#sup-order)
DEFAULT_REPLY_DAYS = 5
# rule: the unit confirms its week's register by the next working day after compilation
# (docs/legal.md#sup-denial-audit)
DEFAULT_CONFIRM_DAYS = 1
# rule: rectification within 15 working days of the 抽查通报 (docs/legal.md#sup-denial-audit)
DEFAULT_RECTIFY_DAYS = 15
