"""The feedback app's domain errors (stable codes in constants.ErrorCode)."""

from django.utils.translation import gettext_lazy as _

from kaigong.core.exceptions import Conflict, DomainError, NotFound

from .constants import ErrorCode


class InvitationInvalid(NotFound):
    code = ErrorCode.INVITATION_INVALID
    default_message = _("This evaluation link is not valid.")


class InvitationUsed(Conflict):
    code = ErrorCode.INVITATION_USED
    default_message = _("This evaluation link has already been used.")


class InvitationExpired(DomainError):
    status = 410
    code = ErrorCode.INVITATION_EXPIRED
    default_message = _("This evaluation link has expired.")


class StateConflict(Conflict):
    code = ErrorCode.TICKET_STATE
    default_message = _("The action does not fit the current state.")


class HotlineRefused(DomainError):
    status = 401
    code = ErrorCode.HOTLINE_UNSIGNED
    default_message = _("The call is not signed by a known hotline system.")
