"""
Provincial single sign-on (#15 §5): OIDC login through mozilla-django-oidc.

* **Legal person** (法人): the ID token / userinfo carries the enterprise's unified social
  credit code in the claim ``KAIGONG_OIDC_USCC_CLAIM`` (default ``uscc``). It must name an
  enterprise registered here; the identity then logs in as that enterprise's applicant —
  the account it used before (``OidcIdentity``), else the enterprise's only applicant
  account, else a new account with the applicant role (audited). An unknown USCC is
  refused with a Chinese message on the login page, and nobody is logged in.
* **Staff**: the claim ``KAIGONG_OIDC_STAFF_CLAIM`` (default ``preferred_username``) must
  equal the field ``KAIGONG_OIDC_STAFF_FIELD`` (default ``username``) of an active account
  that holds a staff role; no account is ever created for staff.
* **Local login** (``KAIGONG_LOCAL_LOGIN``): ``all`` keeps password login for everyone;
  ``staff`` keeps it only for staff (and superusers), so enterprises log in through the
  province (``LocalLoginBackend``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kaigong.accounts.models import Enterprise, Membership, User
from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.core.services import audit_record

from .models import IdentityKind, OidcIdentity

logger = logging.getLogger(__name__)

ENTERPRISE_ROLES = {Role.APPLICANT, Role.INTERMEDIARY}


def is_staff_account(user: User) -> bool:
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user=user).exclude(role__in=ENTERPRISE_ROLES).exists()


class LocalLoginBackend(ModelBackend):
    """Password login; with ``KAIGONG_LOCAL_LOGIN = "staff"`` only for staff accounts."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        if settings.KAIGONG_LOCAL_LOGIN == "staff":
            return is_staff_account(user)
        return True


class SsoRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProvincialOIDCBackend(OIDCAuthenticationBackend):
    """Maps the province's identities to enterprises' applicants and to staff accounts."""

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def retrieve_matching_jwk(self, token):
        """The provider's key: by ``kid``; a token without one only when the set has one key."""
        from django.core.exceptions import SuspiciousOperation

        import jwt
        import requests

        header = jwt.get_unverified_header(token)
        if "kid" in header:
            return super().retrieve_matching_jwk(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", 10),
        )
        response.raise_for_status()
        keys = [
            k
            for k in response.json().get("keys", [])
            if k.get("alg", header["alg"]) == header["alg"]
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("The token names no key and the provider has several.")
        return jwt.PyJWK(keys[0])

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if not self.verify_claims(claims):
            return None
        try:
            return sso_login_resolve(claims=claims, issuer=str(payload.get("iss", "")))
        except SsoRefused as refused:
            logger.warning("SSO login refused: %s", refused.message)
            messages.error(self.request, refused.message)
            audit_record(
                actor=None,
                action="sso_login_refused",
                object_type="integrations.oidcidentity",
                object_id=str(claims.get("sub", ""))[:100],
                summary=refused.message,
            )
            return None


@transaction.atomic
def sso_login_resolve(*, claims: dict, issuer: str) -> User:
    """The account an identity logs in as (see the module doc); raises ``SsoRefused``."""
    subject = str(claims["sub"])[:255]
    uscc = str(claims.get(settings.KAIGONG_OIDC_USCC_CLAIM) or "").strip().upper()
    known = (
        OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    if uscc:
        user = _legal_person(uscc, claims, known)
        kind = IdentityKind.LEGAL_PERSON
    else:
        user = _staff(claims)
        kind = IdentityKind.STAFF
    if not user.is_active:
        raise SsoRefused(_("This account has been deactivated."))
    OidcIdentity.objects.update_or_create(
        issuer=issuer,
        subject=subject,
        defaults={
            "user": user,
            "kind": kind,
            "uscc": uscc,
            "claims": {k: v for k, v in claims.items() if isinstance(v, str | int | bool)},
            "last_login_at": timezone.now(),
        },
    )
    audit_record(actor=user, action="sso_login", obj=user, summary=kind, data={"subject": subject})
    return user


def _legal_person(uscc: str, claims: dict, known: OidcIdentity | None) -> User:
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise is None:
        raise SsoRefused(
            _(
                "The unified social credit code %(uscc)s of your legal-person login matches "
                "no enterprise registered on this platform. Register the enterprise first, "
                "or ask the service centre to register it."
            )
            % {"uscc": uscc[:18]}
        )
    applicants = Membership.objects.filter(enterprise=enterprise, role=Role.APPLICANT)
    if known is not None and applicants.filter(user=known.user).exists():
        return known.user
    accounts = list(applicants.select_related("user").filter(user__is_active=True))
    if len(accounts) == 1:
        return accounts[0].user
    user = User.objects.create_user(
        username=f"sso-{uscc.lower()}-{User.objects.count() + 1}",
        full_name=str(claims.get("name") or enterprise.name)[:100],
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    membership_grant(user=user, role=Role.APPLICANT, enterprise=enterprise)
    return user


def _staff(claims: dict) -> User:
    value = str(claims.get(settings.KAIGONG_OIDC_STAFF_CLAIM) or "").strip()
    field = settings.KAIGONG_OIDC_STAFF_FIELD
    user = User.objects.filter(**{field: value}).first() if value else None
    if user is None or not is_staff_account(user):
        raise SsoRefused(
            _("No staff account on this platform belongs to this identity; ask your administrator.")
        )
    return user
