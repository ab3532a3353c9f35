"""Choices and error codes of the project registry. Values are stable API contracts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectCategory(models.TextChoices):
    # rule: national 审批流程类型 by project kind (国办发〔2019〕11号; docs/legal.md#flow-types)
    CIVIL_BUILDING = "civil_building", _("Civil building")  # 民用建筑
    INDUSTRIAL = "industrial", _("Industrial building")  # 工业建筑
    MUNICIPAL = "municipal", _("Municipal infrastructure")  # 市政基础设施
    SMALL_LOW_RISK = "small_low_risk", _("Small low-risk project")  # 小型简易低风险
    OTHER = "other", _("Other")  # 其他


class KeyProjectLevel(models.TextChoices):
    NONE = "", _("Not a key project")  # 非重点项目
    PROVINCE = "province", _("Province key project")  # 省重点
    CITY = "city", _("City key project")  # 市重点
    COUNTY = "county", _("County key project")  # 县重点


class ServiceCodeScope(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")  # 一企一码
    PROJECT = "project", _("Project")  # 一项一码


class TimelineMode(models.TextChoices):
    SERIAL = "serial", _("Serial baseline")  # one after another on statutory limits
    PARALLEL = "parallel", _("Parallel")  # real dependencies only, promised limits
    PRE_APPROVAL = "pre_approval", _("Parallel with pre-approvals")  # 预审批 / 同意函


class ErrorCode(models.TextChoices):
    INVESTMENT_CODE_FORMAT = "investment_code_format", _("Malformed investment project code")
    COORDINATES = "coordinates", _("Bad coordinates")
    RED_LINE = "red_line", _("Malformed red line")
    UNKNOWN_QUESTION = "unknown_question", _("Unknown question")
    INVALID_ANSWER = "invalid_answer", _("Invalid answer")
    UNKNOWN_BUNDLE = "unknown_bundle", _("Unknown bundle")
    INVALID_DATE = "invalid_date", _("Invalid date")
