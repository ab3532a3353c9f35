"""Choices and error codes of site inspections (云踏勘) and joint reviews (联合评审)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class InspectionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested: waiting for the enterprise to pick a slot")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    RECORDED = "recorded", _("Record written: waiting for signatures")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (
    InspectionStatus.REQUESTED,
    InspectionStatus.SCHEDULED,
    InspectionStatus.IN_PROGRESS,
)


class ItemResult(models.TextChoices):
    PASS = "pass", _("Meets the criteria")
    FAIL = "fail", _("Does not meet the criteria")
    NOT_APPLICABLE = "na", _("Not applicable")


class Conclusion(models.TextChoices):
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")
    RECHECK = "recheck", _("Re-inspect after rectification (整改后复查)")


class SignerRole(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    ENTERPRISE = "enterprise", _("Enterprise's representative")


class ReviewStatus(models.TextChoices):
    CONVENED = "convened", _("Convened")
    PANEL_COMMITTED = "panel_committed", _("Draw committed: waiting for the reveal")
    PANEL_DRAWN = "panel_drawn", _("Panel drawn: collecting opinions")
    LETTER_ISSUED = "letter_issued", _("Consolidated opinion issued")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    RESUBMITTED = "resubmitted", _("Correction handed in: re-review of the items to fix")
    CONCLUDED = "concluded", _("Concluded")


class Severity(models.TextChoices):
    MUST_FIX = "must_fix", _("Must fix")
    SUGGESTION = "suggestion", _("Suggestion")


class Position(models.TextChoices):
    """An opinion item's stance on its element (同意 / 需修改 / 不同意)."""

    AGREE = "agree", _("Agree")
    MODIFY = "modify", _("Needs changes")
    DISAGREE = "disagree", _("Disagree")


class Topic(models.TextChoices):
    """The subjects of 多评合一 (滨州: 环评、节能审查、水土保持方案、取水许可) and others."""

    ENVIRONMENT = "environment", _("Environmental impact")
    ENERGY = "energy", _("Energy conservation")
    SOIL_WATER = "soil_water", _("Soil and water conservation")
    WATER_ABSTRACTION = "water_abstraction", _("Water abstraction")
    SAFETY = "safety", _("Safety")
    PLANNING = "planning", _("Planning")
    OTHER = "other", _("Other")


class ErrorCode:
    STANDARD_NOT_FOUND = "inspection_standard_not_found"
    STANDARD_PUBLISHED = "inspection_standard_published"
    STANDARD_EMPTY = "inspection_standard_empty"
    INSPECTION_NOT_FOUND = "inspection_not_found"
    RECORD_NOT_FOUND = "inspection_record_not_found"
    SAMPLE_NOT_FOUND = "inspection_sample_not_found"
    NO_STANDARD = "inspection_no_standard"
    TWO_INSPECTORS = "inspection_two_inspectors_required"
    SEPARATION = "inspection_separation_of_duties"
    NOT_INSPECTOR = "inspection_not_an_inspector"
    BAD_SLOT = "inspection_bad_slot"
    BAD_STATUS = "inspection_status_conflict"
    ALREADY_OPEN = "inspection_already_open"
    BAD_LOCATION = "inspection_bad_location"
    BAD_ITEM = "inspection_bad_checklist_item"
    BAD_FILE = "inspection_bad_file"
    RESULTS_MISSING = "inspection_results_missing"
    ALREADY_SIGNED = "inspection_already_signed"
    NOT_SIGNED = "inspection_not_signed"
    SEGMENT_ORDER = "inspection_segment_out_of_order"
    BAD_SEGMENT = "inspection_bad_segment"
    REVIEW_NOT_FOUND = "joint_review_not_found"
    REVIEW_ITEMS = "joint_review_items_invalid"
    REVIEW_STATUS = "joint_review_status_conflict"
    NOT_LEAD = "joint_review_not_lead"
    POOL_TOO_SMALL = "joint_review_pool_too_small"
    NOT_PANEL = "joint_review_not_on_panel"
    EXPERT_NOT_FOUND = "expert_not_found"
    RESPONSE_MISSING = "joint_review_response_missing"
    QUORUM = "joint_review_quorum_not_met"
    CONFLICTS_OPEN = "joint_review_conflicts_unresolved"
    NOT_REOPENED = "joint_review_item_not_reopened"
    NO_OPINION = "joint_review_nothing_to_sign"
    ALREADY_SIGNED = "joint_review_opinion_signed"
    NO_CONFLICT = "joint_review_conflict_not_found"
