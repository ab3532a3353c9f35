"""Credit records (信用记录): lists, levels, gates, stable error codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")  # 法人
    PERSON = "person", pgettext_lazy("credit subject", "Person")  # 自然人 (a user of the platform)
    AGENCY = "agency", _("Intermediary agency")  # 中介机构 (an enterprise with intermediaries)


class ListKind(models.TextChoices):
    RED = "red", _("Red list")  # 红名单: 守信激励
    BLACK = "black", _("Black list")  # 黑名单 / 失信记录


class Level(models.TextChoices):
    COMMENDED = "commended", _("Commended")  # 守信激励 (red list)
    WATCH = "watch", _("Under watch")  # 关注 (a lapsed commitment)
    GENERAL = "general", _("Generally dishonest")  # 一般失信
    SERIOUS = "serious", _("Seriously dishonest")  # 严重失信


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by the authority")
    SYSTEM = "system", _("Kaigong's own rule")  # e.g. a breached commitment, a finding
    SYNC = "sync", _("Synchronised from the credit platform")


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    EXPIRED = "expired", _("Expired")
    REPAIRED = "repaired", _("Repaired")


class RepairStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", pgettext_lazy("credit repair", "Refused")


class Gate(models.TextChoices):
    DEFERRAL = "deferral", _("容缺受理")
    UNDERTAKING = "undertaking", _("告知承诺")
    MARKETPLACE = "marketplace", _("中介超市 listing and selection")


# Which black-list levels shut each gate (docs/credit.md).
# rule: 容缺 only without bad credit records (docs/legal.md#rongque)
# rule: no 告知承诺 with serious bad credit (docs/legal.md#gaocheng-commitment)
# rule: dishonest agencies are kept out of the marketplace (docs/legal.md#credit-marketplace)
GATE_BLOCKING_LEVELS: dict[str, frozenset[str]] = {
    Gate.DEFERRAL: frozenset({Level.WATCH, Level.GENERAL, Level.SERIOUS}),
    Gate.UNDERTAKING: frozenset({Level.SERIOUS}),
    Gate.MARKETPLACE: frozenset({Level.GENERAL, Level.SERIOUS}),
}
# The legacy summary on the enterprise (accounts.CreditStanding) that shuts each gate.
GATE_BLOCKING_STANDINGS: dict[str, frozenset[str]] = {
    Gate.DEFERRAL: frozenset({"watch", "dishonest"}),
    Gate.UNDERTAKING: frozenset({"dishonest"}),
    Gate.MARKETPLACE: frozenset({"dishonest"}),
}


class ErrorCode(models.TextChoices):
    SUBJECT_REQUIRED = "credit_subject_required", _("Credit subject required")
    LEVEL_MISMATCH = "credit_level_mismatch", _("Level does not fit the list")
    DATES_INVALID = "credit_dates_invalid", _("Dates invalid")
    NOT_ACTIVE = "credit_record_not_active", _("Record not in force")
    REPAIR_PENDING = "credit_repair_pending", _("A repair request is pending")
    REPAIR_DECIDED = "credit_repair_decided", _("Repair already decided")
    EVIDENCE_REQUIRED = "credit_evidence_required", _("Evidence required")
    BAD_DECISION = "credit_bad_decision", _("Unknown decision")
    GATE_CLOSED = "credit_gate_closed", _("Credit gate closed")
