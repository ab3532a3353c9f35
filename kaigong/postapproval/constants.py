"""事中事后监管 (双随机、一公开): kinds, states, risk weights (published), error codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ObjectType(models.TextChoices):
    PROJECT = "project", _("Project with a permit")  # 取得许可的工程项目
    ENTERPRISE = "enterprise", _("Enterprise")


class SampleKind(models.TextChoices):
    RANDOM = "random", _("Random (uniform)")  # 不定向随机
    WEIGHTED = "weighted", _("Weighted by published risk factors")  # 按风险加权


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")  # 待执行
    DRAWN = "drawn", _("Drawn")  # 已抽取
    DONE = "done", _("Done, results published")  # 已完成


class TargetResult(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    OK = "ok", _("No problem found")  # 未发现问题
    ISSUES = "issues", _("Problems found")  # 发现问题
    SERIOUS = "serious", _("Serious breach")  # 严重违法违规


class Severity(models.TextChoices):
    RECTIFY = "rectify", _("Rectify by a deadline")  # 责令整改
    SERIOUS = "serious", _("Serious: revoke the permit")  # 撤销许可


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Rectification due")
    RECTIFIED = "rectified", _("Rectified")
    OVERDUE = "overdue", pgettext_lazy("rectification", "Overdue")
    REVOKED = "revoked", _("Permit revoked")


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    FULFILLED = "fulfilled", _("Commitment kept")
    BREACHED = "breached", _("Commitment broken")


# Published risk factors (docs/postapproval.md#risk): the weight of a target in a weighted
# draw is 1 + the sum of the factors that apply (integers, as the draw requires).
RISK_FACTORS = {
    "open_undertaking": 3,  # an open 告知承诺 still to be verified
    "deferral_history": 2,  # a 容缺 commitment in its history
    "credit_watch": 2,  # a black-list record under watch or general
    "credit_serious": 4,  # a serious dishonesty record
    "past_findings": 3,  # a finding in an earlier check
}
RECTIFY_WORKING_DAYS = 15  # default deadline for 责令整改, in working days


class ErrorCode(models.TextChoices):
    WRONG_STATE = "task_wrong_state", _("Not in this state")
    POOL_EMPTY = "pool_empty", _("The pool is empty")
    TOO_FEW_INSPECTORS = "too_few_inspectors", _("Too few inspectors after recusal")
    NOT_ASSIGNED = "inspector_not_assigned", _("Not an inspector of this target")
    NO_CERTIFICATE = "no_certificate", _("No certificate to revoke")
    NOTHING_TO_GENERATE = "nothing_to_generate", _("No task to generate")
