"""Choices and stable error codes of the feedback app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Occasion(models.TextChoices):
    """The service occasions after which the applicant is invited to rate (一次一评)."""

    ACCEPTANCE = "acceptance", _("Acceptance")
    DECISION = "decision", _("Decision")
    ISSUANCE = "issuance", _("Issuance")


class Level(models.IntegerChoices):
    # rule: five levels, 非常满意 ★5 … 非常不满意 ★1 (docs/legal.md#gbt-39734)
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline (at the hall)")


class SetKind(models.TextChoices):
    NATIONAL = "national", _("National standard set")
    LOCAL = "local", _("Local extras")


class EvaluationStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    APPEALED = "appealed", _("Under appeal")
    ANNULLED = "annulled", _("Annulled on appeal")


class TicketSource(models.TextChoices):
    BAD_REVIEW = "bad_review", _("Bad review")
    CALLBACK = "callback", _("Callback problem")


class TicketStatus(models.TextChoices):
    VERIFYING = "verifying", _("Being verified")  # 核实
    VERIFIED = "verified", _("Verified, to be assigned")
    ASSIGNED = "assigned", _("Assigned for rectification")  # 交办
    RECTIFIED = "rectified", _("Rectified")  # 整改
    FED_BACK = "fed_back", _("Fed back, awaiting callback")  # 反馈
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled on appeal")


class TicketAction(models.TextChoices):
    VERIFY = "verify", _("Verify")
    ASSIGN = "assign", pgettext_lazy("ticket", "Assign")
    RECTIFY = "rectify", _("Record the rectification")
    FEEDBACK = "feedback", _("Record the feedback to the enterprise")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    UPHELD = "upheld", _("Upheld: the rating is annulled")
    REJECTED = "rejected", _("Rejected: the rating stands")


class AppealGround(models.TextChoices):
    MISTAKEN = "mistaken", _("Mistaken rating")
    MALICIOUS = "malicious", _("Malicious rating")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the service")


class CallbackMode(models.TextChoices):
    # rule: 滨州: every case of the previous working day (docs/legal.md#binzhou-callbacks)
    ALL_PREVIOUS_DAY = "all_previous_day", _("Every case concluded on the previous working day")
    RISK_AND_SAMPLE = (
        "risk_and_sample",
        _("All denials, overdue cases and cases with two or more corrections, plus a sample"),
    )


class CallbackReason(models.TextChoices):
    CONCLUDED = "concluded", _("Concluded on the previous working day")
    DENIAL = "denial", _("Denial")
    OVERDUE = "overdue", _("Overdue")
    CORRECTIONS = "corrections", _("Two or more correction rounds")
    SAMPLE = "sample", _("Random sample")
    TICKET = "ticket", _("Follow-up of a rectification ticket")


class CallbackOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")
    SATISFIED = "satisfied", _("Reached, satisfied")
    PROBLEM = "problem", _("Reached, a problem was reported")


class ComplaintChannel(models.TextChoices):
    WINDOW = "window", _("办不成事 window (counter)")
    ONLINE = "online", _("办不成事 online")
    HOTLINE = "hotline", _("12345 hotline")


class ComplaintCategory(models.TextChoices):
    # rule: 办不成事: simple 5, complex 10, hard 15 working days (docs/legal.md#banbuchengshi)
    SIMPLE = "simple", _("Simple")
    COMPLEX = "complex", _("Complex (joint handling)")
    HARD = "hard", _("Hard (leading group)")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Registered")
    ASSIGNED = "assigned", _("Assigned to a unit")
    ANSWERED = "answered", _("Answered, awaiting confirmation")
    CLOSED = "closed", _("Closed, confirmed by the complainant")
    ESCALATED = "escalated", _("Escalated")


class ComplaintAction(models.TextChoices):
    ASSIGN = "assign", _("Assign to a unit")
    ANSWER = "answer", _("Answer")
    CONFIRM = "confirm", _("Close with the complainant's confirmation")
    ESCALATE = "escalate", _("Escalate")


class ErrorCode:
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_USED = "invitation_used"
    INVITATION_EXPIRED = "invitation_expired"
    ALREADY_RATED = "already_rated"
    TICKET_NOT_FOUND = "ticket_not_found"
    TICKET_STATE = "ticket_state"
    EVALUATION_NOT_FOUND = "evaluation_not_found"
    APPEAL_NOT_FOUND = "appeal_not_found"
    APPEAL_STATE = "appeal_state"
    APPEAL_SAME_PERSON = "appeal_same_person"
    CALLBACK_NOT_FOUND = "callback_not_found"
    CALLBACK_DONE = "callback_done"
    COMPLAINT_NOT_FOUND = "complaint_not_found"
    COMPLAINT_STATE = "complaint_state"
    HOTLINE_UNSIGNED = "hotline_unsigned"
    HOTLINE_BAD_SIGNATURE = "hotline_bad_signature"
    HOTLINE_STALE = "hotline_stale"
    HOTLINE_TICKET_REUSED = "hotline_ticket_reused"
    INVALID_INDICATOR = "invalid_indicator"
