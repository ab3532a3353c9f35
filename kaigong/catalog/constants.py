"""Choices of the matter catalogue. Values are stable API and file-format contracts."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NationalStage(models.IntegerChoices):
    # rule: the four national stages + parallel items (国办发〔2019〕11号; docs/legal.md#gbf-2019-11)
    PROJECT_LAND_PLANNING = 1, _("Project establishment and land-use planning permit")
    ENGINEERING_PERMIT = 2, _("Engineering construction permit")
    CONSTRUCTION_PERMIT = 3, _("Construction permit")
    COMPLETION_ACCEPTANCE = 4, _("Completion acceptance")
    PARALLEL = 5, _("Advanced in parallel")


class InvestmentType(models.TextChoices):
    GOVERNMENT = "government", _("Government investment")  # 政府投资
    SOCIAL = "social", _("Social investment")  # 社会投资
    ANY = "any", _("Any")


class MatterType(models.TextChoices):
    # rule: GB/T 39046-2020 A.1 事项类型代码 (docs/legal.md#gbt-39046)
    ADMIN_POWER = "00", _("Administrative power")
    LICENSING = "01", _("Administrative licensing")
    CONFIRMATION = "07", _("Administrative confirmation")
    OTHER = "10", _("Other")
    INTERNAL = "11", _("Internal government approval")
    PUBLIC_SERVICE = "20", _("Public service")


class ExerciseLevel(models.TextChoices):
    # rule: GB/T 39046-2020 A.2 行使层级代码
    NATIONAL = "1", _("National")
    PROVINCE = "2", _("Province")
    CITY = "3", _("City")
    COUNTY = "4", _("County")
    TOWN = "5", _("Town")
    VILLAGE = "6", _("Village")
    GRADED = "7", _("Graded management")


class LimitUnit(models.TextChoices):
    # rule: time-limit units 工作日/自然日/小时 (docs/legal.md#gbt-39046)
    WORKING_DAYS = "WD", _("working days")
    NATURAL_DAYS = "ND", _("natural days")
    WORKING_HOURS = "WH", _("working hours")


class CaseKind(models.TextChoices):
    # rule: GB/T 39046-2020 A.6 办件类型代码
    INSTANT = "1", _("Instant (decided on the spot)")  # 即办件
    PROMISED = "2", _("Promised (has a promised limit)")  # 承诺件


class ResultType(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")  # 证照
    APPROVAL_DOCUMENT = "document", _("Approval document")  # 批文
    OTHER = "other", _("Other")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # editable, not in force
    PUBLISHED = "published", _("Published")  # immutable; in force from its revision's date


class Necessity(models.TextChoices):
    REQUIRED = "required", _("Required")  # 必要
    CONDITIONAL = "conditional", _("Conditional")  # needed when its condition holds
    OPTIONAL = "optional", _("Optional")  # 非必要


class SourceChannel(models.TextChoices):
    # rule: 来源渠道 (docs/legal.md#gbt-39046)
    APPLICANT = "applicant", _("Prepared by the applicant")  # 申请人自备
    GOVERNMENT = "government", _("Issued by a government department")  # 政府部门核发
    INTERMEDIARY = "intermediary", _("Issued by an intermediary")  # 中介机构出具
    OTHER = "other", _("Other")


class FieldType(models.TextChoices):
    STRING = "string", pgettext_lazy("field type", "Text")
    TEXT = "text", _("Long text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", pgettext_lazy("field type", "Number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes or no")
    CHOICE = "choice", _("One of a list")
    MULTI_CHOICE = "multi_choice", _("Several of a list")
    PHONE = "phone", _("Mobile phone")
    USCC = "uscc", _("Unified social credit code")
    RESIDENT_ID = "resident_id", _("Resident ID number")
    REGION = "region", _("Administrative division code")


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    NUMBER = "number", pgettext_lazy("field type", "Number")


class DependencyKind(models.TextChoices):
    REQUIRES_RESULT = "requires_result", _("Needs the final result")  # 前置事项办结
    ACCEPTS_PRE_APPROVAL = "accepts_pre_approval", _("Can start on a pre-approval")  # 预审批
    ACCEPTS_CONSENT_LETTER = "accepts_consent_letter", _("Can start on a consent letter")  # 同意函


class BundleKind(models.TextChoices):
    ONE_THING = "one_thing", _("One thing")  # 一件事
    THEME = "theme", _("Theme")  # 主题式审批
    JOINT_REVIEW = "joint_review", _("Joint review")  # 联合评审
    JOINT_ISSUANCE = "joint_issuance", _("Joint issuance")  # 多证联发


class RevisionKind(models.TextChoices):
    # rule: 动态调整 — the kinds of catalogue change (DESIGN.md §3)
    NEW = "new", _("New matters")  # 新增
    REMOVED = "removed", _("Removed matters")  # 取消
    CATALOGUE_ADJUSTMENT = "catalogue_adjustment", _("Catalogue adjustment")  # 目录调整
    STANDARD_ADJUSTMENT = "standard_adjustment", _("Standard adjustment")  # 标准调整


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
