"""
The API's token scheme: django-rest-knox's ``Token`` header (hashed, expiring tokens).

Kept apart from the views: DRF imports authentication classes while ``rest_framework.views``
is still loading.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
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
