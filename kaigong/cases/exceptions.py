"""Errors of the case lifecycle, each with its stable code (constants.ErrorCode)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import ErrorCode
from kaigong.core.exceptions import Conflict, DomainError, NotFound


class TransitionNotAllowed(Conflict):
    """The action does not fit the current status (workflow.py)."""

    code = ErrorCode.TRANSITION_NOT_ALLOWED.value
    default_message = _("This action is not allowed in the current state.")

    def __init__(self, *, current: str, action: str) -> None:
        self.current = str(current)
        self.action = str(action)
        super().__init__(
            _("“%(action)s” is not allowed while the status is “%(status)s”.")
            % {"action": self.action, "status": self.current},
            # not "status": that member of a problem is the HTTP status (RFC 7807)
            extra={"current_status": self.current, "action": self.action},
        )


class StaleVersion(Conflict):
    """Somebody else changed the row since it was read (optimistic lock)."""

    code = ErrorCode.STALE_VERSION.value
    default_message = _("Somebody else changed this meanwhile. Reload and try again.")


class PreconditionFailed(DomainError):
    """The ``If-Match`` precondition names a version that is no longer current (HTTP 412)."""

    status = 412
    code = "precondition_failed"
    default_message = _(
        "The application changed since you read it (If-Match does not match). Reload it "
        "and apply your changes again."
    )


class CaseNotFound(NotFound):
    code = ErrorCode.CASE_NOT_FOUND.value
    default_message = _("Case not found.")


class ItemNotFound(NotFound):
    code = ErrorCode.ITEM_NOT_FOUND.value
    default_message = _("Case item not found.")


class MaterialNotFound(NotFound):
    code = ErrorCode.MATERIAL_NOT_FOUND.value
    default_message = _("Material not found.")
