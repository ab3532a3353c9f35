"""
The second factor of staff: a TOTP device (django-otp) per user, enrolled by the user.

Staff are the holders of a staff role (``roles.STAFF_ROLES``) and Django staff or
superusers (the centre's administrators). Applicants are never asked. Whether staff must
verify at login is ``settings.STAFF_OTP_REQUIRED``.
"""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.db import transaction

import qrcode
import qrcode.image.svg
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaigong.core.services import audit_record

from .models import User
from .roles import STAFF_ROLES
from .selectors import user_roles


def otp_is_staff(user: User) -> bool:
    """True for users whose login needs a second factor when it is required."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or (user_roles(user) & STAFF_ROLES))


def otp_required_for(user: User) -> bool:
    return bool(getattr(settings, "STAFF_OTP_REQUIRED", False)) and otp_is_staff(user)


def otp_confirmed_device(user: User) -> TOTPDevice | None:
    return next(
        (d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)), None
    )


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed device to enrol (a new key each time enrolment starts)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def totp_device_pending(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str, ip: str = "") -> bool:
    """Confirm an enrolment with a code from the authenticator app; replaces older devices."""
    if device.user_id != user.pk or not device.verify_token(token):
        return False
    replaced, _rows = (
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=user,
        action="otp_device_enrolled",
        obj=device,
        data={"ip": ip, "replaced": replaced},
    )
    return True


def otp_verify(*, user: User, token: str) -> TOTPDevice | None:
    """The user's confirmed device if ``token`` is its current code (each code works once)."""
    token = (token or "").strip()
    if not token.isdigit() or len(token) > 8:
        return None
    device = otp_confirmed_device(user)
    if device is None or not device.verify_token(token):
        return None
    return device


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as a ``data:`` SVG image (drawn here: no external service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
