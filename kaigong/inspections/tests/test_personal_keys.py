"""
Personal SM2 keys (kaigong/certificates/personal.py): each signer of an inspection record or
an expert opinion gets an own key at the first signature, sealed at rest with the KEK; a
signature verifies with the signer's key, not with another person's; a changed field
fails; rows signed with the platform key before personal keys keep verifying.
"""

from __future__ import annotations

from django.db import transaction

import pytest

from kaigong.cases.hashing import canonical_json
from kaigong.certificates import personal
from kaigong.certificates.crypto import der
from kaigong.certificates.models import PersonalKey
from kaigong.certificates.signing import platform_key_id, platform_sign
from kaigong.inspections.models import RecordSignature
from kaigong.inspections.services import (
    inspection_slot_pick,
    inspection_start,
    record_sign,
    record_verify,
    record_write,
    result_set,
    signed_bytes,
)

from .factories import inspection_world, requested

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(db, settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path
    settings.KAIGONG_PERSONAL_KEY_KEK = "00112233445566778899aabbccddeeff"
    world, standard, _case, item = inspection_world()
    inspection = requested(world, item)
    inspection_slot_pick(actor=world.applicant, inspection=inspection,
                         slot=inspection.slots.get().public_id)  # fmt: skip
    inspection_start(actor=world.inspector1, inspection=inspection)
    for check in standard.items.all():
        result_set(actor=world.inspector1, inspection=inspection, checklist_item=check.public_id,
                   result="pass")  # fmt: skip
    record = record_write(actor=world.inspector1, inspection=inspection, conclusion="pass",
                          summary="合格")  # fmt: skip
    record_sign(actor=world.inspector1, record=record)
    record_sign(actor=world.users["inspector1b"], record=record)
    return world, record


def test_each_signer_gets_an_own_key_sealed_at_rest(signed):
    world, record = signed
    one, two = (
        PersonalKey.objects.get(user=u) for u in (world.inspector1, world.users["inspector1b"])
    )
    assert one.public_key_hex != two.public_key_hex and one.key_id != two.key_id
    sigs = {s.signer_id: s for s in record.signatures.all()}
    assert sigs[world.inspector1.pk].key_id == one.key_id
    assert sigs[world.users["inspector1b"].pk].key_id == two.key_id
    # the row holds no readable private key: it opens only with the KEK
    kek = bytes.fromhex("00112233445566778899aabbccddeeff")
    info = personal.unseal(bytes(one.private_key_sealed), kek)
    _scalar, point = der.private_key_from_info(info)
    assert point is not None and point.hex() == one.public_key_hex
    assert info not in bytes(one.private_key_sealed)
    with pytest.raises(personal.KekUnavailable):
        personal.unseal(bytes(one.private_key_sealed), bytes(16))
    # the fingerprint is the SM3 of the public key's bytes
    from gmssl import func, sm3

    assert one.fingerprint == sm3.sm3_hash(func.bytes_to_list(bytes.fromhex(one.public_key_hex)))


def test_a_signature_verifies_with_the_signers_key_and_fails_with_anothers(signed):
    world, record = signed
    result = record_verify(record)
    assert [s["ok"] for s in result["signatures"]] == [True, True]
    fingerprints = [s["fingerprint"] for s in result["signatures"]]
    assert len(set(fingerprints)) == 2 and all(fingerprints)
    first = record.signatures.get(signer=world.inspector1)
    other = PersonalKey.objects.get(user=world.users["inspector1b"])
    data = signed_bytes(record, first)
    assert personal.signature_verify(user_id=first.signer_id, key_id=first.key_id, data=data,
                                     signature_hex=first.signature_hex)  # fmt: skip
    # the same signature checked against the other inspector's key: refused
    assert not personal.signature_verify(user_id=other.user_id, key_id=other.key_id, data=data,
                                         signature_hex=first.signature_hex)  # fmt: skip
    # a row claiming the other inspector's key id (the key is looked up by signer and id)
    with transaction.atomic():
        RecordSignature.objects.filter(pk=first.pk).update(key_id=other.key_id)
        assert record_verify(record)["signatures"][0]["ok"] is False
        transaction.set_rollback(True)


def test_a_changed_field_fails(signed):
    world, record = signed
    first = record.signatures.get(signer=world.inspector1)
    with transaction.atomic():
        RecordSignature.objects.filter(pk=first.pk).update(note="改过")
        assert [s["ok"] for s in record_verify(record)["signatures"]].count(False) == 1
        transaction.set_rollback(True)
    record.content_sm3 = "0" * 64
    assert not any(s["ok"] for s in record_verify(record)["signatures"])


def test_a_row_signed_with_the_platform_key_keeps_verifying(signed):
    world, record = signed
    first = record.signatures.get(signer=world.inspector1)
    legacy = platform_sign(signed_bytes(record, first))
    RecordSignature.objects.filter(pk=first.pk).update(
        key_id=legacy.key_id, public_key_hex=legacy.public_key_hex,
        signature_hex=legacy.signature_hex,
    )  # fmt: skip
    result = record_verify(record)
    assert legacy.key_id == platform_key_id() and [s["ok"] for s in result["signatures"]] == [
        True,
        True,
    ]
    # …and the platform's signature is no personal one
    assert not personal.signature_verify(
        user_id=first.signer_id, key_id=PersonalKey.objects.get(user=world.inspector1).key_id,
        data=signed_bytes(record, first), signature_hex=legacy.signature_hex,
    )  # fmt: skip


def test_the_kek_file_is_made_in_development_and_required_in_production(db, settings, tmp_path):
    settings.KAIGONG_KEY_DIR = tmp_path
    settings.KAIGONG_PERSONAL_KEY_KEK = ""
    world, _standard, _case, _item = inspection_world()
    settings.KAIGONG_KEYS_AUTO_CREATE = False
    with pytest.raises(personal.KekUnavailable):
        personal.personal_sign(world.inspector1, b"x")
    settings.KAIGONG_KEYS_AUTO_CREATE = True
    sig = personal.personal_sign(world.inspector1, b"x")
    assert (tmp_path / personal.KEK_FILE).stat().st_mode & 0o777 == 0o600
    assert personal.signature_verify(user_id=world.inspector1.pk, key_id=sig.key_id, data=b"x",
                                     signature_hex=sig.signature_hex)  # fmt: skip
    assert not personal.signature_verify(user_id=world.inspector1.pk, key_id=sig.key_id,
                                         data=canonical_json({"x": 1}),
                                         signature_hex=sig.signature_hex)  # fmt: skip
