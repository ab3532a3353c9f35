"""One place that turns instants into the administration's local dates (STYLE.md 3.6)."""

from datetime import date, datetime

from django.utils import timezone


def local_date(instant: datetime | None = None) -> date:
    """Return the local (Asia/Shanghai by default) date of ``instant``, or of now."""
    return timezone.localdate(instant or timezone.now())
