"""Errors of the case lifecycle, each with its stable code (constants.ErrorCode)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import (
    CaseAction,
    CaseStatus,
    ErrorCode,
    ItemAction,
    ItemStatus,
)
from kaigong.core.exceptions import Conflict, DomainError, NotFound


def _label(value: str, *choices) -> str:
    """The Chinese label of a status or action value (the value itself when unknown)."""
    for enum in choices:
        try:
            return str(enum(value).label)
        except ValueError:
            continue
    return str(value)


class TransitionNotAllowed(Conflict):
    """The action does not fit the current status (workflow.py)."""

    code = ErrorCode.TRANSITION_NOT_ALLOWED.value
    default_message = _("This action is not allowed in the current state.")

    def __init__(self, *, current: str, action: str) -> None:
        self.current = str(current)
        self.action = str(action)
        # the message names both by their labels; the codes stay in ``extra`` for programs
        super().__init__(
            _("The status is “%(status)s”: “%(action)s” is not possible now.")
            % {
                "action": _label(self.action, CaseAction, ItemAction),
                "status": _label(self.current, CaseStatus, ItemStatus),
            },
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


# Plain sentences for the problems a form value can have, per field type (never a regex).
_TYPE_PROBLEMS = {
    "phone": _(
        "Enter a mobile number (11 digits, e.g. 13800138000) or a landline with its area "
        "code (e.g. 0539-1234567, an extension after another hyphen)."
    ),
    "uscc": _("Enter the 18-character unified social credit code."),
    "resident_id": _("Enter the 18-character resident ID number."),
    "region": _("Choose an administrative division (a 6-digit code)."),
    "date": _("Enter a date, e.g. 2026-03-02."),
    "integer": _("Enter a whole number."),
    "decimal": _("Enter a number."),
    "boolean": _("Answer yes or no."),
    "choice": _("Choose one of the options."),
    "multi_choice": _("Choose from the options."),
}


def form_problem_text(code: str, key: str = "") -> str:
    """A plain sentence for a problem of the form that no field of the schema owns."""
    if code == "unknown_field":
        return str(_("“%(key)s” is not a field of this form.") % {"key": key})
    if code == "type" and key == "form":
        return str(_("The form data must be an object of fields and values."))
    return str(_("The form is not valid."))


def field_problem_text(prop: dict, code: str) -> str:
    """
    A plain Chinese sentence for one problem (JSON Schema ``code``: required, pattern,
    minimum …) of the form field with the schema ``prop``: never the validator's message.
    """
    title = str(prop.get("title", ""))
    kind = str(prop.get("x-field-type", "string"))
    if code == "required":
        return str(_("Fill in “%(field)s”.") % {"field": title})
    if code == "minimum" and "minimum" in prop:
        return str(
            _("“%(field)s” must be at least %(n)s.") % {"field": title, "n": prop["minimum"]}
        )
    if code == "maximum" and "maximum" in prop:
        return str(_("“%(field)s” must be at most %(n)s.") % {"field": title, "n": prop["maximum"]})
    if code == "maxLength" and "maxLength" in prop:
        return str(
            _("“%(field)s” may have at most %(n)s characters.")
            % {"field": title, "n": prop["maxLength"]}
        )
    if code == "minLength":
        return str(_("Fill in “%(field)s”.") % {"field": title})
    if code == "type" and kind == "integer":
        return str(_("“%(field)s” must be a whole number.") % {"field": title})
    if code == "type" and kind == "decimal":
        return str(_("“%(field)s” must be a number.") % {"field": title})
    if code == "check_character":
        return str(
            _("“%(field)s”: the check character does not match; check the code.") % {"field": title}
        )
    if code == "date_range":
        return str(_("“%(field)s” cannot be before the start date.") % {"field": title})
    sentence = _TYPE_PROBLEMS.get(kind)
    if sentence is None:
        return str(_("“%(field)s” is not valid.") % {"field": title})
    return f"{title}：{sentence}"
