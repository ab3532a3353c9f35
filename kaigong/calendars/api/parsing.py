"""Parse the due-date query string, reporting every bad parameter with a stable code."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from kaigong.calendars.constants import MAX_DAYS, MAX_YEAR, MIN_YEAR, ErrorCode
from kaigong.core.api.input import FALSE_VALUES, TRUE_VALUES
from kaigong.core.exceptions import InvalidInput

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d{1,9}$")
_REGION = re.compile(r"^\d{6}$")


def due_date_query(params: Any) -> dict[str, Any]:
    """
    Return ``{"start", "days", "region_code", "count_start"}`` or raise ``InvalidInput``.

    The error's ``code`` is the code of the first bad parameter, in the order start, days,
    region, count_start; ``invalid_params`` lists all of them.
    """
    errors: list[dict[str, str]] = []
    start = None
    raw_start = params.get("start")
    if raw_start is None:
        errors.append(_missing("start"))
    elif not _ISO_DATE.match(raw_start):
        errors.append(_bad("start", ErrorCode.INVALID_DATE, _("Write the date as YYYY-MM-DD.")))
    else:
        try:
            start = date.fromisoformat(raw_start)
        except ValueError:
            errors.append(_bad("start", ErrorCode.INVALID_DATE, _("This date does not exist.")))
        else:
            if not MIN_YEAR <= start.year <= MAX_YEAR:
                errors.append(
                    _bad(
                        "start",
                        ErrorCode.INVALID_DATE,
                        _("The year must be from %(min)s to %(max)s.")
                        % {"min": MIN_YEAR, "max": MAX_YEAR},
                    )
                )
    days = None
    raw_days = params.get("days")
    days_reason = _("A whole number of working days from 0 to %(max)s.") % {"max": MAX_DAYS}
    if raw_days is None:
        errors.append(_missing("days"))
    elif not _INTEGER.match(raw_days.strip()) or not 0 <= int(raw_days) <= MAX_DAYS:
        errors.append(_bad("days", ErrorCode.INVALID_DAYS, days_reason))
    else:
        days = int(raw_days)
    region_code = params.get("region", "")
    if region_code and not _REGION.match(region_code):
        errors.append(_bad("region", ErrorCode.INVALID_REGION, _("Six digits (GB/T 2260).")))
    raw_flag = params.get("count_start", "").strip().lower()
    if raw_flag not in TRUE_VALUES | FALSE_VALUES:
        errors.append(_bad("count_start", ErrorCode.INVALID_BOOLEAN, _("true or false.")))
    if errors:
        raise InvalidInput(errors[0]["reason"], code=errors[0]["code"], invalid_params=errors)
    return {
        "start": start,
        "days": days,
        "region_code": region_code,
        "count_start": raw_flag in TRUE_VALUES,
    }


def _missing(name: str) -> dict[str, str]:
    return _bad(
        name, ErrorCode.MISSING_PARAMETER, _("The parameter %(name)s is required.") % {"name": name}
    )


def _bad(name: str, code: str, reason: str) -> dict[str, str]:
    return {"name": name, "code": str(code), "reason": str(reason)}
