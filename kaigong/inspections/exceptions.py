from django.utils.translation import gettext_lazy as _

from kaigong.core.exceptions import NotFound

from .constants import ErrorCode


class InspectionNotFound(NotFound):
    code = ErrorCode.INSPECTION_NOT_FOUND
    default_message = _("No such inspection.")


class StandardNotFound(NotFound):
    code = ErrorCode.STANDARD_NOT_FOUND
    default_message = _("No such inspection standard.")


class SampleNotFound(NotFound):
    code = ErrorCode.SAMPLE_NOT_FOUND
    default_message = _("No such sample image.")


class RecordNotFound(NotFound):
    code = ErrorCode.RECORD_NOT_FOUND
    default_message = _("No such inspection record.")


class JointReviewNotFound(NotFound):
    code = ErrorCode.REVIEW_NOT_FOUND
    default_message = _("No such joint review.")


class ExpertNotFound(NotFound):
    code = ErrorCode.EXPERT_NOT_FOUND
    default_message = _("No such expert.")
