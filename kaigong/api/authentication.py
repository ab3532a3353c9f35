"""
The API's token scheme: django-rest-knox's ``Token`` header (hashed, expiring tokens).

Kept apart from the views: DRF imports authentication classes while ``rest_framework.views``
is still loading.
"""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired
from rest_framework import exceptions

_TOKEN_CHARS = re.compile(r"[0-9A-Za-z_-]{1,128}")


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's ``Token`` scheme; a malformed token (not ASCII, NUL, too long) is a 401."""

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            text = ""
        if not _TOKEN_CHARS.fullmatch(text):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        """
        Refuse (and delete) the presented token once expired. perf: knox also read every
        token of the user on every request to delete their expired ones (one query per API
        call); that housekeeping is done when a token is issued instead
        (``accounts.tokens.api_token_issue``), so a user's expired tokens stay bounded.
        """
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False
