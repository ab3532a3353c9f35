"""
Choices of the case lifecycle. Values are stable API contracts: never change one.

The meaning of each status is in its trailing comment; the transitions between them are
in ``workflow.py``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being prepared by the applicant; nobody else sees it
    SUBMITTED = "submitted", _("Submitted")  # waiting at the window (收件)
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")  # 一次性告知补正
    ACCEPTED = "accepted", _("Accepted")  # 受理: the departments review in parallel
    REFUSED = "refused", _("Refused")  # 不予受理
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 撤件 by the applicant
    CONCLUDED = "concluded", _("Concluded")  # every item decided (办结); results handed over
    ISSUED = "issued", _("Certificates issued")  # results released together (一次出证)
    HALTED = "halted", _("Halted")  # a 容缺 commitment lapsed (办理终止)


class CaseAction(models.TextChoices):
    EDIT = "edit", _("Edit")  # change the form, the materials or the chosen matters
    SUBMIT = "submit", _("Submit")  # the applicant hands the application in
    ACCEPT = "accept", _("Accept")  # the window accepts (受理), possibly with 容缺/告知承诺
    REFUSE = "refuse", _("Refuse")  # 不予受理, with reason and legal basis
    REQUEST_CORRECTION = "request_correction", _("Request correction")  # 一次性告知
    RESUBMIT = "resubmit", _("Resubmit")  # the applicant answers the correction notice
    WITHDRAW = "withdraw", _("Withdraw")  # the applicant takes the application back
    SUPPLY = "supply", _("Supply deferred materials")  # 容缺 materials arrive after acceptance
    RECOMPUTE = "recompute", _("Recompute due dates")  # pause, extension or calendar import
    CONCLUDE = "conclude", _("Conclude")  # the last item was decided
    ISSUE = "issue", _("Release certificates")  # every result released
    HALT = "halt", _("Halt")  # a commitment lapsed


class ItemStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a prerequisite")  # 前置事项未办结
    IN_REVIEW = "in_review", _("In review")  # the department's clock runs
    PAUSED = "paused", _("Paused")  # special procedure (行政许可法 art. 45): clock stopped
    PROPOSED = "proposed", _("Opinion given")  # reviewer's opinion in, awaiting the approver
    PRE_APPROVED = "pre_approved", _("Pre-approved")  # 预审批: may unblock dependants
    APPROVED = "approved", _("Approved")  # 办结（通过）
    APPROVED_DEFERRED = "approved_deferred", _("Approved, materials deferred")  # 办结（容缺通过）
    DENIED = "denied", _("Denied")  # 不予许可
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the application was withdrawn
    TERMINATED = "terminated", _("Terminated")  # 办理终止: a commitment lapsed


class ItemAction(models.TextChoices):
    START_REVIEW = "start_review", _("Start review")  # prerequisites met
    PAUSE = "pause", _("Pause the clock")  # special procedure starts
    RESUME = "resume", _("Resume the clock")  # special procedure ends
    PROPOSE = "propose", _("Give an opinion")  # reviewer's opinion
    SEND_BACK = "send_back", _("Send back to review")  # the approver wants another look
    PRE_APPROVE = "pre_approve", _("Pre-approve")  # 预审批
    APPROVE = "approve", _("Approve")  # final approval
    APPROVE_DEFERRED = "approve_deferred", _("Approve with deferred materials")  # 容缺通过
    COMPLETE_MATERIALS = "complete_materials", _("Deferred materials complete")
    DENY = "deny", _("Deny")  # 不予许可
    EXTEND = "extend", _("Extend")  # extension approved: more working days
    CONSENT_LETTER = "consent_letter", _("Issue a consent letter")  # 同意函
    RECOMPUTE = "recompute", _("Recompute due dates")  # calendar import
    WITHDRAW = "withdraw", _("Withdraw")  # with the case
    TERMINATE = "terminate", _("Terminate")  # the case halted


class EventKind(models.TextChoices):
    CASE_TRANSITION = "case_transition", _("Case status changed")
    ITEM_TRANSITION = "item_transition", _("Item status changed")
    DRAFT_CREATED = "draft_created", _("Draft created")
    FORM_DATA_SET = "form_data_set", _("Form filled in")
    MATERIAL_UPLOADED = "material_uploaded", _("Material uploaded")
    CERTIFICATE_ATTACHED = "certificate_attached", _("Held certificate attached")
    OPINION_SUBMITTED = "opinion_submitted", _("Opinion submitted")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_REJECTED = "extension_rejected", _("Extension refused")
    COMMITMENT_FULFILLED = "commitment_fulfilled", _("Commitment fulfilled")
    COMMITMENT_BREACHED = "commitment_breached", _("Commitment breached")
    COMMITMENT_VERIFIED = "commitment_verified", _("Commitment verified")


class DenialKind(models.TextChoices):
    CORRECTION = "correction", _("Correction requested")  # 补正
    REFUSAL = "refusal", _("Refused at the window")  # 不予受理
    RETURN = "return", _("Returned")  # 退件: the application was withdrawn or halted
    DENIAL = "denial", _("Permit denied")  # 不予许可


class CommitmentKind(models.TextChoices):
    DEFERRAL = "deferral", _("Deferred materials (容缺受理)")  # secondary materials follow
    UNDERTAKING = "undertaking", _("Notification and commitment (告知承诺)")  # replaces proofs


class CommitmentStatus(models.TextChoices):
    PENDING = (
        "pending",
        pgettext_lazy("commitment", "Pending"),
    )  # materials or verification outstanding
    FULFILLED = "fulfilled", _("Fulfilled")  # materials arrived / verification passed
    BREACHED = "breached", _("Breached")  # due date passed / verification failed


class PauseKind(models.TextChoices):
    # rule: time for 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审 is not counted (行政许可法 art. 45)
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure (art. 45)")
    CONFIGURED = "configured", _("Configured local pause")  # 公示期, 征求意见 …: local policy


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DENY = "deny", _("Deny")
    PRE_APPROVE = "pre_approve", _("Pre-approve")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DENY = "deny", _("Deny")


class ConditionalKind(models.TextChoices):
    PRE_APPROVAL = "pre_approval", _("Pre-approval")  # 预审批意见
    CONSENT_LETTER = "consent_letter", _("Consent letter")  # 同意函


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded file")
    CERTIFICATE = "certificate", _("Certificate already held")  # 免提交


class WarningColour(models.TextChoices):
    GREEN = "green", _("On time")  # 正常
    YELLOW = "yellow", _("Due soon")  # 预警: at most N working days remain
    RED = "red", _("Overdue")  # 逾期: the promised due date has passed
    NONE = "none", _("Clock not running")  # waiting or closed


class BreachKind(models.TextChoices):
    """Why a commitment was breached; the credit record it writes is kaigong.credit's."""

    COMMITMENT_LAPSED = "commitment_lapsed", _("Commitment lapsed")  # 容缺 materials not supplied
    FALSE_COMMITMENT = "false_commitment", _("Commitment failed verification")  # 告知承诺 false


class ErrorCode(models.TextChoices):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed", _("Not allowed in this state")
    MANDATE_REQUIRED = "mandate_required", _("No mandate covers this")
    STALE_VERSION = "stale_version", _("Changed meanwhile")
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused", _("Idempotency key reused")
    CASE_NOT_FOUND = "case_not_found", _("Case not found")
    ITEM_NOT_FOUND = "item_not_found", _("Item not found")
    MATERIAL_NOT_FOUND = "material_not_found", _("Material not found")
    MATTER_NOT_IN_BUNDLE = "matter_not_in_bundle", _("Matter not in the bundle")
    MATTER_NOT_IN_FORCE = "matter_not_in_force", _("Matter not in force")
    FORM_INVALID = "form_invalid", _("Form not valid")
    MATERIALS_INCOMPLETE = "materials_incomplete", _("Materials incomplete")
    MATERIAL_NOT_REQUESTED = "material_not_requested", _("Material not requested")
    FILE_TOO_LARGE = "file_too_large", _("File too large")
    FILE_EMPTY = "file_empty", _("File empty")
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed", _("File type not allowed")
    CERTIFICATE_NOT_HELD = "certificate_not_held", _("Certificate not held")
    CERTIFICATE_DOES_NOT_SATISFY = "certificate_does_not_satisfy", _("Certificate does not fit")
    REASON_REQUIRED = "reason_required", _("Reason required")
    LEGAL_BASIS_REQUIRED = "legal_basis_required", _("Legal basis required")
    RIGHTS_REQUIRED = "rights_required", _("Applicant's rights required")
    CORRECTION_EMPTY = "correction_empty", _("Correction lists nothing")
    CORRECTION_NOTICE_OVERDUE = "correction_notice_overdue", _("Correction notice too late")
    NOT_DEFERRABLE = "material_not_deferrable", _("Material not deferrable")
    CREDIT_STANDING = "credit_standing_insufficient", _("Credit standing insufficient")
    COMMITMENT_DUE_TOO_LATE = "commitment_due_too_late", _("Commitment due too late")
    COMMITMENT_INVALID = "commitment_invalid", _("Commitment incomplete")
    COMMITMENT_NOT_ALLOWED = "commitment_not_allowed", _("Commitment not allowed")
    COMMITMENT_NOT_PENDING = "commitment_not_pending", _("Commitment not pending")
    DEFERRED_MATERIALS_MISSING = "deferred_materials_missing", _("Deferred materials missing")
    SEPARATION_OF_DUTIES = "separation_of_duties", _("Three-person rule")
    PRE_APPROVAL_NOT_ALLOWED = "pre_approval_not_allowed", _("Pre-approval not allowed")
    CONSENT_LETTER_NOT_ALLOWED = "consent_letter_not_allowed", _("Consent letter not allowed")
    EXTENSION_INVALID = "extension_invalid", _("Extension not valid")
    EXTENSION_NOT_PENDING = "extension_not_pending", _("Extension not pending")
    NO_MATTERS = "no_matters", _("No matters chosen")
    PLANNED_DAYS_REQUIRED = "planned_days_required", _("Planned working days required")


class OfficialDocumentKind(models.TextChoices):
    """The written notices and decisions the law requires (the documents app renders them)."""

    # rule: acceptance, one-time correction and refusal in writing (行政许可法 art. 32)
    ACCEPTANCE_NOTICE = "acceptance_notice", _("Acceptance notice")  # 受理通知书
    CORRECTION_NOTICE = "correction_notice", _("One-time correction notice")  # 一次性补正告知书
    REFUSAL_DECISION = "refusal_decision", _("Decision not to accept")  # 不予受理决定书
    # rule: a denial in writing with reasons and remedies (行政许可法 art. 38)
    DENIAL_DECISION = "denial_decision", _("Decision not to grant")  # 不予行政许可决定书
    APPROVAL_DECISION = "approval_decision", _("Decision to grant")  # 准予行政许可决定书
    # rule: the applicant is told in writing how long a special procedure takes (行政许可法 art. 45)
    SPECIAL_PROCEDURE_NOTICE = "special_procedure_notice", _("Special procedure notice")
    # rule: the applicant is told of an extension and its reasons (行政许可法 art. 42)
    EXTENSION_NOTICE = "extension_notice", _("Extension notice")  # 延期告知书


# Item statuses in which the item is still being handled.
ITEM_OPEN_STATUSES = frozenset(
    {
        ItemStatus.WAITING,
        ItemStatus.IN_REVIEW,
        ItemStatus.PAUSED,
        ItemStatus.PROPOSED,
        ItemStatus.PRE_APPROVED,
    }
)
# Item statuses that count as concluded for the bundle (DESIGN.md §4 rule 7).
ITEM_CONCLUDED_STATUSES = frozenset(
    {
        ItemStatus.APPROVED,
        ItemStatus.APPROVED_DEFERRED,
        ItemStatus.DENIED,
        ItemStatus.WITHDRAWN,
        ItemStatus.TERMINATED,
    }
)
# Item statuses with a positive result (certificates follow).
ITEM_APPROVED_STATUSES = frozenset({ItemStatus.APPROVED, ItemStatus.APPROVED_DEFERRED})
# Item statuses whose clock runs (warnings apply).
ITEM_CLOCK_STATUSES = frozenset(
    {ItemStatus.IN_REVIEW, ItemStatus.PROPOSED, ItemStatus.PRE_APPROVED, ItemStatus.PAUSED}
)
# Case statuses the window works on.
CASE_AT_WINDOW_STATUSES = frozenset({CaseStatus.SUBMITTED})
# Case statuses with no further change.
CASE_CLOSED_STATUSES = frozenset(
    {CaseStatus.REFUSED, CaseStatus.WITHDRAWN, CaseStatus.ISSUED, CaseStatus.HALTED}
)

# rule: incomplete materials must be notified once within 5 working days of receipt, or the
# application counts as accepted from the day of receipt (行政许可法 art. 32; docs/legal.md#xk-art-32)
CORRECTION_NOTICE_WORKING_DAYS = 5
