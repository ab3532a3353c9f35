"""Signing keys: one active SM2 key pair per issuing department."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.accounts.models import Department
from kaigong.certificates.constants import ErrorCode
from kaigong.certificates.crypto import ALGORITHM, SigningProvider
from kaigong.certificates.keystore import KeyFileMissing, keystore
from kaigong.certificates.models import SigningKey
from kaigong.core.exceptions import Conflict
from kaigong.core.services import audit_record


@transaction.atomic
def signing_key_create(*, department: Department, actor=None) -> SigningKey:
    """Make a new key pair for ``department``; the previous active key is retired (kept)."""
    now = timezone.now()
    for old in SigningKey.objects.select_for_update().filter(department=department, active=True):
        old.active = False
        old.retired_at = now
        old.save(update_fields=["active", "retired_at", "updated_at"])
    key_id, public_key_hex = keystore().create()
    key = SigningKey(
        department=department, key_id=key_id, public_key_hex=public_key_hex, algorithm=ALGORITHM
    )
    key.full_clean()
    key.save()
    audit_record(
        actor=actor,
        action="signing_key_create",
        obj=key,
        summary=f"{department.code} {key_id}",
        data={"department": department.code, "public_key": public_key_hex},
    )
    return key


def _auto_create_allowed() -> bool:
    # Development and tests make a missing key on first use; production sets this to False
    # and runs ``manage.py certificate_keys_create`` (docs/certificates.md).
    return bool(getattr(settings, "KAIGONG_KEYS_AUTO_CREATE", True))


def signing_key_for(department: Department, *, actor=None) -> tuple[SigningKey, SigningProvider]:
    """The department's active key and a signer for it (made on first use in dev/test)."""
    key = SigningKey.objects.filter(department=department, active=True).first()
    store = keystore()
    if key is None or not store.has(key.key_id):
        if not _auto_create_allowed():
            raise Conflict(
                _("The issuing department %(name)s has no signing key.")
                % {"name": department.name},
                code=ErrorCode.NO_SIGNING_KEY,
            )
        key = signing_key_create(department=department, actor=actor)
    try:
        return key, store.signer(key.key_id, key.public_key_hex)
    except KeyFileMissing:
        raise Conflict(
            _("The private key of %(name)s is missing.") % {"name": department.name},
            code=ErrorCode.NO_SIGNING_KEY,
        ) from None
