"""
API tokens (django-rest-knox): obtained with a user name and password, sent as
``Authorization: Token <token>``, stored only as a hash, expiring after
``REST_KNOX["TOKEN_TTL"]`` (``API_TOKEN_TTL_HOURS``), listed and revoked by their owner.

- ``POST /api/v1/auth/token/``: ``{username, password}`` → ``{token, expiry}``.
- ``GET /api/v1/auth/tokens/``: the caller's live tokens (id, prefix, created, expiry).
- ``DELETE /api/v1/auth/tokens/{id}/``: revoke one of them (someone else's is a 404).
- ``POST /api/v1/auth/logout/``: revoke the token of this request.
"""

from __future__ import annotations

from django.contrib.auth import authenticate, logout
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kaigong.accounts.otp import otp_confirmed_device, otp_required_for, otp_verify
from kaigong.accounts.tokens import (
    api_token_id,
    api_token_issue,
    api_token_list_for,
    api_token_revoke,
)
from kaigong.api import schema_extensions  # noqa: F401  (registers the token scheme)
from kaigong.core.client_ip import client_ip
from kaigong.core.exceptions import DomainError, NotFound, PermissionDenied
from kaigong.core.throttling import TokenIpThrottle, UsernameRateThrottle


class InvalidCredentials(DomainError):
    status = 400
    code = "invalid_credentials"
    default_message = _("The user name or password is wrong.")


class AccountLocked(PermissionDenied):
    code = "account_locked"
    default_message = _(
        "Too many failed attempts: this account is locked for a while. Try again later "
        "or ask the service centre to unlock it."
    )


class OtpRequired(DomainError):
    status = 400
    code = "otp_required"
    default_message = _("Staff must add the current code of their authenticator app (otp).")


class OtpEnrolmentRequired(PermissionDenied):
    code = "otp_enrolment_required"
    default_message = _(
        "Staff must set up an authenticator app on the website before using the API."
    )


class TokenNotFound(NotFound):
    code = "token_not_found"
    default_message = _("No such token.")


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text="Staff, when a second factor is required: the authenticator app's code.",
    )


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(allow_null=True)


class TokenInfoSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Use in DELETE /auth/tokens/{id}/.")
    prefix = serializers.CharField(help_text="The first characters of the token.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="The token of this request.")


class TokenObtainApi(APIView):
    """
    Return a new API token and its expiry; send it as ``Authorization: Token <token>``.

    Staff add ``otp`` (their authenticator app's code) when ``STAFF_OTP_REQUIRED`` is on.

    Errors: ``invalid_credentials`` (400), ``otp_required`` (400),
    ``otp_enrolment_required`` (403), ``account_locked`` (403) after repeated
    failures, ``throttled`` (429, per address and per user name, with ``Retry-After``).
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenIpThrottle, UsernameRateThrottle]

    @extend_schema(
        request=TokenInputSerializer,
        responses=TokenOutputSerializer,
        summary="Obtain an API token",
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            raise AccountLocked()
        if user is None or not user.is_active:
            raise InvalidCredentials()
        if otp_required_for(user):
            if otp_confirmed_device(user) is None:
                raise OtpEnrolmentRequired()
            if otp_verify(user=user, token=data.validated_data.get("otp", "")) is None:
                raise OtpRequired()
        instance, token = api_token_issue(user=user, ip=client_ip(django_request))
        return Response(TokenOutputSerializer({"token": token, "expiry": instance.expiry}).data)


class TokenListApi(APIView):
    """The caller's live API tokens, newest first; never the token itself."""

    @extend_schema(responses=TokenInfoSerializer(many=True), summary="List my API tokens")
    def get(self, request):
        current = request.auth if isinstance(request.auth, AuthToken) else None
        rows = api_token_list_for(request.user, current=current)
        return Response(TokenInfoSerializer(rows, many=True).data)


class TokenRevokeApi(APIView):
    """Revoke one of the caller's tokens. Errors: ``token_not_found`` (404)."""

    @extend_schema(
        responses={204: OpenApiResponse(description="Revoked")}, summary="Revoke a token"
    )
    def delete(self, request, token_id: str):
        if not api_token_revoke(user=request.user, token_id=token_id, ip=client_ip(request)):
            raise TokenNotFound()
        return Response(status=204)


class LogoutApi(APIView):
    """Revoke the token this request was made with (a browser session is ended instead)."""

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="Logged out")},
        summary="Log out: revoke this token",
    )
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            api_token_revoke(
                user=request.user,
                token_id=api_token_id(request.auth),
                ip=client_ip(request),
                reason="logged_out",
            )
        else:
            logout(request._request)
        return Response(status=204)
