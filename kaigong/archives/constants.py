"""Choices of the archives app; values are API contracts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    GOVERNMENT = "government", _("Government investment")  # 政府投资项目档案
    SOCIAL = "social", _("Social investment")  # 社会投资项目档案


class DocumentKind(models.TextChoices):
    MATERIAL = "material", _("Application material")  # 申请材料
    OPINION = "opinion", _("Review opinion")  # 审查意见
    DECISION = "decision", _("Decision")  # 审批决定
    CORRECTION = "correction", _("Correction notice")  # 一次性补正告知
    COMMITMENT = "commitment", _("Commitment")  # 容缺 / 告知承诺书
    DENIAL = "denial", _("Refusal or denial")  # 不予受理 / 不予许可
    CERTIFICATE = "certificate", _("Certificate")  # 电子证照
    NOTICE = "notice", _("Official notice or decision")  # 行政文书 (documents app)


class StageTag(models.TextChoices):
    # rule: departments receive the 立项/规划/施工 documents of projects in their charge
    # (沂南 电子图档系统 点对点推送, seed 000)
    APPROVAL = "approval", _("Project approval (立项)")  # national stage 1
    PLANNING = "planning", _("Planning (规划)")  # national stage 2
    CONSTRUCTION = "construction", _("Construction (施工)")  # national stage 3
    OTHER = "other", _("Other")  # completion and anything without a stage


STAGE_BY_NATIONAL = {1: StageTag.APPROVAL, 2: StageTag.PLANNING, 3: StageTag.CONSTRUCTION}
PUSHED_STAGES = (StageTag.APPROVAL, StageTag.PLANNING, StageTag.CONSTRUCTION)
