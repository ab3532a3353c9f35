"""
SM2 signatures through the machine's OpenSSL 3 (libcrypto), by ctypes.

Python's ``ssl`` module and ``hashlib`` already link this library; OpenSSL 3 implements
SM2 and SM3 natively (C, with assembly for the field arithmetic), about fifty times faster
than pure-Python gmssl. The calls follow OpenSSL's SM2(7) manual page: a key of type SM2,
the distinguishing identifier set on the key context, and ``EVP_DigestSign`` /
``EVP_DigestVerify`` with SM3, so that the signed value is e = SM3(Z_A || M) (GB/T 32918.2).

``load()`` returns None when libcrypto is missing, older than 3.0 or built without SM2;
the package then falls back to gmssl and says so (crypto/__init__.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import threading
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_size_t, c_ulong, c_void_p
from typing import Any

from . import der

# rule: the default distinguishing identifier "1234567812345678" (GB/T 35276 §10)
DEFAULT_ID = b"1234567812345678"


class OpenSSLError(RuntimeError):
    pass


class _Lib:
    """The libcrypto functions used here, bound with their C signatures in ``__init__``."""

    def __getattr__(self, name: str) -> Any:
        # only reached for a name ``__init__`` did not bind: the functions are dynamic
        raise AttributeError(name)

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        spec = {
            "EVP_PKEY_CTX_new_from_name": (c_void_p, [c_void_p, c_char_p, c_char_p]),
            "EVP_PKEY_CTX_new": (c_void_p, [c_void_p, c_void_p]),
            "EVP_PKEY_CTX_free": (None, [c_void_p]),
            "EVP_PKEY_keygen_init": (c_int, [c_void_p]),
            "EVP_PKEY_generate": (c_int, [c_void_p, POINTER(c_void_p)]),
            "EVP_PKEY_free": (None, [c_void_p]),
            "EVP_PKEY_is_a": (c_int, [c_void_p, c_char_p]),
            "EVP_PKEY_get_bn_param": (c_int, [c_void_p, c_char_p, POINTER(c_void_p)]),
            "EVP_PKEY_get_octet_string_param": (
                c_int,
                [c_void_p, c_char_p, c_void_p, c_size_t, POINTER(c_size_t)],
            ),
            "BN_bn2binpad": (c_int, [c_void_p, c_void_p, c_int]),
            "BN_clear_free": (None, [c_void_p]),
            "d2i_AutoPrivateKey": (c_void_p, [c_void_p, POINTER(c_char_p), c_long]),
            "d2i_PUBKEY": (c_void_p, [c_void_p, POINTER(c_char_p), c_long]),
            "EVP_PKEY_CTX_set1_id": (c_int, [c_void_p, c_void_p, c_int]),
            "EVP_MD_CTX_new": (c_void_p, []),
            "EVP_MD_CTX_free": (None, [c_void_p]),
            "EVP_MD_CTX_set_pkey_ctx": (None, [c_void_p, c_void_p]),
            "EVP_sm3": (c_void_p, []),
            "EVP_DigestSignInit": (c_int, [c_void_p, c_void_p, c_void_p, c_void_p, c_void_p]),
            "EVP_DigestSign": (
                c_int,
                [c_void_p, c_void_p, POINTER(c_size_t), c_char_p, c_size_t],
            ),
            "EVP_DigestVerifyInit": (c_int, [c_void_p, c_void_p, c_void_p, c_void_p, c_void_p]),
            "EVP_DigestVerify": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t]),
            "ERR_clear_error": (None, []),
            "EVP_PKEY_verify_init": (c_int, [c_void_p]),
            "EVP_PKEY_verify": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t]),
        }
        for name, (restype, argtypes) in spec.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name, fn)
        self.sm3 = self.EVP_sm3()


_lib: _Lib | None = None
_lib_lock = threading.Lock()
_loaded = False


def load() -> _Lib | None:
    """The libcrypto binding, or None when no usable OpenSSL 3 with SM2 is present."""
    global _lib, _loaded
    if _loaded:
        return _lib
    with _lib_lock:
        if _loaded:
            return _lib
        _lib = _try_load()
        _loaded = True
    return _lib


def _try_load() -> _Lib | None:
    name = ctypes.util.find_library("crypto")
    if not name:
        return None
    try:
        cdll = ctypes.CDLL(name)
        cdll.OpenSSL_version_num.restype = c_ulong
        if cdll.OpenSSL_version_num() < 0x30000000:
            return None
        lib = _Lib(cdll)
        # a self-test: a library built with no-sm2 fails here
        key = _generate(lib)
        digest = b"\x01" * 32
        signature = _sign(lib, key, digest)
        ok = _verify_pkey(lib, key, digest, signature)
        lib.EVP_PKEY_free(key)
        return lib if ok else None
    except (AttributeError, OSError, OpenSSLError):
        return None


def version_text() -> str:
    name = ctypes.util.find_library("crypto") or ""
    try:
        cdll = ctypes.CDLL(name)
        cdll.OpenSSL_version.restype = c_char_p
        return cdll.OpenSSL_version(0).decode()
    except (AttributeError, OSError):
        return ""


def _generate(lib: _Lib) -> int:
    ctx = lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
    if not ctx:
        raise OpenSSLError("SM2 is not available")
    try:
        key = c_void_p()
        if lib.EVP_PKEY_keygen_init(ctx) != 1 or lib.EVP_PKEY_generate(ctx, byref(key)) != 1:
            raise OpenSSLError("key generation failed")
        if key.value is None:
            raise OpenSSLError("key generation failed")
        return key.value
    finally:
        lib.EVP_PKEY_CTX_free(ctx)


def _sign(lib: _Lib, pkey: int, message: bytes) -> bytes:
    mctx = lib.EVP_MD_CTX_new()
    pctx = lib.EVP_PKEY_CTX_new(pkey, None)
    try:
        if lib.EVP_PKEY_CTX_set1_id(pctx, DEFAULT_ID, len(DEFAULT_ID)) != 1:
            raise OpenSSLError("cannot set the SM2 identifier")
        lib.EVP_MD_CTX_set_pkey_ctx(mctx, pctx)
        if lib.EVP_DigestSignInit(mctx, None, lib.sm3, None, pkey) != 1:
            raise OpenSSLError("sign init failed")
        size = c_size_t(0)
        if lib.EVP_DigestSign(mctx, None, byref(size), message, len(message)) != 1:
            raise OpenSSLError("sign failed")
        buf = ctypes.create_string_buffer(size.value)
        if lib.EVP_DigestSign(mctx, buf, byref(size), message, len(message)) != 1:
            raise OpenSSLError("sign failed")
        return buf.raw[: size.value]
    finally:
        lib.EVP_MD_CTX_free(mctx)
        lib.EVP_PKEY_CTX_free(pctx)


def _verify_pkey(lib: _Lib, pkey: int, message: bytes, signature: bytes) -> bool:
    mctx = lib.EVP_MD_CTX_new()
    pctx = lib.EVP_PKEY_CTX_new(pkey, None)
    try:
        if lib.EVP_PKEY_CTX_set1_id(pctx, DEFAULT_ID, len(DEFAULT_ID)) != 1:
            return False
        lib.EVP_MD_CTX_set_pkey_ctx(mctx, pctx)
        if lib.EVP_DigestVerifyInit(mctx, None, lib.sm3, None, pkey) != 1:
            return False
        ok = lib.EVP_DigestVerify(mctx, signature, len(signature), message, len(message))
        return ok == 1
    finally:
        lib.EVP_MD_CTX_free(mctx)
        lib.EVP_PKEY_CTX_free(pctx)
        lib.ERR_clear_error()


class _PublicKeyCache:
    """Parsed public keys by hex (a handful of departments; parsing costs a verification)."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self.keys: dict[str, int] = {}
        self.lock = threading.Lock()

    def get(self, lib: _Lib, public_key_hex: str) -> int | None:
        key = self.keys.get(public_key_hex)
        if key:
            return key
        try:
            info = der.public_key_info(bytes.fromhex(public_key_hex))
        except (ValueError, der.DerError):
            return None
        ptr = c_char_p(info)
        pkey = lib.d2i_PUBKEY(None, byref(ptr), len(info))
        if not pkey:
            lib.ERR_clear_error()
            return None
        with self.lock:
            if public_key_hex in self.keys:
                lib.EVP_PKEY_free(pkey)
                return self.keys[public_key_hex]
            if len(self.keys) >= self.limit:
                # perf: parsed keys are never freed while in use elsewhere; keep the old ones
                return pkey
            self.keys[public_key_hex] = pkey
        return pkey


_public_keys = _PublicKeyCache()


# rule: Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) (GB/T 32918.2 §5.5)
_CURVE = bytes.fromhex(
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"  # a
    "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"  # b
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"  # x_G
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"  # y_G
)
_threads = threading.local()


def _z(public_point: bytes) -> bytes:
    entl = (len(DEFAULT_ID) * 8).to_bytes(2, "big")
    return hashlib.new("sm3", entl + DEFAULT_ID + _CURVE + public_point[1:]).digest()


def _verify_context(lib: _Lib, public_key_hex: str) -> tuple[int, bytes] | None:
    """Per thread and key: an initialised verify context and Z_A (both reused)."""
    contexts = getattr(_threads, "contexts", None)
    if contexts is None:
        contexts = _threads.contexts = {}
    entry = contexts.get(public_key_hex)
    if entry is not None:
        return entry
    pkey = _public_keys.get(lib, public_key_hex)
    if pkey is None:
        return None
    ctx = lib.EVP_PKEY_CTX_new(pkey, None)
    if not ctx or lib.EVP_PKEY_verify_init(ctx) != 1:
        lib.ERR_clear_error()
        return None
    if len(contexts) > 64:
        for old_ctx, _ in contexts.values():
            lib.EVP_PKEY_CTX_free(old_ctx)
        contexts.clear()
    entry = contexts[public_key_hex] = (ctx, _z(bytes.fromhex(public_key_hex)))
    return entry


def verify(public_key_hex: str, message: bytes, signature_der: bytes) -> bool:
    """
    SM2 verification of ``message`` (e = SM3(Z_A || M) computed here, Z_A cached per key).

    perf: the digest-verify path of OpenSSL fetches SM3 and builds two contexts on every
    call; hashing in hashlib and verifying the digest on a reused context is twice as fast.
    """
    lib = load()
    if lib is None:
        raise OpenSSLError("OpenSSL 3 with SM2 is not available")
    entry = _verify_context(lib, public_key_hex)
    if entry is None:
        return False
    ctx, z = entry
    e = hashlib.new("sm3", z + message).digest()
    ok = lib.EVP_PKEY_verify(ctx, signature_der, len(signature_der), e, len(e))
    if ok != 1:
        lib.ERR_clear_error()
    return ok == 1


def generate_keypair() -> tuple[bytes, bytes]:
    """A new key pair: (private scalar d, 32 bytes; uncompressed public point, 65 bytes)."""
    lib = load()
    if lib is None:
        raise OpenSSLError("OpenSSL 3 with SM2 is not available")
    pkey = _generate(lib)
    try:
        bn = c_void_p()
        if lib.EVP_PKEY_get_bn_param(pkey, b"priv", byref(bn)) != 1:
            raise OpenSSLError("cannot read the private key")
        scalar = ctypes.create_string_buffer(32)
        lib.BN_bn2binpad(bn, scalar, 32)
        lib.BN_clear_free(bn)
        point = ctypes.create_string_buffer(65)
        size = c_size_t(0)
        if lib.EVP_PKEY_get_octet_string_param(pkey, b"pub", point, 65, byref(size)) != 1:
            raise OpenSSLError("cannot read the public key")
        return scalar.raw, point.raw[: size.value]
    finally:
        lib.EVP_PKEY_free(pkey)


class OpenSSLSigner:
    """A software key held in libcrypto memory for the life of the process."""

    def __init__(self, *, key_id: str, private_key_info: bytes, public_key_hex: str) -> None:
        lib = load()
        if lib is None:
            raise OpenSSLError("OpenSSL 3 with SM2 is not available")
        ptr = c_char_p(private_key_info)
        pkey = lib.d2i_AutoPrivateKey(None, byref(ptr), len(private_key_info))
        if not pkey:
            lib.ERR_clear_error()
            raise OpenSSLError("cannot read the private key file")
        if lib.EVP_PKEY_is_a(pkey, b"SM2") != 1:
            lib.EVP_PKEY_free(pkey)
            raise OpenSSLError("the key is not an SM2 key")
        self._lib = lib
        self._pkey = pkey
        self.key_id = key_id
        self.public_key_hex = public_key_hex

    def sign(self, digest: bytes) -> bytes:
        return _sign(self._lib, self._pkey, digest)

    def __del__(self) -> None:
        pkey, self._pkey = getattr(self, "_pkey", None), None
        if pkey:
            self._lib.EVP_PKEY_free(pkey)
