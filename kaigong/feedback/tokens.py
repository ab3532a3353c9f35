"""
Signed evaluation invitations (好差评 links), instead of the national pattern's unsigned,
double-base64 URL (next-capabilities §3 "none has" 1).

token = ``<invitation public id hex>.<expiry, unix seconds>.<mac>`` where
mac = HMAC-SHA256 (Django ``salted_hmac`` over SECRET_KEY, salt ``kaigong.feedback.invitation``)
of ``public id | case number | occasion | occasion key | matter version id | staff id | expiry``.
Changing any part breaks the MAC; the expiry inside is checked against the stored row; the
row's ``used_at`` makes it single-use.
"""

from __future__ import annotations

import re
import uuid

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "kaigong.feedback.invitation"
_TOKEN = re.compile(r"^([0-9a-f]{32})\.(\d{1,12})\.([0-9a-f]{64})$")


def _message(invitation, expiry: int) -> str:
    return "|".join(
        str(part)
        for part in (
            invitation.public_id.hex,
            invitation.case.number,
            invitation.occasion,
            invitation.occasion_key,
            invitation.matter_version_id or "",
            invitation.staff_id or "",
            expiry,
        )
    )


def _mac(invitation, expiry: int) -> str:
    return salted_hmac(SALT, _message(invitation, expiry), algorithm="sha256").hexdigest()


def invitation_token(invitation) -> str:
    expiry = int(invitation.expires_at.timestamp())
    return f"{invitation.public_id.hex}.{expiry}.{_mac(invitation, expiry)}"


def token_parse(token: str) -> tuple[uuid.UUID, int, str] | None:
    """(public id, expiry, mac) of a well-formed token; None otherwise."""
    match = _TOKEN.match(token or "")
    if not match:
        return None
    return uuid.UUID(match.group(1)), int(match.group(2)), match.group(3)


def token_matches(invitation, expiry: int, mac: str) -> bool:
    return int(invitation.expires_at.timestamp()) == expiry and constant_time_compare(
        _mac(invitation, expiry), mac
    )
