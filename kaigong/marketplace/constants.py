"""中介超市: states, methods, rules as data, rating dimensions and the composite formula."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgencyStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")  # 待审核
    LISTED = "listed", _("Listed")  # 已入驻
    REFUSED = "refused", pgettext_lazy("credit repair", "Refused")
    SUSPENDED = "suspended", _("Suspended")  # 暂停
    BLACKLISTED = "blacklisted", _("Blacklisted")  # 清出


class FundsType(models.TextChoices):
    FISCAL = "fiscal", _("Fiscal (state) funds")  # 财政资金
    SOCIAL = "social", _("Social funds")  # 社会资金


class Method(models.TextChoices):
    RANDOM = "random", _("Random draw")  # 随机选取
    LOWEST = "lowest", _("Lowest price")  # 竞价选取（最低价）
    OPTIMAL = "optimal", _("Optimal price")  # 竞价选取（优选价）
    MERIT = "merit", _("Merit")  # 择优选取
    DIRECT = "direct", _("Direct choice")  # 直接选取


class RequestStatus(models.TextChoices):
    REGISTERING = "registering", _("Registration open")  # 报名中
    CHOOSING = "choosing", _("Choosing")  # 选取中
    CHOSEN = "chosen", _("Chosen (published)")  # 已选取（公示）
    CONTRACTED = "contracted", _("Contract filed")  # 服务中
    DELIVERED = "delivered", _("Deliverable filed")  # 服务完成
    FAILED = "failed", _("Failed (too few bidders)")  # 流标
    CANCELLED = "cancelled", _("Cancelled")


class RaterKind(models.TextChoices):
    OWNER = "owner", _("Owner")  # 业主
    DEPARTMENT = "department", _("Relying department")  # 行业主管部门（依据结果）
    CENTRE = "centre", _("Supervision centre")  # 监管中心


class SanctionKind(models.TextChoices):
    SUSPEND = "suspend", _("Suspension")
    BLACKLIST = "blacklist", _("Blacklisting")


class SanctionStatus(models.TextChoices):
    NOTICED = "noticed", _("Notice served")  # 告知
    STATED = "stated", _("Statement made")  # 陈述申辩
    DECIDED = "decided", _("Decided, in force")  # 决定
    DISMISSED = "dismissed", _("Dismissed")
    APPEALED = "appealed", _("Under appeal")  # 复核
    OVERTURNED = "overturned", _("Overturned on appeal")
    EXPIRED = "expired", _("Expired")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting decision")  # 待处理
    UPHELD = "upheld", _("Upheld: selection overturned")  # 异议成立
    DISMISSED = "dismissed", _("Dismissed")  # 异议不成立


class RaiserKind(models.TextChoices):
    BIDDER = "bidder", _("Bidder")  # 参与报名的中介机构
    PUBLIC = "public", _("Member of the public")  # 社会公众


OWNER_DIMENSIONS = ("quality", "timeliness", "attitude", "charge", "standards")

# rule: at least 3 eligible bidders for a random draw or a price competition with state
# funds; fewer and the selection fails (流标) (docs/legal.md#marketplace-rules)
MIN_BIDDERS_FISCAL = 3
MIN_BIDDERS_SOCIAL = 1
# rule: 优选价 — a random base of 95–98 % is drawn, highest and lowest bids dropped, the mean
# × base is the reference and the nearest bid wins (docs/legal.md#marketplace-rules)
OPTIMAL_BASE_RATES = (Decimal("0.95"), Decimal("0.96"), Decimal("0.97"), Decimal("0.98"))
# rule: 公示 of the winner with an objection period (docs/legal.md#marketplace-rules)
OBJECTION_WORKING_DAYS = 3

# The composite score (docs/marketplace.md#composite): configurable weights, summing to 100.
# rule: 行业主管部门 70 + 政府企业信用 10 + 社会评价 20 (docs/legal.md#marketplace-rules)
COMPOSITE_WEIGHTS = {"department": 70, "credit": 10, "public": 20}


class ErrorCode(models.TextChoices):
    AGENCY_NOT_LISTED = "agency_not_listed", _("Agency not listed")
    AGENCY_EXISTS = "agency_exists", _("Agency already registered")
    NOT_INTERMEDIARY = "not_intermediary", _("Not an intermediary agency")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("Selection method not allowed")
    DESIGNATION_FORBIDDEN = "designation_forbidden", _("Government may not designate")
    WINDOW_INVALID = "window_invalid", _("Registration window invalid")
    PRICE_INVALID = "price_invalid", _("Price invalid")
    NOT_REGISTERING = "request_not_registering", _("Registration closed")
    NOT_QUALIFIED = "agency_not_qualified", _("Agency not qualified")
    ALREADY_BID = "already_bid", _("Already bid")
    WRONG_STATE = "request_wrong_state", _("Not in this state")
    OBJECTION_PERIOD = "objection_period_open", _("Objection period still open")
    RATING_EXISTS = "rating_exists", _("Already rated")
    RATING_INVALID = "rating_invalid", _("Rating invalid")
    SANCTION_STEP = "sanction_step_invalid", _("Sanction step not allowed")
    WITNESS_REQUIRED = "witness_required", _("Witness required")
    OBJECTION_CLOSED = "objection_period_closed", _("Objection period over")
    OBJECTION_PENDING = "objection_pending", _("An objection awaits its decision")
    OBJECTION_DECIDED = "objection_decided", _("Objection already decided")
