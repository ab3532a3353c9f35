"""
Idempotency-Key handling: a replay returns the first result; the same key with another
body is refused (``idempotency_key_reused`` 409).

The unique (enterprise, operation, key) constraint decides who is first: parallel replays
block on the insert until the first commits, then read its record.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import ErrorCode
from kaigong.cases.models import Case, IdempotencyRecord
from kaigong.core.exceptions import Conflict


def _reused() -> Conflict:
    return Conflict(
        _("This Idempotency-Key was already used for another request."),
        code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
    )


def idempotent_replay(
    *, enterprise_id: int, operation: str, key: str, fingerprint: str, case: Case | None = None
) -> Case | None:
    """The case of the first request with this key, or None when the key is new."""
    record = (
        IdempotencyRecord.objects.filter(enterprise_id=enterprise_id, operation=operation, key=key)
        .select_related("case")
        .first()
    )
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise _reused()
    if case is not None and record.case_id != case.pk:
        raise _reused()
    return Case.objects.get(pk=record.case_id)


def idempotency_claim(
    *, enterprise_id: int, operation: str, key: str, fingerprint: str, case: Case
) -> Case | None:
    """
    Claim ``key`` for ``case`` inside the caller's transaction. Return None when claimed,
    or the first request's case when another request with the same key got there first.
    """
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                enterprise_id=enterprise_id,
                operation=operation,
                key=key,
                fingerprint=fingerprint,
                case=case,
            )
    except IntegrityError:
        return idempotent_replay(
            enterprise_id=enterprise_id, operation=operation, key=key, fingerprint=fingerprint
        )
    return None


def check_key(key: str) -> str:
    from kaigong.core.exceptions import InvalidInput

    key = (key or "").strip()
    if len(key) > 100:
        raise InvalidInput(
            _("The Idempotency-Key is longer than 100 characters."),
            code="idempotency_key_invalid",
            invalid_params=[
                {"name": "Idempotency-Key", "code": "max_length", "reason": _("At most 100.")}
            ],
        )
    return key
