"""SM3 and SM2: the standard vector, and the native path against an independent one."""

import pytest

from kaigong.certificates.crypto import (
    backend_name,
    der,
    generate_keypair,
    gmssl_backend,
    openssl,
    sm3_digest,
    sm3_hex,
    software_signer,
    verify,
)


def test_sm3_standard_vector_abc():
    # rule: GB/T 32905-2016 Appendix A.1, message "abc"
    assert sm3_hex(b"abc") == ("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")


def test_sm3_standard_vector_512_bits():
    # rule: GB/T 32905-2016 Appendix A.2, "abcd" repeated 16 times
    assert sm3_hex(b"abcd" * 16) == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_native_backend_is_openssl_on_this_machine():
    assert openssl.load() is not None
    assert backend_name() == "openssl"


def _signer():
    scalar, point = generate_keypair()
    info = der.private_key_info(scalar, point)
    return (
        scalar,
        point,
        software_signer(key_id="k", private_key_info=info, public_key_hex=point.hex()),
    )


def test_sm2_sign_verify_round_trip():
    _, point, signer = _signer()
    digest = sm3_digest(b"certificate data")

    signature = signer.sign(digest)

    assert verify(point.hex(), digest, signature) is True
    assert verify(point.hex(), sm3_digest(b"certificate dat4"), signature) is False


def test_sm2_rejects_a_signature_with_one_flipped_bit():
    _, point, signer = _signer()
    digest = sm3_digest(b"x")
    signature = bytearray(signer.sign(digest))
    signature[-3] ^= 0x01
    assert verify(point.hex(), digest, bytes(signature)) is False


def test_sm2_rejects_another_departments_key():
    _, _, signer = _signer()
    _, other_point, _ = _signer()
    digest = sm3_digest(b"x")
    assert verify(other_point.hex(), digest, signer.sign(digest)) is False


def test_native_signature_verifies_with_gmssl():
    _, point, signer = _signer()
    digest = sm3_digest("施工许可证".encode())

    signature = signer.sign(digest)

    assert gmssl_backend.verify(point.hex(), digest, signature) is True


def test_gmssl_signature_verifies_with_native():
    scalar, point, _ = _signer()
    digest = sm3_digest("施工许可证".encode())

    signature = gmssl_backend.sign(scalar, point, digest)

    assert openssl.verify(point.hex(), digest, signature) is True
    assert openssl.verify(point.hex(), sm3_digest(b"other"), signature) is False


def test_gmssl_made_keys_work_with_native():
    scalar, point = gmssl_backend.generate_keypair()
    info = der.private_key_info(scalar, point)
    native = openssl.OpenSSLSigner(key_id="g", private_key_info=info, public_key_hex=point.hex())
    digest = sm3_digest(b"y")
    assert gmssl_backend.verify(point.hex(), digest, native.sign(digest)) is True


def test_private_key_file_round_trips_through_pem():
    scalar, point = generate_keypair()
    pem = der.pem_encode(der.private_key_info(scalar, point))
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert der.private_key_from_info(der.pem_decode(pem)) == (scalar, point)


def test_signature_der_and_raw_forms_convert_both_ways():
    raw = bytes(range(1, 65))
    assert der.signature_from_der(der.signature_to_der(raw)) == raw


@pytest.mark.parametrize("bad", [b"", b"\x30\x02\x02\x00", b"\x31\x00"])
def test_malformed_signatures_do_not_verify(bad):
    _, point, _ = _signer()
    assert verify(point.hex(), sm3_digest(b"x"), bad) is False
    assert gmssl_backend.verify(point.hex(), sm3_digest(b"x"), bad) is False
