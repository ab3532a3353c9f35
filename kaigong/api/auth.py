"""``POST /api/v1/auth/token/``: exchange a user name and password for an API token."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from kaigong.core.exceptions import DomainError, PermissionDenied


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


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenObtainApi(APIView):
    """
    Return the caller's API token; send it as ``Authorization: Token <key>``.

    Errors: ``invalid_credentials`` (400), ``account_locked`` (403) after repeated
    failures, ``throttled`` (429).
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenInputSerializer,
        responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}),
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
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
