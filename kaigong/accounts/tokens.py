"""
API tokens (django-rest-knox): issued, listed and revoked here, each write audited with
the caller's address (``kaigong.core.client_ip``).

A token's public id is the first 16 hex digits of its SHA-512 digest (the database keeps
only the digest); its prefix is the first 8 characters of the token, to recognise it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from knox.models import AuthToken

from kaigong.core.services import audit_record

from .models import User

ID_LENGTH = 16
PREFIX_LENGTH = 8
_ID = re.compile(rf"[0-9a-f]{{{ID_LENGTH}}}")


@dataclass(frozen=True)
class TokenInfo:
    id: str
    prefix: str
    created: datetime
    expiry: datetime | None
    current: bool


def api_token_id(token: AuthToken) -> str:
    return token.digest[:ID_LENGTH]


def api_token_live_for(user: User) -> QuerySet[AuthToken]:
    return AuthToken.objects.filter(user=user).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )


def api_token_list_for(user: User, *, current: AuthToken | None = None) -> list[TokenInfo]:
    """The user's live tokens, newest first; never the token itself."""
    return [
        TokenInfo(
            id=api_token_id(t),
            prefix=t.token_key[:PREFIX_LENGTH],
            created=t.created,
            expiry=t.expiry,
            current=current is not None and t.digest == current.digest,
        )
        for t in api_token_live_for(user).order_by("-created")
    ]


@transaction.atomic
def api_token_issue(*, user: User, ip: str) -> tuple[AuthToken, str]:
    """
    A new token for ``user`` (lifetime ``REST_KNOX["TOKEN_TTL"]``): the row and the secret.
    The user's expired tokens are deleted here (the API's authentication no longer reads
    them on every request: kaigong/api/authentication.py).
    """
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user=user)
    audit_record(
        actor=user,
        action="api_token_issued",
        object_type="knox.authtoken",
        object_id=api_token_id(instance),
        data={"ip": ip, "expiry": instance.expiry.isoformat() if instance.expiry else None},
    )
    return instance, token


@transaction.atomic
def api_token_revoke(*, user: User, token_id: str, ip: str, reason: str = "revoked") -> bool:
    """Revoke one of ``user``'s own tokens by id; False when there is none (or not theirs)."""
    if not _ID.fullmatch(token_id or ""):
        return False
    deleted, _rows = AuthToken.objects.filter(user=user, digest__startswith=token_id).delete()
    if deleted:
        audit_record(
            actor=user,
            action=f"api_token_{reason}",
            object_type="knox.authtoken",
            object_id=token_id,
            data={"ip": ip},
        )
    return bool(deleted)
